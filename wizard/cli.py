"""Command line: the contract in DESIGN.md. Exit 0 = nothing wrong, 1 = a problem, 2 = usage."""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from wizard import __version__
from wizard.core.diagnose import DEFAULT_TIMEOUT_S, diagnose
from wizard.core.engine import EngineEvent
from wizard.core.i18n import Translator, localize, tr
from wizard.core.model import Diagnosis, Status
from wizard.core.profile import Profile, load_profile
from wizard.core.translations import LANGUAGES, language_from_env, translator

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2

STATUS_MARK = {
    Status.PASS: "[ ok ]",
    Status.WARN: "[warn]",
    Status.FAIL: "[FAIL]",
    Status.SKIP: "[skip]",
    Status.ERROR: "[err!]",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _positive_float(text: str) -> float:
    value = float(text)
    if not 0 < value <= 120:
        raise argparse.ArgumentTypeError("must be between 0 and 120 seconds")
    return value


def _port(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError("must be a TCP port (1-65535)")
    return value


def _add_target_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--auth-url", metavar="URL", help="sign-in server (default: the profile's)")
    parser.add_argument("--callback-port", metavar="N", type=_port, help="preferred callback port")
    parser.add_argument(
        "--timeout",
        metavar="S",
        type=_positive_float,
        default=DEFAULT_TIMEOUT_S,
        help=f"time budget per check in seconds (default {DEFAULT_TIMEOUT_S:g})",
    )


def _add_lang_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang",
        choices=sorted(LANGUAGES),
        help="language of what people read (default: from LC_ALL, LC_MESSAGES or LANG); "
        "ids and JSON keys never change, and --json output is English unless --lang is given",
    )


def _add_debug_option(parser: argparse.ArgumentParser, default: Any) -> None:
    parser.add_argument(
        "--debug",
        action="store_true",
        default=default,
        help="log every check as it runs (and a broken check's traceback) to stderr",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m wizard",
        description="Sign-in Doctor: finds out why signing in to Codex with ChatGPT fails.",
    )
    parser.add_argument("--version", action="version", version=f"signin-doctor {__version__}")
    parser.add_argument("--screenshot", metavar="OUT.png", help="diagnose in the window, save it")
    parser.add_argument(
        "--lang",
        dest="window_lang",
        choices=sorted(LANGUAGES),
        help="the window's language this time (default: the one picked last, else the system's)",
    )
    _add_target_options(parser)
    _add_debug_option(parser, False)
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    p = sub.add_parser("diagnose", help="find out why sign-in fails")
    _add_debug_option(p, argparse.SUPPRESS)
    _add_target_options(p)
    output = p.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print one JSON object")
    output.add_argument(
        "--events",
        action="store_true",
        help="print JSON lines as the checks run: started, finished, then the diagnosis",
    )
    # The window's own child (wizard.ui.child_runner): the same lines, lossless and unredacted
    # (wizard.core.wire), to a pipe only; the pasted error comes on stdin (never in argv, which
    # every user of the computer can read).
    output.add_argument("--wire", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--error", metavar="TEXT", help="the error message you saw, to decode")
    _add_lang_option(p)

    p = sub.add_parser("report", help="diagnose and write the redacted case file")
    _add_debug_option(p, argparse.SUPPRESS)
    _add_target_options(p)
    p.add_argument("--out", metavar="DIR", required=True, type=Path, help="folder to write to")
    p.add_argument("--error", metavar="TEXT", help="the error message you saw, to decode")
    _add_lang_option(p)

    p = sub.add_parser("fix", help="preview and apply a repair (see the verdict's fixes)")
    _add_debug_option(p, argparse.SUPPRESS)
    p.add_argument("fix_id", metavar="FIX_ID")
    _add_target_options(p)
    _add_lang_option(p)
    p.add_argument("--yes", action="store_true", help="apply without asking")
    p.add_argument("--dry-run", action="store_true", help="only show what would change")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--extra-ca", metavar="PEM", type=Path, help="a root certificate to trust")
    p.add_argument(
        "--confirm-process",
        metavar="NAME",
        help="port-release: the name of the program you agree to end",
    )

    p = sub.add_parser("undo", help="undo the last applied fix")
    _add_debug_option(p, argparse.SUPPRESS)
    p.add_argument("--last", action="store_true", required=True, help="the most recent fix")
    p.add_argument("--yes", action="store_true", help="undo without asking")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    _add_lang_option(p)

    p = sub.add_parser("watch", help="watch the sign-in ports and logs while you sign in")
    _add_debug_option(p, argparse.SUPPRESS)
    p.add_argument("--seconds", metavar="N", type=_positive_float, default=60.0)
    p.add_argument("--callback-port", metavar="N", type=_port, help="preferred callback port")
    p.add_argument("--json", action="store_true", help="print one JSON object")

    # The window's planning child (wizard.ui.child_planner), not a command people run: the
    # case comes on stdin (the diagnosis, the certificate file picked; never in argv), the
    # Fix page's plans go out as one lossless line (wizard.app.plans_wire), to a pipe only.
    sub.metavar = "{" + ",".join(sub.choices) + "}"  # (help lists the commands above)
    p = sub.add_parser("plan")
    _add_debug_option(p, argparse.SUPPRESS)
    _add_target_options(p)
    p.add_argument("--wire", action="store_true", required=True, help=argparse.SUPPRESS)
    return parser


def run() -> NoReturn:
    """The program's entry (`python -m wizard`, the executables). A command leaves as soon
    as its output is flushed: tearing the interpreter down (the network and crypto stacks,
    thousands of objects) costs a diagnosis about 50 ms and does nothing a finished command
    needs - files are closed and throw-away folders removed by then. The window exits the
    usual way, so Qt tears down its own. A command is short-lived, so it also runs the cycle
    collector rarely: the imports of a diagnosis (some 300 modules) would otherwise trigger it
    dozens of times, about 20 ms in all."""
    args = build_parser().parse_args()
    if args.command is not None:
        gc.set_threshold(100_000, 50, 50)
    code = dispatch(args)
    if args.command is not None:
        try:
            for stream in (sys.stdout, sys.stderr):
                if stream is not None:
                    stream.flush()
        except (OSError, ValueError):
            sys.exit(code)  # let the usual exit report what could not be written
        logging.shutdown()
        os._exit(code)
    sys.exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    return dispatch(build_parser().parse_args(argv))


def dispatch(args: argparse.Namespace) -> int:
    from wizard.core.logging_setup import configure

    if getattr(args, "wire", False):
        if not _is_pipe(sys.stdout):  # never a terminal or a file: these lines are not redacted
            print("python -m wizard: error: --wire writes to a pipe only", file=sys.stderr)
            return EXIT_USAGE
        given = sys.stdin.read() if sys.stdin is not None else ""
        if args.command == "plan":
            args.request = given
        else:
            args.error = given or None
    elif args.command is not None:
        _ensure_stdout(args)
    configure(args.debug)
    if args.command is None:
        from wizard.ui.app import run_app  # Qt is imported only for the window

        return run_app(
            screenshot=args.screenshot,
            auth_url=args.auth_url,
            callback_port=args.callback_port,
            timeout_s=args.timeout,
            lang=args.window_lang,
        )
    if args.command == "watch":
        return _watch(args)
    if args.command in ("fix", "undo"):
        from wizard.app.fix_command import run_fix_command

        return run_fix_command(args)
    profile = load_profile()
    try:
        target = profile.target(args.auth_url, args.callback_port)
    except ValueError as exc:
        print(f"python -m wizard: error: --auth-url {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "plan":
        from wizard.app.plan_command import run_plan_command

        return run_plan_command(json.loads(args.request), profile, target)
    wire = args.command == "diagnose" and args.wire
    events = args.command == "diagnose" and (args.events or wire)
    quiet = args.command == "diagnose" and (args.json or events)
    lang = args.lang or language_from_env()
    translate = translator(lang)
    diagnosis = _run_diagnosis(
        profile,
        target,
        args.timeout,
        None if quiet else sys.stderr,
        translate,
        _EventLines(sys.stdout, args.lang, wire) if events else None,
        args.error or "",
    )
    decoded = _decode(args.error)
    if args.command == "report":
        return _report(diagnosis, args.out, decoded, lang)
    if wire:
        from wizard.core.wire import diagnosis_to_wire

        _write_line(sys.stdout, {"event": "diagnosis", "diagnosis": diagnosis_to_wire(diagnosis)})
    elif events:
        _write_line(sys.stdout, {"event": "diagnosis", **_document(diagnosis, decoded, args.lang)})
    elif args.json:
        # Machine output stays English unless a language is asked for explicitly.
        _print_json(diagnosis, decoded, args.lang)
    else:
        _print_human(diagnosis, decoded, sys.stdout, lang)
    return EXIT_OK if diagnosis.verdict.cause == "none" else EXIT_PROBLEM


def _run_diagnosis(
    profile: Profile,
    target: Any,
    timeout: float,
    progress: TextIO | None,
    translate: Translator | None = None,
    lines: _EventLines | None = None,
    pasted: str = "",
) -> Diagnosis:
    from wizard.checks.catalog import ALL_CHECKS
    from wizard.platform.system import system_environment

    def on_event(event: EngineEvent) -> None:
        if lines is not None:
            lines.write(event)
        if progress is not None and event.kind == "finished" and event.result is not None:
            mark = STATUS_MARK[event.result.status]
            print(f"  {mark} {localize(event.title, translate)}", file=progress, flush=True)

    if progress is not None:
        checking = tr(
            "cli",
            "Checking sign-in to {name} ({url}) ...",
            name=profile.name,
            url=target.auth_url,
        )
        print(localize(checking, translate), file=progress)
    env = system_environment()
    return diagnose(ALL_CHECKS, env, profile, target, timeout, on_event, pasted=pasted)


class _EventLines:
    """`diagnose --events`: one redacted JSON line per check event, flushed at once, so a
    script (or a parent process) sees each check start and end as it happens. The engine
    reports from worker threads; the lock keeps lines whole. `wire`: for the window's own
    child, nothing rendered or redacted (wizard.core.wire)."""

    def __init__(self, out: TextIO, lang: str | None, wire: bool = False) -> None:
        import threading

        self._out = out
        self._translate = translator(lang)
        self._wire = wire
        self._lock = threading.Lock()

    def write(self, event: EngineEvent) -> None:
        line: dict[str, Any] = {"event": event.kind, "check": event.check_id}
        if self._wire:
            from wizard.core.wire import encode, result_to_wire

            line["title"] = encode(event.title)
            if event.result is not None:
                line["result"] = result_to_wire(event.result)
        else:
            from wizard.report.redact import redact_document

            line["title"] = localize(event.title, self._translate)
            if event.result is not None:
                line["result"] = localize(event.result.to_json(), self._translate)
            line = redact_document(line)
        with self._lock:
            _write_line(self._out, line)


def _write_line(out: TextIO, document: dict[str, Any]) -> None:
    out.write(json.dumps(document, ensure_ascii=False) + "\n")
    out.flush()


def _is_pipe(out: TextIO | None) -> bool:
    import stat

    try:
        mode = os.fstat(out.fileno()).st_mode if out is not None else 0
    except (OSError, ValueError):
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


def _ensure_stdout(args: argparse.Namespace) -> None:
    """Without stdout (the windowed exe), the output goes to a file in the data folder."""
    from wizard.platform.console import ensure_stdout

    kind = (
        "jsonl"
        if getattr(args, "events", False)
        else "json"
        if getattr(args, "json", False)
        else "txt"
    )

    def fallback() -> Path:
        from platformdirs import user_data_path  # only then: it imports tempfile and random

        return user_data_path("signin-doctor", appauthor=False) / f"{args.command}-output.{kind}"

    ensure_stdout(fallback)


def _decode(text: str | None) -> list[dict[str, Any]] | None:
    if text is None:
        return None
    from wizard.checks.logs import decode_error

    return [d.to_json() for d in decode_error(text)]


def _document(
    diagnosis: Diagnosis, decoded: list[dict[str, Any]] | None, lang: str | None
) -> dict[str, Any]:
    """The redacted document, its human texts in `lang` (None: as written, English)."""
    from wizard.app.document import redacted_document

    extra: dict[str, Any] = {"lang": lang or "en"}
    if decoded is not None:
        extra["decoded_error"] = decoded
    return redacted_document(diagnosis, extra, translator(lang))[0]


def _print_json(
    diagnosis: Diagnosis, decoded: list[dict[str, Any]] | None, lang: str | None
) -> None:
    json.dump(_document(diagnosis, decoded, lang), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def _print_human(
    diagnosis: Diagnosis, decoded: list[dict[str, Any]] | None, out: TextIO, lang: str
) -> None:
    translate = translator(lang)

    def say(text: str) -> None:
        print(localize(text, translate), file=out)

    document = _document(diagnosis, decoded, lang)
    print(file=out)
    for check in document["checks"]:
        mark = STATUS_MARK[Status(check["status"])]
        print(f"{mark} {check['title']}: {check['summary']}", file=out)
    verdict = document["verdict"]
    print(file=out)
    if verdict["flow_step"]:
        say(
            tr(
                "cli",
                "Verdict: {title}  (sign-in step: {step})",
                title=verdict["title"],
                step=verdict["flow_step"],
            )
        )
    else:
        say(tr("cli", "Verdict: {title}", title=verdict["title"]))
    print(f"  {verdict['summary']}", file=out)
    say(tr("cli", "Next: {action}", action=verdict["next_action"]))
    if verdict["fixes"]:
        say(
            tr(
                "cli",
                "Fixes: {fixes}  (python -m wizard fix FIX_ID)",
                fixes=", ".join(verdict["fixes"]),
            )
        )
    if verdict["also"]:
        say(tr("cli", "Also found: {causes}", causes=", ".join(verdict["also"])))
    for item in document.get("decoded_error") or []:
        say(tr("cli", "Your error message: {meaning}", meaning=item["meaning"]))
    if document.get("decoded_relation"):
        say(document["decoded_relation"])


def _report(
    diagnosis: Diagnosis, out_dir: Path, decoded: list[dict[str, Any]] | None, lang: str
) -> int:
    from wizard.report.case_file import CaseFileError, write_case_file

    translate = translator(lang)
    document = _document(diagnosis, decoded, lang)
    try:
        case = write_case_file(document, out_dir, translate=translate)
    except OSError as exc:
        reason = exc.strerror if isinstance(exc, CaseFileError) else str(exc)
        message = tr(
            "cli",
            "python -m wizard: error: cannot write the case file to {folder}: {reason}",
            folder=str(out_dir),
            reason=reason,
        )
        print(localize(message, translate), file=sys.stderr)
        return EXIT_PROBLEM
    title = document["verdict"]["title"]
    print(
        localize(tr("cli", "Case {case_id}: {title}", case_id=case.case_id, title=title), translate)
    )
    for path in case.files:
        print(localize(tr("cli", "  wrote {path}", path=str(path)), translate))
    return EXIT_OK if diagnosis.verdict.cause == "none" else EXIT_PROBLEM


def _watch(args: argparse.Namespace) -> int:
    from wizard.checks.watch import watch_signin
    from wizard.platform.system import system_environment

    profile = load_profile()
    target = profile.target(None, args.callback_port)
    translate = translator(language_from_env())
    progress = _LocalizedLines(sys.stderr, translate)
    report = watch_signin(system_environment(), profile, target, args.seconds, progress)
    if args.json:
        json.dump(report.to_json(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print(localize(report.summary, translate))
    return EXIT_OK if report.ok else EXIT_PROBLEM


class _LocalizedLines:
    """A progress stream that prints whole lines in the reader's language."""

    def __init__(self, out: TextIO, translate: Translator | None) -> None:
        self.out, self.translate = out, translate

    def write_line(self, line: str) -> None:
        print(localize(line, self.translate), file=self.out, flush=True)

    def write(self, text: str) -> int:
        return self.out.write(text)

    def flush(self) -> None:
        self.out.flush()
