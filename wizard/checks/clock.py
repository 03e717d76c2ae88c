"""(placeholder: being written)"""

from wizard.core.engine import CheckContext
from wizard.core.model import Outcome, Status


def check_clock(ctx: CheckContext) -> Outcome:
    return Outcome(Status.SKIP, "Not written yet.")
