"""Which language, and the translation catalogs as plain translators for the Qt-free layers.

The catalogs are Qt's own: `resources/translations/signin_doctor_<lang>.ts` (the source,
merged by `resources/translations/extract.py`), compiled to `.qm` by `pyside6-lrelease` for the
window. The command line and the reports read the `.ts` XML directly with the standard library:
that costs a few milliseconds, needs no Qt import (the CLI stays light and runs where Qt's
libraries cannot load) and does not depend on the build step having run. Both read the same
file, so the window and a report say the same words."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from wizard.core.i18n import Translator
from wizard.core.profile import resource_path

SOURCE_LANGUAGE = "en"
LANGUAGES: dict[str, str] = {"en": "English", "ja": "日本語"}  # code -> its own name
CATALOG_STEM = "signin_doctor"
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")  # POSIX precedence
# Message types that are not (or no longer) a translation to use.
UNUSABLE_TYPES = frozenset({"unfinished", "vanished", "obsolete"})


def catalog_path(lang: str, suffix: str = ".ts") -> Path:
    return resource_path("translations", f"{CATALOG_STEM}_{lang}{suffix}")


def normalize_language(value: str | None) -> str | None:
    """'ja_JP.UTF-8' / 'ja-JP' / 'Japanese_Japan.932' -> 'ja'; None for unknown, C or POSIX."""
    if not value:
        return None
    code = value.split(":")[0].split(".")[0].split("@")[0].replace("-", "_").lower()
    code = {"japanese": "ja", "english": "en"}.get(code.split("_")[0], code.split("_")[0])
    return code if code in LANGUAGES else None


def language_from_env(environ: Mapping[str, str] | None = None) -> str:
    """The language of the environment: the first of LC_ALL, LC_MESSAGES, LANG that is set
    decides (as for every POSIX program); else the Windows user interface language; else
    English. A language we have no catalog for means English."""
    environ = os.environ if environ is None else environ
    for name in LOCALE_VARIABLES:
        value = environ.get(name)
        if value:
            return normalize_language(value) or SOURCE_LANGUAGE
    return _windows_ui_language() or SOURCE_LANGUAGE


def _windows_ui_language() -> str | None:
    if sys.platform != "win32":
        return None
    try:
        import ctypes

        langid = int(ctypes.windll.kernel32.GetUserDefaultUILanguage())
    except (AttributeError, OSError, ValueError):
        return None
    return {0x11: "ja", 0x09: "en"}.get(langid & 0x3FF)


@cache
def load_catalog(lang: str) -> dict[tuple[str, str], str]:
    """(context, English source) -> finished translation, from the language's .ts file."""
    import xml.etree.ElementTree as ET  # only when a catalog is read: the window starts light

    path = catalog_path(lang)
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return {}
    found: dict[tuple[str, str], str] = {}
    for context in root.iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            source = message.findtext("source")
            translation = message.find("translation")
            if source is None or translation is None:
                continue
            if translation.get("type") in UNUSABLE_TYPES or not translation.text:
                continue
            found[(name, source)] = translation.text
    return found


def translator(lang: str | None) -> Translator | None:
    """A translator for `lang`, or None for the source language (English needs none)."""
    if not lang or lang == SOURCE_LANGUAGE or lang not in LANGUAGES:
        return None
    catalog = load_catalog(lang)

    def translate(context: str, source: str) -> str:
        return catalog.get((context, source), "")

    return translate
