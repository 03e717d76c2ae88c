"""Fixes that are steps for a person (or an admin), not changes we make: shown with exact
commands to copy. Their texts name the profile's ports and pages as {port}, {port_count},
{device_url} and {status_page}, filled in when the steps are planned."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wizard.core.i18n import Text, tr, tr_map
from wizard.fixes.base import FixContext
from wizard.fixes.plan import FixPlan


@dataclass(frozen=True)
class GuidanceFix:
    id: str
    title: str
    summary: str
    steps: tuple[str, ...]
    commands: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ("windows", "darwin", "linux")

    def plan(self, ctx: FixContext) -> FixPlan:
        applicable = ctx.env.platform in self.platforms
        values = profile_values(ctx)
        return FixPlan(
            fix_id=self.id,
            title=self.title,
            summary=_filled(self.summary, values),
            steps=tuple(_filled(s, values) for s in self.steps),
            commands=tuple(c.format_map(values) for c in self.commands),
            guidance_only=True,
            applicable=applicable,
            reason="" if applicable else tr("guidance", "These steps are for Windows only."),
            other_platform=not applicable,
        )

    def run_actions(self, ctx: FixContext, plan: FixPlan) -> list[str]:
        return []


def profile_values(ctx: FixContext) -> dict[str, Any]:
    """The facts the texts name: this run's callback ports, the device code page on its
    sign-in server, and the profile's status page."""
    ports = ctx.target.callback_ports
    return {
        "port": ports[0],
        "port_count": max(ports) - min(ports) + 1,
        "device_url": ctx.target.auth_url + ctx.profile["device_path"],
        "status_page": ctx.profile["status_page"],
    }


def _filled(text: str, values: Mapping[str, Any]) -> str:
    """A text written with {placeholders}, now with their values (and still translatable)."""
    if isinstance(text, Text):
        return tr_map(text.context, text.template, {**text.params, **values})
    return text.format_map(values)


# `codex login` revokes and deletes the saved sign-in before it starts (openai/codex #46430):
# every piece of advice to run it says so.
SIGNS_OUT_FIRST = tr(
    "guidance",
    "Careful: signing in with this command first signs you out of Codex on this computer (the "
    "app, the editor and the terminal share one sign-in). If the new sign-in does not finish, "
    "you stay signed out.",
)

DEVICE_AUTH = GuidanceFix(
    "device-auth",
    tr("guidance", "Sign in with a device code instead"),
    tr(
        "guidance",
        "A device code sign-in needs no local port and no browser redirect: you type a short "
        "code on a web page instead. It still needs the connection to the sign-in server.",
    ),
    (
        tr(
            "guidance",
            "If you use a ChatGPT workspace, an admin may first have to allow device code "
            "sign-in (ChatGPT Settings > Security, or the workspace permissions).",
        ),
        SIGNS_OUT_FIRST,
        tr("guidance", "Open a terminal and run the command under Details."),
        tr(
            "guidance",
            "Open {device_url} in any browser, sign in and type the code "
            "the terminal shows (it expires after 15 minutes).",
        ),
    ),
    ("codex login --device-auth",),
)

CLOCK_SYNC = GuidanceFix(
    "clock-sync",
    tr("guidance", "Set the clock automatically"),
    tr("guidance", "A clock that is off by more than a few minutes breaks secure connections."),
    (
        tr(
            "guidance",
            "Windows: Settings > Time & language > Date & time: turn on 'Set time "
            "automatically', then click 'Sync now'.",
        ),
        tr(
            "guidance",
            "macOS: System Settings > General > Date & Time: turn on 'Set time and date "
            "automatically'.",
        ),
        tr("guidance", "Linux: run the command under Details (it turns on network time)."),
    ),
    ("timedatectl set-ntp true",),
)

STATUS_PAGE = GuidanceFix(
    "status-page",
    tr("guidance", "Check OpenAI's status page"),
    tr("guidance", "If everything on this computer works, the problem may be on OpenAI's side."),
    (
        tr("guidance", "Open {status_page} and look for problems with Login or Codex."),
        tr("guidance", "If there is one, wait until it is resolved and try again."),
        tr(
            "guidance",
            "If there is none, try another browser or the other Codex app (CLI or editor), and "
            "contact OpenAI support with the error code you saw.",
        ),
    ),
)

WINNAT_RESTART = GuidanceFix(
    "winnat-restart",
    tr("guidance", "Free the reserved ports (administrator)"),
    tr(
        "guidance",
        "Windows reserved the sign-in ports for Hyper-V, WSL or Docker. Restarting the Windows "
        "NAT service usually releases them. This needs an administrator and briefly interrupts "
        "WSL and Docker networking.",
    ),
    (
        tr("guidance", "Open 'Terminal (Admin)' or 'Command Prompt (Admin)'."),
        tr(
            "guidance",
            "Run the first command under Details, sign in to Codex, then run the second command.",
        ),
        tr(
            "guidance",
            "If it happens again, an administrator can reserve the ports for Codex while WinNAT "
            "is stopped (third command) - this is reported to work but is not confirmed by "
            "OpenAI.",
        ),
    ),
    (
        "net stop winnat",
        "net start winnat",
        "netsh int ipv4 add excludedportrange protocol=tcp startport={port} "
        "numberofports={port_count}",
    ),
    platforms=("windows",),
)

PORT_FORWARD = GuidanceFix(
    "port-forward",
    tr("guidance", "Forward the sign-in port to the remote machine"),
    tr(
        "guidance",
        "Codex runs on another machine (SSH, a dev container or Codespaces), so your browser's "
        "return must be passed on to it: forward port {port} from your own computer before "
        "signing in. A device code sign-in needs none of this.",
    ),
    (
        tr(
            "guidance",
            "SSH: on your own computer, connect with the command below (USER@HOST as you "
            "usually connect) and keep that window open while you sign in.",
        ),
        tr(
            "guidance",
            "VS Code Remote, dev containers or Codespaces: open the Ports panel and forward port "
            "{port} to localhost:{port} on your computer.",
        ),
        tr(
            "guidance",
            "Then start the sign-in on the remote machine and open the link it shows in your "
            "browser. Starting a new sign-in signs you out of Codex first (every Codex app "
            "sharing this login), even if the new one then fails.",
        ),
    ),
    ("ssh -L {port}:localhost:{port} USER@HOST",),
)

STORE_FILE_MODE = GuidanceFix(
    "store-file-mode",
    tr("guidance", "Let Codex save the sign-in where it can"),
    tr(
        "guidance",
        "Codex saves the sign-in in its folder or in the system keyring. When the keyring is "
        "missing, locked or stuck, a file in the Codex folder works instead; when the folder "
        "cannot be written, it must be made writable.",
    ),
    (
        tr(
            "guidance",
            "Keyring: unlock it by signing in to your desktop session, or open config.toml in "
            "the Codex folder (~/.codex) and set the line below, then sign in again.",
        ),
        tr(
            "guidance",
            "Folder: make the Codex folder (~/.codex, or the one CODEX_HOME names) writable for "
            "your user, or point CODEX_HOME at a folder of your own.",
        ),
    ),
    ('cli_auth_credentials_store = "file"',),
)
