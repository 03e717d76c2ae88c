"""Is the system keyring Codex saves the sign-in in there, unlocked and answering?

Asked without reading, writing or listing any secret (field §1.11):
- Linux: the Secret Service on the session D-Bus, the `Locked` property of the default
  collection (`busctl --user get-property ...`). A service that never answers is the hang of
  openai/codex#41031.
- Windows: Credential Manager answers `cmdkey /list` (target names only; Codex's entries are
  counted by the service name `Codex Auth` in the target).
- macOS: not asked. `security show-keychain-info` can raise a password prompt and wait on it,
  so this tool would hang exactly as Codex does; the state stays "not tested".
Parsers are fed with recorded real outputs in tests (tests/fixtures/keyring/)."""

from __future__ import annotations

from dataclasses import dataclass

from wizard.core.environment import CommandNotFound, CommandOutput, CommandRunner

SECRET_SERVICE = "org.freedesktop.secrets"
LINUX_ARGS = (
    "busctl",
    "--user",
    "--no-pager",
    "get-property",
    SECRET_SERVICE,
    "/org/freedesktop/secrets/aliases/default",
    "org.freedesktop.Secret.Collection",
    "Locked",
)
WINDOWS_ARGS = ("cmdkey", "/list")
CODEX_SERVICE = "Codex Auth"
BACKENDS = {
    "linux": "Secret Service",
    "windows": "Windows Credential Manager",
    "darwin": "macOS keychain",
}


@dataclass(frozen=True)
class KeyringState:
    """state: "available" | "locked" | "no_answer" (asked, never answered) | "absent" (no
    keyring service) | "no_session" (no session bus to reach one) | "no_default" (the service
    has no default collection) | "not_tested" | "unknown" (an answer not understood)."""

    state: str
    backend: str
    detail: str = ""
    codex_entries: int | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "state": self.state,
            "backend": self.backend,
            "detail": self.detail,
            "codex_entries": self.codex_entries,
        }


def keyring_state(platform: str, runner: CommandRunner, timeout: float) -> KeyringState:
    backend = BACKENDS.get(platform, platform)
    if platform == "darwin":
        return KeyringState("not_tested", backend)
    argv = LINUX_ARGS if platform == "linux" else WINDOWS_ARGS
    try:
        out = runner.run(list(argv), timeout)
    except CommandNotFound:
        return KeyringState("not_tested", backend, f"{argv[0]} not found")
    except TimeoutError:
        return KeyringState("no_answer", backend, f"no answer within {timeout:.0f} s")
    if platform == "linux":
        return parse_busctl_locked(out)
    return parse_cmdkey_list(out)


def parse_busctl_locked(out: CommandOutput) -> KeyringState:
    """`busctl get-property ... Locked`: "b false" / "b true", or busctl's error line."""
    backend = BACKENDS["linux"]
    answer = out.stdout.strip()
    if out.returncode == 0 and answer in ("b false", "b true"):
        return KeyringState("available" if answer == "b false" else "locked", backend)
    message = _first_line(out.stderr or out.stdout)
    lowered = message.lower()
    if "failed to connect to bus" in lowered or "failed to get credentials" in lowered:
        state = "no_session"
    elif "not provided by any .service files" in lowered or "serviceunknown" in lowered:
        state = "absent"
    elif "no such object" in lowered or "unknown object" in lowered or "does not exist" in lowered:
        state = "no_default"
    elif "timed out" in lowered or "timeout" in lowered:
        state = "no_answer"
    else:
        state = "unknown"
    return KeyringState(state, backend, message)


def parse_cmdkey_list(out: CommandOutput) -> KeyringState:
    """`cmdkey /list`: "Currently stored credentials:" then Target:/Type:/User: blocks (English
    Windows; another language's header is "unknown", not a failure)."""
    backend = BACKENDS["windows"]
    text = out.stdout.replace("\r", "")
    if out.returncode != 0 or "currently stored credentials" not in text.lower():
        return KeyringState("unknown", backend, _first_line(out.stderr or out.stdout))
    targets = [
        line.split(":", 1)[1].strip()
        for line in text.splitlines()
        if line.strip().lower().startswith("target:")
    ]
    codex = sum(1 for t in targets if CODEX_SERVICE.lower() in t.lower())
    return KeyringState("available", backend, codex_entries=codex)


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")[:200]
