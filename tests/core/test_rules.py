"""Verdict rules: faults -> causes, DESIGN precedence, listener rule, none and unknown."""

from __future__ import annotations

from tests.helpers import AsFound, lab_target
from wizard.core.findings import NOTHING
from wizard.core.model import CheckResult, FlowStep, Status
from wizard.core.rules import cause_table, decide


def result(check_id, status=Status.PASS, faults=(), facts=None, summary="s"):
    found = AsFound({"facts": facts}) if facts else NOTHING
    return CheckResult(check_id, check_id.title(), status, summary, found, tuple(faults), 1)


HEALTHY = [
    result(c)
    for c in (
        "proxy",
        "dns",
        "tcp",
        "tls",
        "ca_env",
        "openid",
        "token_endpoint",
        "clock",
        "callback_port",
    )
]


def replace(results, new):
    return [new if r.id == new.id else r for r in results]


def test_healthy_is_none_with_passed_steps():
    verdict = decide(lab_target(), HEALTHY)
    assert verdict.cause == "none" and verdict.flow_step is None
    assert verdict.fixes == ("status-page", "device-auth")
    assert FlowStep.TOKEN_EXCHANGE in verdict.passed_steps
    assert FlowStep.LISTENER in verdict.passed_steps


def test_a_step_is_not_ok_while_its_own_check_warns():
    warned = replace(HEALTHY, result("callback_port", Status.WARN))
    verdict = decide(lab_target(), warned)
    assert FlowStep.LISTENER not in verdict.passed_steps
    assert FlowStep.TOKEN_EXCHANGE in verdict.passed_steps


def test_nothing_wrong_says_what_the_port_check_found():
    waiting = "A Codex sign-in is waiting on port 1455 for the browser's return."
    held = replace(HEALTHY, result("callback_port", Status.WARN, summary=waiting))
    verdict = decide(lab_target(), held)
    assert verdict.cause == "none"
    assert verdict.summary == (
        "Everything Codex needs for sign-in works from this computer: the sign-in server "
        f"answers, the connection is trusted and the clock is right. {waiting} If sign-in "
        "still fails, the problem is most likely on OpenAI's side or with the account."
    )
    unchecked = [r for r in HEALTHY if r.id != "callback_port"]
    assert "The sign-in port was not checked." in decide(lab_target(), unchecked).summary
    skipped = replace(HEALTHY, result("callback_port", Status.SKIP, summary="Cancelled."))
    assert "The sign-in port was not checked." in decide(lab_target(), skipped).summary


def test_every_fault_maps_to_a_known_cause_and_every_cause_has_texts():
    table = cause_table()
    causes = table["causes"]
    for fault, entry in table["faults"].items():
        assert entry["cause"] in causes, fault
    ordered = table["precedence"] + table["listener_precedence"] + table["account_precedence"]
    for cause in ordered + table["last_resort"]:
        assert {"step", "title", "summary", "next_action", "fixes"} <= causes[cause].keys()


def test_interception_names_the_issuer_and_the_step():
    tls = result(
        "tls",
        Status.FAIL,
        ["tls_untrusted"],
        {"issuer": "Contoso Inspection Root (Contoso Web Inspection)"},
    )
    verdict = decide(lab_target(), replace(HEALTHY, tls))
    assert verdict.cause == "tls_interception"
    assert verdict.flow_step is FlowStep.TOKEN_EXCHANGE
    assert "Contoso Inspection Root" in verdict.summary
    assert verdict.evidence == ("tls",)
    assert verdict.fixes[0] == "ca-bundle"


def test_precedence_first_wins_and_the_rest_is_also():
    results = replace(HEALTHY, result("tls", Status.FAIL, ["tls_untrusted"]))
    results = replace(results, result("proxy", Status.FAIL, ["proxy_unreachable"]))
    results = replace(
        results,
        result(
            "ca_env",
            Status.FAIL,
            ["ca_var_broken"],
            {"variable": "SSL_CERT_FILE", "path": "~/x.pem", "problem": "the file does not exist"},
        ),
    )
    verdict = decide(lab_target(), results)
    assert verdict.cause == "ca_bundle_broken"
    assert verdict.also == ("proxy_unreachable", "tls_interception")
    assert "SSL_CERT_FILE is set to ~/x.pem, but the file does not exist" in verdict.summary


def test_listener_cause_wins_only_when_the_token_path_is_healthy():
    port = result(
        "callback_port",
        Status.FAIL,
        ["port_held_by_wslrelay"],
        {"process": "wslrelay.exe (pid 12528)", "port": 1455},
    )
    verdict = decide(lab_target(), replace(HEALTHY, port))
    assert verdict.cause == "wsl_relay" and verdict.flow_step is FlowStep.LISTENER
    assert "wslrelay.exe (pid 12528)" in verdict.summary
    assert FlowStep.TOKEN_EXCHANGE in verdict.passed_steps
    assert FlowStep.LISTENER not in verdict.passed_steps

    broken = replace(replace(HEALTHY, port), result("clock", Status.FAIL, ["clock_skew"]))
    verdict = decide(lab_target(), broken)
    assert verdict.cause == "clock_skew" and verdict.also == ("wsl_relay",)


def test_a_failure_nothing_explains_is_unknown_with_what_was_seen():
    odd = result("openid", Status.ERROR, summary="The check itself failed: OSError: weird")
    verdict = decide(lab_target(), replace(HEALTHY, odd))
    assert verdict.cause == "unknown" and verdict.flow_step is None
    assert "OSError: weird" in verdict.summary


def test_no_pass_is_claimed_when_the_token_endpoint_was_not_tested():
    skipped = result("token_endpoint", Status.SKIP, summary="Not tested.")
    assert decide(lab_target(), replace(HEALTHY, skipped)).cause == "unknown"


def test_missing_facts_render_as_a_neutral_word_not_a_crash():
    verdict = decide(lab_target(), replace(HEALTHY, result("tls", Status.FAIL, ["tls_untrusted"])))
    assert "{issuer}" not in verdict.summary and "unknown" in verdict.summary


def test_a_weak_root_says_installing_it_will_not_help():
    tls = result(
        "tls",
        Status.FAIL,
        ["tls_weak_ca"],
        {"issuer": "Weak Corp Root", "problem": "its key is RSA 1024 bits"},
    )
    verdict = decide(lab_target(), replace(HEALTHY, tls))
    assert verdict.cause == "tls_interception"
    assert "too weak for Codex (its key is RSA 1024 bits)" in verdict.summary
    assert "IT must re-issue" in verdict.summary


NO_ANSWER_LOG = result(
    "codex_logs",
    Status.WARN,
    ["codex_log_no_answer"],
    {"log_file": "~/.codex/log/codex-login.log", "attempt_started": "2026-12-03 13:29 UTC"},
)


def test_a_logged_request_without_answer_replaces_nothing_wrong():
    verdict = decide(lab_target(), [*HEALTHY, NO_ANSWER_LOG])
    assert (verdict.cause, verdict.flow_step) == ("codex_log_no_answer", FlowStep.TOKEN_EXCHANGE)
    assert "OpenAI's side" not in verdict.summary
    assert verdict.summary.startswith(
        "Codex's own log (~/.codex/log/codex-login.log) shows that its last sign-in "
        "(2026-12-03 13:29 UTC) sent the sign-in code to auth.openai.com, but the request never "
        "got an answer."
    )
    assert "certificate setting" in verdict.summary and "editor" in verdict.summary
    assert verdict.evidence == ("codex_logs",)


def test_a_logged_request_without_answer_is_the_lowest_cause():
    tls = result("tls", Status.FAIL, ["tls_untrusted"])
    verdict = decide(lab_target(), replace([*HEALTHY, NO_ANSWER_LOG], tls))
    assert (verdict.cause, verdict.also) == ("tls_interception", ())
    port = result("callback_port", Status.FAIL, ["callback_ports_busy"])
    assert decide(lab_target(), replace([*HEALTHY, NO_ANSWER_LOG], port)).cause == (
        "callback_port_busy"
    )
    unexplained = result("token_endpoint", Status.FAIL)
    assert decide(lab_target(), replace([*HEALTHY, NO_ANSWER_LOG], unexplained)).cause == (
        "unknown"
    )


def test_a_passing_own_codex_does_not_erase_what_its_log_proves():
    witness = result("codex_probe", Status.PASS)
    verdict = decide(lab_target(), [*HEALTHY, witness, NO_ANSWER_LOG])
    assert verdict.cause == "codex_log_no_answer"


def test_a_running_account_switcher_explains_a_reused_refresh_token():
    switcher = result(
        "auth_managers",
        Status.WARN,
        faults=("auth_manager_running",),
        facts={"tools": "CC Switch (pid 4242)"},
    )
    pasted = result("pasted_error", Status.FAIL, faults=("refresh_token_reused",))
    verdict = decide(lab_target(), [*HEALTHY, switcher, pasted])
    assert verdict.cause == "third_party_auth_manager"
    assert verdict.flow_step is FlowStep.STORE
    assert verdict.also == ("refresh_token_reused",)
    assert verdict.fixes == ("stop-auth-manager",)
    assert str(verdict.summary).startswith("CC Switch (pid 4242) is running.")
    # It rewrites the saved sign-in; the return port is still fine.
    assert FlowStep.LISTENER in verdict.passed_steps


CHATGPT_BLACKHOLE = result(
    "chatgpt",
    Status.WARN,
    ["chatgpt_address_blackhole"],
    {
        "host": "chatgpt.com",
        "address_count": 2,
        "dead_addresses": "104.18.32.47 (timed out after 3.0 s)",
        "live_addresses": "172.64.155.209",
    },
)


def test_a_dead_chatgpt_address_marks_the_step_after_the_sign_in():
    verdict = decide(lab_target(), [*HEALTHY, CHATGPT_BLACKHOLE])
    assert verdict.cause == "address_blackhole"
    assert verdict.flow_step is FlowStep.STORE
    assert "chatgpt.com" in verdict.title and "104.18.32.47" in verdict.summary
    assert verdict.steps[FlowStep.TOKEN_EXCHANGE] == "ok"


def test_your_own_codex_getting_through_does_not_overrule_chatgpt_com():
    # The witness tests the token exchange with the sign-in server, never chatgpt.com.
    witness = result("codex_probe", Status.PASS)
    dead_auth_address = result(
        "addresses", Status.WARN, ["address_blackhole"], {"host": "auth.openai.com"}
    )
    verdict = decide(lab_target(), [*HEALTHY, dead_auth_address, witness, CHATGPT_BLACKHOLE])
    assert verdict.cause == "address_blackhole" and verdict.flow_step is FlowStep.STORE
    assert "chatgpt.com" in verdict.summary and "auth.openai.com" not in verdict.summary
    assert verdict.evidence == ("chatgpt",)


def test_chatgpt_com_unreachable_comes_before_what_the_app_logged():
    unreachable = result(
        "chatgpt",
        Status.FAIL,
        ["chatgpt_tcp_failed"],
        {"host": "chatgpt.com", "port": 443, "detail": "the connection was refused"},
    )
    pasted = result("pasted_error", Status.FAIL, ["workspace_routing_timed_out"])
    verdict = decide(lab_target(), [*HEALTHY, unreachable, pasted])
    assert verdict.cause == "chatgpt_unreachable" and verdict.flow_step is FlowStep.STORE
    assert verdict.also == ("post_login_routing_failed",)
    assert "chatgpt.com: the connection was refused." in verdict.summary
    alone = decide(lab_target(), [*HEALTHY, pasted])
    assert alone.cause == "post_login_routing_failed"
    assert "timed out" in alone.summary and "codex login" in alone.next_action
    assert "signs you out" in alone.next_action


def test_chatgpt_com_blocked_like_the_sign_in_server_is_one_problem():
    untrusted = result("tls", Status.FAIL, ["tls_untrusted"], {"issuer": "Corp Inspection CA"})
    also = result("chatgpt", Status.FAIL, ["chatgpt_tls_untrusted"], {"host": "chatgpt.com"})
    verdict = decide(lab_target(), [*replace(HEALTHY, untrusted), also])
    assert (verdict.cause, verdict.also) == ("tls_interception", ())
