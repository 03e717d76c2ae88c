"""The case file as Markdown, to paste into a ticket: case id, verdict, next action, a compact
checks table, then the details. Prose is escaped so markers like `<redacted>` stay visible."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from wizard.report.html import (
    STEP_MARKS,
    duration_text,
    fix_label,
    pretty_json,
    status_label,
    step_marks,
    verdict_state,
)

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


def render_markdown(document: Mapping[str, Any]) -> str:
    verdict: Mapping[str, Any] = document.get("verdict") or {}
    checks: Sequence[Mapping[str, Any]] = document.get("checks") or []
    tool: Mapping[str, Any] = document.get("tool") or {}
    target: Mapping[str, Any] = document.get("target") or {}
    _state, icon, word = verdict_state(str(verdict.get("cause", "unknown")))
    out: list[str] = [
        f"# Sign-in Doctor case {document.get('case_id', '')}",
        "",
        f"**Verdict:** {icon} {md_text(word)}: {md_text(verdict.get('title', ''))}",
        "",
        md_text(verdict.get("summary", "")),
        "",
        f"**Next action:** {md_text(verdict.get('next_action', ''))}",
        "",
    ]
    step = verdict.get("flow_step")
    for number, (step_id, label, _mark) in enumerate(step_marks(verdict), start=1):
        if step_id == step:
            out += [f"**Where:** step {number} of 5, {md_text(label)} ({md_code(step_id)})", ""]
    fixes = list(verdict.get("fixes") or ())
    if fixes:
        out.append("**What Sign-in Doctor can do:**")
        out += [f"- {md_text(fix_label(f))} ({md_code(f)})" for f in fixes]
        out.append("")
    also = list(verdict.get("also") or ())
    if also:
        out += ["**Also found:** " + ", ".join(md_code(c) for c in also), ""]
    out += _decoded(document.get("decoded_error"))
    out += [
        "## Checks",
        "",
        "| Status | Check | Result |",
        "|---|---|---|",
    ]
    for check in checks:
        c_icon, c_word = status_label(str(check.get("status", "")))
        out.append(
            f"| {c_icon} {md_text(c_word)} | {md_text(check.get('title', check.get('id', '')))} "
            f"| {md_text(check.get('summary', ''))} |"
        )
    out += ["", "## Sign-in steps", ""]
    for number, (_step_id, label, mark) in enumerate(step_marks(verdict), start=1):
        m_icon, m_word = STEP_MARKS[mark]
        out.append(f"{number}. {md_text(label)}: {m_icon} {md_text(m_word)}")
    ports = ", ".join(str(p) for p in target.get("callback_ports") or ())
    out += [
        "",
        "## About this case",
        "",
        f"- Case: {md_code(document.get('case_id', ''))}",
        f"- Written: {md_text(document.get('generated_at', ''))}",
        f"- Checked at: {md_text(document.get('started_at', ''))}, "
        f"took {md_text(duration_text(document.get('duration_ms')))}",
        f"- Sign-in server: {md_code(target.get('auth_url', ''))}, return ports {md_text(ports)}",
        f"- Tool: {md_text(tool.get('name', ''))} {md_text(tool.get('version', ''))}, "
        f"{md_text(tool.get('os', ''))}, Python {md_text(tool.get('python', ''))}",
        "",
        "## Details",
        "",
    ]
    for check in checks:
        c_icon, c_word = status_label(str(check.get("status", "")))
        out += [
            f"### {c_icon} {md_text(check.get('title', ''))} ({md_code(check.get('id', ''))}): "
            f"{md_text(c_word)}",
            "",
            md_text(check.get("summary", "")),
            "",
        ]
        faults = list(check.get("faults") or ())
        if faults:
            out += ["Proven faults: " + ", ".join(md_code(f) for f in faults), ""]
        out += [md_block(pretty_json(check.get("evidence", {})), "json"), ""]
    out.append(
        "Sign-in tokens, codes, keys, passwords, e-mail addresses and the user name were "
        "removed before this file was written."
    )
    return "\n".join(out) + "\n"


def _decoded(decoded: Any) -> list[str]:
    if not decoded:
        return []
    out = ["## The error message you saw", ""]
    for item in decoded if isinstance(decoded, list) else [decoded]:
        if isinstance(item, Mapping):
            line = f"- {md_text(item.get('meaning', ''))}"
            if item.get("excerpt"):
                line += f" ({md_code(item['excerpt'])})"
            out.append(line)
        else:
            out.append(f"- {md_text(item)}")
    return [*out, ""]
