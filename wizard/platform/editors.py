"""The user settings of VS Code-family editors (VS Code, Insiders, Cursor, Windsurf, VSCodium).

Their `settings.json` is JSON with comments and trailing commas (JSONC). A file that is plain
JSON once its comments are blanked out (most are) is read by the standard `json`; any other is
read with json-five, imported only then (it costs a diagnosis ~60 ms and 3 MB). Both, like VS
Code, keep the LAST of duplicate keys, and JSON is a subset of JSON5, so both give the same
values. A file that cannot be read or parsed is reported (`error`), never raised: one broken
editor must not hide the others."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.core.environment import Environment
from wizard.core.profile import Profile

if TYPE_CHECKING:
    import json5

MAX_SETTINGS_BYTES = 5_000_000  # a settings file beyond this is not a settings file


@dataclass(frozen=True)
class EditorSettings:
    editor_id: str  # profile id, e.g. "cursor"
    editor_name: str  # for people, e.g. "Cursor"
    path: Path
    values: dict[str, Any] | None  # None when the file could not be parsed
    error: str | None  # "line N: message" or a read problem

    @property
    def is_profile(self) -> bool:
        """True for a VS Code profile's settings (User/profiles/<id>/settings.json)."""
        return self.path.parent.parent.name == "profiles"

    def get(self, key: str) -> Any:
        return self.values.get(key) if self.values else None


def settings_files(env: Environment, editor: dict[str, Any]) -> list[Path]:
    """The editor's user settings.json and its profiles' settings, those that exist."""
    user = env.config_dirs()["appdata"] / editor["folder"] / "User"
    found = [user / "settings.json"] if (user / "settings.json").is_file() else []
    profiles = user / "profiles"
    if profiles.is_dir():
        found.extend(sorted(p for p in profiles.glob("*/settings.json") if p.is_file()))
    return found


def read_editor_settings(env: Environment, profile: Profile) -> list[EditorSettings]:
    """Every existing settings file of every editor in the profile, parsed."""
    result: list[EditorSettings] = []
    for editor in profile["ide"]["editors"]:
        for path in settings_files(env, editor):
            values, error = parse_settings_file(path)
            result.append(EditorSettings(editor["id"], editor["name"], path, values, error))
    return result


def parse_settings_file(path: Path) -> tuple[dict[str, Any] | None, str | None]:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_SETTINGS_BYTES + 1)
    except OSError as exc:
        return None, f"cannot be read: {exc.strerror or exc}"
    if len(data) > MAX_SETTINGS_BYTES:
        return None, "is too large to be a settings file"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, f"line {line}: not UTF-8 text (byte {exc.start})"
    return parse_settings_text(text)


def parse_settings_text(text: str) -> tuple[dict[str, Any] | None, str | None]:
    """JSONC text -> (values, None) or (None, "line N: message"). Empty counts as {}."""
    text = text.lstrip("\ufeff")
    plain = _strip_comments(text)
    if not plain.strip():
        return {}, None  # VS Code treats an empty (or comments-only) file as no settings
    try:
        values = json.loads(plain)
    except (ValueError, RecursionError):
        return _parse_json5(text)
    if not isinstance(values, dict):
        return None, "line 1: the file does not hold a settings object ({ ... })"
    return values, None


def _parse_json5(text: str) -> tuple[dict[str, Any] | None, str | None]:
    import json5

    try:
        values = json5.loads(text)
    except json5.JSON5DecodeError as exc:
        return None, f"line {_error_line(exc, text)}: {_error_message(exc.msg)}"
    except (ValueError, RecursionError) as exc:  # json-five raises a few plain errors too
        return None, f"line 1: {exc}"
    if not isinstance(values, dict):
        return None, "line 1: the file does not hold a settings object ({ ... })"
    return values, None


_LINE_IN_MESSAGE = re.compile(r"line (\d+)")
_COMMENTS = re.compile(r'"(?:\\.|[^"\\])*"|//[^\n]*|/\*.*?\*/', re.S)


def _strip_comments(text: str) -> str:
    """Comments blanked to one space (so `1/**/2` stays two tokens), strings kept."""
    return _COMMENTS.sub(lambda m: m.group(0) if m.group(0).startswith('"') else " ", text)


def _error_line(exc: json5.JSON5DecodeError, text: str) -> int:
    if getattr(exc, "lineno", 0):
        return int(exc.lineno)
    match = _LINE_IN_MESSAGE.search(exc.msg or "")
    if match:
        return int(match.group(1))
    return text.count("\n") + 1  # no position: the parser ran off the end


def _error_message(message: str) -> str:
    """json-five's message, reduced to the primary error without the position tail."""
    lines = [part.strip() for part in (message or "").splitlines() if part.strip()]
    if "The primary error was:" in lines and lines.index("The primary error was:") + 1 < len(lines):
        first = lines[lines.index("The primary error was:") + 1]
    else:
        first = lines[0] if lines else "not valid JSON"
    first = re.sub(r"\s*at(:.*)?$", "", first)
    first = re.sub(r"\s*\(?line \d+ column \d+.*$", "", first)
    return first.rstrip(" .") or "not valid JSON"
