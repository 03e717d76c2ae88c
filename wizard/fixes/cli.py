"""`fix FIX_ID [--yes] [--dry-run] [--json] [--extra-ca PEM]` and `undo --last`."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from wizard.fixes.apply import PlanOutdated, apply_fix, undo_last
from wizard.fixes.base import FixContext
from wizard.fixes.catalog import all_fixes
from wizard.fixes.journal import Journal
from wizard.fixes.plan import FixResult

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2


def run_fix_command(args: argparse.Namespace) -> int:
    from wizard.checks.catalog import ALL_CHECKS
    from wizard.core.diagnose import diagnose
    from wizard.core.profile import load_profile
    from wizard.platform.paths import user_data_dir
    from wizard.platform.system import system_environment

    env = system_environment()
    profile = load_profile()
    journal = Journal(user_data_dir(env) / "journal")
    if args.command == "undo":
        ctx = FixContext(env, profile, profile.target())
        if not _consent(args, "Undo the last fix?"):
            return _finish(args, FixResult("undo", False, (), {}, None, "Not undone."))
        try:
            return _finish(args, undo_last(journal, ctx))
        except OSError as exc:
            return _finish(args, FixResult("undo", False, (), {}, None, f"Undo failed: {exc}"))

    fixes = all_fixes()
    if args.fix_id not in fixes:
        print(
            f"python -m wizard: error: unknown fix {args.fix_id!r}; "
            f"choose from {', '.join(sorted(fixes))}",
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
    print("Looking at the current state ...", file=sys.stderr)
    diagnosis = diagnose(ALL_CHECKS, env, profile, target, args.timeout)
    confirm = getattr(args, "confirm_process", None)
    ctx = FixContext(env, profile, target, diagnosis, args.extra_ca, confirm_process=confirm)
    fix = fixes[args.fix_id]
    plan = fix.plan(ctx)
    # The preview is what --yes consents to, so it is always shown (on stderr with --json).
    print(plan.render(), file=sys.stderr if args.json else sys.stdout)
    if args.dry_run or plan.guidance_only:
        result = FixResult(
            plan.fix_id,
            False,
            (),
            {e.name: e.after for e in plan.env},
            None,
            "Dry run: nothing was changed."
            if args.dry_run
            else "These are steps for you to follow; nothing was changed.",
        )
        _finish(args, result)
        return EXIT_OK if plan.applicable else EXIT_PROBLEM
    if not plan.applicable or not plan.changes_anything:
        return _finish(
            args, FixResult(plan.fix_id, False, (), {}, None, plan.reason or "Nothing to change.")
        )
    if not _consent(args, "Apply these changes?"):
        return _finish(
            args,
            FixResult(
                plan.fix_id, False, (), {}, None, "Not applied (no consent). Add --yes to apply."
            ),
        )
    try:
        result = apply_fix(
            fix, ctx, plan, journal, ALL_CHECKS, progress=lambda m: print(m, file=sys.stderr)
        )
    except (PlanOutdated, OSError) as exc:
        result = FixResult(plan.fix_id, False, (), {}, None, str(exc))
    return _finish(args, result)


def _consent(args: argparse.Namespace, question: str) -> bool:
    if args.yes:
        return True
    if not sys.stdin.isatty():
        return False
    answer = input(f"{question} [y/N] ").strip().lower()
    return answer in ("y", "yes")


def _finish(args: argparse.Namespace, result: FixResult) -> int:
    if args.json:
        document: dict[str, Any] = result.to_json()
        json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print(result.message)
    return EXIT_OK if result.applied else EXIT_PROBLEM
