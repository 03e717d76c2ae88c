"""Editor settings that change how the Codex extension signs in.

The one that breaks sign-in on Windows is `chatgpt.runCodexInWindowsSubsystemForLinux`: the
extension then runs Codex inside WSL, and the browser's return to localhost:1455 lands on the
Windows side (wslrelay.exe) instead (seed 000, openai/codex#6413). Elsewhere the extension
ignores the setting. Proxy settings are reported for the proxy check and the help desk."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from wizard.core.engine import CheckContext
from wizard.core.environment import Environment
from wizard.core.findings.editors import IdeFindings
from wizard.core.i18n import and_list, tr
from wizard.core.model import Outcome, Status
from wizard.platform.editors import EditorSettings, read_editor_settings
from wizard.report.redact import redact_url


def editor_settings(ctx: CheckContext) -> list[EditorSettings]:
    """The editors' settings, read once per run (the wsl check needs them too)."""
    found: list[EditorSettings] = ctx.shared.get(
        "editor_settings", lambda: read_editor_settings(ctx.env, ctx.profile)
    )
    return found


def wsl_editors(files: list[EditorSettings], wsl_key: str) -> list[EditorSettings]:
    return [f for f in files if f.values is not None and f.values.get(wsl_key) is True]


def _describe(env: Environment, settings: EditorSettings, keys: dict[str, str]) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "editor": settings.editor_name,
        "editor_id": settings.editor_id,
        "file": env.display_path(settings.path),
        "profile": settings.is_profile,
    }
    if settings.values is None:
        entry["error"] = settings.error
        return entry
    values = settings.values
    entry[keys["wsl"]] = values.get(keys["wsl"])
    proxy = values.get(keys["proxy"])
    entry[keys["proxy"]] = redact_url(proxy) if isinstance(proxy, str) and proxy else None
    entry[keys["strict"]] = values.get(keys["strict"])
    no_proxy = values.get(keys["no_proxy"])
    entry[keys["no_proxy"]] = list(no_proxy) if isinstance(no_proxy, list) else no_proxy
    return entry


def check_ide_settings(ctx: CheckContext) -> Outcome:
    env, ide = ctx.env, ctx.profile["ide"]
    keys = {
        "wsl": ide["wsl_setting"],
        "proxy": ide["proxy_setting"],
        "strict": ide["strict_ssl_setting"],
        "no_proxy": ide["no_proxy_setting"],
    }
    files = editor_settings(ctx)
    if not files:
        return Outcome(
            Status.SKIP, tr("ide", "No VS Code, Cursor, Windsurf or VSCodium settings found.")
        )

    entries = [_describe(env, f, keys) for f in files]
    broken = [f for f in files if f.values is None]
    wsl_on = wsl_editors(files, keys["wsl"])
    evidence = IdeFindings(
        files=tuple(entries),
        wsl_setting=keys["wsl"],
        wsl_on_files=tuple(env.display_path(f.path) for f in wsl_on),
        unreadable=tuple(f"{env.display_path(f.path)}: {f.error}" for f in broken),
        proxies=tuple(
            {"editor": e["editor"], "file": e["file"], "proxy": e[keys["proxy"]]}
            for e in entries
            if e.get(keys["proxy"])
        ),
    )

    if wsl_on and env.platform == "windows":
        editors = and_list([f.editor_name for f in wsl_on])
        evidence = replace(evidence, facts={"editors": editors})
        summary = (
            tr(
                "ide",
                "{editors} runs Codex inside WSL (Linux on Windows), which breaks sign-in.",
                editors=editors,
            )
            if len({f.editor_name for f in wsl_on}) == 1
            else tr(
                "ide",
                "{editors} run Codex inside WSL (Linux on Windows), which breaks sign-in.",
                editors=editors,
            )
        )
        return Outcome(
            Status.FAIL,
            summary,
            evidence,
            faults=("ide_wsl_on",),
        )
    if wsl_on:
        note = tr(
            "ide",
            "{setting} is on in {editors}, but the extension only uses it on Windows.",
            setting=keys["wsl"],
            editors=and_list([f.editor_name for f in wsl_on]),
        )
        evidence = replace(evidence, note=note)
    if broken:
        first = broken[0]
        line = (first.error or "").split(":")[0]
        number = line.removeprefix("line ")
        where = tr("ide", " (line {n})", n=number) if line.startswith("line ") else ""
        more = tr("ide", " (and {count} more)", count=len(broken) - 1) if len(broken) > 1 else ""
        rest = tr("ide", "; the other settings were checked") if len(broken) < len(files) else ""
        summary = tr(
            "ide",
            "{editor}'s settings file {file} cannot be read{where}{more}{rest}.",
            editor=first.editor_name,
            file=env.display_path(first.path),
            where=where,
            more=more,
            rest=rest,
        )
        return Outcome(Status.WARN, summary, evidence)
    editors = and_list([f.editor_name for f in files])
    return Outcome(
        Status.PASS,
        tr("ide", "{editors} settings do not get in the way of sign-in.", editors=editors),
        evidence,
    )
