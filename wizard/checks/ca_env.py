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
        return f"{setting.name} (in {setting.dotenv})" if setting.dotenv else setting.name

    if broken:
        setting, problem = broken[0]
        path = env.display_path(setting.path(env))
        more = f" ({len(broken) - 1} more broken)" if len(broken) > 1 else ""
        evidence["facts"] = {
            "variable": where(setting),
            "variable_name": setting.name,
            "path": path,
            "problem": problem,
        }
        return Outcome(
            Status.FAIL,
            f"{where(setting)} points at {path}, but {problem}.{more}",
            evidence,
            ("ca_var_broken",),
        )
    replacing = [settings[n] for n in profile.env_names("replaces_os_store") if n in settings]
    usable_replacing = [s for s in replacing if variables[s.name]["problem"] is None]
    if soft:
        setting, problem = soft[0]
        path = env.display_path(setting.path(env))
        why = (
            "Codex ignores it, other tools may not"
            if setting.name in WARN_ONLY
            else "Codex ignores it and uses this computer's store"
        )
        return Outcome(
            Status.WARN, f"{where(setting)} points at {path}, but {problem} ({why}).", evidence
        )
    if usable_replacing:
        names = " and ".join(where(s) for s in usable_replacing)
        verb = "replaces" if len(usable_replacing) == 1 else "replace"
        return Outcome(
            Status.WARN, f"{names} {verb} your computer's certificate store for Codex.", evidence
        )
    if settings:
        names = ", ".join(where(s) for s in settings.values())
        return Outcome(
            Status.PASS, f"Your certificate settings point at valid files ({names}).", evidence
        )
    return Outcome(
        Status.PASS,
        "No certificate settings; Codex uses this computer's certificate store.",
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
    from wizard.checks.trust import PemError, read_cert_dir, read_pem_certificates

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
                info["problem"] = (
                    "it holds no certificate files named the way OpenSSL expects (like 1a2b3c4d.0)"
                )
        else:
            certs = read_pem_certificates(path)
            info["readable"] = True
            info["certificates"] = len(certs)
    except PemError as exc:
        info["problem"] = str(exc)
        if str(exc) == "it cannot be read":
            info["readable"] = False
        elif info["exists"] and not info["is_dir"]:
            info["readable"] = True
    return info
