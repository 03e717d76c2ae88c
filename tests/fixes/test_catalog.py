"""The fix catalog names each fix by its module: every id finds the fix with that id."""

from __future__ import annotations

from wizard.fixes.catalog import all_fixes, find_fix, fix_ids


def test_every_id_finds_the_fix_with_that_id():
    assert [fix.id for fix in all_fixes().values()] == list(fix_ids())
    assert all(find_fix(fix_id) is fix for fix_id, fix in all_fixes().items())


def test_an_unknown_id_finds_nothing():
    assert find_fix("no-such-fix") is None
