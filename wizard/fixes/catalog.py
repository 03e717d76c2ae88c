"""Every fix by id (the ids in DESIGN.md); the verdict lists them best first."""

from __future__ import annotations

from wizard.fixes.account_guidance import (
    ACCOUNT_SUPPORT,
    POLICY_ADMIN,
    RETRY_FRESH_SESSION,
    SINGLE_REFRESHER_RELOGIN,
    STOP_AUTH_MANAGER,
    WORKSPACE_ADMIN,
)
from wizard.fixes.auth_env_repair import AUTH_ENV_REPAIR
from wizard.fixes.base import Fix
from wizard.fixes.ca_bundle import CA_BUNDLE
from wizard.fixes.ca_env_repair import CA_ENV_REPAIR
from wizard.fixes.desktop_wsl_off import DesktopWslOff
from wizard.fixes.guidance import (
    CLOCK_SYNC,
    DEVICE_AUTH,
    PORT_FORWARD,
    STATUS_PAGE,
    STORE_FILE_MODE,
    WINNAT_RESTART,
)
from wizard.fixes.ide_wsl_off import IdeWslOff
from wizard.fixes.port_release import PORT_RELEASE
from wizard.fixes.proxy_env_repair import PROXY_ENV_REPAIR
from wizard.fixes.respect_system_proxy import RESPECT_SYSTEM_PROXY_ON
from wizard.fixes.windows_guidance import ADMIN_ROOT_UPDATE, WSL_DNS, WSL_MTU, WSL_PROXY_ADDRESS


def all_fixes() -> dict[str, Fix]:
    fixes: list[Fix] = [DEVICE_AUTH, PORT_FORWARD, CLOCK_SYNC, STATUS_PAGE, WINNAT_RESTART]
    fixes += [STORE_FILE_MODE, ADMIN_ROOT_UPDATE, WSL_PROXY_ADDRESS, WSL_MTU, WSL_DNS]
    fixes += [ACCOUNT_SUPPORT, WORKSPACE_ADMIN, POLICY_ADMIN]
    fixes += [RETRY_FRESH_SESSION, SINGLE_REFRESHER_RELOGIN]
    fixes.append(STOP_AUTH_MANAGER)
    fixes += [IdeWslOff(), DesktopWslOff()]
    fixes += [CA_BUNDLE, CA_ENV_REPAIR, PROXY_ENV_REPAIR, AUTH_ENV_REPAIR, PORT_RELEASE]
    fixes.append(RESPECT_SYSTEM_PROXY_ON)
    return {f.id: f for f in fixes}
