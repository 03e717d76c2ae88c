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

from wizard.core.i18n import Translator, localize, tr
from wizard.core.profile import resource_path

# Words and icons shared with the Markdown file. The icon is decoration; the word carries it.
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "pass": ("✔", tr("report", "OK")),
    "warn": ("⚠", tr("report", "Warning")),
    "fail": ("✖", tr("report", "Problem")),
    "skip": ("○", tr("report", "Not tested")),
    "error": ("‼", tr("report", "Check broke")),
}
VERDICT_STATES: dict[str, tuple[str, str, str]] = {  # cause -> (css state, icon, word)
    "none": ("ok", "✔", tr("report", "Nothing wrong found")),
    "unknown": ("unclear", "?", tr("report", "Not sure yet")),
}
PROBLEM_STATE = ("problem", "✖", tr("report", "Problem found"))
FLOW_STEPS: tuple[tuple[str, str], ...] = (
    ("authorize", tr("report", "You sign in with your browser")),
    ("callback", tr("report", "The browser returns to this computer")),
    ("listener", tr("report", "Codex receives the return")),
    ("token_exchange", tr("report", "Codex finishes sign-in with OpenAI")),
    ("store", tr("report", "Codex saves the sign-in")),
)
STEP_MARKS = {
    "fault": ("✖", tr("report", "Problem here")),
    "passed": ("✔", tr("report", "Works")),
    "untested": ("–", tr("report", "Not checked")),
}
FIX_LABELS: dict[str, str] = {
    "ide-wsl-off": tr("report", "Turn off 'Run Codex in WSL' in your editor's settings"),
    "ca-bundle": tr("report", "Give Codex your organisation's certificate"),
    "ca-env-repair": tr("report", "Repair the broken certificate setting"),
    "proxy-env-repair": tr("report", "Remove or correct the stale proxy setting"),
    "port-release": tr("report", "Free the sign-in port"),
    "device-auth": tr("report", "Sign in with a device code instead (codex login --device-auth)"),
    "clock-sync": tr("report", "Let the computer set its clock automatically"),
    "status-page": tr("report", "Check OpenAI's status page (status.openai.com)"),
    "winnat-restart": tr(
        "report", "Restart Windows NAT to release the reserved ports (needs admin)"
    ),
}
# The template's own words (resources/templates/report.html), filled in per language.
TEMPLATE_WORDS: dict[str, str] = {
    "w_brand": tr("report", "Sign-in Doctor · case file"),
    "w_case": tr("report", "Case"),
    "w_next": tr("report", "What to do next"),
    "w_checked": tr("report", "What was checked"),
    "w_caption": tr("report", "Each check and its result. Status is shown as a word and an icon."),
    "w_status": tr("report", "Status"),
    "w_check": tr("report", "Check"),
    "w_result": tr("report", "Result"),
    "w_time": tr("report", "Time"),
    "w_about": tr("report", "About this case"),
    "w_details": tr("report", "Details for the help desk"),
}
KNOWN_KEYS = frozenset(
    {
        "lang",
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


def report_translator(
    document: Mapping[str, Any], translate: Translator | None
) -> Translator | None:
    """The translator given, else the one for the document's own "lang" (a case file is
    rendered in the language its texts were written in)."""
    if translate is not None:
        return translate
    lang = document.get("lang")
    if not isinstance(lang, str):
        return None
    from wizard.core.translations import translator

    return translator(lang)


def pretty_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False, default=str)


@cache
def _template() -> Template:
    return Template(resource_path("templates", "report.html").read_text(encoding="utf-8"))


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


class _Words:
    """Localizes the report's own words: `w(text)` -> str in the report's language."""

    def __init__(self, translate: Translator | None) -> None:
        self.translate = translate

    def __call__(self, value: Any) -> str:
        return str(localize(value, self.translate))


def _status_badge(status: str, w: _Words) -> str:
    icon, word = status_label(status)
    return (
        f'<span class="status status-{_e(status)}"><span class="icon" aria-hidden="true">'
        f"{icon}</span> {_e(w(word))}</span>"
    )


def render_html(document: Mapping[str, Any], translate: Translator | None = None) -> str:
    """The whole page for a redacted document that carries `case_id` and `generated_at`.
    Its texts are already in the document's language; `translate` (default: the one for the
    document's "lang") puts the page's own words in the same language."""
    w = _Words(report_translator(document, translate))
    verdict: Mapping[str, Any] = document.get("verdict") or {}
    checks: Sequence[Mapping[str, Any]] = document.get("checks") or []
    tool: Mapping[str, Any] = document.get("tool") or {}
    target: Mapping[str, Any] = document.get("target") or {}
    state, icon, word = verdict_state(str(verdict.get("cause", "unknown")))
    case_id = document.get("case_id", "")
    tool_line = f"{tool.get('name', 'signin-doctor')} {tool.get('version', '')}".strip()
    lang = document.get("lang")
    return _template().substitute(
        lang=_e(lang if isinstance(lang, str) and lang else "en"),
        page_title=_e(
            w(
                tr(
                    "report",
                    "Case {case_id}: {title}",
                    case_id=case_id,
                    title=verdict.get("title", ""),
                )
            )
        ),
        case_id=_e(case_id),
        title=_e(verdict.get("title", "")),
        verdict_state=_e(state),
        verdict_icon=icon,
        verdict_word=_e(w(word)),
        verdict_summary=_e(verdict.get("summary", "")),
        next_action=_e(verdict.get("next_action", "")),
        fixes=_fixes(verdict, w),
        flow=_flow(verdict, w),
        also=_also(verdict, w),
        decoded=_decoded(document.get("decoded_error"), w),
        meta=_meta(document, tool, target, w),
        check_rows="\n".join(_check_row(c, verdict, w) for c in checks),
        check_details="\n".join(_check_details(c, verdict, w) for c in checks),
        extra=_extra(document, w),
        footer=_e(
            w(
                tr(
                    "report",
                    "Case {case_id}, written {generated_at} by {tool}. Sign-in tokens, codes, "
                    "keys, passwords, e-mail addresses and your user name were removed before "
                    "this file was written. Nothing was sent anywhere.",
                    case_id=case_id,
                    generated_at=document.get("generated_at", ""),
                    tool=tool_line,
                )
            )
        ),
        **{key: _e(w(text)) for key, text in TEMPLATE_WORDS.items()},
    )


def _fixes(verdict: Mapping[str, Any], w: _Words) -> str:
    fixes = list(verdict.get("fixes") or ())
    if not fixes:
        return ""
    fix_id = _e(w(tr("report", "fix id")))
    items = "\n".join(
        f'<li>{_e(w(fix_label(f)))} <span class="tech">({fix_id} <code>{_e(f)}</code>)</span></li>'
        for f in fixes
    )
    return (
        f'<div class="block"><h2>{_e(w(tr("report", "What Sign-in Doctor can do")))}</h2>\n'
        f'<ul class="fixes">\n{items}\n</ul></div>'
    )


def _flow(verdict: Mapping[str, Any], w: _Words) -> str:
    items = []
    for number, (step, label, mark) in enumerate(step_marks(verdict), start=1):
        icon, word = STEP_MARKS[mark]
        current = ' aria-current="step"' if mark == "fault" else ""
        items.append(
            f'<li class="step step-{mark}"{current}><span class="step-no">{number}</span> '
            f'{_e(w(label))} <span class="mark"><span aria-hidden="true">{icon}</span> '
            f'{_e(w(word))}</span> <code class="tech">{_e(step)}</code></li>'
        )
    step = verdict.get("flow_step")
    where = (
        tr(
            "report",
            "The problem is in step {n} of the sign-in.",
            n=[s for s, _ in FLOW_STEPS].index(step) + 1,
        )
        if step in {s for s, _ in FLOW_STEPS}
        else tr("report", "No single step of the sign-in is proven to fail.")
    )
    return (
        f'<div class="block"><h2>{_e(w(tr("report", "Where in the sign-in")))}</h2>\n'
        f'<p class="where">{_e(w(where))}</p>\n<ol class="flow">\n'
        + "\n".join(items)
        + "\n</ol></div>"
    )


def _also(verdict: Mapping[str, Any], w: _Words) -> str:
    also = list(verdict.get("also") or ())
    if not also:
        return ""
    items = ", ".join(f"<code>{_e(c)}</code>" for c in also)
    label = _e(w(tr("report", "Also found (fix after the first):")))
    return f'<p class="also"><strong>{label}</strong> {items}</p>'


def _decoded(decoded: Any, w: _Words) -> str:
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
    title = _e(w(tr("report", "The error message you saw")))
    return (
        '<section class="card" aria-labelledby="decoded-title">'
        f'<h2 id="decoded-title">{title}</h2>\n<ul class="decoded">\n'
        + "\n".join(parts)
        + "\n</ul></section>"
    )


def _meta(
    document: Mapping[str, Any], tool: Mapping[str, Any], target: Mapping[str, Any], w: _Words
) -> str:
    ports = ", ".join(str(p) for p in target.get("callback_ports") or ())
    rows = [
        (tr("report", "Case"), document.get("case_id")),
        (tr("report", "Written"), document.get("generated_at")),
        (tr("report", "Checked at"), document.get("started_at")),
        (tr("report", "Took"), duration_text(document.get("duration_ms"))),
        (tr("report", "Sign-in server"), target.get("auth_url")),
        (tr("report", "Sign-in return ports"), ports),
        (tr("report", "Tool"), f"{tool.get('name', '')} {tool.get('version', '')}".strip()),
        (tr("report", "System"), f"{tool.get('os', '')} (Python {tool.get('python', '?')})"),
    ]
    cells = "\n".join(f"<dt>{_e(w(k))}</dt><dd>{_e(v)}</dd>" for k, v in rows if v)
    return f'<dl class="meta">\n{cells}\n</dl>'


def _check_row(check: Mapping[str, Any], verdict: Mapping[str, Any], w: _Words) -> str:
    proving = check.get("id") in set(verdict.get("evidence") or ())
    cls = ' class="proving"' if proving else ""
    return (
        f"<tr{cls}><td>{_status_badge(str(check.get('status', '')), w)}</td>"
        f'<th scope="row">{_e(check.get("title", check.get("id", "")))}</th>'
        f"<td>{_e(check.get('summary', ''))}</td>"
        f'<td class="num">{_e(duration_text(check.get("duration_ms")))}</td></tr>'
    )


def _check_details(check: Mapping[str, Any], verdict: Mapping[str, Any], w: _Words) -> str:
    proving = check.get("id") in set(verdict.get("evidence") or ())
    icon, word = status_label(str(check.get("status", "")))
    faults = list(check.get("faults") or ())
    fault_line = (
        f"<p>{_e(w(tr('report', 'Proven faults:')))} "
        f"{', '.join(f'<code>{_e(f)}</code>' for f in faults)}</p>"
        if faults
        else ""
    )
    return (
        f"<details{' open' if proving else ''}>"
        f'<summary><span aria-hidden="true">{icon}</span> {_e(w(word))} — '
        f'{_e(check.get("title", ""))} <code class="tech">{_e(check.get("id", ""))}</code>'
        f"</summary>\n<p>{_e(check.get('summary', ''))}</p>\n{fault_line}"
        f"<pre>{_e(pretty_json(check.get('evidence', {})))}</pre></details>"
    )


def _extra(document: Mapping[str, Any], w: _Words) -> str:
    extra = {k: v for k, v in document.items() if k not in KNOWN_KEYS}
    if not extra:
        return ""
    more = _e(w(tr("report", "More data")))
    return f"<details><summary>{more}</summary><pre>{_e(pretty_json(extra))}</pre></details>"
