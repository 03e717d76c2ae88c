"""`fix FIX_ID [--yes] [--dry-run] [--json] [--extra-ca PEM]` and `undo --last`: one case,
like a window session, over the same fix bridge (wizard.app.fixing)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from wizard.app import fixing
from wizard.app.session import Session
from wizard.core.diagnose import diagnose
from wizard.core.i18n import Translator, localize, tr
from wizard.core.translations import language_from_env, translator
from wizard.fixes.apply import PlanOutdated, apply_fix, error_text
from wizard.fixes.catalog import find_fix, fix_ids
from wizard.fixes.plan import FixResult

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2


def run_fix_command(args: argparse.Namespace) -> int:
    from wizard.core.profile import load_profile
    from wizard.platform.system import system_environment

    env = system_environment()
    profile = load_profile()
    lang = getattr(args, "lang", None) or language_from_env()
    translate = translator(lang)
    args.translate = translate
    if args.command == "undo":
        case = Session(env, profile, profile.target(), None, 0.0)
        if not _consent(args, tr("fix_cli", "Undo the last fix?")):
            return _finish(
                args, FixResult("undo", False, (), {}, None, tr("fix_cli", "Not undone."))
            )
        try:
            return _finish(args, fixing.undo_last(case))
        except OSError as exc:
            failed = tr("fix_cli", "Undo failed: {error}", error=error_text(exc))
            return _finish(args, FixResult("undo", False, (), {}, None, failed))

    fix = find_fix(args.fix_id)
    if fix is None:
        print(
            f"python -m wizard: error: unknown fix {args.fix_id!r}; "
            f"choose from {', '.join(sorted(fix_ids()))}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if args.extra_ca is not None and not args.extra_ca.is_file():
        print(f"python -m wizard: error: --extra-ca {args.extra_ca}: no such file", file=sys.stderr)
        return EXIT_USAGE
    try:
        target = profile.target(args.auth_url, args.callback_port)
    except ValueError as exc:
        print(f"python -m wizard: error: --auth-url {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(_t(args, tr("fix_cli", "Looking at the current state ...")), file=sys.stderr)
    case = Session(env, profile, target, None, args.timeout, extra_ca=args.extra_ca)
    case.set_diagnosis(diagnose(case.specs, env, profile, target, args.timeout))
    ctx = fixing.fix_context(case, getattr(args, "confirm_process", None))
    plan = fix.plan(ctx)
    # The preview is what --yes consents to, so it is always shown (on stderr with --json).
    print(plan.render(translate), file=sys.stderr if args.json else sys.stdout)
    if args.dry_run or plan.guidance_only:
        result = FixResult(
            plan.fix_id,
            False,
            (),
            {e.name: e.after for e in plan.env},
            None,
            tr("fix_cli", "Dry run: nothing was changed.")
            if args.dry_run
            else tr("fix_cli", "These are steps for you to follow; nothing was changed."),
        )
        _finish(args, result)
        return EXIT_OK if plan.applicable else EXIT_PROBLEM
    if not plan.applicable or not plan.changes_anything:
        return _finish(
            args,
            FixResult(
                plan.fix_id, False, (), {}, None, plan.reason or tr("fix_cli", "Nothing to change.")
            ),
        )
    if not _consent(args, tr("fix_cli", "Apply these changes?")):
        refused = tr("fix_cli", "Not applied (no consent). Add --yes to apply.")
        return _finish(args, FixResult(plan.fix_id, False, (), {}, None, refused))
    try:
        result = apply_fix(
            fix,
            ctx,
            plan,
            fixing.journal(case),
            case.specs,
            progress=lambda m: print(_t(args, m), file=sys.stderr),
        )
    except (PlanOutdated, OSError) as exc:
        result = FixResult(plan.fix_id, False, (), {}, None, error_text(exc))
    return _finish(args, result)


def _t(args: argparse.Namespace, text: str) -> str:
    translate: Translator | None = getattr(args, "translate", None)
    return str(localize(text, translate))


def _consent(args: argparse.Namespace, question: str) -> bool:
    if args.yes:
        return True
    if not sys.stdin.isatty():
        return False
    answer = input(f"{_t(args, question)} [y/N] ").strip().lower()
    return answer in ("y", "yes")


def _finish(args: argparse.Namespace, result: FixResult) -> int:
    if args.json:
        # Machine output: English unless --lang asks otherwise (ids and keys never change).
        document: dict[str, Any] = result.to_json()
        if getattr(args, "lang", None):
            document = localize(document, getattr(args, "translate", None))
        json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print(_t(args, result.message))
    return EXIT_OK if result.applied else EXIT_PROBLEM
