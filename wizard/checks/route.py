"""Which proxy Codex would use for the auth host, and every place a proxy is configured.

Codex's HTTP client (reqwest) takes HTTPS_PROXY / https_proxy, then ALL_PROXY / all_proxy, for
an https URL, skips hosts matched by NO_PROXY / no_proxy, and reads `$CODEX_HOME/.env` at start
for variables not already set (keys starting CODEX_ are ignored there)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from wizard.core.engine import CheckContext
from wizard.core.environment import Environment
from wizard.core.model import Target
from wizard.core.profile import Profile


@dataclass(frozen=True)
class ProxySetting:
    """One place a proxy is configured, and whether Codex's sign-in would use it."""

    source: str  # e.g. "HTTPS_PROXY", "~/.codex/.env: HTTPS_PROXY", "VS Code http.proxy"
    value: str  # the URL as configured (may hold a password: display with `redact_url`)
    used_by_codex: bool
    note: str = ""

    def to_json(self) -> dict[str, object]:
        return {
            "source": self.source,
            "value": redact_url(self.value),
            "used_by_codex": self.used_by_codex,
            "note": self.note,
        }


@dataclass(frozen=True)
class Route:
    proxy: str | None  # the proxy URL Codex would use (credentials included; never print)
    proxy_source: str | None
    bypassed_by: str | None = None  # the NO_PROXY entry that sends the auth host direct
    settings: tuple[ProxySetting, ...] = field(default_factory=tuple)

    @property
    def direct(self) -> bool:
        return self.proxy is None

    @property
    def proxy_display(self) -> str | None:
        return redact_url(self.proxy) if self.proxy else None

    @property
    def proxy_scheme(self) -> str | None:
        return urlsplit(_with_scheme(self.proxy)).scheme.lower() if self.proxy else None

    @property
    def proxy_address(self) -> tuple[str, int] | None:
        if not self.proxy:
            return None
        parts = urlsplit(_with_scheme(self.proxy))
        default = {"https": 443, "socks5": 1080, "socks5h": 1080, "socks": 1080}.get(
            parts.scheme.lower(), 80
        )
        return parts.hostname or "", parts.port or default

    @property
    def proxy_credentials(self) -> tuple[str, str] | None:
        if not self.proxy:
            return None
        parts = urlsplit(_with_scheme(self.proxy))
        if parts.username is None:
            return None
        return parts.username, parts.password or ""


def redact_url(url: str) -> str:
    """A proxy URL without its password (the user name stays: it helps the help desk)."""
    parts = urlsplit(_with_scheme(url))
    if parts.password is None:
        return url
    netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return parts._replace(netloc=netloc).geturl()


def _with_scheme(url: str) -> str:
    return url if "://" in url else f"http://{url}"


def effective_route(ctx: CheckContext) -> Route:
    """The route for this run, resolved once and shared by every check."""
    route: Route = ctx.shared.get("route", lambda: resolve_route(ctx.env, ctx.profile, ctx.target))
    return route


def resolve_route(env: Environment, profile: Profile, target: Target) -> Route:
    dotenv = read_dotenv(env.codex_home() / profile["codex_files"]["dotenv"])
    dotenv_label = env.display_path(env.codex_home() / profile["codex_files"]["dotenv"])
    settings: list[ProxySetting] = []
    chosen: tuple[str, str] | None = None  # (source, value)

    def lookup(name: str) -> tuple[str, str] | None:
        value = env.vars.get(name)
        if value:
            return name, value
        value = dotenv.get(name)
        if value and name not in env.vars:
            return f"{dotenv_label}: {name}", value
        return None

    for name in profile.env_names("https_proxy"):
        found = lookup(name)
        if found and chosen is None:
            chosen = found
        if found:
            settings.append(ProxySetting(found[0], found[1], used_by_codex=found == chosen))
    for name in profile.env_names("http_proxy"):
        found = lookup(name)
        if found:
            note = "only used for http:// addresses; the sign-in server is https://"
            settings.append(ProxySetting(found[0], found[1], used_by_codex=False, note=note))

    no_proxy = next((v for n in profile.env_names("no_proxy") if (v := env.vars.get(n))), "")
    bypass = no_proxy_match(no_proxy, target.host)
    if chosen is None or bypass:
        return Route(None, None, bypass, tuple(settings))
    return Route(chosen[1], chosen[0], None, tuple(settings))


def no_proxy_match(no_proxy: str, host: str) -> str | None:
    """The NO_PROXY entry that matches `host` (reqwest rules: `*`, exact, or domain suffix)."""
    host = host.lower().strip("[]")
    for raw in no_proxy.split(","):
        entry = raw.strip().lower()
        if not entry:
            continue
        if entry == "*":
            return entry
        bare = entry.lstrip("*").lstrip(".")
        if host == bare or host.endswith("." + bare):
            return raw.strip()
    return None


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a dotenv file; a missing or unreadable file is empty."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    values: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        key, value = key.strip(), value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        if key.startswith("CODEX_"):
            continue  # Codex filters these out of .env (ILLEGAL_ENV_VAR_PREFIX)
        values[key] = value
    return values
