"""ca-env-repair: a certificate variable that points at nothing (or at a file that hides this
computer's certificate store) is taken out wherever it is persisted - or pointed at the file
the user gives with --extra-ca.

Codex's token exchange fails when its CA file (CODEX_CA_CERTIFICATE, else SSL_CERT_FILE) is
missing, unreadable or holds no PEM certificate; with a CA file in use, a stale SSL_CERT_FILE or
SSL_CERT_DIR replaces the OS store (openai/codex#40839). Removing the variable lets Codex use
this computer's store again."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from wizard.core.findings.certificates import CaEnvFindings, TlsFindings
from wizard.core.i18n import tr
from wizard.fixes.base import ChangeFix, FixContext
from wizard.fixes.env_places import (
    RESTART,
    Stale,
    check_result,
    clean_up,
    findings_of,
    sentences,
    unplaced_note,
    where_text,
)
from wizard.fixes.plan import FixPlan
from wizard.net.ca_variables import DIR_VARIABLES, WARN_ONLY
from wizard.net.trust import PemError, ca_settings, read_cert_dir, read_pem_certificates

HIDES_OS_STORE = "ssl_cert_file_hides_os_store"


class CaEnvRepair(ChangeFix):
    id = "ca-env-repair"
    title = tr("ca_env_repair", "Repair a broken certificate setting")
    purpose = tr(
        "ca_env_repair", "Removes or corrects a certificate setting that points at nothing."
    )

    def plan(self, ctx: FixContext) -> FixPlan:
        env = ctx.env
        problems = _problems(ctx)
        if not problems:
            return self.not_applicable(
                tr(
                    "ca_env_repair",
                    "Your certificate settings point at usable files; there is nothing to repair.",
                )
            )
        extra: str | None = None
        count = 0
        if ctx.extra_ca is not None:
            try:
                count = len(read_pem_certificates(ctx.extra_ca))
            except PemError as exc:
                shown = env.display_path(ctx.extra_ca)
                return self.not_applicable(
                    tr(
                        "ca_env_repair",
                        "The file you gave ({file}) cannot be used: {problem}. Codex needs a PEM "
                        "file (text starting with -----BEGIN CERTIFICATE-----); the `ca-bundle` "
                        "fix can convert other formats.",
                        file=shown,
                        problem=exc.problem,
                    )
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
                action = tr(
                    "ca_env_repair",
                    "points it at {file} instead",
                    file=env.display_path(item.replace_with),
                )
                if item.name in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE") and count < 10:
                    action = tr(
                        "ca_env_repair",
                        "points it at {file} instead (that file holds {count} certificate(s) "
                        "and {name} replaces the whole list of trusted certificates; if it is "
                        "only your organisation's root, the `ca-bundle` fix is the better choice)",
                        file=env.display_path(item.replace_with),
                        count=count,
                        name=item.name,
                    )
            else:
                action = tr("ca_env_repair", "turns it off")
            line = (
                tr(
                    "ca_env_repair",
                    "This {action} in {places}.",
                    action=action,
                    places=where_text(places),
                )
                if places
                else tr("ca_env_repair", "This {action}.", action=action)
            )
            lines.append(sentences(info["problem"], line))
        if not cleanup.files and not cleanup.env:
            return self.not_applicable(
                sentences(
                    tr("ca_env_repair", "Nothing to change in a place Sign-in Doctor knows."),
                    unplaced_note(env, cleanup.unplaced),
                )
            )
        after = (
            tr("ca_env_repair", "Codex then uses the file you gave.")
            if extra
            else tr("ca_env_repair", "Codex then uses this computer's own certificate store.")
        )
        summary = sentences(*lines, after, unplaced_note(env, cleanup.unplaced))
        return FixPlan(
            fix_id=self.id,
            title=self.title,
            summary=summary,
            files=cleanup.files,
            env=cleanup.env,
            restart=(RESTART,),
            rechecks=("ca_env", "tls", "codex_probe"),
            data={"variables": sorted(problems)},
        )


def _problems(ctx: FixContext) -> dict[str, dict[str, Any]]:
    """Variable -> what is wrong with it, how to recognise its stale values, and the reason
    written above every line that is turned off."""
    env = ctx.env
    found: dict[str, dict[str, Any]] = {}
    ca_env = findings_of(ctx, CaEnvFindings)
    variables = ca_env.variables if ca_env else {}
    for name, info in variables.items():
        problem = info.problem
        if not problem or name in WARN_ONLY:
            continue
        if name in DIR_VARIABLES and info.is_dir and info.readable:
            continue  # a folder without hashed files: Codex falls back, the check only warns
        shown = info.path or "?"
        problem_text = (
            tr(
                "ca_env_repair",
                "{name} (in Codex's .env file) points at {path}, but {problem}.",
                name=name,
                path=shown,
                problem=problem,
            )
            if info.source == ".env"
            else tr(
                "ca_env_repair",
                "{name} points at {path}, but {problem}.",
                name=name,
                path=shown,
                problem=problem,
            )
        )
        found[name] = {
            "problem": problem_text,
            "reason": tr(
                "ca_env_repair",
                "{name} pointed at a file that cannot be used ({problem})",
                name=name,
                problem=problem,
            ),
            "matches": _broken_matcher(name),
        }
    tls = check_result(ctx, "tls", run_if_missing=False)
    if tls is not None and HIDES_OS_STORE in tls.faults:
        hiding = tls.typed(TlsFindings)
        name = (hiding.hiding_variable() if hiding else None) or "SSL_CERT_FILE"
        setting = ca_settings(env, ctx.profile).get(name)
        if setting is not None and name not in found:
            path = setting.path(env)
            host = ctx.target.host
            found[name] = {
                "problem": tr(
                    "ca_env_repair",
                    "{name} ({path}) replaces this computer's certificate store for Codex and "
                    "does not trust {host}; the computer's store does.",
                    name=name,
                    path=env.display_path(path),
                    host=host,
                ),
                "reason": tr(
                    "ca_env_repair",
                    "{name} replaced this computer's certificate store with a file that does "
                    "not trust {host}",
                    name=name,
                    host=host,
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
