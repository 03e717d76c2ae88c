"""Certificate settings: every CA variable that is set must point at something usable.

Codex stops before any request when CODEX_CA_CERTIFICATE or SSL_CERT_FILE is missing,
unreadable or holds no PEM certificate (custom_ca.rs); SSL_CERT_FILE / SSL_CERT_DIR also replace
the OS store for Codex's roots (rustls-native-certs), from the environment or from
`$CODEX_HOME/.env`. REQUESTS_CA_BUNDLE breaks Python tools the same way; NODE_EXTRA_CA_CERTS is
not read by Codex, so a broken one only warns."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.core.engine import CheckContext
from wizard.core.i18n import and_list, join, sentences, tr
from wizard.core.model import Outcome, Status

if TYPE_CHECKING:
    from wizard.checks.trust import CaSetting

WARN_ONLY = frozenset({"NODE_EXTRA_CA_CERTS"})  # Codex does not read it
DIR_VARIABLES = frozenset({"SSL_CERT_DIR"})


def check_ca_env(ctx: CheckContext) -> Outcome:
    from wizard.checks.trust import ca_settings  # the crypto stack loads when checks run

    env, profile = ctx.env, ctx.profile
    settings = ca_settings(env, profile)
    variables: dict[str, dict[str, Any]] = {}
    broken: list[tuple[CaSetting, str]] = []
    soft: list[tuple[CaSetting, str]] = []
    for name in profile.env_names("ca"):
        setting = settings.get(name)
        if setting is None:
            variables[name] = _unset()
            continue
        info = _inspect(setting, setting.path(env), env.display_path(setting.path(env)))
        variables[name] = info
        if info["problem"] is None:
            continue
        if name in WARN_ONLY:
            soft.append((setting, info["problem"]))
        elif name in DIR_VARIABLES and info["exists"] and info["readable"] and info["is_dir"]:
            soft.append((setting, info["problem"]))  # no usable files: Codex falls back
        else:
            broken.append((setting, info["problem"]))
    evidence: dict[str, Any] = {"variables": variables}

    def where(setting: CaSetting) -> str:
        if setting.dotenv:
            return tr("ca_env", "{name} (in {dotenv})", name=setting.name, dotenv=setting.dotenv)
        return setting.name

    if broken:
        setting, problem = broken[0]
        path = env.display_path(setting.path(env))
        evidence["facts"] = {
            "variable": where(setting),
            "variable_name": setting.name,
            "path": path,
            "problem": problem,
        }
        summary = tr(
            "ca_env",
            "{variable} points at {path}, but {problem}.",
            variable=where(setting),
            path=path,
            problem=problem,
        )
        if len(broken) > 1:
            more = tr("ca_env", "({count} more broken)", count=len(broken) - 1)
            summary = sentences(summary, more)
        return Outcome(Status.FAIL, summary, evidence, ("ca_var_broken",))
    replacing = [settings[n] for n in profile.env_names("replaces_os_store") if n in settings]
    usable_replacing = [s for s in replacing if variables[s.name]["problem"] is None]
    if soft:
        setting, problem = soft[0]
        path = env.display_path(setting.path(env))
        why = (
            tr("ca_env", "Codex ignores it, other tools may not")
            if setting.name in WARN_ONLY
            else tr("ca_env", "Codex ignores it and uses this computer's store")
        )
        summary = tr(
            "ca_env",
            "{variable} points at {path}, but {problem} ({why}).",
            variable=where(setting),
            path=path,
            problem=problem,
            why=why,
        )
        return Outcome(Status.WARN, summary, evidence)
    if usable_replacing:
        names = and_list([where(s) for s in usable_replacing])
        summary = (
            tr(
                "ca_env",
                "{names} replaces your computer's certificate store for Codex.",
                names=names,
            )
            if len(usable_replacing) == 1
            else tr(
                "ca_env",
                "{names} replace your computer's certificate store for Codex.",
                names=names,
            )
        )
        return Outcome(Status.WARN, summary, evidence)
    if settings:
        names = join([where(s) for s in settings.values()], tr("words", ", "))
        return Outcome(
            Status.PASS,
            tr("ca_env", "Your certificate settings point at valid files ({names}).", names=names),
            evidence,
        )
    return Outcome(
        Status.PASS,
        tr("ca_env", "No certificate settings; Codex uses this computer's certificate store."),
        evidence,
    )


def _unset() -> dict[str, Any]:
    return {
        "set": False,
        "path": None,
        "exists": None,
        "readable": None,
        "is_dir": None,
        "certificates": None,
        "problem": None,
        "source": None,
    }


def _inspect(setting: CaSetting, path: Path, shown: str) -> dict[str, Any]:
    from wizard.checks.trust import (
        CANNOT_BE_READ,
        PemError,
        read_cert_dir,
        read_pem_certificates,
    )

    info: dict[str, Any] = {
        "set": True,
        "path": shown,
        "exists": path.exists(),
        "readable": None,
        "is_dir": path.is_dir(),
        "certificates": 0,
        "problem": None,
        "source": setting.source,
    }
    try:
        if setting.name in DIR_VARIABLES:
            certs = read_cert_dir(path)
            info["readable"] = True
            info["certificates"] = len(certs)
            if not certs:
                info["problem"] = tr(
                    "ca_env",
                    "it holds no certificate files named the way OpenSSL expects (like 1a2b3c4d.0)",
                )
        else:
            certs = read_pem_certificates(path)
            info["readable"] = True
            info["certificates"] = len(certs)
    except PemError as exc:
        info["problem"] = exc.problem
        if exc.problem == CANNOT_BE_READ:
            info["readable"] = False
        elif info["exists"] and not info["is_dir"]:
            info["readable"] = True
    return info
