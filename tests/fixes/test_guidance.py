"""Guidance steps name this run's ports and pages from the profile, in every language."""

from __future__ import annotations

from tests.helpers import make_env
from wizard.core.i18n import localize
from wizard.core.profile import load_profile
from wizard.core.translations import translator
from wizard.fixes.base import FixContext
from wizard.fixes.guidance import DEVICE_AUTH, PORT_FORWARD, STATUS_PAGE, WINNAT_RESTART


def _context(home, auth_url=None, port=None, platform="linux"):
    profile = load_profile()
    return FixContext(make_env(home, platform=platform), profile, profile.target(auth_url, port))


def test_the_steps_name_the_callback_port_of_this_run(home):
    plan = PORT_FORWARD.plan(_context(home, port=2455))
    assert plan.commands == ("ssh -L 2455:localhost:2455 USER@HOST",)
    assert "forward port 2455 from your own computer" in plan.summary
    assert "forward port 2455 to localhost:2455 on your computer" in plan.steps[1]
    japanese = localize(plan.steps[1], translator("ja"))
    assert "ポート 2455 をお使いのコンピューターの localhost:2455 へ転送" in japanese


def test_the_default_run_names_codex_ports_and_pages(home):
    ctx = _context(home, platform="windows")
    assert WINNAT_RESTART.plan(ctx).commands[2] == (
        "netsh int ipv4 add excludedportrange protocol=tcp startport=1455 numberofports=3"
    )
    assert PORT_FORWARD.plan(ctx).commands == ("ssh -L 1455:localhost:1455 USER@HOST",)
    assert (
        "Open https://auth.openai.com/codex/device in any browser"
        in (DEVICE_AUTH.plan(ctx).steps[3])
    )
    assert STATUS_PAGE.plan(ctx).steps[0] == (
        "Open https://status.openai.com/ and look for problems with Login or Codex."
    )


def test_the_device_page_is_on_the_sign_in_server_diagnosed(home):
    plan = DEVICE_AUTH.plan(_context(home, auth_url="https://auth.example.test"))
    assert "Open https://auth.example.test/codex/device in any browser" in plan.steps[3]
