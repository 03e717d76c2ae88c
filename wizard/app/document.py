"""The case document: a diagnosis as JSON, in the reader's language, redacted. The one place
both the command line (`--json`, `--events`, `report`) and the window (save, preview) get it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from wizard.core.i18n import Translator, localize
from wizard.core.model import Diagnosis
from wizard.report.document import to_document
from wizard.report.redact import RedactionNote, redact_document_with_log


def redacted_document(
    diagnosis: Diagnosis,
    extra: Mapping[str, Any],
    translate: Translator | None,
    home_hints: Iterable[str] | None = None,
) -> tuple[dict[str, Any], list[RedactionNote]]:
    """The redacted document and what was removed. Human texts are localized (ids and keys
    stay) before redaction, so the redaction sees exactly the words that are written.
    `home_hints`: the home folders to hide (None: this process's)."""
    document = localize(to_document(diagnosis, dict(extra)), translate)
    return redact_document_with_log(document, home_hints)
