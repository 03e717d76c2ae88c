"""WSL 2's network facts from recorded real outputs: wslinfo's mode, netsh's adapter table,
WSL's generated resolv.conf, and how this program knows it runs inside WSL."""

from __future__ import annotations

from dataclasses import replace

from tests.helpers import fixture_text, make_env
from wizard.platform import wsl_net


def test_networking_mode_is_one_word():
    assert (
        wsl_net.parse_networking_mode(
            fixture_text("wsl", "wslinfo_networking_mode_virtioproxy.txt")
        )
        == "virtioproxy"
    )
    assert wsl_net.parse_networking_mode("mirrored\r\n") == "mirrored"
    assert wsl_net.parse_networking_mode("") is None
    assert wsl_net.parse_networking_mode("wslinfo: command not found") is None


def test_the_vpn_is_the_narrowest_way_out():
    adapters = wsl_net.parse_subinterfaces(
        fixture_text("wsl", "netsh_subinterfaces_pulse_secure_vpn.txt")
    )
    assert [a.mtu for a in adapters] == [4294967295, 1500, 1500, 1500, 1500, 1300, 1200]
    narrowest = wsl_net.smallest_uplink(adapters)
    assert narrowest is not None
    assert (narrowest.name, narrowest.mtu) == ("Local Area Conne", 1200)
    # Neither the loopback, the disconnected adapters nor WSL's own vEthernet count.
    assert [a.name for a in adapters if a.uplink] == ["Wi-Fi", "Local Area Conne"]


def test_without_a_vpn_the_way_out_matches_eth0():
    adapters = wsl_net.parse_subinterfaces(
        fixture_text("wsl", "netsh_subinterfaces_wifi_no_vpn.txt")
    )
    narrowest = wsl_net.smallest_uplink(adapters)
    assert narrowest is not None and (narrowest.name, narrowest.mtu) == ("Wi-Fi", 1500)
    assert wsl_net.smallest_uplink([]) is None


def test_nameservers_of_wsls_resolv_conf():
    text = fixture_text("wsl", "resolv_conf_dns_tunneling.txt")
    assert wsl_net.parse_nameservers(text) == ["10.255.255.254"]
    assert wsl_net.parse_nameservers("nameserver 1.1.1.1 # cloudflare\nnameserver\n") == ["1.1.1.1"]


def test_inside_wsl_from_the_kernel_or_the_variable(home, tmp_path):
    root = tmp_path / "root"
    (root / "proc/sys/kernel").mkdir(parents=True)
    env = replace(make_env(home), system_root=root)
    assert not wsl_net.inside_wsl(env)
    (root / "proc/sys/kernel/osrelease").write_text("5.15.167.4-microsoft-standard-WSL2\n")
    assert wsl_net.inside_wsl(env)
    assert wsl_net.inside_wsl(
        replace(make_env(home, {"WSL_DISTRO_NAME": "Ubuntu"}), system_root=tmp_path)
    )
    assert not wsl_net.inside_wsl(replace(make_env(home, platform="windows"), system_root=root))
