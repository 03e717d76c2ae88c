"""Collect every translatable string and merge it into the Qt .ts catalogs.

    python resources/translations/extract.py            update signin_doctor_{en,ja}.ts
    python resources/translations/extract.py --check    exit 1 if they are out of date
    python resources/translations/extract.py --stats    messages and translations per file
    python resources/translations/extract.py --todo     the messages still to translate

pyside6-lupdate cannot read our Qt-free `tr(context, template, **params)` (keyword arguments
break its Python parser), so this walks the code with `ast` instead and finds:
- `tr("context", "template", ...)` / `tr_map("context", "template", ...)` imported from
  `wizard.core.i18n` (checks, rules, fixes, reports), with literal context and template;
- the window's `tr("text")` / `tr("text", context="...")` from `wizard.ui.text` (context
  "SigninDoctor" by default), and plain `QCoreApplication.translate("context", "text")`;
- the templates of the data files: resources/causes.json (context "causes") and
  resources/decoder.json (context "decoder").

Merging keeps every existing translation. A message that is no longer extracted but has a
translation is kept as `type="vanished"` (lrelease skips it; it comes back if the string
does); new messages are `unfinished` in Japanese and English-as-is in the English catalog.
Locations name the file only, so moving code around does not make the catalogs stale."""

from __future__ import annotations

import argparse
import ast
import json
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CODE = ROOT / "wizard"
RESOURCES = ROOT / "resources"
STEM = "signin_doctor"
LANGUAGES = {"en": "en_US", "ja": "ja_JP"}
SOURCE_LANGUAGE = "en"
UI_DEFAULT_CONTEXT = "SigninDoctor"
CORE_MODULE = "wizard.core.i18n"
UI_MODULE = "wizard.ui.text"


@dataclass
class Message:
    context: str
    source: str
    files: list[str] = field(default_factory=list)  # relative to this folder, first seen first


@dataclass
class Existing:
    translation: str
    kind: str | None  # None = finished, "unfinished", "vanished", "obsolete"


# -- finding the strings -----------------------------------------------------------------------


def _literal(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _bound_names(tree: ast.Module, path: Path) -> tuple[set[str], set[str], dict[str, str]]:
    """Local names of the core tr/tr_map and of the window's tr in this module, and the
    names the two modules themselves are known by (`i18n.tr(...)`)."""
    core: set[str] = set()
    ui: set[str] = set()
    modules: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in (CORE_MODULE, UI_MODULE):
            for alias in node.names:
                if alias.name in ("tr", "tr_map"):
                    target = core if node.module == CORE_MODULE else ui
                    target.add(alias.asname or alias.name)
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                if full in (CORE_MODULE, UI_MODULE):
                    modules[alias.asname or alias.name] = full
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in (CORE_MODULE, UI_MODULE) and alias.asname:
                    modules[alias.asname] = alias.name
    if path == CODE / "core" / "i18n.py":
        core |= {"tr", "tr_map"}
    if path == CODE / "ui" / "text.py":
        ui.add("tr")
    return core, ui, modules


def _calls(path: Path) -> Iterator[tuple[str, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    core, ui, modules = _bound_names(tree, path)
    calls = sorted(
        (n for n in ast.walk(tree) if isinstance(n, ast.Call)),
        key=lambda n: (n.lineno, n.col_offset),
    )
    for node in calls:
        func = node.func
        name = func.id if isinstance(func, ast.Name) else None
        attr = func.attr if isinstance(func, ast.Attribute) else None
        owner = (
            func.value.id
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
            else None
        )
        via = modules.get(owner or "")  # i18n.tr(...), text.tr(...)
        is_core = name in core or (via == CORE_MODULE and attr in ("tr", "tr_map"))
        is_ui = name in ui or (via == UI_MODULE and attr == "tr")
        if is_core and len(node.args) >= 2:
            context, source = _literal(node.args[0]), _literal(node.args[1])
        elif is_ui and node.args:
            source = _literal(node.args[0])
            keyword = next((k.value for k in node.keywords if k.arg == "context"), None)
            given = node.args[1] if len(node.args) > 1 else keyword
            context = _literal(given) if given is not None else UI_DEFAULT_CONTEXT
        elif (attr == "translate" or name == "QT_TRANSLATE_NOOP") and len(node.args) >= 2:
            context, source = _literal(node.args[0]), _literal(node.args[1])
        else:
            continue
        if context is not None and source:
            yield context, source


def _data_strings() -> Iterator[tuple[str, str, Path]]:
    causes_path = RESOURCES / "causes.json"
    causes = json.loads(causes_path.read_text(encoding="utf-8"))
    for fault in causes["faults"].values():
        for key in ("summary", "next_action"):
            if fault.get(key):
                yield "causes", fault[key], causes_path
    for cause in causes["causes"].values():
        for key in ("title", "summary", "next_action"):
            if cause.get(key):
                yield "causes", cause[key], causes_path
    decoder_path = RESOURCES / "decoder.json"
    decoder = json.loads(decoder_path.read_text(encoding="utf-8"))
    for pattern in decoder["patterns"]:
        for key in ("meaning", "technical"):
            if pattern.get(key):
                yield "decoder", pattern[key], decoder_path
    for summary in decoder.get("step_summaries", {}).values():
        yield "decoder", summary, decoder_path


def _relative(path: Path) -> str:
    return Path("..", "..", path.relative_to(ROOT)).as_posix()


def extract() -> dict[tuple[str, str], Message]:
    found: dict[tuple[str, str], Message] = {}

    def add(context: str, source: str, path: Path) -> None:
        message = found.setdefault((context, source), Message(context, source))
        where = _relative(path)
        if where not in message.files:
            message.files.append(where)

    for path in sorted(CODE.rglob("*.py")):
        for context, source in _calls(path):
            add(context, source, path)
    for context, source, path in _data_strings():
        add(context, source, path)
    return found


# -- the catalogs ------------------------------------------------------------------------------


def catalog_path(lang: str) -> Path:
    return HERE / f"{STEM}_{lang}.ts"


def read_catalog(path: Path) -> dict[tuple[str, str], Existing]:
    if not path.exists():
        return {}
    found: dict[tuple[str, str], Existing] = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            source = message.findtext("source") or ""
            translation = message.find("translation")
            text = (translation.text or "") if translation is not None else ""
            kind = translation.get("type") if translation is not None else "unfinished"
            found[(name, source)] = Existing(text, kind)
    return found


def merge(
    lang: str, messages: dict[tuple[str, str], Message], existing: dict[tuple[str, str], Existing]
) -> list[tuple[Message, Existing]]:
    merged: list[tuple[Message, Existing]] = []
    for key, message in messages.items():
        old = existing.get(key)
        if old is not None and old.translation:
            kind = None if old.kind in ("vanished", "obsolete") else old.kind
            merged.append((message, Existing(old.translation, kind)))
        elif lang == SOURCE_LANGUAGE:
            merged.append((message, Existing(message.source, None)))
        else:
            merged.append((message, Existing("", "unfinished")))
    for key, old in existing.items():
        if key not in messages and old.translation:
            merged.append((Message(*key), Existing(old.translation, "vanished")))
    return merged


def _text(value: str) -> str:
    return escape(value, {'"': "&quot;", "'": "&apos;"})


def render(lang: str, merged: list[tuple[Message, Existing]]) -> str:
    by_context: dict[str, list[tuple[Message, Existing]]] = {}
    for message, existing in merged:
        by_context.setdefault(message.context, []).append((message, existing))
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        "<!DOCTYPE TS>",
        f'<TS version="2.1" language="{LANGUAGES[lang]}" sourcelanguage="en_US">',
    ]
    for context in sorted(by_context):
        out += ["<context>", f"    <name>{_text(context)}</name>"]
        for message, existing in by_context[context]:
            out.append("    <message>")
            out += [f'        <location filename="{_text(f)}"/>' for f in message.files]
            out.append(f"        <source>{_text(message.source)}</source>")
            kind = f' type="{existing.kind}"' if existing.kind else ""
            out.append(f"        <translation{kind}>{_text(existing.translation)}</translation>")
            out.append("    </message>")
        out.append("</context>")
    out.append("</TS>")
    return "\n".join(out) + "\n"


def stats(path: Path) -> tuple[int, int]:
    """(live messages, finished translations) of a catalog."""
    live = [e for e in read_catalog(path).values() if e.kind not in ("vanished", "obsolete")]
    return len(live), sum(1 for e in live if e.kind is None and e.translation)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only tell whether it is current")
    parser.add_argument("--stats", action="store_true", help="count messages and translations")
    parser.add_argument("--todo", action="store_true", help="list untranslated messages")
    args = parser.parse_args(argv)
    messages = extract()
    stale = []
    for lang in LANGUAGES:
        path = catalog_path(lang)
        existing = read_catalog(path)
        text = render(lang, merge(lang, messages, existing))
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if text == current:
            continue
        if args.check:
            new = [k for k in messages if k not in existing]
            gone = [k for k, e in existing.items() if k not in messages and e.kind != "vanished"]
            stale.append(f"{path.name}: {len(new)} new, {len(gone)} vanished; for example:")
            stale += [f"  + [{c}] {s[:90]}" for c, s in new[:10]]
            stale += [f"  - [{c}] {s[:90]}" for c, s in gone[:10]]
        else:
            path.write_text(text, encoding="utf-8")
            print(f"updated {path.relative_to(ROOT)}")
    if args.stats:
        for lang in LANGUAGES:
            total, done = stats(catalog_path(lang))
            print(f"{catalog_path(lang).name}: {total} messages, {done} translated")
    if args.todo:
        for lang in LANGUAGES:
            for (context, source), entry in read_catalog(catalog_path(lang)).items():
                if entry.kind == "unfinished" or not entry.translation:
                    print(f"{lang} [{context}] {source}")
    if stale:
        print("The translation catalogs are out of date with the code:", file=sys.stderr)
        print("\n".join(stale), file=sys.stderr)
        print("Run: python resources/translations/extract.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
