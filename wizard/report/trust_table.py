"""The trust differential as a table people can read: which sets of certificates trust the
connection to the sign-in server, and the one Codex uses (from the tls check's evidence), for
the window's Details and the case file alike."""

from __future__ import annotations

from typing import Any

from wizard.core.findings import Findings, typed
from wizard.core.findings.certificates import TlsFindings, TrustRow
from wizard.core.i18n import Text, join, tr

HEADINGS: dict[str, Text] = {
    "caption": tr("report", "Who trusts the connection to the sign-in server"),
    "set": tr("report", "Certificates"),
    "trusted": tr("report", "Trusted?"),
    "why": tr("report", "Why not"),
}
YES = ("✔", tr("report", "Yes"))
NO = ("✖", tr("report", "No"))


def trust_rows(findings: Findings) -> list[dict[str, Any]]:
    """One row per set (this computer's store, public roots, each configured file), Codex's
    own last: label, where it comes from, trusted (bool), icon, word and why not. Empty for
    findings other than the secure connection's."""
    tls = typed(findings, TlsFindings)
    rows = tls.trust if tls is not None else ()
    rows = tuple(r for r in rows if r.id != "codex") + tuple(r for r in rows if r.id == "codex")
    out = []
    for row in rows:
        icon, word = YES if row.trusted else NO
        out.append(
            {
                "label": row.label,
                "origin": row.origin or "",
                "codex": row.id == "codex",
                "trusted": row.trusted,
                "icon": icon,
                "word": word,
                "why": "" if row.trusted else _why(row),
            }
        )
    return out


def _why(row: TrustRow) -> str:
    """The reason, word for word; the OS's error code after it (what a help desk searches)."""
    error = row.error or ""
    if not (error and row.os_code):
        return error
    return join([error, f"({row.os_code})"], " ")
