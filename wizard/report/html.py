"""The case file as one self-contained HTML page (resources/templates/report.html).

Opens offline and prints: inline CSS only, no scripts, fonts, images or links to fetch, and a
Content-Security-Policy that forbids them anyway. Every value is HTML-escaped; URLs are shown as
text, never as links. Status is an icon and a word, never colour alone."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import cache
from html import escape
from string import Template
from typing import Any

from wizard.core.profile import resource_path

# Words and icons shared with the Markdown file. The icon is decoration; the word carries it.
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "pass": ("✔", "OK"),
    "warn": ("⚠", "Warning"),
    "fail": ("✖", "Problem"),
    "skip": ("○", "Not tested"),
    "error": ("‼", "Check broke"),
}
VERDICT_STATES: dict[str, tuple[str, str, str]] = {  # cause -> (css state, icon, word)
    "none": ("ok", "✔", "Nothing wrong found"),
    "unknown": ("unclear", "?", "Not sure yet"),
}
PROBLEM_STATE = ("problem", "✖", "Problem found")
FLOW_STEPS: tuple[tuple[str, str], ...] = (
    ("authorize", "You sign in with your browser"),
    ("callback", "The browser returns to this computer"),
    ("listener", "Codex receives the return"),
    ("token_exchange", "Codex finishes sign-in with OpenAI"),
    ("store", "Codex saves the sign-in"),
)
STEP_MARKS = {
    "fault": ("✖", "Problem here"),
    "passed": ("✔", "Works"),
    "untested": ("–", "Not checked"),
}
FIX_LABELS: dict[str, str] = {
    "ide-wsl-off": "Turn off 'Run Codex in WSL' in your editor's settings",
    "ca-bundle": "Give Codex your organisation's certificate",
    "ca-env-repair": "Repair the broken certificate setting",
    "proxy-env-repair": "Remove or correct the stale proxy setting",
    "port-release": "Free the sign-in port",
    "device-auth": "Sign in with a device code instead (codex login --device-auth)",
    "clock-sync": "Let the computer set its clock automatically",
    "status-page": "Check OpenAI's status page (status.openai.com)",
    "winnat-restart": "Restart Windows NAT to release the reserved ports (needs admin)",
}
KNOWN_KEYS = frozenset(
    {
        "schema",
        "tool",
        "target",
        "started_at",
        "duration_ms",
        "checks",
        "verdict",
        "decoded_error",
        "case_id",
        "generated_at",
    }
)


def status_label(status: str) -> tuple[str, str]:
    return STATUS_LABELS.get(status, ("?", status or "unknown"))


def verdict_state(cause: str) -> tuple[str, str, str]:
    return VERDICT_STATES.get(cause, PROBLEM_STATE)


def fix_label(fix_id: str) -> str:
    return FIX_LABELS.get(fix_id, fix_id)


def step_marks(verdict: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(step id, label, mark key) for the five steps of the sign-in flow."""
    failing = verdict.get("flow_step")
    passed = set(verdict.get("passed_steps") or ())
    marks = []
    for step, label in FLOW_STEPS:
        mark = "fault" if step == failing else "passed" if step in passed else "untested"
        marks.append((step, label, mark))
    return marks


def duration_text(ms: Any) -> str:
    if not isinstance(ms, int | float) or isinstance(ms, bool):
        return ""
    return f"{ms / 1000:.1f} s" if ms >= 1000 else f"{int(ms)} ms"


def pretty_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False, default=str)


@cache
def _template() -> Template:
    return Template(resource_path("templates", "report.html").read_text(encoding="utf-8"))


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _status_badge(status: str) -> str:
    icon, word = status_label(status)
    return (
        f'<span class="status status-{_e(status)}"><span class="icon" aria-hidden="true">'
        f"{icon}</span> {_e(word)}</span>"
    )


def render_html(document: Mapping[str, Any]) -> str:
    """The whole page for a redacted document that carries `case_id` and `generated_at`."""
    verdict: Mapping[str, Any] = document.get("verdict") or {}
    checks: Sequence[Mapping[str, Any]] = document.get("checks") or []
    tool: Mapping[str, Any] = document.get("tool") or {}
    target: Mapping[str, Any] = document.get("target") or {}
    state, icon, word = verdict_state(str(verdict.get("cause", "unknown")))
    return _template().substitute(
        case_id=_e(document.get("case_id", "")),
        title=_e(verdict.get("title", "")),
        verdict_state=_e(state),
        verdict_icon=icon,
        verdict_word=_e(word),
        verdict_summary=_e(verdict.get("summary", "")),
        next_action=_e(verdict.get("next_action", "")),
        fixes=_fixes(verdict),
        flow=_flow(verdict),
        also=_also(verdict),
        decoded=_decoded(document.get("decoded_error")),
        meta=_meta(document, tool, target),
        check_rows="\n".join(_check_row(c, verdict) for c in checks),
        check_details="\n".join(_check_details(c, verdict) for c in checks),
        extra=_extra(document),
        generated_at=_e(document.get("generated_at", "")),
        tool_line=_e(f"{tool.get('name', 'signin-doctor')} {tool.get('version', '')}".strip()),
    )


def _fixes(verdict: Mapping[str, Any]) -> str:
    fixes = list(verdict.get("fixes") or ())
    if not fixes:
        return ""
    items = "\n".join(
        f'<li>{_e(fix_label(f))} <span class="tech">(fix id <code>{_e(f)}</code>)</span></li>'
        for f in fixes
    )
    return (
        '<div class="block"><h2>What Sign-in Doctor can do</h2>\n'
        f'<ul class="fixes">\n{items}\n</ul></div>'
    )


def _flow(verdict: Mapping[str, Any]) -> str:
    items = []
    for number, (step, label, mark) in enumerate(step_marks(verdict), start=1):
        icon, word = STEP_MARKS[mark]
        current = ' aria-current="step"' if mark == "fault" else ""
        items.append(
            f'<li class="step step-{mark}"{current}><span class="step-no">{number}</span> '
            f'{_e(label)} <span class="mark"><span aria-hidden="true">{icon}</span> '
            f'{_e(word)}</span> <code class="tech">{_e(step)}</code></li>'
        )
    step = verdict.get("flow_step")
    where = (
        f"The problem is in step {[s for s, _ in FLOW_STEPS].index(step) + 1} of the sign-in."
        if step in {s for s, _ in FLOW_STEPS}
        else "No single step of the sign-in is proven to fail."
    )
    return (
        '<div class="block"><h2>Where in the sign-in</h2>\n'
        f'<p class="where">{_e(where)}</p>\n<ol class="flow">\n'
        + "\n".join(items)
        + "\n</ol></div>"
    )


def _also(verdict: Mapping[str, Any]) -> str:
    also = list(verdict.get("also") or ())
    if not also:
        return ""
    items = ", ".join(f"<code>{_e(c)}</code>" for c in also)
    return f'<p class="also"><strong>Also found (fix after the first):</strong> {items}</p>'


def _decoded(decoded: Any) -> str:
    if not decoded:
        return ""
    parts = []
    for item in decoded if isinstance(decoded, list) else [decoded]:
        if not isinstance(item, Mapping):
            parts.append(f"<li>{_e(item)}</li>")
            continue
        lines = [f"<strong>{_e(item.get('meaning', ''))}</strong>"]
        if item.get("technical"):
            lines.append(f'<span class="tech">{_e(item["technical"])}</span>')
        if item.get("excerpt"):
            lines.append(f"<code>{_e(item['excerpt'])}</code>")
        parts.append("<li>" + "<br>\n".join(lines) + "</li>")
    return (
        '<section class="card" aria-labelledby="decoded-title">'
        '<h2 id="decoded-title">The error message you saw</h2>\n<ul class="decoded">\n'
        + "\n".join(parts)
        + "\n</ul></section>"
    )


def _meta(document: Mapping[str, Any], tool: Mapping[str, Any], target: Mapping[str, Any]) -> str:
    ports = ", ".join(str(p) for p in target.get("callback_ports") or ())
    rows = [
        ("Case", document.get("case_id")),
        ("Written", document.get("generated_at")),
        ("Checked at", document.get("started_at")),
        ("Took", duration_text(document.get("duration_ms"))),
        ("Sign-in server", target.get("auth_url")),
        ("Sign-in return ports", ports),
        ("Tool", f"{tool.get('name', '')} {tool.get('version', '')}".strip()),
        ("System", f"{tool.get('os', '')} (Python {tool.get('python', '?')})"),
    ]
    cells = "\n".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in rows if v)
    return f'<dl class="meta">\n{cells}\n</dl>'


def _check_row(check: Mapping[str, Any], verdict: Mapping[str, Any]) -> str:
    proving = check.get("id") in set(verdict.get("evidence") or ())
    cls = ' class="proving"' if proving else ""
    return (
        f"<tr{cls}><td>{_status_badge(str(check.get('status', '')))}</td>"
        f'<th scope="row">{_e(check.get("title", check.get("id", "")))}</th>'
        f"<td>{_e(check.get('summary', ''))}</td>"
        f'<td class="num">{_e(duration_text(check.get("duration_ms")))}</td></tr>'
    )


def _check_details(check: Mapping[str, Any], verdict: Mapping[str, Any]) -> str:
    proving = check.get("id") in set(verdict.get("evidence") or ())
    icon, word = status_label(str(check.get("status", "")))
    faults = list(check.get("faults") or ())
    fault_line = (
        f"<p>Proven faults: {', '.join(f'<code>{_e(f)}</code>' for f in faults)}</p>"
        if faults
        else ""
    )
    return (
        f"<details{' open' if proving else ''}>"
        f'<summary><span aria-hidden="true">{icon}</span> {_e(word)} — '
        f'{_e(check.get("title", ""))} <code class="tech">{_e(check.get("id", ""))}</code>'
        f"</summary>\n<p>{_e(check.get('summary', ''))}</p>\n{fault_line}"
        f"<pre>{_e(pretty_json(check.get('evidence', {})))}</pre></details>"
    )


def _extra(document: Mapping[str, Any]) -> str:
    extra = {k: v for k, v in document.items() if k not in KNOWN_KEYS}
    if not extra:
        return ""
    return f"<details><summary>More data</summary><pre>{_e(pretty_json(extra))}</pre></details>"
