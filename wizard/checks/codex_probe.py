"""The user's own Codex as the final witness of the token path.

The other checks emulate the way Codex reaches the sign-in server; this one asks the real
program. It runs `codex login` as the field report's curl test did, but through Codex's own
network stack: in a throw-away CODEX_HOME (only config.toml and .env are copied, never
auth.json; the file credential store is forced; the browser is a no-op), reads the sign-in
address it prints, calls its callback with a made-up code and the printed state, and reads
Codex's answer. The server refusing that code proves the whole path works for this Codex; a
transport error proves it does not, whatever the emulation says.

`codex login` signs the user out before it starts (openai/codex #46430): run in the user's own
CODEX_HOME, a probe would do exactly that. Here it never sees that folder or the keyring."""

from __future__ import annotations

import http.client
import re
import shlex
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from wizard.checks.codex import bundled_binaries, runnable_here
from wizard.checks.endpoints import PROBE_CODE
from wizard.checks.logs import decode_error, sanitize_excerpt
from wizard.core.engine import Budget, CheckContext
from wizard.core.environment import CommandNotFound, ProcessLauncher, RunningProcess
from wizard.core.findings.editors import WslFindings
from wizard.core.findings.port import PortFindings
from wizard.core.findings.signin import ProbeFindings
from wizard.core.i18n import tr
from wizard.core.model import Outcome, Status
from wizard.platform import wsl

LOGIN_ARGS = ("login", "-c", 'cli_auth_credentials_store="file"')
COPIED_FILES = ("config.toml", ".env")  # never auth.json: the probe must not know the login
AUTHORIZE_URL = re.compile(r"https?://\S+/oauth/authorize\?\S+")
CALLBACK_HOSTS = ("127.0.0.1", "localhost")  # the login server is on this machine only
# Platforms whose Codex opens the URL with $BROWSER (the webbrowser crate on Linux, WSL, BSD);
# on Windows and macOS it would open the user's real browser at the sign-in page.
BROWSER_VAR_PLATFORMS = ("linux",)
NO_OP_BROWSER = "true"
WSL_LOG_MARK = "--- signin-doctor: codex-login.log ---"
WSL_NO_CODEX = "signin-doctor: no codex program in WSL"

REFUSED = re.compile(r"token endpoint returned status 40[01]\b")
REGION = re.compile(r"unsupported_country_region_territory|region, or territory not supported")
STATUS_403 = re.compile(r"token endpoint returned status 403\b")
STATUS_5XX = re.compile(r"token endpoint returned status 5\d\d\b")
TRANSPORT = re.compile(r"error sending request for url")
CA_CONFIG = re.compile(r"Failed to (?:read|load) CA certificate|no certificates found in PEM")
PORT_BUSY = re.compile(r"is already in use|os error 10013|os error 10048")


@dataclass(frozen=True)
class LoginRun:
    """What one `codex login` attempt did, as printed and logged (no secrets: the code is
    made up, and the state is never kept in the evidence)."""

    authorize_url: str | None
    redirect_uri: str | None
    callback_status: int | None
    exit_code: int | None  # None: still running when the budget ended (then it was ended)
    output: str
    log: str
    stage: str  # "no_url" | "callback_failed" | "finished" | "timeout" | "not_started"

    @property
    def text(self) -> str:
        return self.output + "\n" + self.log


def probe_env(variables: Mapping[str, str], codex_home: Path) -> dict[str, str]:
    """The user's variables, with only the Codex home and the browser replaced."""
    env = {k: v for k, v in variables.items() if k.upper() not in ("CODEX_HOME", "BROWSER")}
    env["CODEX_HOME"] = str(codex_home)
    env["BROWSER"] = NO_OP_BROWSER
    return env


def prepare_home(source: Path) -> Path:
    """A fresh CODEX_HOME holding copies of the user's config.toml and .env (if any)."""
    home = Path(tempfile.mkdtemp(prefix="signin-doctor-codex-"))
    for name in COPIED_FILES:
        original = source / name
        if original.is_file():
            shutil.copyfile(original, home / name)
    return home


def run_login(
    launcher: ProcessLauncher,
    binary: str,
    variables: Mapping[str, str],
    source_home: Path,
    budget: Budget,
    code: str = PROBE_CODE,
) -> LoginRun:
    """One `codex login` in a throw-away home, its callback called with `code`."""
    home = prepare_home(source_home)
    try:
        return _attempt(
            launcher,
            [binary, *LOGIN_ARGS],
            probe_env(variables, home),
            lambda output: (output, _read_log(home)),
            budget,
            code,
        )
    finally:
        shutil.rmtree(home, ignore_errors=True)


def wsl_login_script(profile: Any) -> str:
    """The same probe as a POSIX shell script for inside WSL, where the editor runs Codex: a
    throw-away CODEX_HOME made there (config.toml and .env copied, never auth.json), the Codex
    the editor's server installed there (else the one on PATH), and the login log printed
    after a marker once Codex ends. A login shell, as the editor's server uses."""
    ext_id = profile["ide"]["extension_id"]
    bundled = " ".join(
        f'"$HOME"/{folder}/extensions/{ext_id}-*/bin/linux-*/codex'
        for folder in profile["ide"]["wsl_server_folders"]
    )
    copied = " ".join(COPIED_FILES)
    args = " ".join(shlex.quote(a) for a in LOGIN_ARGS)
    return (
        'src="${CODEX_HOME:-$HOME/.codex}"; home=$(mktemp -d) || exit 97; '
        f'for f in {copied}; do [ -f "$src/$f" ] && cp "$src/$f" "$home/"; done; '
        f"codex=$(ls -1 {bundled} 2>/dev/null | tail -n 1); "
        '[ -n "$codex" ] || codex=$(command -v codex); '
        f'[ -n "$codex" ] || {{ echo "{WSL_NO_CODEX}"; rm -rf "$home"; exit 98; }}; '
        f'CODEX_HOME="$home" BROWSER={NO_OP_BROWSER} "$codex" {args}; rc=$?; '
        f'echo "{WSL_LOG_MARK}"; cat "$home/{profile["codex_files"]["login_log"]}" 2>/dev/null; '
        'rm -rf "$home"; exit $rc'
    )


def run_login_in_wsl(
    launcher: ProcessLauncher,
    distro: str | None,
    script: str,
    variables: Mapping[str, str],
    budget: Budget,
    code: str = PROBE_CODE,
) -> LoginRun:
    """The probe inside WSL (`wsl.exe -- sh -lc SCRIPT`); WSL forwards its localhost ports to
    Windows, so the callback is called here as the browser would call it."""
    command = wsl.run_args(distro, ["sh", "-lc", script])
    return _attempt(launcher, command, dict(variables), _split_log, budget, code)


def _split_log(output: str) -> tuple[str, str]:
    printed, _mark, log = output.partition(WSL_LOG_MARK)
    return printed, log


def _attempt(
    launcher: ProcessLauncher,
    command: list[str],
    env: Mapping[str, str],
    finish: Callable[[str], tuple[str, str]],
    budget: Budget,
    code: str,
) -> LoginRun:
    try:
        proc = launcher.start(command, env)
    except (CommandNotFound, OSError) as exc:
        return LoginRun(None, None, None, None, str(exc), "", "not_started")
    redirect = None
    status: int | None = None
    stage = "no_url"
    try:
        url = wait_for_authorize_url(proc, budget)
        if url is not None:
            redirect, state = redirect_and_state(url)
            status = call_back(redirect, code, state, budget)
            stage = "callback_failed" if status is None else "finished"
        if stage == "finished" and proc.wait(budget.timeout()) is None:
            stage = "timeout"
    finally:
        proc.kill()
    exit_code = proc.wait(1.0)
    output, log = finish(proc.output())
    return LoginRun(
        authorize_url=url,
        redirect_uri=redirect,
        callback_status=status,
        exit_code=exit_code,
        output=output,
        log=log,
        stage=stage,
    )


def wait_for_authorize_url(proc: RunningProcess, budget: Budget) -> str | None:
    """The sign-in address a starting `codex login` prints, once it listens for the return."""
    while not budget.expired():
        line = proc.read_line(budget.timeout(0.5))
        if line is None and proc.wait(0) is not None:
            return None
        match = AUTHORIZE_URL.search(line or "")
        if match:
            return match.group(0)
    return None


def redirect_and_state(url: str) -> tuple[str | None, str]:
    """The return address and the state of a printed sign-in address."""
    query = parse_qs(urlsplit(url).query)
    return (query.get("redirect_uri") or [None])[0], (query.get("state") or [""])[0]


def call_back(redirect: str | None, code: str, state: str, budget: Budget) -> int | None:
    """GET the printed redirect address with a made-up code: the one request the probe makes
    to the login server. Only a loopback address is called."""
    if not redirect:
        return None
    parts = urlsplit(redirect)
    if parts.scheme != "http" or parts.hostname not in CALLBACK_HOSTS or parts.port is None:
        return None
    path = f"{parts.path}?code={quote(code)}&state={quote(state)}"
    conn = http.client.HTTPConnection("127.0.0.1", parts.port, timeout=budget.timeout())
    try:
        conn.request("GET", path, headers={"User-Agent": "signin-doctor"})
        response = conn.getresponse()
        response.read(65536)
        return response.status
    except OSError:
        return None
    finally:
        conn.close()


def _read_log(home: Path) -> str:
    try:
        return (home / "log" / "codex-login.log").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


# --- the check ---------------------------------------------------------------------------------


def find_binary(ctx: CheckContext) -> str | None:
    """The Codex this user signs in with: the one on PATH, else one bundled with an editor."""
    env = ctx.env
    on_path = env.which("codex")
    if on_path:
        return on_path
    for bundle in bundled_binaries(env, ctx.profile):
        binary = bundle["binary"]
        if binary is not None and runnable_here(env, binary):
            return str(binary)
    return None


def _waiting_login(ctx: CheckContext) -> int | None:
    """A port where a Codex sign-in is waiting right now (a probe would get in its way)."""
    port = ctx.findings(PortFindings)
    return port.waiting_codex_port() if port is not None else None


def check_codex_probe(ctx: CheckContext) -> Outcome:
    env = ctx.env
    in_wsl = _wsl_codex(ctx)
    if env.platform not in BROWSER_VAR_PLATFORMS and in_wsl is None:
        return Outcome(
            Status.SKIP,
            tr(
                "codex_probe",
                "Not run: on this system Codex would open your browser at the sign-in page.",
            ),
        )
    if env.launcher is None:
        return Outcome(Status.SKIP, tr("codex_probe", "Not run: programs cannot be started here."))
    waiting = _waiting_login(ctx)
    if waiting is not None:
        return Outcome(
            Status.SKIP,
            tr(
                "codex_probe",
                "Not run: a Codex sign-in is waiting on port {port} right now, and a test "
                "sign-in would end it or fail beside it.",
                port=waiting,
            ),
        )
    if in_wsl is not None:
        script = wsl_login_script(ctx.profile)
        run = run_login_in_wsl(env.launcher, in_wsl.distro, script, env.vars, ctx.budget)
        if WSL_NO_CODEX in run.output:
            return Outcome(
                Status.SKIP,
                tr("codex_probe", "Not run: no Codex program was found inside WSL to ask."),
            )
        return read_probe(run, in_wsl.shown)
    binary = find_binary(ctx)
    if binary is None:
        return Outcome(
            Status.SKIP, tr("codex_probe", "Not run: no Codex program was found to ask.")
        )
    run = run_login(env.launcher, binary, env.vars, env.codex_home(), ctx.budget)
    return read_probe(run, env.display_path(binary))


@dataclass(frozen=True)
class WslCodex:
    distro: str | None  # None: WSL's default distribution
    shown: str


def _wsl_codex(ctx: CheckContext) -> WslCodex | None:
    """Where to ask when an editor runs Codex inside WSL (the wsl check proved it): there the
    Linux Codex honours BROWSER, so the probe can run even though this is Windows."""
    found = ctx.findings(WslFindings)
    system = found.system if found is not None else None
    if ctx.env.platform != "windows" or system is None:
        return None
    if not system.editors_running_codex_in_wsl:
        return None
    distro = system.default
    shown = tr("codex_probe", "Codex inside WSL ({distro})", distro=distro or "WSL")
    return WslCodex(distro, shown)


def read_probe(run: LoginRun, binary: str) -> Outcome:
    """Codex's own answer to the made-up code, as a check outcome."""
    evidence = ProbeFindings(
        binary=binary,
        stage=run.stage,
        redirect_uri=run.redirect_uri,
        callback_status=run.callback_status,
        exit_code=run.exit_code,
        said=tuple(_said(run.output)),
        decoded=tuple(d.to_json() for d in decode_error(run.text)),
    )
    text = run.text
    if REFUSED.search(text):
        return Outcome(
            Status.PASS,
            tr(
                "codex_probe",
                "Your own Codex reached the sign-in server, which refused a test code as "
                "expected: the whole way to it works for Codex.",
            ),
            evidence,
        )
    found = _failure(text)
    if found is not None:
        fault, summary = found
        return Outcome(Status.FAIL, summary, evidence, (fault,))
    if run.stage in ("no_url", "not_started"):
        summary = tr("codex_probe", "Your own Codex did not start a sign-in in time.")
    elif run.stage == "callback_failed":
        summary = tr("codex_probe", "Your own Codex started a sign-in but did not answer on it.")
    else:
        summary = tr("codex_probe", "Your own Codex did not finish its test sign-in in time.")
    return Outcome(Status.WARN, summary, evidence)


def _failure(text: str) -> tuple[str, str] | None:
    """(fault, summary) for a failure Codex printed or logged."""
    if CA_CONFIG.search(text):
        return "ca_var_broken", tr(
            "codex_probe",
            "Your own Codex stops at the token exchange: it cannot use the certificate file "
            "it is told to use.",
        )
    if PORT_BUSY.search(text):
        return "callback_ports_busy", tr(
            "codex_probe",
            "Your own Codex cannot wait for the browser's return: its ports are taken.",
        )
    if TRANSPORT.search(text):
        return "codex_probe_transport", tr(
            "codex_probe",
            "Your own Codex could not get an answer from the sign-in server: the request "
            "never arrived (a proxy, a certificate, a firewall or a VPN on its way).",
        )
    if STATUS_403.search(text) and REGION.search(text):
        return "region_blocked", tr(
            "codex_probe", "The sign-in server refused your own Codex because of the region."
        )
    if STATUS_5XX.search(text):
        return "server_error", tr(
            "codex_probe", "The sign-in server had an error of its own when your Codex asked."
        )
    return None


def _said(output: str) -> list[str]:
    """The lines Codex printed, without the sign-in address's query (state, challenge)."""
    return [sanitize_excerpt(line) for line in output.splitlines() if line.strip()][-12:]
