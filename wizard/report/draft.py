"""The case file before it is saved: exactly the bytes that will be written, and the items a
help-desk agent may hide on top of the redaction.

The redaction (`redact.redact_document_with_log`) always applies: tokens, sign-in codes,
passwords, API keys, e-mail addresses and the user name can never be put back. On top of it,
`Choice`s hide more: the proxy address, the editor settings file paths, the pasted error
message, or the details of one check. `CaseDraft.files()` renders report.json/html/md once;
`CaseDraft.write()` writes those same bytes, so what the preview shows is what is saved."""

from __future__ import annotations

import copy
import ipaddress
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from wizard.core.findings import typed
from wizard.core.findings.editors import IdeFindings
from wizard.core.findings.registry import findings_in
from wizard.core.i18n import Text, Translator, tr
from wizard.report.case_file import CaseFile, case_document, render_files, write_files
from wizard.report.redact import RedactionNote

PROXY_HIDDEN = "<proxy hidden>"
FILE_HIDDEN = "<file hidden>"
HIDDEN_KEY = "hidden_before_sharing"  # ids of the choices the sender picked (stable, not words)
_URLISH = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S+|[^\s/:@]+:\d{1,5}")


@dataclass(frozen=True)
class Choice:
    """One more thing the sender may hide. `count` is how many values it changes."""

    id: str
    label: Text
    description: Text
    count: int


@dataclass(frozen=True)
class CaseDraft:
    document: Mapping[str, Any]  # already redacted (what redact_document_with_log returned)
    notes: tuple[RedactionNote, ...]  # what the redaction removed: always, never optional
    case_id: str
    created: datetime  # the report's `generated_at`, fixed when the draft is made
    hidden: frozenset[str] = frozenset()
    # The HTML/Markdown files' own words; None: the language of the document's "lang" (as
    # `write_case_file` does).
    translate: Translator | None = field(default=None, compare=False)
    _cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def make(
        cls,
        document: Mapping[str, Any],
        notes: Iterable[RedactionNote],
        case_id: str,
        created: datetime | None = None,
        translate: Translator | None = None,
    ) -> CaseDraft:
        when = (created or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
        return cls(document, tuple(notes), case_id, when, translate=translate)

    # -- choices -----------------------------------------------------------------------
    def choices(self) -> list[Choice]:
        if "choices" not in self._cache:
            self._cache["choices"] = _choices(self.document)
        return list(self._cache["choices"])

    def choice_ids(self) -> list[str]:
        return [c.id for c in self.choices()]

    def with_hidden(self, hidden: Iterable[str]) -> CaseDraft:
        """The same draft with these items hidden. Only offered choices exist: there is no
        id that turns the redaction of a secret off."""
        wanted = frozenset(hidden)
        unknown = wanted - set(self.choice_ids())
        if unknown:
            raise ValueError(f"not a choice of this report: {', '.join(sorted(unknown))}")
        return CaseDraft(
            self.document, self.notes, self.case_id, self.created, wanted, self.translate
        )

    # -- what is saved -----------------------------------------------------------------
    def final_document(self) -> dict[str, Any]:
        """report.json's content: redacted, with the chosen items hidden, case id and time."""
        if "final" not in self._cache:
            body = _apply(self.document, self.hidden, self.choices())
            self._cache["final"] = case_document(body, self.case_id, self.created)
        return copy.deepcopy(self._cache["final"])

    def files(self) -> dict[str, bytes]:
        """The case file's exact bytes, by file name (the preview shows these)."""
        if "files" not in self._cache:
            self._cache["files"] = render_files(self.final_document(), self.translate)
        return dict(self._cache["files"])

    def write(self, folder: Path | str) -> CaseFile:
        """Write exactly `files()` into `folder` (atomically, private to the user)."""
        return write_files(Path(folder), self.case_id, self.files())


# -- finding what can be hidden ----------------------------------------------------------


def _choices(document: Mapping[str, Any]) -> list[Choice]:
    found: list[Choice] = []
    proxies = _proxy_strings(document)
    if proxies:
        shown = sorted({p for p in proxies if "://" in p} or proxies)
        found.append(
            Choice(
                "proxy",
                tr("report", "Proxy address"),
                tr(
                    "report",
                    "Replaces {addresses} with {marker} everywhere in the report.",
                    addresses=", ".join(shown),
                    marker=PROXY_HIDDEN,
                ),
                _count(document, lambda d: _replace_all(d, proxies, PROXY_HIDDEN)),
            )
        )
    paths = _editor_paths(document)
    if paths:
        found.append(
            Choice(
                "editor_paths",
                tr("report", "Editor settings file paths"),
                tr(
                    "report",
                    "Replaces {paths} with {marker} everywhere in the report.",
                    paths=", ".join(paths),
                    marker=FILE_HIDDEN,
                ),
                _count(document, lambda d: _replace_all(d, paths, FILE_HIDDEN)),
            )
        )
    if document.get("decoded_error"):
        found.append(
            Choice(
                "error_message",
                tr("report", "The error message that was pasted"),
                tr("report", "Leaves out the pasted error message and what it means."),
                _leaves(document.get("decoded_error")),
            )
        )
    for check in document.get("checks") or ():
        evidence = check.get("evidence")
        if evidence:
            title = str(check.get("title") or check.get("id"))
            found.append(
                Choice(
                    f"check:{check.get('id')}",
                    tr("report", "Details of “{title}”", title=title),
                    tr(
                        "report",
                        "Leaves out the technical details of this check; its result and "
                        "one-line summary stay.",
                    ),
                    _leaves(evidence),
                )
            )
    return found


def _apply(
    document: Mapping[str, Any], hidden: frozenset[str], choices: list[Choice]
) -> dict[str, Any]:
    result = copy.deepcopy(dict(document))
    if not hidden:
        return result
    ordered = [c.id for c in choices if c.id in hidden]  # the order the choices are listed
    for choice_id in ordered:
        if choice_id == "proxy":
            result = _replace_all(result, _proxy_strings(document), PROXY_HIDDEN)
        elif choice_id == "editor_paths":
            result = _replace_all(result, _editor_paths(document), FILE_HIDDEN)
        elif choice_id == "error_message":
            result.pop("decoded_error", None)
        elif choice_id.startswith("check:"):
            check_id = choice_id.split(":", 1)[1]
            for check in result.get("checks") or ():
                if check.get("id") == check_id:
                    check["evidence"] = {"hidden": True}
    result[HIDDEN_KEY] = ordered
    return result


def _strings(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(item, (*path, str(key)))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item, path)
    elif isinstance(value, str):
        yield path, value


def _leaves(value: Any) -> int:
    return sum(1 for _ in _strings(value)) or 1


def _proxy_strings(document: Mapping[str, Any]) -> list[str]:
    """Every way the report names a proxy: the URL (password already masked), user@host:port,
    host:port, and the bare host when it is a name or a non-loopback address. Longest first,
    so a URL is replaced whole before its parts."""
    urls: set[str] = set()
    for check in document.get("checks") or ():
        for path, value in _strings(check.get("evidence") or {}):
            in_proxy = check.get("id") == "proxy" and path[-1:] in (("url",), ("value",))
            if (in_proxy or any("proxy" in p.lower() for p in path)) and _URLISH.fullmatch(value):
                urls.add(value)
    found: set[str] = set()
    for url in urls:
        found.add(url)
        parts = urlsplit(url if "://" in url else f"//{url}")
        host = parts.hostname or ""
        if not host:
            continue
        try:
            port = parts.port
        except ValueError:
            port = None
        if parts.netloc:
            found.add(parts.netloc)
        shown_host = f"[{host}]" if ":" in host else host
        if port:
            found.add(f"{shown_host}:{port}")
        if _hideable_host(host):
            found.add(host)
    return sorted(found, key=lambda s: (-len(s), s))


def _hideable_host(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "." in host and host.lower() != "localhost"
    return not address.is_loopback


def _editor_paths(document: Mapping[str, Any]) -> list[str]:
    paths: set[str] = set()
    for check in document.get("checks") or ():
        editors = typed(findings_in(check), IdeFindings)
        if editors is not None:
            paths.update(editors.files_shown())
    return sorted((p for p in paths if p), key=lambda s: (-len(s), s))


def _replace_all(value: Any, needles: list[str], marker: str) -> Any:
    if not needles:
        return value
    pattern = re.compile("|".join(_bounded(n) for n in needles))
    return _map_strings(value, lambda s: pattern.sub(marker, s))


def _bounded(needle: str) -> str:
    """`needle` not inside a longer name or number (127.0.0.1 is not part of 127.0.0.10)."""
    return r"(?<![A-Za-z0-9.-])" + re.escape(needle) + r"(?![A-Za-z0-9-]|\.[A-Za-z0-9])"


def _map_strings(value: Any, change: Callable[[str], str]) -> Any:
    if isinstance(value, Mapping):
        return {
            (change(k) if isinstance(k, str) else k): _map_strings(v, change)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_map_strings(v, change) for v in value]
    if isinstance(value, str):
        return change(value)
    return value


def _count(document: Mapping[str, Any], change: Callable[[Any], Any]) -> int:
    before = [v for _p, v in _strings(document)]
    after = [v for _p, v in _strings(change(document))]
    return sum(1 for a, b in zip(before, after, strict=False) if a != b)
