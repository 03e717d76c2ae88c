"""The netsh excluded-port-range parser, on outputs recorded from real Windows machines
(tests/fixtures/ports/SOURCES.md)."""

from __future__ import annotations

import pytest

from tests.helpers import FakeRunner, fixture_text
from wizard.platform.port_reservations import (
    ExcludedRange,
    netsh_argv,
    parse_excluded_ranges,
    read_reservations,
)


def ranges(name: str, family: str = "ipv4") -> list[ExcludedRange]:
    return parse_excluded_ranges(fixture_text("ports", name), family)


def test_english_hyperv_output_every_row():
    parsed = ranges("excludedportrange_ipv4_en_hyperv_clash-verge-rev-1688.txt")
    assert [(r.start, r.end, r.administered) for r in parsed] == [
        (1061, 1160, False),
        (1161, 1260, False),
        (1261, 1360, False),
        (1361, 1460, False),
        (1461, 1560, False),
        (1561, 1660, False),
        (1661, 1760, False),
        (1761, 1860, False),
        (2919, 3018, False),
        (5357, 5357, False),
        (14522, 14621, False),
        (50000, 50059, True),
    ]
    assert all(r.family == "ipv4" for r in parsed)


def test_chinese_output_without_ranges_is_empty():
    assert ranges("excludedportrange_ipv4_zh_empty_clash-verge-rev-1688.txt") == []


def test_chinese_output_with_ranges():
    parsed = ranges("excludedportrange_ipv4_zh_whimbox-21.txt")
    assert len(parsed) == 18
    assert parsed[0] == ExcludedRange(1607, 1706, False)
    assert ExcludedRange(50000, 50059, True) in parsed
    assert parsed[-1] == ExcludedRange(54235, 54235, False)


def test_spanish_output_without_header_line():
    parsed = ranges("excludedportrange_ipv4_es_wsl-5306.txt")
    assert len(parsed) == 24
    assert [r for r in parsed if r.contains(1455)] == [ExcludedRange(1425, 1524, False)]
    assert [r for r in parsed if r.contains(1457)] == [ExcludedRange(1425, 1524, False)]
    # this reporter's copy lost the `*` of 50000-50059: it is read as a plain range
    assert parsed[-1] == ExcludedRange(50000, 50059, False)


def test_indented_output_with_column_padding():
    parsed = ranges("excludedportrange_ipv4_en_gha-otel-10872.txt")
    assert [(r.start, r.end) for r in parsed] == [
        (80, 80),
        (5986, 5986),
        (47001, 47001),
        (51417, 51516),
        (51517, 51616),
    ]


def test_crlf_line_endings_parse_the_same():
    text = fixture_text("ports", "excludedportrange_ipv4_en_localsend-125.txt")
    assert parse_excluded_ranges(text.replace("\n", "\r\n")) == parse_excluded_ranges(text)
    assert len(parse_excluded_ranges(text)) == 11


def test_ipv6_family_is_recorded():
    parsed = ranges("excludedportrange_ipv4_en_localsend-125.txt", family="ipv6")
    assert {r.family for r in parsed} == {"ipv6"}


def test_read_reservations_blocking_and_administered():
    runner = FakeRunner()
    runner.add(netsh_argv("ipv4"), fixture_text("ports", "excludedportrange_ipv4_en_w3toppers.txt"))
    found = read_reservations(runner, 2.0, families=("ipv4",))
    assert found.read == ("ipv4",)
    assert found.blocking(1455) == ExcludedRange(1431, 1530, False)
    assert found.blocking(1457) == ExcludedRange(1431, 1530, False)
    assert found.blocking(1545) is None  # between 1530 and 1561
    # administered exclusions (*) may still be bound by programs
    assert found.blocking(50050) is None
    assert found.covering(50050) == [ExcludedRange(50000, 50099, True)]
    assert runner.calls == [
        ("netsh", "interface", "ipv4", "show", "excludedportrange", "protocol=tcp")
    ]


def test_read_reservations_failures_leave_the_family_unknown():
    runner = FakeRunner()
    runner.fail(netsh_argv("ipv4"), TimeoutError("netsh did not finish within 2.0 s"))
    runner.add(
        netsh_argv("ipv6"), "", returncode=1, stderr="The requested operation requires elevation."
    )
    found = read_reservations(runner, 2.0)
    assert found.known is False
    assert found.ranges == ()
    assert found.errors == {
        "ipv4": "netsh did not finish within 2.0 s",
        "ipv6": "netsh exit 1: The requested operation requires elevation.",
    }


def test_read_reservations_without_netsh():
    found = read_reservations(FakeRunner(), 2.0)
    assert found.errors == {"ipv4": "netsh is not available", "ipv6": "netsh is not available"}
    assert found.to_json() == {"read": [], "errors": found.errors}


@pytest.mark.parametrize("line", ["Start Port    End Port", "----------    --------", "", "* - x"])
def test_non_number_rows_are_ignored(line):
    assert parse_excluded_ranges(line) == []
