"""Worlds and keyboard helpers for the accessibility, walkthrough and history tests.

- `stale_proxy_world`: a real dead proxy persisted in ~/.bashrc, the real proxy and network
  checks against the lab auth server; proxy-env-repair is one Apply away and the re-check
  proves it (a real before/after).
- `fake_specs`: hand-made checks that run in milliseconds, for page-by-page tests.
- `Keys`: Tab / Shift+Tab / Enter / Space sent to whatever has the keyboard focus, as a
  person would press them, with the path Tab took for failure messages."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QLabel,
    QScrollArea,
    QWidget,
    QWizard,
)

from tests.e2e import free_port
from tests.helpers import lab_target, make_env
from wizard.checks.catalog import ALL_CHECKS
from wizard.core.engine import CheckSpec
from wizard.core.findings.certificates import TlsFindings
from wizard.core.findings.codex import LogsFindings
from wizard.core.findings.network import ProxyFindings
from wizard.core.findings.port import PortFindings
from wizard.core.model import Outcome, Status
from wizard.ui.accessibility import StepButton

VERDICT_TIMEOUT_MS = 30_000
NETWORK_CHECKS = {"proxy", "ca_env", "dns", "tcp", "tls", "openid", "token_endpoint", "clock"}
REAL_SPECS = tuple(s for s in ALL_CHECKS if s.id in NETWORK_CHECKS)
PROXY_PASSWORD = "s3cretPW-991"
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTYifQ.c2lnbmF0dXJlMTIzNDU2Nzg5"
API_KEY = "sk-proj-Ab12Cd34Ef56Gh78Ij90"
CODE = "ac_SECRETcode0123456789"
STATE = "st4te0987xyz"
EMAIL = "alice.liddell@example.com"
PLANTED = (JWT, API_KEY, CODE, STATE, EMAIL)
CORP_PROXY = "http://bob:<redacted>@proxy.corp.example:8080"


@dataclass
class World:
    env: object
    target: object
    specs: tuple[CheckSpec, ...] | None
    secrets: tuple[str, ...] = ()
    files: dict[str, Path] = field(default_factory=dict)


def stale_proxy_world(home: Path, pki, auth_server) -> World:
    dead = free_port()
    proxy = f"http://bob:{PROXY_PASSWORD}@127.0.0.1:{dead}"
    bashrc = home / ".bashrc"
    bashrc.write_text(f"alias ll='ls -l'\nexport HTTPS_PROXY={proxy}\n")
    env = make_env(home, {"HTTPS_PROXY": proxy, "CODEX_CA_CERTIFICATE": str(pki.ca_pem)})
    return World(
        env,
        lab_target(auth_server.url, free_port()),
        (*REAL_SPECS, leaky_log_spec(home)),
        (PROXY_PASSWORD, str(home), *PLANTED),
        {"bashrc": bashrc},
    )


def _spec(check_id: str, title: str, outcome: Outcome) -> CheckSpec:
    return CheckSpec(check_id, title, lambda _ctx: outcome)


def leaky_log_spec(home: Path) -> CheckSpec:
    """A passing check whose words carry every kind of secret (planted: nothing may keep
    them - not the report, not its preview, not the history)."""
    line = (
        f"GET /auth/callback?code={CODE}&state={STATE} for {EMAIL}; Authorization: Bearer "
        f"{JWT}; OPENAI_API_KEY={API_KEY}; log {home}/.codex/log/codex-tui.log"
    )
    return _spec(
        "codex_logs",
        "Last sign-in attempt",
        Outcome(
            Status.PASS,
            f"The last attempt got this far: {line}",
            LogsFindings(None, None, ({"excerpt": line},)),
        ),
    )


def fake_specs(home: Path) -> tuple[CheckSpec, ...]:
    """An intercepting proxy (the verdict has fixes: steps with commands to copy)."""
    ok = Status.PASS
    proxy = ProxyFindings(
        effective={"url": CORP_PROXY, "source": "HTTPS_PROXY"},
        settings=(),
        notes=(),
        facts={"proxy": CORP_PROXY, "proxy_source": "HTTPS_PROXY"},
    )
    return (
        _spec(
            "proxy",
            "Proxy settings",
            Outcome(ok, f"The proxy {CORP_PROXY} lets Codex through.", proxy),
        ),
        _spec("dns", "Finding the sign-in server", Outcome(ok, "Found.")),
        _spec("tcp", "Connecting to the sign-in server", Outcome(ok, "Connected.")),
        _spec(
            "tls",
            "Secure connection",
            Outcome(
                Status.FAIL,
                "Codex does not trust the certificate, issued by Contoso Inspection Root.",
                TlsFindings(
                    "direct", facts={"issuer": "Contoso Inspection Root (Contoso Web Inspection)"}
                ),
                ("tls_untrusted",),
            ),
        ),
        _spec("clock", "Clock", Outcome(ok, "The clock is right.")),
        _spec(
            "callback_port",
            "Sign-in return port",
            Outcome(ok, "Port is free.", PortFindings("127.0.0.1", True, ())),
        ),
        leaky_log_spec(home),
    )


def fake_world(home: Path) -> World:
    return World(
        make_env(home),
        lab_target("https://localhost:9", free_port()),
        fake_specs(home),
        (str(home), *PLANTED),
    )


def open_world(open_window, world: World, timeout_s: float = 4.0):
    return open_window(world.env, world.target, timeout_s=timeout_s, specs=world.specs)


def wizard_button(window, which: QWizard.WizardButton) -> QWidget:
    return window.button(which)


class Keys:
    """The keyboard, and only the keyboard."""

    def __init__(self, qtbot, window) -> None:
        self.qtbot = qtbot
        self.window = window
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)

    def focus(self) -> QWidget | None:
        return QApplication.focusWidget()

    def press(self, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        target = self.focus() or self.window
        self.qtbot.keyClick(target, key, modifier)

    def type(self, text: str) -> None:
        self.qtbot.keyClicks(self.focus(), text)

    def tab_to(
        self, match: Callable[[QWidget], bool], backwards: bool = False, limit: int = 60
    ) -> QWidget:
        path: list[str] = []
        for _ in range(limit):
            widget = self.focus()
            if widget is not None and match(widget):
                return widget
            path.append(describe(widget))
            if backwards:
                self.press(Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
            else:
                self.press(Qt.Key.Key_Tab)
        raise AssertionError("Tab never reached it; went through: " + " -> ".join(path))

    def tab_to_widget(self, target: QWidget, backwards: bool = False) -> QWidget:
        return self.tab_to(lambda w: w is target, backwards)

    def stops(self, count: int) -> list[QWidget]:
        """The next `count` widgets Tab visits (from the current focus)."""
        seen = []
        for _ in range(count):
            self.press(Qt.Key.Key_Tab)
            seen.append(self.focus())
        return seen


def describe(widget: QWidget | None) -> str:
    if widget is None:
        return "<nothing>"
    name = widget.accessibleName() or getattr(widget, "text", lambda: "")()
    return f"{type(widget).__name__}({name!r})"


def settles_unclipped(qtbot, window) -> None:
    """Once the page has taken its new size (the button row and the panels refit one turn of
    the event loop after a resize or page change, however long a slow machine takes to get
    there), nothing on it is clipped; a layout that never fits fails after the hang guard."""
    qtbot.waitUntil(lambda: nothing_clipped(window), timeout=10_000)


def nothing_clipped(window) -> None:
    """At the current size nothing on the page scrolls sideways, is cut off, or squeezed."""
    page = window.currentPage()
    for area in page.findChildren(QScrollArea):
        if area.isVisible():
            assert area.horizontalScrollBar().maximum() == 0, (window.current_key(), area)
    for widget in page.findChildren(QLabel):
        if widget.isVisible() and widget.wordWrap() and widget.text():
            needed = widget.heightForWidth(widget.width())
            assert widget.height() >= needed - 1, (window.current_key(), widget.text()[:40])
    for button in page.findChildren(QAbstractButton) + [
        window.button(w)
        for w in (
            QWizard.WizardButton.BackButton,
            QWizard.WizardButton.NextButton,
            QWizard.WizardButton.CancelButton,
            QWizard.WizardButton.CustomButton1,
            QWizard.WizardButton.CustomButton2,
        )
    ]:
        if button.isVisible() and not isinstance(button, StepButton | QCheckBox):
            assert button.width() >= button.sizeHint().width() - 1, button.text()
    for box in page.findChildren(QCheckBox):
        if box.isVisible():
            assert box.width() >= box.sizeHint().width() - 1, box.text()


def offscreen_screen(folder: Path, width: int, height: int) -> str:
    """QT_QPA_PLATFORM for a child process whose only screen is width x height pixels (with
    window frames, so a frame can be measured)."""
    screen = {"name": "lab", "x": 0, "y": 0, "width": width, "height": height}
    screen |= {"logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}
    config = folder / f"screen-{width}x{height}.json"
    config.write_text(json.dumps({"windowFrameMargins": True, "screens": [screen]}))
    return f"offscreen:configfile={config}"
