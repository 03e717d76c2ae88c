"""The sets of trusted roots the diagnosis compares, and the one Codex itself would use.

What Codex 0.169 trusts, as the real client does it (tests/lab/test_codex_ca_oracle.py runs
every rule below through it):
- Its CA file is CODEX_CA_CERTIFICATE if set, else SSL_CERT_FILE (custom_ca.rs); its
  certificates are added to the roots. A CA file that is missing, unreadable or holds no PEM
  certificate makes the token exchange fail (the ca_env check reports that).
- With a CA file in use, a set SSL_CERT_FILE or SSL_CERT_DIR replaces the OS store, even when
  it is broken or empty: the roots are then that file's certificates and those of every file in
  that folder, whatever their names.
- Without a CA file, Codex uses the OS store, and SSL_CERT_DIR only adds the certificates of
  its c_rehash-named files (`1a2b3c4d.0`); a broken SSL_CERT_DIR changes nothing.
Codex loads `$CODEX_HOME/.env` for variables not already set, so SSL_CERT_FILE / SSL_CERT_DIR
count from there too (CODEX_* keys are ignored there)."""

from __future__ import annotations

import ipaddress
import ssl
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

import certifi
from cryptography import x509
from cryptography.x509.verification import (
    Criticality,
    ExtensionPolicy,
    PolicyBuilder,
    Store,
    VerificationError,
)

from wizard.core.engine import CheckContext
from wizard.core.environment import Environment
from wizard.core.i18n import and_list, join, tr
from wizard.core.profile import Profile
from wizard.net.route import read_dotenv
from wizard.platform.trust_store import is_hash_name, pem_to_der

ENVIRONMENT = "environment"
DOTENV = ".env"
CANNOT_BE_READ = tr("trust", "it cannot be read")
NO_PEM_CERTIFICATE = tr("trust", "it holds no PEM certificate")


@dataclass(frozen=True)
class TrustSet:
    id: str  # "codex", "os", "certifi", or "file:VARIABLE"
    label: str  # for people: "This computer's certificate store"
    origin: str  # where the roots were read from
    roots: tuple[bytes, ...]  # DER
    replaced_by: tuple[str, ...] = ()  # codex only: the variables that replace the OS store
    folder: str | None = None  # os only: where OpenSSL finds every one of `roots` by name


@dataclass(frozen=True)
class CaSetting:
    """One CA variable as Codex's process would see it."""

    name: str
    value: str
    source: str  # "environment" or ".env"
    dotenv: str = ""  # display path of the .env file it came from, if it did

    def path(self, env: Environment) -> Path:
        return env.path(self.value)


class PemError(ValueError):
    """A CA file that is missing, unreadable, or holds no certificate. `problem` is the reason
    in plain (translatable) words; str() of the exception is the same in English."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def read_pem_certificates(path: Path) -> tuple[bytes, ...]:
    """DER of every CERTIFICATE block in a PEM file, as Codex parses it (TRUSTED CERTIFICATE
    labels accepted). Raises PemError with the problem in plain words."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PemError(tr("trust", "the file does not exist")) from None
    except IsADirectoryError:
        raise PemError(tr("trust", "it is a folder, not a file")) from None
    except OSError:
        raise PemError(CANNOT_BE_READ) from None
    certs = tuple(pem_to_der(data))
    if not certs:
        raise PemError(NO_PEM_CERTIFICATE)
    return certs


def read_cert_dir(path: Path, every_file: bool = False) -> tuple[bytes, ...]:
    """Certificates of the files in a folder, as Codex reads SSL_CERT_DIR: only the
    c_rehash-named ones (`1a2b3c4d.0`) without a CA file, `every_file` with one. Files that
    hold no certificate are skipped. Raises PemError if the folder is unusable."""
    if not path.exists():
        raise PemError(tr("trust", "the folder does not exist"))
    if not path.is_dir():
        raise PemError(tr("trust", "it is a file, not a folder"))
    try:
        entries = sorted(path.iterdir())
    except OSError:
        raise PemError(CANNOT_BE_READ) from None
    roots: list[bytes] = []
    for entry in entries:
        if (every_file or is_hash_name(entry.name)) and entry.is_file():
            try:
                roots.extend(read_pem_certificates(entry))
            except PemError:
                continue
    return tuple(dict.fromkeys(roots))


def ca_settings(env: Environment, profile: Profile) -> dict[str, CaSetting]:
    """The CA variables that are set, in profile order: from the environment, or (only those
    that replace the OS store) from `$CODEX_HOME/.env`. An empty value counts as unset."""
    dotenv_path = env.codex_home() / profile["codex_files"]["dotenv"]
    dotenv = read_dotenv(dotenv_path)
    from_dotenv = set(profile.env_names("replaces_os_store"))
    found: dict[str, CaSetting] = {}
    for name in profile.env_names("ca"):
        value = env.get(name)
        if value:
            found[name] = CaSetting(name, value, ENVIRONMENT)
        elif value is None and name in from_dotenv and dotenv.get(name):
            found[name] = CaSetting(name, dotenv[name], DOTENV, env.display_path(dotenv_path))
    return found


def os_roots(ctx: CheckContext) -> TrustSet:
    def load() -> TrustSet:
        store = ctx.env.trust_store
        roots = tuple(store.certificates())
        label = tr("trust", "This computer's certificate store")
        return TrustSet("os", label, store.describe(), roots, folder=store.lookup_folder())

    result: TrustSet = ctx.shared.get("trust:os", load)
    return result


@cache  # the file ships with the program: parsed once (the status page and the matrix use it)
def certifi_roots() -> TrustSet:
    path = Path(certifi.where())
    return TrustSet(
        "certifi",
        tr("trust", "Public roots (certifi, used by Python tools)"),
        str(path),
        read_pem_certificates(path),
    )


def codex_ca_file(settings: dict[str, CaSetting], profile: Profile) -> CaSetting | None:
    """The CA file Codex uses: CODEX_CA_CERTIFICATE if set, else SSL_CERT_FILE."""
    return next((settings[n] for n in profile.env_names("codex_ca") if n in settings), None)


def _label(setting: CaSetting, env: Environment) -> str:
    path = env.display_path(setting.path(env))
    if setting.dotenv:
        return tr(
            "trust",
            "{name} in {dotenv} ({path})",
            name=setting.name,
            dotenv=setting.dotenv,
            path=path,
        )
    return f"{setting.name} ({path})"


def codex_roots(ctx: CheckContext) -> TrustSet:
    """The roots Codex would trust, given this environment (the rules in the module text).
    Broken files contribute nothing."""

    def load() -> TrustSet:
        env, profile = ctx.env, ctx.profile
        settings = ca_settings(env, profile)
        ca_file = codex_ca_file(settings, profile)
        in_use = ca_file is not None
        replacing = [settings[n] for n in profile.env_names("replaces_os_store") if n in settings]
        roots: list[bytes] = []
        parts: list[str] = []
        replaced_by: tuple[str, ...] = ()
        if in_use and replacing:
            for setting in replacing:
                roots.extend(_quiet(setting, env, ca_file_in_use=True))
            replaced_by = tuple(s.name for s in replacing)
            labels = and_list([_label(s, env) for s in replacing])
            parts.append(tr("trust", "{files} instead of the OS store", files=labels))
        else:
            os_set = os_roots(ctx)
            roots.extend(os_set.roots)
            parts.append(tr("trust", "the OS store ({origin})", origin=os_set.origin))
            for setting in replacing:  # only SSL_CERT_DIR can be here: it adds
                found = _quiet(setting, env, ca_file_in_use=False)
                if found:
                    roots.extend(found)
                    parts.append(tr("trust", "plus {file}", file=_label(setting, env)))
        if ca_file:
            roots.extend(_quiet(ca_file, env, ca_file_in_use=True))
            parts.append(tr("trust", "plus {file}", file=_label(ca_file, env)))
        return TrustSet(
            "codex",
            tr("trust", "What Codex trusts with your settings"),
            join(parts, " "),
            tuple(dict.fromkeys(roots)),
            replaced_by,
        )

    result: TrustSet = ctx.shared.get("trust:codex", load)
    return result


def configured_sets(ctx: CheckContext) -> list[TrustSet]:
    """One set per configured CA variable, read as Codex reads it (broken ones are empty)."""
    env = ctx.env
    settings = ca_settings(env, ctx.profile)
    in_use = codex_ca_file(settings, ctx.profile) is not None
    return [
        TrustSet(
            f"file:{name}",
            _label(setting, env),
            env.display_path(setting.path(env)),
            _quiet(setting, env, ca_file_in_use=in_use),
        )
        for name, setting in settings.items()
    ]


def trust_sets(ctx: CheckContext) -> list[TrustSet]:
    """Every set the matrix compares: Codex's, the OS store, certifi, each configured file."""
    return [codex_roots(ctx), os_roots(ctx), certifi_roots(), *configured_sets(ctx)]


def codex_ssl_context(ctx: CheckContext) -> ssl.SSLContext:
    context: ssl.SSLContext = ctx.shared.get(
        "ssl:codex", lambda: verifying_context(ctx, codex_roots(ctx).roots)
    )
    return context


def verifying_context(ctx: CheckContext, roots: Sequence[bytes]) -> ssl.SSLContext:
    """A TLS context that verifies chain and host name against exactly `roots`. OpenSSL 3
    parses roots given as data at ~0.13 ms each, holding the GIL: when `roots` hold the whole
    OS store and OpenSSL can find each of its roots in the store's folder by name, the context
    gets that folder instead (read during a handshake, for the roots it asks for) and only
    the other roots as data."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    rest = list(roots)
    os_set = os_roots(ctx)
    if os_set.folder is not None and set(os_set.roots) <= set(rest):
        context.load_verify_locations(capath=os_set.folder)
        in_folder = set(os_set.roots)
        rest = [root for root in rest if root not in in_folder]
    if rest:
        context.load_verify_locations(cadata=b"".join(rest))
    return context


def _quiet(setting: CaSetting, env: Environment, ca_file_in_use: bool) -> tuple[bytes, ...]:
    """The certificates a setting gives Codex; nothing when it is broken."""
    path = setting.path(env)
    try:
        if setting.name == "SSL_CERT_DIR":
            return read_cert_dir(path, every_file=ca_file_in_use)
        return read_pem_certificates(path)
    except PemError:
        return ()


# -- verification -------------------------------------------------------------------------------


def _ca_basic_constraints(
    _policy: object, _cert: x509.Certificate, bc: x509.BasicConstraints
) -> None:
    if not bc.ca:
        raise ValueError("basicConstraints does not allow this certificate to sign others")


def _policies() -> tuple[ExtensionPolicy, ExtensionPolicy]:
    """cryptography's webpki defaults, relaxed where rustls/webpki is relaxed: webpki never
    looks at a CA's keyUsage, key identifiers or the criticality of basicConstraints, nor at
    a leaf's Authority Key Identifier. Those are strict-verifier problems, reported by the
    certificate lint instead of counted as "not trusted"."""
    ca = (
        ExtensionPolicy.webpki_defaults_ca()
        .may_be_present(x509.KeyUsage, Criticality.AGNOSTIC, None)
        .require_present(x509.BasicConstraints, Criticality.AGNOSTIC, _ca_basic_constraints)
        .may_be_present(x509.SubjectKeyIdentifier, Criticality.AGNOSTIC, None)
        .may_be_present(x509.AuthorityKeyIdentifier, Criticality.AGNOSTIC, None)
    )
    ee = ExtensionPolicy.webpki_defaults_ee().may_be_present(
        x509.AuthorityKeyIdentifier, Criticality.AGNOSTIC, None
    )
    return ca, ee


def load_certificates(ders: Sequence[bytes]) -> list[x509.Certificate]:
    certs: list[x509.Certificate] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for der in ders:
            try:
                certs.append(x509.load_der_x509_certificate(der))
            except ValueError:
                continue
    return certs


def server_name(host: str) -> x509.DNSName | x509.IPAddress:
    try:
        return x509.IPAddress(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return x509.DNSName(host.encode("idna").decode("ascii").lower())


@dataclass(frozen=True)
class Verification:
    trusted: bool
    error: str | None
    path: tuple[x509.Certificate, ...]  # leaf ... anchor, when trusted


def verify_chain(
    roots: Sequence[bytes], chain: Sequence[x509.Certificate], host: str, when: datetime
) -> Verification:
    """Verify a presented chain (leaf first) for `host` at `when` against `roots`, the way a
    strict webpki-style client (Codex's rustls) would."""
    if not chain:
        return Verification(False, tr("trust", "the server presented no certificate"), ())
    anchors = load_certificates(roots)
    if not anchors:
        return Verification(False, tr("trust", "no certificates to trust"), ())
    ca_policy, ee_policy = _policies()
    verifier = (
        PolicyBuilder()
        .store(Store(anchors))
        .time(when)
        .extension_policies(ca_policy=ca_policy, ee_policy=ee_policy)
        .build_server_verifier(server_name(host))
    )
    try:
        path = verifier.verify(chain[0], list(chain[1:]))
    except VerificationError as exc:
        return Verification(False, str(exc), ())
    return Verification(True, None, tuple(path))
