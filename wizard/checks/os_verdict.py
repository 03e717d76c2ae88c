""" "This computer trusts it", as the computer itself decides (Windows, macOS): one more
handshake along Codex's route - direct or through the proxy's tunnel, opened as the chain
capture opens it - checked by the OS's own verifier (`wizard.platform.os_verifier`). Where the
Environment has no verifier (Linux), the listed store stays the computer's trust. The tls
check puts the answer in its matrix's "os" row, where os_trust_policy weighs it against
Windows' root-update policy."""

from __future__ import annotations

from dataclasses import dataclass

from wizard.checks.chain import CaptureFailed, open_route
from wizard.checks.route import effective_route
from wizard.core.engine import CheckContext
from wizard.core.environment import OsVerdict


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

    answer: OsAnswer = ctx.shared.get("tls:os_verifier", ask)
    return answer
