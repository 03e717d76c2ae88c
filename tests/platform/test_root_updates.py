"""The root-certificate update policy read from recorded real `reg query` output."""

from __future__ import annotations

from tests.helpers import FakeRunner, fixture_text
from wizard.platform.root_updates import (
    POLICY_KEY,
    SETTING_KEY,
    parse_value,
    read_root_update_policy,
    reg_query_argv,
)

DISABLED = fixture_text("trust", "reg_query_authroot_disable_root_auto_update_1.txt")
NOT_FOUND = fixture_text("trust", "reg_query_value_not_found_stderr.txt")


def test_parse_value_reads_the_dword():
    assert parse_value(DISABLED) == 1
    assert parse_value(DISABLED.replace("0x1", "0x0")) == 0
    assert parse_value("") is None


def test_policy_disabling_updates_is_found_first():
    runner = FakeRunner()
    runner.add(reg_query_argv(POLICY_KEY), DISABLED)
    runner.add(reg_query_argv(SETTING_KEY), stderr=NOT_FOUND, returncode=1)
    policy = read_root_update_policy(runner, 2.0)
    assert policy.disabled_by == POLICY_KEY
    assert policy.complete
    assert policy.to_json()["values"] == {POLICY_KEY: 1, SETTING_KEY: None}
    assert runner.calls == [tuple(reg_query_argv(k)) for k in (POLICY_KEY, SETTING_KEY)]


def test_the_setting_outside_policy_counts_too():
    runner = FakeRunner()
    runner.add(reg_query_argv(POLICY_KEY), stderr=NOT_FOUND, returncode=1)
    runner.add(reg_query_argv(SETTING_KEY), DISABLED.replace("Policies\\Microsoft", "Microsoft"))
    assert read_root_update_policy(runner, 2.0).disabled_by == SETTING_KEY


def test_not_set_anywhere_is_allowed():
    runner = FakeRunner()
    for key in (POLICY_KEY, SETTING_KEY):
        runner.add(reg_query_argv(key), stderr=NOT_FOUND, returncode=1)
    policy = read_root_update_policy(runner, 2.0)
    assert policy.disabled_by is None and policy.complete


def test_no_reg_exe_or_a_timeout_is_unknown_not_allowed():
    missing = read_root_update_policy(FakeRunner(), 2.0)
    assert not missing.complete and missing.disabled_by is None
    assert set(missing.problems) == {POLICY_KEY, SETTING_KEY}
    runner = FakeRunner()
    runner.fail(reg_query_argv(POLICY_KEY), TimeoutError("no answer within 2 s"))
    runner.add(reg_query_argv(SETTING_KEY), stderr=NOT_FOUND, returncode=1)
    slow = read_root_update_policy(runner, 2.0)
    assert slow.problems == {POLICY_KEY: "no answer within 2 s"}
    assert not slow.complete
