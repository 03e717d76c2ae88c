"""Certificate settings: which CA variables are set, and whether the ones Codex uses work.

Codex's CA file is CODEX_CA_CERTIFICATE, else SSL_CERT_FILE (custom_ca.rs): when that file is
missing, unreadable or holds no PEM certificate, the token exchange fails (after the browser
step) - the only broken file that is a cause here. Every other broken setting only warns:
a broken SSL_CERT_FILE beside a working CODEX_CA_CERTIFICATE, or any SSL_CERT_DIR, costs Codex
this computer's store (with a CA file in use) or nothing (without one; see trust.py);
REQUESTS_CA_BUNDLE and NODE_EXTRA_CA_CERTS are not read by Codex at all. The real client's
behaviour for each is in tests/lab/test_codex_ca_oracle.py."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.core.engine import CheckContext
from wizard.core.findings.certificates import CaEnvFindings, CaVariable
from wizard.core.i18n import and_list, join, tr
from wizard.core.model import Outcome, Status
from wizard.net.ca_variables import DIR_VARIABLES, WARN_ONLY

if TYPE_CHECKING:
    from wizard.core.environment import Environment
    from wizard.net.trust import CaSetting


def check_ca_env(ctx: CheckContext) -> Outcome:
    from wizard.net.trust import ca_settings, codex_ca_file  # crypto loads when checks run

    env, profile = ctx.env, ctx.profile
    settings = ca_settings(env, profile)
    ca_file = codex_ca_file(settings, profile)
    variables: dict[str, CaVariable] = {}
    for name in profile.env_names("ca"):
        setting = settings.get(name)
        if setting is None:
            variables[name] = CaVariable()
            continue
        file = setting.path(env)
        variables[name] = _inspect(setting, file, env.display_path(file), ca_file is not None)
    evidence = CaEnvFindings(variables)

    def where(setting: CaSetting) -> str:
        if setting.dotenv:
            return tr("ca_env", "{name} (in {dotenv})", name=setting.name, dotenv=setting.dotenv)
        return setting.name

    problem = variables[ca_file.name].problem if ca_file is not None else None
    if ca_file is not None and problem:
        path = env.display_path(ca_file.path(env))
        facts = {
            "variable": where(ca_file),
            "variable_name": ca_file.name,
            "path": path,
            "problem": problem,
        }
        summary = tr(
            "ca_env",
            "{variable} points at {path}, but {problem}.",
            variable=where(ca_file),
            path=path,
            problem=problem,
        )
        return Outcome(Status.FAIL, summary, CaEnvFindings(variables, facts), ("ca_var_broken",))
    replacing = (
        [settings[n] for n in profile.env_names("replaces_os_store") if n in settings]
        if ca_file is not None
        else []
    )
    soft = [s for s in settings.values() if variables[s.name].problem]
    if soft:
        setting = soft[0]
        path = env.display_path(setting.path(env))
        if setting.name in WARN_ONLY:
            why = tr("ca_env", "Codex ignores it, other tools may not")
        elif ca_file is not None and setting in replacing:
            why = tr(
                "ca_env",
                "Codex uses {ca_file}, but this setting keeps it from using this computer's store",
                ca_file=ca_file.name,
            )
        else:
            why = tr("ca_env", "Codex ignores it and uses this computer's store")
        summary = tr(
            "ca_env",
            "{variable} points at {path}, but {problem} ({why}).",
            variable=where(setting),
            path=path,
            problem=variables[setting.name].problem,
            why=why,
        )
        return Outcome(Status.WARN, summary, evidence)
    if replacing:
        names = and_list([where(s) for s in replacing])
        if all(_made_by_the_fix(env, s) for s in replacing):
            # (the ca-bundle fix: this computer's roots are in it, so nothing is lost)
            return Outcome(
                Status.PASS,
                tr(
                    "ca_env",
                    "{names} points at the certificate file Sign-in Doctor made for Codex: "
                    "this computer's roots, the public roots and your organisation's.",
                    names=names,
                ),
                evidence,
            )
        summary = (
            tr(
                "ca_env",
                "{names} replaces your computer's certificate store for Codex.",
                names=names,
            )
            if len(replacing) == 1
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


def _made_by_the_fix(env: Environment, setting: CaSetting) -> bool:
    from wizard.fixes.ca_bundle import BUNDLE_NAME
    from wizard.platform.paths import user_data_dir

    return setting.path(env) == user_data_dir(env) / BUNDLE_NAME


def _inspect(setting: CaSetting, path: Path, shown: str, ca_file_in_use: bool) -> CaVariable:
    from wizard.net.trust import (
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
            certs = read_cert_dir(path, every_file=ca_file_in_use)
            info["readable"] = True
            info["certificates"] = len(certs)
            if not certs:
                info["problem"] = (
                    tr("ca_env", "it holds no certificate files")
                    if ca_file_in_use
                    else tr(
                        "ca_env",
                        "it holds no certificate files named the way OpenSSL expects "
                        "(like 1a2b3c4d.0)",
                    )
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
    return CaVariable(**info)
