from __future__ import annotations

import copy
import json
import pickle

from wizard.core.i18n import Text, localize, tr

JA = {
    ("checks", "Port {port} is free."): "ポート {port} は空いています。",
    ("words", "ahead of"): "進んで",
    (
        "clock",
        "The clock is {n} minutes {direction} the server.",
    ): "時計がサーバーより{n}分{direction}います。",
}


def translate(context, source):
    return JA.get((context, source), "")


def test_text_is_plain_english_for_json_and_tests():
    text = tr("checks", "Port {port} is free.", port=1455)
    assert text == "Port 1455 is free."
    assert json.dumps({"s": text}) == '{"s": "Port 1455 is free."}'
    assert isinstance(text, str) and isinstance(text, Text)


def test_localize_retranslates_template_and_nested_parameters():
    text = tr(
        "clock",
        "The clock is {n} minutes {direction} the server.",
        n=7,
        direction=tr("words", "ahead of"),
    )
    assert text == "The clock is 7 minutes ahead of the server."
    assert localize(text, translate) == "時計がサーバーより7分進んでいます。"


def test_untranslated_and_plain_strings_stay_english():
    assert localize(tr("x", "Hello {who}", who="you"), translate) == "Hello you"
    assert localize("plain", translate) == "plain"
    assert localize(tr("x", "Hi"), None) == "Hi"


def test_containers_are_walked():
    doc = {"a": [tr("checks", "Port {port} is free.", port=1)], "n": 3}
    assert localize(doc, translate) == {"a": ["ポート 1 は空いています。"], "n": 3}


def test_a_broken_translation_falls_back_to_english():
    text = tr("checks", "Port {port} is free.", port=1)
    assert localize(text, lambda c, s: "ポート {port!z}") == "Port 1 is free."


def test_text_survives_copy_and_pickle():
    text = tr("checks", "Port {port} is free.", port=9)
    for clone in (copy.deepcopy(text), pickle.loads(pickle.dumps(text))):
        assert isinstance(clone, Text) and clone.template == text.template and clone == text


LISTS = {
    ("words", ", "): "、",
    ("words", "{first} and {last}"): "{first}と{last}",
    ("words", "{sentence} {following}"): "{sentence}{following}",
    ("x", "Hi."): "やあ。",
    ("x", "Bye."): "またね。",
}


def lists(context, source):
    return LISTS.get((context, source), "")


def test_lists_and_sentences_are_english_and_localize_as_a_whole():
    from wizard.core.i18n import and_list, join, sentences

    names = and_list(["VS Code", "Cursor", "Windsurf", "Cursor"])
    assert names == "VS Code, Cursor and Windsurf"  # each once
    assert localize(names, lists) == "VS Code、CursorとWindsurf"
    assert and_list(["only"]) == "only" and and_list([]) == ""
    both = sentences(tr("x", "Hi."), "", tr("x", "Bye."))
    assert both == "Hi. Bye." and localize(both, lists) == "やあ。またね。"
    joined = join([tr("x", "Hi."), "{not a field}"], " / ")
    assert joined == "Hi. / {not a field}" and localize(joined, lists) == "やあ。 / {not a field}"
