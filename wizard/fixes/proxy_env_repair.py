"""proxy-env-repair: a proxy variable that points at a port where nothing answers, or at a
SOCKS proxy (Codex takes `socks5://` and its kin, then cannot use them), is taken out wherever
it is persisted - the user variables, shell start-up files, environment.d and
`$CODEX_HOME/.env` (where HTTPS_PROXY often lives, openai/codex#38885). Where a proxy stays
set, NO_PROXY is made to cover localhost,127.0.0.1,::1 so the sign-in's return to this
computer never goes to a proxy (openai/codex#36490). Proxy passwords are never shown."""

from __future__ import annotations

from collections.abc import Callable

from wizard.core.i18n import tr
from wizard.fixes.base import ChangeFix, FixContext
from wizard.fixes.env_places import (
    RESTART,
    Action,
    Definition,
    SetValue,
    Stale,
    check_result,
    clean_up,
    expand,
    sentences,
    turned_off_places,
    unplaced_note,
)
from wizard.fixes.plan import FixPlan
from wizard.net.route import (
    CodexVariables,
    Route,
    no_proxy_covers_loopback,
    no_proxy_match,
    resolve_route,
)
from wizard.report.redact import redact_url

LOOPBACK = ("localhost", "127.0.0.1", "::1")
UNREACHABLE = "proxy_unreachable"
UNSUPPORTED = "proxy_unsupported_scheme"
AUTH = "proxy_auth_required"


class ProxyEnvRepair(ChangeFix):
    id = "proxy-env-repair"
    title = tr("proxy_env_repair", "Remove a stale proxy setting")
    purpose = tr("proxy_env_repair", "Removes a proxy setting that points at nothing.")

    def plan(self, ctx: FixContext) -> FixPlan:
        env, profile = ctx.env, ctx.profile
        proxy = check_result(ctx, "proxy")
        faults = proxy.faults if proxy else ()
        if AUTH in faults:
            return self.not_applicable(
                tr(
                    "proxy_env_repair",
                    "The proxy works but wants a user name and password. Ask IT for proxy "
                    "credentials and put them in the proxy setting "
                    "(http://USER:PASSWORD@host:port), or ask for the sign-in server to be "
                    "allowed without them.",
                )
            )
        if UNREACHABLE not in faults and UNSUPPORTED not in faults:
            return self.not_applicable(
                tr("proxy_env_repair", "No proxy setting is stale: nothing to remove.")
            )
        route = resolve_route(env, profile, ctx.target)
        if route.proxy is None or route.proxy_source is None:
            return self.not_applicable(
                tr("proxy_env_repair", "The proxy setting is not there any more.")
            )
        name = route.proxy_source.rsplit(": ", 1)[-1]
        if name not in _proxy_names(ctx):
            return self.not_applicable(
                tr(
                    "proxy_env_repair",
                    "The proxy {proxy} comes from {source}, not from a variable: change it there "
                    "(Windows: Settings > Network & internet > Proxy; macOS: System Settings > "
                    "Network > Details > Proxies).",
                    proxy=route.proxy_display,
                    source=route.proxy_source,
                )
            )

        unsupported = UNSUPPORTED in faults
        dead = _address(route.proxy)
        shown = route.proxy_display or ""
        if unsupported:
            why = tr(
                "proxy_env_repair",
                "Codex cannot use a '{scheme}' proxy ({proxy})",
                scheme=route.proxy_scheme,
                proxy=shown,
            )
        else:
            why = tr("proxy_env_repair", "nothing answers at the proxy {proxy}", proxy=shown)

        def stale_value(value: str) -> bool:
            here = _address(value)
            return here == dead if unsupported else here[1:] == dead[1:]

        names = _proxy_names(ctx)
        stale = [Stale(n, stale_value, why) for n in names]
        remaining = _remaining_proxies(ctx, names, stale_value)
        no_proxy_now = route.no_proxy[1] if route.no_proxy else None
        store_extra: dict[str, str] = {}
        line_edits: list[tuple[list[str], Callable[[Definition], Action]]] = []
        appends = []
        if remaining and not no_proxy_covers_loopback(no_proxy_now or ""):
            store_extra["NO_PROXY"] = with_loopback(no_proxy_now or "")
            variables = CodexVariables(env, profile)
            dotenv = variables.dotenv
            in_dotenv = any(dotenv.get(n) for n in names)
            if in_dotenv and not any(n in dotenv for n in profile.env_names("no_proxy")):
                # a proxy Codex takes from .env gets its NO_PROXY right beside it (#36490)
                appends.append((variables.dotenv_path, f"NO_PROXY={store_extra['NO_PROXY']}"))

            def extend(definition: Definition) -> Action:
                if no_proxy_covers_loopback(expand(env, definition.value)):
                    return None
                return SetValue(with_loopback(definition.value))

            line_edits.append((profile.env_names("no_proxy"), extend))
        cleanup = clean_up(ctx, stale, store_extra, line_edits, appends)

        removed = [n for n in names if n in cleanup.places]
        if not removed:
            return self.not_applicable(
                sentences(
                    tr(
                        "proxy_env_repair",
                        "The stale proxy setting ({name}) is not in any place Sign-in Doctor "
                        "can change.",
                        name=name,
                    ),
                    unplaced_note(env, cleanup.unplaced),
                )
            )
        turned_off = turned_off_places(cleanup, removed)
        parts = [
            tr(
                "proxy_env_repair",
                "Codex is told to use a proxy, but {why}. This turns off {places}.",
                why=why,
                places=turned_off,
            )
        ]
        if unsupported:
            parts.append(
                tr(
                    "proxy_env_repair",
                    "If you need a proxy to reach the internet, set HTTPS_PROXY to your proxy "
                    "app's HTTP (or 'mixed') port instead, e.g. http://127.0.0.1:PORT.",
                )
            )
        if store_extra:
            parts.append(
                tr(
                    "proxy_env_repair",
                    "Another proxy stays set ({remaining}), so NO_PROXY is set to {no_proxy}: "
                    "the sign-in's return to this computer never goes to a proxy.",
                    remaining=", ".join(remaining),
                    no_proxy=store_extra["NO_PROXY"],
                )
            )
        elif not remaining:
            parts.append(tr("proxy_env_repair", "Codex then connects directly."))
        summary = sentences(*parts, unplaced_note(env, cleanup.unplaced))
        return FixPlan(
            fix_id=self.id,
            title=self.title,
            summary=summary,
            files=cleanup.files,
            env=cleanup.env,
            restart=(RESTART,),
            rechecks=("proxy", "tcp", "tls", "codex_probe"),
            data={"proxy": redact_url(route.proxy), "removed": removed},
        )


def _proxy_names(ctx: FixContext) -> list[str]:
    names = [*ctx.profile.env_names("https_proxy"), *ctx.profile.env_names("http_proxy")]
    if ctx.env.platform == "windows":  # one variable whatever its case
        return list({n.upper(): n.upper() for n in names})
    return names


def _address(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a proxy URL, as Codex would read it."""
    route = Route(proxy=url, proxy_source=None)
    host, port = route.proxy_address or ("", 0)
    return (route.proxy_scheme or "http", host.lower(), port)


def _remaining_proxies(
    ctx: FixContext, names: list[str], stale: Callable[[str], bool]
) -> list[str]:
    """Proxy variables that stay set after the stale ones are gone (.env or process)."""
    variables = CodexVariables(ctx.env, ctx.profile)
    left: list[str] = []
    for name in names:
        _source, value = variables.get(name) or ("", "")
        if value and not stale(value):
            left.append(f"{name}={redact_url(value)}")
    return list(dict.fromkeys(left))


def with_loopback(no_proxy: str) -> str:
    """`no_proxy` with localhost, 127.0.0.1 and ::1 added where they are not covered yet."""
    entries = [e.strip() for e in no_proxy.split(",") if e.strip()]
    for host in LOOPBACK:
        if not any(no_proxy_match(entry, host) for entry in entries):
            entries.append(host)
    return ",".join(entries)


PROXY_ENV_REPAIR = ProxyEnvRepair()
