import os
import shutil
import subprocess

import pytest

from tests.loopback_guard import loopback_only

# Headless Qt for every test (before anything imports Qt).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Lab fixtures (real local servers): tests/lab/fixtures.py
pytest_plugins = ["tests.lab.fixtures"]


@pytest.fixture(autouse=True, scope="session")
def _loopback_only():
    """No test sends anything beyond this machine (tests/loopback_guard.py)."""
    with loopback_only():
        yield


@pytest.fixture
def home(tmp_path):
    """An empty home folder for one test."""
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def named_process(tmp_path):
    """Start a real running program under a chosen name (a copy of sleep at `relative` in a
    temporary folder: Linux names the process after the file); all are ended after the test."""
    started: list[subprocess.Popen] = []

    def start(relative: str) -> subprocess.Popen:
        binary = tmp_path / "apps" / relative
        binary.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(shutil.which("sleep") or "/bin/sleep", binary)
        proc = subprocess.Popen([str(binary), "60"])
        started.append(proc)
        return proc

    yield start
    for proc in started:
        proc.kill()
        proc.wait()
