"""How the real Codex 0.169.0 reads respect_system_proxy: `codex features list` in a
throw-away CODEX_HOME against the wizard's reading of the same config.toml, and after the
respect-system-proxy-on edit. On Linux Codex has no system proxy resolver, so what the option
changes on Windows and macOS (PAC, the system's static proxy first) cannot be watched here;
the reading can."""

from __future__ import annotations

import subprocess

import pytest

from tests.helpers import lab_target, make_env
from wizard.core.profile import load_profile
from wizard.fixes.toml_edit import set_table_bool
from wizard.net.route import resolve_route

CONFIGS = [
    "",
    "[features]\nrespect_system_proxy = true\n",
    "[features]\nrespect_system_proxy = false\n",
    "respect_system_proxy = true\n",  # top level: not the option
    "[features]\nrespect_system_proxies = true\n",  # openai/codex#39237's typo
    "features.respect_system_proxy = true\n",
    "[features]\nsystem_proxy_fallback = false\n",
]


def codex_features(real_codex, codex_home) -> dict[str, str]:
    run = subprocess.run(
        [str(real_codex.binary), "features", "list"],
        env={"CODEX_HOME": str(codex_home), "HOME": str(codex_home.parent), "PATH": "/usr/bin"},
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    rows = (line.split() for line in run.stdout.splitlines())
    return {row[0]: row[-1] for row in rows if len(row) >= 3}


@pytest.mark.parametrize("text", CONFIGS)
def test_the_wizard_reads_the_option_as_codex_does(real_codex, home, text):
    codex_home = home / ".codex"
    codex_home.mkdir()
    (codex_home / "config.toml").write_text(text, encoding="utf-8")
    features = codex_features(real_codex, codex_home)
    route = resolve_route(make_env(home), load_profile(), lab_target())
    assert route.respect_system_proxy is (features["respect_system_proxy"] == "true")
    assert route.system_proxy_fallback is (features["system_proxy_fallback"] == "true")


def test_after_the_edit_codex_follows_the_system(real_codex, home):
    codex_home = home / ".codex"
    codex_home.mkdir()
    path = codex_home / "config.toml"
    path.write_text('# mine\nmodel = "gpt-5"\n[features]\nweb_search = true\n', encoding="utf-8")
    path.write_bytes(set_table_bool(path.read_bytes(), "features", "respect_system_proxy", True))
    assert codex_features(real_codex, codex_home)["respect_system_proxy"] == "true"
