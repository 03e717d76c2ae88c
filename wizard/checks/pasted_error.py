"""What the user pasted (an error message, the address or text of the page they are stuck on),
decoded. Some texts prove a cause no local probe can see: OpenAI's phone verification page, a
workspace that has Codex switched off, an expired sign-in session, a used-up saved sign-in.
The decoder patterns that do say so with `proves` (resources/decoder.json)."""

from __future__ import annotations

from dataclasses import replace

from wizard.checks.logs import decode_error
from wizard.core.engine import CheckContext
from wizard.core.findings.system import PastedFindings
from wizard.core.i18n import tr
from wizard.core.model import Outcome, Status


def check_pasted_error(ctx: CheckContext) -> Outcome:
    if not ctx.pasted.strip():
        return Outcome(Status.SKIP, tr("pasted", "No error message was pasted."))
    decoded = decode_error(ctx.pasted)
    evidence = PastedFindings(tuple({"id": d.id, "excerpt": d.excerpt} for d in decoded))
    if not decoded:
        return Outcome(
            Status.SKIP,
            tr("pasted", "Sign-in Doctor does not know the pasted message; the checks decide."),
            evidence,
        )
    proving = [d for d in decoded if d.proves]
    if proving:
        first = proving[0]
        faults = tuple(dict.fromkeys(d.proves for d in proving if d.proves))
        return Outcome(Status.FAIL, first.meaning, replace(evidence, facts=first.groups), faults)
    return Outcome(Status.WARN, decoded[0].meaning, evidence)
