"""The typed findings contract (wizard.core.findings): every check has a payload class, and
every payload comes back as the same object from its JSON and from the window's wire."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from wizard.checks.catalog import ALL_CHECKS
from wizard.core.findings import NOTHING, CheckFailure, Findings, Record
from wizard.core.findings.registry import PAYLOADS, findings_in, rebuild
from wizard.core.i18n import Moment, Text
from wizard.core.model import CheckResult, Status
from wizard.core.wire import result_from_wire, result_to_wire


def test_every_check_has_a_payload_class():
    assert PAYLOADS.keys() == {spec.id for spec in ALL_CHECKS}
    assert all(kind.check == check_id for check_id, kind in PAYLOADS.items())


_words = st.text(alphabet="abc xyz-é{}", max_size=8)
_texts = st.one_of(
    _words,
    st.builds(lambda w: Text("ctx", "{w} found", {"w": w}), _words),
    st.just(Moment("2026-12-04T19:00:00+00:00")),
)
_json = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 70000) | _texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_words, inner, max_size=3),
    max_leaves=6,
)


def _strategy(hint: Any) -> st.SearchStrategy[Any]:
    """Values of a payload field's type, Text and Moment among the strings."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*(_strategy(a) for a in args))
    if hint is type(None):
        return st.none()
    if isinstance(hint, type) and issubclass(hint, Record):
        return _records(hint)
    if origin is tuple:
        return st.lists(_strategy(args[0]), max_size=3).map(tuple)
    if origin in (Mapping, dict):
        return st.dictionaries(_words, _strategy(args[1]), max_size=3)
    simple = {str: _texts, int: st.integers(-5, 70000), bool: st.booleans()}
    return simple.get(hint, _json)


def _records(kind: type[Record]) -> st.SearchStrategy[Any]:
    hints = typing.get_type_hints(kind)
    fields = {f.name: _strategy(hints[f.name]) for f in dataclasses.fields(kind)}
    return st.fixed_dictionaries(fields).map(lambda values: kind(**values))


@pytest.mark.parametrize("kind", [*PAYLOADS.values(), CheckFailure], ids=lambda k: k.__name__)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_payload_comes_back_the_same_from_json_and_the_wire(kind, data):
    found = data.draw(_records(kind))
    try:
        found.to_json()
    except ValueError:  # two inline records that never come together (an answer and none)
        assume(False)
    assert kind.from_json(found.to_json()) == found
    json.dumps(found.to_json())  # JSON as it is (Text and Moment are strings)
    status = Status.ERROR if kind is CheckFailure else Status.WARN
    result = CheckResult(kind.check or "any", "t", status, "s", found, (), 1)
    back = result_from_wire(json.loads(json.dumps(result_to_wire(result))))
    if found.to_json():
        assert back == result and type(back.findings) is kind
    else:  # nothing to say: a check that found nothing
        assert back.findings is NOTHING


def test_a_case_files_evidence_types_again_unless_it_was_hidden():
    check = {"id": "callback_port", "status": "pass", "evidence": {"hidden": True}}
    assert findings_in(check) is NOTHING
    assert rebuild("callback_port", Status.PASS, {}) is NOTHING
    assert isinstance(Findings(), Findings) and NOTHING.to_json() == {}
