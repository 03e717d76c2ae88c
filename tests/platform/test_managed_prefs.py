"""Forced macOS preferences read from the managed property lists under a test's own system
root: XML and binary lists, the user's own list first, a damaged list told, nothing off macOS."""

from __future__ import annotations

import plistlib
from dataclasses import replace

from tests.helpers import FIXTURES, make_env
from wizard.platform.managed_prefs import managed_plists, read_forced

DOMAIN = "com.openai.codex"


def _mac(home, root):
    return replace(make_env(home, {"USER": "alice"}, platform="darwin"), system_root=root)


def test_the_computers_list_is_read_and_the_users_own_wins(home, tmp_path):
    env = _mac(home, tmp_path)
    (computer,) = [p for p in managed_plists(env, DOMAIN) if p.parent.name != "alice"]
    computer.parent.mkdir(parents=True)
    computer.write_bytes((FIXTURES / "mdm" / f"{DOMAIN}.plist").read_bytes())
    user = computer.parent / "alice" / f"{DOMAIN}.plist"
    user.parent.mkdir()
    user.write_bytes(plistlib.dumps({"config_toml_base64": "b3du"}, fmt=plistlib.FMT_BINARY))

    forced = read_forced(env, DOMAIN)
    assert set(forced.values) == {"requirements_toml_base64", "config_toml_base64"}
    assert forced.values["config_toml_base64"].value == "b3du"
    assert forced.values["config_toml_base64"].path == user
    assert forced.values["requirements_toml_base64"].path == computer
    assert forced.notes == ()


def test_a_damaged_list_is_told_and_other_platforms_read_nothing(home, tmp_path):
    env = _mac(home, tmp_path)
    path = managed_plists(env, DOMAIN)[1]
    path.parent.mkdir(parents=True)
    path.write_bytes(b"<?xml version='1.0'?><plist><dict><key>")
    forced = read_forced(env, DOMAIN)
    assert forced.values == {}
    assert len(forced.notes) == 1 and "could not be read" in forced.notes[0]
    assert read_forced(replace(env, platform="linux"), DOMAIN).values == {}
