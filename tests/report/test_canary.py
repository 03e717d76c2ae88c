"""End to end: plant secrets in a fake home and environment, run the real program, and prove
none of them comes out (the case file, --json, the human output, stdout and stderr).

Only loopback is used: the sign-in server is a refused localhost port and the planted proxy is
a dead 127.0.0.1 port, so even a check that ignored --auth-url could not leave the machine.
Every planted value contains "canary" (the user name too), so a case-insensitive sweep for that
word catches a leak even in a form nobody thought of (a prefix, an upper-cased copy)."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
USER_NAME = "carol-canary"
EMAIL = "carol.canary@example.com"
PROXY_USER, PROXY_PASSWORD = "alice", "Pr0xyPassw0rd"
DOTENV_PASSWORD = "D0tenvPassw0rdCanary"
ID_TOKEN = (
    "eyJhbGciOiJSUzI1NiIsImtpZCI6ImNhbmFyeSJ9"
    ".eyJlbWFpbCI6ImNhcm9sLmNhbmFyeUBleGFtcGxlLmNvbSJ9"
    ".CANARYidSig0123456789abcdefGHIJ"
)
ACCESS_TOKEN = (
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9"
    ".eyJzY29wZSI6Im9wZW5pZCIsImNhbmFyeSI6dHJ1ZX0"
    ".CANARYaccessSig9876543210zyxwVUTS"
)
REFRESH_TOKEN = "rt_CANARYrefresh7Hk2Lm9Qx4Vb8Np1Zs6Dw3Fy"
API_KEY = "sk-proj-CANARYapikey4Tq8Wm2Xr6Yz0Bc5Dv9"
DOTENV_API_KEY = "sk-proj-CANARYdotenv7Jk3Ln8Pq2Rs6Tu0Vw"
CODE = "ac_SECRETCODEcanary5Gh9Jk2Lm7Np4Qr"
STATE = "SECRETSTATEcanary8Xc3Vb6Nm1Qw5Er"
BEARER = "CANARYbearer2Mn6Bv9Cx4Zl8Kj3Hg"
ACCOUNT_ID = "acct-canary-0199a213-81c0-7800-8aa1"


def _dead_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _plant_home(base: Path, proxy_port: int) -> tuple[Path, Path]:
    home = base / "home" / USER_NAME
    codex_home = home / ".codex"
    (codex_home / "log").mkdir(parents=True)
    (codex_home / "auth.json").write_text(
        json.dumps(
            {
                "auth_mode": "chatgpt",
                "OPENAI_API_KEY": None,
                "tokens": {
                    "id_token": ID_TOKEN,
                    "access_token": ACCESS_TOKEN,
                    "refresh_token": REFRESH_TOKEN,
                    "account_id": ACCOUNT_ID,
                },
                "last_refresh": "2026-05-09T07:00:00Z",
            }
        ),
        encoding="utf-8",
    )
    (codex_home / "auth.json").chmod(0o600)
    (codex_home / "log" / "codex-login.log").write_text(
        "2026-05-09T07:30:00.000000Z  INFO codex_cli::login: starting browser login flow\n"
        "2026-05-09T07:30:05.000000Z  INFO codex_login::server: received login callback "
        f"path=/auth/callback?code={CODE}&state={STATE} has_code=true has_state=true "
        "has_error=false state_valid=true\n"
        f"2026-05-09T07:30:05.100000Z DEBUG request url=http://localhost:1455/auth/callback?code={CODE}"
        f"&state={STATE} user={EMAIL} home={home}\n"
        "2026-05-09T07:30:05.200000Z  INFO codex_login::server: starting oauth token exchange\n"
        "2026-05-09T07:30:07.000000Z ERROR codex_login::server: oauth token exchange transport "
        "failure is_timeout=false is_connect=true is_request=false\n"
        f"2026-05-09T07:30:07.000100Z ERROR Token exchange failed: refresh_token={REFRESH_TOKEN} "
        f"Authorization: Bearer {BEARER} id_token={ID_TOKEN}\n",
        encoding="utf-8",
    )
    (codex_home / "config.toml").write_text(
        f'# maintained by {EMAIL}\nmodel = "gpt-5-codex"\n'
        f'[projects."{home}/work"]\ntrust_level = "trusted"\n',
        encoding="utf-8",
    )
    (codex_home / ".env").write_text(
        f"HTTP_PROXY=http://{PROXY_USER}:{DOTENV_PASSWORD}@127.0.0.1:{proxy_port}\n"
        f"OPENAI_API_KEY={DOTENV_API_KEY}\n",
        encoding="utf-8",
    )
    ide_log = (
        home / ".config" / "Code" / "logs" / "20260509T073000" / "window1" / "exthost"
        / "openai.chatgpt" / "Codex.log"
    )  # fmt: skip
    ide_log.parent.mkdir(parents=True)
    ide_log.write_text(
        f"2026-05-09 07:30:01.000 [info] Spawning codex app-server from {home}/.vscode/extensions"
        "/openai.chatgpt-26.5.1-linux-x64/bin/codex\n"
        f"2026-05-09 07:30:09.000 [error] Token exchange failed: Authorization: Bearer {BEARER} "
        f"for {EMAIL} access_token={ACCESS_TOKEN}\n",
        encoding="utf-8",
    )
    return home, codex_home


SECRETS = (
    ID_TOKEN,
    ACCESS_TOKEN,
    REFRESH_TOKEN,
    API_KEY,
    DOTENV_API_KEY,
    CODE,
    STATE,
    BEARER,
    ACCOUNT_ID,
    EMAIL,
    USER_NAME,
    PROXY_PASSWORD,
    DOTENV_PASSWORD,
    base64.b64encode(f"{PROXY_USER}:{PROXY_PASSWORD}".encode()).decode(),
    # distinctive pieces, in case a token is cut rather than removed
    "CANARYidSig",
    "CANARYaccessSig",
    "SECRETCODE",
    "SECRETSTATE",
)


def _assert_clean(where: str, text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} leaked into {where}"
    assert "canary" not in text.lower(), f"something planted leaked into {where}"


@pytest.fixture
def planted(tmp_path):
    proxy_port, auth_port = _dead_port(), _dead_port()
    home, codex_home = _plant_home(tmp_path, proxy_port)
    env = {
        "HOME": str(home),
        "PATH": os.environ["PATH"],
        "CODEX_HOME": str(codex_home),
        "OPENAI_API_KEY": API_KEY,
        "HTTPS_PROXY": f"http://{PROXY_USER}:{PROXY_PASSWORD}@127.0.0.1:{proxy_port}",
    }
    if sys.platform == "win32":  # Python on Windows needs these to start at all
        env.update(USERPROFILE=str(home), SYSTEMROOT=os.environ.get("SYSTEMROOT", r"C:\Windows"))
    auth_url = f"https://localhost:{auth_port}"
    return env, auth_url


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "wizard", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        timeout=120,
        check=False,
    )


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def test_case_file_leaks_nothing(planted, tmp_path):
    env, auth_url = planted
    out = tmp_path / "case"
    proc = _run(["report", "--out", str(out), "--auth-url", auth_url, "--timeout", "2"], env)
    stdout, stderr = _text(proc.stdout), _text(proc.stderr)
    assert proc.returncode == 1, stderr  # the planted dead proxy is a problem found
    assert "Traceback" not in stderr
    files = [out / "report.json", out / "report.html", out / "report.md"]
    for path in files:
        assert path.is_file(), f"{path.name} missing; stderr: {stderr}"
        _assert_clean(path.name, path.read_text(encoding="utf-8"))
    _assert_clean("stdout", stdout)
    _assert_clean("stderr", stderr)
    report = json.loads(files[0].read_text(encoding="utf-8"))
    assert report["target"]["auth_url"] == auth_url
    assert f"Case {report['case_id']}:" in stdout
    assert {c["id"] for c in report["checks"]} >= {"proxy", "codex_auth", "codex_logs"}


@pytest.mark.parametrize("as_json", [True, False], ids=["json", "human"])
def test_diagnose_output_leaks_nothing(planted, as_json):
    env, auth_url = planted
    args = ["diagnose", "--auth-url", auth_url, "--timeout", "2"] + (["--json"] if as_json else [])
    proc = _run(args, env)
    stdout, stderr = _text(proc.stdout), _text(proc.stderr)
    assert proc.returncode == 1, stderr  # the planted dead proxy is a problem found
    assert "Traceback" not in stderr
    _assert_clean("stdout", stdout)
    _assert_clean("stderr", stderr)
    if as_json:
        document = json.loads(stdout)
        assert document["target"]["auth_url"] == auth_url
        assert document["verdict"]["cause"] != "none"  # nothing answers: it cannot be fine
    else:
        assert "Verdict:" in stdout
