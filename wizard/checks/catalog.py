"""Every check of a diagnosis, with what it needs first. Titles are what people read.

The check modules pull in the network and crypto stacks (httpx, cryptography, json5, regex,
certifi …), so importing the catalog imports none of them: each spec's `run` names its
function by module and imports that module on its first call - in the check's own worker
thread, never on the window's GUI thread, and only when a diagnosis needs it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING

from wizard.core.engine import CheckContext, CheckSpec
from wizard.core.i18n import tr
from wizard.core.model import Outcome

if TYPE_CHECKING:  # never run: tells mypy and PyInstaller's import scan what `lazy` loads
    from wizard.checks import (  # noqa: F401
        addresses,
        auth_managers,
        auth_mode,
        ca_env,
        chatgpt_host,
        clock,
        codex,
        codex_probe,
        endpoints,
        ide,
        login_policy,
        logs,
        network,
        os_trust,
        pasted_error,
        port,
        proxy,
        remote,
        status,
        store,
        tls,
        wsl,
        wsl_network,
    )

# One check module is imported at a time: checks start in parallel, and two threads importing
# modules that import each other could otherwise meet half-initialised modules.
_IMPORTING = threading.Lock()

CheckFunction = Callable[[CheckContext], Outcome]


class LazyCheck:
    """A check function named by module and attribute, imported when first called."""

    __slots__ = ("_function", "module", "name")

    def __init__(self, module: str, name: str) -> None:
        self.module = module
        self.name = name
        self._function: CheckFunction | None = None

    def load(self) -> CheckFunction:
        function = self._function
        if function is None:
            with _IMPORTING:
                function = self._function = getattr(import_module(self.module), self.name)
        return function

    def __call__(self, ctx: CheckContext) -> Outcome:
        return self.load()(ctx)

    def __repr__(self) -> str:
        return f"lazy({self.module!r}, {self.name!r})"


def lazy(module: str, name: str) -> LazyCheck:
    """`module.name`, imported on first call (`module` is relative to wizard.checks)."""
    return LazyCheck(f"wizard.checks.{module}", name)


ALL_CHECKS: tuple[CheckSpec, ...] = (
    CheckSpec("proxy", tr("checks", "Proxy settings"), lazy("proxy", "check_proxy")),
    CheckSpec("ca_env", tr("checks", "Certificate settings"), lazy("ca_env", "check_ca_env")),
    CheckSpec("dns", tr("checks", "Finding the sign-in server"), lazy("network", "check_dns")),
    CheckSpec(
        "tcp",
        tr("checks", "Connecting to the sign-in server"),
        lazy("network", "check_tcp"),
        needs=("dns",),
    ),
    CheckSpec(
        "addresses",
        tr("checks", "Every address of the sign-in server"),
        lazy("addresses", "check_addresses"),
        needs=("dns",),
    ),
    CheckSpec(
        "tls", tr("checks", "Secure connection"), lazy("tls", "check_tls"), needs=("tcp", "ca_env")
    ),
    CheckSpec(
        "os_trust_policy",
        tr("checks", "Windows certificate updates"),
        lazy("os_trust", "check_os_trust_policy"),
        needs=("tls",),
    ),
    CheckSpec(
        "openid",
        tr("checks", "Sign-in server answers"),
        lazy("endpoints", "check_openid"),
        needs=("tls",),
    ),
    CheckSpec(
        "token_endpoint",
        tr("checks", "Finishing sign-in (token exchange)"),
        lazy("endpoints", "check_token_endpoint"),
        needs=("tls",),
    ),
    CheckSpec(
        "routes",
        tr("checks", "Your browser's way to the sign-in server"),
        lazy("other_routes", "check_other_routes"),
        needs=("dns", "tcp", "tls", "token_endpoint"),
    ),
    CheckSpec(
        "clock", tr("checks", "Computer clock"), lazy("clock", "check_clock"), needs=("openid",)
    ),
    CheckSpec(
        "chatgpt",
        tr("checks", "chatgpt.com (needed right after sign-in)"),
        lazy("chatgpt_host", "check_chatgpt"),
        needs=("ca_env",),
    ),
    CheckSpec(
        "callback_port", tr("checks", "Sign-in return port"), lazy("port", "check_callback_port")
    ),
    CheckSpec(
        "remote_session",
        tr("checks", "Where Codex runs"),
        lazy("remote", "check_remote_session"),
    ),
    CheckSpec("ide_settings", tr("checks", "Editor settings"), lazy("ide", "check_ide_settings")),
    CheckSpec(
        "codex_install", tr("checks", "Codex installation"), lazy("codex", "check_codex_install")
    ),
    CheckSpec("codex_auth", tr("checks", "Saved sign-in"), lazy("codex", "check_codex_auth")),
    CheckSpec(
        "auth_mode",
        tr("checks", "Which sign-in Codex uses"),
        lazy("auth_mode", "check_auth_mode"),
    ),
    CheckSpec(
        "credential_store",
        tr("checks", "Saving the sign-in"),
        lazy("store", "check_credential_store"),
    ),
    CheckSpec(
        "auth_managers",
        tr("checks", "Programs that change the sign-in"),
        lazy("auth_managers", "check_auth_managers"),
    ),
    CheckSpec(
        "codex_logs",
        tr("checks", "Last sign-in attempt"),
        lazy("logs", "check_codex_logs"),
        needs=("callback_port",),  # a sign-in still waiting there has not failed yet
    ),
    CheckSpec("wsl", tr("checks", "Windows Subsystem for Linux"), lazy("wsl", "check_wsl")),
    CheckSpec(
        "wsl_network",
        tr("checks", "WSL network"),
        lazy("wsl_network", "check_wsl_network"),
        needs=("dns", "wsl"),
    ),
    CheckSpec(
        "login_policy",
        tr("checks", "Sign-in rules on this computer"),
        lazy("login_policy", "check_login_policy"),
    ),
    CheckSpec(
        "pasted_error",
        tr("checks", "Your error message"),
        lazy("pasted_error", "check_pasted_error"),
    ),
    CheckSpec("status_page", tr("checks", "OpenAI status"), lazy("status", "check_status_page")),
    CheckSpec(
        "codex_probe",
        tr("checks", "Your own Codex tries it"),
        lazy("codex_probe", "check_codex_probe"),
        # after auth_managers: it counts the Codex programs running, and the probe's own is
        # not the user's (read beside it, the table held it or not by timing alone)
        needs=("callback_port", "wsl", "auth_managers"),
    ),
)
