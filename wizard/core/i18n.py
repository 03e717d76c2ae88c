"""Translatable text for the Qt-free layers.

Checks, rules, fixes and reports build their sentences with `tr(context, template, **params)`.
The result is an ordinary English `str` (what JSON, logs and tests see, so ids and keys stay
stable) that also remembers its context, template and parameters. Whoever shows it to a person
(the window through Qt's translator, a report written in Japanese) calls `localize()` with a
translator, which looks the template up - in the same .ts/.qm catalogs Qt uses - and formats it
again, translating parameters that are themselves `Text`.

A time in a sentence is a `Moment`: the ISO 8601 text stays the data (JSON keeps it), and
whoever shows it formats it for the reader (the window in the user's locale and time zone)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

Translator = Callable[[str, str], str]  # (context, English source) -> translation or ""
TimeFormatter = Callable[["Moment"], str]  # a Moment for the reader ("2026/12/03 22:29")


class Moment(str):
    """An instant as its ISO 8601 text (`str()` and JSON give that text). Put in a sentence
    without a formatter it reads "2026-12-03 13:29 UTC"; `localize(..., when=...)` lets the
    reader's side write it in their locale and time zone."""

    def instant(self) -> datetime | None:
        """The time (aware when the text names its offset), or None when it is no ISO time."""
        try:
            return datetime.fromisoformat(self.replace(" ", "T", 1))
        except ValueError:
            return None

    def __format__(self, spec: str) -> str:
        when = self.instant()
        if when is None:
            return str(self)
        if when.tzinfo is None:  # a log line without offset: as written
            return f"{when:%Y-%m-%d %H:%M}"
        return f"{when.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


class Text(str):
    context: str
    template: str
    params: Mapping[str, Any]

    def __new__(cls, context: str, template: str, params: Mapping[str, Any]) -> Text:
        value = template.format_map(_Safe(params)) if params else template
        obj = super().__new__(cls, value)
        obj.context, obj.template, obj.params = context, template, dict(params)
        return obj

    def __reduce__(self) -> tuple[Any, ...]:  # survives pickling/copying as the same Text
        return (Text, (self.context, self.template, self.params))


def tr(context: str, template: str, **params: Any) -> Text:
    """Mark `template` for translation (extracted into resources/translations/*.ts)."""
    return Text(context, template, params)


def tr_map(context: str, template: str, params: Mapping[str, Any]) -> Text:
    """`tr` with the parameters as a mapping (templates from data files)."""
    return Text(context, template, params)


def join(parts: Sequence[Any], sep: Any = "; ") -> Text:
    """`sep.join(parts)` that stays translatable: every part (and `sep`, if it is a `Text`)
    is localized on its own. The joined template itself needs no translation."""
    params: dict[str, Any] = {f"p{i}": part for i, part in enumerate(parts)}
    params["sep"] = sep
    template = "{sep}".join("{p" + str(i) + "}" for i in range(len(parts)))
    return Text("", template, params)


def sentences(*parts: Any) -> Any:
    """Whole sentences one after another (empty ones left out): 'A. B.' in English, and
    without the space in a language that writes sentences without one."""
    shown = [p for p in parts if p]
    if not shown:
        return ""
    result = shown[0]
    for following in shown[1:]:
        result = tr("words", "{sentence} {following}", sentence=result, following=following)
    return result


def and_list(items: Sequence[Any]) -> Any:
    """'A', 'A and B', 'A, B and C' - in the reader's language."""
    return word_list(items, tr("words", "{first} and {last}"), tr("words", ", "))


def or_list(items: Sequence[Any]) -> Any:
    """'A', 'A or B', 'A, B or C' - in the reader's language."""
    return word_list(items, tr("words", "{first} or {last}"), tr("words", ", "))


def word_list(items: Sequence[Any], pair: Text, sep: Any) -> Any:
    """Items (each once) as 'A, B <pair> C': `pair` joins the rest to the last one, `sep`
    the rest. Lists of whole clauses bring their own `pair` and `sep` (another language may
    join clauses differently from nouns)."""
    items = list(dict.fromkeys(items))
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    first = join(items[:-1], sep)
    return tr_map(pair.context, pair.template, {"first": first, "last": items[-1]})


def localize(value: Any, translate: Translator | None, when: TimeFormatter | None = None) -> Any:
    """`value` in the translator's language: Text is re-rendered, containers are walked, a
    Moment is written by `when` (if given), anything else is returned unchanged."""
    if translate is None and when is None:
        return value
    if isinstance(value, Moment):
        return when(value) if when is not None else value
    if isinstance(value, Text):
        template = (translate and translate(value.context, value.template)) or value.template
        params = {k: localize(v, translate, when) for k, v in value.params.items()}
        try:
            return template.format_map(_Safe(params)) if params else template
        except (ValueError, IndexError):  # a broken translation must never hide the message
            return str(value)
    if isinstance(value, dict):
        return {k: localize(v, translate, when) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(localize(v, translate, when) for v in value)
    return value


class _Safe(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
