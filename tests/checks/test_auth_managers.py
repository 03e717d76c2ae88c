"""Account switchers and local proxy tools (field §1.6): real processes named like the tools,
real config.toml and auth.json files in a temporary home, a real socket on the callback port.

The process table is the real one (psutil), narrowed to the programs this test started, so
another program on the machine cannot change what a test sees."""

from __future__ import annotations

import json
import os
import sys
import time

import pytest

from tests.helpers import make_env, run_check
from tests.lab.home import LabHome
from tests.lab.port_holder import hold_port
from wizard.checks.auth_managers import check_auth_managers
from wizard.checks.port import check_callback_port
from wizard.core.environment import ProcessInfo
from wizard.core.model import Status
from wizard.platform.processes import running_processes

SECRET_KEY = "sk-proj-SECRETvalue0123456789abcdef"
SECRET_BEARER = "SECRETbearer9876543210zyxw"
SECRET_REFRESH = "rt_SECRETrefresh7Hk2Lm9Qx4"
CC_SWITCH_CONFIG = (
    'model_provider = "ccs"\nmodel = "gpt-5.5"\n'
    'model_catalog_json = "cc-switch-model-catalog.json"\n'
    "[model_providers.ccs]\n"
    'name = "CC Switch"\nbase_url = "http://127.0.0.1:15721/v1"\nwire_api = "responses"\n'
    f'experimental_bearer_token = "{SECRET_BEARER}"\n'
)
CHATGPT_AUTH = json.dumps(
    {
        "auth_mode": "chatgpt",
        "OPENAI_API_KEY": None,
        "tokens": {"id_token": "x", "access_token": "y", "refresh_token": SECRET_REFRESH},
        "last_refresh": "2026-11-01T07:00:00Z",
    }
)
HOUR = 3600


def only(*pids: int):
    """The real process table, narrowed to `pids`."""
    return lambda: [p for p in running_processes() if p.pid in pids]


def table(*names: str):
    """A process table as another system shows it (Windows program names)."""
    return lambda: [ProcessInfo(1000 + i, n, None) for i, n in enumerate(names)]


def aged(path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def no_secret_in(outcome) -> None:
    shown = json.dumps(outcome.evidence, default=str) + str(outcome.summary)
    for secret in (SECRET_KEY, SECRET_BEARER, SECRET_REFRESH, "SECRET"):
        assert secret not in shown


def test_nothing_found_passes(home):
    auth = LabHome(home).auth_json(CHATGPT_AUTH)
    aged(auth, 2 * HOUR)
    outcome = run_check(check_auth_managers, make_env(home, processes=only()))
    assert outcome.status is Status.PASS and outcome.faults == ()
    assert outcome.evidence["auth_file"]["keys"] == ["auth_mode", "last_refresh", "tokens"]
    assert outcome.evidence["auth_file"]["shape"] == "chatgpt"
    no_secret_in(outcome)


@pytest.mark.skipif(sys.platform != "linux", reason="process names as Linux shows them")
@pytest.mark.parametrize(
    ("process", "tool"),
    [
        ("cc-switch", "CC Switch"),
        ("cockpit-tools", "Cockpit Tools"),
        ("codex-switcher", "Codex Switcher"),
        ("cli-proxy-api", "CLIProxyAPI"),
        ("codex-auth", "codex-auth"),
    ],
)
def test_a_running_tool_is_named(home, named_process, process, tool):
    proc = named_process(process)
    outcome = run_check(check_auth_managers, make_env(home, processes=only(proc.pid)))
    assert outcome.status is Status.WARN
    assert outcome.faults == ("auth_manager_running",)
    assert outcome.evidence["tools"] == [
        {"tool": tool, "process": process, "pid": proc.pid, "port": None}
    ]
    assert outcome.summary == f"Running now: {tool} (pid {proc.pid})."


@pytest.mark.skipif(sys.platform != "linux", reason="process names as Linux shows them")
def test_codex_itself_is_not_a_tool(home, named_process):
    proc = named_process("codex")
    outcome = run_check(check_auth_managers, make_env(home, processes=only(proc.pid)))
    assert outcome.status is Status.PASS
    assert outcome.evidence["codex_running"] is True


def test_windows_program_names_are_recognised(home):
    names = ("CC Switch.exe", "CLIProxyAPI.exe", "codex-auth-auto.exe", "Codex.exe")
    env = make_env(home, platform="windows", processes=table(*names))
    outcome = run_check(check_auth_managers, env)
    tools = [t["tool"] for t in outcome.evidence["tools"]]
    assert tools == ["CC Switch", "CLIProxyAPI", "codex-auth"]  # Codex.exe is the app itself
    assert outcome.evidence["facts"]["tools"] == (
        "CC Switch (pid 1000), CLIProxyAPI (pid 1001) and codex-auth (pid 1002)"
    )


def test_codex_auth_s_account_registry_in_the_codex_folder(home):
    LabHome(home).file(".codex/accounts/registry.json", '{"schema_version": 3, "accounts": []}')
    outcome = run_check(check_auth_managers, make_env(home, processes=only()))
    assert outcome.faults == ("auth_manager_config",)
    assert outcome.summary == (
        "Codex's settings: codex-auth keeps accounts/registry.json in the Codex folder."
    )


def test_a_tool_holding_the_callback_port_is_said_so(home):
    with hold_port(1455, name="cli-proxy-api") as holder:
        outcome = run_check(check_auth_managers, make_env(home, processes=only(holder.pid)))
        port = run_check(check_callback_port, make_env(home))
    assert port.summary.endswith(
        f"cli-proxy-api (pid {holder.pid}) on port 1455 is CLIProxyAPI, an account switcher or "
        "local proxy tool that takes over Codex's sign-in."
    )
    assert outcome.faults == ("auth_manager_running",)
    assert outcome.evidence["tools"][0]["port"] == 1455
    assert outcome.summary == (
        f"Running now: CLIProxyAPI (pid {holder.pid}). CLIProxyAPI holds port 1455, where "
        "Codex waits for the browser's return."
    )


def test_cc_switch_proxy_takeover_in_config_toml(home):
    lab = LabHome(home)
    lab.config_toml(CC_SWITCH_CONFIG)
    (lab.codex_home() / "cc-switch-model-catalog.json").write_text('{"models": []}')
    outcome = run_check(check_auth_managers, make_env(home, processes=only()))
    assert outcome.faults == ("auth_manager_config",)
    assert [m["marker"] for m in outcome.evidence["markers"]] == [
        "loopback_provider",
        "no_openai_auth",
        "bearer_token",
        "tool_file",
    ]
    assert outcome.evidence["config"] == {
        "provider": "ccs",
        "provider_address": "127.0.0.1:15721",
        "requires_openai_auth": None,
    }
    assert outcome.summary == (
        "Codex's settings: its requests go to a program on this computer (127.0.0.1:15721), "
        'the provider "ccs" does not use your ChatGPT sign-in (requires_openai_auth is not '
        "set), a fixed access key is set (experimental_bearer_token) and "
        "CC Switch keeps cc-switch-model-catalog.json in the Codex folder."
    )
    no_secret_in(outcome)


def test_a_provider_elsewhere_or_openai_base_url_on_loopback(home):
    LabHome(home).config_toml(
        'model_provider = "azure"\nopenai_base_url = "http://localhost:8317/v1"\n'
        '[model_providers.azure]\nbase_url = "https://example.openai.azure.com/openai"\n'
        '[model_providers.gateway]\nbase_url = "http://127.0.0.1:8317/v1"\n'
        "requires_openai_auth = true\n"
    )
    outcome = run_check(check_auth_managers, make_env(home, processes=only()))
    # Only the active provider counts; openai_base_url redirects the built-in one.
    assert outcome.evidence["markers"] == [
        {"marker": "loopback_openai_base_url", "detail": "localhost:8317"}
    ]


@pytest.mark.parametrize(
    ("content", "shape", "fault"),
    [
        (json.dumps({"OPENAI_API_KEY": SECRET_KEY}), "api_key_only", "auth_file_api_key_only"),
        (json.dumps({"auth_mode": "apikey", "OPENAI_API_KEY": SECRET_KEY}), "api_key", None),
        (
            json.dumps({"auth_mode": "chatgpt", "OPENAI_API_KEY": None}),
            "no_tokens",
            "auth_file_no_tokens",
        ),
        ("{}", "no_tokens", "auth_file_no_tokens"),
        ('{"OPENAI_API_KEY": "' + SECRET_KEY, "not_json", None),
    ],
)
def test_auth_json_shape_by_key_names_only(home, content, shape, fault):
    auth = LabHome(home).auth_json(content)
    aged(auth, 2 * HOUR)
    outcome = run_check(check_auth_managers, make_env(home, processes=only()))
    assert outcome.evidence["auth_file"]["shape"] == shape
    assert outcome.faults == ((fault,) if fault else ())
    no_secret_in(outcome)


def test_auth_json_changed_while_codex_is_closed_is_a_hint(home):
    LabHome(home).auth_json(CHATGPT_AUTH)
    outcome = run_check(check_auth_managers, make_env(home, processes=only()))
    assert outcome.status is Status.WARN and outcome.faults == ()
    assert outcome.evidence["auth_file"]["changed_while_codex_closed"] is True
    assert outcome.summary == (
        "The saved sign-in was changed just now while no Codex program was running; if you "
        "did not just sign in, another program wrote it."
    )
    store_app = r"C:\Program Files\WindowsApps\OpenAI.Codex_26.908.4834.0_x64__2p2nqsd0c76g0"
    for processes in (
        table("codex"),
        table("Codex.exe"),
        lambda: [ProcessInfo(7, "ChatGPT.exe", store_app + r"\app\ChatGPT.exe")],
    ):
        running = run_check(check_auth_managers, make_env(home, processes=processes))
        assert running.status is Status.PASS
        assert running.evidence["auth_file"]["changed_while_codex_closed"] is False


def test_without_a_process_table_nothing_is_said_about_processes(home):
    LabHome(home).auth_json(CHATGPT_AUTH)
    outcome = run_check(check_auth_managers, make_env(home, processes=None))
    assert outcome.status is Status.PASS
    assert outcome.evidence["processes_listed"] is False
    assert outcome.evidence["codex_running"] is None


@pytest.mark.parametrize(
    ("base_url", "address"),
    [
        ("http://127.0.0.1:15721/v1", "127.0.0.1:15721"),
        ("http://127.0.0.2:8317", "127.0.0.2:8317"),
        ("http://localhost:8317/v1", "localhost:8317"),
        ("http://[::1]:8317/v1", "[::1]:8317"),
        ("http://0.0.0.0:8317/v1", "0.0.0.0:8317"),
        ("https://api.example.com/v1", None),
        ("http://192.168.1.20:8317/v1", None),
        ("http://[::1", None),
    ],
)
def test_which_provider_addresses_are_this_computer(home, base_url, address):
    LabHome(home).config_toml(
        f'model_provider = "p"\n[model_providers.p]\nbase_url = "{base_url}"\n'
        "requires_openai_auth = true\n"
    )
    outcome = run_check(check_auth_managers, make_env(home, processes=only()))
    assert outcome.evidence["config"]["provider_address"] == address
    assert outcome.faults == (("auth_manager_config",) if address else ())
