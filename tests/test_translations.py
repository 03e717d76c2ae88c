"""The translation catalogs: current with the code, complete in Japanese, placeholders kept,
and every text a real diagnosis produces is in them (nothing reaches a Japanese reader in
English by accident)."""

from __future__ import annotations

import importlib.util
import re
import shutil
import string
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from tests.e2e import free_port
from tests.helpers import lab_target, make_env
from tests.lab.port_holder import hold_port
from wizard.checks.catalog import ALL_CHECKS
from wizard.core.diagnose import diagnose
from wizard.core.i18n import Text, localize, tr
from wizard.core.model import Diagnosis
from wizard.core.profile import load_profile
from wizard.core.translations import (
    catalog_path,
    language_from_env,
    load_catalog,
    normalize_language,
    translator,
)

ROOT = Path(__file__).resolve().parent.parent
EXTRACT = ROOT / "resources" / "translations" / "extract.py"
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")  # kana and kanji
JAPANESE_OR_PUNCTUATION = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]")


def _extractor() -> Any:
    spec = importlib.util.spec_from_file_location("signin_doctor_extract", EXTRACT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _messages(lang: str) -> list[tuple[str, str, str, str | None]]:
    """(context, source, translation, type) of every live message of a catalog."""
    found = []
    for context in ET.parse(catalog_path(lang)).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            kind = translation.get("type")
            if kind in ("vanished", "obsolete"):
                continue
            found.append((name, message.findtext("source") or "", translation.text or "", kind))
    return found


def _fields(template: str) -> list[str]:
    """Every replacement field with its conversion and format spec, e.g. 'seconds:.1f'."""
    out = []
    for _text, name, spec, conversion in string.Formatter().parse(template):
        if name is not None:
            out.append(f"{name}!{conversion or ''}:{spec or ''}")
    return sorted(out)


# -- the catalogs ---------------------------------------------------------------------------


def test_the_catalogs_are_up_to_date_with_the_code(capsys):
    extract = _extractor()
    assert extract.main(["--check"]) == 0, capsys.readouterr().err


def test_the_extractor_finds_core_window_and_data_strings():
    messages = _extractor().extract()
    assert ("clock", "ahead of") in messages  # tr() in a check
    assert ("SigninDoctor", "Start checking") in messages  # the window's tr()
    assert ("checks", "Secure connection") in messages  # a check title in the catalog
    causes = ("causes", "This computer's clock is wrong")
    assert causes in messages and messages[causes].files == ["../../resources/causes.json"]
    assert any(c == "decoder" for c, _s in messages)  # decoder.json meanings


def test_every_string_has_a_finished_japanese_translation():
    untranslated = [
        f"[{context}] {source!r}"
        for context, source, translation, kind in _messages("ja")
        if kind is not None or not translation.strip()
    ]
    assert not untranslated, f"{len(untranslated)} untranslated:\n" + "\n".join(untranslated[:40])


def test_translations_keep_every_placeholder():
    broken = [
        f"[{context}] {source!r} -> {translation!r}"
        for context, source, translation, _kind in _messages("ja")
        if _fields(source) != _fields(translation)
    ]
    assert not broken, "placeholders dropped or changed:\n" + "\n".join(broken)


def test_qt_placeholders_and_accelerators_are_kept():
    for _context, source, translation, _kind in _messages("ja"):
        for marker in ("%v", "%m", "%1", "%2", "&&"):
            assert source.count(marker) == translation.count(marker), (source, translation)


def test_the_english_catalog_is_the_source_itself():
    for _context, source, translation, kind in _messages("en"):
        assert (translation, kind) == (source, None)


def test_the_japanese_translations_are_japanese():
    # Guards against a translation pasted into the wrong entry or left in English.
    latin_only = {"OK", "{title}: {summary}", "{check}: {before} → {after}", "Sign-in Doctor"}
    english = [
        (source, translation)
        for _context, source, translation, _kind in _messages("ja")
        if not JAPANESE_OR_PUNCTUATION.search(translation)
        and source not in latin_only
        and not re.fullmatch(r"[{}\w\s:,.!→—|]*", source)
    ]
    assert not english, english


@pytest.mark.skipif(
    shutil.which("pyside6-lrelease") is None
    and not (Path(sys.executable).parent / "pyside6-lrelease").exists(),
    reason="pyside6-lrelease is not installed",
)
def test_the_catalogs_compile_with_lrelease(tmp_path):
    lrelease = shutil.which("pyside6-lrelease") or str(
        Path(sys.executable).parent / "pyside6-lrelease"
    )
    for lang in ("en", "ja"):
        out = tmp_path / f"{lang}.qm"
        done = subprocess.run(
            [lrelease, str(catalog_path(lang)), "-qm", str(out)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert "0 unfinished" in done.stdout and out.stat().st_size > 10_000


# -- choosing the language ------------------------------------------------------------------


def test_the_language_comes_from_the_posix_variables_in_their_order():
    assert language_from_env({"LANG": "ja_JP.UTF-8"}) == "ja"
    assert language_from_env({"LC_ALL": "en_US.UTF-8", "LANG": "ja_JP.UTF-8"}) == "en"
    assert language_from_env({"LC_MESSAGES": "ja_JP.eucJP", "LANG": "C.UTF-8"}) == "ja"
    assert language_from_env({"LANG": "de_DE.UTF-8"}) == "en"  # no German catalog: English
    assert language_from_env({"LANG": "C.UTF-8"}) == "en"
    assert normalize_language("Japanese_Japan.932") == "ja"
    assert normalize_language("ja-Jpan-JP") == "ja"


def test_the_ts_translator_renders_japanese_and_leaves_english_alone():
    text = tr("clock", "This computer's clock is right (off by {off} s).", off=3)
    assert localize(text, translator("ja")) == "このコンピューターの時計は正確です（ずれは 3 秒）。"
    assert translator("en") is None and localize(text, translator("en")) == text
    assert len(load_catalog("ja")) == len(_messages("ja"))


# -- what real diagnoses say ----------------------------------------------------------------


def _texts(value: Any, seen: list[Text]) -> list[Text]:
    if isinstance(value, Text):
        seen.append(value)
        _texts(list(value.params.values()), seen)
    elif isinstance(value, dict):
        _texts(list(value.values()), seen)
    elif isinstance(value, list | tuple):
        for item in value:
            _texts(item, seen)
    return seen


def _english_prose(value: Any) -> bool:
    """A plain string parameter that reads like an English sentence (it should have been
    translatable text)."""
    return (
        isinstance(value, str)
        and not isinstance(value, Text)
        and bool(re.search(r"\b(the|is|was|not|cannot|could|and|with)\b \w+ \w+", value))
    )


def _assert_all_translated(diagnosis: Diagnosis) -> None:
    catalog = load_catalog("ja")
    ja = translator("ja")
    documents = [c.to_json() for c in diagnosis.checks] + [diagnosis.verdict.to_json()]
    for texts in (_texts(d, []) for d in documents):
        for text in texts:
            if text.context:  # joins of translatable parts have no template of their own
                assert (text.context, text.template) in catalog, (text.context, text.template)
            prose = [k for k, v in text.params.items() if _english_prose(v)]
            assert not prose, (text.template, {k: text.params[k] for k in prose})
    for result in diagnosis.checks:
        shown = localize(result.summary, ja)
        assert isinstance(result.summary, Text), (result.id, result.summary)
        assert shown != result.summary and JAPANESE.search(shown), (result.id, shown)
        assert JAPANESE.search(localize(result.title, ja)), result.title
    for field in ("title", "summary", "next_action"):
        english = getattr(diagnosis.verdict, field)
        assert JAPANESE.search(localize(english, ja)), (field, english)


def _run(home: Path, target: Any, **variables: str) -> Diagnosis:
    env = make_env(home, variables)
    return diagnose(ALL_CHECKS, env, load_profile(), target, 4.0)


def test_a_healthy_run_is_all_japanese(home, pki, auth_server):
    diagnosis = _run(
        home, lab_target(auth_server.url, free_port()), CODEX_CA_CERTIFICATE=str(pki.ca_pem)
    )
    assert diagnosis.verdict.cause == "none"
    _assert_all_translated(diagnosis)


def test_an_untrusted_connection_and_a_skewed_clock_are_all_japanese(home, auth_server):
    auth_server.date_offset_s = -7 * 60
    diagnosis = _run(home, lab_target(auth_server.url, free_port()))
    assert diagnosis.verdict.cause == "tls_interception"
    _assert_all_translated(diagnosis)


def test_a_dead_proxy_and_a_broken_ca_file_are_all_japanese(home, pki, auth_server):
    dead = f"http://127.0.0.1:{free_port()}"
    diagnosis = _run(
        home,
        lab_target(auth_server.url, free_port()),
        HTTPS_PROXY=dead,
        SSL_CERT_FILE=str(home / "missing.pem"),
    )
    assert diagnosis.verdict.cause == "ca_bundle_broken"
    assert "proxy_unreachable" in diagnosis.verdict.also
    _assert_all_translated(diagnosis)


def test_a_blocking_proxy_and_a_busy_port_are_all_japanese(home, pki, auth_server, proxy_factory):
    port = free_port()
    proxy = proxy_factory("block")
    with hold_port(port, name="holder"):
        diagnosis = _run(
            home,
            lab_target(auth_server.url, port),
            HTTPS_PROXY=proxy.url,
            CODEX_CA_CERTIFICATE=str(pki.ca_pem),
        )
    assert diagnosis.verdict.cause == "blocked_by_proxy"
    _assert_all_translated(diagnosis)


def test_a_clock_skew_verdict_reads_naturally_in_japanese(home, pki, auth_server):
    auth_server.date_offset_s = 15 * 60  # the server is ahead: this computer is behind
    diagnosis = _run(
        home, lab_target(auth_server.url, free_port()), CODEX_CA_CERTIFICATE=str(pki.ca_pem)
    )
    assert diagnosis.verdict.cause == "clock_skew"
    summary = localize(diagnosis.verdict.summary, translator("ja"))
    assert summary.startswith("このコンピューターの時計はサインインサーバーより15分遅れています。")
    _assert_all_translated(diagnosis)
