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

ALL_CHECKS: tuple[CheckSpec, ...] = (
    CheckSpec("proxy", "Proxy settings", proxy.check_proxy),
    CheckSpec("ca_env", "Certificate settings", ca_env.check_ca_env),
    CheckSpec("dns", "Finding the sign-in server", network.check_dns),
    CheckSpec("tcp", "Connecting to the sign-in server", network.check_tcp, needs=("dns",)),
    CheckSpec("tls", "Secure connection", tls.check_tls, needs=("tcp", "ca_env")),
    CheckSpec("openid", "Sign-in server answers", endpoints.check_openid, needs=("tls",)),
    CheckSpec(
        "token_endpoint",
        "Finishing sign-in (token exchange)",
        endpoints.check_token_endpoint,
        needs=("tls",),
    ),
    CheckSpec("clock", "Computer clock", clock.check_clock, needs=("openid",)),
    CheckSpec("callback_port", "Sign-in return port", port.check_callback_port),
    CheckSpec("ide_settings", "Editor settings", ide.check_ide_settings),
    CheckSpec("codex_install", "Codex installation", codex.check_codex_install),
    CheckSpec("codex_auth", "Saved sign-in", codex.check_codex_auth),
    CheckSpec("codex_logs", "Last sign-in attempt", logs.check_codex_logs),
    CheckSpec("wsl", "Windows Subsystem for Linux", wsl.check_wsl),
    CheckSpec("status_page", "OpenAI status", status.check_status_page),
)
