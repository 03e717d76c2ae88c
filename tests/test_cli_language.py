"""The command line in Japanese: the real program against the lab, `--lang` and LANG."""

from __future__ import annotations

import json
import re

import pytest

from tests.e2e import clean_env, free_port, run_wizard

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.fixture
def lab_args(auth_server):
    return ["--auth-url", auth_server.url, "--callback-port", str(free_port()), "--timeout", "20"]


def test_diagnose_lang_ja_speaks_japanese(home, pki, auth_server, lab_args):
    run = run_wizard(
        ["diagnose", "--lang", "ja", *lab_args],
        clean_env(home, CODEX_CA_CERTIFICATE=str(pki.ca_pem)),
    )
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "診断結果: このコンピューターに問題は見つかりませんでした" in out
    assert "次にすること: status.openai.com を確認し" in out
    assert "[ ok ] 安全な接続（TLS）: localhost への接続は安全で、Codex に信頼されています。" in out
    assert "修正: status-page, device-auth  （python -m wizard fix FIX_ID）" in out  # ids stay
    assert "Verdict:" not in out and "Next:" not in out
    assert "へのサインインをチェックしています" in run.stderr  # progress too


def test_lang_comes_from_the_environment_and_json_stays_english(home, pki, auth_server, lab_args):
    env = clean_env(home, LANG="ja_JP.UTF-8")  # no CA variable: the lab root is not trusted
    human = run_wizard(["diagnose", *lab_args], env)
    assert human.returncode == 1
    assert "診断結果: セキュリティソフトが安全な接続に割り込んでいます" in human.stdout

    machine = run_wizard(["diagnose", "--json", *lab_args], env)
    document = machine.json
    assert document["lang"] == "en"
    assert document["verdict"]["title"] == "A security program intercepts the secure connection"

    japanese = run_wizard(["diagnose", "--json", "--lang", "ja", *lab_args], env).json
    assert japanese["lang"] == "ja"
    assert japanese["verdict"]["title"] == "セキュリティソフトが安全な接続に割り込んでいます"
    # Ids, keys and statuses never change with the language.
    for doc in (document, japanese):
        assert doc["verdict"]["cause"] == "tls_interception"
        assert doc["verdict"]["fixes"] == ["ca-bundle"]
    assert [(c["id"], c["status"]) for c in japanese["checks"]] == [
        (c["id"], c["status"]) for c in document["checks"]
    ]
    assert japanese.keys() == document.keys()
    assert all(JAPANESE.search(c["summary"]) for c in japanese["checks"])


def test_report_lang_ja_writes_a_japanese_case_file(home, pki, auth_server, lab_args, tmp_path):
    out = tmp_path / "case"
    run = run_wizard(
        ["report", "--lang", "ja", "--out", str(out), *lab_args],
        clean_env(home, CODEX_CA_CERTIFICATE=str(pki.ca_pem)),
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("ケース SD-")
    assert "  書き出しました: " in run.stdout
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["lang"] == "ja" and report["verdict"]["cause"] == "none"
    assert report["verdict"]["title"] == "このコンピューターに問題は見つかりませんでした"
    html = (out / "report.html").read_text(encoding="utf-8")
    assert '<html lang="ja">' in html
    assert (
        "<h2>次にすること</h2>" in html and "このコンピューターに問題は見つかりませんでした" in html
    )
    assert "What to do next" not in html
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert "**診断結果:** ✔ 問題なし: このコンピューターに問題は見つかりませんでした" in markdown


def test_fix_lang_ja_previews_in_japanese(home, pki, auth_server, lab_args):
    run = run_wizard(
        ["fix", "clock-sync", "--lang", "ja", "--dry-run", *lab_args],
        clean_env(home, CODEX_CA_CERTIFICATE=str(pki.ca_pem)),
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("時計を自動で合わせる\n")
    assert "手順:\n  1. Windows:「設定 > 時刻と言語 > 日付と時刻」" in run.stdout
    assert "コマンド:\n  timedatectl set-ntp true" in run.stdout
    assert run.stdout.rstrip().endswith("ドライラン: 何も変更していません。")
