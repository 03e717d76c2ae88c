"""Can Codex reach chatgpt.com, the second host a sign-in needs?

A sign-in no longer ends at the sign-in server (field-failure-modes §1.3): right after it,
Codex asks chatgpt.com which workspace to use ("workspace routing discovery"), the success
page is hosted there and the desktop app wraps the sign-in page in it. When only chatgpt.com
is blocked, the sign-in seems to finish and then fails. This runs the sign-in server's own
checks - name lookup, every address on its own budget, connection, trust - against
chatgpt.com (the same functions, with chatgpt.com as the context's target and Codex's route
to it), then the read-only GET `codex doctor` makes. Their faults become chatgpt.com's own
(FAULTS), so the verdict (resources/causes.json) names it and the step after the sign-in."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from wizard.checks.addresses import check_addresses
from wizard.checks.network import check_dns, check_tcp
from wizard.checks.tls import check_tls
from wizard.core.engine import CheckContext
from wizard.core.findings.network import (
    BackendAnswer,
    BackendFindings,
    ChatgptFindings,
    ChatgptStep,
)
from wizard.core.i18n import tr
from wizard.core.model import CheckResult, Outcome, Status
from wizard.net import http

# What the sign-in server's checks prove, said of chatgpt.com (resources/causes.json); the
# rest (no network at all, a proxy that wants a password ...) those checks report themselves.
FAULTS = {
    "dns_failure": "chatgpt_dns_failure",
    "tcp_failed": "chatgpt_tcp_failed",
    "tls_no_answer": "chatgpt_tls_no_answer",
    "http_no_answer": "chatgpt_http_no_answer",
    "tls_untrusted": "chatgpt_tls_untrusted",
    "tls_weak_ca": "chatgpt_tls_weak_ca",
    "proxy_unreachable": "chatgpt_proxy_unreachable",
    "address_blackhole": "chatgpt_address_blackhole",
}
OK = (Status.PASS, Status.WARN)


def check_chatgpt(ctx: CheckContext) -> Outcome:
    second = ctx.profile.chatgpt_target(ctx.target)
    if second is None:
        return Outcome(Status.SKIP, tr("chatgpt", "Only checked for OpenAI's own sign-in server."))
    host = second.host
    sub = replace(ctx, target=second, results=dict(ctx.results))
    steps: dict[str, Outcome] = {}

    def run(check_id: str, check: Callable[[CheckContext], Outcome]) -> Outcome:
        outcome = steps[check_id] = check(sub)
        return outcome

    def ran(*check_ids: str) -> None:  # what the next check may read with ctx.dep
        sub.results = {**sub.results, **{i: _result(i, steps[i]) for i in check_ids}}

    if run("dns", check_dns).status not in OK:
        return _combined(host, steps, "dns")
    ran("dns")
    with ThreadPoolExecutor(2, thread_name_prefix="chatgpt") as pool:  # one budget for both
        tcp = pool.submit(run, "tcp", check_tcp)
        pool.submit(run, "addresses", check_addresses).result()
        tcp.result()
    if steps["tcp"].status not in OK:
        return _combined(host, steps, "tcp")
    ran("tcp")
    if run("tls", check_tls).status not in OK:
        return _combined(host, steps, "tls")
    steps["backend"] = _backend(sub)
    return _combined(host, steps, "backend" if steps["backend"].status not in OK else None)


def _backend(ctx: CheckContext) -> Outcome:
    """GET the backend's root: any HTTP answer, even 403 or 404, proves the way works."""
    url = ctx.target.auth_url + ctx.profile["chatgpt"]["probe_path"]
    result = http.probe(ctx, "GET", url)
    evidence = BackendFindings(url, result.via or "direct")
    if not result.answered:
        facts = {"host": ctx.target.host, "detail": result.detail}
        return Outcome(
            Status.FAIL,
            tr(
                "chatgpt",
                "{host} does not answer Codex's request: {detail}.",
                host=ctx.target.host,
                detail=result.detail,
            ),
            replace(evidence, error=result.error, facts=facts),
            ("http_no_answer",),
        )
    evidence = replace(evidence, answer=BackendAnswer(result.status, http.request_id(result)))
    return Outcome(
        Status.PASS,
        tr(
            "chatgpt",
            "{host} answers Codex (HTTP {status}).",
            host=ctx.target.host,
            status=result.status,
        ),
        evidence,
    )


def _result(check_id: str, outcome: Outcome) -> CheckResult:
    return CheckResult(
        check_id, check_id, outcome.status, outcome.summary, outcome.findings, outcome.faults, 0
    )


def _combined(host: str, steps: Mapping[str, Outcome], failed: str | None) -> Outcome:
    """One outcome for chatgpt.com: the step that failed (or a warning, or all well), every
    step's finding in the evidence, and its faults said of chatgpt.com."""
    faults = tuple(FAULTS[f] for o in steps.values() for f in o.faults if f in FAULTS)
    evidence = ChatgptFindings(
        host,
        {i: ChatgptStep(o.status.value, o.summary, o.evidence) for i, o in steps.items()},
    )
    warned = [o for o in steps.values() if o.status is Status.WARN]
    shown = steps[failed] if failed else (warned[0] if warned else None)
    if shown is None:
        return Outcome(
            Status.PASS,
            tr(
                "chatgpt",
                "{host} is found, every address answers, the connection is trusted and it "
                "answers Codex.",
                host=host,
            ),
            evidence,
        )
    facts = dict(shown.findings.cause_facts())
    facts.setdefault("host", host)
    facts.setdefault("detail", shown.summary)
    # A step that could not run (skip) or broke (error) says so; it proves nothing more.
    return Outcome(shown.status, shown.summary, replace(evidence, facts=facts), faults)
