"""The help-desk case file: report.json, report.html and report.md in one folder, one case id.

Everything is redacted again here, whatever the caller did: this is the last stop before the
files leave the machine. Each file is written to a temp file beside it and renamed, so a reader
never sees half a report. Files are created private to the user (mode 0600 on Unix); the user
attaches them to a ticket themselves."""

from __future__ import annotations

import errno
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from wizard.core.i18n import Translator, tr
from wizard.platform.atomic import WriteRefused, atomic_write
from wizard.report.case_id import is_case_id, new_case_id
from wizard.report.html import render_html
from wizard.report.markdown import render_markdown
from wizard.report.redact import redact_document

FILE_NAMES = ("report.json", "report.html", "report.md")
NOT_A_FOLDER = tr("case_file", "it is a file, not a folder")


class CaseFileError(OSError):
    """The case file cannot be written; str() is the plain reason, errno says which."""

    def __str__(self) -> str:
        return str(self.strerror)


@dataclass(frozen=True)
class CaseFile:
    case_id: str
    files: tuple[Path, ...]  # report.json, report.html, report.md

    @property
    def directory(self) -> Path:
        return self.files[0].parent


def case_document(
    document: Mapping[str, Any], case_id: str | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """The redacted document with its case id and time of writing (what report.json holds)."""
    existing = document.get("case_id")
    chosen = case_id or (existing if isinstance(existing, str) and is_case_id(existing) else None)
    stamp = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0).isoformat()
    body = {k: v for k, v in document.items() if k not in ("case_id", "generated_at")}
    return {"case_id": chosen or new_case_id(), "generated_at": stamp, **redact_document(body)}


def write_case_file(
    document: Mapping[str, Any],
    out_dir: Path | str,
    *,
    case_id: str | None = None,
    now: datetime | None = None,
    translate: Translator | None = None,
) -> CaseFile:
    """Write the three files into `out_dir` (created with its parents). Raises OSError with a
    plain message when the folder cannot be made or written. The document's texts are already
    in its language (its "lang"); `translate` (default: the one for that "lang") puts the
    HTML and Markdown files' own words in the same language."""
    full = case_document(document, case_id, now)
    return write_files(Path(out_dir), full["case_id"], render_files(full, translate))


def render_files(full: Mapping[str, Any], translate: Translator | None) -> dict[str, bytes]:
    """The case file's exact bytes by file name, from the finished (redacted) document."""
    texts = (
        json.dumps(full, indent=2, ensure_ascii=False) + "\n",
        render_html(full, translate),
        render_markdown(full, translate),
    )
    return {name: text.encode("utf-8") for name, text in zip(FILE_NAMES, texts, strict=True)}


def write_files(folder: Path, case_id: str, files: Mapping[str, bytes]) -> CaseFile:
    """Write exactly `files` into `folder` (each atomically; new files private to the user)."""
    _make_folder(folder)
    paths = tuple(folder / name for name in FILE_NAMES)
    for path in paths:
        _atomic_write(path, files[path.name])
    return CaseFile(case_id, paths)


def _make_folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise CaseFileError(errno.ENOTDIR, NOT_A_FOLDER)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise CaseFileError(errno.ENOTDIR, NOT_A_FOLDER) from None
    except NotADirectoryError:
        raise CaseFileError(
            errno.ENOTDIR, tr("case_file", "part of that path is a file, not a folder")
        ) from None
    except PermissionError:
        raise CaseFileError(
            errno.EACCES, tr("case_file", "no permission to create that folder")
        ) from None
    except OSError as exc:
        raise CaseFileError(
            exc.errno,
            tr(
                "case_file",
                "the folder cannot be created ({error})",
                error=str(exc.strerror or exc),
            ),
        ) from None


def _atomic_write(path: Path, data: bytes) -> None:
    """The shared atomic writer, with its failures said the way the case file says them."""
    try:
        atomic_write(path, data)
    except IsADirectoryError:
        raise CaseFileError(
            errno.EISDIR, tr("case_file", "{name} there is a folder", name=path.name)
        ) from None
    except (WriteRefused, PermissionError):
        raise CaseFileError(
            errno.EACCES, tr("case_file", "no permission to write in that folder")
        ) from None
    except OSError as exc:
        if path.is_dir():
            raise CaseFileError(
                errno.EISDIR, tr("case_file", "{name} there is a folder", name=path.name)
            ) from None
        raise CaseFileError(
            exc.errno,
            tr(
                "case_file",
                "cannot write {name} ({error})",
                name=path.name,
                error=str(exc.strerror or exc),
            ),
        ) from None
