"""Which proxy Codex would use for the auth host, and every place a proxy is configured.

Codex's HTTP client (reqwest over hyper-util) reads, for an https URL, the first of
HTTPS_PROXY / https_proxy that is set (even when empty); when that is not an address it can read
(`socks://`, `SOCKS5://`, `ftp://`, empty) it reads ALL_PROXY / all_proxy the same way, and with
neither it goes direct. It takes socks4/socks4a/socks5/socks5h addresses but cannot use them
(it fails before connecting). It skips hosts matched by the first of NO_PROXY / no_proxy that is
set. It loads `$CODEX_HOME/.env` at start over the process's own variables (keys starting
CODEX_ are ignored there). tests/lab/test_codex_routes.py checks all of it on the real client. When
no variable names a proxy, reqwest also reads the operating system's static proxy (Windows
Internet Options, macOS network settings). PAC scripts and the system resolver are used only with
`[features] respect_system_proxy = true` in `$CODEX_HOME/config.toml`; then the system's
answer comes before the variables. Editor settings (`http.proxy`) are the editor's own."""

from __future__ import annotations

import ipaddress
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from wizard.core.engine import CheckContext
from wizard.core.environment import Environment
from wizard.core.i18n import sentences, tr
from wizard.core.model import Target
from wizard.core.profile import Profile
from wizard.platform import system_proxy
from wizard.report.redact import redact_url

HTTP_SCHEMES = ("http", "https")  # in any case
SOCKS_SCHEMES = ("socks4", "socks4a", "socks5", "socks5h")  # lower case only
SYSTEM_READ_BUDGET_S = 2.0  # all OS proxy commands together; route resolution is shared
WINDOWS_SOURCE = tr("route", "Windows Internet Options")
WINDOWS_PAC_SOURCE = tr("route", "Windows Internet Options (automatic configuration script)")
WINHTTP_SOURCE = tr("route", "Windows WinHTTP proxy (netsh)")
MACOS_SOURCE = tr("route", "macOS network settings")
MACOS_PAC_SOURCE = tr("route", "macOS network settings (automatic proxy configuration)")
RESPECT_SYSTEM_PROXY = "respect_system_proxy"
RESPECT_SYSTEM_PROXY_TYPO = "respect_system_proxies"  # seen in openai/codex#39237; ignored
SYSTEM_PROXY_FALLBACK = "system_proxy_fallback"  # stable and on in 0.169.0 (`features list`)
WINDOWS_UNVERIFIED = tr(
    "route",
    "Codex's HTTP client reads this Windows setting when no proxy variable is set "
    "(not confirmed by OpenAI for Windows).",
)
EXCEPTIONS_IGNORED = tr(
    "route",
    "Codex does not read this setting's exceptions (its bypass list) unless "
    "respect_system_proxy is on; a browser does.",
)
IDE_NOTE = tr(
    "route",
    "Used by the editor itself; Codex launched by the extension does not necessarily use it "
    "(openai/codex#11998).",
)


@dataclass(frozen=True)
class ProxySetting:
    """One place a proxy is configured, and whether Codex's sign-in would use it."""

    source: str  # e.g. "HTTPS_PROXY", "~/.codex/.env: HTTPS_PROXY", "VS Code http.proxy"
    value: str  # the URL as configured (may hold a password: display with `redact_url`)
    used_by_codex: bool
    note: str = ""
    active: bool = True  # False for a setting that is there but switched off
    ignored: bool = False  # a variable Codex skips: not an address it reads

    def to_json(self) -> dict[str, object]:
        return {
            "source": self.source,
            "value": redact_url(self.value),
            "used_by_codex": self.used_by_codex,
            "note": self.note,
            "active": self.active,
        }


@dataclass(frozen=True)
class Way:
    """One way to the sign-in server: through a proxy (as Codex would use it) or direct."""

    source: str | None  # where it is configured; None: direct
    proxy: str | None = None  # credentials included: display with `describe`
    pac: bool = False  # a proxy script (its URL in `proxy`): which proxy it picks is unknown

    def describe(self) -> str:
        if self.source is None:
            return tr("route", "directly")
        if self.pac:
            return tr(
                "route",
                "through the proxy script {url} ({source})",
                url=redact_url(self.proxy or ""),
                source=self.source,
            )
        return tr(
            "route",
            "through the proxy {proxy} ({source})",
            proxy=redact_url(self.proxy or ""),
            source=self.source,
        )


DIRECT = Way(None)


@dataclass(frozen=True)
class Route:
    proxy: str | None  # the proxy URL Codex would use (credentials included; never print)
    proxy_source: str | None
    bypassed_by: str | None = None  # the NO_PROXY entry that sends the auth host direct
    settings: tuple[ProxySetting, ...] = field(default_factory=tuple)
    notes: tuple[str, ...] = ()  # settings that could not be read, and why
    no_proxy: tuple[str, str] | None = None  # (where, value) of the NO_PROXY Codex sees
    respect_system_proxy: bool = False  # [features] in config.toml: the system comes first
    system_proxy_fallback: bool = True  # [features]: retry through the system after a failure
    ways: tuple[Way, ...] = ()  # every way Codex may take with its settings or the option
    os_way: Way | None = None  # the way the system's settings (and a browser) take; None: unknown

    @property
    def direct(self) -> bool:
        return self.proxy is None

    @property
    def way(self) -> Way:
        return Way(self.proxy_source, self.proxy) if self.proxy else DIRECT

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
        default = 443 if parts.scheme.lower() == "https" else 80
        if parts.scheme in SOCKS_SCHEMES:
            default = 1080
        try:
            port = parts.port
        except ValueError:  # "host:notaport"
            port = None
        return parts.hostname or "", port or default

    @property
    def proxy_credentials(self) -> tuple[str, str] | None:
        if not self.proxy:
            return None
        parts = urlsplit(_with_scheme(self.proxy))
        if parts.username is None:
            return None
        return parts.username, parts.password or ""


def _with_scheme(url: str) -> str:
    return url if "://" in url else f"http://{url}"


def effective_route(ctx: CheckContext) -> Route:
    """The route to this context's host, resolved once per run and shared by every check
    (the second host, chatgpt.com, may be exempt from a proxy the sign-in server is not)."""

    def resolve() -> Route:
        timeout = ctx.budget.timeout(SYSTEM_READ_BUDGET_S)
        # The OS proxy settings are the same for every host: read once per run.
        system = ctx.shared.get("route:system", lambda: read_system(ctx.env, timeout))
        return resolve_route(ctx.env, ctx.profile, ctx.target, timeout, system)

    route: Route = ctx.shared.get(f"route:{ctx.target.host}", resolve)
    return route


SystemSettings = tuple[list["_SystemItem"], list[str]]  # the OS proxy settings, their notes


def read_system(env: Environment, timeout: float = SYSTEM_READ_BUDGET_S) -> SystemSettings:
    """The OS proxy settings (Windows, macOS) and what reading them noted, within `timeout`."""
    notes: list[str] = []
    return _read_system(env, timeout, notes), notes


def resolve_route(
    env: Environment,
    profile: Profile,
    target: Target,
    timeout: float = SYSTEM_READ_BUDGET_S,
    system_settings: SystemSettings | None = None,
) -> Route:
    """The route Codex takes to `target`; `system_settings`: the OS proxy settings if they
    were read already (`read_system`)."""
    variables = CodexVariables(env, profile)
    lookup = variables.get
    notes: list[str] = []
    features = _features(env, profile, notes)
    respect_system = features.get(RESPECT_SYSTEM_PROXY) is True

    # 1. Variables, read as Codex's HTTP client (hyper-util) reads them for an https URL: of
    #    HTTPS_PROXY / https_proxy the first that is set counts, even when empty; when it does
    #    not hold a proxy address Codex can read, ALL_PROXY / all_proxy are read the same way.
    env_candidates: list[tuple[str, str]] = []  # a readable first-set value per group
    env_vars: list[tuple[str, str, str | None, bool]] = []  # (source, value, why skipped, ignored)
    seen: set[str] = set()
    for group in _variable_groups(env, profile.env_names("https_proxy")):
        set_vars = [f for name in group if (f := lookup(name))]
        seen.update(name.upper() if env.platform == "windows" else name for name in group)
        if not set_vars:
            continue
        first, first_value = set_vars[0]
        if codex_reads(first_value):
            env_candidates.append((first, first_value))
            env_vars.append((first, first_value, None, False))
        elif first_value:
            env_vars.append((first, first_value, _ignored_note(first_value), True))
        hidden = _shadowed_note(first, first_value)
        env_vars += [(source, value, hidden, False) for source, value in set_vars[1:] if value]
        env_vars += [(n, v, variables.overridden_note, False) for n, v in variables.under(group)]
    http_only: list[tuple[str, str]] = []
    for name in profile.env_names("http_proxy"):
        found = lookup(name)
        key = name.upper() if env.platform == "windows" else name
        if found and found[1] and key not in seen:
            seen.add(key)
            http_only.append(found)
    # NO_PROXY / no_proxy: likewise the first that is set counts, even when empty.
    no_proxy_var = next(
        (found for name in profile.env_names("no_proxy") if (found := lookup(name))), None
    )

    # 2. The operating system's own proxy settings.
    system, system_notes = system_settings or read_system(env, timeout)
    notes.extend(system_notes)

    # 3. Which one Codex takes, and whether the auth host bypasses it.
    # (source, url, the system's own bypass list); respect_system_proxy puts the system first
    env_first: list[tuple[str, str, str | None]] = [(s, v, None) for s, v in env_candidates]
    # Codex's own client takes the static Windows proxy without its exceptions (ProxyOverride,
    # field notes 2.3: cc-switch#4478); the system resolver of respect_system_proxy reads them.
    honours_exceptions = respect_system or env.platform != "windows"
    static = [
        (c.source, c.url, c.no_proxy if honours_exceptions else None) for c in system if c.static
    ]
    candidates = static + env_first if respect_system else env_first + static
    chosen = candidates[0] if candidates else None
    bypass: str | None = None  # the matching entry
    bypass_from = ""  # where that entry is configured
    if chosen is not None:
        if no_proxy_var is not None:
            bypass, bypass_from = no_proxy_match(no_proxy_var[1], target.host), no_proxy_var[0]
        elif chosen[2]:
            bypass = no_proxy_match(chosen[2], target.host)
            bypass_from = tr("route", "{source} exceptions", source=chosen[0])
    exempt = tr("route", "{entry} in {where}", entry=bypass, where=bypass_from) if bypass else None

    settings: list[ProxySetting] = []
    for source, value, skipped, ignored in env_vars:
        used = skipped is None and chosen is not None and chosen[0] == source and bypass is None
        note = skipped or _env_note(source, chosen, exempt)
        settings.append(ProxySetting(source, value, used, note, ignored=ignored))
    for source, value in http_only:
        note = tr("route", "Only used for http:// addresses; the sign-in server is https://.")
        settings.append(ProxySetting(source, value, used_by_codex=False, note=note))
    for item in system:
        used = item.static and chosen is not None and chosen[0] == item.source and bypass is None
        note = item.note
        if item.static and item.no_proxy and not honours_exceptions:
            note = _join(note, EXCEPTIONS_IGNORED)
        if item.static and not used:
            note = _join(note, _not_chosen_note(chosen, exempt))
        if item.pac:
            used = respect_system
            note = _pac_note(respect_system)
        settings.append(ProxySetting(item.source, item.value, used, note, item.active))
    settings.extend(_editor_settings(env, profile, notes))

    ways = [Way(c[0], c[1]) for c in env_first + static if not _exempt(c, no_proxy_var, target)]
    options = {
        "settings": tuple(settings),
        "notes": tuple(notes),
        "no_proxy": no_proxy_var,
        "respect_system_proxy": respect_system,
        "system_proxy_fallback": features.get(SYSTEM_PROXY_FALLBACK) is not False,
        "ways": tuple(dict.fromkeys([*ways, DIRECT])),
        "os_way": _os_way(env, system, target),
    }
    if chosen is None or bypass:
        return Route(None, None, bypass, **options)
    return Route(chosen[1], chosen[0], None, **options)


def _exempt(
    candidate: tuple[str, str, str | None], no_proxy_var: tuple[str, str] | None, target: Target
) -> bool:
    """Whether the sign-in server goes direct instead of through this candidate proxy."""
    no_proxy = no_proxy_var[1] if no_proxy_var is not None else candidate[2]
    return bool(no_proxy) and no_proxy_match(no_proxy or "", target.host) is not None


def _os_way(env: Environment, system: list[_SystemItem], target: Target) -> Way | None:
    """The way the system's own settings take to the sign-in server, as a browser follows
    them: a proxy script first, then the static proxy unless its bypass list exempts the host.
    None where the system has no proxy settings of its own for this tool to read (Linux)."""
    if env.platform not in ("windows", "darwin"):
        return None
    script = next((i for i in system if i.pac and i.active), None)
    if script is not None:
        return Way(script.source, script.value, pac=True)
    static = next((i for i in system if i.static and i.active), None)
    if static is None or (static.no_proxy and no_proxy_match(static.no_proxy, target.host)):
        return DIRECT
    return Way(static.source, static.url)


class CodexVariables:
    """Variables as Codex sees them. It loads `$CODEX_HOME/.env` at start OVER the process's
    own variables (the real client, tests/lab/test_codex_routes.py), except CODEX_ keys."""

    def __init__(self, env: Environment, profile: Profile) -> None:
        self.env = env
        self.dotenv_path = env.codex_home() / profile["codex_files"]["dotenv"]
        self.dotenv = read_dotenv(self.dotenv_path)

    def get(self, name: str) -> tuple[str, str] | None:
        """(source, value) of `name` when it is set, even to nothing."""
        key = self._dotenv_key(name)
        if key is not None:
            return f"{self.env.display_path(self.dotenv_path)}: {key}", self.dotenv[key]
        value = self.env.get(name)
        return (name, value) if value is not None else None

    def under(self, names: list[str]) -> list[tuple[str, str]]:
        """(name, value) of the process's own variables that .env overrides."""
        found = ((name, self.env.get(name)) for name in names if self._dotenv_key(name))
        return [(name, value) for name, value in found if value]

    @property
    def overridden_note(self) -> str:
        return tr(
            "route",
            "Not used: {dotenv} sets it too, and Codex loads that file over this computer's own "
            "variables.",
            dotenv=self.env.display_path(self.dotenv_path),
        )

    def _dotenv_key(self, name: str) -> str | None:
        if name in self.dotenv:
            return name
        if self.env.platform == "windows":  # one variable whatever its case
            return next((k for k in self.dotenv if k.upper() == name.upper()), None)
        return None


def _variable_groups(env: Environment, names: list[str]) -> list[list[str]]:
    """`names` grouped by spelling without case (HTTPS_PROXY, https_proxy), in order; on
    Windows, where they are one variable, each group has one name."""
    groups: dict[str, list[str]] = {}
    for name in names:
        group = groups.setdefault(name.upper(), [])
        if env.platform != "windows" or not group:
            group.append(name)
    return list(groups.values())


def codex_reads(url: str) -> bool:
    """Whether Codex takes `url` as a proxy: http:// and https:// (any case), no scheme (read
    as http://) and the SOCKS schemes in lower case; anything else (socks://, SOCKS5://, ftp://)
    it ignores as if the variable were not set."""
    if not url:
        return False
    scheme, has_scheme, _rest = url.partition("://")
    return not has_scheme or scheme.lower() in HTTP_SCHEMES or scheme in SOCKS_SCHEMES


def _ignored_note(value: str) -> str:
    scheme = value.partition("://")[0]
    return tr(
        "route",
        "Ignored by Codex: it does not read '{scheme}://' proxy addresses, so it acts as if "
        "this were not set.",
        scheme=scheme,
    )


def _shadowed_note(first: str, first_value: str) -> str:
    if not first_value:
        return tr(
            "route",
            "Not used: {first} is also set (empty), and Codex reads only that one.",
            first=first,
        )
    return tr("route", "Not used: {first} is also set, and Codex reads only that one.", first=first)


def _env_note(source: str, chosen: tuple[str, str, str | None] | None, exempt: str | None) -> str:
    if chosen is None:
        return ""
    if chosen[0] == source:
        return _exempt_note(exempt) if exempt else ""
    return _comes_first_note(chosen[0])


def _not_chosen_note(chosen: tuple[str, str, str | None] | None, exempt: str | None) -> str:
    if chosen is not None and exempt:
        return _exempt_note(exempt)
    if chosen is not None:
        return _comes_first_note(chosen[0])
    return ""


def _exempt_note(exempt: str) -> str:
    return tr("route", "Not used for the sign-in server: it is exempt ({exempt}).", exempt=exempt)


def _comes_first_note(first: str) -> str:
    return tr("route", "Not used: {first} comes first.", first=first)


def _pac_note(respect_system: bool) -> str:
    if respect_system:
        return tr(
            "route",
            "Codex asks this script which proxy to use (respect_system_proxy = true). "
            "Sign-in Doctor cannot run the script, so the route tested may differ.",
        )
    return tr(
        "route",
        "Not used by Codex: a proxy script is only followed with [features] "
        "respect_system_proxy = true in config.toml.",
    )


def _join(*parts: str) -> str:
    result: str = sentences(*parts)
    return result


@dataclass(frozen=True)
class _SystemItem:
    source: str
    value: str  # as configured (shown to people)
    url: str  # as Codex would use it ("" when not a static proxy)
    static: bool  # a static https proxy Codex can take
    pac: bool = False
    no_proxy: str | None = None  # the system's bypass list, as a NO_PROXY list
    note: str = ""
    active: bool = True


def _read_system(env: Environment, timeout: float, notes: list[str]) -> list[_SystemItem]:
    """The OS proxy settings, all commands within `timeout` together."""
    deadline = time.monotonic() + timeout

    def left() -> float:
        return max(0.05, deadline - time.monotonic())

    items: list[_SystemItem] = []
    if env.platform == "windows":
        wininet = system_proxy.read_wininet(env, left())
        if wininet.note:
            notes.append(wininet.note)
        if isinstance(wininet.value, system_proxy.WinInetProxy):
            items.extend(_wininet_items(wininet.value))
        winhttp = system_proxy.read_winhttp(env, left())
        if winhttp.note:
            notes.append(winhttp.note)
        if isinstance(winhttp.value, system_proxy.WinHttpProxy):
            note = tr(
                "route", "The machine-wide WinHTTP proxy is used by Windows services, not by Codex."
            )
            if winhttp.value.bypass:
                bypass_list = tr("route", "Bypass list: {bypass}.", bypass=winhttp.value.bypass)
                note = _join(note, bypass_list)
            items.append(_SystemItem(WINHTTP_SOURCE, winhttp.value.server, "", False, note=note))
    elif env.platform == "darwin":
        mac = system_proxy.read_macos(env, left())
        if mac.note:
            notes.append(mac.note)
        if isinstance(mac.value, system_proxy.MacProxy):
            items.extend(_macos_items(mac.value))
    return items


def _wininet_items(settings: system_proxy.WinInetProxy) -> list[_SystemItem]:
    items: list[_SystemItem] = []
    if settings.enabled and settings.server:
        url = system_proxy.proxy_server_for_https(settings.server)
        no_proxy = (
            system_proxy.override_as_no_proxy(settings.override) if settings.override else None
        )
        if url:
            note: str = WINDOWS_UNVERIFIED
            if "=" in settings.server:
                per_protocol = tr("route", "The per-protocol form is read for its https entry.")
                note = _join(note, per_protocol)
            items.append(
                _SystemItem(
                    WINDOWS_SOURCE, settings.server, url, True, no_proxy=no_proxy, note=note
                )
            )
        else:
            note = tr("route", "Names no proxy for https:// addresses, so Codex does not use it.")
            items.append(_SystemItem(WINDOWS_SOURCE, settings.server, "", False, note=note))
    elif settings.server:
        note = tr("route", 'Switched off ("Use a proxy server" is unticked).')
        items.append(
            _SystemItem(WINDOWS_SOURCE, settings.server, "", False, note=note, active=False)
        )
    if settings.auto_config_url:
        items.append(_SystemItem(WINDOWS_PAC_SOURCE, settings.auto_config_url, "", False, pac=True))
    return items


def _macos_items(settings: system_proxy.MacProxy) -> list[_SystemItem]:
    items: list[_SystemItem] = []
    no_proxy = ",".join(settings.exceptions) or None
    if settings.https:
        items.append(
            _SystemItem(
                tr("route", "macOS network settings (secure web proxy)"),
                settings.https,
                f"http://{settings.https}",
                True,
                no_proxy=no_proxy,
                note=tr(
                    "route",
                    "Codex's HTTP client reads the macOS proxy when no proxy variable is set.",
                ),
            )
        )
    if settings.http:
        note = tr(
            "route",
            "The web proxy (HTTP) is only used for http:// addresses; the sign-in server is "
            "https://.",
        )
        source = tr("route", "macOS network settings (web proxy)")
        items.append(_SystemItem(source, settings.http, "", False, note=note))
    if settings.socks:
        note = tr("route", "Codex does not use a SOCKS proxy from the system settings.")
        source = tr("route", "macOS network settings (SOCKS proxy)")
        items.append(_SystemItem(source, settings.socks, "", False, note=note))
    if settings.pac_url:
        items.append(_SystemItem(MACOS_PAC_SOURCE, settings.pac_url, "", False, pac=True))
    return items


def _features(env: Environment, profile: Profile, notes: list[str]) -> dict[str, Any]:
    """`[features]` of $CODEX_HOME/config.toml, read as the real Codex 0.169.0 reads it
    (tests/lab/test_codex_features.py): only that table counts, a misspelt key is noted."""
    path = env.codex_home() / profile["codex_files"]["config"]
    try:
        with path.open("rb") as handle:
            config: dict[str, Any] = tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as exc:
        notes.append(
            tr(
                "route",
                "{path} could not be read ({error}); proxy options in it were ignored.",
                path=env.display_path(path),
                error=str(exc),
            )
        )
        return {}
    features = config.get("features")
    if not isinstance(features, dict):
        return {}
    if RESPECT_SYSTEM_PROXY_TYPO in features and RESPECT_SYSTEM_PROXY not in features:
        notes.append(
            tr(
                "route",
                "{path} sets respect_system_proxies (plural), which Codex ignores; "
                "the option is respect_system_proxy.",
                path=env.display_path(path),
            )
        )
    return features


def _editor_settings(env: Environment, profile: Profile, notes: list[str]) -> list[ProxySetting]:
    """`http.proxy` of VS Code-family editors, read by the editors module when it is there."""
    try:
        from wizard.platform.editors import read_editor_settings

        found = read_editor_settings(env, profile)
    except (ImportError, AttributeError):
        return []
    ide = profile["ide"]
    result: list[ProxySetting] = []
    for editor in found:
        values = getattr(editor, "values", None)
        if not isinstance(values, dict):
            continue
        proxy = values.get(ide["proxy_setting"])
        if not isinstance(proxy, str) or not proxy.strip():
            continue
        note: str = IDE_NOTE
        no_proxy = values.get(ide.get("no_proxy_setting", "http.noProxy"))
        if isinstance(no_proxy, list) and no_proxy:
            listed = ", ".join(str(v) for v in no_proxy)
            note = _join(note, tr("route", "Its http.noProxy: {entries}.", entries=listed))
        where = env.display_path(editor.path)
        source = f"{editor.editor_name} {ide['proxy_setting']} ({where})"
        result.append(ProxySetting(source, proxy.strip(), used_by_codex=False, note=note))
    return result


def no_proxy_match(no_proxy: str, host: str) -> str | None:
    """The NO_PROXY entry that matches `host`, by reqwest's rules: `*` matches everything,
    an IP or CIDR matches addresses in it, a domain matches itself and its sub-domains
    (a leading '.' is optional). Wildcards like `*.example.com` are not understood."""
    host = host.lower().strip("[]")
    host_ip = _ip(host)
    for raw in no_proxy.split(","):
        entry = raw.strip().lower()
        if not entry:
            continue
        if entry == "*":
            return raw.strip()
        if host_ip is not None:
            network = _network(entry)
            if network is not None and host_ip in network:
                return raw.strip()
            continue
        bare = entry[1:] if entry.startswith(".") else entry
        if host == bare or host.endswith("." + bare):
            return raw.strip()
    return None


def no_proxy_covers_loopback(no_proxy: str) -> bool:
    return all(no_proxy_match(no_proxy, h) for h in ("localhost", "127.0.0.1", "::1"))


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(text.strip("[]"), strict=False)
    except ValueError:
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
