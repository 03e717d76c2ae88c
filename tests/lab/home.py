"""Realistic files in a temporary home folder, at the exact places Codex and the editors use.

Checks read these through ``Environment`` (``env.home``, ``env.codex_home()``,
``env.config_dirs()``); writing them here keeps the paths in one place so tests don't each
reinvent "where does Cursor keep settings.json on Windows". Text is written byte for byte
(no newline translation), so CRLF/BOM cases survive.
"""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path

IDE_LOG_SESSION = "20261121T101010"
# The shape of openai/codex#46812's file name; session and pid are the tests' own.
DESKTOP_LOG_NAME = "codex-desktop-5f2c9a1e-4410-t0-i1-132812-0.log"


def _write(path: Path, text: str | bytes, mode: int | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    if mode is not None:
        os.chmod(path, mode)
    return path


class LabHome:
    """Helpers over a temporary home ``path``; every method returns the file/folder path."""

    def __init__(self, path: Path, codex_home: Path | None = None) -> None:
        self.path = Path(path)
        self._codex_home = codex_home

    def config_root(self, platform: str = "linux") -> Path:
        """Where editors keep their folders: ~/.config, AppData/Roaming, Application Support
        (the defaults of ``Environment.config_dirs()`` with no XDG_CONFIG_HOME/APPDATA set)."""
        if platform == "windows":
            return self.path / "AppData" / "Roaming"
        if platform == "darwin":
            return self.path / "Library" / "Application Support"
        return self.path / ".config"

    @staticmethod
    def _platform(windows: bool, platform: str | None) -> str:
        return platform or ("windows" if windows else "linux")

    def settings(
        self,
        editor_folder: str = "Code",
        text: str | bytes = "{}\n",
        *,
        windows: bool = False,
        platform: str | None = None,
    ) -> Path:
        """<config root>/<editor folder>/User/settings.json."""
        root = self.config_root(self._platform(windows, platform))
        return _write(root / editor_folder / "User" / "settings.json", text)

    def codex_home(self) -> Path:
        """~/.codex (or the codex_home given to the constructor), created."""
        path = self._codex_home or self.path / ".codex"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def codex_log(self, text: str | bytes) -> Path:
        return _write(self.codex_home() / "log" / "codex-login.log", text)

    def ide_log(
        self,
        text: str | bytes,
        editor_folder: str = "Code",
        *,
        session: str = IDE_LOG_SESSION,
        windows: bool = False,
        platform: str | None = None,
    ) -> Path:
        """<config root>/<folder>/logs/<session>/window1/exthost/openai.chatgpt/Codex.log."""
        root = self.config_root(self._platform(windows, platform))
        return _write(
            root
            / editor_folder
            / "logs"
            / session
            / "window1"
            / "exthost"
            / "openai.chatgpt"
            / "Codex.log",
            text,
        )

    def desktop_log(
        self, text: str | bytes, day: date, name: str = DESKTOP_LOG_NAME, *, age_s: float = 0
    ) -> Path:
        """The Windows desktop app's log, AppData/Local/Codex/Logs/YYYY/MM/DD/<name>
        (openai/codex#46812), last written `age_s` seconds ago."""
        folder = self.path / "AppData" / "Local" / "Codex" / "Logs"
        path = _write(folder / f"{day:%Y}" / f"{day:%m}" / f"{day:%d}" / name, text)
        written = time.time() - age_s
        os.utime(path, (written, written))
        return path

    def auth_json(self, text: str | bytes = "{}", mode: int = 0o600) -> Path:
        """~/.codex/auth.json with ``mode`` (0600 like Codex writes it)."""
        return _write(self.codex_home() / "auth.json", text, mode)

    def config_toml(self, text: str | bytes) -> Path:
        return _write(self.codex_home() / "config.toml", text)

    def dotenv(self, text: str | bytes) -> Path:
        return _write(self.codex_home() / ".env", text)

    def file(self, relative: str, text: str | bytes, mode: int | None = None) -> Path:
        """Any other file under the home (e.g. ".vscode/extensions/...")."""
        return _write(self.path / relative, text, mode)
