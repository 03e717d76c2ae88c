"""Windows' root-certificate policy and the presented leaf's revocation addresses, weighed
against the trust matrix of the secure-connection check (field §1.8)."""

from __future__ import annotations

import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import AuthorityInformationAccessOID, NameOID

from tests.checks.test_tls import DEPS, _tls
from tests.helpers import (
    FakeRunner,
    fixture_text,
    lab_target,
    make_env,
    run_check,
    tls_findings,
)
from wizard.checks.os_trust import check_os_trust_policy
from wizard.checks.pasted_error import check_pasted_error
from wizard.checks.revocation import can_be_checked, revocation_sources
from wizard.core.model import CheckResult, FlowStep, Status
from wizard.core.rules import decide
from wizard.platform.root_updates import POLICY_KEY, SETTING_KEY, reg_query_argv

DISABLED = fixture_text("trust", "reg_query_authroot_disable_root_auto_update_1.txt")
NOT_FOUND = fixture_text("trust", "reg_query_value_not_found_stderr.txt")
LEAF_WITH_SOURCES = {"ocsp": ["http://o.example"], "ca_issuers": [], "crl": []}


def registry(disabled: bool) -> FakeRunner:
    runner = FakeRunner()
    for key in (POLICY_KEY, SETTING_KEY):
        if disabled and key == POLICY_KEY:
            runner.add(reg_query_argv(key), DISABLED)
        else:
            runner.add(reg_query_argv(key), stderr=NOT_FOUND, returncode=1)
    return runner


def tls_result(os_trusts: bool, certifi_trusts: bool, leaf=LEAF_WITH_SOURCES) -> CheckResult:
    """The secure-connection check's result in the shape check_tls gives it."""
    trust = [
        {"id": "codex", "trusted": os_trusts},
        {"id": "os", "trusted": os_trusts},
        {"id": "certifi", "trusted": certifi_trusts},
    ]
    status = Status.PASS if os_trusts else Status.FAIL
    faults = () if os_trusts else ("tls_untrusted",)
    issuer = "USERTrust RSA Certification Authority"
    found = tls_findings(trust, issuer, leaf, {"issuer": issuer})
    return CheckResult("tls", "Secure connection", status, "s", found, faults, 1)


def windows(home, runner):
    return make_env(home, platform="windows", runner=runner)


def test_not_windows_is_skip_and_asks_nothing(home):
    runner = FakeRunner()
    outcome = run_check(check_os_trust_policy, make_env(home, runner=runner))
    assert (outcome.status, outcome.summary) == (Status.SKIP, "Only relevant on Windows.")
    assert runner.calls == []


def test_updates_off_and_a_public_root_missing_proves_the_policy(home):
    tls = tls_result(os_trusts=False, certifi_trusts=True)
    env = windows(home, registry(disabled=True))
    outcome = run_check(check_os_trust_policy, env, deps={"tls": tls})
    assert outcome.status is Status.FAIL
    assert outcome.faults == ("root_auto_update_off",)
    assert outcome.summary == (
        "A Windows policy stops Windows from downloading missing root certificates, and the "
        "root that vouches for auth.openai.com (USERTrust RSA Certification Authority) is not "
        "on this computer."
    )
    assert outcome.evidence["root_auto_update"]["disabled_by"] == POLICY_KEY
    result = CheckResult(
        "os_trust_policy",
        "Windows",
        outcome.status,
        outcome.summary,
        outcome.findings,
        outcome.faults,
        1,
    )
    verdict = decide(lab_target(), [tls, result])
    assert verdict.cause == "os_trust_policy"
    assert verdict.flow_step is FlowStep.TOKEN_EXCHANGE
    assert verdict.also == ("tls_interception",)
    assert verdict.fixes == ("admin-root-update",)
    assert "USERTrust RSA Certification Authority" in str(verdict.summary)
    assert "certutil" not in str(verdict.summary) + str(verdict.next_action)


def test_updates_off_does_not_explain_an_inspection_root(home):
    # certifi does not trust it either: a company root, not one Windows Update would bring.
    tls = tls_result(os_trusts=False, certifi_trusts=False)
    outcome = run_check(check_os_trust_policy, windows(home, registry(True)), deps={"tls": tls})
    assert outcome.status is Status.WARN
    assert outcome.faults == ()
    assert outcome.summary.startswith("A Windows policy stops Windows from downloading")
    assert outcome.evidence["root_auto_update"]["disabled_by"] == POLICY_KEY


def test_updates_allowed_passes(home):
    tls = tls_result(os_trusts=True, certifi_trusts=True)
    outcome = run_check(check_os_trust_policy, windows(home, registry(False)), deps={"tls": tls})
    assert outcome.status is Status.PASS
    assert outcome.summary == "Windows downloads missing root certificates by itself."
    assert outcome.evidence["root_auto_update"]["disabled_by"] is None


def test_unreadable_registry_is_not_a_pass(home):
    outcome = run_check(check_os_trust_policy, windows(home, FakeRunner()), deps={})
    assert outcome.status is Status.SKIP
    assert "reg.exe is not available" in outcome.summary


def test_leaf_without_revocation_addresses_warns_from_a_real_handshake(home, auth_server):
    # The lab leaf (trustme) names no OCSP responder and no CRL, like an inspecting proxy's.
    tls = _tls(make_env(home), auth_server.url, DEPS)
    assert tls.evidence["leaf_revocation"] == {"ocsp": [], "ca_issuers": [], "crl": []}
    dep = CheckResult("tls", "t", tls.status, tls.summary, tls.findings, tls.faults, 1)
    outcome = run_check(check_os_trust_policy, windows(home, registry(False)), deps={"tls": dep})
    assert outcome.status is Status.WARN
    assert "(CRYPT_E_NO_REVOCATION_CHECK)" in outcome.summary
    assert outcome.evidence["leaf_revocation"] == tls.evidence["leaf_revocation"]


def test_revocation_sources_of_a_public_style_leaf():
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "auth.openai.com")])
    now = dt.datetime.now(dt.UTC)
    ocsp = x509.AccessDescription(
        AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier("http://ocsp.example")
    )
    issuers = x509.AccessDescription(
        AuthorityInformationAccessOID.CA_ISSUERS,
        x509.UniformResourceIdentifier("http://ca.example/int.crt"),
    )
    crl = x509.DistributionPoint(
        [x509.UniformResourceIdentifier("http://crl.example/int.crl")], None, None, None
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(7)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.AuthorityInformationAccess([ocsp, issuers]), critical=False)
        .add_extension(x509.CRLDistributionPoints([crl]), critical=False)
        .sign(key, hashes.SHA256())
    )
    sources = revocation_sources(cert)
    assert sources == {
        "ocsp": ["http://ocsp.example"],
        "ca_issuers": ["http://ca.example/int.crt"],
        "crl": ["http://crl.example/int.crl"],
    }
    assert can_be_checked(sources)
    assert not can_be_checked({"ocsp": [], "ca_issuers": ["http://x"], "crl": []})


def test_pasted_schannel_revocation_error_proves_the_cause(home):
    text = fixture_text("trust", "curl_schannel_no_revocation_check.txt")
    outcome = run_check(check_pasted_error, make_env(home), pasted=text)
    assert outcome.status is Status.FAIL
    assert outcome.faults == ("revocation_unreachable",)
    result = CheckResult(
        "pasted_error", "p", outcome.status, outcome.summary, outcome.findings, outcome.faults, 1
    )
    verdict = decide(lab_target(), [result])
    assert verdict.cause == "os_trust_policy"
    assert "CRYPT_E_NO_REVOCATION_CHECK" in str(verdict.summary)


def test_pasted_schannel_untrusted_root_is_decoded_not_proven(home):
    text = fixture_text("trust", "git_schannel_untrusted_root.txt")
    outcome = run_check(check_pasted_error, make_env(home), pasted=text)
    assert outcome.status is Status.WARN
    assert outcome.evidence["decoded"][0]["id"] == "schannel_untrusted_root"
    assert outcome.summary.startswith("Windows does not trust the certificate")
