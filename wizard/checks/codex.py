"""The Codex installation (CLI on PATH, binaries bundled with editors) and its saved sign-in.

auth.json is only looked at from outside (exists, mode, size, age): its contents are tokens
and are never opened. config.toml is parsed for the few sign-in keys; nothing else from it
goes into the evidence."""

from __future__ import annotations

import os
import re
import stat
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

from wizard.core.engine import CheckContext
from wizard.core.environment import CommandNotFound, Environment
from wizard.core.findings.codex import CodexHomeFindings, InstallFindings, SavedSignIn
from wizard.core.i18n import join, tr, tr_map
from wizard.core.model import Outcome, Status

VERSION_RE = re.compile(r"\b(\d+)\.(\d+)\.(\d+)(?:[-+][0-9A-Za-z.-]+)?")
CLI_VERSION_RE = re.compile(r"codex(?:-cli)?\s+v?(\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?)", re.I)
EXTENSION_DIR_RE = re.compile(r"^(?P<ext>.+?)-(?P<version>\d+\.\d+\.\d+)(?:-(?P<platform>.+))?$")
VERSION_CAP_S = 5.0
AUTH_ENV_VARS = ("OPENAI_API_KEY", "CODEX_API_KEY", "CODEX_ACCESS_TOKEN")  # facts §5
OLD_WARNING = tr("codex", "may lack custom-certificate support and the 1457 fallback")


# --- install ---------------------------------------------------------------------------


def version_tuple(text: str) -> tuple[int, int, int] | None:
    match = VERSION_RE.search(text)
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


def parse_cli_version(output: str) -> str | None:
    """'codex-cli 0.139.0' -> '0.139.0'."""
    match = CLI_VERSION_RE.search(output)
    return match.group(1) if match else None


def _run_version(ctx: CheckContext, program: str) -> tuple[str | None, str | None]:
    """(version, problem) of `program --version`."""
    if ctx.budget.remaining() < 0.2:
        return None, tr("codex", "not run: out of time")
    try:
        out = ctx.env.runner.run([program, "--version"], ctx.budget.timeout(VERSION_CAP_S))
    except CommandNotFound:
        return None, tr("codex", "cannot be started")
    except TimeoutError:
        return None, tr("codex", "did not answer to --version in time")
    except OSError as exc:
        return None, tr("codex", "cannot be started ({error})", error=str(exc.strerror or exc))
    version = parse_cli_version(out.stdout) or parse_cli_version(out.stderr)
    if version:
        return version, None
    return None, tr("codex", "--version printed no version (exit code {code})", code=out.returncode)


def path_entries(env: Environment) -> list[str]:
    """Every `codex` program on PATH, in PATH order (the first one runs)."""
    sep = ";" if env.platform == "windows" else os.pathsep
    names = ("codex.exe", "codex.cmd", "codex") if env.platform == "windows" else ("codex",)
    found: list[str] = []
    for folder in filter(None, (env.get("PATH") or "").split(sep)):
        for name in names:
            candidate = Path(folder) / name
            if candidate.is_file() and str(candidate) not in found:
                found.append(str(candidate))
    return found


def bundled_binaries(env: Environment, profile: Any) -> list[dict[str, Any]]:
    """Codex binaries shipped inside the editor extension folders."""
    ext_id = profile["ide"]["extension_id"]
    roots = [(e["name"], env.home / e["extensions"]) for e in profile["ide"]["editors"]]
    roots.append(("VS Code Server", env.home / ".vscode-server" / "extensions"))
    found: list[dict[str, Any]] = []
    for editor, root in roots:
        if not root.is_dir():
            continue
        for folder in sorted(root.glob(f"{ext_id}-*")):
            match = EXTENSION_DIR_RE.match(folder.name)
            if not folder.is_dir() or not match or match["ext"] != ext_id:
                continue
            binaries = sorted(
                p for pattern in ("bin/*/codex", "bin/*/codex.exe") for p in folder.glob(pattern)
            )
            for binary in binaries or [None]:
                found.append(
                    {
                        "editor": editor,
                        "extension_version": match["version"],
                        "extension_platform": match["platform"],
                        "folder": folder,
                        "binary": binary,
                    }
                )
    return found


def runnable_here(env: Environment, binary: Path) -> bool:
    if binary.suffix.lower() == ".exe":
        return env.platform == "windows"
    return env.platform != "windows" and os.access(binary, os.X_OK)


def check_codex_install(ctx: CheckContext) -> Outcome:
    env, profile = ctx.env, ctx.profile
    known_good = profile["versions"]["known_good"]
    good = version_tuple(known_good)
    installs: list[dict[str, Any]] = []

    on_path = env.which("codex")
    entries = path_entries(env)
    if on_path:
        version, problem = _run_version(ctx, on_path)
        installs.append(
            {
                "kind": "path",
                "label": tr("codex", "on PATH"),
                "path": env.display_path(on_path),
                "version": version,
                "problem": problem,
            }
        )

    for bundle in bundled_binaries(env, profile):
        binary = bundle["binary"]
        version = problem = None
        if binary is None:
            problem = tr("codex", "no codex program inside the extension")
        elif runnable_here(env, binary):
            version, problem = _run_version(ctx, str(binary))
        else:
            problem = tr("codex", "built for another system")
        installs.append(
            {
                "kind": "editor",
                "label": tr("codex", "in {editor}", editor=bundle["editor"]),
                "editor": bundle["editor"],
                "extension_version": bundle["extension_version"],
                "extension_platform": bundle["extension_platform"],
                "path": env.display_path(binary or bundle["folder"]),
                "version": version,
                "problem": problem,
            }
        )

    for item in installs:
        parsed = version_tuple(item["version"]) if item["version"] else None
        item["older_than_known_good"] = bool(parsed and good and parsed < good)
    evidence = InstallFindings(
        installs=tuple(installs),
        path_entries=tuple(env.display_path(p) for p in entries),
        known_good=known_good,
    )
    if not installs:
        return Outcome(
            Status.WARN,
            tr("codex", "Codex was not found on this computer's PATH or in an editor."),
            evidence,
        )

    old = [i for i in installs if i["older_than_known_good"]]
    if old:
        first = old[0]
        evidence = replace(evidence, facts={"version": first["version"]})
        which = tr("codex", "{version} {where}", version=first["version"], where=first["label"])
        if len(old) > 1:
            which = tr("codex", "{which} (and {count} more)", which=which, count=len(old) - 1)
        summary = tr(
            "codex",
            "Codex {which} is older than {known_good} and {warning}.",
            which=which,
            known_good=known_good,
            warning=OLD_WARNING,
        )
        return Outcome(Status.WARN, summary, evidence)
    versions = [
        tr("codex", "{version} {where}", version=i["version"], where=i["label"])
        for i in installs
        if i["version"]
    ]
    if versions:
        return Outcome(
            Status.PASS,
            tr("codex", "Codex {versions} is installed.", versions=join(versions, ", ")),
            evidence,
        )
    where = installs[0]["label"]
    return Outcome(
        Status.PASS,
        tr(
            "codex", "Codex is installed ({where}), but its version could not be read.", where=where
        ),
        evidence,
    )


# --- saved sign-in ---------------------------------------------------------------------


AGES = (
    (86400, tr("codex", "{n} day ago"), tr("codex", "{n} days ago")),
    (3600, tr("codex", "{n} hour ago"), tr("codex", "{n} hours ago")),
    (60, tr("codex", "{n} minute ago"), tr("codex", "{n} minutes ago")),
)


def human_age(seconds: float) -> str:
    seconds = max(0.0, seconds)
    for size, one, many in AGES:
        if seconds >= size:
            count = int(seconds // size)
            chosen = one if count == 1 else many
            return tr_map(chosen.context, chosen.template, {"n": count})
    return tr("codex", "just now")


def read_codex_config(path: Path) -> tuple[dict[str, Any] | None, str | None]:
    """config.toml -> (data, None) or (None, "line N: message"); (None, None) when absent."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return None, None
    except (OSError, UnicodeDecodeError) as exc:
        return None, tr(
            "codex", "cannot be read: {error}", error=str(getattr(exc, "strerror", None) or exc)
        )
    return parse_codex_toml(text)


def parse_codex_toml(text: str) -> tuple[dict[str, Any] | None, str | None]:
    """TOML text -> (data, None) or (None, "line N: message")."""
    try:
        return tomllib.loads(text), None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"\(at line (\d+), column \d+\)", message)
        detail = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
        if match:
            return None, tr("codex", "line {line}: {detail}", line=match.group(1), detail=detail)
        return None, detail


def _config_summary(data: dict[str, Any]) -> dict[str, Any]:
    features = data.get("features")
    workspace = data.get("forced_chatgpt_workspace_id")
    return {
        "cli_auth_credentials_store": data.get("cli_auth_credentials_store"),
        "forced_login_method": data.get("forced_login_method"),
        "forced_chatgpt_workspace_id_set": workspace not in (None, "", []),
        "respect_system_proxy": features.get("respect_system_proxy")
        if isinstance(features, dict)
        else None,
    }


def _auth_file(env: Environment, path: Path) -> dict[str, Any] | None:
    """What can be seen of auth.json from outside. Never opened."""
    try:
        info = path.stat()
    except OSError:
        return None
    now = env.now().timestamp()
    entry: dict[str, Any] = {
        "file": env.display_path(path),
        "size": info.st_size,
        "modified_age": human_age(now - info.st_mtime),
        "modified_age_s": int(max(0.0, now - info.st_mtime)),
    }
    if env.platform != "windows":
        mode = stat.S_IMODE(info.st_mode)
        entry["mode"] = f"{mode:04o}"
        entry["readable_by_others"] = bool(mode & 0o077)
    entry["writable"] = os.access(path, os.W_OK)
    return entry


def check_codex_auth(ctx: CheckContext) -> Outcome:
    env, profile = ctx.env, ctx.profile
    files = profile["codex_files"]
    var_name = profile["env"]["codex_home"]
    configured = env.get(var_name)
    home = env.codex_home()
    shown = env.display_path(home)
    evidence = CodexHomeFindings(
        codex_home=shown,
        codex_home_set=bool(configured),
        codex_home_exists=home.is_dir(),
        facts={"path": shown, "variable": var_name},
    )
    if configured and not home.is_dir():
        return Outcome(
            Status.FAIL,
            tr(
                "codex",
                "CODEX_HOME points to a folder that does not exist ({path}), so Codex cannot "
                "start.",
                path=shown,
            ),
            evidence,
        )

    warnings: list[tuple[str, str]] = []  # (at the start of the summary, after "; ")
    config, config_error = read_codex_config(home / files["config"])
    summary_of_config = _config_summary(config) if config is not None else None
    if config_error:
        unreadable = tr(
            "codex",
            "{file} cannot be read ({error})",
            file=env.display_path(home / files["config"]),
            error=config_error,
        )
        warnings.append((unreadable, unreadable))
    store_kind = (summary_of_config or {}).get("cli_auth_credentials_store") or "file"

    # Whether it can be saved is the credential_store check's (wizard/checks/store.py).
    auth = _auth_file(env, home / files["auth"])
    if auth and auth.get("readable_by_others"):
        params = {"file": auth["file"], "mode": auth["mode"]}
        warnings.append(
            (
                tr(
                    "codex",
                    "The saved sign-in {file} can be read by other users (mode {mode})",
                    **params,
                ),
                tr(
                    "codex",
                    "the saved sign-in {file} can be read by other users (mode {mode})",
                    **params,
                ),
            )
        )

    auth_vars = profile["env"].get("auth", AUTH_ENV_VARS)
    present = [name for name in auth_vars if env.get(name)]
    if present and auth:
        names = ", ".join(present)
        warnings.append(
            (
                tr(
                    "codex",
                    "A ChatGPT sign-in is saved, but {names} is also set (mixed auth signals)",
                    names=names,
                ),
                tr(
                    "codex",
                    "a ChatGPT sign-in is saved, but {names} is also set (mixed auth signals)",
                    names=names,
                ),
            )
        )

    saved = SavedSignIn(
        summary_of_config, config_error or None, auth, tuple(present), bool(present and auth)
    )
    evidence = replace(evidence, saved=saved)
    if warnings:
        parts = [warnings[0][0], *(later for _first, later in warnings[1:])]
        return Outcome(
            Status.WARN,
            tr("codex", "{warnings}.", warnings=join(parts, tr("codex", "; "))),
            evidence,
        )
    if auth:
        summary = tr(
            "codex",
            "A saved sign-in exists in {path} (saved {age}).",
            path=shown,
            age=auth["modified_age"],
        )
    elif store_kind == "keyring":
        summary = tr(
            "codex", "Codex saves its sign-in in the system keyring; no sign-in file is expected."
        )
    else:
        summary = tr("codex", "No sign-in is saved in {path} yet.", path=shown)
    return Outcome(Status.PASS, summary, evidence)
