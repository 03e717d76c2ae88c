"""Reading VS Code-family settings.json files (JSONC) from a real temporary home."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import make_env
from wizard.core.profile import load_profile
from wizard.platform.editors import parse_settings_text, read_editor_settings

# What a real settings.json looks like: comments, trailing commas, a URL with // inside a string.
CURSOR_JSONC = """{
    // Codex
    "chatgpt.runCodexInWindowsSubsystemForLinux": true,
    /* proxy for the office */
    "http.proxy": "http://proxy.example:3128", // trailing comment
    "http.noProxy": ["127.0.0.1", "localhost", "::1",],
    "workbench.colorTheme": "Default Dark Modern",
}
"""


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8", newline="")
    else:
        path.write_bytes(data)
    return path


def user_settings(root: Path, folder: str) -> Path:
    return root / folder / "User" / "settings.json"


def test_reads_jsonc_with_comments_and_trailing_commas(home):
    env = make_env(home)
    path = write(user_settings(home / ".config", "Cursor"), CURSOR_JSONC)
    [found] = read_editor_settings(env, load_profile())
    assert (found.editor_id, found.editor_name, found.path, found.error) == (
        "cursor",
        "Cursor",
        path,
        None,
    )
    assert found.values == {
        "chatgpt.runCodexInWindowsSubsystemForLinux": True,
        "http.proxy": "http://proxy.example:3128",
        "http.noProxy": ["127.0.0.1", "localhost", "::1"],
        "workbench.colorTheme": "Default Dark Modern",
    }


def test_bom_and_crlf_are_tolerated(home):
    env = make_env(home)
    text = '\ufeff{\r\n  // c\r\n  "http.proxyStrictSSL": false,\r\n}\r\n'
    write(user_settings(home / ".config", "Code"), text.encode("utf-8"))
    [found] = read_editor_settings(env, load_profile())
    assert found.values == {"http.proxyStrictSSL": False}
    assert found.error is None


def test_last_duplicate_key_wins_like_vscode(home):
    env = make_env(home)
    write(
        user_settings(home / ".config", "Code"),
        '{"chatgpt.runCodexInWindowsSubsystemForLinux": true,\n'
        ' "chatgpt.runCodexInWindowsSubsystemForLinux": false}',
    )
    [found] = read_editor_settings(env, load_profile())
    assert found.values == {"chatgpt.runCodexInWindowsSubsystemForLinux": False}


def test_broken_file_names_the_line_and_does_not_raise(home):
    env = make_env(home)
    broken = '{\n  "http.proxy": "http://a:1",\n  "http.noProxy" ["x"],\n}\n'
    write(user_settings(home / ".config", "Code"), broken)
    write(user_settings(home / ".config", "Cursor"), '{"a": 1}')
    code, cursor = read_editor_settings(env, load_profile())
    assert code.values is None
    assert code.error is not None and code.error.startswith("line 3: ")
    assert "COLON" in code.error
    assert cursor.values == {"a": 1}


def test_non_utf8_file_is_an_error(home):
    env = make_env(home)
    write(user_settings(home / ".config", "Code"), b'{\n"name": "caf\xe9"\n}')
    [found] = read_editor_settings(env, load_profile())
    assert found.values is None
    assert found.error == "line 2: not UTF-8 text (byte 14)"


@pytest.mark.parametrize("text", ["", "   \n", "// nothing yet\n", "/* */"])
def test_empty_or_comment_only_file_is_no_settings(text):
    assert parse_settings_text(text) == ({}, None)


def test_top_level_array_is_an_error():
    values, error = parse_settings_text("[1, 2]")
    assert values is None
    assert error == "line 1: the file does not hold a settings object ({ ... })"


def test_unterminated_file_reports_its_last_line():
    values, error = parse_settings_text('{\n  "a": 1,\n')
    assert values is None
    assert error is not None and error.startswith("line 3: ")


PLAIN_JSONC = """{
    // Codex
    "chatgpt.runCodexInWindowsSubsystemForLinux": true,
    /* proxy for the office */
    "http.proxy": "http://proxy.example:3128", // a URL's // stays
    "a": 1, "a": 2,
    "big": 1e400, "escaped": "\\u00e9 \\"/* not a comment */\\""
}
"""


def test_plain_json_with_comments_reads_as_json5_does_without_loading_it():
    import subprocess
    import sys

    import json5

    values, error = parse_settings_text(PLAIN_JSONC)
    assert (values, error) == (json5.loads(PLAIN_JSONC), None)
    assert values["a"] == 2 and values["escaped"] == 'é "/* not a comment */"'
    script = (
        "import sys; from wizard.platform.editors import parse_settings_text as p; "
        f"assert p({PLAIN_JSONC!r})[0]; print('json5' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr


def test_a_comment_between_two_numbers_does_not_join_them():
    values, error = parse_settings_text('{"a": 1/* */2}')
    assert values is None and error is not None and error.startswith("line 1: ")


def test_profiles_are_read_after_user_settings(home):
    env = make_env(home)
    user = write(user_settings(home / ".config", "Code"), "{}")
    p2 = write(home / ".config/Code/User/profiles/7a1b/settings.json", '{"x": 2}')
    p1 = write(home / ".config/Code/User/profiles/-5f2/settings.json", '{"x": 1}')
    (home / ".config/Code/User/profiles/empty").mkdir()
    found = read_editor_settings(env, load_profile())
    assert [f.path for f in found] == [user, p1, p2]
    assert [f.is_profile for f in found] == [False, True, True]


def test_platform_folders(home, tmp_path):
    roaming = tmp_path / "Roaming"
    win = make_env(home, {"APPDATA": str(roaming)}, platform="windows")
    mac = make_env(home, platform="darwin")
    xdg = make_env(home, {"XDG_CONFIG_HOME": str(tmp_path / "xdg")})
    paths = [
        write(user_settings(roaming, "Code - Insiders"), "{}"),
        write(user_settings(home / "Library/Application Support", "Windsurf"), "{}"),
        write(user_settings(tmp_path / "xdg", "VSCodium"), "{}"),
        write(user_settings(home / ".config", "Code"), "{}"),  # hidden by XDG_CONFIG_HOME
    ]
    profile = load_profile()
    assert [(f.editor_name, f.path) for f in read_editor_settings(win, profile)] == [
        ("VS Code Insiders", paths[0])
    ]
    assert [(f.editor_name, f.path) for f in read_editor_settings(mac, profile)] == [
        ("Windsurf", paths[1])
    ]
    assert [(f.editor_name, f.path) for f in read_editor_settings(xdg, profile)] == [
        ("VSCodium", paths[2])
    ]


def test_no_editor_means_empty_list(home):
    assert read_editor_settings(make_env(home), load_profile()) == []
