"""The trust differential as a table people can read: which sets of certificates trust the
connection to the sign-in server, and the one Codex uses (from the tls check's evidence), for
the window's Details and the case file alike."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wizard.core.i18n import Text, tr

HEADINGS: dict[str, Text] = {
    "caption": tr("report", "Who trusts the connection to the sign-in server"),
    "set": tr("report", "Certificates"),
    "trusted": tr("report", "Trusted?"),
    "why": tr("report", "Why not"),
}
YES = ("✔", tr("report", "Yes"))
NO = ("✖", tr("report", "No"))


def trust_rows(evidence: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per set (this computer's store, public roots, each configured file), Codex's
    own last: label, where it comes from, trusted (bool), icon, word and why not."""
    rows = [r for r in evidence.get("trust") or () if isinstance(r, Mapping)]
    rows = [r for r in rows if r.get("id") != "codex"] + [r for r in rows if r.get("id") == "codex"]
    out = []
    for row in rows:
        trusted = row.get("trusted") is True
        icon, word = YES if trusted else NO
        out.append(
            {
                "label": row.get("label", ""),
                "origin": row.get("origin") or "",
                "codex": row.get("id") == "codex",
                "trusted": trusted,
                "icon": icon,
                "word": word,
                "why": "" if trusted else _why(row),
            }
        )
    return out


def _why(row: Mapping[str, Any]) -> str:
    """The reason, word for word; the OS's error code after it (what a help desk searches)."""
    error = row.get("error") or ""
    code = row.get("os_code")
    return f"{error} ({code})" if error and code else error
