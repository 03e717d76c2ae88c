"""The case file as Markdown, to paste into a ticket: case id, verdict, next action, a compact
checks table, then the details. Prose is escaped so markers like `<redacted>` stay visible."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from wizard.core.findings import Findings
from wizard.core.findings.registry import findings_in
from wizard.core.i18n import Translator, localize, tr
from wizard.core.steps import state_word
from wizard.report.html import (
    STEP_ICONS,
    duration_text,
    fix_label,
    pretty_json,
    report_translator,
    status_label,
    step_marks,
    verdict_state,
)
from wizard.report.timeline import TITLE as TIMELINE_TITLE
from wizard.report.timeline import timeline_lines
from wizard.report.trust_table import HEADINGS, trust_rows

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def md_text(value: Any) -> str:
    """Prose for a Markdown line: one line, Markdown punctuation escaped."""
    text = " ".join(str("" if value is None else value).split())
    return _SPECIAL.sub(r"\\\1", text)


def md_code(value: Any) -> str:
    """An inline code span that survives any backticks inside."""
    text = " ".join(str("" if value is None else value).split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def md_block(text: str, language: str = "") -> str:
    longest = max((len(run) for run in re.findall(r"`{3,}", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text}\n{fence}"


def render_markdown(document: Mapping[str, Any], translate: Translator | None = None) -> str:
    """The Markdown file; its own words in the document's language (see `render_html`)."""
    translator = report_translator(document, translate)

    def w(value: Any) -> str:
        return str(localize(value, translator))

    verdict: Mapping[str, Any] = document.get("verdict") or {}
    checks: Sequence[Mapping[str, Any]] = document.get("checks") or []
    tool: Mapping[str, Any] = document.get("tool") or {}
    target: Mapping[str, Any] = document.get("target") or {}
    _state, icon, word = verdict_state(str(verdict.get("cause", "unknown")))
    case_id = document.get("case_id", "")
    out: list[str] = [
        "# " + w(tr("report", "Sign-in Doctor case {case_id}", case_id=case_id)),
        "",
        f"**{md_text(w(tr('report', 'Verdict:')))}** {icon} {md_text(w(word))}: "
        f"{md_text(verdict.get('title', ''))}",
        "",
        md_text(verdict.get("summary", "")),
        "",
        f"**{md_text(w(tr('report', 'Next action:')))}** {md_text(verdict.get('next_action', ''))}",
        "",
    ]
    step = verdict.get("flow_step")
    for number, (step_id, label, _mark) in enumerate(step_marks(verdict), start=1):
        if step_id == step:
            where = w(tr("report", "step {n} of 5, {label}", n=number, label=label))
            out += [
                f"**{md_text(w(tr('report', 'Where:')))}** {md_text(where)} ({md_code(step_id)})",
                "",
            ]
    fixes = list(verdict.get("fixes") or ())
    if fixes:
        out.append(f"**{md_text(w(tr('report', 'What Sign-in Doctor can do:')))}**")
        out += [f"- {md_text(w(fix_label(f)))} ({md_code(f)})" for f in fixes]
        out.append("")
    also = list(verdict.get("also") or ())
    if also:
        label = md_text(w(tr("report", "Also found:")))
        out += [f"**{label}** " + ", ".join(md_code(c) for c in also), ""]
    story = timeline_lines(document.get("timeline") or ())
    if story:
        out += ["## " + w(TIMELINE_TITLE), ""]
        out += [f"{n}. {md_text(w(line))}" for n, line in enumerate(story, start=1)] + [""]
    out += _decoded(document.get("decoded_error"), document.get("decoded_relation"), w)
    out += [
        "## " + w(tr("report", "Checks")),
        "",
        "| {} | {} | {} |".format(
            md_text(w(tr("report", "Status"))),
            md_text(w(tr("report", "Check"))),
            md_text(w(tr("report", "Result"))),
        ),
        "|---|---|---|",
    ]
    for check in checks:
        c_icon, c_word = status_label(str(check.get("status", "")))
        out.append(
            f"| {c_icon} {md_text(w(c_word))} | "
            f"{md_text(check.get('title', check.get('id', '')))} "
            f"| {md_text(check.get('summary', ''))} |"
        )
    out += ["", "## " + w(tr("report", "Sign-in steps")), ""]
    for number, (_step_id, label, state) in enumerate(step_marks(verdict), start=1):
        word = md_text(w(state_word(state)))
        out.append(f"{number}. {md_text(w(label))}: {STEP_ICONS[state]} {word}")
    ports = ", ".join(str(p) for p in target.get("callback_ports") or ())
    tool_line = tr(
        "report",
        "{name} {version}, {os}, Python {python}",
        name=md_text(tool.get("name", "")),
        version=md_text(tool.get("version", "")),
        os=md_text(tool.get("os", "")),
        python=md_text(tool.get("python", "")),
    )
    out += [
        "",
        "## " + w(tr("report", "About this case")),
        "",
        f"- {md_text(w(tr('report', 'Case')))}: {md_code(case_id)}",
        f"- {md_text(w(tr('report', 'Written')))}: {md_text(document.get('generated_at', ''))}",
        "- "
        + w(
            tr(
                "report",
                "Checked at: {started}, took {duration}",
                started=md_text(document.get("started_at", "")),
                duration=md_text(duration_text(document.get("duration_ms"))),
            )
        ),
        "- "
        + w(
            tr(
                "report",
                "Sign-in server: {url}, return ports {ports}",
                url=md_code(target.get("auth_url", "")),
                ports=md_text(ports),
            )
        ),
        "- " + w(tr("report", "Tool: {tool}", tool=tool_line)),
        "",
        "## " + w(tr("report", "Details")),
        "",
    ]
    for check in checks:
        c_icon, c_word = status_label(str(check.get("status", "")))
        out += [
            f"### {c_icon} {md_text(check.get('title', ''))} ({md_code(check.get('id', ''))}): "
            f"{md_text(w(c_word))}",
            "",
            md_text(check.get("summary", "")),
            "",
        ]
        faults = list(check.get("faults") or ())
        if faults:
            label = md_text(w(tr("report", "Proven faults:")))
            out += [f"{label} " + ", ".join(md_code(f) for f in faults), ""]
        out += _trust_table(findings_in(check), w)
        out += [md_block(pretty_json(check.get("evidence", {})), "json"), ""]
    out.append(
        md_text(
            w(
                tr(
                    "report",
                    "Sign-in tokens, codes, keys, passwords, e-mail addresses and the user name "
                    "were removed before this file was written.",
                )
            )
        )
    )
    return "\n".join(out) + "\n"


def _trust_table(findings: Findings, w: Callable[[Any], str]) -> list[str]:
    rows = trust_rows(findings)
    if not rows:
        return []
    head = [md_text(w(HEADINGS[k])) for k in ("set", "trusted", "why")]
    out = [f"**{md_text(w(HEADINGS['caption']))}**", "", "| {} | {} | {} |".format(*head)]
    out.append("|---|---|---|")
    for row in rows:
        label = md_text(row["label"])
        out.append(
            f"| {f'**{label}**' if row['codex'] else label} "
            f"| {row['icon']} {md_text(w(row['word']))} | {md_text(row['why'])} |"
        )
    return [*out, ""]


def _decoded(decoded: Any, related: Any, w: Callable[[Any], str]) -> list[str]:
    if not decoded:
        return []
    out = ["## " + w(tr("report", "The error message you saw")), ""]
    if related:
        out += [md_text(related), ""]
    for item in decoded if isinstance(decoded, list) else [decoded]:
        if isinstance(item, Mapping):
            line = f"- {md_text(item.get('meaning', ''))}"
            if item.get("excerpt"):
                line += f" ({md_code(item['excerpt'])})"
            out.append(line)
        else:
            out.append(f"- {md_text(item)}")
    return [*out, ""]
