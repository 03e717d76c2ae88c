"""README stays honest: it names every cause the verdict can give and every fix there is."""

from __future__ import annotations

from pathlib import Path

from wizard.core.rules import cause_table
from wizard.fixes.catalog import all_fixes

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_the_readme_names_every_cause():
    assert [c for c in cause_table()["causes"] if f"`{c}`" not in README] == []


def test_the_readme_names_every_fix():
    assert [f for f in all_fixes() if f"`{f}`" not in README] == []
