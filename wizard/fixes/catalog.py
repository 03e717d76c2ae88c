"""Every fix by id (the ids in DESIGN.md); the verdict lists them best first.

Each id names the module its fix lives in, imported the first time that fix is asked for:
planning a verdict's fixes loads only those (a verdict without fixes loads none; ca-bundle's
plan alone brings cryptography and ssl, and only where plans are made: wizard.fixes.ca_bundle
is the fix that Apply needs, its plan another module)."""

from __future__ import annotations

from importlib import import_module

from wizard.fixes.base import Fix

# fix id -> (module in wizard.fixes, the fix's name in it), in the order `all_fixes` lists them
_WHERE: dict[str, tuple[str, str]] = {
    "device-auth": ("guidance", "DEVICE_AUTH"),
    "port-forward": ("guidance", "PORT_FORWARD"),
    "clock-sync": ("guidance", "CLOCK_SYNC"),
    "status-page": ("guidance", "STATUS_PAGE"),
    "winnat-restart": ("guidance", "WINNAT_RESTART"),
    "store-file-mode": ("guidance", "STORE_FILE_MODE"),
    "admin-root-update": ("windows_guidance", "ADMIN_ROOT_UPDATE"),
    "wsl-proxy-address": ("windows_guidance", "WSL_PROXY_ADDRESS"),
    "wsl-mtu": ("windows_guidance", "WSL_MTU"),
    "wsl-dns": ("windows_guidance", "WSL_DNS"),
    "desktop-app-update": ("windows_guidance", "DESKTOP_APP_UPDATE"),
    "account-support": ("account_guidance", "ACCOUNT_SUPPORT"),
    "workspace-admin": ("account_guidance", "WORKSPACE_ADMIN"),
    "policy-admin": ("account_guidance", "POLICY_ADMIN"),
    "retry-fresh-session": ("account_guidance", "RETRY_FRESH_SESSION"),
    "single-refresher-relogin": ("account_guidance", "SINGLE_REFRESHER_RELOGIN"),
    "stop-auth-manager": ("account_guidance", "STOP_AUTH_MANAGER"),
    "ide-wsl-off": ("ide_wsl_off", "IDE_WSL_OFF"),
    "desktop-wsl-off": ("desktop_wsl_off", "DESKTOP_WSL_OFF"),
    "ca-bundle": ("ca_bundle", "CA_BUNDLE"),
    "ca-env-repair": ("ca_env_repair", "CA_ENV_REPAIR"),
    "proxy-env-repair": ("proxy_env_repair", "PROXY_ENV_REPAIR"),
    "auth-env-repair": ("auth_env_repair", "AUTH_ENV_REPAIR"),
    "port-release": ("port_release", "PORT_RELEASE"),
    "respect-system-proxy-on": ("respect_system_proxy", "RESPECT_SYSTEM_PROXY_ON"),
}


def fix_ids() -> tuple[str, ...]:
    return tuple(_WHERE)


def find_fix(fix_id: str) -> Fix | None:
    """The fix with this id (its module imported now), or None for an id the catalog lacks."""
    where = _WHERE.get(fix_id)
    if where is None:
        return None
    module, name = where
    found: Fix = getattr(import_module(f"wizard.fixes.{module}"), name)
    return found


def all_fixes() -> dict[str, Fix]:
    """Every fix (every fix module imported)."""
    return {fix_id: fix for fix_id in _WHERE if (fix := find_fix(fix_id)) is not None}
