"""Whether "this computer trusts it", as the computer itself decides (Windows, macOS): one more
handshake along Codex's route - direct or through the proxy's tunnel, opened as the chain
capture opens it - checked by the OS's own verifier (`wizard.platform.os_verifier`). Where the
Environment has no verifier (Linux), the listed store stays the computer's trust. The tls
check puts the answer in its matrix's "os" row, where os_trust_policy weighs it against
Windows' root-update policy.

The OS may take its time: Windows fetches missing roots and intermediates while it decides, and
on a network that blocks those addresses each fetch waits its own timeout. The question runs in
its own thread and gets the check's budget less a margin; without an answer by then the listed
store's verdict stands, so the matrix is never lost to a slow chain engine."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from wizard.core.engine import CheckContext
from wizard.core.environment import OsVerdict, OsVerifier
from wizard.core.i18n import tr
from wizard.net.chain import CaptureFailed, open_route
from wizard.net.route import effective_route

MARGIN_S = 0.3  # of the budget, left for the rest of the tls check
POLL_S = 0.1  # how often the wait looks at the cancel flag


@dataclass(frozen=True)
class OsAnswer:
    verifier: str  # which verifier was asked (for the evidence)
    verdict: OsVerdict | None  # None: it could not be asked
    problem: str | None = None  # why not (the connection's or the handshake's error)

    @property
    def code(self) -> str | None:
        """The OS's error code as its documentation writes it (0x800B0109 on Windows)."""
        verdict = self.verdict
        if verdict is None or verdict.code is None:
            return None
        if verdict.code > 0xFFFF:  # an HRESULT
            return f"0x{verdict.code & 0xFFFFFFFF:08X}"
        return str(verdict.code)


def ask_os(ctx: CheckContext) -> OsAnswer | None:
    """The OS verifier's answer for this run's target, asked once per run; None when this
    Environment has none."""
    verifier = ctx.env.os_verifier
    if verifier is None:
        return None

    def ask() -> OsAnswer:
        answers: list[OsAnswer] = []
        worker = threading.Thread(
            target=lambda: answers.append(_ask(ctx, verifier)), name="os-verifier", daemon=True
        )
        started = time.monotonic()
        worker.start()
        while worker.is_alive() and ctx.budget.remaining() > MARGIN_S and not ctx.cancelled():
            worker.join(min(POLL_S, ctx.budget.remaining() - MARGIN_S))
        if answers:
            return answers[0]
        waited = tr(
            "os_verdict",
            "no answer within {seconds:.1f} seconds",
            seconds=time.monotonic() - started,
        )
        return OsAnswer(verifier.describe(), None, waited)

    answer: OsAnswer = ctx.shared.get("tls:os_verifier", ask)
    return answer


def _ask(ctx: CheckContext, verifier: OsVerifier) -> OsAnswer:
    name = verifier.describe()
    host, port = ctx.target.host, ctx.target.port
    try:
        sock = open_route(host, port, effective_route(ctx), ctx.budget)
    except CaptureFailed as failed:
        return OsAnswer(name, None, failed.detail)
    try:
        return OsAnswer(name, verifier.verify(sock, host, ctx.budget.timeout()))
    except OSError as exc:  # the handshake broke for another reason than the certificate
        return OsAnswer(name, None, str(exc) or type(exc).__name__)
    finally:
        sock.close()
