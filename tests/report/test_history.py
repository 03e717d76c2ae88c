"""The run history: one redacted JSON file per run, newest 50 kept, damaged files skipped,
and the run before a given one found for the before/after."""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime, timedelta

import pytest

from tests.helpers import AsFound, make_env
from wizard.core.findings import NOTHING
from wizard.core.model import CheckResult, Diagnosis, Status
from wizard.core.profile import load_profile
from wizard.core.rules import decide
from wizard.report.history import (
    KEEP,
    history_dir,
    load_runs,
    previous_run,
    run_files,
    run_record,
    save_run,
)

T0 = datetime(2026, 5, 9, 7, 0, 0, tzinfo=UTC)
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTYifQ.c2lnbmF0dXJlMTIzNDU2Nzg5"
API_KEY = "sk-proj-Ab12Cd34Ef56Gh78Ij90"
PASSWORD = "s3cretPW-991"
CODE = "ac_SECRETcode0123456789"


def _diagnosis(home, *, broken: bool) -> Diagnosis:
    target = load_profile().target()
    proxy = f"http://bob:{PASSWORD}@proxy.corp.example:8080"
    status = Status.FAIL if broken else Status.PASS
    results = (
        CheckResult(
            "proxy",
            "Proxy settings",
            status,
            f"Your proxy {proxy} does not answer (key {API_KEY}, mail alice@example.com).",
            AsFound({"facts": {"proxy": proxy, "proxy_source": "HTTPS_PROXY"}}),
            ("proxy_unreachable",) if broken else (),
            3,
        ),
        CheckResult(
            "codex_logs",
            "Last sign-in attempt",
            Status.WARN,
            f"GET /auth/callback?code={CODE}&state=st4te0987 Bearer {JWT} in {home}/.codex/log",
            NOTHING,
            (),
            2,
        ),
    )
    return Diagnosis(target, results, decide(target, results), T0.isoformat(), 9)


def test_a_record_keeps_statuses_and_verdict_but_no_secret(home):
    record = run_record(
        _diagnosis(home, broken=True),
        "SD-7K3F-9QXA",
        trigger="check",
        home_hints=[str(home)],
        now=T0,
    )
    assert record["case_id"] == "SD-7K3F-9QXA"
    assert record["verdict"]["cause"] == "proxy_unreachable"
    assert [(c["id"], c["status"]) for c in record["checks"]] == [
        ("proxy", "fail"),
        ("codex_logs", "warn"),
    ]
    assert record["saved_at"] == "2026-05-09T07:00:00.000000+00:00"
    text = json.dumps(record)
    for secret in (PASSWORD, API_KEY, JWT, CODE, "st4te0987", "alice@example.com", str(home)):
        assert secret not in text
    assert "http://bob:<redacted>@proxy.corp.example:8080" in text  # the diagnosis itself stays


def test_files_are_private_capped_at_50_and_read_back_oldest_first(home):
    env = make_env(home)
    folder = history_dir(env)
    assert folder == home / ".local" / "share" / "signin-doctor" / "history"
    diagnosis = _diagnosis(home, broken=True)
    for n in range(KEEP + 5):
        record = run_record(diagnosis, f"SD-0000-{n:04d}", now=T0 + timedelta(seconds=n))
        path = save_run(folder, record)
    files = run_files(folder)
    assert len(files) == KEEP
    assert files[-1] == path
    runs = load_runs(folder)
    assert [r["case_id"] for r in runs] == [f"SD-0000-{n:04d}" for n in range(5, KEEP + 5)]
    if sys.platform != "win32":
        assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert not list(folder.glob(".run.*"))  # no temp file left behind


def test_damaged_and_foreign_files_are_skipped(home):
    folder = history_dir(make_env(home))
    good = save_run(folder, run_record(_diagnosis(home, broken=False), "SD-1111-1111", now=T0))
    (folder / "20260509T070001000000Z-SD-2222-2222.json").write_text("{not json")
    (folder / "20260509T070002000000Z-SD-3333-3333.json").write_text('{"schema": 99}')
    (folder / "notes.txt").write_text("mine")
    assert [r["case_id"] for r in load_runs(folder)] == ["SD-1111-1111"]
    assert good.exists() and (folder / "notes.txt").exists()  # foreign files are never pruned
    save_run(folder, run_record(_diagnosis(home, broken=False), "SD-4444-4444"), keep=1)
    assert (folder / "notes.txt").exists()
    assert [p.name.split("Z-")[1] for p in run_files(folder)] == ["SD-4444-4444.json"]


def test_the_run_before_is_the_newest_earlier_one_for_the_same_server(home):
    before = run_record(_diagnosis(home, broken=True), "SD-AAAA-AAAA", now=T0)
    other = run_record(_diagnosis(home, broken=True), "SD-BBBB-BBBB", now=T0 + timedelta(minutes=1))
    other["auth_url"] = "https://localhost:9"
    after = run_record(
        _diagnosis(home, broken=False),
        "SD-CCCC-CCCC",
        trigger="fix",
        fix="proxy-env-repair",
        now=T0 + timedelta(minutes=2),
    )
    later = run_record(_diagnosis(home, broken=False), "SD-DDDD-DDDD", now=T0 + timedelta(hours=1))
    runs = [before, other, after, later]
    assert previous_run(runs, after) is before
    assert previous_run(runs, before) is None
    assert previous_run(runs, later) is after
    assert (after["trigger"], after["fix"]) == ("fix", "proxy-env-repair")
    assert before["verdict"]["cause"] == "proxy_unreachable" != after["verdict"]["cause"]


def test_an_unknown_trigger_is_refused(home):
    with pytest.raises(ValueError):
        run_record(_diagnosis(home, broken=True), "SD-AAAA-AAAA", trigger="guess")


def test_an_unwritable_folder_raises_and_leaves_nothing(home, tmp_path):
    if sys.platform == "win32" or os.geteuid() == 0:
        pytest.skip("permissions are not enforced for this user")
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(OSError):
            save_run(folder, run_record(_diagnosis(home, broken=True), "SD-AAAA-AAAA"))
    finally:
        folder.chmod(0o700)
    assert list(folder.iterdir()) == []
