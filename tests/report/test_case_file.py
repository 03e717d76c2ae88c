"""The case file: three files from one real diagnosis, redacted, self-contained, atomic."""

from __future__ import annotations

import json
import os
import re
import sys
from datetime import UTC, datetime
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.helpers import AsFound
from wizard.core.findings import NOTHING
from wizard.core.model import CheckResult, Diagnosis, Status
from wizard.core.profile import load_profile
from wizard.core.rules import decide
from wizard.report.case_file import FILE_NAMES, case_document, write_case_file
from wizard.report.case_id import ALPHABET, is_case_id, new_case_id, normalize_case_id
from wizard.report.document import to_document
from wizard.report.redact import redact_document

NOW = datetime(2026, 5, 9, 7, 35, 25, tzinfo=UTC)
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTYifQ.c2lnbmF0dXJlMTIzNDU2Nzg5"


def _result(cid, title, status, summary, evidence=None, faults=(), ms=5):
    found = AsFound(evidence) if evidence else NOTHING
    return CheckResult(cid, title, status, summary, found, tuple(faults), ms)


@pytest.fixture
def diagnosis() -> Diagnosis:
    """A stale proxy in the environment: the proxy check proves it, the rest is skipped."""
    target = load_profile().target()
    proxy = "http://alice:<redacted>@127.0.0.1:3128"
    results = (
        _result(
            "proxy",
            "Proxy settings",
            Status.FAIL,
            f"Your proxy {proxy} does not answer.",
            {
                "facts": {"proxy": proxy, "proxy_source": "HTTPS_PROXY"},
                "settings": [{"name": "HTTPS_PROXY", "value": proxy, "source": "environment"}],
                "error": "connection refused",
            },
            ("proxy_unreachable",),
            ms=3,
        ),
        _result("ca_env", "Certificate settings", Status.PASS, "No certificate settings."),
        _result("dns", "Finding the sign-in server", Status.PASS, "auth.openai.com was found."),
        _result(
            "tls",
            "Secure connection",
            Status.SKIP,
            "Not tested: the proxy does not answer.",
            {"chain": [{"subject": "CN=auth.openai.com", "sha256": "ab" * 32}]},
        ),
        _result(
            "token_endpoint",
            "Finishing sign-in (token exchange)",
            Status.SKIP,
            "Not tested: the secure connection failed first.",
        ),
        _result(
            "callback_port",
            "Sign-in return port",
            Status.PASS,
            "Nothing else is using port 1455 <or> 1457 & more.",
            {"ports": [1455, 1457]},
        ),
        _result(
            "codex_logs",
            "Last sign-in attempt",
            Status.WARN,
            "The last sign-in did not finish.",
            {  # a check that forgot to sanitise: the case file must not trust it
                "excerpt": f"GET /auth/callback?code=ac_Zq3xV8nR2mK7pL4w&state=k2Jq9XvL4mN7 {JWT}",
                "file": "/home/carol/.codex/log/codex-login.log",
                "account": "carol@example.com",
            },
        ),
    )
    verdict = decide(target, results)
    assert verdict.cause == "proxy_unreachable"
    return Diagnosis(target, results, verdict, "2026-05-09T07:35:20+00:00", 4321)


@pytest.fixture
def document(diagnosis):
    return to_document(diagnosis, {"decoded_error": [{"meaning": "Codex could not reach <it>."}]})


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []
        self.style = ""
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(k, v or "") for k, v in attrs]
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.style += data


def test_writes_three_files_with_one_case_id(tmp_path, document):
    out = tmp_path / "new" / "nested"
    case = write_case_file(document, out, now=NOW)
    assert is_case_id(case.case_id)
    assert case.files == tuple(out / name for name in FILE_NAMES)
    assert case.directory == out
    for path in case.files:
        assert path.is_file()
        assert case.case_id in path.read_text(encoding="utf-8")
    assert sorted(p.name for p in out.iterdir()) == sorted(FILE_NAMES)  # no temp files left


def test_json_is_the_redacted_document_plus_case_id(tmp_path, document):
    case = write_case_file(document, tmp_path, now=NOW)
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    expected = {
        **redact_document(document),
        "case_id": case.case_id,
        "generated_at": "2026-05-09T07:35:25+00:00",
    }
    assert data == expected
    evidence = data["checks"][-1]["evidence"]
    assert evidence == {
        "excerpt": "GET /auth/callback?code=<redacted>&state=<redacted> <redacted>",
        "file": "/home/<user>/.codex/log/codex-login.log",
        "account": "<email>",
    }
    assert data["checks"][3]["evidence"]["chain"][0]["sha256"] == "ab" * 32  # fingerprint kept
    assert list(data)[:2] == ["case_id", "generated_at"]
    assert (tmp_path / "report.json").read_bytes().endswith(b"}\n")


def test_no_secret_reaches_any_file(tmp_path, document):
    write_case_file(document, tmp_path, now=NOW)
    for name in FILE_NAMES:
        text = (tmp_path / name).read_text(encoding="utf-8")
        for secret in ("ac_Zq3xV8nR2mK7pL4w", "k2Jq9XvL4mN7", JWT[:20], "carol", "example.com"):
            assert secret not in text, (name, secret)


def test_html_is_self_contained_and_escaped(tmp_path, document, diagnosis):
    case = write_case_file(document, tmp_path, now=NOW)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    parser = _Collector()
    parser.feed(page)

    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page.lower()
    assert not {"script", "link", "img", "iframe", "object", "embed", "a", "base"} & set(
        parser.tags
    )
    assert [v for _k, v in parser.attrs if "://" in v or v.startswith("//")] == []
    assert [k for k, _v in parser.attrs if k in ("src", "href", "srcset", "action")] == []
    assert "url(" not in parser.style and "@import" not in parser.style
    assert "@media print" in parser.style and "prefers-color-scheme: dark" in parser.style
    # URLs appear only as text (the sign-in server, the proxy)
    assert ">https://auth.openai.com</dd>" in page
    assert "http://alice:&lt;redacted&gt;@127.0.0.1:3128" in page

    assert f'<strong class="case-id">{case.case_id}</strong>' in page
    assert f"<title>Case {case.case_id}: {diagnosis.verdict.title}</title>" in page
    assert "&lt;or&gt; 1457 &amp; more." in page  # summaries are escaped
    assert "Codex could not reach &lt;it&gt;." in page
    assert "<or>" not in page and "<it>" not in page


HOSTILE = "<script>alert(\"x\")</script>' onload='y'"
HOSTILE_BYTES = b"&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&#39; onload=&#39;y&#39;"


def test_html_escapes_hostile_strings_from_the_evidence_byte_for_byte(tmp_path, document):
    """What a server or a log puts in the evidence is text wherever it lands: element text,
    attribute values, the evidence JSON, extra keys (the template engine autoescapes)."""
    check = document["checks"][0]
    check["id"] = HOSTILE
    check["title"] = HOSTILE
    check["status"] = 'warn" onclick="y'
    check["summary"] = HOSTILE
    check["faults"] = [HOSTILE]
    check["evidence"] = {"body": HOSTILE, HOSTILE: "page title"}
    document["verdict"]["also"] = [HOSTILE]
    document["verdict"]["fixes"] = [HOSTILE]
    document["decoded_error"] = [{"meaning": HOSTILE, "excerpt": HOSTILE}, HOSTILE]
    document["from_a_newer_version"] = HOSTILE
    write_case_file(document, tmp_path, now=NOW)
    page = (tmp_path / "report.html").read_bytes()

    assert b"<script" not in page.lower() and b"onload='" not in page
    assert b'"status status-warn&#34; onclick=&#34;y"' in page  # inside the class attribute
    assert b'<th scope="row">' + HOSTILE_BYTES + b"</th>" in page
    assert b"<td>" + HOSTILE_BYTES + b"</td>" in page
    assert b"<code>" + HOSTILE_BYTES + b"</code>" in page  # fault, also, fix id, excerpt
    assert b"<strong>" + HOSTILE_BYTES + b"</strong>" in page  # the decoded meaning
    assert b"<li>" + HOSTILE_BYTES + b"</li>" in page  # a decoded line without a meaning
    # JSON in <pre>: its quotes escaped too (the value's \" stays a JSON escape)
    body = b"&lt;script&gt;alert(\\&#34;x\\&#34;)&lt;/script&gt;&#39; onload=&#39;y&#39;"
    assert b"&#34;body&#34;: &#34;" + body + b"&#34;" in page
    assert b"&#34;from_a_newer_version&#34;: &#34;" + body + b"&#34;" in page


def test_html_verdict_card_comes_first_and_status_is_words(tmp_path, document, diagnosis):
    write_case_file(document, tmp_path, now=NOW)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    verdict = diagnosis.verdict
    card = page.index('<section class="card verdict verdict-problem"')
    positions = [
        page.index(f'<h1 id="verdict-title">{escape(verdict.title)}</h1>', card),
        page.index(escape(verdict.summary), card),
        page.index(escape(verdict.next_action), card),
        page.index('Remove or correct the stale proxy setting <span class="tech">', card),
        page.index('aria-current="step"', card),
        page.index("<table>", card),
        page.index("<details", card),
    ]
    assert card < positions[0]
    assert positions == sorted(positions)
    assert '<span class="icon" aria-hidden="true">✖</span> Problem found' in page
    # the failing step (4, token_exchange) is marked in words
    assert re.search(
        r'<li class="step step-fail" aria-current="step"><span class="step-no">4</span> '
        r"Codex completes sign-in with OpenAI <span class=\"mark\">"
        r'<span aria-hidden="true">✖</span> Problem here</span>',
        page,
    )
    # one row per check, each status as icon + word
    rows = re.findall(r"<tr( class=\"proving\")?><td><span class=\"status status-(\w+)\">", page)
    assert [status for _cls, status in rows] == [
        "fail", "pass", "pass", "skip", "skip", "pass", "warn"
    ]  # fmt: skip
    assert rows[0][0] == ' class="proving"'
    assert '<span class="icon" aria-hidden="true">○</span> Not tested</span>' in page
    assert '<span class="icon" aria-hidden="true">⚠</span> Warning</span>' in page
    # the evidence of the proving check is open, the others closed
    assert page.count("<details open>") == 1
    assert (
        '<details open><summary><span aria-hidden="true">✖</span> Problem — Proxy settings' in page
    )


def test_markdown_has_the_verdict_and_a_checks_table(tmp_path, document, diagnosis):
    case = write_case_file(document, tmp_path, now=NOW)
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    lines = md.splitlines()
    assert lines[0] == f"# Sign-in Doctor case {case.case_id}"
    assert f"**Verdict:** ✖ Problem found: {diagnosis.verdict.title}" in lines
    assert f"**Next action:** {diagnosis.verdict.next_action}" in lines
    header = lines.index("| Status | Check | Result |")
    assert lines[header + 1] == "|---|---|---|"
    assert lines[header + 2] == (
        r"| ✖ Problem | Proxy settings | Your proxy http://alice:\<redacted\>@127.0.0.1:3128 "
        "does not answer. |"
    )
    assert lines[header + 7] == (
        r"| ✔ OK | Sign-in return port | Nothing else is using port 1455 \<or\> 1457 & more. |"
    )
    assert (
        lines[header + 8]
        == "| ⚠ Warning | Last sign-in attempt | The last sign-in did not finish. |"
    )
    assert lines[header + 9] == ""
    assert "4. Codex completes sign-in with OpenAI: ✖ Problem here" in lines
    assert "- Remove or correct the stale proxy setting (`proxy-env-repair`)" in lines
    # evidence goes into fenced JSON blocks that parse back
    blocks = re.findall(r"```json\n(.*?)\n```", md, re.S)
    assert len(blocks) == len(diagnosis.checks)
    assert json.loads(blocks[0])["facts"]["proxy_source"] == "HTTPS_PROXY"


def test_rewriting_replaces_the_files_and_keeps_a_given_case_id(tmp_path, document):
    first = write_case_file(document, tmp_path, now=NOW)
    again = write_case_file({**document, "case_id": first.case_id}, tmp_path, now=NOW)
    assert again.case_id == first.case_id
    other = write_case_file(document, tmp_path, case_id="SD-0000-0000", now=NOW)
    assert json.loads((tmp_path / "report.json").read_text())["case_id"] == other.case_id
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILE_NAMES)


def test_out_dir_that_is_a_file_raises_a_clear_oserror(tmp_path, document):
    target = tmp_path / "report"
    target.write_text("not a folder")
    with pytest.raises(OSError, match="is a file, not a folder"):
        write_case_file(document, target)
    with pytest.raises(OSError, match="part of that path is a file"):
        write_case_file(document, target / "sub")
    assert target.read_text() == "not a folder"


def test_a_folder_in_place_of_a_report_file_raises_and_leaves_no_temp_files(tmp_path, document):
    (tmp_path / "report.html").mkdir()
    with pytest.raises(OSError, match=r"report\.html there is a folder"):
        write_case_file(document, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "report.json"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_unwritable_folder_raises_a_clear_oserror(tmp_path, document):
    if os.geteuid() == 0:  # root writes through permission bits: use a kernel file system
        if not Path("/sys/kernel").is_dir():
            pytest.skip("running as root without /sys")
        locked = Path("/sys/signin-doctor-test/case")
        match = "no permission to create that folder"
    else:
        parent = tmp_path / "locked"
        parent.mkdir()
        parent.chmod(0o500)
        locked = parent
        match = "no permission to write in that folder"
    try:
        with pytest.raises(OSError, match=match) as info:
            write_case_file(document, locked)
        assert info.value.errno is not None
        assert str(info.value) == match
    finally:
        if locked.parent == tmp_path:
            locked.chmod(0o700)


# --- case ids --------------------------------------------------------------------------------


def test_case_ids_are_short_readable_and_unambiguous():
    ids = {new_case_id() for _ in range(200)}
    assert len(ids) == 200
    for case_id in ids:
        assert re.fullmatch(r"SD-[0-9A-Z]{4}-[0-9A-Z]{4}", case_id)
        assert not set(case_id[3:]) & set("ILOU")
        assert set(case_id[3:].replace("-", "")) <= set(ALPHABET)
    assert set(ALPHABET) == set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")


def test_typed_case_ids_are_forgiven():
    assert normalize_case_id("sd 7k3f 9qxa") == "SD-7K3F-9QXA"
    assert normalize_case_id("7KEF-9QXA") == "SD-7KEF-9QXA"
    assert normalize_case_id("SD-7K3F-9QXO") == "SD-7K3F-9QX0"
    assert normalize_case_id("SD-IL00-0000") == "SD-1100-0000"
    assert normalize_case_id("SD-7K3F-9QX") is None
    assert normalize_case_id("SD-7K3F-9QXU") is None


def test_case_document_redacts_even_if_the_caller_did_not(document):
    doc = case_document({**document, "note": "mail carol@example.com"}, "SD-AAAA-BBBB", NOW)
    assert doc["note"] == "mail <email>"
    assert doc["case_id"] == "SD-AAAA-BBBB"
