"""The window: Qt only. Everything it shows comes from core, checks, fixes and report."""
