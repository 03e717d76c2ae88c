"""Words people read: status words (never colour alone) and the translation hook."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from wizard.core.model import FlowStep, Status


def tr(text: str, context: str = "SigninDoctor") -> str:
    """Every visible string goes through Qt's translation system (Japanese comes later)."""
    return QCoreApplication.translate(context, text)


def status_word(status: Status) -> str:
    return {
        Status.PASS: tr("OK"),
        Status.WARN: tr("Warning"),
        Status.FAIL: tr("Problem"),
        Status.SKIP: tr("Not checked"),
        Status.ERROR: tr("Could not check"),
    }[status]


# The five steps of the sign-in, as the diagram names them: a plain label and what a person
# recognises from their screen (the address in the browser, the file on disk).
def step_label(step: FlowStep) -> str:
    return {
        FlowStep.AUTHORIZE: tr("Sign-in page in your browser"),
        FlowStep.CALLBACK: tr("Browser returns to this computer"),
        FlowStep.LISTENER: tr("Codex receives the return"),
        FlowStep.TOKEN_EXCHANGE: tr("Codex completes sign-in with OpenAI"),
        FlowStep.STORE: tr("Sign-in is saved"),
    }[step]


def step_state_word(state: str) -> str:
    return {"ok": tr("OK"), "fail": tr("Problem here"), "untested": tr("Not tested")}[state]
