"""Per-user environment variables that apps started later will see, kept where each OS keeps
them: Windows HKCU\\Environment (+ the settings-change broadcast), macOS `launchctl setenv`
plus a marked block in ~/.zprofile, Linux ~/.config/environment.d/ plus a marked block in
~/.profile. File changes are returned as FileEdits (previewed, journaled, undone byte for byte);
registry and launchctl changes are applied live and undone from the recorded old value."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from wizard.core.environment import CommandNotFound, Environment
from wizard.core.i18n import tr
from wizard.platform.file_edit import FileEdit
from wizard.platform.registry import parse_reg_values

BEGIN = "# >>> signin-doctor: variables for Codex sign-in >>>"
END = "# <<< signin-doctor <<<"
ENV_D_NAME = "60-signin-doctor.conf"
COMMAND_TIMEOUT_S = 10.0

Changes = Mapping[str, str | None]


class EnvStore(Protocol):
    def current(self, name: str) -> str | None:
        """The value this store persists for `name` (None: it does not set it)."""

    def file_edits(self, changes: Changes) -> list[FileEdit]:
        """The file changes that persist `changes` (None = remove the variable)."""

    def apply_live(self, changes: Changes) -> list[str]:
        """Apply the non-file part (registry, launchctl); returns what was done."""

    def places(self) -> list[str]:
        """Where variables are persisted, for people."""


def quote_sh(value: str) -> str:
    return "'" + value.replace("'", "'\"'\"'") + "'"


def _managed_values(text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    inside = False
    for line in text.splitlines():
        if line.strip() == BEGIN:
            inside = True
        elif line.strip() == END:
            inside = False
        elif inside and (m := re.match(r"\s*export\s+([A-Za-z_][A-Za-z0-9_]*)=(.*)$", line)):
            values[m.group(1)] = _unquote_sh(m.group(2))
    return values


def _unquote_sh(text: str) -> str:
    text = text.strip()
    if text.startswith("'") and text.endswith("'"):
        return text[1:-1].replace("'\"'\"'", "'")
    return text


def with_block(text: str, values: Mapping[str, str]) -> str:
    """`text` with our marked block set to `values` (removed when empty); every other byte of
    the file stays as it was, line endings included."""
    newline = "\r\n" if "\r\n" in text else "\n"
    block = ""
    if values:
        lines = [BEGIN, *(f"export {k}={quote_sh(v)}" for k, v in sorted(values.items())), END]
        block = newline.join(lines) + newline
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END) + r"[ \t]*(\r?\n)?", re.S)
    if pattern.search(text):
        return pattern.sub(lambda _m: block, text, count=1)
    if not block:
        return text
    if text and not text.endswith(("\n", "\r")):
        text += newline
    return text + (newline if text else "") + block


class _ShellBlockStore:
    """The marked block in a login-shell profile file."""

    def __init__(self, env: Environment, profile_file: Path) -> None:
        self.env, self.profile_file = env, profile_file

    def _read(self) -> bytes | None:
        try:
            return self.profile_file.read_bytes()
        except FileNotFoundError:
            return None

    def current(self, name: str) -> str | None:
        data = self._read()
        return _managed_values(data.decode("utf-8", "replace")).get(name) if data else None

    def block_edit(self, changes: Changes) -> FileEdit | None:
        before = self._read()
        text = before.decode("utf-8", "surrogateescape") if before is not None else ""
        values = _managed_values(text)
        for name, value in changes.items():
            if value is None:
                values.pop(name, None)
            else:
                values[name] = value
        after_text = with_block(text, values)
        after = after_text.encode("utf-8", "surrogateescape")
        if before == after or (before is None and not values):
            return None
        return _edit(self.env, self.profile_file, before, after)


class LinuxEnvStore:
    def __init__(self, env: Environment) -> None:
        self.env = env
        config = env.config_dirs()["appdata"]
        self.env_d = config / "environment.d" / ENV_D_NAME
        self.shell = _ShellBlockStore(env, env.home / ".profile")

    def _env_d_values(self) -> dict[str, str]:
        try:
            text = self.env_d.read_text(encoding="utf-8")
        except (FileNotFoundError, UnicodeDecodeError):
            return {}
        pairs = (
            line.split("=", 1)
            for line in text.splitlines()
            if "=" in line and not line.lstrip().startswith("#")
        )
        return {k.strip(): v.strip() for k, v in pairs}

    def current(self, name: str) -> str | None:
        return self._env_d_values().get(name) or self.shell.current(name)

    def file_edits(self, changes: Changes) -> list[FileEdit]:
        edits: list[FileEdit] = []
        values = self._env_d_values()
        for name, value in changes.items():
            if value is None:
                values.pop(name, None)
            else:
                values[name] = value
        before = self.env_d.read_bytes() if self.env_d.exists() else None
        after = None
        if values:
            lines = ["# Written by Sign-in Doctor; `python -m wizard undo --last` reverts it."]
            lines += [f"{k}={v}" for k, v in sorted(values.items())]
            after = ("\n".join(lines) + "\n").encode("utf-8")
        if before != after:
            edits.append(_edit(self.env, self.env_d, before, after))
        block = self.shell.block_edit(changes)
        if block:
            edits.append(block)
        return edits

    def apply_live(self, changes: Changes) -> list[str]:
        return []

    def places(self) -> list[str]:
        return [self.env.display_path(self.env_d), self.env.display_path(self.shell.profile_file)]


class MacEnvStore:
    def __init__(self, env: Environment) -> None:
        self.env = env
        self.shell = _ShellBlockStore(env, env.home / ".zprofile")

    def current(self, name: str) -> str | None:
        try:
            out = self.env.runner.run(["launchctl", "getenv", name], COMMAND_TIMEOUT_S)
        except (CommandNotFound, TimeoutError):
            return self.shell.current(name)
        return out.stdout.strip() or self.shell.current(name)

    def file_edits(self, changes: Changes) -> list[FileEdit]:
        block = self.shell.block_edit(changes)
        return [block] if block else []

    def apply_live(self, changes: Changes) -> list[str]:
        done = []
        for name, value in changes.items():
            argv = (
                ["launchctl", "setenv", name, value]
                if value is not None
                else ["launchctl", "unsetenv", name]
            )
            _run_checked(self.env, argv)
            done.append(" ".join(argv[:3]))
        return done

    def places(self) -> list[str]:
        return [
            tr("env_store", "launchctl (apps started from the Dock and Finder)"),
            self.env.display_path(self.shell.profile_file),
        ]


class WindowsEnvStore:
    def __init__(self, env: Environment) -> None:
        self.env = env

    def current(self, name: str) -> str | None:
        try:
            out = self.env.runner.run(
                ["reg", "query", r"HKCU\Environment", "/v", name], COMMAND_TIMEOUT_S
            )
        except (CommandNotFound, TimeoutError):
            return None
        found = parse_reg_values(out.stdout).get(name.lower()) if out.returncode == 0 else None
        return found[1] if found else None

    def file_edits(self, changes: Changes) -> list[FileEdit]:
        return []

    def apply_live(self, changes: Changes) -> list[str]:
        done = []
        for name, value in changes.items():
            literal = "$null" if value is None else "'" + value.replace("'", "''") + "'"
            script = f"[Environment]::SetEnvironmentVariable('{name}', {literal}, 'User')"
            # SetEnvironmentVariable writes HKCU\Environment and broadcasts WM_SETTINGCHANGE,
            # so apps started afterwards (not the ones running now) see the change.
            _run_checked(
                self.env, ["powershell", "-NoProfile", "-NonInteractive", "-Command", script]
            )
            done.append(f"{'unset' if value is None else 'set'} {name} in HKCU\\Environment")
        return done

    def places(self) -> list[str]:
        return [tr("env_store", r"HKCU\Environment (your Windows user variables)")]


def _edit(env: Environment, path: Path, before: bytes | None, after: bytes | None) -> FileEdit:
    """A FileEdit that writes through a symlink (dotfile managers) instead of replacing it."""
    shown = env.display_path(path)
    if path.is_symlink():
        target = path.resolve()
        return FileEdit(target, f"{shown} -> {env.display_path(target)}", before, after)
    return FileEdit(path, shown, before, after)


def _run_checked(env: Environment, argv: list[str]) -> None:
    try:
        out = env.runner.run(argv, COMMAND_TIMEOUT_S)
    except CommandNotFound:
        raise OSError(f"{argv[0]} is not available on this computer") from None
    except TimeoutError as exc:
        raise OSError(str(exc)) from None
    if out.returncode != 0:
        raise OSError(f"{argv[0]} failed: {(out.stderr or out.stdout).strip()[:200]}")


def env_store_for(env: Environment) -> EnvStore:
    if env.platform == "windows":
        return WindowsEnvStore(env)
    if env.platform == "darwin":
        return MacEnvStore(env)
    return LinuxEnvStore(env)
