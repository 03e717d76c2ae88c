"""Runs checks: dependency order, independent checks in parallel, a hard time budget each.

A check never crashes the run: an exception becomes status `error` with its message, and a
check that overstays its budget is abandoned (its thread is a daemon) and reported as such.
Progress goes to a plain callback; the window turns it into Qt signals."""

from __future__ import annotations

import logging
import queue
import threading
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from wizard.core.environment import Environment
from wizard.core.findings import NOTHING, CheckFailure, F
from wizard.core.i18n import tr
from wizard.core.model import CheckResult, Outcome, Status, Target
from wizard.core.profile import Profile

GRACE_S = 0.4  # how long past its deadline a check may take to notice before it is abandoned
TRACEBACK_FRAMES = 12  # the innermost frames of a broken check, for Details and the case file

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckSpec:
    id: str
    title: str
    run: Callable[[CheckContext], Outcome]
    needs: tuple[str, ...] = ()


class Budget:
    """A deadline on the monotonic clock; checks derive every timeout from it."""

    def __init__(self, deadline: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.deadline = deadline
        self._clock = clock

    def remaining(self) -> float:
        return max(0.0, self.deadline - self._clock())

    def timeout(self, cap: float | None = None) -> float:
        """Seconds for the next blocking call: what is left, at most `cap`, never zero."""
        left = self.remaining()
        return max(0.05, min(left, cap) if cap is not None else left)

    def expired(self) -> bool:
        return self.remaining() <= 0


class Shared:
    """Per-run memo for facts several checks need (the effective proxy route, say)."""

    def __init__(self, parent: Shared | None = None, values: Mapping[str, Any] | None = None):
        self._lock = threading.Lock()
        self._values: dict[str, Any] = dict(values or {})
        self._locks: dict[str, threading.Lock] = {}
        self._parent = parent

    def overlay(self, **values: Any) -> Shared:
        """These facts in place of the run's (another route, say); the rest still shared."""
        return Shared(self, values)

    def get(self, key: str, factory: Callable[[], Any]) -> Any:
        if self._parent is not None:
            return self._values[key] if key in self._values else self._parent.get(key, factory)
        with self._lock:
            if key in self._values:
                return self._values[key]
            key_lock = self._locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._values:
                    return self._values[key]
            value = factory()
            with self._lock:
                self._values[key] = value
            return value


@dataclass
class CheckContext:
    env: Environment
    profile: Profile
    target: Target
    budget: Budget
    results: Mapping[str, CheckResult]  # the results of the checks this one `needs`
    shared: Shared
    cancel_event: threading.Event = field(default_factory=threading.Event)
    # What the user pasted (an error message, the address or text of the page they are stuck
    # on): something they saw, which only the checks that decode it read.
    pasted: str = ""

    def dep(self, check_id: str) -> CheckResult | None:
        return self.results.get(check_id)

    def findings(self, kind: type[F]) -> F | None:
        """What the check of `kind`, one this check `needs`, found."""
        result = self.results.get(kind.check)
        return result.typed(kind) if result is not None else None

    def cancelled(self) -> bool:
        return self.cancel_event.is_set()


@dataclass(frozen=True)
class EngineEvent:
    kind: str  # "started" | "finished"
    check_id: str
    title: str
    result: CheckResult | None = None


Spawner = Callable[[Callable[[], None]], None]


def _daemon_thread(work: Callable[[], None]) -> None:
    threading.Thread(target=work, daemon=True).start()


def run_checks(
    specs: Sequence[CheckSpec],
    env: Environment,
    profile: Profile,
    target: Target,
    timeout_s: float,
    on_event: Callable[[EngineEvent], None] | None = None,
    cancel: threading.Event | None = None,
    spawn: Spawner = _daemon_thread,
    pasted: str = "",
) -> tuple[CheckResult, ...]:
    """Run `specs` and return their results in the order given.

    Every check gets `timeout_s` from its own start, and none may run past the run's deadline
    (start + timeout + 1 s): a silent server costs one budget, not one per check."""
    _validate(specs)
    cancel = cancel or threading.Event()
    emit = on_event or (lambda _e: None)
    shared = Shared()
    start = time.monotonic()
    run_deadline = start + timeout_s + 1.0 - GRACE_S
    by_id = {s.id: s for s in specs}
    done: dict[str, CheckResult] = {}
    running: dict[str, tuple[float, float]] = {}  # id -> (started, deadline)
    finished: queue.Queue[tuple[str, CheckResult]] = queue.Queue()

    def start_check(spec: CheckSpec) -> None:
        now = time.monotonic()
        deadline = min(now + timeout_s, run_deadline)
        ctx = CheckContext(
            env=env,
            profile=profile,
            target=target,
            budget=Budget(deadline),
            results={n: done[n] for n in spec.needs},
            shared=shared,
            cancel_event=cancel,
            pasted=pasted,
        )
        running[spec.id] = (now, deadline)
        emit(EngineEvent("started", spec.id, spec.title))
        spawn(lambda: finished.put((spec.id, _run_one(spec, ctx))))

    def finish(check_id: str, result: CheckResult) -> None:
        running.pop(check_id, None)
        done[check_id] = result
        emit(EngineEvent("finished", check_id, by_id[check_id].title, result))

    while len(done) < len(specs):
        if not cancel.is_set() and time.monotonic() < run_deadline:
            for spec in specs:
                ready = all(n in done for n in spec.needs)
                if spec.id not in done and spec.id not in running and ready:
                    start_check(spec)
        if not running:
            late = Outcome(Status.SKIP, tr("engine", "Not run: the diagnosis ran out of time."))
            for spec in specs:
                if spec.id not in done:
                    stopped = cancel.is_set()
                    finish(spec.id, cancelled(spec, 0) if stopped else _stamp(spec, late, 0))
            break
        wait_until = min(d for _s, d in running.values()) + GRACE_S
        try:
            check_id, result = finished.get(
                timeout=max(0.01, min(0.1, wait_until - time.monotonic()))
            )
            if check_id in running and not cancel.is_set():
                finish(check_id, result)
        except queue.Empty:
            pass
        now = time.monotonic()
        for check_id, (started, deadline) in list(running.items()):
            if cancel.is_set():
                finish(check_id, cancelled(by_id[check_id], int((now - started) * 1000)))
                continue
            if now > deadline + GRACE_S:
                outcome = Outcome(
                    Status.ERROR,
                    tr(
                        "engine",
                        "Did not finish within its time budget ({seconds:.1f} s).",
                        seconds=deadline - started,
                    ),
                    CheckFailure(timed_out=True),
                )
                log.debug("check %s abandoned: still running after its budget", check_id)
            else:
                continue
            finish(check_id, _stamp(by_id[check_id], outcome, int((now - started) * 1000)))
    return tuple(done[s.id] for s in specs)


def _run_one(spec: CheckSpec, ctx: CheckContext) -> CheckResult:
    started = time.monotonic()
    log.debug("check %s started (budget %.1f s)", spec.id, ctx.budget.remaining())
    try:
        outcome = spec.run(ctx)
        _own_findings(spec.id, outcome)
        _known_faults_only(outcome.faults)
    except Exception as exc:  # a broken check must never break the run
        log.debug("check %s broke", spec.id, exc_info=True)
        frames = traceback.format_exception(exc, limit=-TRACEBACK_FRAMES)
        outcome = Outcome(
            Status.ERROR,
            tr(
                "engine",
                "The check itself failed: {kind}: {error}",
                kind=type(exc).__name__,
                error=str(exc),
            ),
            CheckFailure(type(exc).__name__, "".join(frames).rstrip()),
        )
    result = _stamp(spec, outcome, int((time.monotonic() - started) * 1000))
    log.debug("check %s: %s in %d ms", spec.id, result.status.value, result.duration_ms)
    return result


def _own_findings(check_id: str, outcome: Outcome) -> None:
    """A check of the catalog reports its own payload class (or nothing): the window's wire
    and a case file type its evidence again by that class."""
    from wizard.core.findings.registry import PAYLOADS

    kind = PAYLOADS.get(check_id)
    found = outcome.findings
    if kind is not None and found is not NOTHING and not isinstance(found, kind):
        raise TypeError(f"{check_id} reported {type(found).__name__}, not {kind.__name__}")


def _known_faults_only(faults: Sequence[str]) -> None:
    """A check may prove only the faults resources/causes.json maps to causes: a fault id it
    does not know would be ignored by the verdict, so the check counts as broken instead."""
    from wizard.core.rules import cause_table

    unknown = [f for f in faults if f not in cause_table()["faults"]]
    if unknown:
        raise ValueError(f"faults not in causes.json: {', '.join(unknown)}")


def cancelled(spec: CheckSpec, duration_ms: int) -> CheckResult:
    """What a check stopped by Cancel reports (also the window's, when it kills the child
    process its checks run in: wizard.ui.child_runner)."""
    return _stamp(spec, Outcome(Status.SKIP, tr("engine", "Cancelled.")), duration_ms)


def _stamp(spec: CheckSpec, outcome: Outcome, duration_ms: int) -> CheckResult:
    return CheckResult(
        id=spec.id,
        title=spec.title,
        status=outcome.status,
        summary=outcome.summary,
        findings=outcome.findings,
        faults=tuple(outcome.faults),
        duration_ms=duration_ms,
    )


def _validate(specs: Sequence[CheckSpec]) -> None:
    ids = [s.id for s in specs]
    if len(set(ids)) != len(ids):
        raise ValueError(f"duplicate check ids in {ids}")
    for spec in specs:
        missing = [n for n in spec.needs if n not in ids]
        if missing:
            raise ValueError(f"check {spec.id!r} needs unknown checks {missing}")
