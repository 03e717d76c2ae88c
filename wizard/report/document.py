"""The JSON document of a diagnosis (the `diagnose --json` contract, schema 1)."""

from __future__ import annotations

import platform
import sys
from typing import Any

from wizard import __version__
from wizard.core.model import Diagnosis

SCHEMA = 1


def tool_info() -> dict[str, Any]:
    return {
        "name": "signin-doctor",
        "version": __version__,
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
        "platform": sys.platform,
    }


def to_document(diagnosis: Diagnosis, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    document: dict[str, Any] = {
        "schema": SCHEMA,
        "tool": tool_info(),
        "target": diagnosis.target.to_json(),
        "started_at": diagnosis.started_at,
        "duration_ms": diagnosis.duration_ms,
        "checks": [c.to_json() for c in diagnosis.checks],
        "verdict": diagnosis.verdict.to_json(),
    }
    document.update(extra or {})
    if document.get("decoded_error"):
        from wizard.core.pasted import relation

        related = relation(document["decoded_error"], diagnosis.verdict)
        if related is not None:
            document["decoded_relation"] = related
    return document
