"""The case file before saving: the draft's bytes are what is written, extra items can be
hidden, and no choice ever brings a secret back."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime

import pytest

from tests.helpers import AsFound
from wizard.core.findings.editors import IdeFindings
from wizard.core.model import CheckResult, Diagnosis, Status
from wizard.core.profile import load_profile
from wizard.core.rules import decide
from wizard.report.case_file import FILE_NAMES, write_case_file
from wizard.report.document import to_document
from wizard.report.draft import FILE_HIDDEN, HIDDEN_KEY, PROXY_HIDDEN, CaseDraft
from wizard.report.redact import redact_document_with_log

NOW = datetime(2026, 5, 9, 7, 35, 25, tzinfo=UTC)
CASE = "SD-7K3F-9QXA"
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTYifQ.c2lnbmF0dXJlMTIzNDU2Nzg5"
API_KEY = "sk-proj-Ab12Cd34Ef56Gh78Ij90"
PASSWORD = "s3cretPW-991"
CODE = "ac_SECRETcode0123456789"
SETTINGS = "~/.config/Code/User/settings.json"


@pytest.fixture
def draft(home) -> CaseDraft:
    target = load_profile().target()
    proxy = f"http://bob:{PASSWORD}@proxy.corp.example:8080"
    shown = "http://bob:<redacted>@proxy.corp.example:8080"
    results = (
        CheckResult(
            "proxy",
            "Proxy settings",
            Status.FAIL,
            f"Your proxy {shown} cannot be reached: the connection was refused.",
            AsFound(
                {
                    "effective": {"url": proxy, "source": "HTTPS_PROXY"},
                    "settings": [{"name": "HTTPS_PROXY", "value": proxy, "source": "environment"}],
                    "facts": {"proxy": shown, "proxy_source": "HTTPS_PROXY"},
                }
            ),
            ("proxy_unreachable",),
            3,
        ),
        CheckResult(
            "tcp",
            "Connecting to the sign-in server",
            Status.SKIP,
            "Not tested: the proxy does not answer.",
            AsFound(
                {"host": "proxy.corp.example", "port": 8080, "note": "via proxy.corp.example:8080"}
            ),
            (),
            1,
        ),
        CheckResult(
            "ide_settings",
            "Editor settings",
            Status.PASS,
            f"VS Code settings ({home}/.config/Code/User/settings.json) do not get in the way.",
            IdeFindings(
                files=({"editor": "VS Code", "file": SETTINGS, "http.proxy": shown},),
                wsl_setting="chatgpt.runCodexInWindowsSubsystemForLinux",
                wsl_on_files=(),
                unreadable=(),
                proxies=({"editor": "VS Code", "file": SETTINGS, "proxy": shown},),
            ),
            (),
            2,
        ),
        CheckResult(
            "codex_logs",
            "Last sign-in attempt",
            Status.WARN,
            "The last attempt failed.",
            AsFound(
                {"line": f"GET /auth/callback?code={CODE}&state=st4te0987 Bearer {JWT} {API_KEY}"}
            ),
            (),
            2,
        ),
    )
    diagnosis = Diagnosis(target, results, decide(target, results), NOW.isoformat(), 9)
    decoded = [{"meaning": "The proxy refused.", "excerpt": f"key={API_KEY} password={PASSWORD}"}]
    document = to_document(diagnosis, {"case_id": CASE, "decoded_error": decoded})
    redacted, notes = redact_document_with_log(document, [str(home)])
    return CaseDraft.make(redacted, notes, CASE, NOW)


SECRETS = (PASSWORD, API_KEY, JWT, CODE, "st4te0987")


def test_without_choices_the_draft_is_byte_for_byte_the_case_file(draft, tmp_path):
    written = write_case_file(draft.document, tmp_path / "cli", case_id=CASE, now=NOW)
    files = draft.files()
    assert list(files) == list(FILE_NAMES)
    for path in written.files:
        assert path.read_bytes() == files[path.name], path.name
    saved = draft.write(tmp_path / "gui")
    for path in saved.files:
        assert path.read_bytes() == files[path.name]
    report = json.loads(files["report.json"])
    assert report["case_id"] == CASE and report["generated_at"] == "2026-05-09T07:35:25+00:00"
    assert HIDDEN_KEY not in report


def test_the_offered_choices(draft):
    choices = {c.id: c for c in draft.choices()}
    assert list(choices) == [
        "proxy",
        "editor_paths",
        "error_message",
        "check:proxy",
        "check:tcp",
        "check:ide_settings",
        "check:codex_logs",
    ]
    assert "http://bob:<redacted>@proxy.corp.example:8080" in choices["proxy"].description
    assert PASSWORD not in choices["proxy"].description
    assert SETTINGS in choices["editor_paths"].description
    assert choices["proxy"].count >= 8
    assert str(choices["check:tcp"].label) == "Details of “Connecting to the sign-in server”"


def test_hiding_the_proxy_takes_every_form_of_its_address_out(draft):
    text = draft.with_hidden({"proxy"}).files()["report.json"].decode()
    assert "proxy.corp.example" not in text and "8080" not in text.replace('"port": 8080', "")
    assert PROXY_HIDDEN in text
    report = json.loads(text)
    assert report[HIDDEN_KEY] == ["proxy"]
    assert report["checks"][0]["summary"] == (
        f"Your proxy {PROXY_HIDDEN} cannot be reached: the connection was refused."
    )
    assert report["checks"][1]["evidence"]["note"] == f"via {PROXY_HIDDEN}"
    # Only the proxy: the sign-in server and the rest of the report stay.
    assert report["target"]["host"] == "auth.openai.com"
    assert report["checks"][2]["evidence"]["files"][0]["file"] == SETTINGS


def test_hiding_editor_paths_one_checks_details_and_the_pasted_error(draft):
    hidden = draft.with_hidden({"editor_paths", "check:codex_logs", "error_message"})
    report = json.loads(hidden.files()["report.json"])
    ide = report["checks"][2]
    assert ide["evidence"]["files"][0]["file"] == FILE_HIDDEN
    assert ide["evidence"]["proxies"][0]["file"] == FILE_HIDDEN
    assert report["checks"][3]["evidence"] == {"hidden": True}
    assert report["checks"][3]["summary"] == "The last attempt failed."  # the result stays
    assert "decoded_error" not in report
    assert report[HIDDEN_KEY] == ["editor_paths", "error_message", "check:codex_logs"]
    for name in ("report.html", "report.md"):
        assert SETTINGS not in hidden.files()[name].decode()


def test_no_choice_can_turn_the_redaction_off(draft):
    notes = {n.kind for n in draft.notes}
    assert {"password", "api_key", "token", "oauth_code", "oauth_state"} <= notes
    for kind in [*notes, "token", "password", "secrets", "redaction"]:
        with pytest.raises(ValueError):
            draft.with_hidden({kind})
    ids = draft.choice_ids()
    for size in range(len(ids) + 1):
        for combo in itertools.combinations(ids, size):
            files = draft.with_hidden(combo).files()
            for data in files.values():
                text = data.decode()
                for secret in SECRETS:
                    assert secret not in text, (combo, secret)


def test_a_draft_is_stable_and_its_documents_are_copies(draft):
    first = draft.with_hidden({"proxy"})
    again = draft.with_hidden({"proxy"})
    assert first.files() == again.files()
    document = first.final_document()
    document["case_id"] = "changed"
    assert first.final_document()["case_id"] == CASE
    assert draft.files() != first.files()  # hiding is never applied to the original draft
