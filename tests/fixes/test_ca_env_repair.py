"""ca-env-repair with real files in a temporary home and a real lab auth server: a broken CA
variable is turned off in every place it is persisted (exact bytes), re-checked, and undone
byte for byte; Windows and macOS through recorded-call fakes."""

from __future__ import annotations

import os

from tests.e2e import free_port
from tests.helpers import FakeRunner, lab_target, make_env
from wizard.checks.catalog import ALL_CHECKS
from wizard.core.diagnose import diagnose
from wizard.core.profile import load_profile
from wizard.fixes.apply import apply_fix, undo_last
from wizard.fixes.base import FixContext
from wizard.fixes.ca_env_repair import CA_ENV_REPAIR
from wizard.fixes.journal import Journal
from wizard.platform.env_store import BEGIN, END

SPECS = [
    s
    for s in ALL_CHECKS
    if s.id in {"proxy", "ca_env", "dns", "tcp", "tls", "openid", "token_endpoint", "clock"}
]
HINT = "(undo: python -m wizard undo --last)"
MISSING = "CODEX_CA_CERTIFICATE pointed at a file that cannot be used (the file does not exist)"


def context(env, server_url, extra_ca=None, specs=SPECS):
    profile = load_profile()
    target = lab_target(server_url, free_port())
    diagnosis = diagnose(specs, env, profile, target, 3.0)
    return FixContext(env, profile, target, diagnosis, extra_ca)


def test_a_missing_ca_file_is_turned_off_in_profile_and_environment_d(home, pki, auth_server):
    profile_file = home / ".profile"
    original_profile = (
        b"# my profile\r\nexport EDITOR=vim\r\n"
        b'export CODEX_CA_CERTIFICATE="$HOME/corp-root.pem"\r\n'
    )
    profile_file.write_bytes(original_profile)
    conf = home / ".config" / "environment.d" / "corp.conf"
    conf.parent.mkdir(parents=True)
    original_conf = f"CODEX_CA_CERTIFICATE={home}/corp-root.pem\nFOO=1\n".encode()
    conf.write_bytes(original_conf)
    # the OS store trusts the lab server: without the broken variable, Codex would work
    env = make_env(
        home, {"CODEX_CA_CERTIFICATE": str(home / "corp-root.pem")}, os_roots_file=pki.ca_pem
    )
    ctx = context(env, auth_server.url)
    assert ctx.diagnosis.verdict.cause == "ca_bundle_broken"

    plan = CA_ENV_REPAIR.plan(ctx)
    assert plan.applicable, plan.reason
    assert plan.summary == (
        "CODEX_CA_CERTIFICATE points at ~/corp-root.pem, but the file does not exist. This "
        "turns it off in ~/.profile (line 3) and ~/.config/environment.d/corp.conf (line 1). "
        "Codex then uses this computer's own certificate store."
    )
    edits = {e.path: e for e in plan.files}
    assert set(edits) == {profile_file, conf}
    assert edits[profile_file].after == (
        b"# my profile\r\nexport EDITOR=vim\r\n"
        + f"# signin-doctor: {MISSING} {HINT}\r\n".encode()
        + b'# export CODEX_CA_CERTIFICATE="$HOME/corp-root.pem"\r\n'
    )
    assert edits[conf].diff() == (
        "--- ~/.config/environment.d/corp.conf\n"
        "+++ ~/.config/environment.d/corp.conf\n"
        "@@ -1,2 +1,3 @@\n"
        f"-CODEX_CA_CERTIFICATE={home}/corp-root.pem\n"
        f"+# signin-doctor: {MISSING} {HINT}\n"
        f"+# CODEX_CA_CERTIFICATE={home}/corp-root.pem\n"
        " FOO=1\n"
    )
    assert [(e.name, e.before, e.after) for e in plan.env] == [("CODEX_CA_CERTIFICATE", None, None)]
    assert plan.rechecks == ("ca_env", "tls", "codex_probe")

    journal = Journal(home / "journal")
    result = apply_fix(CA_ENV_REPAIR, ctx, plan, journal, SPECS)
    assert result.applied, result.message
    assert result.verdict["cause"] == "none"
    assert profile_file.read_bytes() == edits[profile_file].after

    undone = undo_last(journal, ctx)
    assert undone.applied
    assert profile_file.read_bytes() == original_profile
    assert conf.read_bytes() == original_conf


def test_ssl_cert_file_in_codex_dotenv_is_turned_off_there(home, pki, auth_server):
    dotenv = home / ".codex" / ".env"
    dotenv.parent.mkdir()
    dotenv.write_text(
        "# proxy and certificates for Codex\n"
        "CODEX_CA_CERTIFICATE=/ignored/by/codex.pem\n"
        "SSL_CERT_FILE='/opt/old-corp/bundle.pem'\n"
        "HTTPS_PROXY=http://127.0.0.1:3128\n"
    )
    env = make_env(home, os_roots_file=pki.ca_pem)
    ctx = context(env, auth_server.url)
    evidence = ctx.diagnosis.result("ca_env").evidence["variables"]["SSL_CERT_FILE"]
    assert evidence["source"] == ".env"

    plan = CA_ENV_REPAIR.plan(ctx)
    assert plan.applicable, plan.reason
    (edit,) = plan.files
    assert edit.after.decode() == (
        "# proxy and certificates for Codex\n"
        "CODEX_CA_CERTIFICATE=/ignored/by/codex.pem\n"  # CODEX_* keys: Codex ignores them there
        "# signin-doctor: SSL_CERT_FILE pointed at a file that cannot be used "
        f"(the file does not exist) {HINT}\n"
        "# SSL_CERT_FILE='/opt/old-corp/bundle.pem'\n"
        "HTTPS_PROXY=http://127.0.0.1:3128\n"
    )
    assert plan.env == ()  # not a variable of the process: only the file changes
    assert "SSL_CERT_FILE (in Codex's .env file) points at /opt/old-corp/bundle.pem" in (
        plan.summary
    )


def test_a_stale_ssl_cert_file_that_hides_the_os_store(home, pki, auth_server):
    bashrc = home / ".bashrc"
    bashrc.write_text(f"export SSL_CERT_FILE={pki.corp_ca_pem}  # from the old VPN client\n")
    env = make_env(home, {"SSL_CERT_FILE": str(pki.corp_ca_pem)}, os_roots_file=pki.ca_pem)
    ctx = context(env, auth_server.url)
    assert "ssl_cert_file_hides_os_store" in ctx.diagnosis.result("tls").faults

    plan = CA_ENV_REPAIR.plan(ctx)
    assert plan.applicable, plan.reason
    (edit,) = plan.files
    assert edit.path == bashrc
    assert edit.after.decode() == (
        "# signin-doctor: SSL_CERT_FILE replaced this computer's certificate store with a "
        f"file that does not trust localhost {HINT}\n"
        f"# export SSL_CERT_FILE={pki.corp_ca_pem}  # from the old VPN client\n"
    )
    result = apply_fix(CA_ENV_REPAIR, ctx, plan, Journal(home / "journal"), SPECS)
    assert result.applied, result.message
    assert result.verdict["cause"] == "none"


def test_extra_ca_points_the_variable_at_the_given_file(home, pki, auth_server):
    profile_file = home / ".profile"
    profile_file.write_text("export CODEX_CA_CERTIFICATE=/gone/corp.pem\n")
    env = make_env(home, {"CODEX_CA_CERTIFICATE": "/gone/corp.pem"})
    ctx = context(env, auth_server.url, extra_ca=pki.ca_pem)

    plan = CA_ENV_REPAIR.plan(ctx)
    assert plan.applicable, plan.reason
    value = str(pki.ca_pem.resolve())
    assert [(e.name, e.after) for e in plan.env] == [("CODEX_CA_CERTIFICATE", value)]
    edits = {e.path.name: e.after.decode() for e in plan.files}
    assert edits["60-signin-doctor.conf"].endswith(f"CODEX_CA_CERTIFICATE={value}\n")
    assert edits[".profile"] == (
        "# signin-doctor: CODEX_CA_CERTIFICATE pointed at a file that cannot be used (the file "
        f"does not exist) {HINT}\n"
        "# export CODEX_CA_CERTIFICATE=/gone/corp.pem\n"
        "\n"
        f"{BEGIN}\nexport CODEX_CA_CERTIFICATE='{value}'\n{END}\n"
    )
    assert "points it at" in plan.summary and "Codex then uses the file you gave." in plan.summary
    result = apply_fix(CA_ENV_REPAIR, ctx, plan, Journal(home / "journal"), SPECS)
    assert result.applied, result.message  # the lab root now comes from the given file


def test_a_non_pem_extra_ca_is_refused(home, pki, auth_server):
    der = home / "root.cer"
    der.write_bytes(b"\x30\x82\x01\x0a not pem")
    env = make_env(home, {"CODEX_CA_CERTIFICATE": "/gone/corp.pem"})
    plan = CA_ENV_REPAIR.plan(context(env, auth_server.url, extra_ca=der))
    assert not plan.applicable
    assert "it holds no PEM certificate" in plan.reason and "ca-bundle" in plan.reason


def test_nothing_to_repair(home, pki, auth_server):
    env = make_env(home, {"CODEX_CA_CERTIFICATE": str(pki.ca_pem)})
    plan = CA_ENV_REPAIR.plan(context(env, auth_server.url))
    assert not plan.applicable
    assert "nothing to repair" in plan.reason


def test_set_only_for_this_program_is_said_plainly(home, pki, auth_server):
    env = make_env(home, {"CODEX_CA_CERTIFICATE": "/gone/corp.pem"})
    plan = CA_ENV_REPAIR.plan(context(env, auth_server.url))
    assert not plan.applicable
    assert "CODEX_CA_CERTIFICATE is set for this program, but not in any place" in plan.reason


def test_a_symlinked_dotfile_is_edited_at_its_target_and_stays_a_symlink(home, pki, auth_server):
    dotfiles = home / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "zshrc"
    real.write_text("export CODEX_CA_CERTIFICATE=/gone/corp.pem\n")
    link = home / ".zshrc"
    os.symlink(real, link)
    env = make_env(home, {"CODEX_CA_CERTIFICATE": "/gone/corp.pem"}, os_roots_file=pki.ca_pem)
    ctx = context(env, auth_server.url)
    plan = CA_ENV_REPAIR.plan(ctx)
    (edit,) = plan.files
    assert edit.path == real and edit.shown_as == "~/.zshrc -> ~/dotfiles/zshrc"
    journal = Journal(home / "journal")
    assert apply_fix(CA_ENV_REPAIR, ctx, plan, journal, SPECS).applied
    assert link.is_symlink() and real.read_text().startswith("# signin-doctor:")
    undo_last(journal, ctx)
    assert link.is_symlink() and real.read_text() == "export CODEX_CA_CERTIFICATE=/gone/corp.pem\n"


# --- Windows and macOS: the user variable through PowerShell / launchctl ----------------------


def test_windows_unsets_the_user_variable_through_powershell(home):
    runner = FakeRunner()
    script = "[Environment]::SetEnvironmentVariable('SSL_CERT_FILE', $null, 'User')"
    runner.add(["powershell", "-NoProfile", "-NonInteractive", "-Command", script], "")
    dotenv = home / ".codex" / ".env"
    dotenv.parent.mkdir()
    dotenv.write_bytes(b"SSL_CERT_FILE=C:\\old\\corp.pem\r\n")
    env = make_env(home, {"SSL_CERT_FILE": "C:\\old\\corp.pem"}, platform="windows", runner=runner)
    ctx = FixContext(
        env, load_profile(), lab_target(), checks=ALL_CHECKS
    )  # no diagnosis: ca_env runs locally
    plan = CA_ENV_REPAIR.plan(ctx)
    assert plan.applicable, plan.reason
    assert [(e.name, e.after) for e in plan.env] == [("SSL_CERT_FILE", None)]
    (edit,) = plan.files
    assert edit.after.endswith(b"\r\n# SSL_CERT_FILE=C:\\old\\corp.pem\r\n")  # CRLF kept
    result = apply_fix(CA_ENV_REPAIR, ctx, plan, Journal(home / "journal"))
    assert result.applied, result.message
    assert ("powershell", "-NoProfile", "-NonInteractive", "-Command", script) in runner.calls


def test_macos_unsets_with_launchctl_and_edits_zprofile(home):
    runner = FakeRunner()
    runner.add(["launchctl", "unsetenv", "CODEX_CA_CERTIFICATE"], "")
    (home / ".zprofile").write_text("export CODEX_CA_CERTIFICATE=/Users/u/gone.pem\n")
    env = make_env(
        home, {"CODEX_CA_CERTIFICATE": "/Users/u/gone.pem"}, platform="darwin", runner=runner
    )
    ctx = FixContext(env, load_profile(), lab_target(), checks=ALL_CHECKS)
    plan = CA_ENV_REPAIR.plan(ctx)
    assert [e.path.name for e in plan.files] == [".zprofile"]
    assert apply_fix(CA_ENV_REPAIR, ctx, plan, Journal(home / "journal")).applied
    assert ("launchctl", "unsetenv", "CODEX_CA_CERTIFICATE") in runner.calls
