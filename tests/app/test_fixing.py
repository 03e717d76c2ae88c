"""The fix bridge of a case: what a person is offered for a verdict's fix ids."""

from __future__ import annotations

import pytest

from tests.helpers import FakeRunner, lab_target, make_env
from wizard.app.fixing import plan_fixes
from wizard.app.session import Session
from wizard.core.profile import load_profile


def _session(home, platform: str) -> Session:
    env = make_env(home, platform=platform, runner=FakeRunner())
    return Session(env, load_profile(), lab_target(), (), 1.0)


@pytest.mark.parametrize(
    ("platform", "offered"),
    [("windows", ["winnat-restart", "device-auth"]), ("linux", ["device-auth"])],
)
def test_steps_for_another_operating_system_are_not_offered(home, platform, offered):
    planned = plan_fixes(_session(home, platform), ("winnat-restart", "device-auth"))
    assert [p.fix_id for p in planned] == offered
