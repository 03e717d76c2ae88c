"""ide-wsl-off: the plan over real files in a temporary home, and the real program end to end."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.e2e import clean_env, free_port, run_wizard
from tests.fixes.test_jsonc_edit import documents
from tests.helpers import lab_target, make_env
from wizard.core.profile import load_profile
from wizard.fixes.apply import apply_fix, undo_last
from wizard.fixes.base import FixContext
from wizard.fixes.catalog import all_fixes
from wizard.fixes.ide_wsl_off import NONE_ON, IdeWslOff
from wizard.fixes.journal import Journal

KEY = "chatgpt.runCodexInWindowsSubsystemForLinux"

# Cursor's settings.json on Windows after turning on "Run Codex In Windows Subsystem For
# Linux" (seed 000): CRLF, 4-space indent, comments, a trailing comma, the key among others.
CURSOR_BEFORE = (
    b"{\r\n"
    b'    "workbench.colorTheme": "Cursor Dark Midnight",\r\n'
    b'    "editor.fontSize": 14,\r\n'
    b"    // Codex (openai.chatgpt)\r\n"
    b'    "chatgpt.openOnStartup": true,\r\n'
    b'    "chatgpt.runCodexInWindowsSubsystemForLinux": true,\r\n'
    b'    "terminal.integrated.defaultProfile.windows": "Ubuntu (WSL)",\r\n'
    b"    /* office proxy - keep, IT asked for it */\r\n"
    b'    "http.proxy": "http://proxy.contoso.example:8080", // see https://intranet/proxy\r\n'
    b'    "files.associations": {\r\n'
    b'        "*.mdc": "markdown",\r\n'
    b"    },\r\n"
    b'    "cursor.cpp.disabledLanguages": ["plaintext", "markdown",],\r\n'
    b"}\r\n"
)
CURSOR_AFTER = (
    b"{\r\n"
    b'    "workbench.colorTheme": "Cursor Dark Midnight",\r\n'
    b'    "editor.fontSize": 14,\r\n'
    b"    // Codex (openai.chatgpt)\r\n"
    b'    "chatgpt.openOnStartup": true,\r\n'
    b'    "chatgpt.runCodexInWindowsSubsystemForLinux": false,\r\n'
    b'    "terminal.integrated.defaultProfile.windows": "Ubuntu (WSL)",\r\n'
    b"    /* office proxy - keep, IT asked for it */\r\n"
    b'    "http.proxy": "http://proxy.contoso.example:8080", // see https://intranet/proxy\r\n'
    b'    "files.associations": {\r\n'
    b'        "*.mdc": "markdown",\r\n'
    b"    },\r\n"
    b'    "cursor.cpp.disabledLanguages": ["plaintext", "markdown",],\r\n'
    b"}\r\n"
)
# VS Code with LF, tabs and a BOM, the key set twice (VS Code honours the last one).
CODE_BEFORE = (
    b'\xef\xbb\xbf{\n\t"chatgpt.runCodexInWindowsSubsystemForLinux": false,\n'
    b'\t"editor.tabSize": 4, /* mine */\n\t"chatgpt.runCodexInWindowsSubsystemForLinux":true\n}'
)
CODE_AFTER = CODE_BEFORE.replace(b'Linux":true', b'Linux":false')
BROKEN = (
    b'{\n    "editor.fontSize": 14\n    "chatgpt.runCodexInWindowsSubsystemForLinux": true\n}\n'
)


def settings_path(appdata: Path, folder: str, profile_id: str | None = None) -> Path:
    user = appdata / folder / "User"
    return (user / "profiles" / profile_id if profile_id else user) / "settings.json"


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def plan_for(env):
    ctx = FixContext(env, load_profile(), lab_target())
    return ctx, IdeWslOff().plan(ctx)


# --- the plan ----------------------------------------------------------------------------


def test_real_looking_cursor_settings_before_after(home):
    cursor = write(settings_path(home / ".config", "Cursor"), CURSOR_BEFORE)
    ctx, plan = plan_for(make_env(home))
    assert plan.applicable and plan.fix_id == "ide-wsl-off"
    assert plan.title == "Stop running Codex inside WSL"
    [edit] = plan.files
    assert (edit.path, edit.shown_as) == (cursor, "~/.config/Cursor/User/settings.json")
    assert (edit.before, edit.after) == (CURSOR_BEFORE, CURSOR_AFTER)
    assert edit.diff() == (
        "--- ~/.config/Cursor/User/settings.json\n"
        "+++ ~/.config/Cursor/User/settings.json\n"
        "@@ -4,5 +4,5 @@\n"
        "     // Codex (openai.chatgpt)\r\n"
        '     "chatgpt.openOnStartup": true,\r\n'
        '-    "chatgpt.runCodexInWindowsSubsystemForLinux": true,\r\n'
        '+    "chatgpt.runCodexInWindowsSubsystemForLinux": false,\r\n'
        '     "terminal.integrated.defaultProfile.windows": "Ubuntu (WSL)",\r\n'
        "     /* office proxy - keep, IT asked for it */\r\n"
    )
    assert plan.restart == (
        "In Cursor: press Ctrl+Shift+P, run 'Developer: Reload Window' (or restart Cursor), "
        "then sign in again.",
    )
    assert plan.rechecks == ("ide_settings", "callback_port")
    assert "only uses this setting on Windows" in plan.summary  # this is Linux
    assert not plan.actions and not plan.env
    assert IdeWslOff().run_actions(ctx, plan) == []
    assert cursor.read_bytes() == CURSOR_BEFORE  # planning never writes
    print("\n" + plan.render())  # the before/after example (pytest -s shows it)


def test_windows_paths_under_appdata(home):
    env = make_env(home, platform="windows")
    cursor = write(settings_path(home / "AppData" / "Roaming", "Cursor"), CURSOR_BEFORE)
    ctx, plan = plan_for(env)
    [edit] = plan.files
    assert edit.path == cursor
    assert edit.shown_as == "~/AppData/Roaming/Cursor/User/settings.json"
    assert "only uses this setting on Windows" not in plan.summary
    assert "in Cursor, so the Codex extension runs on Windows itself" in plan.summary
    assert plan.restart[0].startswith("In Cursor: press Ctrl+Shift+P")

    journal = Journal(home / "journal")
    result = apply_fix(IdeWslOff(), ctx, plan, journal)
    assert result.applied
    assert result.changed_files == ("~/AppData/Roaming/Cursor/User/settings.json",)
    assert cursor.read_bytes() == CURSOR_AFTER
    assert undo_last(journal, ctx).applied
    assert cursor.read_bytes() == CURSOR_BEFORE


def test_every_editor_and_profile_is_covered(home):
    appdata = home / ".config"
    on = b'{"chatgpt.runCodexInWindowsSubsystemForLinux": true}'
    paths = [
        write(settings_path(appdata, folder), on)
        for folder in ("Code", "Code - Insiders", "Cursor", "Windsurf", "VSCodium")
    ]
    paths.append(write(settings_path(appdata, "Code", "-3f2a9c1e"), on))
    write(settings_path(appdata, "Code", "5b7d0e21"), b'{"editor.fontSize": 12}')
    _ctx, plan = plan_for(make_env(home))
    assert [e.path for e in plan.files] == [
        paths[0],
        paths[5],
        paths[1],
        paths[2],
        paths[3],
        paths[4],
    ]
    assert all(
        e.after == b'{"chatgpt.runCodexInWindowsSubsystemForLinux": false}' for e in plan.files
    )
    assert [r.split(":")[0] for r in plan.restart] == [
        "In VS Code",
        "In VS Code Insiders",
        "In Cursor",
        "In Windsurf",
        "In VSCodium",
    ]
    assert plan.data["editors"] == ["VS Code", "VS Code Insiders", "Cursor", "Windsurf", "VSCodium"]


@pytest.mark.parametrize(
    "content",
    [
        b'{"chatgpt.runCodexInWindowsSubsystemForLinux": false}',
        b'{"editor.fontSize": 14, // no WSL setting at all\n}',
        b'{"chatgpt.runCodexInWindowsSubsystemForLinux": true,\n'
        b' "chatgpt.runCodexInWindowsSubsystemForLinux": false}',  # VS Code reads the last
        b'{"[python]": {"chatgpt.runCodexInWindowsSubsystemForLinux": true}}',
        b"",
    ],
)
def test_not_applicable_when_no_editor_runs_codex_in_wsl(home, content):
    write(settings_path(home / ".config", "Cursor"), content)
    _ctx, plan = plan_for(make_env(home))
    assert not plan.applicable and not plan.files
    assert plan.reason == NONE_ON == "None of your editors runs Codex inside WSL."


def test_not_applicable_without_any_editor(home):
    _ctx, plan = plan_for(make_env(home))
    assert (plan.applicable, plan.reason) == (False, NONE_ON)


def test_duplicate_keys_the_last_one_is_turned_off(home):
    code = write(settings_path(home / ".config", "Code"), CODE_BEFORE)
    _ctx, plan = plan_for(make_env(home))
    [edit] = plan.files
    assert (edit.path, edit.before, edit.after) == (code, CODE_BEFORE, CODE_AFTER)


def test_an_unparsable_file_alone_makes_the_fix_not_applicable(home):
    cursor = write(settings_path(home / ".config", "Cursor"), BROKEN)
    _ctx, plan = plan_for(make_env(home))
    assert not plan.applicable and not plan.files
    assert plan.reason == (
        "Cursor's settings file ~/.config/Cursor/User/settings.json was not changed: it has a "
        "mistake at line 3, column 5 (Was expecting ',' or '}'). Correct it by hand (or in "
        "Cursor), then run this fix again."
    )
    assert cursor.read_bytes() == BROKEN


def test_an_unparsable_file_is_listed_and_the_others_are_fixed(home):
    write(settings_path(home / ".config", "Code"), BROKEN)
    cursor = write(settings_path(home / ".config", "Cursor"), CURSOR_BEFORE)
    _ctx, plan = plan_for(make_env(home))
    assert plan.applicable and [e.path for e in plan.files] == [cursor]
    [problem] = plan.data["problems"]
    assert problem.startswith(
        "VS Code's settings file ~/.config/Code/User/settings.json was not changed: it has a "
        "mistake at line 3, column 5"
    )
    assert problem in plan.summary and problem in plan.restart  # the applied message names it
    assert "line 3, column 5" in plan.render()


def test_non_utf8_bytes_are_named_with_their_line(home):
    latin1 = b'{\n  "editor.fontFamily": "Caf\xe9 Mono",\n  "%s": true\n}\n' % KEY.encode()
    write(settings_path(home / ".config", "Windsurf"), latin1)
    _ctx, plan = plan_for(make_env(home))
    assert not plan.applicable
    assert "it has a mistake at line 2, column 28 (not UTF-8 text (byte 29))" in plan.reason


def test_two_editors_sharing_one_file_through_a_symlink_get_one_edit(home):
    cursor = write(settings_path(home / ".config", "Cursor"), CURSOR_BEFORE)
    code = settings_path(home / ".config", "Code")
    code.parent.mkdir(parents=True)
    code.symlink_to(cursor)
    _ctx, plan = plan_for(make_env(home))
    [edit] = plan.files
    assert edit.path == cursor
    assert edit.shown_as == (
        "~/.config/Code/User/settings.json -> ~/.config/Cursor/User/settings.json"
    )
    assert [r.split(":")[0] for r in plan.restart] == ["In VS Code", "In Cursor"]


def test_macos_uses_cmd_and_notes_that_the_setting_is_windows_only(home):
    write(settings_path(home / "Library" / "Application Support", "Cursor"), CURSOR_BEFORE)
    _ctx, plan = plan_for(make_env(home, platform="darwin"))
    assert plan.restart[0].startswith("In Cursor: press Cmd+Shift+P")
    assert "only uses this setting on Windows" in plan.summary


def test_registered_in_the_catalog():
    assert isinstance(all_fixes()["ide-wsl-off"], IdeWslOff)


# --- end to end: the real program in a temporary home ----------------------------------


def fix_and_undo_env(home: Path) -> tuple[dict[str, str], list[str]]:
    env = clean_env(home)
    target = ["--auth-url", f"https://localhost:{free_port()}", "--timeout", "2"]
    target += ["--callback-port", str(free_port())]  # never another test's port
    return env, target


def run_fix(home: Path) -> tuple[int, dict]:
    env, target = fix_and_undo_env(home)
    run = run_wizard(["fix", "ide-wsl-off", "--yes", "--json", *target], env)
    return run.returncode, run.json


def run_undo(home: Path) -> tuple[int, dict]:
    run = run_wizard(["undo", "--last", "--yes", "--json"], clean_env(home))
    return run.returncode, run.json


def test_e2e_apply_then_undo_byte_for_byte(home):
    cursor = write(settings_path(home / ".config", "Cursor"), CURSOR_BEFORE)
    code = write(settings_path(home / ".config", "Code"), CODE_BEFORE)
    os.chmod(cursor, 0o600)

    code_rc, document = run_fix(home)
    assert code_rc == 0, document
    assert document["fix"] == "ide-wsl-off" and document["applied"] is True
    assert document["changed_files"] == [
        "~/.config/Code/User/settings.json",
        "~/.config/Cursor/User/settings.json",
    ]
    assert document["env"] == {}
    assert "In Cursor: press Ctrl+Shift+P, run 'Developer: Reload Window'" in document["message"]
    assert "verdict" in document  # the checks ran again
    assert cursor.read_bytes() == CURSOR_AFTER and code.read_bytes() == CODE_AFTER
    assert cursor.stat().st_mode & 0o777 == 0o600

    undo_rc, undone = run_undo(home)
    assert undo_rc == 0 and undone["applied"] is True
    assert undone["changed_files"] == document["changed_files"]
    assert cursor.read_bytes() == CURSOR_BEFORE and code.read_bytes() == CODE_BEFORE


def test_e2e_unparsable_file_is_untouched_and_named(home):
    broken = write(settings_path(home / ".config", "Code"), BROKEN)
    cursor = write(settings_path(home / ".config", "Cursor"), CURSOR_BEFORE)
    code_rc, document = run_fix(home)
    assert code_rc == 0 and document["changed_files"] == ["~/.config/Cursor/User/settings.json"]
    assert (
        "~/.config/Code/User/settings.json was not changed: it has a mistake at line 3, "
        "column 5" in document["message"]
    )
    assert broken.read_bytes() == BROKEN and cursor.read_bytes() == CURSOR_AFTER

    cursor.write_bytes(CURSOR_AFTER)  # nothing left to fix but the broken file
    code_rc, document = run_fix(home)
    assert code_rc == 1 and document["applied"] is False and document["changed_files"] == []
    assert "line 3, column 5" in document["message"]
    assert broken.read_bytes() == BROKEN


def test_e2e_read_only_file_changes_nothing(home):
    code = write(settings_path(home / ".config", "Code"), CODE_BEFORE)
    cursor = write(settings_path(home / ".config", "Cursor"), CURSOR_BEFORE)
    os.chmod(cursor, 0o444)  # written after VS Code's file: that one is rolled back
    code_rc, document = run_fix(home)
    assert code_rc == 1 and document["applied"] is False
    assert document["message"].startswith("Nothing was changed: ")
    assert "settings.json is read-only" in document["message"]
    assert code.read_bytes() == CODE_BEFORE and cursor.read_bytes() == CURSOR_BEFORE
    assert cursor.stat().st_mode & 0o777 == 0o444
    assert run_undo(home)[1]["message"] == "There is nothing to undo."


def test_e2e_symlinked_settings_change_the_target_and_keep_the_link(home):
    target = write(home / "dotfiles" / "vscode-settings.json", CURSOR_BEFORE)
    link = settings_path(home / ".config", "Code")
    link.parent.mkdir(parents=True)
    link.symlink_to(target)

    code_rc, document = run_fix(home)
    assert code_rc == 0, document
    assert document["changed_files"] == [
        "~/.config/Code/User/settings.json -> ~/dotfiles/vscode-settings.json"
    ]
    assert link.is_symlink() and link.resolve() == target
    assert target.read_bytes() == CURSOR_AFTER

    assert run_undo(home)[0] == 0
    assert link.is_symlink() and target.read_bytes() == CURSOR_BEFORE
    assert not list(target.parent.glob(".*.tmp"))  # no temp files left behind
    json.dumps(document)  # the JSON output is JSON


# --- malformed settings are never written (generated) -----------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(documents(), st.data())
def test_generated_malformed_settings_are_never_written(doc, data):
    cut = data.draw(st.integers(doc.open_brace + 1, doc.close_brace))
    broken = doc.data[:cut]  # the top-level object is left open
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        cursor = write(settings_path(home / ".config", "Cursor"), broken)
        code = write(settings_path(home / ".config", "Code"), CODE_BEFORE)
        ctx, plan = plan_for(make_env(home))
        assert [e.path for e in plan.files] == [code]
        assert "Cursor's settings file ~/.config/Cursor/User/settings.json was not changed" in (
            plan.summary
        )
        assert apply_fix(IdeWslOff(), ctx, plan, Journal(home / "journal")).applied
        assert cursor.read_bytes() == broken and code.read_bytes() == CODE_AFTER
