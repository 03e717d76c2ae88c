"""The Fix page's plans as they travel between the window and its planning child (`plan
--wire`, wizard.ui.child_planner): what the child needs of the case, and the plans it made,
as JSON that gives back the same objects (wizard.core.wire for texts and the diagnosis).

A plan holds what Apply writes: a file's bytes before and after (base64 here) and the values
of the variables it changes, a sign-in variable's too. Like the diagnosis, it goes through a
pipe between two processes of the same user, unredacted, and is never written anywhere."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any

from wizard.app.fixing import PlannedFix
from wizard.app.session import Session
from wizard.core.environment import Environment
from wizard.core.model import Target
from wizard.core.profile import Profile
from wizard.core.wire import decode, diagnosis_from_wire, diagnosis_to_wire, encode
from wizard.fixes.plan import EnvEdit, FixPlan
from wizard.platform.file_edit import FileEdit


def request_to_wire(session: Session) -> dict[str, Any]:
    """What planning needs of the case besides its target and the environment (which the
    child gets as its own): the diagnosis, the certificate file picked, the file hint."""
    assert session.diagnosis is not None
    return {
        "diagnosis": diagnosis_to_wire(session.diagnosis),
        "extra_ca": str(session.extra_ca) if session.extra_ca is not None else None,
        "file_hint": encode(session.file_hint),
    }


def session_from_wire(
    data: Mapping[str, Any], env: Environment, profile: Profile, target: Target
) -> Session:
    """The child's case, from `request_to_wire`, over its own environment and target."""
    extra_ca = Path(data["extra_ca"]) if data["extra_ca"] is not None else None
    session = Session(env, profile, target, None, 0.0, extra_ca=extra_ca)
    session.diagnosis = diagnosis_from_wire(data["diagnosis"])
    session.file_hint = decode(data["file_hint"])
    return session


def _bytes(data: bytes | None) -> str | None:
    return base64.b64encode(data).decode("ascii") if data is not None else None


def _unbytes(text: str | None) -> bytes | None:
    return base64.b64decode(text) if text is not None else None


def _file_to_wire(edit: FileEdit) -> dict[str, Any]:
    return {
        "path": str(edit.path),
        "shown_as": encode(edit.shown_as),
        "before": _bytes(edit.before),
        "after": _bytes(edit.after),
        "preview": encode(edit.preview),
        "hidden": list(edit.hidden),
    }


def _file_from_wire(data: Mapping[str, Any]) -> FileEdit:
    return FileEdit(
        path=Path(data["path"]),
        shown_as=decode(data["shown_as"]),
        before=_unbytes(data["before"]),
        after=_unbytes(data["after"]),
        preview=decode(data["preview"]),
        hidden=tuple(data["hidden"]),
    )


def plan_to_wire(plan: FixPlan) -> dict[str, Any]:
    data = {f.name: getattr(plan, f.name) for f in fields(plan)}
    data["files"] = [_file_to_wire(edit) for edit in plan.files]
    data["env"] = [{f.name: getattr(e, f.name) for f in fields(e)} for e in plan.env]
    return dict(encode(data))


def plan_from_wire(data: Mapping[str, Any]) -> FixPlan:
    values = {f.name: decode(data[f.name]) for f in fields(FixPlan)}
    for name, value in values.items():
        if isinstance(value, list) and name != "data":
            values[name] = tuple(value)
    values["files"] = tuple(_file_from_wire(edit) for edit in data["files"])
    values["env"] = tuple(EnvEdit(**edit) for edit in decode(data["env"]))
    return FixPlan(**values)


def planned_to_wire(planned: PlannedFix) -> dict[str, Any]:
    return {
        "fix_id": planned.fix_id,
        "plan": plan_to_wire(planned.plan),
        "automatic": planned.automatic,
        "consent": planned.consent,
    }


def planned_from_wire(data: Mapping[str, Any]) -> PlannedFix:
    plan = plan_from_wire(data["plan"])
    return PlannedFix(data["fix_id"], plan, data["automatic"], data["consent"])
