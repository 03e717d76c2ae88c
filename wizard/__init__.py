"""Sign-in Doctor: finds out why signing in to OpenAI Codex with ChatGPT fails, and repairs it."""

__version__ = "0.1.0"
