"""Set one boolean in a table of Codex's config.toml, changing only that line.

Python reads TOML but cannot write it back with its comments, so the edit is made on the text
(the key's line replaced, or added under the table's header, or a new table appended) and then
proven: the edited text must read exactly as the original with that one value set. Anything
else - a file that does not read, the table written as dotted keys or inline - is refused, and
nothing is written."""

from __future__ import annotations

import re
import tomllib
from typing import Any

from wizard.core.i18n import tr


class TomlEditError(ValueError):
    """Why the file was left alone, in plain words."""


def set_table_bool(data: bytes | None, table: str, key: str, value: bool) -> bytes:
    """`data` (None: no file yet) with `[table] key = value`."""
    text = _decode(data or b"")
    before = _parse(text)
    newline = "\r\n" if "\r\n" in text else "\n"
    line = f"{key} = {'true' if value else 'false'}"
    lines = text.splitlines(keepends=True)
    header = next((i for i, raw in enumerate(lines) if _is_header(raw, table)), None)
    if header is None:
        if table in before:
            raise TomlEditError(
                tr(
                    "toml_edit",
                    "it sets {table} in a form this fix does not edit; add {line} under "
                    "[{table}] yourself",
                    table=table,
                    line=line,
                )
            )
        ending = "" if not text or text.endswith(("\n", "\r")) else newline
        gap = newline if text.strip() else ""
        after = f"{text}{ending}{gap}[{table}]{newline}{line}{newline}"
    else:
        end = next(
            (i for i in range(header + 1, len(lines)) if lines[i].lstrip().startswith("[")),
            len(lines),
        )
        pattern = re.compile(rf"^(\s*){re.escape(key)}\s*=")
        found = next((i for i in range(header + 1, end) if pattern.match(lines[i])), None)
        if found is None:
            header_end = "" if lines[header].endswith(("\n", "\r")) else newline
            lines[header] += header_end
            lines.insert(header + 1, f"{line}{newline}")
        else:
            indent = pattern.match(lines[found]).group(1)  # type: ignore[union-attr]
            ending = newline if lines[found].endswith(("\n", "\r")) else ""
            lines[found] = f"{indent}{line}{ending}"
        after = "".join(lines)
    expected = dict(before)
    expected[table] = {**before.get(table, {}), key: value}
    if _parse(after) != expected:
        raise TomlEditError(
            tr("toml_edit", "the change could not be made without touching other settings")
        )
    return after.encode("utf-8")


def _is_header(raw: str, table: str) -> bool:
    return re.match(rf"^\s*\[\s*{re.escape(table)}\s*\]\s*(#.*)?$", raw.rstrip("\r\n")) is not None


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TomlEditError(tr("toml_edit", "it is not UTF-8 text")) from exc


def _parse(text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TomlEditError(
            tr("toml_edit", "it cannot be read as TOML ({error})", error=str(exc))
        ) from exc
