"""Steps for people, for fixes that `wizard.fixes` does not (yet) provide on this machine.

The fix catalog wins whenever it has the fix id; these are the manual way to the same end,
so the Fix page never leaves a verdict without a next step. Texts come from the field
reports (seed 000: the editor's WSL setting) and the reference facts."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from wizard.core.environment import Environment
from wizard.core.i18n import tr
from wizard.core.profile import Profile
from wizard.fixes.plan import FixPlan

Facts = Mapping[str, Any]


def _ide_wsl_off(env: Environment, profile: Profile, facts: Facts) -> FixPlan:
    setting = profile["ide"]["wsl_setting"]
    editors = facts.get("editors") or tr("ui_guidance", "Your editor (VS Code, Cursor, Windsurf …)")
    return FixPlan(
        fix_id="ide-wsl-off",
        title=tr("ide_wsl_off", "Stop running Codex inside WSL"),
        summary=tr(
            "ui_guidance",
            "{editors} runs Codex inside WSL (Linux on Windows). Turning that off makes "
            "Codex receive the browser's return on Windows, where the browser sends it.",
            editors=editors,
        ),
        steps=(
            tr(
                "ui_guidance",
                "In the editor, open Settings (File > Preferences > Settings, or Ctrl+,).",
            ),
            tr("ui_guidance", "Type codex in the search box."),
            tr(
                "ui_guidance",
                "Find 'Chatgpt: Run Codex In Windows Subsystem For Linux' and turn it off "
                "(its setting id is under Details).",
            ),
            tr("ui_guidance", "The editor reloads. Then sign in to Codex again."),
        ),
        commands=(setting,),
        guidance_only=True,
    )


def _ca_bundle(env: Environment, profile: Profile, facts: Facts) -> FixPlan:
    issuer = facts.get("issuer") or tr("ui_guidance", "your organisation's security program")
    name = profile.env_names("codex_ca")[0]
    if env.platform == "windows":
        command = f'setx {name} "C:\\path\\to\\organisation-root.pem"'
    else:
        command = f"echo 'export {name}=/path/to/organisation-root.pem' >> ~/.profile"
    return FixPlan(
        fix_id="ca-bundle",
        title=tr("ca_bundle", "Give Codex your organisation's certificate"),
        summary=tr(
            "ui_guidance",
            "The connection is re-signed by {issuer}. Codex signs in once it trusts that "
            "certificate too.",
            issuer=issuer,
        ),
        steps=(
            tr(
                "ui_guidance",
                "Ask IT for the root certificate of {issuer} as a PEM file "
                "(a text file that starts with -----BEGIN CERTIFICATE-----).",
                issuer=issuer,
            ),
            tr(
                "ui_guidance",
                "Save it somewhere permanent, then choose it with the button above.",
            ),
            tr(
                "ui_guidance",
                "Quit and restart the editor or terminal completely (it reads this setting only "
                "when it starts), then sign in again.",
            ),
        ),
        commands=(command,),
        guidance_only=True,
    )


def _remove_variable_steps(env: Environment, name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if env.platform == "windows":
        return (
            (
                tr(
                    "ui_guidance",
                    "Open the Start menu, type 'environment' and choose 'Edit environment "
                    "variables for your account'.",
                ),
                tr(
                    "ui_guidance",
                    "Select {name}, then click Delete (or Edit to correct it) and OK.",
                    name=name,
                ),
                tr("ui_guidance", "Restart the editor or terminal, then sign in again."),
            ),
            (f'reg delete "HKCU\\Environment" /v {name} /f',),
        )
    return (
        (
            tr(
                "ui_guidance",
                "Find the line that sets {name} in your shell profile (~/.profile, ~/.bashrc or "
                "~/.zshrc) and remove or correct it.",
                name=name,
            ),
            tr("ui_guidance", "Open a new terminal (or restart the editor), then sign in again."),
        ),
        (f"unset {name}",),
    )


def _ca_env_repair(env: Environment, profile: Profile, facts: Facts) -> FixPlan:
    name = str(facts.get("variable") or profile.env_names("codex_ca")[0])
    steps, commands = _remove_variable_steps(env, name)
    return FixPlan(
        fix_id="ca-env-repair",
        title=tr("ui_guidance", "Remove the broken setting {name}", name=name),
        summary=tr(
            "ui_guidance",
            "{name} points at a file that cannot be used, so Codex fails at the token exchange, "
            "after the browser step.",
            name=name,
        ),
        steps=steps,
        commands=commands,
        guidance_only=True,
    )


def _proxy_env_repair(env: Environment, profile: Profile, facts: Facts) -> FixPlan:
    source = str(facts.get("proxy_source") or "HTTPS_PROXY")
    name = source.split()[0] if source.split() else "HTTPS_PROXY"
    steps, commands = _remove_variable_steps(env, name)
    return FixPlan(
        fix_id="proxy-env-repair",
        title=tr("ui_guidance", "Remove or correct the proxy setting"),
        summary=tr(
            "ui_guidance",
            "Codex is told to use the proxy {proxy} ({source}). "
            "Remove that setting if you do not need a proxy, or ask IT for the right address.",
            proxy=facts.get("proxy", ""),
            source=source,
        ),
        steps=steps,
        commands=commands,
        guidance_only=True,
    )


def _port_release(env: Environment, profile: Profile, facts: Facts) -> FixPlan:
    port = facts.get("port") or profile["callback_ports"][0]
    if facts.get("process"):  # a program's name
        summary = tr(
            "ui_guidance",
            "Port {port} is held by {holder}. Codex needs it to receive the browser's return.",
            port=port,
            holder=facts["process"],
        )
    elif facts.get("holders"):  # whole clauses, one per port ("port 1455 is used by ...")
        summary = tr(
            "ui_guidance",
            "Codex needs port {ports} to receive the browser's return, but {holders}.",
            ports=facts.get("ports") or port,
            holders=facts["holders"],
        )
    else:
        summary = tr(
            "ui_guidance",
            "Codex needs port {port} to receive the browser's return; if another program "
            "holds it, sign-in fails.",
            port=port,
        )
    if env.platform == "windows":
        command = f"netstat -ano | findstr :{port}"
    else:
        command = f"lsof -iTCP:{port} -sTCP:LISTEN"
    return FixPlan(
        fix_id="port-release",
        title=tr("ui_guidance", "Free port {port}", port=port),
        summary=summary,
        steps=(
            tr("ui_guidance", "Close other editor windows and Codex apps, then sign in again."),
            tr(
                "ui_guidance",
                "Still busy? The command under Details shows which program holds the port; "
                "close that program (or restart the computer).",
            ),
        ),
        commands=(command,),
        guidance_only=True,
    )


FALLBACKS: dict[str, Callable[[Environment, Profile, Facts], FixPlan]] = {
    "ide-wsl-off": _ide_wsl_off,
    "ca-bundle": _ca_bundle,
    "ca-env-repair": _ca_env_repair,
    "proxy-env-repair": _proxy_env_repair,
    "port-release": _port_release,
}
