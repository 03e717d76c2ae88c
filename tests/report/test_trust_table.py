"""The trust differential in the case file: a table (HTML and Markdown), Codex's row last."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.helpers import lab_target, tls_findings
from wizard.core.findings import NOTHING
from wizard.core.model import CheckResult, Diagnosis, Status
from wizard.core.rules import decide
from wizard.report.document import to_document
from wizard.report.html import render_html
from wizard.report.markdown import render_markdown
from wizard.report.trust_table import trust_rows

TRUST = [
    {"id": "codex", "label": "What Codex trusts with your settings", "origin": "OS store",
     "roots": 140, "trusted": False, "error": "unknown issuer"},
    {"id": "os", "label": "This computer's certificate store", "origin": "Windows",
     "roots": 141, "trusted": True, "error": None},
    {"id": "certifi", "label": "Public roots", "origin": "certifi", "roots": 140,
     "trusted": False, "error": "unknown issuer"},
]  # fmt: skip


def document():
    tls = CheckResult(
        "tls", "Secure connection", Status.FAIL, "Not trusted.", tls_findings(TRUST), (), 3
    )
    target = lab_target()
    diagnosis = Diagnosis(target, (tls,), decide(target, [tls]), "2026-12-04T06:00:00+00:00", 3)
    return to_document(
        diagnosis, {"case_id": "SD-AAAA-BBBB", "generated_at": str(datetime.now(UTC))}
    )


def test_rows_put_codex_last_and_say_yes_or_no():
    rows = trust_rows(tls_findings(TRUST))
    assert [r["label"] for r in rows] == [
        "This computer's certificate store",
        "Public roots",
        "What Codex trusts with your settings",
    ]
    assert [(r["word"], r["why"]) for r in rows] == [
        ("Yes", ""),
        ("No", "unknown issuer"),
        ("No", "unknown issuer"),
    ]
    assert rows[-1]["codex"] and not rows[0]["codex"]
    assert trust_rows(NOTHING) == []


def test_the_os_row_shows_the_os_error_code():
    # Windows' answer as truststore passes it on (tests/checks/test_tls_os_verifier.py)
    windows = "A certificate chain processed, but terminated in a root certificate which is not "
    windows += "trusted by the trust provider."
    row = {"id": "os", "label": "This computer's certificate store", "trusted": False,
           "error": windows, "os_code": "0x800B0109"}  # fmt: skip
    assert trust_rows(tls_findings([row]))[0]["why"] == f"{windows} (0x800B0109)"


def test_the_case_file_shows_the_table():
    page = render_html(document())
    assert "<caption>Who trusts the connection to the sign-in server</caption>" in page
    assert (
        '<tr class="codex"><th scope="row">What Codex trusts with your settings<br>'
        '<span class="tech">OS store</span></th><td><span aria-hidden="true">✖</span> No</td>'
        "<td>unknown issuer</td></tr>"
    ) in page
    lines = render_markdown(document()).splitlines()
    assert "| Certificates | Trusted? | Why not |" in lines
    assert "| This computer's certificate store | ✔ Yes |  |" in lines
    assert "| **What Codex trusts with your settings** | ✖ No | unknown issuer |" in lines
