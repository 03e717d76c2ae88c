"""What `reg query` prints, read back: the one parser for every Windows registry value this
tool looks at (Internet Settings, the root-certificate update policy)."""

from __future__ import annotations

import re

# `reg query` prints each value as 4 spaces, name, 4 spaces, REG_TYPE, 4 spaces, data.
# Names may hold single spaces ("User Agent"); data may be empty.
_REG_VALUE = re.compile(r"^ {4}(?P<name>\S.*?) {4}(?P<type>REG_[A-Z0-9_]+)(?: {4}(?P<data>.*))?$")
# reg.exe exits 1 and says this (on stderr) when the key or the value does not exist.
NOT_FOUND_EXIT = 1


def parse_reg_values(text: str) -> dict[str, tuple[str, str]]:
    """`reg query` output -> {lower-case value name: (REG_TYPE, data)}. Sub-keys are skipped."""
    values: dict[str, tuple[str, str]] = {}
    for line in text.splitlines():
        match = _REG_VALUE.match(line.rstrip("\r"))
        if match:
            data = (match.group("data") or "").strip()
            values[match.group("name").lower()] = (match.group("type"), data)
    return values


def dword(data: str) -> int:
    """A REG_DWORD as reg.exe prints it ("0x1"); unreadable data counts as 0."""
    try:
        return int(data, 16) if data.lower().startswith("0x") else int(data)
    except ValueError:
        return 0
