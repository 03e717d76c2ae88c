"""Every fix by id (the ids in DESIGN.md); the verdict lists them best first."""

from __future__ import annotations

from wizard.fixes.base import Fix
from wizard.fixes.guidance import CLOCK_SYNC, DEVICE_AUTH, STATUS_PAGE, WINNAT_RESTART


def all_fixes() -> dict[str, Fix]:
    fixes: list[Fix] = [DEVICE_AUTH, CLOCK_SYNC, STATUS_PAGE, WINNAT_RESTART]
    return {f.id: f for f in fixes}
