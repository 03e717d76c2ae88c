"""When Codex's own way to the sign-in server fails: does the browser's way work?

Browsers on Windows and macOS follow the system's proxy settings: a proxy script (PAC/WPAD)
first, then the static proxy with its bypass list. Codex reads the proxy variables first,
then the static system proxy, and follows a proxy script only with `[features]
respect_system_proxy = true` (off by default, also in 0.169.0; route.py says how it reads all
of it). So the browser signs in and Codex does not (field-failure-modes §2.3, openai/codex
#26764). Only when the token exchange along Codex's route failed, this sends the same harmless
test POST along every other way Codex may take - each variable's proxy, the system's static
proxy, direct - at once, within the check's budget. A proxy script cannot be run here; its way
stays untested and is said to be. Codex 0.169.0 also retries a token request that could not
connect once through the system's settings (system_proxy_fallback, on by default, `codex
features list`); the option makes every request go that way, so it is still the fix."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from wizard.checks.endpoints import probe_token_endpoint
from wizard.core.engine import CheckContext
from wizard.core.findings.network import OtherWays, RoutesFindings
from wizard.core.i18n import sentences, tr
from wizard.core.model import Outcome, Status
from wizard.net.route import Route, Way, effective_route

MISMATCH = "proxy_route_mismatch"
MISMATCH_SCRIPT = "proxy_route_mismatch_script"


def check_other_routes(ctx: CheckContext) -> Outcome:
    token = ctx.dep("token_endpoint")
    if token is not None and token.status in (Status.PASS, Status.WARN):
        return Outcome(
            Status.SKIP, tr("routes", "Not needed: Codex's own way to the sign-in server works.")
        )
    route = effective_route(ctx)
    codex_way = route.way
    script = route.os_way if route.os_way is not None and route.os_way.pac else None
    if script is not None and route.respect_system_proxy:
        return Outcome(
            Status.SKIP,
            tr(
                "routes",
                "Codex follows the proxy script too (respect_system_proxy = true), and Sign-in "
                "Doctor cannot run it, so Codex's way could not be tried here.",
            ),
            RoutesFindings(os_way=script.describe()),
        )
    others = [w for w in route.ways if w != codex_way]
    if route.os_way is not None and not route.os_way.pac and route.os_way not in others:
        others = [w for w in [route.os_way, *others] if w != codex_way]
    if not others and (route.os_way is None or route.os_way == codex_way):
        return Outcome(
            Status.SKIP,
            tr("routes", "No other way to the sign-in server is set up on this computer."),
        )
    tried = _try_all(ctx, others)
    evidence = RoutesFindings(
        codex_way=codex_way.describe(),
        os_way=route.os_way.describe() if route.os_way else None,
        ways=OtherWays(
            route.respect_system_proxy,
            route.system_proxy_fallback,
            tuple(
                {"way": w.describe(), "status": o.status.value, "summary": o.summary}
                for w, o in tried.items()
            ),
        ),
    )
    working = [w for w, o in tried.items() if o.status is Status.PASS]
    browser = route.os_way
    if browser is not None and browser != codex_way and (browser.pac or browser in working):
        return _mismatch(route, browser, _first_failure(ctx), evidence)
    if working:
        return Outcome(
            Status.WARN,
            tr(
                "routes",
                "Codex's own way fails, but the sign-in server answers {way}.",
                way=working[0].describe(),
            ),
            evidence,
        )
    return Outcome(
        Status.WARN,
        tr("routes", "No other way reaches the sign-in server either."),
        evidence,
    )


def _try_all(ctx: CheckContext, ways: list[Way]) -> dict[Way, Outcome]:
    """The test POST along each way at once (a proxy script's way cannot be tried)."""
    testable = [w for w in ways if not w.pac]
    if not testable:
        return {}

    def attempt(way: Way) -> Outcome:
        along = Route(way.proxy, way.source)
        sub = replace(ctx, shared=ctx.shared.overlay(**{f"route:{ctx.target.host}": along}))
        return probe_token_endpoint(sub)

    with ThreadPoolExecutor(len(testable), thread_name_prefix="route") as pool:
        return dict(zip(testable, pool.map(attempt, testable), strict=True))


def _first_failure(ctx: CheckContext) -> str:
    """What stopped Codex's own way: the first of its checks that did not pass."""
    for check_id in ("dns", "tcp", "tls", "token_endpoint"):
        result = ctx.dep(check_id)
        if result is not None and result.status not in (Status.PASS, Status.WARN):
            return result.summary
    return ""


def _mismatch(route: Route, browser: Way, failure: str, evidence: RoutesFindings) -> Outcome:
    if browser.pac:
        tested = tr(
            "routes",
            "Sign-in Doctor cannot run a proxy script, so that way was not tried: if your "
            "browser opens OpenAI's sign-in page, it works.",
        )
    else:
        tested = tr("routes", "That way, the sign-in server answers.")
    if route.respect_system_proxy:
        option = tr(
            "routes",
            "respect_system_proxy is on, but Codex does not reach the sign-in server the "
            "system's way.",
        )
    else:
        option = tr(
            "routes",
            "Codex follows the system's way only with respect_system_proxy = true under "
            "[features] in its config.toml (off by default, also in Codex 0.169.0). Codex "
            "0.169.0 also retries a sign-in request that could not connect once through the "
            "system's settings (system_proxy_fallback, on by default); the option makes every "
            "request go that way.",
        )
    facts = {
        "browser_way": browser.describe(),
        "codex_way": route.way.describe(),
        "detail": failure,
        "tested": tested,
        "option": option,
    }
    summary = tr(
        "routes",
        "This computer's proxy settings go {browser}, but Codex goes {codex}, and that fails.",
        browser=browser.describe(),
        codex=route.way.describe(),
    )
    return Outcome(
        Status.FAIL,
        sentences(summary, tested),
        replace(evidence, facts=facts),
        (MISMATCH_SCRIPT if browser.pac else MISMATCH,),
    )
