"""WSL on Windows: installed distributions, networking mode, and whether an editor or the Codex
desktop app runs Codex inside it. WSL alone is harmless; it matters when the Codex extension
starts Codex inside WSL (the ide_settings check proves that), when wslrelay.exe holds the
sign-in port (the port check proves that), or when the desktop app's agent environment is WSL
(this check proves that from the app's state file: the consent page then hangs, openai/codex
#37682, #42943)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from wizard.checks.ide import editor_settings, wsl_editors
from wizard.core.engine import CheckContext
from wizard.core.environment import CommandNotFound
from wizard.core.findings.editors import WslFindings, WslSystem
from wizard.core.i18n import and_list, join, tr
from wizard.core.model import Outcome, Status
from wizard.platform import desktop_app, wsl

LIST_CAP_S = 8.0
STATUS_CAP_S = 5.0
NOT_INSTALLED = tr("wsl", "WSL is not installed, so it cannot interfere.")


def check_wsl(ctx: CheckContext) -> Outcome:
    env = ctx.env
    if env.platform != "windows":
        return Outcome(Status.SKIP, tr("wsl", "Only relevant on Windows."))
    try:
        listing = env.runner.run(list(wsl.LIST_ARGS), ctx.budget.timeout(LIST_CAP_S))
    except CommandNotFound:
        return Outcome(Status.PASS, NOT_INSTALLED, WslFindings(installed=False))
    except TimeoutError:
        late = tr("wsl", "WSL did not answer in time.")
        return Outcome(Status.WARN, late, WslFindings(installed=None))
    text = listing.stdout + "\n" + listing.stderr
    if wsl.not_installed(text):
        return Outcome(Status.PASS, NOT_INSTALLED, WslFindings(installed=False))

    distros = wsl.parse_list_verbose(listing.stdout)
    profile_dir = Path(env.get("USERPROFILE") or env.home)
    config = wsl.read_wslconfig(profile_dir / ".wslconfig")
    mode = config.networking_mode
    default = next((d.name for d in distros if d.default), None)
    status: dict[str, Any] | None = {}
    if distros and ctx.budget.remaining() > 1.0:
        status = _status(ctx)
        if default is None and status:
            default = status.get("default_distribution")

    key = ctx.profile["ide"]["wsl_setting"]
    inside = wsl_editors(editor_settings(ctx), key)
    editors = and_list([f.editor_name for f in inside])
    desktop = desktop_app.read_state(env, ctx.profile)
    system = WslSystem(
        distros=tuple(d.to_json() for d in distros),
        default=default,
        networking_mode=mode,
        networking_mode_source=config.source,
        dns_tunneling=config.dns_tunneling,
        auto_proxy=config.auto_proxy,
        wslconfig_problem=config.problem or None,
        status=status,
        editors_running_codex_in_wsl=editors or None,
        desktop_app=desktop.to_json() | {"file": env.display_path(desktop.path)},
    )

    def found(**more: Any) -> WslFindings:
        return WslFindings(installed=True, system=replace(system, **more))

    if not distros:
        if wsl.has_no_distributions(text):
            return Outcome(
                Status.PASS,
                tr("wsl", "WSL is installed without any Linux system, so Codex cannot run in it."),
                found(),
            )
        return Outcome(
            Status.WARN,
            tr("wsl", "WSL is installed but did not list its Linux systems."),
            found(exit_code=listing.returncode),
        )

    where = _describe(distros, default, mode)
    desktop_shell_wsl = desktop.shell == ctx.profile["desktop"]["shell_wsl"]
    if desktop.agent_in_wsl or desktop_shell_wsl:
        summary = (
            tr("wsl", "The Codex app runs its agent inside WSL ({where}).", where=where)
            if desktop.agent_in_wsl
            else tr("wsl", "The Codex app's terminal runs inside WSL ({where}).", where=where)
        )
        return Outcome(Status.FAIL, summary, found(facts={"where": where}), ("desktop_wsl_on",))
    if inside:
        summary = (
            tr("wsl", "{editors} runs Codex inside WSL ({where}).", editors=editors, where=where)
            if len(set(f.editor_name for f in inside)) == 1
            else tr(
                "wsl", "{editors} run Codex inside WSL ({where}).", editors=editors, where=where
            )
        )
        return Outcome(Status.WARN, summary, found(facts={"editors": editors}))
    return Outcome(
        Status.PASS,
        tr("wsl", "WSL is installed ({where}); no editor runs Codex inside it.", where=where),
        found(),
    )


def _status(ctx: CheckContext) -> dict[str, Any] | None:
    try:
        out = ctx.env.runner.run(list(wsl.STATUS_ARGS), ctx.budget.timeout(STATUS_CAP_S))
    except (CommandNotFound, TimeoutError):
        return None
    return wsl.parse_status(out.stdout)


def _describe(distros: list[wsl.Distro], default: str | None, mode: str) -> str:
    chosen = next((d for d in distros if d.name == default), distros[0])
    version = f", WSL {chosen.version}" if chosen.version else ""
    networking = tr("wsl", ", {mode} networking", mode=mode) if chosen.version == 2 else ""
    return join([chosen.name, version, networking], "")
