"""macOS managed preferences: the values an administrator forces on a preference domain
through a configuration profile (MDM). macOS keeps them as property lists under
/Library/Managed Preferences: `<user>/<domain>.plist` for one user, `<domain>.plist` for the
whole computer (the user's wins). Codex reads only forced values of `com.openai.codex`
(CFPreferencesAppValueIsForced), so values someone set with `defaults write` are not read here
either. The files are read from `env.system_root`, so a test gives its own root."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wizard.core.environment import Environment
from wizard.core.i18n import tr

MANAGED_PREFERENCES = Path("Library") / "Managed Preferences"


@dataclass(frozen=True)
class ForcedValue:
    value: Any
    path: Path  # the property list it came from


@dataclass(frozen=True)
class ForcedPreferences:
    values: dict[str, ForcedValue]
    notes: tuple[str, ...] = ()  # files that are there but could not be read, and why


def managed_plists(env: Environment, domain: str) -> list[Path]:
    """The managed property lists of `domain`, the one that wins first."""
    folder = env.system_root / MANAGED_PREFERENCES
    user = env.get("USER") or env.home.name
    return [folder / user / f"{domain}.plist", folder / f"{domain}.plist"]


def read_forced(env: Environment, domain: str) -> ForcedPreferences:
    """Every forced key of `domain` (XML or binary property lists); empty off macOS."""
    if env.platform != "darwin":
        return ForcedPreferences({})
    import plistlib  # only on macOS: plistlib with expat costs every other run ~2 ms
    from xml.parsers.expat import ExpatError

    values: dict[str, ForcedValue] = {}
    notes: list[str] = []
    for path in managed_plists(env, domain):
        try:
            data = plistlib.loads(path.read_bytes())
        except FileNotFoundError:
            continue
        except (OSError, plistlib.InvalidFileException, ExpatError, ValueError) as exc:
            notes.append(
                tr(
                    "managed_prefs",
                    "{file} could not be read ({error}).",
                    file=str(path),
                    error=str(getattr(exc, "strerror", None) or exc),
                )
            )
            continue
        if isinstance(data, dict):
            for key, value in data.items():
                values.setdefault(str(key), ForcedValue(value, path))
    return ForcedPreferences(values, tuple(notes))
