"""The layers of DESIGN.md, read from the code's imports: Qt only in the window (`wizard.ui`),
the application layer (`wizard.app`) under both front ends and never over them, and the checks
known only to the app (their catalog) and to themselves."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

WIZARD = Path(__file__).resolve().parent.parent / "wizard"


def imported_modules(package: str) -> dict[str, set[str]]:
    """Every module a package's files import (top level and inside functions), per file."""
    found: dict[str, set[str]] = {}
    for path in sorted((WIZARD / package).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
        found[str(path.relative_to(WIZARD))] = names
    return found


def offenders(package: str, forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{file} imports {name}"
        for file, names in imported_modules(package).items()
        for name in sorted(names)
        if name.split(".")[0] in forbidden or name.startswith(forbidden)
    ]


@pytest.mark.parametrize("package", ["app", "core", "checks", "fixes", "platform", "report"])
def test_only_the_window_imports_qt(package):
    assert offenders(package, ("PySide6", "shiboken6")) == []


@pytest.mark.parametrize("package", ["app", "core", "checks", "fixes", "platform", "report"])
def test_nothing_below_the_front_ends_imports_them(package):
    assert offenders(package, ("wizard.ui", "wizard.cli")) == []


@pytest.mark.parametrize("package", ["core", "checks", "fixes", "platform", "report"])
def test_the_application_layer_sits_above_the_rest(package):
    assert offenders(package, ("wizard.app",)) == []


@pytest.mark.parametrize("package", ["net", "fixes", "platform", "report", "core"])
def test_only_the_app_and_the_checks_catalog_know_the_checks(package):
    """The fixes take what a diagnosis found (or the checks the app hands them); the network
    code they share with the checks is wizard.net."""
    assert offenders(package, ("wizard.checks",)) == []


def test_the_platform_layer_knows_no_fixes():
    """An OS specific (a place for per-user variables) describes the file it would write; the
    fixes plan with it, never the other way round."""
    assert offenders("platform", ("wizard.fixes", "wizard.app")) == []


def test_the_layers_test_sees_imports_inside_functions():
    # wizard.app.fixing imports the fix catalog only when a plan is made.
    assert "wizard.fixes.catalog" in imported_modules("app")["app/fixing.py"]
