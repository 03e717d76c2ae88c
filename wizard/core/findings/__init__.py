"""The typed findings contract: what a check found, as a frozen dataclass its consumers read by
attribute (the fixes, the verdict's step picture, the other checks), never by string key.

A payload is a `Record`: `to_json()` is the check's `evidence` exactly as `diagnose --json`
prints it (fields in declaration order, nested records as objects, tuples as lists, a field
made with `optional()` left out while it holds its default, the keys of an `inline()` record
in its place), and `from_json()` builds the same object back from that JSON (the window's
wire, a case file). Each check's payload class names its check (`check`);
wizard.core.findings.registry maps check ids to those classes."""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Self, TypeVar

_OMIT, _INLINE = "omit_default", "inline"
JsonObject = Mapping[str, Any]  # evidence kept as found: detail for people, read by no code


def optional(default: Any = None, factory: Callable[[], Any] | None = None) -> Any:
    """A field left out of the JSON while it holds its default (a key only some outcomes
    have); `factory` for a mutable default such as a dict."""
    if factory is not None:
        return dataclasses.field(default_factory=factory, metadata={_OMIT: True})
    return dataclasses.field(default=default, metadata={_OMIT: True})


def inline() -> Any:
    """A record field (or None) whose own fields stand in the JSON in its place, not nested:
    keys that come together, in an outcome that has them (a handshake's, say). Read back when
    the JSON has every key the record requires."""
    return dataclasses.field(default=None, metadata={_INLINE: True})


class Record:
    """A frozen dataclass that is JSON, both ways (see the module's docstring)."""

    __slots__ = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if f.metadata.get(_INLINE):
                inlined = value.to_json() if value is not None else {}
                if out.keys() & inlined.keys():  # e.g. an error of no answer beside an answer's
                    raise ValueError(f"{type(self).__name__}: {f.name} repeats keys it follows")
                out.update(inlined)
            elif not (f.metadata.get(_OMIT) and value == _default(f)):
                out[f.name] = _dump(value)
        return out

    @classmethod
    def from_json(cls, data: JsonObject) -> Self:
        hints, values = _hints(cls), {}
        for f in dataclasses.fields(cls):  # type: ignore[arg-type]
            kind = _record_type(hints[f.name])
            if f.metadata.get(_INLINE) and kind is not None:
                values[f.name] = kind.from_json(data) if _inlined(kind, data) else None
            elif f.name in data:
                values[f.name] = _load(hints[f.name], data[f.name])
        return cls(**values)


@dataclasses.dataclass(frozen=True, slots=True)
class Findings(Record):
    """A check's payload. This base, empty, is what a check that found nothing returns."""

    check: ClassVar[str] = ""  # the id of the check whose payload this is

    def cause_facts(self) -> Mapping[str, Any]:
        """The values this check proved for the cause texts' {placeholders} (its `facts`)."""
        found = getattr(self, "facts", None)
        return found if isinstance(found, Mapping) else {}


NOTHING = Findings()

F = TypeVar("F", bound=Findings)


def typed(findings: Findings, kind: type[F]) -> F | None:
    """`findings` when they are a `kind` (a check that broke or was skipped has none)."""
    return findings if isinstance(findings, kind) else None


@dataclasses.dataclass(frozen=True, slots=True)
class CheckFailure(Findings):
    """The engine's payload for a check that broke (its exception and innermost frames) or
    overstayed its budget."""

    exception: str | None = optional()
    traceback: str | None = optional()
    timed_out: bool = optional(False)


def _default(f: dataclasses.Field[Any]) -> Any:
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return f.default


def _dump(value: Any) -> Any:
    if isinstance(value, Record):
        return value.to_json()
    if isinstance(value, Mapping):
        return {k: _dump(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_dump(v) for v in value]
    return value


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    """A record's field types, resolved once (its module's names, not strings)."""
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _inlined(kind: type[Record], data: JsonObject) -> bool:
    """Whether `data` holds an inline record of `kind`: every key it must have (or, with
    none required, any of its keys)."""
    fields = dataclasses.fields(kind)  # type: ignore[arg-type]
    required = [f.name for f in fields if _default(f) is dataclasses.MISSING]
    return all(n in data for n in required) if required else any(f.name in data for f in fields)


def _record_type(hint: Any) -> type[Record] | None:
    kinds = typing.get_args(hint) or (hint,)
    return next((k for k in kinds if isinstance(k, type) and issubclass(k, Record)), None)


def _load(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        kinds = [a for a in args if a is not type(None)]
        return _load(kinds[0], value) if len(kinds) == 1 else value
    if isinstance(hint, type) and issubclass(hint, Record):
        return hint.from_json(value)
    if origin is tuple:
        return tuple(_load(args[0], v) for v in value)
    if origin in (Mapping, dict) and args:
        return {k: _load(args[1], v) for k, v in value.items()}
    return value
