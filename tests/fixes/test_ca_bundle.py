"""ca-bundle against the lab's TLS-intercepting proxy and auth server: the secure connection
fails before, the fix builds the bundle and sets the variables, and with those variables the
TLS handshake and the token-endpoint probe pass; `undo` restores byte for byte. The root comes
from the OS store, from --extra-ca, or - shown with its fingerprint - from the network."""

from __future__ import annotations

import json
from dataclasses import replace

import trustme
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from tests.e2e import clean_env, free_port, run_wizard
from tests.helpers import FakeRunner, RecordedOsVerifier, lab_target, make_env
from tests.lab.auth_server import AuthServer
from tests.lab.pki import issue_server_cert
from wizard.checks.catalog import ALL_CHECKS
from wizard.core.diagnose import diagnose
from wizard.core.environment import OsVerdict
from wizard.core.profile import load_profile
from wizard.fixes.apply import apply_fix, undo_last
from wizard.fixes.base import FixContext
from wizard.fixes.ca_bundle import CA_BUNDLE
from wizard.fixes.ca_bundle_plan import fingerprint
from wizard.fixes.journal import Journal
from wizard.platform.env_store import BEGIN, END

SPECS = [
    s
    for s in ALL_CHECKS
    if s.id in {"proxy", "ca_env", "dns", "tcp", "tls", "openid", "token_endpoint", "clock"}
]
# The variables the fix points at the bundle (Codex's own two, and the one Python tools read).
VARIABLES = ("CODEX_CA_CERTIFICATE", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE")
PROFILE_BEFORE = b"# my login profile\r\nexport EDITOR=vim\r\n"


def der_of(pem_path) -> bytes:
    return x509.load_pem_x509_certificate(pem_path.read_bytes()).public_bytes(Encoding.DER)


def statuses(run) -> dict[str, str]:
    return {c["id"]: c["status"] for c in run.json["checks"]}


def diagnose_cli(home, url, **variables):
    args = ["diagnose", "--json", "--auth-url", url, "--callback-port", str(free_port())]
    return run_wizard([*args, "--timeout", "20"], clean_env(home, **variables))


def test_end_to_end_through_the_intercepting_proxy(home, pki, auth_server, proxy_factory):
    proxy = proxy_factory("intercept")
    (home / ".profile").write_bytes(PROFILE_BEFORE)
    before = diagnose_cli(
        home, auth_server.url, CODEX_CA_CERTIFICATE=str(pki.ca_pem), HTTPS_PROXY=proxy.url
    )
    assert statuses(before)["tls"] == "fail"
    assert before.json["verdict"]["cause"] == "tls_interception"

    args = ["fix", "ca-bundle", "--yes", "--json", "--extra-ca", str(pki.corp_ca_pem)]
    args += ["--auth-url", auth_server.url, "--callback-port", str(free_port())]
    env = clean_env(home, CODEX_CA_CERTIFICATE=str(pki.ca_pem), HTTPS_PROXY=proxy.url)
    run = run_wizard([*args, "--timeout", "20"], env)
    assert run.returncode == 0, run.stdout + run.stderr
    document = run.json
    print(json.dumps(document, indent=2))  # the fix JSON of a ca-bundle run
    bundle = home / ".local" / "share" / "signin-doctor" / "ca-bundle.pem"
    assert document["fix"] == "ca-bundle" and document["applied"] is True
    assert document["env"] == {name: str(bundle) for name in VARIABLES}
    assert document["changed_files"] == [
        "~/.local/share/signin-doctor/ca-bundle.pem",
        "~/.config/environment.d/60-signin-doctor.conf",
        "~/.profile",
    ]
    assert document["backup"] and document["message"].startswith(
        "Done: Give Codex your organisation's certificate. Fully quit and restart your editor"
    )
    assert document["message"].endswith("Re-check: Nothing wrong found on this computer.")
    # the preview (stderr with --json) named the root and its fingerprint
    corp_fp = fingerprint(der_of(pki.corp_ca_pem))
    shown = "Contoso Inspection Root (Contoso Web Inspection) [CN=Contoso Inspection Root,"
    assert f"{shown}O=Contoso Web Inspection], SHA-256 {corp_fp}" in run.stderr
    assert "Warning" not in run.stderr
    # the bundle: the corp root first, then the roots the settings had, OS and public roots
    text = bundle.read_text()
    assert text.count("-----BEGIN CERTIFICATE-----") > 100
    assert pki.corp_ca.cert_pem.bytes().decode().strip() in text
    assert pki.ca.cert_pem.bytes().decode().strip() in text  # what CODEX_CA_CERTIFICATE added
    env_d = home / ".config" / "environment.d" / "60-signin-doctor.conf"
    persisted = dict(
        line.split("=", 1) for line in env_d.read_text().splitlines() if not line.startswith("#")
    )
    assert persisted == {name: str(bundle) for name in VARIABLES}
    profile_text = (home / ".profile").read_bytes()
    assert profile_text.startswith(PROFILE_BEFORE)
    assert f"{BEGIN}\r\nexport CODEX_CA_CERTIFICATE='{bundle}'\r\n".encode() in profile_text

    # a new session with the persisted variables: TLS and the token endpoint pass
    after = diagnose_cli(home, auth_server.url, HTTPS_PROXY=proxy.url, **persisted)
    assert statuses(after)["tls"] == "pass", after.stdout
    assert statuses(after)["token_endpoint"] == "pass", after.stdout
    assert after.json["verdict"]["cause"] == "none"

    undo = run_wizard(["undo", "--last", "--yes", "--json"], env)
    assert undo.returncode == 0, undo.stdout + undo.stderr
    assert (home / ".profile").read_bytes() == PROFILE_BEFORE  # byte for byte, CRLF kept
    assert not env_d.exists() and not bundle.exists()


def os_store_with(tmp_path, *pems) -> object:
    store = tmp_path / "os-roots.pem"
    store.write_bytes(b"".join(p.read_bytes() for p in pems))
    return store


def test_the_root_is_taken_from_the_os_store(home, tmp_path, pki, auth_server, proxy_factory):
    """IT installed the corporate root in the OS store; a stale SSL_CERT_FILE hides it."""
    proxy = proxy_factory("intercept")
    (home / ".bashrc").write_text(f"export SSL_CERT_FILE={pki.ca_pem}\n")
    env = make_env(
        home,
        {"SSL_CERT_FILE": str(pki.ca_pem), "HTTPS_PROXY": proxy.url},
        os_roots_file=os_store_with(tmp_path, pki.corp_ca_pem, pki.ca_pem),
    )
    profile = load_profile()
    target = lab_target(auth_server.url, free_port())
    ctx = FixContext(env, profile, target, diagnose(SPECS, env, profile, target, 3.0))
    assert "ssl_cert_file_hides_os_store" in ctx.diagnosis.result("tls").faults

    plan = CA_BUNDLE.plan(ctx)
    assert plan.applicable, plan.reason
    assert plan.data["source"] == "os"
    assert plan.data["proved_before_writing"] is True
    assert "found in this computer's certificate store" in plan.summary
    assert fingerprint(der_of(pki.corp_ca_pem)) in plan.summary
    bashrc = next(e for e in plan.files if e.path.name == ".bashrc")
    assert bashrc.after.decode().endswith(f"# export SSL_CERT_FILE={pki.ca_pem}\n")
    assert "Older settings are turned off: SSL_CERT_FILE in ~/.bashrc (line 1)." in plan.summary
    bundle_edit = plan.files[0]
    assert bundle_edit.preview.startswith("  (new file: a PEM bundle of ")
    assert "Contoso Inspection Root" in plan.render()
    assert "-----BEGIN CERTIFICATE-----" not in plan.render()  # a summary, not 4000 lines

    journal = Journal(home / "journal")
    result = apply_fix(CA_BUNDLE, ctx, plan, journal, SPECS)
    assert result.applied, result.message
    assert result.verdict["cause"] == "none"
    undo_last(journal, ctx)
    assert (home / ".bashrc").read_text() == f"export SSL_CERT_FILE={pki.ca_pem}\n"
    assert not bundle_edit.path.exists()


def test_windows_trust_comes_from_its_verifier_and_the_root_from_its_list(
    home, tmp_path, pki, auth_server, proxy_factory
):
    """On Windows the OS row is Windows' own answer (here: trusted, as a machine with the
    corporate root installed answers); the root for the bundle is still found in the listed
    store."""
    proxy = proxy_factory("intercept")
    os = RecordedOsVerifier("windows", OsVerdict(True))
    env = make_env(
        home,
        {"SSL_CERT_FILE": str(pki.ca_pem), "HTTPS_PROXY": proxy.url},
        platform="windows",
        runner=FakeRunner(),
        os_roots_file=os_store_with(tmp_path, pki.corp_ca_pem),
        os_verifier=os,
    )
    profile = load_profile()
    target = lab_target(auth_server.url, free_port())
    ctx = FixContext(env, profile, target, diagnose(SPECS, env, profile, target, 3.0))
    assert "ssl_cert_file_hides_os_store" in ctx.diagnosis.result("tls").faults
    assert os.asked == [("localhost", proxy.port)]
    plan = CA_BUNDLE.plan(ctx)
    assert plan.applicable, plan.reason
    assert plan.data["source"] == "os"
    assert plan.data["roots"][0]["sha256"] == fingerprint(der_of(pki.corp_ca_pem))
    assert plan.data["proved_before_writing"] is True


def test_a_root_from_the_network_is_shown_with_its_fingerprint(home, pki):
    leaf = issue_server_cert(pki.corp_ca, "localhost", "127.0.0.1")
    chain = trustme.LeafCert(
        leaf.private_key_pem.bytes(),
        leaf.cert_chain_pems[0].bytes(),
        [pki.corp_ca.cert_pem.bytes()],  # this server also sends its root
    )
    with AuthServer(pki, leaf=chain) as server:
        env = make_env(home)
        profile = load_profile()
        target = lab_target(server.url, free_port())
        ctx = FixContext(env, profile, target, diagnose(SPECS, env, profile, target, 3.0))
        assert "tls_untrusted" in ctx.diagnosis.result("tls").faults
        plan = CA_BUNDLE.plan(ctx)
        assert plan.applicable, plan.reason
        corp_fp = fingerprint(der_of(pki.corp_ca_pem))
        assert plan.data["source"] == "network"
        assert plan.summary.startswith(
            "CAUTION: the root below comes from the network, so anyone in the middle could "
            "have sent it. Apply only if your IT department confirms its fingerprint."
        )
        assert "TAKEN FROM THE NETWORK CONNECTION ITSELF" in plan.summary
        assert plan.steps == (
            "Compare with your IT department: Contoso Inspection Root (Contoso Web "
            f"Inspection), SHA-256 {corp_fp}",
        )
        rendered = plan.render()
        assert corp_fp in rendered and "Contoso Inspection Root" in rendered
        result = apply_fix(CA_BUNDLE, ctx, plan, Journal(home / "journal"), SPECS)
        assert result.applied, result.message


def test_only_a_leaf_on_the_wire_is_not_enough(home, pki, auth_server, proxy_factory):
    proxy = proxy_factory("intercept")  # sends only the leaf it minted
    env = make_env(home, {"CODEX_CA_CERTIFICATE": str(pki.ca_pem), "HTTPS_PROXY": proxy.url})
    profile = load_profile()
    target = lab_target(auth_server.url, free_port())
    ctx = FixContext(env, profile, target, diagnose(SPECS, env, profile, target, 3.0))
    plan = CA_BUNDLE.plan(ctx)
    assert not plan.applicable
    assert "run this fix again with --extra-ca FILE" in plan.reason
    # The window asks for the file with a button: the front end says how, not the fix.
    window_ctx = replace(ctx, file_hint="and choose it with the button below.")
    reason = CA_BUNDLE.plan(window_ctx).reason
    assert reason.endswith("root certificate file and choose it with the button below.")
    assert "--extra-ca" not in reason


def test_the_wrong_root_is_refused_before_anything_is_written(
    home, tmp_path, pki, auth_server, proxy_factory
):
    proxy = proxy_factory("intercept")
    env = make_env(home, {"CODEX_CA_CERTIFICATE": str(pki.ca_pem), "HTTPS_PROXY": proxy.url})
    profile = load_profile()
    target = lab_target(auth_server.url, free_port())
    diagnosis = diagnose(SPECS, env, profile, target, 3.0)
    other, _ = pki.weak_corp_ca("expired")  # a CA, but not the one that signs the proxy's leaf
    wrong = tmp_path / "other-root.pem"
    wrong.write_bytes(other.cert_pem.bytes())
    plan = CA_BUNDLE.plan(FixContext(env, profile, target, diagnosis, wrong))
    assert not plan.applicable
    assert plan.reason == (
        "Even with Contoso Inspection Root (expired) (Contoso Web Inspection) the connection to "
        "localhost would not be trusted (no certificate in the bundle vouches for it); nothing "
        "was changed. Ask your IT department for the right root certificate."
    )
    assert not (home / ".local" / "share" / "signin-doctor" / "ca-bundle.pem").exists()


def test_extra_ca_must_be_a_certificate_authority(home, tmp_path, pki):
    leaf = tmp_path / "server.pem"
    leaf.write_bytes(issue_server_cert(pki.ca, "intranet.example").cert_chain_pems[0].bytes())
    ctx = FixContext(make_env(home), load_profile(), lab_target(), None, leaf)
    plan = CA_BUNDLE.plan(ctx)
    assert not plan.applicable
    assert "holds no certificate authority, only a server's own certificate" in plan.reason
    assert "(intranet.example)" in plan.reason

    garbage = tmp_path / "notes.txt"
    garbage.write_text("ask IT for the root")
    plan = CA_BUNDLE.plan(FixContext(make_env(home), load_profile(), lab_target(), None, garbage))
    assert "holds no certificate (neither PEM nor DER)" in plan.reason


def test_not_applicable_when_codex_already_trusts_it(home, pki, auth_server):
    env = make_env(home, {"CODEX_CA_CERTIFICATE": str(pki.ca_pem)})
    profile = load_profile()
    target = lab_target(auth_server.url, free_port())
    ctx = FixContext(env, profile, target, diagnose(SPECS, env, profile, target, 3.0))
    plan = CA_BUNDLE.plan(ctx)
    assert not plan.applicable
    assert plan.reason == (
        "Codex already trusts the connection to localhost; there is nothing to add."
    )
    plan = CA_BUNDLE.plan(FixContext(env, profile, target))  # no diagnosis, no --extra-ca
    assert "no --extra-ca file was given" in plan.reason


# --- Windows and macOS persistence: PowerShell / launchctl calls ----------------------------


def powershell(name: str, value: str | None) -> list[str]:
    literal = "$null" if value is None else "'" + value.replace("'", "''") + "'"
    script = f"[Environment]::SetEnvironmentVariable('{name}', {literal}, 'User')"
    return ["powershell", "-NoProfile", "-NonInteractive", "-Command", script]


def test_windows_sets_user_variables_and_undo_removes_them(home, tmp_path, pki):
    der = tmp_path / "corp-root.cer"  # help desks often hand out DER files
    der.write_bytes(der_of(pki.corp_ca_pem))
    runner = FakeRunner()
    env = make_env(home, platform="windows", runner=runner)
    bundle = home / "AppData" / "Local" / "signin-doctor" / "ca-bundle.pem"
    for name in VARIABLES:
        runner.add(powershell(name, str(bundle)), "")
        runner.add(powershell(name, None), "")
    ctx = FixContext(env, load_profile(), lab_target(), None, der)
    plan = CA_BUNDLE.plan(ctx)
    assert plan.applicable, plan.reason
    assert [e.path for e in plan.files] == [bundle]  # the registry holds the variables
    assert [(e.name, e.before, e.after) for e in plan.env] == [
        (n, None, str(bundle)) for n in VARIABLES
    ]
    journal = Journal(home / "journal")
    assert apply_fix(CA_BUNDLE, ctx, plan, journal).applied
    sets = [tuple(powershell(n, str(bundle))) for n in VARIABLES]
    assert [c for c in runner.calls if c[0] == "powershell"] == sets
    undo_last(journal, ctx)
    unsets = [tuple(powershell(n, None)) for n in VARIABLES]
    assert [c for c in runner.calls if c[0] == "powershell"] == sets + unsets
    assert not bundle.exists()


def test_macos_uses_launchctl_and_the_zprofile(home, pki):
    runner = FakeRunner()
    env = make_env(home, platform="darwin", runner=runner)
    bundle = home / "Library" / "Application Support" / "signin-doctor" / "ca-bundle.pem"
    for name in VARIABLES:
        runner.add(["launchctl", "setenv", name, str(bundle)], "")
    ctx = FixContext(env, load_profile(), lab_target(), None, pki.corp_ca_pem)
    plan = CA_BUNDLE.plan(ctx)
    assert [e.path for e in plan.files] == [bundle, home / ".zprofile"]
    zprofile = plan.files[1].after.decode()
    assert zprofile == (
        f"{BEGIN}\n"
        f"export CODEX_CA_CERTIFICATE='{bundle}'\n"
        f"export REQUESTS_CA_BUNDLE='{bundle}'\n"
        f"export SSL_CERT_FILE='{bundle}'\n"
        f"{END}\n"
    )
    assert apply_fix(CA_BUNDLE, ctx, plan, Journal(home / "journal")).applied
    assert [c for c in runner.calls if c[1] == "setenv"] == [
        ("launchctl", "setenv", n, str(bundle)) for n in VARIABLES
    ]
