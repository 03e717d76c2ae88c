"""What a fix will change, shown before anything is touched (a diff for files, NAME=VALUE for
variables, the apps to restart), and what it did afterwards."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wizard.core.i18n import Translator, join, localize, tr
from wizard.platform.file_edit import FileEdit
from wizard.report.redact import REDACTED, redact_secrets

NO_CHANGE = tr("plan", "  (no change)")


@dataclass(frozen=True)
class EnvEdit:
    """A per-user environment variable, persisted where the platform keeps them."""

    name: str
    before: str | None  # the persisted value now (None: not set)
    after: str | None  # None: removed
    secret: bool = False  # a sign-in variable: its values are never shown

    def render(self) -> str:
        if self.after is None:
            if self.before:
                return tr(
                    "plan",
                    "unset {name}   (was {value})",
                    name=self.name,
                    value=self.shown(self.before),
                )
            return f"unset {self.name}"
        return f"{self.name}={self.shown(self.after)}"

    def shown(self, value: str) -> str:
        """The value as a preview shows it: whole, unless it is a secret (by its name,
        OPENAI_API_KEY, or its look, a token or a URL's password; or a sign-in variable)."""
        return REDACTED if self.secret else redact_secrets(f"{self.name}={value}").split("=", 1)[1]


@dataclass(frozen=True)
class FixPlan:
    fix_id: str
    title: str
    summary: str  # plain words: what will happen and why
    files: tuple[FileEdit, ...] = ()
    env: tuple[EnvEdit, ...] = ()
    actions: tuple[str, ...] = ()  # effects that are not files or variables (stop a process)
    restart: tuple[str, ...] = ()  # what must be restarted or reloaded afterwards
    steps: tuple[str, ...] = ()  # guidance: exact steps for the user
    commands: tuple[str, ...] = ()  # guidance: commands to copy
    rechecks: tuple[str, ...] = ()  # check ids that prove the fix worked
    applicable: bool = True
    reason: str = ""  # why it is not applicable
    other_platform: bool = False  # steps for another operating system: the window leaves them out
    guidance_only: bool = False
    data: dict[str, Any] = field(default_factory=dict)  # for the fix's own apply step
    # The plan in one or two sentences for the window's main card, without paths, ids,
    # fingerprints or commands (those stay in `summary`, shown under Details). Empty: the
    # summary is plain already.
    headline: str = ""

    @property
    def changes_anything(self) -> bool:
        return bool(self.files or self.env or self.actions)

    def render(self, translate: Translator | None = None) -> str:
        """The preview a person consents to, in the translator's language (file contents and
        diffs stay as they will be written)."""

        def t(value: Any) -> str:
            return str(localize(value, translate))

        parts = [t(self.title), f"  {t(self.summary)}"]
        if not self.applicable:
            parts.append("  " + t(tr("plan", "Not applicable: {reason}", reason=self.reason)))
        for edit in self.files:
            shown = t(edit.preview) if edit.preview else edit.diff() or t(NO_CHANGE)
            head = t(tr("plan", "File {file}:", file=edit.shown_as))
            parts.append(f"\n{head}\n{shown}")
        if self.env:
            parts.append("\n" + t(tr("plan", "Variables for your user account:")))
            parts.extend(f"  {t(e.render())}" for e in self.env)
        if self.actions:
            parts.append("\n" + t(tr("plan", "Actions:")))
            parts.extend(f"  - {t(a)}" for a in self.actions)
        if self.steps:
            parts.append("\n" + t(tr("plan", "Steps:")))
            parts.extend(f"  {i}. {t(s)}" for i, s in enumerate(self.steps, 1))
        if self.commands:
            parts.append("\n" + t(tr("plan", "Commands:")))
            parts.extend(f"  {c}" for c in self.commands)
        if self.restart:
            parts.append("\n" + t(tr("plan", "Afterwards: {steps}", steps=join(self.restart))))
        return "\n".join(parts)


@dataclass(frozen=True)
class FixResult:
    fix: str
    applied: bool
    changed_files: tuple[str, ...]
    env: dict[str, str | None]
    backup: str | None  # the journal entry that `undo` restores
    message: str
    verdict: dict[str, Any] | None = None  # the verdict after the automatic re-check
    rechecked: tuple[dict[str, Any], ...] = ()  # the plan's proving checks, as re-run

    def to_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "fix": self.fix,
            "applied": self.applied,
            "changed_files": list(self.changed_files),
            "env": dict(self.env),
            "backup": self.backup,
            "message": self.message,
        }
        if self.verdict is not None:
            document["verdict"] = self.verdict
        if self.rechecked:
            document["rechecked"] = list(self.rechecked)
        return document
