"""The command line without a console and with --debug: a windowed build has no stdout, yet
`diagnose --json` still delivers its JSON (to a file in the data folder); --debug logs every
check to stderr and leaves stdout the clean JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.e2e import ROOT, clean_env, free_port, run_wizard


def test_without_stdout_the_json_goes_to_the_data_folder(home):
    env = clean_env(home)
    args = [
        "diagnose",
        "--json",
        "--timeout",
        "2",
        "--auth-url",
        f"https://127.0.0.1:{free_port()}",
    ]
    done = subprocess.run(
        [sys.executable, "-m", "wizard", *args],
        env=env,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=lambda: os.close(1),  # the windowed exe: no stdout at all
        timeout=60,
        check=False,
    )
    written = home / ".local" / "share" / "signin-doctor" / "diagnose-output.json"
    document = json.loads(written.read_text(encoding="utf-8"))
    assert document["verdict"]["cause"] == "network_blocked"
    assert done.returncode == 1  # the exit code still says a problem was found


def test_debug_logs_every_check_and_keeps_stdout_json(home):
    url = f"https://127.0.0.1:{free_port()}"
    run = run_wizard(
        ["--debug", "diagnose", "--json", "--timeout", "20", "--auth-url", url], clean_env(home)
    )
    assert run.json["verdict"]["cause"] == "network_blocked"
    ids = {c["id"] for c in run.json["checks"]}
    started = {
        line.split("check ", 1)[1].split(" ", 1)[0]
        for line in run.stderr.splitlines()
        if " DEBUG wizard.core.engine: check " in line and "started" in line
    }
    assert started == ids
    quiet = run_wizard(["diagnose", "--json", "--timeout", "2", "--auth-url", url], clean_env(home))
    assert "DEBUG" not in quiet.stderr
