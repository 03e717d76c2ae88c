"""port-release against real processes holding real ports (a Codex-like login server is asked
to stop through /cancel; another program is ended only when confirmed by name), and the
Windows cases from recorded netsh output and Windows-reported holders."""

from __future__ import annotations

import dataclasses

import psutil

from tests.e2e import clean_env, free_port, run_wizard
from tests.helpers import FakeRunner, StaticPorts, fixture_text, make_env
from tests.lab.port_holder import hold_port
from wizard.checks.catalog import ALL_CHECKS
from wizard.core.diagnose import diagnose
from wizard.core.environment import PortHolder
from wizard.core.profile import load_profile
from wizard.fixes.apply import apply_fix
from wizard.fixes.base import FixContext
from wizard.fixes.journal import Journal
from wizard.fixes.port_release import PORT_RELEASE
from wizard.platform.port_reservations import netsh_argv
from wizard.platform.ports import probe_bind

SPECS = [s for s in ALL_CHECKS if s.id == "callback_port"]


def context(env, ports, confirm=None):
    profile = load_profile()
    target = dataclasses.replace(profile.target(), callback_ports=tuple(ports))
    diagnosis = diagnose(SPECS, env, profile, target, 3.0)
    return FixContext(env, profile, target, diagnosis, confirm_process=confirm)


def is_free(port: int) -> bool:
    probe = probe_bind("127.0.0.1", port)
    return probe.free or probe.lingering


def test_a_stale_codex_login_server_is_stopped_through_cancel(home):
    port, fallback = free_port(), free_port()
    with hold_port(port, name="codex", codex_like=True) as holder:
        ctx = context(make_env(home), (port, fallback))
        assert ctx.diagnosis.result("callback_port").evidence["ports"][0]["state"] == "codex"
        plan = PORT_RELEASE.plan(ctx)
        assert plan.applicable, plan.reason
        assert plan.data["actions"] == [{"kind": "cancel", "port": port}]
        assert plan.actions == (
            f"Ask the waiting Codex sign-in on port {port} to stop (GET /cancel)",
        )
        assert f"http://127.0.0.1:{port}/cancel" in plan.summary

        journal = Journal(home / "journal")
        result = apply_fix(PORT_RELEASE, ctx, plan, journal, SPECS)
        assert result.applied, result.message
        assert holder.process.wait(timeout=5) == 0  # it ended itself, as after /cancel
        assert is_free(port)
        assert "Re-check" in result.message
        # nothing that undo could restore: `undo --last` does not pick this entry
        assert journal.last_undoable() is None


def test_another_program_is_refused_without_confirming_it_by_name(home):
    port, fallback = free_port(), free_port()
    with hold_port(port, name="holdr") as holder:
        ctx = context(make_env(home), (port, fallback))
        plan = PORT_RELEASE.plan(ctx)
        assert not plan.applicable
        assert f"Port {port} is used by holdr (pid {holder.pid})." in plan.reason
        assert "--confirm-process holdr" in plan.reason
        assert plan.data["consent"] == ["holdr"]  # the window asks with a button "End holdr"
        assert psutil.pid_exists(holder.pid) and not is_free(port)

        wrong = PORT_RELEASE.plan(context(make_env(home), (port, fallback), confirm="python3"))
        assert not wrong.applicable
        assert "You confirmed 'python3', but the program holding the port is 'holdr'" in (
            wrong.reason
        )
        assert holder.process.poll() is None


def test_the_confirmed_program_is_ended_and_the_port_is_free(home):
    port, fallback = free_port(), free_port()
    with hold_port(port, name="holdr") as holder:
        ctx = context(make_env(home), (port, fallback), confirm="HOLDR")  # any case
        plan = PORT_RELEASE.plan(ctx)
        assert plan.applicable, plan.reason
        (action,) = plan.data["actions"]
        assert (action["kind"], action["pid"], action["name"]) == ("end", holder.pid, "holdr")
        assert plan.actions[0].startswith(f"End holdr (pid {holder.pid}, ")
        result = apply_fix(PORT_RELEASE, ctx, plan, Journal(home / "journal"), SPECS)
        assert result.applied, result.message
        assert holder.process.wait(timeout=5) is not None
        assert is_free(port)
        assert result.verdict["cause"] != "callback_port_busy"


def test_a_recycled_pid_is_never_ended(home):
    port, fallback = free_port(), free_port()
    with hold_port(port, name="holdr") as holder:
        ctx = context(make_env(home), (port, fallback), confirm="holdr")
        plan = PORT_RELEASE.plan(ctx)
        action = plan.data["actions"][0]
        action["created"] = action["created"] - 100  # as if another process got the pid
        result = apply_fix(PORT_RELEASE, ctx, plan, Journal(home / "journal"), SPECS)
        assert not result.applied
        assert "is no longer holdr; nothing was ended" in result.message
        assert holder.process.poll() is None and not is_free(port)


def test_cli_option_confirm_process_reaches_the_fix(home, pki, auth_server):
    port = free_port()
    with hold_port(port, name="holdr") as holder:
        args = ["fix", "port-release", "--yes", "--json", "--auth-url", auth_server.url]
        args += ["--callback-port", str(port), "--timeout", "3"]
        env = clean_env(home, CODEX_CA_CERTIFICATE=str(pki.ca_pem))
        refused = run_wizard(args, env, sees_this_run=True)
        assert refused.returncode == 1, refused.stderr
        assert refused.json["applied"] is False
        assert "--confirm-process holdr" in refused.json["message"]

        done = run_wizard([*args, "--confirm-process", "holdr"], env, sees_this_run=True)
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.json["applied"] is True
        assert holder.process.wait(timeout=5) is not None
        assert is_free(port)


# --- Windows, from recorded output and Windows-reported holders ------------------------------


def windows_context(home, holders=None, netsh=None, confirm=None, user="alice"):
    runner = FakeRunner()
    if netsh:
        runner.add(netsh_argv("ipv4"), fixture_text("ports", netsh))
    env = make_env(
        home,
        {"USERNAME": user},
        platform="windows",
        runner=runner,
        ports=StaticPorts(holders or {}),
    )
    return context(env, (1455, 1457), confirm)


def test_windows_reserved_ranges_are_not_applicable_and_point_at_winnat_restart(home):
    ctx = windows_context(home, netsh="excludedportrange_ipv4_en_w3toppers.txt")
    assert "callback_ports_reserved" in ctx.diagnosis.result("callback_port").faults
    plan = PORT_RELEASE.plan(ctx)
    assert not plan.applicable
    assert "Windows has reserved 1455, 1457 (range 1431-1530)" in plan.reason
    assert "winnat-restart" in plan.reason
    assert "device code sign-in needs no local port" in plan.reason
    assert "--" not in plan.reason  # the window shows it too


def test_windows_system_processes_are_never_ended(home):
    system = PortHolder(1455, "127.0.0.1", 4, "System", None, None)
    svchost = PortHolder(1457, "0.0.0.0", 1234, "svchost.exe", None, "NT AUTHORITY\\SYSTEM")
    ctx = windows_context(home, {1455: [system], 1457: [svchost]}, confirm="System")
    plan = PORT_RELEASE.plan(ctx)
    assert not plan.applicable
    assert "System is part of the operating system: Sign-in Doctor never ends it" in plan.reason
    assert "svchost.exe is part of the operating system" in plan.reason


def test_windows_other_users_processes_are_refused(home):
    node = PortHolder(1455, "127.0.0.1", 77, "node.exe", r"C:\nodejs\node.exe", "PC\\bob")
    ctx = windows_context(home, {1455: [node], 1457: [node]}, confirm="node.exe")
    plan = PORT_RELEASE.plan(ctx)
    assert not plan.applicable
    assert "belongs to another user (PC\\bob)" in plan.reason


def test_windows_wslrelay_says_what_ending_it_does(home):
    relay = PortHolder(
        1455, "127.0.0.1", 12528, "wslrelay.exe", r"C:\Program Files\WSL\wslrelay.exe", "PC\\alice"
    )
    ctx = windows_context(home, {1455: [relay], 1457: [relay]})
    plan = PORT_RELEASE.plan(ctx)
    assert not plan.applicable
    assert "--confirm-process wslrelay.exe" in plan.reason
    assert "ending it stops every port forwarded from WSL" in plan.reason
    assert "turn off the editor's 'Run Codex in WSL' setting instead" in plan.reason

    confirmed = PORT_RELEASE.plan(
        windows_context(home, {1455: [relay], 1457: [relay]}, confirm="wslrelay")
    )
    assert confirmed.applicable
    assert confirmed.data["actions"][0]["pid"] == 12528
    assert "You confirmed 'wslrelay'" in confirmed.summary
    # The window's main card: what ending it means, without pid, path or user.
    assert confirmed.headline.startswith("wslrelay.exe, the WSL relay, holds port 1455.")
    assert "12528" not in confirmed.headline and "alice" not in confirmed.headline
    assert r"C:\Program Files\WSL\wslrelay.exe" in confirmed.actions[0]  # the preview has it


def test_a_free_port_needs_nothing(home):
    ctx = context(make_env(home), (free_port(), free_port()))
    plan = PORT_RELEASE.plan(ctx)
    assert not plan.applicable
    assert plan.reason == "The sign-in port is free; there is nothing to stop."
