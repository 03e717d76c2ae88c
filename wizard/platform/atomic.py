"""Writes that leave either the old file or the new one, never half of either."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from wizard.core.i18n import tr


def read_capped(path: Path, limit: int, too_large: str) -> bytes:
    """The file's exact bytes, for an edit that must change only some of them; OSError with
    `too_large` beyond `limit` bytes (then it is not the file we expect)."""
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise OSError(too_large)
    return data


class WriteRefused(OSError):
    """A file we must not or cannot write; the message says why, in plain words."""


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to a temp file beside `path`, flush it to disk, then rename it over `path`.
    A crash at any point leaves the original intact. Keeps the original's permission bits."""
    directory = path.parent
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    if mode is not None and not mode & 0o200:
        raise WriteRefused(tr("atomic", "{file} is read-only; nothing was changed", file=str(path)))
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except PermissionError:
        raise WriteRefused(
            tr(
                "atomic",
                "no permission to write in {folder}; nothing was changed",
                folder=str(directory),
            )
        ) from None
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def atomic_remove(path: Path) -> None:
    path.unlink(missing_ok=True)
