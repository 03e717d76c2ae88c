"""The real Environment of this machine (the CLI and the window use it; tests build their own)."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from wizard.core.environment import (
    CommandOutput,
    CommandRunner,
    Environment,
    RunningProcess,
)
from wizard.platform.network_route import has_route_out
from wizard.platform.os_verifier import os_verifier_for
from wizard.platform.ports import PsutilPortInspector
from wizard.platform.processes import running_processes
from wizard.platform.trust_store import system_trust_store


def current_platform() -> str:
    if sys.platform.startswith("win"):
        return "windows"
    if sys.platform == "darwin":
        return "darwin"
    return "linux"


class DeferredRunner:
    """The subprocess runner, made for the first command: the window builds the Environment
    before it shows, and `subprocess` is not needed for that."""

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self._env = env
        self._runner: CommandRunner | None = None

    def run(self, argv: Sequence[str], timeout: float) -> CommandOutput:
        if self._runner is None:
            from wizard.platform.runner import SubprocessRunner

            self._runner = SubprocessRunner(self._env)
        return self._runner.run(argv, timeout)


class DeferredLauncher:
    """The process launcher, imported for the first program it starts (as the runner)."""

    def start(self, argv: Sequence[str], env: Mapping[str, str]) -> RunningProcess:
        from wizard.platform.launcher import SubprocessLauncher

        return SubprocessLauncher().start(argv, env)


def system_environment(variables: Mapping[str, str] | None = None) -> Environment:
    env_vars = dict(os.environ if variables is None else variables)
    platform = current_platform()
    home_var = "USERPROFILE" if platform == "windows" else "HOME"
    home = Path(env_vars.get(home_var) or env_vars.get("HOME") or Path.home())
    runner = DeferredRunner(env_vars)
    return Environment(
        vars=env_vars,
        home=home,
        platform=platform,
        runner=runner,
        ports=PsutilPortInspector(),
        trust_store=system_trust_store(platform, runner),
        os_verifier=os_verifier_for(platform),
        launcher=DeferredLauncher(),
        route_out=has_route_out,
        processes=running_processes,
    )
