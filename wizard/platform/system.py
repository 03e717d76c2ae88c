"""The real Environment of this machine (the CLI and the window use it; tests build their own)."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from wizard.core.environment import Environment
from wizard.platform.ports import PsutilPortInspector
from wizard.platform.runner import SubprocessRunner
from wizard.platform.trust_store import system_trust_store


def current_platform() -> str:
    if sys.platform.startswith("win"):
        return "windows"
    if sys.platform == "darwin":
        return "darwin"
    return "linux"


def system_environment(variables: Mapping[str, str] | None = None) -> Environment:
    env_vars = dict(os.environ if variables is None else variables)
    platform = current_platform()
    home_var = "USERPROFILE" if platform == "windows" else "HOME"
    home = Path(env_vars.get(home_var) or env_vars.get("HOME") or Path.home())
    runner = SubprocessRunner(env_vars)
    return Environment(
        vars=env_vars,
        home=home,
        platform=platform,
        runner=runner,
        ports=PsutilPortInspector(),
        trust_store=system_trust_store(platform, runner),
    )
