"""What kind of CA variable each is, as Codex and the tools beside it read them (the check
and the fix that repairs them agree on it here)."""

from __future__ import annotations

WARN_ONLY = frozenset({"REQUESTS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS"})  # Codex does not read them
DIR_VARIABLES = frozenset({"SSL_CERT_DIR"})  # a folder of hashed certificate files
