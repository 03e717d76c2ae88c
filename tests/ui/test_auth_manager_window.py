"""An account switcher's takeover in the window: the real auth_managers check over real files
(an API-key-only auth.json, a config.toml with a fixed access key), the verdict names the
program, the Fix page shows its steps, and no value of either file is anywhere in the window,
in English and in Japanese."""

from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel, QPlainTextEdit, QTextEdit, QWidget

from tests.helpers import lab_target, make_env
from tests.lab.home import LabHome
from tests.ui.scenarios import VERDICT_TIMEOUT_MS, free_port
from wizard.checks.catalog import ALL_CHECKS
from wizard.core.environment import ProcessInfo
from wizard.ui import language

API_KEY = "sk-proj-SHOWNNEVERkey0123456789abcd"
BEARER = "SHOWNNEVERbearer9876543210"
SPECS = tuple(s for s in ALL_CHECKS if s.id == "auth_managers")


def window_text(window) -> str:
    """Every word the window holds, shown or behind Details: labels, buttons, text boxes and
    what screen readers are told."""
    parts: list[str] = []
    for widget in window.findChildren(QWidget):
        if isinstance(widget, QLabel | QAbstractButton):
            parts.append(widget.text())
        if isinstance(widget, QTextEdit | QPlainTextEdit):
            parts.append(widget.toPlainText())
        parts += [widget.accessibleName(), widget.accessibleDescription(), widget.toolTip()]
    return "\n".join(parts)


def switcher_home(home) -> None:
    lab = LabHome(home)
    lab.auth_json(json.dumps({"OPENAI_API_KEY": API_KEY}))
    lab.config_toml(
        'model_provider = "ccs"\n[model_providers.ccs]\nbase_url = "http://127.0.0.1:15721/v1"\n'
        f'experimental_bearer_token = "{BEARER}"\n'
    )


@pytest.fixture(params=["en", "ja"])
def lang(request):
    language.install(request.param)
    yield request.param
    language.install("en")


WORDS = {
    "en": (
        "Another program manages Codex's sign-in",
        "CC Switch (pid 4242)",
        "Stop the program that rewrites your sign-in",
    ),
    "ja": (
        "別のプログラムが Codex のサインインを管理しています",
        "CC Switch（pid 4242）",
        "サインインを書き換えるプログラムを止める",
    ),
}


def test_the_takeover_is_named_and_no_value_is_on_screen(qtbot, open_window, home, lang):
    switcher_home(home)
    env = make_env(home, processes=lambda: [ProcessInfo(4242, "cc-switch", None)])
    window = open_window(env, lab_target("https://localhost:9", free_port()), specs=SPECS)
    window.next()
    qtbot.waitUntil(lambda: window.current_key() == "verdict", timeout=VERDICT_TIMEOUT_MS)
    verdict = window.session.diagnosis.verdict
    assert (verdict.cause, verdict.fixes) == ("third_party_auth_manager", ("stop-auth-manager",))
    title, tool, fix_title = WORDS[lang]
    on_verdict = window_text(window)
    assert title in on_verdict and tool in on_verdict
    assert "experimental_bearer_token" in on_verdict  # its name is said (Details), not its value
    window.verdict_page().act()
    fix = window.page_by_key("fix")
    qtbot.waitUntil(fix.plans_ready, timeout=10_000)
    on_fix = window_text(window)
    assert fix_title in on_fix
    for text in (on_verdict, on_fix):
        assert API_KEY not in text and BEARER not in text and "SHOWNNEVER" not in text
