"""respect-system-proxy-on: let Codex follow this computer's proxy settings.

Browsers on Windows and macOS follow the system's proxy settings, a proxy script (PAC/WPAD)
included; Codex by default reads the proxy variables first and never runs a proxy script
(openai/codex#26764, #36490). With `[features] respect_system_proxy = true` in
$CODEX_HOME/config.toml it asks the system first, as the browser does (PRs #26706-#26709; the
real Codex 0.169.0 reads exactly that key, tests/lab/test_codex_features.py). The edit changes
one line of config.toml (see toml_edit); the journal keeps the original for Undo. On Linux
Codex has no system settings to follow, so the fix does not apply there."""

from __future__ import annotations

from wizard.core.i18n import sentences, tr
from wizard.fixes.base import ChangeFix, FixContext
from wizard.fixes.plan import FixPlan
from wizard.fixes.toml_edit import TomlEditError, set_table_bool
from wizard.net.route import RESPECT_SYSTEM_PROXY, resolve_route
from wizard.platform.atomic import read_capped
from wizard.platform.file_edit import FileEdit

FEATURES = "features"
MAX_CONFIG_BYTES = 1_000_000


class RespectSystemProxyOn(ChangeFix):
    id = "respect-system-proxy-on"
    title = tr("respect_system_proxy", "Let Codex use this computer's proxy settings")
    purpose = tr(
        "respect_system_proxy",
        "Turns on respect_system_proxy in Codex's config.toml, so Codex follows the system's "
        "proxy settings (a proxy script included) the way the browser does.",
    )

    def plan(self, ctx: FixContext) -> FixPlan:
        env = ctx.env
        if env.platform not in ("windows", "darwin"):
            return self.not_applicable(
                tr(
                    "respect_system_proxy",
                    "On Linux Codex has no system proxy settings to follow (it reads only the "
                    "proxy variables), so this would change nothing.",
                )
            )
        path = env.codex_home() / ctx.profile["codex_files"]["config"]
        shown = env.display_path(path)
        try:
            before: bytes | None = read_capped(
                path, MAX_CONFIG_BYTES, tr("respect_system_proxy", "it is too large")
            )
        except FileNotFoundError:
            before = None
        try:
            after = set_table_bool(before, FEATURES, RESPECT_SYSTEM_PROXY, True)
        except (OSError, TomlEditError) as exc:
            return self.not_applicable(
                tr(
                    "respect_system_proxy",
                    "Codex's settings file {file} was not changed: {problem}.",
                    file=shown,
                    problem=str(exc),
                )
            )
        if after == before:
            return self.not_applicable(
                tr("respect_system_proxy", "Codex already follows the system's proxy settings.")
            )
        summary = tr(
            "respect_system_proxy",
            "Sets {key} = true under [{table}] in {file}, so Codex asks this computer's "
            "proxy settings first (a proxy script included), the way your browser does. "
            "Everything else in the file stays as it is; Undo puts the original back.",
            key=RESPECT_SYSTEM_PROXY,
            table=FEATURES,
            file=shown,
        )
        # A proxy script cannot be run here: then only signing in shows that Codex gets through.
        os_way = resolve_route(env, ctx.profile, ctx.target).os_way
        script = os_way is not None and os_way.pac
        if script:
            summary = sentences(
                summary,
                tr(
                    "respect_system_proxy",
                    "Your computer uses a proxy script, which Sign-in Doctor cannot run, so "
                    "only signing in again shows that Codex gets through.",
                ),
            )
        return FixPlan(
            self.id,
            self.title,
            summary,
            headline=tr(
                "respect_system_proxy",
                "Apply lets Codex use this computer's proxy settings, like your browser (a copy "
                "of Codex's settings is kept for Undo).",
            ),
            files=(FileEdit(path, shown, before, after),),
            restart=(
                tr(
                    "respect_system_proxy",
                    "Quit Codex completely (the app, the editor or the terminal you sign in "
                    "from) and start it again, then sign in.",
                ),
            ),
            rechecks=("proxy",) if script else ("proxy", "routes", "token_endpoint"),
        )


RESPECT_SYSTEM_PROXY_ON = RespectSystemProxyOn()
