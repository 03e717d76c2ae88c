"""Change one top-level boolean in a VS Code-family settings.json and nothing else.

The file is JSON with comments and trailing commas (JSONC), maybe with a BOM and CRLF line
ends. json-five's model loader gives every value's token position; we replace exactly the
bytes of that token, so every comment, space, key order and line ending stays as it was.
VS Code honours the LAST of duplicate keys, so that is the one we edit. Before handing the
result back it is parsed again and must hold the original data with only that value changed;
anything we cannot parse raises `SettingsParseError`, and the caller never writes such a file.
"""

from __future__ import annotations

import json
import re
from typing import Any

import json5
import json5.loader
import json5.model

from wizard.core.i18n import tr

BOM = b"\xef\xbb\xbf"
_POSITION_IN_MESSAGE = re.compile(r"line (\d+) column (\d+)")
_INDEX_IN_MESSAGE = re.compile(r"at index (\d+)")
_TOKEN_WORDS = {
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "LBRACKET": "'['",
    "RBRACKET": "']'",
    "COLON": "':'",
    "COMMA": "','",
    "EOF": "end of file",
}
# atomic groups: a line of "////////" must not make the regex backtrack exponentially
_COMMENTS_ONLY = re.compile(r"(?>\s+|//[^\n]*|/\*.*?\*/)*+", re.S)


class SettingsParseError(ValueError):
    """The settings text is not JSON with comments we understand; says where (1-based)."""

    def __init__(self, line: int, column: int, problem: str) -> None:
        super().__init__(f"line {line}, column {column}: {problem}")
        self.line = line
        self.column = column
        self.problem = problem


def set_top_level_bool(data: bytes, key: str, value: bool) -> bytes:
    """`data` with the top-level `key` (its last occurrence) set to `value`, changing only the
    bytes of the old value. Unchanged when the key is absent, already `value`, or holds
    something other than a boolean (not ours to judge). Raises SettingsParseError."""
    node, text, offset = _last_top_level_value(data, key)
    if not isinstance(node, json5.model.BooleanLiteral) or node.value is value:
        return data
    return _replace_token(data, text, offset, node, key, value)


def set_top_level_string(data: bytes, key: str, value: str) -> bytes:
    """Like set_top_level_bool for a string value: unchanged when the key is absent, already
    `value`, or holds something other than a string. Raises SettingsParseError."""
    node, text, offset = _last_top_level_value(data, key)
    if not isinstance(node, json5.model.String) or node.characters == value:
        return data
    return _replace_token(data, text, offset, node, key, value)


def _replace_token(data: bytes, text: str, offset: int, node: Any, key: str, value: Any) -> bytes:
    start = offset + len(text[: node._tok.index].encode("utf-8"))
    end = offset + len(text[: node._tok.end].encode("utf-8"))
    if data[start:end] != node._tok.value.encode("utf-8"):
        raise SettingsParseError(*_line_column(text, node._tok.index), "unexpected value token")
    result = data[:start] + json.dumps(value, ensure_ascii=False).encode("utf-8") + data[end:]
    _verify(data, result, key, value)
    return result


def _last_top_level_value(data: bytes, key: str) -> tuple[Any, str, int]:
    """(value node or None, decoded text without BOM, byte offset of that text in data)."""
    offset = len(BOM) if data.startswith(BOM) else 0
    try:
        text = data[offset:].decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: offset + exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise SettingsParseError(
            line,
            column,
            tr("jsonc_edit", "not UTF-8 text (byte {byte})", byte=offset + exc.start),
        ) from None
    if _COMMENTS_ONLY.fullmatch(text):
        return None, text, offset  # VS Code reads an empty or comments-only file as no settings
    root = _parse_model(text).value
    if not isinstance(root, json5.model.JSONObject):
        raise SettingsParseError(
            1, 1, tr("jsonc_edit", "the file does not hold a settings object ({ ... })")
        )
    found = None
    for name, node in zip(root.keys, root.values, strict=True):
        if _key_name(name) == key:
            found = node  # the last one wins, as in VS Code
    return found, text, offset


def _parse_model(text: str) -> json5.model.JSONText:
    try:
        model = json5.loads(text, loader=json5.loader.ModelLoader())
    except json5.JSON5DecodeError as exc:
        raise SettingsParseError(*_error_position(exc, text), _first_problem(exc)) from None
    except (ValueError, RecursionError, AssertionError) as exc:  # a few plain errors too
        raise SettingsParseError(1, 1, str(exc) or type(exc).__name__) from None
    assert isinstance(model, json5.model.JSONText)
    return model


def _key_name(node: Any) -> str | None:
    if isinstance(node, json5.model.String):
        return node.characters
    if isinstance(node, json5.model.Identifier):
        return node.name
    return None


def _verify(original: bytes, result: bytes, key: str, value: Any) -> None:
    """The edited text must parse to the original data with only `key` changed."""
    expected = _load(original)
    expected[key] = value
    if _canonical(_load(result)) != _canonical(expected):
        raise SettingsParseError(
            1, 1, tr("jsonc_edit", "the edit would change more than that setting")
        )


def _load(data: bytes) -> dict[str, Any]:
    loaded = json5.loads(data.decode("utf-8-sig"))
    assert isinstance(loaded, dict)
    return loaded


def _canonical(values: dict[str, Any]) -> str:
    return json.dumps(values, ensure_ascii=False, allow_nan=True)


def _line_column(text: str, index: int) -> tuple[int, int]:
    index = max(0, min(index, len(text)))
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def _error_position(exc: json5.JSON5DecodeError, text: str) -> tuple[int, int]:
    if getattr(exc, "token", None) is not None:
        return _line_column(text, exc.index)
    match = _POSITION_IN_MESSAGE.search(exc.msg or "")
    if match:
        return int(match.group(1)), int(match.group(2))
    match = _INDEX_IN_MESSAGE.search(exc.msg or "")
    if match:
        return _line_column(text, int(match.group(1)))
    return _line_column(text, len(text))  # the parser ran off the end


def _first_problem(exc: json5.JSON5DecodeError) -> str:
    """json-five's message reduced to its primary error, without the position tail."""
    lines = [part.strip() for part in (exc.msg or "").splitlines() if part.strip()]
    if "The primary error was:" in lines and lines.index("The primary error was:") + 1 < len(lines):
        first = lines[lines.index("The primary error was:") + 1]
    else:
        first = lines[0] if lines else "not valid JSON"
    first = re.sub(r"\s*in or near token .*$", "", first)
    first = re.sub(r"\s*(at:?\s*)?\(?line \d+ column \d+.*$", "", first)
    first = re.sub(r"\s*at index \d+.*$", "", first)
    first = re.sub(r"^Syntax Error[.:]?\s*", "", first)
    first = re.sub(r"\b[A-Z]+\b", lambda m: _TOKEN_WORDS.get(m.group(0), m.group(0)), first)
    token = getattr(exc, "token", None)
    if not first.rstrip(" .") and token is not None and token.value:
        first = f"unexpected {token.value[:20]!r}"
    first = first.rstrip(" .") or "not valid JSON"
    return first[0].upper() + first[1:]
