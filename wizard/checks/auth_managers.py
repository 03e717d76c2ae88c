"""Does another program manage Codex's sign-in (field §1.6)?

Account switchers (CC Switch, Cockpit Tools, Codex Switcher, codex-auth) and local proxy
gateways (CLIProxyAPI) swap or rewrite $CODEX_HOME/auth.json and config.toml behind Codex's
back, renew the single-use refresh token themselves (then Codex fails with
refresh_token_reused) or hold port 1455. The signs, all gathered without a secret value:
- the programs running now, by process name (the profile's `auth_managers`);
- config.toml: the active provider's address on this computer, a provider that does not use
  the ChatGPT sign-in (`requires_openai_auth` unset), `experimental_bearer_token` (its name
  only), a file such a tool keeps in the Codex folder (a model catalog, codex-auth's account
  registry);
- auth.json's shape: the names of its keys whose value is not null, nothing else. The real
  Codex 0.169 writes `auth_mode` beside OPENAI_API_KEY when it saves an API key itself; a file
  with only OPENAI_API_KEY (what the switchers write) it reports as "API key configured" all
  the same, and one without `tokens` as "Logged in using ChatGPT"
  (tests/lab/test_codex_auth_shape.py);
- auth.json changed lately while no Codex runs (a hint only: `codex login` exits too)."""

from __future__ import annotations

import ipaddress
import json
import re
from pathlib import PurePath, PureWindowsPath
from typing import Any
from urllib.parse import urlsplit

from wizard.checks.codex import human_age, read_codex_config
from wizard.core.engine import CheckContext
from wizard.core.environment import ProcessInfo
from wizard.core.findings.codex import AuthManagerFindings
from wizard.core.i18n import and_list, sentences, tr
from wizard.core.model import Outcome, Status
from wizard.core.profile import Profile
from wizard.platform.atomic import read_capped
from wizard.platform.desktop_app import is_desktop_app

MAX_AUTH_BYTES = 1_000_000  # a saved sign-in is a few kB; beyond this it is not one


def _key(name: str) -> str:
    """A process name as compared: no case, no '.exe', no spaces, dashes or underscores."""
    name = name.lower().removesuffix(".exe")
    return re.sub(r"[\s_\-.]", "", name)


def auth_manager_of(profile: Profile, name: str | None, exe: str | None) -> str | None:
    """The tool (its display name) a process is, by process name or program file."""
    candidates = [name or ""]
    if exe:
        candidates += [PureWindowsPath(exe).name, PurePath(exe).name]
    keys = {_key(c) for c in candidates if c}
    for tool in profile["auth_managers"]["tools"]:
        if keys & {_key(n) for n in tool["process_names"]}:
            return str(tool["name"])
    return None


def _running_tools(ctx: CheckContext, table: list[ProcessInfo]) -> list[dict[str, Any]]:
    """The tools running now, each with the callback port it holds (if any)."""
    found = [
        {"tool": tool, "process": proc.name, "pid": proc.pid, "port": None}
        for proc in table
        if (tool := auth_manager_of(ctx.profile, proc.name, proc.exe))
    ]
    if found:
        ports = ctx.target.callback_ports
        held = {h.pid: h.port for p in ports for h in ctx.env.ports.listeners(p) if h.pid}
        for entry in found:
            entry["port"] = held.get(entry["pid"])
    return found


def _address(url: object) -> str | None:
    """ "host:port" of a URL on this computer (localhost, 127.0.0.0/8, ::1, or the wildcard a
    proxy tool may be given), else None. Only this part of the URL leaves the file."""
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
        host, port = parts.hostname or "", parts.port
    except ValueError:
        return None
    if host != "localhost":
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            return None
        if not (ip.is_loopback or ip.is_unspecified):
            return None
    shown = f"[{host}]" if ":" in host else host
    return f"{shown}:{port}" if port else shown


def config_markers(ctx: CheckContext) -> tuple[list[dict[str, str]], dict[str, Any]]:
    """The signs in config.toml and beside it: [{"marker", "detail"}] and the evidence."""
    home = ctx.env.codex_home()
    config, _error = read_codex_config(home / ctx.profile["codex_files"]["config"])
    config = config or {}
    markers: list[dict[str, str]] = []
    providers = config.get("model_providers")
    providers = providers if isinstance(providers, dict) else {}
    active = config.get("model_provider")
    provider = providers.get(active) if isinstance(active, str) else None
    evidence: dict[str, Any] = {"provider": active if isinstance(provider, dict) else None}
    if isinstance(provider, dict):
        local = _address(provider.get("base_url"))
        evidence["provider_address"] = local
        evidence["requires_openai_auth"] = provider.get("requires_openai_auth")
        if local:
            markers.append({"marker": "loopback_provider", "detail": local})
            if provider.get("requires_openai_auth") is not True:
                markers.append({"marker": "no_openai_auth", "detail": str(active)})
    openai_local = _address(config.get("openai_base_url"))
    if openai_local:
        markers.append({"marker": "loopback_openai_base_url", "detail": openai_local})
    tables = [config, *(p for p in providers.values() if isinstance(p, dict))]
    if any("experimental_bearer_token" in t for t in tables):
        markers.append({"marker": "bearer_token", "detail": "experimental_bearer_token"})
    for kept in ctx.profile["auth_managers"]["tool_files"]:
        if (home / kept["file"]).is_file():
            markers.append({"marker": "tool_file", "detail": kept["file"], "tool": kept["tool"]})
    return markers, evidence


def auth_shape(ctx: CheckContext) -> dict[str, Any] | None:
    """The names of auth.json's keys whose value is not null, and what that shape means to
    Codex; None when there is no such file. The values are dropped as soon as parsed."""
    path = ctx.env.codex_home() / ctx.profile["codex_files"]["auth"]
    try:
        info = path.stat()
        data = read_capped(path, MAX_AUTH_BYTES, "too large")
    except OSError:
        return None
    try:
        parsed = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        parsed = None
    if not isinstance(parsed, dict):
        return {"keys": [], "shape": "not_json", **_age(ctx, info.st_mtime)}
    keys = sorted(k for k, v in parsed.items() if v is not None)
    del data, parsed
    if "tokens" in keys:
        shape = "chatgpt"
    elif "OPENAI_API_KEY" in keys:
        # Codex's own API-key sign-in writes auth_mode beside the key; switchers do not.
        shape = "api_key" if "auth_mode" in keys else "api_key_only"
    else:
        shape = "no_tokens"
    return {"keys": keys, "shape": shape, **_age(ctx, info.st_mtime)}


def _age(ctx: CheckContext, mtime: float) -> dict[str, Any]:
    age = max(0.0, ctx.env.now().timestamp() - mtime)
    return {"modified_age_s": int(age), "age": human_age(age)}


def _codex_running(profile: Profile, table: list[ProcessInfo]) -> bool:
    """The CLI, an editor's Codex or the desktop app (also as the Store package's ChatGPT.exe),
    any of which renews the saved sign-in itself."""
    names = {_key(n) for n in profile["auth_managers"]["codex_process_names"]}
    return any(_key(p.name) in names or is_desktop_app(profile, p) for p in table)


def check_auth_managers(ctx: CheckContext) -> Outcome:
    env, profile = ctx.env, ctx.profile
    table = env.processes() if env.processes is not None else None
    tools = _running_tools(ctx, table) if table is not None else []
    markers, config = config_markers(ctx)
    shape = auth_shape(ctx)
    codex_running = _codex_running(profile, table) if table is not None else None
    recent = bool(
        shape
        and codex_running is False
        and shape["modified_age_s"] <= profile["auth_managers"]["recent_change_s"]
    )
    if shape:
        shape["changed_while_codex_closed"] = recent
    faults: list[str] = []
    said: list[Any] = []
    facts: dict[str, Any] = {}
    if tools:
        faults.append("auth_manager_running")
        facts["tools"] = and_list(
            [tr("auth_managers", "{tool} (pid {pid})", tool=t["tool"], pid=t["pid"]) for t in tools]
        )
        said.append(tr("auth_managers", "Running now: {tools}.", tools=facts["tools"]))
        for t in (t for t in tools if t["port"]):
            said.append(
                tr(
                    "auth_managers",
                    "{tool} holds port {port}, where Codex waits for the browser's return.",
                    tool=t["tool"],
                    port=t["port"],
                )
            )
    if markers:
        faults.append("auth_manager_config")
        facts["markers"] = and_list([_marker_text(m) for m in markers])
        said.append(tr("auth_managers", "Codex's settings: {markers}.", markers=facts["markers"]))
    if shape and shape["shape"] in _SHAPE_FAULT:
        faults.append(_SHAPE_FAULT[shape["shape"]])
        said.append(_SHAPE[shape["shape"]])
    if recent and shape:
        facts["age"] = shape["age"]
        said.append(
            tr(
                "auth_managers",
                "The saved sign-in was changed {age} while no Codex program was running; if "
                "you did not just sign in, another program wrote it.",
                age=shape["age"],
            )
        )
    evidence = AuthManagerFindings(
        processes_listed=table is not None,
        tools=tuple(tools),
        codex_running=codex_running,
        config=config,
        markers=tuple(markers),
        auth_file=shape,
        facts=facts,
    )
    if not said:
        return Outcome(
            Status.PASS,
            tr(
                "auth_managers",
                "No account switcher or local sign-in proxy was found: none is running, and "
                "Codex's settings and saved sign-in look as Codex writes them.",
            ),
            evidence,
        )
    return Outcome(Status.WARN, sentences(*said), evidence, tuple(faults))


_SHAPE_FAULT = {"api_key_only": "auth_file_api_key_only", "no_tokens": "auth_file_no_tokens"}
_SHAPE = {
    "api_key_only": tr(
        "auth_managers",
        "The saved sign-in holds only an API key, written by another program (Codex's own "
        "API-key sign-in looks different), so Codex uses that key instead of your ChatGPT "
        "account.",
    ),
    "no_tokens": tr(
        "auth_managers",
        "The saved sign-in holds no sign-in tokens, yet Codex reports that you are signed in "
        "with ChatGPT; its requests fail until you sign in again.",
    ),
}


def _marker_text(marker: dict[str, str]) -> Any:
    detail = marker["detail"]
    texts = {
        "loopback_provider": tr(
            "auth_managers",
            "its requests go to a program on this computer ({address})",
            address=detail,
        ),
        "no_openai_auth": tr(
            "auth_managers",
            'the provider "{provider}" does not use your ChatGPT sign-in '
            "(requires_openai_auth is not set)",
            provider=detail,
        ),
        "loopback_openai_base_url": tr(
            "auth_managers",
            "openai_base_url sends OpenAI's requests to a program on this computer ({address})",
            address=detail,
        ),
        "bearer_token": tr(
            "auth_managers", "a fixed access key is set (experimental_bearer_token)"
        ),
        "tool_file": tr(
            "auth_managers",
            "{tool} keeps {file} in the Codex folder",
            tool=marker.get("tool", ""),
            file=detail,
        ),
    }
    return texts[marker["marker"]]
