"""The case file as one self-contained HTML page (resources/templates/report.html).

Opens offline and prints: inline CSS only, no scripts, fonts, images or links to fetch, and a
Content-Security-Policy that forbids them anyway. Rendered by Jinja2 with autoescaping: every
value from the document is text, escaped; only the template writes markup. URLs are shown as
text, never as links. Status is an icon and a word, never colour alone."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import jinja2

from wizard.core.findings.registry import findings_in
from wizard.core.i18n import Text, Translator, localize, tr
from wizard.core.profile import resource_path
from wizard.core.steps import STEPS, state_word, states_of, step_label, step_number
from wizard.report.timeline import TITLE as TIMELINE_TITLE
from wizard.report.timeline import timeline_lines
from wizard.report.trust_table import HEADINGS, trust_rows

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
# The step states in the words of wizard.core.steps; the icon is decoration, the word carries it.
STEP_ICONS = {"ok": "✔", "ready": "○", "warn": "⚠", "fail": "✖", "untested": "–"}
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
    "brand": tr("report", "Sign-in Doctor · case file"),
    "case": tr("report", "Case"),
    "next": tr("report", "What to do next"),
    "checked": tr("report", "What was checked"),
    "caption": tr("report", "Each check and its result. Status is shown as a word and an icon."),
    "status": tr("report", "Status"),
    "check": tr("report", "Check"),
    "result": tr("report", "Result"),
    "time": tr("report", "Time"),
    "about": tr("report", "About this case"),
    "details": tr("report", "Details for the help desk"),
    "faults": tr("report", "Proven faults:"),
    **{f"trust_{key}": text for key, text in HEADINGS.items()},
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
        "decoded_relation",
        "timeline",
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


def step_marks(verdict: Mapping[str, Any]) -> list[tuple[str, Text, str]]:
    """(step id, label, state) for the five steps of the sign-in flow."""
    states = states_of(verdict)
    return [(step.value, step_label(step), states[step.value]) for step in STEPS]


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
def _template() -> jinja2.Template:
    templates = jinja2.Environment(
        loader=jinja2.FileSystemLoader(resource_path("templates")),
        autoescape=True,  # every value is text; the template alone writes markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return templates.get_template("report.html")


class _Words:
    """Localizes the report's own words: `w(text)` -> str in the report's language."""

    def __init__(self, translate: Translator | None) -> None:
        self.translate = translate

    def __call__(self, value: Any) -> str:
        return str(localize(value, self.translate))


def _text(value: Any) -> str:
    return "" if value is None else str(value)


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
    case_id = _text(document.get("case_id", ""))
    tool_line = f"{tool.get('name', 'signin-doctor')} {tool.get('version', '')}".strip()
    lang = document.get("lang")
    title = verdict.get("title", "")
    return _template().render(
        lang=lang if isinstance(lang, str) and lang else "en",
        page_title=w(tr("report", "Case {case_id}: {title}", case_id=case_id, title=title)),
        case_id=case_id,
        verdict={
            "state": state,
            "icon": icon,
            "word": w(word),
            "title": _text(title),
            "summary": _text(verdict.get("summary", "")),
            "next_action": _text(verdict.get("next_action", "")),
        },
        fixes=_fixes(verdict, w),
        flow=_flow(verdict, w),
        also={
            "label": w(tr("report", "Also found (fix after the first):")),
            "causes": [_text(c) for c in verdict.get("also") or ()],
        },
        timeline={
            "title": w(TIMELINE_TITLE),
            "lines": [w(line) for line in timeline_lines(document.get("timeline") or ())],
        },
        decoded=_decoded(document.get("decoded_error"), document.get("decoded_relation"), w),
        meta=_meta(document, tool, target, w),
        checks=[_check(c, verdict, w) for c in checks],
        extra=_extra(document, w),
        footer=w(
            tr(
                "report",
                "Case {case_id}, written {generated_at} by {tool}. Sign-in tokens, codes, "
                "keys, passwords, e-mail addresses and your user name were removed before "
                "this file was written. Nothing was sent anywhere.",
                case_id=case_id,
                generated_at=document.get("generated_at", ""),
                tool=tool_line,
            )
        ),
        w={key: w(text) for key, text in TEMPLATE_WORDS.items()},
    )


def _fixes(verdict: Mapping[str, Any], w: _Words) -> dict[str, Any]:
    return {
        "title": w(tr("report", "What Sign-in Doctor can do")),
        "id_word": w(tr("report", "fix id")),
        "entries": [{"label": w(fix_label(f)), "id": _text(f)} for f in verdict.get("fixes") or ()],
    }


def _flow(verdict: Mapping[str, Any], w: _Words) -> dict[str, Any]:
    steps = []
    for step, label, state in step_marks(verdict):
        steps.append(
            {
                "id": step,
                "label": w(label),
                "mark": state,
                "icon": STEP_ICONS[state],
                "word": w(state_word(state)),
            }
        )
    step = verdict.get("flow_step")
    where = (
        tr("report", "The problem is in step {n} of the sign-in.", n=step_number(step))
        if step in {s.value for s in STEPS}
        else tr("report", "No single step of the sign-in is proven to fail.")
    )
    return {"title": w(tr("report", "Where in the sign-in")), "where": w(where), "steps": steps}


def _decoded(decoded: Any, related: Any, w: _Words) -> dict[str, Any]:
    entries: list[dict[str, str]] = []
    for item in (decoded if isinstance(decoded, list) else [decoded]) if decoded else []:
        if isinstance(item, Mapping):
            entries.append(
                {
                    "meaning": _text(item.get("meaning", "")),
                    "technical": _text(item.get("technical")),
                    "excerpt": _text(item.get("excerpt")),
                }
            )
        else:
            entries.append({"plain": _text(item)})
    return {
        "title": w(tr("report", "The error message you saw")),
        "entries": entries,
        "relation": _text(related),
    }


def _meta(
    document: Mapping[str, Any], tool: Mapping[str, Any], target: Mapping[str, Any], w: _Words
) -> list[tuple[str, str]]:
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
    return [(w(k), _text(v)) for k, v in rows if v]


def _check(check: Mapping[str, Any], verdict: Mapping[str, Any], w: _Words) -> dict[str, Any]:
    status = str(check.get("status", ""))
    icon, word = status_label(status)
    return {
        "proving": check.get("id") in set(verdict.get("evidence") or ()),
        "status": status,
        "icon": icon,
        "word": w(word),
        "id": _text(check.get("id", "")),
        "title": _text(check.get("title", check.get("id", ""))),
        "detail_title": _text(check.get("title", "")),
        "summary": _text(check.get("summary", "")),
        "duration": duration_text(check.get("duration_ms")),
        "faults": [_text(f) for f in check.get("faults") or ()],
        "evidence": pretty_json(check.get("evidence", {})),
        "trust": [{**row, "word": w(row["word"])} for row in trust_rows(findings_in(check))],
    }


def _extra(document: Mapping[str, Any], w: _Words) -> dict[str, str] | None:
    extra = {k: v for k, v in document.items() if k not in KNOWN_KEYS}
    if not extra:
        return None
    return {"label": w(tr("report", "More data")), "json": pretty_json(extra)}
