"""The Codex desktop app's own log files: the newest session's, from the last few days.

On Windows the app writes %LOCALAPPDATA%\\Codex\\Logs\\YYYY\\MM\\DD\\
codex-desktop-<session>-<pid>-t0-i1-<hhmmss>-0.log (openai/codex#46812), a new file per start.
Where it writes them on macOS is not known (UNVERIFIED; #39039 only mentions Console.app), and
there is no Linux build to speak of, so elsewhere no desktop log is looked for."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from wizard.core.environment import Environment
from wizard.core.profile import Profile
from wizard.platform.paths import local_appdata

DAYS = 3  # today and the two days before: an older log tells nothing about today's failure
MAX_FILES = 3  # of the newest session
SESSION = re.compile(r"^codex-desktop-(?P<session>.+)-\d+-t\d+-i\d+-\d{6}-\d+\.log$")


def modified_time(path: Path) -> float:
    """When the file was last written; 0 when it is gone."""
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def logs_folder(env: Environment, profile: Profile) -> Path | None:
    """Where the app's dated log folders are, or None where that is not known."""
    if env.platform != "windows":
        return None
    return local_appdata(env) / str(profile["desktop"]["log_folder"])


def newest_session_logs(env: Environment, profile: Profile) -> list[Path]:
    """The newest files of the newest session in the last DAYS day folders, newest first."""
    root = logs_folder(env, profile)
    if root is None or not root.is_dir():
        return []
    today = env.now().date()
    # From tomorrow: the folder may be named for the local date, ahead of UTC.
    days = [today - timedelta(days=n) for n in range(-1, DAYS)]
    glob = str(profile["desktop"]["log_glob"])
    found = [
        path
        for day in days
        for path in (root / f"{day:%Y}" / f"{day:%m}" / f"{day:%d}").glob(glob)
        if path.is_file()
    ]
    found.sort(key=modified_time, reverse=True)
    if not found:
        return []
    session = _session(found[0])
    same = [p for p in found if session is not None and _session(p) == session]
    return (same or found[:1])[:MAX_FILES]


def _session(path: Path) -> str | None:
    match = SESSION.match(path.name)
    return match.group("session") if match else None
