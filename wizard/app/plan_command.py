"""`plan --wire`, the window's planning child: the Fix page's plans for the case on stdin,
made in this process, so the window never loads what a fix plans with (the ca-bundle fix's
cryptography, ssl and handshake with the network)."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from typing import Any

from wizard.app.fixing import plan_fixes
from wizard.app.plans_wire import planned_to_wire, session_from_wire
from wizard.core.model import Target
from wizard.core.profile import Profile


def run_plan_command(request: Mapping[str, Any], profile: Profile, target: Target) -> int:
    """The plans for `request` (wizard.app.plans_wire.request_to_wire), one line to stdout."""
    from wizard.platform.system import system_environment

    session = session_from_wire(request, system_environment(), profile, target)
    assert session.diagnosis is not None
    planned = plan_fixes(session, session.diagnosis.verdict.fixes)
    line = {"event": "plans", "plans": [planned_to_wire(p) for p in planned]}
    sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return 0
