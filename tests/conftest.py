import os

# Headless Qt for every test (set before anything imports Qt).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402


@pytest.fixture
def home(tmp_path):
    """An empty home folder for one test."""
    path = tmp_path / "home"
    path.mkdir()
    return path

# Lab fixtures (real local servers): tests/lab/fixtures.py
pytest_plugins = ["tests.lab.fixtures"]
