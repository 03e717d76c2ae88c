"""Every check of a diagnosis, with what it needs first. Titles are what people read."""

from __future__ import annotations

from wizard.checks import (
    ca_env,
    clock,
    codex,
    endpoints,
    ide,
    logs,
    network,
    port,
    proxy,
    status,
    tls,
    wsl,
)
from wizard.core.engine import CheckSpec
from wizard.core.i18n import tr

ALL_CHECKS: tuple[CheckSpec, ...] = (
    CheckSpec("proxy", tr("checks", "Proxy settings"), proxy.check_proxy),
    CheckSpec("ca_env", tr("checks", "Certificate settings"), ca_env.check_ca_env),
    CheckSpec("dns", tr("checks", "Finding the sign-in server"), network.check_dns),
    CheckSpec(
        "tcp", tr("checks", "Connecting to the sign-in server"), network.check_tcp, needs=("dns",)
    ),
    CheckSpec("tls", tr("checks", "Secure connection"), tls.check_tls, needs=("tcp", "ca_env")),
    CheckSpec(
        "openid", tr("checks", "Sign-in server answers"), endpoints.check_openid, needs=("tls",)
    ),
    CheckSpec(
        "token_endpoint",
        tr("checks", "Finishing sign-in (token exchange)"),
        endpoints.check_token_endpoint,
        needs=("tls",),
    ),
    CheckSpec("clock", tr("checks", "Computer clock"), clock.check_clock, needs=("openid",)),
    CheckSpec("callback_port", tr("checks", "Sign-in return port"), port.check_callback_port),
    CheckSpec("ide_settings", tr("checks", "Editor settings"), ide.check_ide_settings),
    CheckSpec("codex_install", tr("checks", "Codex installation"), codex.check_codex_install),
    CheckSpec("codex_auth", tr("checks", "Saved sign-in"), codex.check_codex_auth),
    CheckSpec("codex_logs", tr("checks", "Last sign-in attempt"), logs.check_codex_logs),
    CheckSpec("wsl", tr("checks", "Windows Subsystem for Linux"), wsl.check_wsl),
    CheckSpec("status_page", tr("checks", "OpenAI status"), status.check_status_page),
)
