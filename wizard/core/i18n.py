"""Translatable text for the Qt-free layers.

Checks, rules, fixes and reports build their sentences with `tr(context, template, **params)`.
The result is an ordinary English `str` (what JSON, logs and tests see, so ids and keys stay
stable) that also remembers its context, template and parameters. Whoever shows it to a person
(the window through Qt's translator, a report written in Japanese) calls `localize()` with a
translator, which looks the template up - in the same .ts/.qm catalogs Qt uses - and formats it
again, translating parameters that are themselves `Text`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Translator = Callable[[str, str], str]  # (context, English source) -> translation or ""


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


def localize(value: Any, translate: Translator | None) -> Any:
    """`value` in the translator's language: Text is re-rendered, containers are walked,
    anything else is returned unchanged."""
    if translate is None:
        return value
    if isinstance(value, Text):
        template = translate(value.context, value.template) or value.template
        params = {k: localize(v, translate) for k, v in value.params.items()}
        try:
            return template.format_map(_Safe(params)) if params else template
        except (ValueError, IndexError):  # a broken translation must never hide the message
            return str(value)
    if isinstance(value, dict):
        return {k: localize(v, translate) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(localize(v, translate) for v in value)
    return value


class _Safe(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
