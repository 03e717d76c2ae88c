"""The check catalog: every check named, its title readable without importing any check,
and each check's module loaded on its first run (in that check's own thread)."""

from __future__ import annotations

import subprocess
import sys

from wizard.checks.catalog import ALL_CHECKS, LazyCheck
from wizard.core.i18n import Text

HEAVY = ("cryptography", "OpenSSL", "httpx", "certifi", "json5", "regex", "psutil", "ssl")


def test_importing_the_catalog_imports_no_check_and_no_heavy_stack():
    code = (
        "import sys, wizard.checks.catalog as c; "
        "print(sorted(m for m in sys.modules if m.startswith('wizard.checks.') "
        f"or m.split('.')[0] in {HEAVY!r})); "
        "print([s.title for s in c.ALL_CHECKS][:2])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    loaded, titles = done.stdout.splitlines()
    assert loaded == "['wizard.checks.catalog']"
    assert titles == "['Proxy settings', 'Certificate settings']"


def test_every_check_resolves_to_its_function_on_first_use():
    ids = [s.id for s in ALL_CHECKS]
    assert len(ids) == len(set(ids)) == 27
    for spec in ALL_CHECKS:
        assert isinstance(spec.title, Text) and spec.title.context == "checks"
        assert isinstance(spec.run, LazyCheck), spec.id
        function = spec.run.load()
        assert callable(function) and function.__name__ == spec.run.name
        assert function.__module__ == spec.run.module
        assert spec.run.load() is function  # imported once


def test_a_check_module_is_imported_by_the_first_run_in_that_thread():
    code = """
import sys, threading
import importlib._bootstrap as bootstrap
from wizard.checks.catalog import ALL_CHECKS
spec = next(s for s in ALL_CHECKS if s.id == "wsl")
seen = []
load = bootstrap._load_unlocked
def spy(module_spec):
    if module_spec.name == "wizard.checks.wsl":
        seen.append(threading.current_thread().name)
    return load(module_spec)
bootstrap._load_unlocked = spy
before = "wizard.checks.wsl" in sys.modules
worker = threading.Thread(target=lambda: spec.run.load(), name="check-worker")
worker.start(); worker.join(30)
print(before, seen, spec.run.load().__name__)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False ['check-worker'] check_wsl"


def test_the_probe_starts_its_codex_after_the_checks_that_list_programs_and_ports():
    """The probe's own `codex login` is no program of the user's: a check reading the process
    table or the callback ports beside it would count it or not by timing alone (a late
    auth_managers called it a running Codex on a slow machine)."""
    needs = {s.id: set(s.needs) for s in ALL_CHECKS}
    assert {"auth_managers", "callback_port"} <= needs["codex_probe"]
