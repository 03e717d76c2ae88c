"""One file a change will write, as a person previews it: where, before and after, and the
diff without a secret in it. A fix's plan holds these; so does a platform's place for
per-user variables (a shell profile, `environment.d`)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from wizard.report.redact import hide_assigned_values, redact_secrets


@dataclass(frozen=True)
class FileEdit:
    path: Path  # the file actually written (a symlink's target, resolved)
    shown_as: str  # how people see it (home shown as ~; "-> target" for a symlink)
    before: bytes | None  # None: the file does not exist yet
    after: bytes | None  # None: the file is removed
    preview: str | None = None  # shown instead of the diff (a generated file, e.g. a bundle)
    hidden: tuple[str, ...] = ()  # variables whose values the diff never shows

    def diff(self) -> str:
        old = _lines(self.before)
        new = _lines(self.after)
        label_old = self.shown_as if self.before is not None else "/dev/null"
        label_new = self.shown_as if self.after is not None else "/dev/null"
        text = redact_secrets("".join(difflib.unified_diff(old, new, label_old, label_new, n=2)))
        return hide_assigned_values(text, self.hidden)


def _lines(data: bytes | None) -> list[str]:
    if data is None:
        return []
    text = data.decode("utf-8", errors="replace")
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines
