"""The case file in Japanese: the texts localized before redaction, the HTML and Markdown
files' own words from the same catalog, ids and JSON keys unchanged, and "lang" recorded."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tests.helpers import AsFound
from wizard.core.findings import NOTHING
from wizard.core.i18n import localize, tr
from wizard.core.model import CheckResult, Diagnosis, Status
from wizard.core.profile import load_profile
from wizard.core.rules import decide
from wizard.core.translations import translator
from wizard.report.case_file import write_case_file
from wizard.report.document import to_document
from wizard.report.html import render_html
from wizard.report.markdown import render_markdown
from wizard.report.redact import redact_document

NOW = datetime(2026, 5, 9, 7, 35, 25, tzinfo=UTC)
CA_FILE = "/home/alice/certs/corp.pem"


@pytest.fixture
def diagnosis() -> Diagnosis:
    """A CA variable pointing at a missing file (the checks' own translatable words)."""
    target = load_profile().target()
    problem = tr("trust", "the file does not exist")
    results = (
        CheckResult(
            "ca_env",
            tr("checks", "Certificate settings"),
            Status.FAIL,
            tr(
                "ca_env",
                "{variable} points at {path}, but {problem}.",
                variable="SSL_CERT_FILE",
                path=CA_FILE,
                problem=problem,
            ),
            AsFound({"facts": {"variable": "SSL_CERT_FILE", "path": CA_FILE, "problem": problem}}),
            ("ca_var_broken",),
            4,
        ),
        CheckResult(
            "clock",
            tr("checks", "Computer clock"),
            Status.PASS,
            tr("clock", "This computer's clock is right (off by {off} s).", off=2),
            NOTHING,
            (),
            1,
        ),
    )
    return Diagnosis(target, results, decide(target, results), NOW.isoformat(), 1200)


def _document(diagnosis: Diagnosis, lang: str) -> dict:
    document = to_document(diagnosis, {"lang": lang})
    return redact_document(localize(document, translator(lang)), ["/home/alice"])


def test_a_japanese_case_file_keeps_ids_and_keys(diagnosis, tmp_path):
    english = _document(diagnosis, "en")
    japanese = _document(diagnosis, "ja")
    case = write_case_file(japanese, tmp_path / "ja", now=NOW, translate=translator("ja"))
    report = json.loads(case.files[0].read_text(encoding="utf-8"))

    assert report["lang"] == "ja" and english["lang"] == "en"
    assert report.keys() == {"case_id", "generated_at", *english.keys()}
    verdict = report["verdict"]
    assert (verdict["cause"], verdict["flow_step"], verdict["fixes"]) == (
        "ca_bundle_broken",
        "token_exchange",
        ["ca-env-repair", "ca-bundle"],
    )
    assert verdict["title"] == "証明書の設定が壊れたファイルを指しています"
    # Localized first, then redacted: the user name is gone from the Japanese words too.
    assert verdict["summary"] == (
        "SSL_CERT_FILE に ~/certs/corp.pem が設定されていますが、ファイルが存在しません。"
        "ブラウザーでのサインインは進みますが、その後のトークン交換で Codex が失敗します"
        "（「Token exchange failed」）。このファイルを使えないためです。"
    )
    assert [(c["id"], c["status"], c["faults"]) for c in report["checks"]] == [
        ("ca_env", "fail", ["ca_var_broken"]),
        ("clock", "pass", []),
    ]
    assert report["checks"][1]["summary"] == "このコンピューターの時計は正確です（ずれは 2 秒）。"
    assert report["checks"][0]["evidence"]["facts"]["problem"] == "ファイルが存在しません"

    html = case.files[1].read_text(encoding="utf-8")
    assert '<html lang="ja">' in html
    assert (
        f"<title>ケース {case.case_id}: 証明書の設定が壊れたファイルを指しています</title>" in html
    )
    assert '<p class="brand">Sign-in Doctor · レポート</p>' in html
    assert "<h2>次にすること</h2>" in html and "問題はサインインの手順 4 にあります。" in html
    assert "壊れた証明書の設定を直す" in html  # the fix's label
    assert "What to do next" not in html and "alice" not in html

    markdown = case.files[2].read_text(encoding="utf-8")
    assert markdown.startswith(f"# Sign-in Doctor ケース {case.case_id}\n")
    assert "**診断結果:** ✖ 問題あり: 証明書の設定が壊れたファイルを指しています" in markdown
    assert "| ✖ 問題あり | 証明書の設定 |" in markdown
    assert "## サインインの手順" in markdown and "Next action" not in markdown


def test_the_renderers_follow_the_documents_language_without_a_translator(diagnosis):
    japanese = _document(diagnosis, "ja") | {"case_id": "SD-ABCD-2345", "generated_at": "x"}
    assert render_html(japanese) == render_html(japanese, translator("ja"))
    assert render_markdown(japanese) == render_markdown(japanese, translator("ja"))
    english = _document(diagnosis, "en") | {"case_id": "SD-ABCD-2345", "generated_at": "x"}
    html = render_html(english)
    assert '<html lang="en">' in html and "<h2>What to do next</h2>" in html
    assert "**Verdict:** ✖ Problem found: A certificate setting points at a broken file" in (
        render_markdown(english)
    )
