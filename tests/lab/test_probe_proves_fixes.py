"""The user's own Codex is the proof step of a fix: after ca-bundle or ca-env-repair the
re-check asks the real Codex 0.169 with the variables the fix set, and the fix only counts as
done when Codex itself gets through."""

from __future__ import annotations

from tests.e2e import clean_env, run_wizard


def _fix(home, codex, fix_id, *extra, **env_vars):
    env = clean_env(home, **env_vars)
    env["PATH"] = codex.folder + ":" + env["PATH"]
    args = ["fix", fix_id, "--yes", "--json", *extra, "--timeout", "20"]
    return run_wizard(args, env, timeout=180)


def _probe(document):
    checks = {c["id"]: c for c in document["rechecked"]}
    return checks["codex_probe"]


def test_ca_bundle_is_proven_by_the_users_codex(codex_ports, openai_via_proxy, pki, home):
    proxy = openai_via_proxy("intercept")
    run = _fix(
        home,
        codex_ports,
        "ca-bundle",
        "--extra-ca",
        str(pki.corp_ca_pem),
        HTTPS_PROXY=proxy.url,
        CODEX_CA_CERTIFICATE=str(pki.ca_pem),
    )
    assert run.returncode == 0, run.stdout + run.stderr
    document = run.json
    assert document["applied"] is True
    probe = _probe(document)
    assert probe["status"] == "pass", probe
    bundle = home / ".local" / "share" / "signin-doctor" / "ca-bundle.pem"
    assert document["env"]["CODEX_CA_CERTIFICATE"] == str(bundle)
    assert document["message"].endswith("Re-check: Nothing wrong found on this computer.")


def test_a_fix_codex_does_not_confirm_is_not_done(codex_ports, openai_via_proxy, pki, home):
    """ca-env-repair drops a CODEX_CA_CERTIFICATE that points nowhere; behind an interception
    the one left (SSL_CERT_FILE, the lab's public root only) still fails for Codex, so the
    re-check names Codex's own attempt and the fix is not reported as done."""
    proxy = openai_via_proxy("intercept")
    missing = home / "missing.pem"
    (home / ".profile").write_text(f"export CODEX_CA_CERTIFICATE={missing}\n")
    run = _fix(
        home,
        codex_ports,
        "ca-env-repair",
        HTTPS_PROXY=proxy.url,
        CODEX_CA_CERTIFICATE=str(missing),
        SSL_CERT_FILE=str(pki.ca_pem),
    )
    document = run.json
    probe = _probe(document)
    assert (probe["status"], probe["faults"]) == ("fail", ["codex_probe_transport"]), probe
    assert document["applied"] is False
    assert "Your own Codex tries it" in document["message"]
    assert run.returncode == 1
