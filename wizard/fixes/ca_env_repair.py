"""ca-env-repair: a certificate variable that points at nothing (or at a file that hides this
computer's certificate store) is taken out wherever it is persisted - or pointed at the file
the user gives with --extra-ca.

Codex stops before any request when CODEX_CA_CERTIFICATE or SSL_CERT_FILE is missing,
unreadable or holds no PEM certificate; a stale SSL_CERT_FILE that loads replaces the OS store
(openai/codex#40839). Removing the variable lets Codex use this computer's store again."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from wizard.checks.ca_env import DIR_VARIABLES, WARN_ONLY
from wizard.checks.trust import PemError, ca_settings, read_cert_dir, read_pem_certificates
from wizard.fixes.base import FixContext
from wizard.fixes.env_places import Stale, check_result, clean_up, unplaced_note, where_text
from wizard.fixes.plan import FixPlan

RESTART = (
    "Fully quit and restart your editor (and terminals): they read variables only when they start."
)
HIDES_OS_STORE = "ssl_cert_file_hides_os_store"


class CaEnvRepair:
    id = "ca-env-repair"
    title = "Repair a broken certificate setting"

    def plan(self, ctx: FixContext) -> FixPlan:
        env = ctx.env
        problems = _problems(ctx)
        if not problems:
            return self._not_applicable(
                "Your certificate settings point at usable files; there is nothing to repair."
            )
        extra: str | None = None
        count = 0
        if ctx.extra_ca is not None:
            try:
                count = len(read_pem_certificates(ctx.extra_ca))
            except PemError as exc:
                shown = env.display_path(ctx.extra_ca)
                return self._not_applicable(
                    f"The file you gave ({shown}) cannot be used: {exc}. Codex needs a PEM file "
                    "(text starting with -----BEGIN CERTIFICATE-----); the `ca-bundle` fix can "
                    "convert other formats."
                )
            extra = str(ctx.extra_ca.resolve())

        stale: list[Stale] = []
        lines: list[str] = []
        for name, info in problems.items():
            replace = extra if extra and name not in DIR_VARIABLES else None
            stale.append(Stale(name, info["matches"], info["reason"], replace))
        cleanup = clean_up(ctx, stale)
        for item in stale:
            info = problems[item.name]
            places = cleanup.places.get(item.name)
            if item.replace_with:
                action = f"points it at {env.display_path(item.replace_with)} instead"
                if item.name in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE") and count < 10:
                    action += (
                        f" (that file holds {count} certificate(s) and {item.name} replaces "
                        "the whole list of trusted certificates; if it is only your "
                        "organisation's root, the `ca-bundle` fix is the better choice)"
                    )
            else:
                action = "turns it off"
            where = f" in {where_text(places)}" if places else ""
            lines.append(f"{info['problem']} This {action}{where}.")
        if not cleanup.files and not cleanup.env:
            return self._not_applicable(
                "Nothing to change in a place Sign-in Doctor knows."
                + unplaced_note(env, cleanup.unplaced)
            )
        after = (
            "Codex then uses the file you gave."
            if extra
            else "Codex then uses this computer's own certificate store."
        )
        summary = " ".join([*lines, after]) + unplaced_note(env, cleanup.unplaced)
        return FixPlan(
            fix_id=self.id,
            title=self.title,
            summary=summary,
            files=cleanup.files,
            env=cleanup.env,
            restart=(RESTART,),
            rechecks=("ca_env", "tls"),
            data={"variables": sorted(problems)},
        )

    def run_actions(self, ctx: FixContext, plan: FixPlan) -> list[str]:
        return []

    def _not_applicable(self, reason: str) -> FixPlan:
        return FixPlan(
            self.id,
            self.title,
            "Removes or corrects a certificate setting that points at nothing.",
            applicable=False,
            reason=reason,
        )


def _problems(ctx: FixContext) -> dict[str, dict[str, Any]]:
    """Variable -> what is wrong with it, how to recognise its stale values, and the reason
    written above every line that is turned off."""
    env = ctx.env
    found: dict[str, dict[str, Any]] = {}
    ca_env = check_result(ctx, "ca_env")
    variables = ca_env.evidence.get("variables", {}) if ca_env else {}
    for name, info in variables.items():
        problem = info.get("problem") if isinstance(info, dict) else None
        if not problem or name in WARN_ONLY:
            continue
        if name in DIR_VARIABLES and info.get("is_dir") and info.get("readable"):
            continue  # a folder without hashed files: Codex falls back, the check only warns
        shown = info.get("path") or "?"
        source = " (in Codex's .env file)" if info.get("source") == ".env" else ""
        found[name] = {
            "problem": f"{name}{source} points at {shown}, but {problem}.",
            "reason": f"{name} pointed at a file that cannot be used ({problem})",
            "matches": _broken_matcher(name),
        }
    tls = check_result(ctx, "tls", run_if_missing=False)
    if tls is not None and HIDES_OS_STORE in tls.faults:
        facts = tls.evidence.get("facts", {})
        name = str(facts.get("variable", "SSL_CERT_FILE"))
        setting = ca_settings(env, ctx.profile).get(name)
        if setting is not None and name not in found:
            path = setting.path(env)
            host = facts.get("host", ctx.target.host)
            found[name] = {
                "problem": (
                    f"{name} ({env.display_path(path)}) replaces this computer's certificate "
                    f"store for Codex and does not trust {host}; the computer's store does."
                ),
                "reason": (
                    f"{name} replaced this computer's certificate store with a file "
                    f"that does not trust {host}"
                ),
                "matches": _same_path_or_broken(name, path),
            }
    return found


def _broken_matcher(name: str) -> Callable[[str], bool]:
    def matches(value: str) -> bool:
        if "$" in value:
            return True  # built from other variables: it is this broken setting's definition
        return _broken(name, Path(value))

    return matches


def _same_path_or_broken(name: str, path: Path) -> Callable[[str], bool]:
    broken = _broken_matcher(name)

    def matches(value: str) -> bool:
        return Path(value) == path or broken(value)

    return matches


def _broken(name: str, path: Path) -> bool:
    try:
        if name in DIR_VARIABLES:
            return not read_cert_dir(path)
        read_pem_certificates(path)
    except PemError:
        return True
    return False


CA_ENV_REPAIR = CaEnvRepair()
