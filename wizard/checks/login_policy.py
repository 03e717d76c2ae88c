"""Who may sign in how, by the settings on this computer (field §1.10).

An organisation restricts Codex sign-in with requirements (`allowed_login_methods`,
`allowed_chatgpt_workspaces`) and settings (`forced_login_method`,
`forced_chatgpt_workspace_id`) in files and a macOS configuration profile; the layers and their
order are the profile's `login_policy`, measured with the real Codex 0.169
(tests/lab/test_login_policy_oracle.py). When they leave no ChatGPT sign-in, `codex login`
stops with "ChatGPT login is disabled. Use API key login instead.", and when they contradict
each other, or a file cannot be read, Codex does not start at all. The cloud layer comes from
OpenAI after sign-in: only its cache file's age is told. Nothing here is changed: an admin
owns these settings."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from wizard.checks.codex import human_age, parse_codex_toml, read_codex_config
from wizard.core.engine import CheckContext
from wizard.core.environment import Environment
from wizard.core.findings.codex import AllowedSignIn, PolicyFindings
from wizard.core.i18n import and_list, or_list, sentences, tr
from wizard.core.model import Outcome, Status
from wizard.platform.managed_prefs import read_forced

CHATGPT_DISABLED = "chatgpt_login_disabled"
OWN_SETTING = "own_login_method_api"  # the same, set in the user's own config.toml
NO_METHOD = "no_login_method_allowed"
UNREADABLE = "login_policy_unreadable"
METHOD_WORDS = {"chatgpt": tr("login_policy", "ChatGPT"), "api": tr("login_policy", "API key")}


@dataclass(frozen=True)
class Layer:
    where: str  # for people: a file, or the macOS configuration profile
    data: dict[str, Any] | None
    error: str | None = None
    own: bool = False  # the user's own config.toml, not an administrator's


def system_folder(env: Environment, spec: dict[str, Any]) -> Path:
    if env.platform == "windows":
        return Path(env.get("ProgramData") or r"C:\ProgramData") / spec["windows_dir"]
    return env.system_root / spec["unix_dir"]


def policy_layers(env: Environment, profile: Any) -> tuple[list[Layer], list[Layer], list[str]]:
    """(requirement layers, setting layers, notes), each list the one that wins first."""
    spec = profile["login_policy"]
    folder = system_folder(env, spec)
    forced = read_forced(env, spec["mdm_domain"])
    mdm = tr(
        "login_policy", "the macOS configuration profile ({domain})", domain=spec["mdm_domain"]
    )
    requirements = [
        _mdm_layer(forced.values.get(spec["mdm_requirements_key"]), mdm),
        _file_layer(env, folder / spec["requirements"]),
    ]
    settings = [
        _mdm_layer(forced.values.get(spec["mdm_config_key"]), mdm),
        _file_layer(env, folder / spec["managed_config"]) if env.platform != "windows" else None,
        _file_layer(env, env.codex_home() / profile["codex_files"]["config"], own=True),
        _file_layer(env, folder / spec["system_config"]),
    ]
    found = ([x for x in requirements if x], [x for x in settings if x])
    return found[0], found[1], list(forced.notes)


def _file_layer(env: Environment, path: Path, own: bool = False) -> Layer | None:
    data, error = read_codex_config(path)
    if data is None and error is None:
        return None
    return Layer(env.display_path(path), data, error, own)


def _mdm_layer(item: Any, where: str) -> Layer | None:
    if item is None:
        return None
    raw = item.value if isinstance(item.value, bytes) else str(item.value).encode()
    try:
        text = base64.b64decode(raw, validate=False).decode("utf-8-sig")
    except (binascii.Error, UnicodeDecodeError):
        return Layer(where, None, tr("login_policy", "not base64-encoded TOML text"))
    data, error = parse_codex_toml(text)
    return Layer(where, data, error)


def _first(layers: list[Layer], key: str) -> tuple[list[str], Layer] | None:
    for layer in layers:
        if layer.data is not None and key in layer.data:
            value = layer.data[key]
            items = value if isinstance(value, list) else [value]
            return [str(v).strip() for v in items if str(v).strip()], layer
    return None


def check_login_policy(ctx: CheckContext) -> Outcome:
    env, spec = ctx.env, ctx.profile["login_policy"]
    requirements, settings, notes = policy_layers(env, ctx.profile)
    cache = _cloud_cache(env, env.codex_home() / spec["cloud_cache"])
    evidence = PolicyFindings(tuple(_layer_json(x) for x in requirements + settings), cache)
    broken = [x for x in requirements + settings if x.error]
    if broken:
        facts = {"where": broken[0].where, "detail": broken[0].error}
        return Outcome(
            Status.FAIL, _unreadable(broken[0]), replace(evidence, facts=facts), (UNREADABLE,)
        )

    allowed = _first(requirements, "allowed_login_methods")
    method = _first(settings, "forced_login_method")
    for found in (allowed, method):
        unknown = [v for v in (found[0] if found else []) if v not in spec["methods"]]
        if found and unknown:  # Codex: "unknown variant `API`, expected `chatgpt` or `api`"
            detail = tr("login_policy", "unknown sign-in method {value}", value=unknown[0])
            facts = {"where": found[1].where, "detail": detail}
            bad = Layer(found[1].where, None, detail)
            return Outcome(
                Status.FAIL, _unreadable(bad), replace(evidence, facts=facts), (UNREADABLE,)
            )
    workspaces = _workspaces(requirements, settings)
    methods, where = _methods(spec, allowed, method, workspaces)
    held_to = tuple(workspaces[0]) if workspaces else None
    evidence = replace(evidence, allowed=AllowedSignIn(tuple(methods), held_to))
    places = and_list(list(dict.fromkeys(where)))
    if not methods:
        summary = tr(
            "login_policy",
            "The settings in {where} leave no sign-in method Codex can use, so Codex stops "
            "with “authentication requirements do not permit any usable login method”.",
            where=places,
        )
        return Outcome(
            Status.FAIL, summary, replace(evidence, facts={"where": places}), (NO_METHOD,)
        )
    if "chatgpt" not in methods:
        shown = or_list([METHOD_WORDS[m] for m in methods])
        own = method is not None and method[1].own and allowed is None
        summary = tr(
            "login_policy",
            "{where} allows only {methods} sign-in, so signing in with ChatGPT stops with "
            "“ChatGPT login is disabled. Use API key login instead.”",
            where=places,
            methods=shown,
        )
        fault = OWN_SETTING if own else CHATGPT_DISABLED
        facts = {"where": places, "methods": shown}
        return Outcome(Status.FAIL, summary, replace(evidence, facts=facts), (fault,))
    said = [_workspace_sentence(workspaces), _cache_sentence(cache), *notes]
    if workspaces is not None:
        return Outcome(Status.WARN, sentences(*said), evidence)
    if allowed is None and method is None:
        first = tr("login_policy", "No setting on this computer restricts how you sign in.")
    else:
        first = tr("login_policy", "The settings on this computer allow signing in with ChatGPT.")
    return Outcome(Status.PASS, sentences(first, *said), evidence)


def login_methods(env: Environment, profile: Any) -> list[str]:
    """The sign-in methods Codex allows here ("chatgpt", "api"), as check_login_policy finds
    them (a setting it cannot read counts as none)."""
    requirements, settings, _notes = policy_layers(env, profile)
    allowed = _first(requirements, "allowed_login_methods")
    method = _first(settings, "forced_login_method")
    workspaces = _workspaces(requirements, settings)
    return _methods(profile["login_policy"], allowed, method, workspaces)[0]


def _methods(
    spec: dict[str, Any],
    allowed: tuple[list[str], Layer] | None,
    method: tuple[list[str], Layer] | None,
    workspaces: tuple[list[str], str] | None,
) -> tuple[list[str], list[str]]:
    """(the methods left, the places that leave them), Codex's resolution."""
    methods = [m for m in spec["methods"] if allowed is None or m in allowed[0]]
    where = [found[1].where for found in (allowed, method) if found]
    if method is not None:
        methods = [m for m in methods if m in method[0]]
    if workspaces is not None and not workspaces[0]:
        methods = [m for m in methods if m != "chatgpt"]  # no workspace left to sign in to
        where.append(workspaces[1])
    return methods, where


def _unreadable(layer: Layer) -> str:
    result: str = tr(
        "login_policy",
        "{where} cannot be read ({detail}), and Codex does not start while it is broken.",
        where=layer.where,
        detail=layer.error,
    )
    return result


def _workspaces(requirements: list[Layer], settings: list[Layer]) -> tuple[list[str], str] | None:
    """The workspaces a ChatGPT sign-in may use (and where that is set), or None: any."""
    allowed = _first(requirements, "allowed_chatgpt_workspaces")
    chosen = _first(settings, "forced_chatgpt_workspace_id")
    if allowed is None:
        return (chosen[0], chosen[1].where) if chosen and chosen[0] else None
    if chosen and chosen[0]:
        return [w for w in chosen[0] if w in allowed[0]], and_list(
            [allowed[1].where, chosen[1].where]
        )
    return allowed[0], allowed[1].where


def _workspace_sentence(workspaces: tuple[list[str], str] | None) -> str:
    if workspaces is None:
        return ""
    result: str = tr(
        "login_policy",
        "Signing in with ChatGPT is limited to the workspace(s) {ids} ({where}); with another "
        "workspace the sign-in page says “Login is restricted to workspace id(s) …”.",
        ids=", ".join(workspaces[0]),
        where=workspaces[1],
    )
    return result


def _cloud_cache(env: Environment, path: Path) -> dict[str, Any] | None:
    """Existence and age of the cloud settings' cache (its content is never read)."""
    try:
        info = path.stat()
    except OSError:
        return None
    age = env.now().timestamp() - info.st_mtime
    return {"file": env.display_path(path), "modified_age": human_age(age)}


def _cache_sentence(cache: dict[str, Any] | None) -> str:
    if cache is None:
        return ""
    result: str = tr(
        "login_policy",
        "Your organisation's settings from OpenAI were last saved here {age} ({file}); they "
        "can restrict sign-in too and are not shown here.",
        age=cache["modified_age"],
        file=cache["file"],
    )
    return result


def _layer_json(layer: Layer) -> dict[str, Any]:
    keys = ("allowed_login_methods", "allowed_chatgpt_workspaces", "forced_login_method")
    data = layer.data or {}
    shown = {k: data[k] for k in keys if k in data}
    if "forced_chatgpt_workspace_id" in data:
        shown["forced_chatgpt_workspace_id"] = data["forced_chatgpt_workspace_id"]
    return {"where": layer.where, "own": layer.own, "error": layer.error, "settings": shown}
