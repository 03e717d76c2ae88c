"""Parsing of recorded real `reg query`, `netsh winhttp show proxy` and `scutil --proxy` output,
and the readers' behaviour when a command is missing, slow or fails."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pytest

from tests.helpers import FakeRunner, fixture_text, make_env
from wizard.core.environment import CommandOutput
from wizard.platform import system_proxy as sp
from wizard.platform.registry import parse_reg_values


def proxy_fixture(name: str) -> str:
    return fixture_text("proxy", name)


@dataclass
class TimedRunner:
    """A FakeRunner that also remembers the timeout of every call."""

    inner: FakeRunner
    timeouts: list[tuple[tuple[str, ...], float]] = field(default_factory=list)

    def run(self, argv: Sequence[str], timeout: float) -> CommandOutput:
        self.timeouts.append((tuple(argv), timeout))
        return self.inner.run(argv, timeout)


# -- reg query -------------------------------------------------------------------------------


def test_reg_values_of_a_key_without_proxy_values():
    values = parse_reg_values(proxy_fixture("reg_internet_settings_no_proxy.txt"))
    assert values == {
        "user agent": ("REG_SZ", "Mozilla/4.0 (compatible; MSIE 8.0; Win32)"),
        "ie5_ua_backup_flag": ("REG_SZ", "5.0"),
        "zonessecurityupgrade": ("REG_BINARY", "F3C0D3C3AC62D601"),
    }
    assert sp.parse_wininet(proxy_fixture("reg_internet_settings_no_proxy.txt")) == sp.WinInetProxy(
        enabled=False, server=None, override=None, auto_config_url=None
    )


def test_reg_clash_system_proxy_is_enabled_with_its_bypass_list():
    settings = sp.parse_wininet(proxy_fixture("reg_internet_settings_clash.txt"))
    assert settings == sp.WinInetProxy(
        enabled=True,
        server="127.0.0.1:7890",
        override="localhost;127.*;10.*;172.16.*;192.168.*;*.lan;<local>",
        auto_config_url=None,
    )


def test_reg_pac_only():
    text = proxy_fixture("reg_internet_settings_pac.txt")
    assert parse_reg_values(text)["proxyenable"] == ("REG_DWORD", "0x0")
    assert parse_reg_values(text)["secureprotocols"] == (
        "REG_DWORD",
        "0x800",
    )
    settings = sp.parse_wininet(text)
    assert settings.enabled is False
    assert settings.server is None
    assert settings.auto_config_url == "http://proxy.domain.com/file.pac"


def test_reg_single_value_query_with_lower_case_key_path():
    values = parse_reg_values(proxy_fixture("reg_query_proxyserver_value.txt"))
    assert values == {"proxyserver": ("REG_SZ", "192.168.1.74:3128")}


def test_reg_crlf_output_parses_the_same():
    text = proxy_fixture("reg_internet_settings_clash.txt").replace("\n", "\r\n")
    assert sp.parse_wininet(text).server == "127.0.0.1:7890"


@pytest.mark.parametrize(
    ("server", "expected"),
    [
        ("127.0.0.1:7890", "http://127.0.0.1:7890"),
        ("192.168.1.74:3128", "http://192.168.1.74:3128"),
        ("http://ProxyServername:80", "http://ProxyServername:80"),
        # Metasploit's enum_proxy printed this ProxyServer (see SOURCES.md)
        (
            "ftp=172.16.10.206:6588;http=172.16.10.206:6588;https=172.16.10.206:6588;"
            "socks=172.16.10.206:1080",
            "http://172.16.10.206:6588",
        ),
        ("http=10.0.0.1:8080", None),  # no https entry: https:// addresses go direct
        ("socks=127.0.0.1:1080", None),
        ("http=a:1;https", None),  # a malformed entry voids the list
        ("", None),
    ],
)
def test_proxy_server_for_https(server, expected):
    assert sp.proxy_server_for_https(server) == expected


def test_override_becomes_a_no_proxy_list():
    override = "localhost;127.*;10.*;172.16.*;192.168.*;*.lan;<local>"
    assert (
        sp.override_as_no_proxy(override) == "localhost,127.*,10.*,172.16.*,192.168.*,lan,<local>"
    )


# -- netsh winhttp ---------------------------------------------------------------------------


def test_netsh_named_proxy():
    text = proxy_fixture("netsh_winhttp_named_proxy.txt")
    assert sp.parse_netsh_winhttp(text) == sp.WinHttpProxy(server="testProxy:8999", bypass=None)
    assert not sp.netsh_says_direct(text)


def test_netsh_direct_access():
    text = proxy_fixture("netsh_winhttp_direct.txt")
    assert sp.parse_netsh_winhttp(text) is None
    assert sp.netsh_says_direct(text)


# -- scutil --proxy ------------------------------------------------------------------------------


def test_scutil_http_https_and_socks():
    scalars, arrays = sp.parse_scutil_values(proxy_fixture("scutil_http_https_socks.txt"))
    assert arrays == {"ExceptionsList": ["127.0.0.1", "localhost"]}
    assert scalars["HTTPSPort"] == "8888"
    assert sp.parse_scutil(proxy_fixture("scutil_http_https_socks.txt")) == sp.MacProxy(
        http="127.0.0.1:8888",
        https="127.0.0.1:8888",
        socks="127.0.0.1:7891",
        pac_url=None,
        exceptions=("127.0.0.1", "localhost"),
    )


def test_scutil_http_only():
    assert sp.parse_scutil(proxy_fixture("scutil_http_only.txt")) == sp.MacProxy(
        http="127.0.0.1:8118",
        https=None,
        socks=None,
        pac_url=None,
        exceptions=("*.local", "169.254/16"),
    )


def test_scutil_pac():
    parsed = sp.parse_scutil(proxy_fixture("scutil_pac.txt"))
    assert parsed.pac_url == "http://wpad.company.com/wpad.dat"
    assert (parsed.http, parsed.https, parsed.socks) == (None, None, None)


@pytest.mark.parametrize("name", ["scutil_no_proxy.txt", "scutil_all_disabled.txt"])
def test_scutil_without_any_enabled_proxy(name):
    parsed = sp.parse_scutil(proxy_fixture(name))
    assert (parsed.http, parsed.https, parsed.socks, parsed.pac_url) == (None, None, None, None)


def test_scutil_keeps_the_full_exception_list():
    parsed = sp.parse_scutil(proxy_fixture("scutil_all_disabled.txt"))
    assert parsed.exceptions == (
        "127.0.0.1",
        "192.168.0.0/16",
        "10.0.0.0/8",
        "172.16.0.0/12",
        "172.29.0.0/16",
        "localhost",
        "*.local",
        "*.crashlytics.com",
        "<local>",
    )


# -- readers ----------------------------------------------------------------------------------


def test_readers_pass_the_timeout_and_parse(home):
    fake = FakeRunner()
    fake.add(sp.REG_QUERY, proxy_fixture("reg_internet_settings_clash.txt"))
    fake.add(sp.NETSH_WINHTTP, proxy_fixture("netsh_winhttp_named_proxy.txt"))
    runner = TimedRunner(fake)
    env = make_env(home, platform="windows", runner=runner)
    wininet = sp.read_wininet(env, 1.5)
    winhttp = sp.read_winhttp(env, 0.7)
    assert isinstance(wininet.value, sp.WinInetProxy) and wininet.value.enabled
    assert winhttp.value == sp.WinHttpProxy(server="testProxy:8999", bypass=None)
    assert runner.timeouts == [(sp.REG_QUERY, 1.5), (sp.NETSH_WINHTTP, 0.7)]
    assert wininet.note is None and winhttp.note is None


def test_missing_command_gives_a_note_not_an_error(home):
    env = make_env(home, platform="darwin", runner=FakeRunner())
    reading = sp.read_macos(env, 1.0)
    assert reading.value is None
    assert reading.note == "`scutil` is not available here, so this setting could not be read."


def test_timeout_gives_a_note(home):
    fake = FakeRunner()
    fake.fail(sp.SCUTIL_PROXY, TimeoutError("scutil did not finish within 0.2 s"))
    reading = sp.read_macos(make_env(home, platform="darwin", runner=fake), 0.2)
    assert reading.value is None
    assert reading.note == "`scutil --proxy` did not answer within 0.2 s."


def test_failing_command_gives_a_note(home):
    fake = FakeRunner()
    fake.add(sp.REG_QUERY, "", returncode=1)
    reading = sp.read_wininet(make_env(home, platform="windows", runner=fake), 1.0)
    assert reading.value is None
    assert reading.note == "`reg query` failed: exit code 1"


def test_unrecognised_answers_give_notes(home):
    fake = FakeRunner()
    fake.add(sp.SCUTIL_PROXY, "nothing useful\n")
    fake.add(sp.NETSH_WINHTTP, "something else entirely\n")
    mac = sp.read_macos(make_env(home, platform="darwin", runner=fake), 1.0)
    win = sp.read_winhttp(make_env(home, platform="windows", runner=fake), 1.0)
    assert mac.value is None and "not understood" in (mac.note or "")
    assert win.value is None and "not understood" in (win.note or "")
