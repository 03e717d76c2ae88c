"""Which proxy Codex takes: variables, $CODEX_HOME/.env, NO_PROXY, the OS settings (recorded
real `reg query` / `netsh` / `scutil` output), config.toml and editor settings."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

import pytest

from tests.helpers import FakeRunner, fixture_text, lab_target, make_env, run_check
from wizard.core.engine import Shared
from wizard.core.environment import CommandOutput
from wizard.core.profile import load_profile
from wizard.net.route import (
    DIRECT,
    MACOS_PAC_SOURCE,
    MACOS_SOURCE,
    WINDOWS_PAC_SOURCE,
    WINDOWS_SOURCE,
    WINHTTP_SOURCE,
    effective_route,
    no_proxy_covers_loopback,
    no_proxy_match,
    read_dotenv,
    resolve_route,
)
from wizard.platform import system_proxy as sp

PROFILE = load_profile()
TARGET = lab_target()  # https://auth.openai.com (nothing here connects anywhere)


def route_for(env, target=TARGET, timeout=2.0):
    return resolve_route(env, PROFILE, target, timeout=timeout)


def by_source(route):
    return {s.source: s for s in route.settings}


def windows_runner(reg: str | None = None, netsh: str | None = None) -> FakeRunner:
    runner = FakeRunner()
    if reg:
        runner.add(sp.REG_QUERY, fixture_text("proxy", reg))
    if netsh:
        runner.add(sp.NETSH_WINHTTP, fixture_text("proxy", netsh))
    return runner


def mac_runner(name: str) -> FakeRunner:
    runner = FakeRunner()
    runner.add(sp.SCUTIL_PROXY, fixture_text("proxy", name))
    return runner


def write_codex_file(home, name: str, text: str) -> None:
    codex = home / ".codex"
    codex.mkdir(exist_ok=True)
    (codex / name).write_text(text, encoding="utf-8")


# -- variables -----------------------------------------------------------------------------------


def test_no_proxy_anywhere(home):
    route = route_for(make_env(home))
    assert route.direct and route.settings == () and route.notes == ()


def test_https_proxy_wins_over_all_proxy(home):
    env = make_env(
        home, {"HTTPS_PROXY": "http://10.0.0.1:3128", "ALL_PROXY": "http://10.0.0.2:8080"}
    )
    route = route_for(env)
    assert (route.proxy, route.proxy_source) == ("http://10.0.0.1:3128", "HTTPS_PROXY")
    settings = by_source(route)
    assert settings["HTTPS_PROXY"].used_by_codex is True
    assert settings["ALL_PROXY"].used_by_codex is False
    assert settings["ALL_PROXY"].note == "Not used: HTTPS_PROXY comes first."


def test_all_proxy_when_no_https_proxy(home):
    route = route_for(make_env(home, {"all_proxy": "socks5h://127.0.0.1:1080"}))
    assert (route.proxy, route.proxy_source, route.proxy_scheme) == (
        "socks5h://127.0.0.1:1080",
        "all_proxy",
        "socks5h",
    )


def test_an_empty_variable_hides_its_lower_case_twin(home):
    """The real Codex reads only the first of HTTPS_PROXY / https_proxy that is set, even when
    it is empty, then ALL_PROXY (tests/lab/test_codex_routes.py proves both)."""
    env = {"HTTPS_PROXY": "", "https_proxy": "http://10.0.0.3:3128"}
    route = route_for(make_env(home, env))
    assert route.direct
    (setting,) = route.settings
    assert (setting.source, setting.used_by_codex) == ("https_proxy", False)
    assert (
        setting.note == "Not used: HTTPS_PROXY is also set (empty), and Codex reads only that one."
    )
    route = route_for(make_env(home, {**env, "ALL_PROXY": "http://10.0.0.4:3128"}))
    assert (route.proxy, route.proxy_source) == ("http://10.0.0.4:3128", "ALL_PROXY")


def test_an_address_codex_cannot_read_is_ignored_and_all_proxy_read_instead(home):
    env = {"HTTPS_PROXY": "socks://127.0.0.1:10808", "ALL_PROXY": "http://10.0.0.4:3128"}
    route = route_for(make_env(home, env))
    assert (route.proxy, route.proxy_source) == ("http://10.0.0.4:3128", "ALL_PROXY")
    settings = by_source(route)
    assert settings["HTTPS_PROXY"].used_by_codex is False
    assert settings["HTTPS_PROXY"].note == (
        "Ignored by Codex: it does not read 'socks://' proxy addresses, so it acts as if this "
        "were not set."
    )
    assert route_for(make_env(home, {"ALL_PROXY": "SOCKS5://127.0.0.1:1080"})).direct


def test_http_proxy_is_not_used_for_the_https_sign_in_server(home):
    route = route_for(make_env(home, {"HTTP_PROXY": "http://10.0.0.1:3128"}))
    assert route.direct
    (setting,) = route.settings
    assert (setting.source, setting.used_by_codex) == ("HTTP_PROXY", False)
    assert "only used for http://" in setting.note.lower()


def test_windows_variables_are_case_insensitive_and_not_listed_twice(home):
    env = make_env(
        home, {"https_proxy": "http://10.0.0.1:3128"}, platform="windows", runner=FakeRunner()
    )
    route = route_for(env)
    assert route.proxy == "http://10.0.0.1:3128"
    assert [s.source for s in route.settings] == ["HTTPS_PROXY"]


# -- $CODEX_HOME/.env ----------------------------------------------------------------------------


def test_dotenv_fills_unset_variables(home):
    write_codex_file(home, ".env", 'HTTPS_PROXY="http://10.9.9.9:8080"\nNO_PROXY=localhost\n')
    route = route_for(make_env(home))
    assert route.proxy == "http://10.9.9.9:8080"
    assert route.proxy_source == "~/.codex/.env: HTTPS_PROXY"
    assert route.no_proxy == ("~/.codex/.env: NO_PROXY", "localhost")


def test_dotenv_overrides_the_environment(home):
    """As the real Codex does (tests/lab/test_codex_routes.py): .env is loaded over it."""
    write_codex_file(home, ".env", "HTTPS_PROXY=http://10.9.9.9:8080\n")
    route = route_for(make_env(home, {"HTTPS_PROXY": "http://10.0.0.1:3128"}))
    assert (route.proxy, route.proxy_source) == (
        "http://10.9.9.9:8080",
        "~/.codex/.env: HTTPS_PROXY",
    )
    dotenv, own = route.settings
    assert (dotenv.used_by_codex, own.source, own.used_by_codex) == (True, "HTTPS_PROXY", False)
    assert own.note == (
        "Not used: ~/.codex/.env sets it too, and Codex loads that file over this computer's own "
        "variables."
    )


def test_dotenv_ignores_codex_keys(home):
    write_codex_file(
        home, ".env", "CODEX_CA_CERTIFICATE=/x.pem\nexport ALL_PROXY='http://10.1.1.1:1'\n"
    )
    assert read_dotenv(home / ".codex" / ".env") == {"ALL_PROXY": "http://10.1.1.1:1"}


def test_dotenv_in_codex_home(home, tmp_path):
    codex_home = tmp_path / "elsewhere"
    codex_home.mkdir()
    (codex_home / ".env").write_text("https_proxy=http://10.2.2.2:3128\n", encoding="utf-8")
    route = route_for(make_env(home, {"CODEX_HOME": str(codex_home)}))
    assert route.proxy_source == f"{codex_home / '.env'}: https_proxy"


# -- NO_PROXY ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("no_proxy", "host", "entry"),
    [
        ("auth.openai.com", "auth.openai.com", "auth.openai.com"),
        ("openai.com", "auth.openai.com", "openai.com"),
        (".openai.com", "auth.openai.com", ".openai.com"),
        ("localhost, *", "auth.openai.com", "*"),
        ("*.openai.com", "auth.openai.com", None),  # reqwest does not expand wildcards
        ("penai.com", "auth.openai.com", None),
        ("127.0.0.1", "127.0.0.1", "127.0.0.1"),
        ("10.0.0.0/8", "10.1.2.3", "10.0.0.0/8"),
        ("::1", "[::1]", "::1"),
        ("localhost", "127.0.0.1", None),
        ("", "auth.openai.com", None),
    ],
)
def test_no_proxy_match(no_proxy, host, entry):
    assert no_proxy_match(no_proxy, host) == entry


def test_no_proxy_covers_loopback():
    assert no_proxy_covers_loopback("localhost,127.0.0.1,::1")
    assert not no_proxy_covers_loopback("localhost,127.0.0.1")
    assert not no_proxy_covers_loopback("")


def test_no_proxy_exempts_the_auth_host(home):
    env = make_env(home, {"HTTPS_PROXY": "http://10.0.0.1:3128", "NO_PROXY": "openai.com"})
    route = route_for(env)
    assert route.direct and route.bypassed_by == "openai.com"
    (setting,) = route.settings
    assert setting.used_by_codex is False
    assert setting.note == "Not used for the sign-in server: it is exempt (openai.com in NO_PROXY)."


def test_set_but_empty_no_proxy_hides_lowercase_no_proxy(home):
    env = make_env(
        home, {"HTTPS_PROXY": "http://10.0.0.1:3128", "NO_PROXY": "", "no_proxy": "openai.com"}
    )
    route = route_for(env)
    assert route.proxy == "http://10.0.0.1:3128"
    assert route.no_proxy == ("NO_PROXY", "")


# -- Windows ---------------------------------------------------------------------------------------


def test_windows_internet_options_proxy_is_used_without_variables(home):
    env = make_env(
        home, platform="windows", runner=windows_runner("reg_internet_settings_clash.txt")
    )
    route = route_for(env)
    assert (route.proxy, route.proxy_source) == ("http://127.0.0.1:7890", WINDOWS_SOURCE)
    setting = by_source(route)[WINDOWS_SOURCE]
    assert setting.used_by_codex is True and setting.value == "127.0.0.1:7890"
    assert "not confirmed by OpenAI for Windows" in setting.note


def test_windows_variable_comes_before_internet_options(home):
    env = make_env(
        home,
        {"HTTPS_PROXY": "http://10.0.0.1:3128"},
        platform="windows",
        runner=windows_runner("reg_internet_settings_clash.txt"),
    )
    route = route_for(env)
    assert route.proxy_source == "HTTPS_PROXY"
    setting = by_source(route)[WINDOWS_SOURCE]
    assert setting.used_by_codex is False
    assert setting.note.endswith("Not used: HTTPS_PROXY comes first.")


def test_windows_proxy_override_is_not_codex_bypass_list(home):
    """Codex's own client takes the static Windows proxy without its exceptions (field notes
    2.3, cc-switch#4478); a browser, and respect_system_proxy's system resolver, honour them."""
    env = make_env(
        home, platform="windows", runner=windows_runner("reg_internet_settings_clash.txt")
    )
    target = lab_target("https://signin.build.lan")
    route = route_for(env, target=target)
    assert (route.proxy, route.bypassed_by) == ("http://127.0.0.1:7890", None)
    assert route.os_way == DIRECT  # "lan" in ProxyOverride: the browser goes direct
    assert by_source(route)[WINDOWS_SOURCE].note.endswith(
        "Codex does not read this setting's exceptions (its bypass list) unless "
        "respect_system_proxy is on; a browser does."
    )
    write_codex_file(home, "config.toml", "[features]\nrespect_system_proxy = true\n")
    route = route_for(env, target=target)
    assert route.direct and route.bypassed_by == "lan"
    assert "Windows Internet Options exceptions" in by_source(route)[WINDOWS_SOURCE].note


def test_windows_pac_is_listed_but_not_used_by_default(home):
    env = make_env(home, platform="windows", runner=windows_runner("reg_internet_settings_pac.txt"))
    route = route_for(env)
    assert route.direct
    setting = by_source(route)[WINDOWS_PAC_SOURCE]
    assert (setting.value, setting.used_by_codex) == ("http://proxy.domain.com/file.pac", False)
    assert "respect_system_proxy = true" in setting.note


def test_windows_pac_is_used_with_respect_system_proxy(home):
    write_codex_file(home, "config.toml", "[features]\nrespect_system_proxy = true\n")
    env = make_env(home, platform="windows", runner=windows_runner("reg_internet_settings_pac.txt"))
    setting = by_source(route_for(env))[WINDOWS_PAC_SOURCE]
    assert setting.used_by_codex is True
    assert "cannot run the script" in setting.note


def test_respect_system_proxy_puts_the_system_first(home):
    write_codex_file(home, "config.toml", "[features]\nrespect_system_proxy = true\n")
    env = make_env(
        home,
        {"HTTPS_PROXY": "http://10.0.0.1:3128"},
        platform="windows",
        runner=windows_runner("reg_internet_settings_clash.txt"),
    )
    route = route_for(env)
    assert route.proxy_source == WINDOWS_SOURCE
    assert by_source(route)["HTTPS_PROXY"].note == f"Not used: {WINDOWS_SOURCE} comes first."


def test_plural_feature_key_is_pointed_out(home):
    write_codex_file(home, "config.toml", "[features]\nrespect_system_proxies = true\n")
    env = make_env(home, platform="windows", runner=windows_runner("reg_internet_settings_pac.txt"))
    route = route_for(env)
    assert by_source(route)[WINDOWS_PAC_SOURCE].used_by_codex is False
    assert any("respect_system_proxies (plural)" in note for note in route.notes)


def test_broken_config_toml_is_noted(home):
    write_codex_file(home, "config.toml", "[features\n")
    route = route_for(make_env(home))
    assert len(route.notes) == 1 and route.notes[0].startswith(
        "~/.codex/config.toml could not be read"
    )


def test_windows_no_proxy_values(home):
    env = make_env(
        home,
        platform="windows",
        runner=windows_runner("reg_internet_settings_no_proxy.txt", "netsh_winhttp_direct.txt"),
    )
    route = route_for(env)
    assert route.direct and route.settings == () and route.notes == ()


def test_winhttp_proxy_is_listed_as_not_used(home):
    env = make_env(
        home,
        platform="windows",
        runner=windows_runner(
            "reg_internet_settings_no_proxy.txt", "netsh_winhttp_named_proxy.txt"
        ),
    )
    route = route_for(env)
    assert route.direct
    setting = by_source(route)[WINHTTP_SOURCE]
    assert (setting.value, setting.used_by_codex) == ("testProxy:8999", False)
    assert "not by Codex" in setting.note


def test_switched_off_windows_proxy_is_inactive(home):
    env = make_env(
        home, platform="windows", runner=windows_runner("reg_query_proxyserver_value.txt")
    )
    (setting,) = route_for(env).settings
    assert (setting.value, setting.used_by_codex, setting.active) == (
        "192.168.1.74:3128",
        False,
        False,
    )


def test_missing_windows_commands_are_noted(home):
    route = route_for(make_env(home, platform="windows", runner=FakeRunner()))
    assert route.direct and route.settings == ()
    assert route.notes == (
        "`reg` is not available here, so this setting could not be read.",
        "`netsh` is not available here, so this setting could not be read.",
    )


@dataclass
class TimedRunner:
    inner: FakeRunner
    timeouts: list[float] = field(default_factory=list)

    def run(self, argv: Sequence[str], timeout: float) -> CommandOutput:
        self.timeouts.append(timeout)
        return self.inner.run(argv, timeout)


def test_os_commands_share_a_small_time_budget(home):
    fake = windows_runner("reg_internet_settings_clash.txt")
    fake.fail(sp.NETSH_WINHTTP, TimeoutError("netsh did not finish"))
    runner = TimedRunner(fake)
    route = route_for(make_env(home, platform="windows", runner=runner), timeout=1.0)
    assert len(runner.timeouts) == 2 and all(0 < t <= 1.0 for t in runner.timeouts)
    assert route.proxy_source == WINDOWS_SOURCE
    assert route.notes[0].startswith("`netsh winhttp` did not answer within")


def test_os_commands_run_only_on_their_platform(home):
    runner = windows_runner("reg_internet_settings_clash.txt", "netsh_winhttp_named_proxy.txt")
    runner.add(sp.SCUTIL_PROXY, fixture_text("proxy", "scutil_http_https_socks.txt"))
    route = route_for(make_env(home, platform="linux", runner=runner))
    assert route.direct and runner.calls == []


# -- macOS ---------------------------------------------------------------------------------------


def test_macos_secure_web_proxy_is_used(home):
    env = make_env(home, platform="darwin", runner=mac_runner("scutil_http_https_socks.txt"))
    route = route_for(env)
    assert (route.proxy, route.proxy_source) == (
        "http://127.0.0.1:8888",
        MACOS_SOURCE + " (secure web proxy)",
    )
    settings = by_source(route)
    assert settings[MACOS_SOURCE + " (web proxy)"].used_by_codex is False
    assert settings[MACOS_SOURCE + " (SOCKS proxy)"].used_by_codex is False


def test_macos_exceptions_exempt_hosts(home):
    env = make_env(home, platform="darwin", runner=mac_runner("scutil_http_https_socks.txt"))
    route = route_for(env, target=lab_target("https://127.0.0.1:4443"))
    assert route.direct and route.bypassed_by == "127.0.0.1"


def test_macos_http_only_proxy_is_not_used(home):
    env = make_env(home, platform="darwin", runner=mac_runner("scutil_http_only.txt"))
    route = route_for(env)
    assert route.direct
    (setting,) = route.settings
    assert (setting.source, setting.value, setting.used_by_codex) == (
        MACOS_SOURCE + " (web proxy)",
        "127.0.0.1:8118",
        False,
    )


def test_macos_pac_is_not_used_by_default(home):
    env = make_env(home, platform="darwin", runner=mac_runner("scutil_pac.txt"))
    route = route_for(env)
    assert route.direct
    (setting,) = route.settings
    assert (setting.source, setting.used_by_codex) == (MACOS_PAC_SOURCE, False)


@pytest.mark.parametrize("name", ["scutil_no_proxy.txt", "scutil_all_disabled.txt"])
def test_macos_without_proxies(home, name):
    route = route_for(make_env(home, platform="darwin", runner=mac_runner(name)))
    assert route.direct and route.settings == ()


# -- editors -------------------------------------------------------------------------------------


def test_vscode_http_proxy_is_listed_as_not_used(home):
    settings = home / ".config" / "Code" / "User"
    settings.mkdir(parents=True)
    (settings / "settings.json").write_text(
        '{\n  // proxy for the editor\n  "http.proxy": "http://jane:s3cret@10.0.0.9:3128",\n'
        '  "http.noProxy": ["127.0.0.1", "localhost", "::1"],\n}\n',
        encoding="utf-8",
    )
    route = route_for(make_env(home))
    assert route.direct
    (setting,) = route.settings
    assert setting.source == "VS Code http.proxy (~/.config/Code/User/settings.json)"
    assert setting.used_by_codex is False
    assert "openai/codex#11998" in setting.note and "127.0.0.1, localhost, ::1" in setting.note
    shown = setting.to_json()
    assert shown["value"] == "http://jane:<redacted>@10.0.0.9:3128"
    assert "s3cret" not in json.dumps(shown)


# -- credentials ---------------------------------------------------------------------------------


def test_proxy_address_and_credentials(home):
    route = route_for(make_env(home, {"HTTPS_PROXY": "http://jane:p%40ss@[::1]:3128"}))
    assert route.proxy_address == ("::1", 3128)
    assert route.proxy_credentials == ("jane", "p%40ss")
    assert route.proxy_display == "http://jane:<redacted>@[::1]:3128"


def test_the_system_proxy_settings_are_read_once_for_both_hosts(home):
    """The sign-in server and chatgpt.com each get their route, from one reading of the
    Windows proxy settings (reg query and netsh ran once each)."""
    runner = windows_runner("reg_internet_settings_clash.txt", "netsh_winhttp_named_proxy.txt")
    env = make_env(home, platform="windows", runner=runner)
    shared = Shared()
    auth = run_check(effective_route, env, lab_target(), shared=shared)
    chatgpt = run_check(effective_route, env, lab_target("https://chatgpt.com"), shared=shared)
    assert auth.proxy == chatgpt.proxy == "http://127.0.0.1:7890"
    assert sorted(runner.calls) == sorted([tuple(sp.REG_QUERY), tuple(sp.NETSH_WINHTTP)])
