"""Where Sign-in Doctor keeps its own files (undo journal, bundles, run history), per OS."""

from __future__ import annotations

from pathlib import Path

from wizard.core.environment import Environment

APP_DIR = "signin-doctor"


def local_appdata(env: Environment) -> Path:
    """Windows' per-user, per-machine data root: %LOCALAPPDATA% (AppData\\Local)."""
    local = env.get("LOCALAPPDATA")
    return Path(local) if local else env.home / "AppData" / "Local"


def user_data_dir(env: Environment) -> Path:
    """%LOCALAPPDATA%\\signin-doctor, ~/Library/Application Support/signin-doctor, or
    $XDG_DATA_HOME/signin-doctor (platformdirs' choices, computed from the injected env)."""
    if env.platform == "windows":
        return local_appdata(env) / APP_DIR
    if env.platform == "darwin":
        return env.home / "Library" / "Application Support" / APP_DIR
    xdg = env.get("XDG_DATA_HOME")
    return (Path(xdg) if xdg else env.home / ".local" / "share") / APP_DIR
