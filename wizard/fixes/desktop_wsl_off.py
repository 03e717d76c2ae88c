"""desktop-wsl-off: set the Codex desktop app back to run on Windows itself.

With Settings > Agent environment = WSL (`runCodexInWindowsSubsystemForLinux`) or the
integrated terminal = WSL (`integratedTerminalShell`), sign-in stays on the consent page's
spinner; switching back to Windows completed it (openai/codex#37682, #42943). The edit changes
only the bytes of those two values in .codex-global-state.json (see jsonc_edit); the journal
keeps the original for Undo. The app rewrites that file while it runs, so the fix refuses while
the app is open."""

from __future__ import annotations

from wizard.core.i18n import sentences, tr
from wizard.fixes.base import ChangeFix, FixContext
from wizard.fixes.ide_wsl_off import plain_problem
from wizard.fixes.jsonc_edit import SettingsParseError, set_top_level_bool, set_top_level_string
from wizard.fixes.plan import FixPlan
from wizard.platform import desktop_app
from wizard.platform.file_edit import FileEdit

NOT_ON = tr("desktop_wsl_off", "The Codex app is not set to run inside WSL.")
NO_APP = tr("desktop_wsl_off", "The Codex app's settings file was not found on this computer.")


class DesktopWslOff(ChangeFix):
    id = "desktop-wsl-off"
    title = tr("desktop_wsl_off", "Run the Codex app on Windows instead of WSL")
    purpose = tr(
        "desktop_wsl_off",
        "Sets the Codex app's agent environment and terminal back to Windows when they are "
        "set to WSL.",
    )

    def plan(self, ctx: FixContext) -> FixPlan:
        env, keys = ctx.env, ctx.profile["desktop"]
        state = desktop_app.read_state(env, ctx.profile)
        shown = env.display_path(state.path)
        if not state.exists:
            return self.not_applicable(NO_APP)
        try:
            before = desktop_app.read_bytes(state.path)
            after = set_top_level_bool(before, keys["wsl_key"], False)
            if state.shell == keys["shell_wsl"]:
                after = set_top_level_string(after, keys["shell_key"], keys["shell_windows"])
        except (OSError, SettingsParseError) as exc:
            return self.not_applicable(
                tr(
                    "desktop_wsl_off",
                    "The Codex app's settings file {file} was not changed: {problem}.",
                    file=shown,
                    problem=plain_problem(exc),
                )
            )
        if after == before:
            return self.not_applicable(NOT_ON)
        running = desktop_app.running_app_names(env, ctx.profile)
        if running:
            return self.not_applicable(
                tr(
                    "desktop_wsl_off",
                    "The Codex app is open ({programs}). It rewrites its settings when it "
                    "closes, so the change would be lost. Quit the Codex app (also from the "
                    "notification area), then try again.",
                    programs=", ".join(running),
                )
            )
        return FixPlan(
            self.id,
            self.title,
            sentences(
                tr(
                    "desktop_wsl_off",
                    "Sets {wsl_key} to false and, if it is WSL, {shell_key} to {shell} in {file}, "
                    "so the Codex app runs on Windows itself, where the browser returns after "
                    "you sign in. Everything else in the file stays as it is; Undo puts the "
                    "original back.",
                    wsl_key=keys["wsl_key"],
                    shell_key=keys["shell_key"],
                    shell=keys["shell_windows"],
                    file=shown,
                )
            ),
            headline=tr(
                "desktop_wsl_off",
                "Apply sets the Codex app back to run on Windows instead of WSL (a copy of its "
                "settings is kept for Undo).",
            ),
            files=(FileEdit(state.path, shown, before, after),),
            restart=(
                tr(
                    "desktop_wsl_off",
                    "Open the Codex app again and sign in. If it still waits, restart the "
                    "computer once so WSL is shut down.",
                ),
            ),
            rechecks=("wsl",),
        )


DESKTOP_WSL_OFF = DesktopWslOff()
