"""Whether Windows may fetch a missing root certificate by itself (field §1.8).

Windows ships with few roots and downloads the others from Windows Update the first time a
chain needs one. The group policy "Turn off Automatic Root Certificates Update" (value
`DisableRootAutoUpdate` = 1 under the policy key, or the same value set outside policy) stops
that: SChannel then answers SEC_E_UNTRUSTED_ROOT (0x80090325) for a public site whose root was
never fetched, while browsers that bring their own roots work (openai/codex #41275).

Read with `reg query` (one value, each key on its own), tested with recorded real outputs in
tests/fixtures/trust/. Never raises: a missing reg.exe or a timeout leaves a key unknown."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from wizard.core.environment import CommandNotFound, CommandRunner
from wizard.platform.registry import NOT_FOUND_EXIT, dword, parse_reg_values

VALUE = "DisableRootAutoUpdate"
POLICY_KEY = r"HKLM\SOFTWARE\Policies\Microsoft\SystemCertificates\AuthRoot"
SETTING_KEY = r"HKLM\SOFTWARE\Microsoft\SystemCertificates\AuthRoot"
KEYS = (POLICY_KEY, SETTING_KEY)  # the policy wins: it is what an administrator enforces


def reg_query_argv(key: str) -> list[str]:
    return ["reg", "query", key, "/v", VALUE]


@dataclass(frozen=True)
class RootUpdatePolicy:
    values: dict[str, int | None] = field(default_factory=dict)  # key -> value; None: not set
    problems: dict[str, str] = field(default_factory=dict)  # key -> why it is unknown

    @property
    def disabled_by(self) -> str | None:
        """The key that turns automatic root updates off, or None."""
        return next((k for k in KEYS if self.values.get(k)), None)

    @property
    def complete(self) -> bool:
        """Both keys were read (so "not disabled" is a finding, not a guess)."""
        return not self.problems

    def to_json(self) -> dict[str, object]:
        return {
            "value": VALUE,
            "values": dict(self.values),
            "problems": dict(self.problems),
            "disabled_by": self.disabled_by,
        }


def parse_value(text: str) -> int | None:
    """DisableRootAutoUpdate from `reg query KEY /v DisableRootAutoUpdate` output."""
    found = parse_reg_values(text).get(VALUE.lower())
    return dword(found[1]) if found else None


def read_root_update_policy(
    runner: CommandRunner, timeout: float | Callable[[], float]
) -> RootUpdatePolicy:
    """Ask reg.exe for the value under both keys. "Not found" (exit 1) means not set;
    anything else leaves that key unknown, never "allowed". `timeout` may be a callable,
    asked before each run (a check passes its budget)."""
    values: dict[str, int | None] = {}
    problems: dict[str, str] = {}
    for key in KEYS:
        try:
            out = runner.run(reg_query_argv(key), timeout() if callable(timeout) else timeout)
        except CommandNotFound:
            return RootUpdatePolicy(values, {k: "reg.exe is not available" for k in KEYS})
        except (TimeoutError, OSError) as exc:
            problems[key] = str(exc) or type(exc).__name__
            continue
        if out.returncode == 0:
            values[key] = parse_value(out.stdout)
        elif out.returncode == NOT_FOUND_EXIT:
            values[key] = None
        else:
            detail = (out.stderr or out.stdout).strip().splitlines()
            problems[key] = f"reg exit {out.returncode}" + (f": {detail[0]}" if detail else "")
    return RootUpdatePolicy(values, problems)
