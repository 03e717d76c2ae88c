"""The Codex installation (CLI on PATH, binaries bundled with editors) and its saved sign-in.

auth.json is only looked at from outside (exists, mode, size, age): its contents are tokens
and are never opened. config.toml is parsed for the few sign-in keys; nothing else from it
goes into the evidence."""

from __future__ import annotations

import os
import re
import stat
import tomllib
from pathlib import Path
from typing import Any

from wizard.core.engine import CheckContext
from wizard.core.environment import CommandNotFound, Environment
from wizard.core.model import Outcome, Status

VERSION_RE = re.compile(r"\b(\d+)\.(\d+)\.(\d+)(?:[-+][0-9A-Za-z.-]+)?")
CLI_VERSION_RE = re.compile(r"codex(?:-cli)?\s+v?(\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?)", re.I)
EXTENSION_DIR_RE = re.compile(r"^(?P<ext>.+?)-(?P<version>\d+\.\d+\.\d+)(?:-(?P<platform>.+))?$")
VERSION_CAP_S = 5.0
AUTH_ENV_VARS = ("OPENAI_API_KEY", "CODEX_API_KEY", "CODEX_ACCESS_TOKEN")  # facts §5
OLD_WARNING = "may lack custom-certificate support and the 1457 fallback"


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
        return None, "not run: out of time"
    try:
        out = ctx.env.runner.run([program, "--version"], ctx.budget.timeout(VERSION_CAP_S))
    except CommandNotFound:
        return None, "cannot be started"
    except TimeoutError:
        return None, "did not answer to --version in time"
    except OSError as exc:
        return None, f"cannot be started ({exc.strerror or exc})"
    version = parse_cli_version(out.stdout) or parse_cli_version(out.stderr)
    if version:
        return version, None
    return None, f"--version printed no version (exit code {out.returncode})"


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


def _runnable_here(env: Environment, binary: Path) -> bool:
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
                "label": "on PATH",
                "path": env.display_path(on_path),
                "version": version,
                "problem": problem,
            }
        )

    for bundle in bundled_binaries(env, profile):
        binary = bundle["binary"]
        version = problem = None
        if binary is None:
            problem = "no codex program inside the extension"
        elif _runnable_here(env, binary):
            version, problem = _run_version(ctx, str(binary))
        else:
            problem = "built for another system"
        installs.append(
            {
                "kind": "editor",
                "label": f"in {bundle['editor']}",
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
    evidence: dict[str, Any] = {
        "installs": installs,
        "path_entries": [env.display_path(p) for p in entries],
        "known_good": known_good,
    }
    if not installs:
        return Outcome(
            Status.WARN, "Codex was not found on this computer's PATH or in an editor.", evidence
        )

    old = [i for i in installs if i["older_than_known_good"]]
    if old:
        first = old[0]
        evidence["facts"] = {"version": first["version"]}
        more = f" (and {len(old) - 1} more)" if len(old) > 1 else ""
        return Outcome(
            Status.WARN,
            f"Codex {first['version']} {first['label']}{more} is older than {known_good} and "
            f"{OLD_WARNING}.",
            evidence,
        )
    versions = [f"{i['version']} {i['label']}" for i in installs if i["version"]]
    if versions:
        return Outcome(Status.PASS, f"Codex {', '.join(versions)} is installed.", evidence)
    where = installs[0]["label"]
    return Outcome(
        Status.PASS, f"Codex is installed ({where}), but its version could not be read.", evidence
    )


# --- saved sign-in ---------------------------------------------------------------------


def human_age(seconds: float) -> str:
    seconds = max(0.0, seconds)
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"


def read_codex_config(path: Path) -> tuple[dict[str, Any] | None, str | None]:
    """config.toml -> (data, None) or (None, "line N: message"); (None, None) when absent."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return None, None
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"cannot be read: {getattr(exc, 'strerror', None) or exc}"
    try:
        return tomllib.loads(text), None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"\(at line (\d+), column \d+\)", message)
        detail = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
        if match:
            return None, f"line {match.group(1)}: {detail}"
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
    evidence: dict[str, Any] = {
        "codex_home": shown,
        "codex_home_set": bool(configured),
        "codex_home_exists": home.is_dir(),
        "store_writable": False,
        "facts": {"path": shown, "variable": var_name},
    }
    if configured and not home.is_dir():
        return Outcome(
            Status.FAIL,
            f"CODEX_HOME points to a folder that does not exist ({shown}), so Codex cannot start.",
            evidence,
        )

    warnings: list[str] = []
    config, config_error = read_codex_config(home / files["config"])
    evidence["config"] = _config_summary(config) if config is not None else None
    if config_error:
        evidence["config_error"] = config_error
        warnings.append(
            f"{env.display_path(home / files['config'])} cannot be read ({config_error})"
        )
    store_kind = (evidence["config"] or {}).get("cli_auth_credentials_store") or "file"

    auth = _auth_file(env, home / files["auth"])
    evidence["auth_file"] = auth
    folder = home if home.is_dir() else home.parent
    folder_ok = os.access(folder, os.W_OK | os.X_OK)
    if store_kind == "keyring":
        evidence["store_writable"] = None  # the keyring cannot be tested without writing to it
        evidence["store_note"] = "Codex saves the sign-in in the system keyring."
    else:
        evidence["store_writable"] = folder_ok and (auth is None or bool(auth["writable"]))
    if evidence["store_writable"] is False:
        warnings.append(f"Codex cannot save a sign-in in {shown} (not writable)")
    if auth and auth.get("readable_by_others"):
        warnings.append(
            f"the saved sign-in {auth['file']} can be read by other users (mode {auth['mode']})"
        )

    auth_vars = profile["env"].get("auth", AUTH_ENV_VARS)
    present = [name for name in auth_vars if env.get(name)]
    evidence["auth_env_vars"] = present
    if present and auth:
        evidence["mixed_auth_signals"] = True
        warnings.append(
            f"a ChatGPT sign-in is saved, but {', '.join(present)} is also set (mixed auth signals)"
        )

    if warnings:
        text = "; ".join(warnings)
        return Outcome(Status.WARN, text[0].upper() + text[1:] + ".", evidence)
    if auth:
        summary = f"A saved sign-in exists in {shown} (saved {auth['modified_age']})."
    elif store_kind == "keyring":
        summary = "Codex saves its sign-in in the system keyring; no sign-in file is expected."
    else:
        summary = f"Codex can save a sign-in in {shown} (none saved yet)."
    return Outcome(Status.PASS, summary, evidence)
