"""The window (bench/window_run.py) of several checkouts side by side: interleaved runs against
one lab, in each language asked, with the hello-world's memory at first paint measured in the
same run (the memory budget's baseline).

    python -m bench.window_compare --src before=DIR --src after=- [--runs 7] [--lang en --lang ja]

`-` is this checkout; another DIR holds a `wizard` package and its `resources` (no `bench`:
this checkout's window_run drives them all). Prints one JSON object (per language and checkout:
the medians, then each run's longest gaps), then a Markdown table of the medians."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bench import startup
from bench.common import PY, clean_env, display, lab, median, new_home, run_json
from bench.run import WINDOW_DELAY_S


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    gaps = sorted(round(r["max_gap_ms"]) for r in rows)
    return {
        "max_gap_ms": median([r["max_gap_ms"] for r in rows]),
        "max_gaps_ms": gaps,
        # The turn to the Result page: its longest gap, and the GUI thread's CPU in it.
        "verdict_gap_ms": median([r["page_gaps"]["verdict"]["gap_ms"] for r in rows]),
        "verdict_cpu_ms": median([r["page_gaps"]["verdict"]["cpu_ms"] for r in rows]),
        "rss_after_mb": median([r["rss_after_kb"] for r in rows]) / 1024,
        "rss_first_paint_mb": median([r["rss_first_paint_kb"] for r in rows]) / 1024,
        "heavy_modules": sorted({m for r in rows for m in r["heavy_modules"]}),
        "causes": sorted({r["cause"] for r in rows}),
        "runs": [r["gaps"] for r in rows],
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--src", action="append", required=True, metavar="NAME=DIR")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--lang", action="append", help="default: en")
    args = parser.parse_args()
    trees = {}
    for item in args.src:
        name, _, folder = item.partition("=")
        trees[name] = None if folder == "-" else Path(folder).resolve()
    result: dict[str, Any] = {}
    with display("xcb") as disp, lab("auth", WINDOW_DELAY_S) as server:
        hello = startup.PYTHON_SUBJECTS["hello-world (python)"]
        startup.probe_once(hello, disp.env, None)  # (warms the file cache)
        hello_kb = [startup.probe_once(hello, disp.env, None)["maxrss_kb"] for _ in range(3)]
        result["hello_world_rss_mb"] = median(hello_kb) / 1024
        for lang in args.lang or ["en"]:
            rows: dict[str, list[dict[str, Any]]] = {name: [] for name in trees}
            for _ in range(args.runs):
                for name, src in trees.items():
                    env = clean_env(new_home(), {**server.env(), **disp.env}, src)
                    argv = [PY, "-m", "bench.window_run", "--auth-url", server.url]
                    rows[name].append(run_json([*argv, "--lang", lang], env))
            result[lang] = {name: summary(found) for name, found in rows.items()}
    print(json.dumps(result))
    base = result["hello_world_rss_mb"]
    print(
        "| language | checkout | longest stall (median; each run) | Result page's longest gap "
        "(its CPU) | peak RSS after | ÷ hello |"
    )
    print("|---|---|---|---|---|---|")
    for lang in args.lang or ["en"]:
        for name, found in result[lang].items():
            print(
                f"| {lang} | {name} | {found['max_gap_ms']:.0f} ms ({found['max_gaps_ms']}) "
                f"| {found['verdict_gap_ms']:.0f} ms ({found['verdict_cpu_ms']:.1f} ms) "
                f"| {found['rss_after_mb']:.1f} MB | {found['rss_after_mb'] / base:.2f}× |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
