"""Does Codex run where the browser's return can reach it (field §1.5)?

Codex listens on 127.0.0.1 of the machine it runs on, and the browser is sent back to that
address on the machine *it* runs on. In an SSH session, a dev container or Codespaces the two
are different machines: the sign-in page finishes, the browser shows "This site can't be
reached", and Codex waits forever. The signs are variables the remote tools set (names only:
SSH_CONNECTION holds addresses) and marker files of containers; all are listed in the profile's
`remote_session`. A container alone, or WSL, only warns: a container sharing the computer's
network, and WSL's localhost forwarding, do carry the return."""

from __future__ import annotations

from dataclasses import replace

from wizard.core.engine import CheckContext
from wizard.core.findings.system import RemoteFindings
from wizard.core.i18n import and_list, tr
from wizard.core.model import Outcome, Status

_WHERE = {
    "ssh": tr("remote", "an SSH session on another computer"),
    "codespaces": tr("remote", "GitHub Codespaces (a computer in the cloud)"),
    "devcontainer": tr("remote", "a dev container"),
    "container": tr("remote", "a container"),
    "wsl": tr("remote", "WSL (Linux on Windows)"),
}


def remote_markers(ctx: CheckContext) -> list[dict[str, str]]:
    """The signs found: [{"marker": variable name or file, "kind": ...}], never a value."""
    spec = ctx.profile["remote_session"]
    env = ctx.env
    found: list[dict[str, str]] = []
    for var in spec["vars"]:
        value = env.get(var["name"])
        if value and ("value" not in var or value.strip().lower() == var["value"]):
            found.append({"marker": var["name"], "kind": var["kind"]})
    if env.platform == "linux":
        for marker in spec["files"]:
            if (env.system_root / marker["path"]).exists():
                found.append({"marker": "/" + marker["path"], "kind": marker["kind"]})
    return found


def check_remote_session(ctx: CheckContext) -> Outcome:
    spec = ctx.profile["remote_session"]
    env = ctx.env
    markers = remote_markers(ctx)
    kinds = list(dict.fromkeys(m["kind"] for m in markers))
    display = [name for name in spec["display_vars"] if env.get(name)]
    evidence = RemoteFindings(tuple(markers), tuple(display))
    if not markers:
        return Outcome(
            Status.PASS,
            tr(
                "remote",
                "This is not a remote session, a container or WSL: a browser on this computer "
                "returns to Codex here.",
            ),
            evidence,
        )
    remote = [k for k in kinds if k in spec["remote_kinds"]]
    where = and_list([_WHERE[k] for k in (remote or kinds)])
    port = ctx.target.callback_ports[0]
    evidence = replace(evidence, facts={"where": where, "port": str(port)})
    # A browser started in the session itself (X11 forwarding) returns to this machine.
    local_browser = env.platform == "linux" and bool(display)
    if remote and not local_browser:
        return Outcome(
            Status.WARN,
            tr(
                "remote",
                "This runs in {where}. A browser on your own computer returns to port {port} "
                "on your own computer, not here, unless that port is forwarded to this machine.",
                where=where,
                port=port,
            ),
            evidence,
            ("remote_session",),
        )
    if remote:
        return Outcome(
            Status.WARN,
            tr(
                "remote",
                "This runs in {where} with its own display: a browser opened here returns to "
                "Codex here, a browser on your own computer does not.",
                where=where,
            ),
            evidence,
        )
    return Outcome(
        Status.WARN,
        tr(
            "remote",
            "This runs in {where}. The browser's return reaches Codex here only if port {port} "
            "is passed on to it (WSL and containers on the computer's own network usually do); "
            "if the browser says the page cannot be reached, sign in with a device code.",
            where=where,
            port=port,
        ),
        evidence,
    )
