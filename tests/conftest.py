import os

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
