"""(placeholder: being written)"""

from wizard.core.engine import CheckContext
from wizard.core.model import Outcome, Status


def check_dns(ctx: CheckContext) -> Outcome:
    return Outcome(Status.SKIP, "Not written yet.")


def check_tcp(ctx: CheckContext) -> Outcome:
    return Outcome(Status.SKIP, "Not written yet.")
