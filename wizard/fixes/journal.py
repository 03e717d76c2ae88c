"""The undo journal: every applied fix leaves an entry with the exact bytes of each file it
changed and the previous value (or absence) of each variable, so `undo --last` restores them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from wizard.fixes.plan import FixPlan
from wizard.platform.atomic import atomic_write


@dataclass
class JournalEntry:
    folder: Path
    data: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.data["id"])

    def backup_bytes(self, index: int) -> bytes | None:
        record = self.data["files"][index]
        if not record["existed"]:
            return None
        return (self.folder / record["backup"]).read_bytes()

    def save(self) -> None:
        text = json.dumps(self.data, indent=2, ensure_ascii=False) + "\n"
        atomic_write(self.folder / "entry.json", text.encode("utf-8"))


class Journal:
    def __init__(self, root: Path) -> None:
        self.root = root

    def begin(self, plan: FixPlan) -> JournalEntry:
        """Record the originals BEFORE anything is written (state "applying")."""
        # hashlib loads OpenSSL's libcrypto (3.5 MB): the window pays for it only once it applies.
        import hashlib

        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        folder = self.root / f"{stamp}-{plan.fix_id}"
        folder.mkdir(parents=True, exist_ok=False)
        files = []
        for index, edit in enumerate(plan.files):
            record: dict[str, Any] = {
                "path": str(edit.path),
                "shown_as": edit.shown_as,
                "existed": edit.before is not None,
                "backup": None,
            }
            if edit.before is not None:
                record["backup"] = f"file-{index}.bin"
                atomic_write(folder / record["backup"], edit.before)
                record["sha256_before"] = hashlib.sha256(edit.before).hexdigest()
            if edit.after is not None:
                record["sha256_after"] = hashlib.sha256(edit.after).hexdigest()
            files.append(record)
        entry = JournalEntry(
            folder,
            {
                "id": folder.name,
                "fix": plan.fix_id,
                "title": plan.title,
                "created_at": stamp,
                "state": "applying",
                "files": files,
                "env": [
                    {"name": e.name, "before": e.before, "after": e.after, "secret": e.secret}
                    for e in plan.env
                ],
                "actions": list(plan.actions),
            },
        )
        entry.save()
        return entry

    def entries(self) -> list[JournalEntry]:
        if not self.root.is_dir():
            return []
        found = []
        for entry_file in sorted(self.root.glob("*/entry.json")):
            try:
                data = json.loads(entry_file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue  # a damaged entry is skipped, never fatal
            found.append(JournalEntry(entry_file.parent, data))
        return found

    def last_undoable(self) -> JournalEntry | None:
        """The newest entry that changed something and was not undone yet."""
        for entry in reversed(self.entries()):
            if not entry.data.get("files") and not entry.data.get("env"):
                continue  # only actions (a process stopped): nothing that undo could restore
            if entry.data.get("state") in ("applied", "applying"):
                return entry
        return None
