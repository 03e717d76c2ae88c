"""ide-wsl-off: turn off "Run Codex In Windows Subsystem For Linux" in every editor that has it.

With `chatgpt.runCodexInWindowsSubsystemForLinux` on, the Codex extension runs Codex inside
WSL and the browser's return to localhost lands on Windows' wslrelay.exe instead (seed 000,
openai/codex#6413). The edit changes only the bytes of that value (see jsonc_edit); a file that
does not parse is never written, and the person is told which file and line to correct."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from wizard.core.i18n import and_list, sentences, tr
from wizard.fixes.base import FixContext
from wizard.fixes.jsonc_edit import SettingsParseError, set_top_level_bool
from wizard.fixes.plan import FixPlan
from wizard.platform.atomic import read_capped
from wizard.platform.editors import MAX_SETTINGS_BYTES, read_editor_settings
from wizard.platform.file_edit import FileEdit

NONE_ON = tr("ide_wsl_off", "None of your editors runs Codex inside WSL.")
# When the diagnosis proved Codex runs in WSL (the relay holds the port, or a log says so),
# "none of your editors" would contradict it: the setting is somewhere this fix cannot read.
NOT_FOUND = tr(
    "ide_wsl_off",
    "Sign-in Doctor found the setting turned on in none of the editor settings files it can "
    "read, so it cannot turn it off for you: the editor that runs Codex inside WSL keeps it "
    "elsewhere (a profile, a workspace or a remote window). Turn it off by hand.",
)


@dataclass
class _Target:
    """One real file (several editors may share it through symlinks)."""

    path: Path  # resolved: the file actually written
    shown_as: str
    editors: list[str] = field(default_factory=list)


class IdeWslOff:
    id = "ide-wsl-off"
    title = tr("ide_wsl_off", "Stop running Codex inside WSL")

    def plan(self, ctx: FixContext) -> FixPlan:
        env = ctx.env
        key = ctx.profile["ide"]["wsl_setting"]
        targets: dict[Path, _Target] = {}
        for found in read_editor_settings(env, ctx.profile):
            real = found.path.resolve()
            shown = env.display_path(found.path)
            if found.path.is_symlink():
                shown += f" -> {env.display_path(real)}"
            target = targets.setdefault(real, _Target(real, shown))
            target.editors.append(found.editor_name)

        edits: list[FileEdit] = []
        fixed_editors: list[str] = []
        problems: list[str] = []
        for target in targets.values():
            owner = and_list(target.editors)
            try:
                before = _read(target.path)
                after = set_top_level_bool(before, key, False)
            except (OSError, SettingsParseError) as exc:
                problems.append(
                    tr(
                        "ide_wsl_off",
                        "{editor}'s settings file {file} was not changed: {problem}. "
                        "Correct it by hand (or in {editor}), then run this fix again.",
                        editor=owner,
                        file=target.shown_as,
                        problem=plain_problem(exc),
                    )
                )
                continue
            if after != before:
                edits.append(FileEdit(target.path, target.shown_as, before, after))
                fixed_editors.extend(target.editors)

        skipped = tuple(problems)
        if not edits:
            reason = sentences(*skipped) if skipped else _none_on(ctx)
            return FixPlan(
                self.id,
                self.title,
                tr(
                    "ide_wsl_off",
                    "Turns off 'Run Codex In Windows Subsystem For Linux' in every editor where "
                    "it is on.",
                ),
                applicable=False,
                reason=reason,
                data={"problems": list(skipped)},
            )

        editors = list(dict.fromkeys(fixed_editors))
        parts = [
            tr(
                "ide_wsl_off",
                "Turns off 'Run Codex In Windows Subsystem For Linux' ({key}) in {editors}, so "
                "the Codex extension runs on Windows itself and the browser's return after "
                "signing in reaches it.",
                key=key,
                editors=and_list(editors),
            )
        ]
        if env.platform != "windows":
            parts.append(
                tr(
                    "ide_wsl_off",
                    "Note: the extension only uses this setting on Windows, so on this computer "
                    "turning it off tidies up but does not change how sign-in works.",
                )
            )
        summary = sentences(*parts, *skipped)
        return FixPlan(
            self.id,
            self.title,
            summary,
            headline=tr(
                "ide_wsl_off",
                "Apply turns off 'Run Codex In Windows Subsystem For Linux' in {editors}, so "
                "Codex runs on Windows, where the browser sends you back after signing in.",
                editors=and_list(editors),
            ),
            files=tuple(edits),
            # An unreadable file is also something to do afterwards, so the applied message
            # (which lists `restart`) names it too.
            restart=_reload_steps(editors, env.platform) + skipped,
            rechecks=("ide_settings", "callback_port"),
            data={"editors": editors, "problems": list(skipped)},
        )

    def run_actions(self, ctx: FixContext, plan: FixPlan) -> list[str]:
        return []


def _none_on(ctx: FixContext) -> str:
    verdict = ctx.diagnosis.verdict if ctx.diagnosis is not None else None
    # The desktop app's state file (the wsl check) proves it without any editor.
    proved = verdict is not None and verdict.cause == "wsl_relay" and "wsl" not in verdict.evidence
    return NOT_FOUND if proved else NONE_ON


def _read(path: Path) -> bytes:
    return read_capped(
        path, MAX_SETTINGS_BYTES, tr("ide_wsl_off", "too large to be a settings file")
    )


def plain_problem(exc: Exception) -> str:
    if isinstance(exc, SettingsParseError):
        return tr(
            "ide_wsl_off",
            "it has a mistake at line {line}, column {column} ({problem})",
            line=exc.line,
            column=exc.column,
            problem=exc.problem,
        )
    if isinstance(exc, OSError) and exc.strerror:
        return tr("ide_wsl_off", "it cannot be read ({error})", error=exc.strerror)
    if isinstance(exc, OSError) and exc.args and isinstance(exc.args[0], str):
        return tr("ide_wsl_off", "it cannot be read ({error})", error=exc.args[0])
    return tr("ide_wsl_off", "it cannot be read ({error})", error=str(exc))


def _reload_steps(editors: Sequence[str], platform: str) -> tuple[str, ...]:
    keys = "Cmd+Shift+P" if platform == "darwin" else "Ctrl+Shift+P"
    return tuple(
        tr(
            "ide_wsl_off",
            "In {editor}: press {keys}, run 'Developer: Reload Window' (or restart {editor}), "
            "then sign in again.",
            editor=name,
            keys=keys,
        )
        for name in editors
    )


IDE_WSL_OFF = IdeWslOff()
