"""One diagnosis: run the checks, then decide the verdict."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from wizard.core.engine import CheckSpec, EngineEvent, Spawner, run_checks
from wizard.core.environment import Environment
from wizard.core.model import Diagnosis, Target
from wizard.core.profile import Profile
from wizard.core.rules import decide

DEFAULT_TIMEOUT_S = 6.0


def diagnose(
    specs: Sequence[CheckSpec],
    env: Environment,
    profile: Profile,
    target: Target,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    on_event: Callable[[EngineEvent], None] | None = None,
    cancel: threading.Event | None = None,
    spawn: Spawner | None = None,
    pasted: str = "",
) -> Diagnosis:
    """`pasted`: what the user pasted (an error message, a page's address or text)."""
    started_at = datetime.now(UTC).replace(microsecond=0).isoformat()
    start = time.monotonic()
    kwargs = {"spawn": spawn} if spawn is not None else {}
    results = run_checks(
        specs, env, profile, target, timeout_s, on_event, cancel, pasted=pasted, **kwargs
    )
    return Diagnosis(
        target=target,
        checks=results,
        verdict=decide(target, results),
        started_at=started_at,
        duration_ms=int((time.monotonic() - start) * 1000),
    )
