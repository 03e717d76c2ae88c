"""Case ids: short, readable over the phone, unambiguous ("SD-7K3F-9QXA").

Crockford base32 (digits and capitals without I, L, O, U) of 40 random bits. When someone types
one back, `normalize_case_id` forgives lower case, missing dashes and the look-alikes Crockford
defines (I/L -> 1, O -> 0)."""

from __future__ import annotations

import os
import re

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
PREFIX = "SD"
_GROUPS = 2
_GROUP_LEN = 4
CASE_ID_PATTERN = re.compile(rf"{PREFIX}-[{ALPHABET}]{{{_GROUP_LEN}}}-[{ALPHABET}]{{{_GROUP_LEN}}}")
_LOOKALIKES = str.maketrans({"I": "1", "L": "1", "O": "0"})


def encode(data: bytes) -> str:
    """Crockford base32 of `data`, most significant bits first, without padding."""
    value = int.from_bytes(data, "big")
    bits = len(data) * 8
    chars = []
    for shift in range(bits - 5, -5, -5):
        chars.append(
            ALPHABET[(value >> shift) & 31] if shift >= 0 else ALPHABET[(value << -shift) & 31]
        )
    return "".join(chars)


def new_case_id() -> str:
    """A fresh id: 40 random bits, one in a trillion chance that two cases share one.

    `os.urandom` is what `secrets.token_bytes` returns; `secrets` would bring in `hmac` and with
    it OpenSSL's libcrypto, 3.5 MB of the window's memory for nothing else it does."""
    body = encode(os.urandom(_GROUPS * _GROUP_LEN * 5 // 8))
    groups = [body[i : i + _GROUP_LEN] for i in range(0, len(body), _GROUP_LEN)]
    return "-".join([PREFIX, *groups])


def is_case_id(text: str) -> bool:
    return CASE_ID_PATTERN.fullmatch(text) is not None


def normalize_case_id(text: str) -> str | None:
    """The canonical id for what someone typed or read out, or None if it cannot be one."""
    compact = re.sub(r"[\s-]", "", text).upper()
    if compact.startswith(PREFIX):
        compact = compact[len(PREFIX) :]
    compact = compact.translate(_LOOKALIKES)
    size = _GROUPS * _GROUP_LEN
    if len(compact) != size or any(c not in ALPHABET for c in compact):
        return None
    groups = [compact[i : i + _GROUP_LEN] for i in range(0, size, _GROUP_LEN)]
    return "-".join([PREFIX, *groups])
