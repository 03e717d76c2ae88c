"""respect-system-proxy-on over a real config.toml in a temporary home: one line changes (or
the table is added), every comment stays, a file that does not read is never written, Undo
restores the bytes; Linux, where Codex has no system settings, is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import lab_target, make_env
from wizard.core.profile import load_profile
from wizard.fixes.apply import apply_fix, undo_last
from wizard.fixes.base import FixContext
from wizard.fixes.catalog import all_fixes
from wizard.fixes.journal import Journal
from wizard.fixes.respect_system_proxy import RespectSystemProxyOn
from wizard.fixes.toml_edit import TomlEditError, set_table_bool

ON = "respect_system_proxy = true"


def config(home: Path, text: str | None) -> Path:
    path = home / ".codex" / "config.toml"
    if text is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode())
    return path


def plan_for(home: Path, platform: str = "windows"):
    ctx = FixContext(make_env(home, platform=platform), load_profile(), lab_target())
    return ctx, RespectSystemProxyOn().plan(ctx)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (None, f"[features]\n{ON}\n"),
        ("", f"[features]\n{ON}\n"),
        ('model = "gpt-5"  # mine\n', f'model = "gpt-5"  # mine\n\n[features]\n{ON}\n'),
        ('model = "gpt-5"', f'model = "gpt-5"\n\n[features]\n{ON}\n'),
        ("[features]\nweb_search = true\n", f"[features]\n{ON}\nweb_search = true\n"),
        (
            "[features] # flags\n  respect_system_proxy = false # off\n[tui]\nx = 1\n",
            f"[features] # flags\n  {ON}\n[tui]\nx = 1\n",
        ),
        ("[features]\r\nfoo = 1\r\n", f"[features]\r\n{ON}\r\nfoo = 1\r\n"),
        ("[a]\nb = 1\n[features]", f"[a]\nb = 1\n[features]\n{ON}\n"),
    ],
)
def test_one_line_changes(before, after):
    data = before.encode() if before is not None else None
    assert set_table_bool(data, "features", "respect_system_proxy", True).decode() == after


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[features\n", "it cannot be read as TOML"),
        ("features.web_search = true\n", "it sets features in a form this fix does not edit"),
        ("features = { web_search = true }\n", "it sets features in a form this fix does not"),
        ('[features]\n"respect_system_proxy" = false\n', "it cannot be read as TOML"),
    ],
)
def test_forms_it_does_not_edit_are_refused(text, problem):
    with pytest.raises(TomlEditError) as raised:
        set_table_bool(text.encode(), "features", "respect_system_proxy", True)
    assert str(raised.value).startswith(problem)


def test_plan_shows_the_change_and_what_proves_it(home):
    path = config(home, 'model = "gpt-5"\n')
    _ctx, plan = plan_for(home)
    assert plan.applicable, plan.reason
    [edit] = plan.files
    assert (edit.path, edit.shown_as) == (path, "~/.codex/config.toml")
    assert "+respect_system_proxy = true" in edit.diff()
    assert plan.rechecks == ("proxy", "routes", "token_endpoint")


def test_already_on_and_linux_are_not_applicable(home):
    config(home, f"[features]\n{ON}\n")
    assert plan_for(home)[1].reason == "Codex already follows the system's proxy settings."
    config(home, None)
    linux = plan_for(home, "linux")[1]
    assert not linux.applicable and linux.reason.startswith("On Linux Codex has no system")


def test_an_unreadable_file_is_named_and_untouched(home):
    path = config(home, "[features\nrespect_system_proxy = false\n")
    _ctx, plan = plan_for(home, "darwin")
    assert not plan.applicable and not plan.files
    assert plan.reason.startswith(
        "Codex's settings file ~/.codex/config.toml was not changed: it cannot be read as TOML"
    )
    assert path.read_bytes() == b"[features\nrespect_system_proxy = false\n"


@pytest.mark.parametrize("before", [None, "# my settings\n[features]\nweb_search = true\n"])
def test_apply_then_undo_restores_the_bytes(home, before):
    path = config(home, before)
    ctx, plan = plan_for(home)
    journal = Journal(home / "journal")
    result = apply_fix(RespectSystemProxyOn(), ctx, plan, journal)
    assert result.applied and ON in path.read_text()
    assert undo_last(journal, ctx).applied
    assert (path.read_bytes() if path.exists() else None) == (
        before.encode() if before is not None else None
    )


def test_registered_and_offered_for_the_route_mismatch():
    from wizard.core.rules import cause_table

    assert isinstance(all_fixes()["respect-system-proxy-on"], RespectSystemProxyOn)
    assert cause_table()["causes"]["proxy_route_mismatch"]["fixes"][0] == "respect-system-proxy-on"


def test_with_a_proxy_script_only_signing_in_can_prove_it(home):
    from tests.helpers import FakeRunner, fixture_text
    from wizard.platform import system_proxy as sp

    runner = FakeRunner()
    runner.add(sp.REG_QUERY, fixture_text("proxy", "reg_internet_settings_pac.txt"))
    ctx = FixContext(
        make_env(home, platform="windows", runner=runner), load_profile(), lab_target()
    )
    plan = RespectSystemProxyOn().plan(ctx)
    assert plan.applicable and plan.rechecks == ("proxy",)
    assert "proxy script, which Sign-in Doctor cannot run" in plan.summary
