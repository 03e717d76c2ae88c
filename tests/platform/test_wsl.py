"""Parsers for wsl.exe output, fed with recorded real outputs (tests/fixtures/wsl/SOURCES.md)."""

from __future__ import annotations

from tests.helpers import fixture_text
from wizard.platform import wsl
from wizard.platform.runner import _decode
from wizard.platform.wsl import Distro


def test_list_verbose_with_default_marker():
    distros = wsl.parse_list_verbose(fixture_text("wsl", "list_verbose_default_ubuntu.txt"))
    assert distros == [
        Distro("Ubuntu", "Running", 2, True),
        Distro("Legacy", "Stopped", 1, False),
        Distro("Ubuntu-18.04", "Stopped", 1, False),
        Distro("docker-desktop", "Running", 2, False),
    ]


def test_list_verbose_without_default_marker():
    distros = wsl.parse_list_verbose(fixture_text("wsl", "list_verbose_no_default_marker.txt"))
    assert [d.name for d in distros] == [
        "MyPengwin",
        "WLinux",
        "docker-desktop",
        "docker-desktop-data",
    ]
    assert not any(d.default for d in distros)
    assert {d.version for d in distros} == {2}


def test_list_verbose_as_wsl_exe_prints_it_utf16_crlf():
    """wsl.exe writes UTF-16LE with CRLF; the runner decodes it, the parser copes with \\r."""
    recorded = fixture_text("wsl", "list_verbose_default_ubuntu.txt")
    raw = recorded.replace("\n", "\r\n").encode("utf-16-le")
    distros = wsl.parse_list_verbose(_decode(raw))
    assert distros[0] == Distro("Ubuntu", "Running", 2, True)
    assert len(distros) == 4


def test_no_distributions_message():
    text = fixture_text("wsl", "no_distributions.txt")
    assert wsl.parse_list_verbose(text) == []
    assert wsl.has_no_distributions(text)
    assert not wsl.not_installed(text)


def test_status_outputs():
    assert wsl.parse_status(fixture_text("wsl", "status_default_debian.txt")) == {
        "default_distribution": "Debian",
        "default_version": 2,
    }
    assert wsl.parse_status(fixture_text("wsl", "status_version_only.txt")) == {
        "default_distribution": None,
        "default_version": 1,
    }


def test_wslconfig_networking_keys(tmp_path):
    config = tmp_path / ".wslconfig"
    assert wsl.read_wslconfig(config) == wsl.WslConfig("nat", "default")
    config.write_text("[wsl2]\r\nmemory=8GB\r\nnetworkingMode=mirrored\r\n", encoding="utf-8")
    assert wsl.read_wslconfig(config) == wsl.WslConfig("mirrored", ".wslconfig")
    config.write_text(
        "[wsl2]\nnetworkingmode=Mirrored\ndnsTunneling=true\nautoProxy=false\n", encoding="utf-8"
    )
    assert wsl.read_wslconfig(config) == wsl.WslConfig("mirrored", ".wslconfig", True, False)
    config.write_text("# comment\n[wsl2]\nmemory=8GB\n", encoding="utf-8")
    assert wsl.read_wslconfig(config) == wsl.WslConfig("nat", "default")
    config.write_text("networkingMode=mirrored\n", encoding="utf-8")  # no section header
    broken = wsl.read_wslconfig(config)
    assert (broken.networking_mode, broken.source) == ("nat", "default")
    assert broken.problem is not None and broken.problem.startswith("cannot be read")


def test_usage_text_of_an_old_wsl_exe_lists_nothing():
    text = fixture_text("wsl", "list_verbose_unsupported_zh.txt")
    assert wsl.parse_list_verbose(text) == []
    assert not wsl.has_no_distributions(text)
    assert not wsl.not_installed(text)
