"""`make bench`: every budget of DESIGN.md measured side by side in one run, repeated, as
medians and ratios; the table goes to bench/RESULTS.md (between the markers, so the notes
around it stay).

    python -m bench.run [--runs 7] [--display auto|xcb|offscreen] [--src DIR] [--no-write]

--src measures another checkout's `wizard` (e.g. a copy with a fix applied) with these same
benchmarks, for before/after comparisons."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import startup
from bench.common import PY, ROOT, clean_env, display, lab, machine, median, new_home, run_json
from tests.lab.codex_cli import CODEX_VERSION, DEFAULT_CACHE

RESULTS = ROOT / "bench" / "RESULTS.md"
PROFILES = ROOT / "bench" / "profiles"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
DELAY_S = 1.0  # per-request delay of the lab auth server for the latency benchmark
SILENT_TIMEOUT_S = 3.0
WINDOW_DELAY_S = 0.3  # keeps the Checking page busy long enough to matter
HEAVY = ("httpx", "cryptography", "OpenSSL", "psutil")

Row = tuple[str, str, str, str, str, str]  # measure, value, baseline, ratio, budget, verdict


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else "ok" if ok else "**MISSED**"


def bench_startup(disp_env: dict[str, str], runs: int, src: Path | None) -> dict[str, Any]:
    results = startup.measure(disp_env, runs, src)
    return {
        name: {
            "shown_s": median([r["shown_s"] for r in rows]),
            "python_up_s": median([r["python_up_s"] for r in rows]),
            "maxrss_mb": median([r["maxrss_kb"] for r in rows]) / 1024,
            "heavy_modules": sorted({m for r in rows for m in r.get("heavy_modules", [])}),
            "all_shown_s": [round(r["shown_s"], 3) for r in rows],
        }
        for name, rows in results.items()
    }


def bench_latency(runs: int, src: Path | None) -> dict[str, Any]:
    """Full diagnosis vs the slowest check alone (with the checks it needs), lab delay 1 s."""
    with lab("auth", DELAY_S) as server:
        env = clean_env(new_home(), server.env(), src)
        base = [PY, "-m", "bench.diagnose_run", "--auth-url", server.url, "--timeout", "6"]
        first = run_json(base, env)
        slowest = max(first["checks"], key=lambda cid: first["checks"][cid])
        full, alone = [], []
        for _ in range(runs):
            full.append(run_json(base, env))
            alone.append(run_json([*base, "--only", slowest], env))
    return {
        "delay_s": DELAY_S,
        "slowest": slowest,
        "alone_ran": alone[0]["ran"],
        "full_s": median([r["wall_s"] for r in full]),
        "alone_s": median([r["wall_s"] for r in alone]),
        "causes": sorted({r["cause"] for r in full}),
        "check_ms": {cid: median([r["checks"][cid] for r in full]) for cid in first["checks"]},
    }


def bench_silent(runs: int, src: Path | None) -> dict[str, Any]:
    """The CLI against a server that accepts and never answers: one timeout, not one per check."""
    walls, causes = [], set()
    with lab("silent") as server:
        env = clean_env(new_home(), None, src)
        argv = [PY, "-m", "wizard", "diagnose", "--json", "--auth-url", server.url]
        argv += ["--timeout", str(SILENT_TIMEOUT_S)]
        for _ in range(runs):
            start = time.monotonic()
            done = subprocess.run(
                argv,
                capture_output=True,
                text=True,
                env=env,
                cwd=env["HOME"],
                timeout=120,
                check=False,
            )
            walls.append(time.monotonic() - start)
            causes.add(json.loads(done.stdout)["verdict"]["cause"] if done.stdout else "?")
    return {"timeout_s": SILENT_TIMEOUT_S, "wall_s": median(walls), "causes": sorted(causes)}


def bench_callback_port(runs: int, src: Path | None) -> dict[str, Any]:
    """The callback-port check alone, both ports held by programs that never answer."""
    env = clean_env(new_home(), None, src)
    found = run_json([PY, "-m", "bench.port_run", "--runs", str(runs)], env)
    return {**found, "check_s": median(found["check_ms"]) / 1000}


def bench_versus_codex(runs: int, src: Path | None) -> dict[str, Any]:
    """`diagnose` and the real `codex doctor` over the lab's faults (bench/versus_codex.py)."""
    env = clean_env(new_home(), None, src)
    env["SIGNIN_DOCTOR_LAB_CODEX"] = os.environ.get("SIGNIN_DOCTOR_LAB_CODEX", str(DEFAULT_CACHE))
    argv = [PY, "-m", "bench.versus_codex", "--runs", str(runs)]
    done = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    lines = done.stdout.strip().splitlines()
    return dict(json.loads(lines[-1])) if lines else {"skipped": done.stderr.strip()[-300:]}


def bench_window(
    disp_env: dict[str, str], runs: int, src: Path | None, profile_to: Path | None
) -> dict[str, Any]:
    """The window running a full diagnosis: longest event-loop stall, memory after."""
    rows = []
    with lab("auth", WINDOW_DELAY_S) as server:
        env = clean_env(new_home(), {**server.env(), **disp_env}, src)
        argv = [PY, "-m", "bench.window_run", "--auth-url", server.url, "--timeout", "6"]
        for _ in range(runs):
            rows.append(run_json(argv, env))
        if profile_to is not None:
            profile_to.parent.mkdir(parents=True, exist_ok=True)
            run_json([*argv, "--profile", str(profile_to)], env)
    return {
        "max_gap_ms": median([r["max_gap_ms"] for r in rows]),
        "worst_gap_ms": max(r["max_gap_ms"] for r in rows),
        "worst_gaps": max(rows, key=lambda r: r["max_gap_ms"])["gaps"],
        "rss_after_mb": median([r["rss_after_kb"] for r in rows]) / 1024,
        "rss_first_paint_mb": median([r["rss_first_paint_kb"] for r in rows]) / 1024,
        "diagnosis_s": median([r["diagnosis_s"] for r in rows]),
        "causes": sorted({r["cause"] for r in rows}),
    }


def heavy_at_help(src: Path | None) -> list[str]:
    """Heavy stacks imported by `python -X importtime -m wizard --help` (should be none)."""
    env = clean_env(new_home(), None, src)
    done = subprocess.run(
        [PY, "-X", "importtime", "-m", "wizard", "--help"],
        capture_output=True,
        text=True,
        env=env,
        cwd=env["HOME"],
        check=False,
    )
    names = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    return sorted({n.split(".")[0] for n in names} & set(HEAVY))


def package_sizes() -> dict[str, Any]:
    info_file = ROOT / "dist" / "build-info.json"
    return json.loads(info_file.read_text()) if info_file.exists() else {}


def table(data: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    st = data["startup"]
    app, hello = st["app (python -m wizard)"], st["hello-world (python)"]
    ratio = app["shown_s"] / hello["shown_s"]
    rows.append(
        (
            "Start-up to window shown & idle (Python)",
            f"{app['shown_s']:.3f} s",
            f"{hello['shown_s']:.3f} s",
            f"{ratio:.2f}×",
            "≤ 1.5×",
            verdict(ratio <= 1.5),
        )
    )
    packaged = {k: v for k, v in st.items() if "packaged" in k}
    p_app = next((v for k, v in packaged.items() if k.startswith("app")), None)
    p_hello = next((v for k, v in packaged.items() if k.startswith("hello")), None)
    if p_app is not None:
        layout = next(k for k in packaged if k.startswith("app")).split(", ")[-1]
        rows.append(
            (
                f"Start-up, packaged {layout} (of which Python up: {p_app['python_up_s']:.2f} s)",
                f"{p_app['shown_s']:.3f} s",
                f"{p_hello['shown_s']:.3f} s" if p_hello else "–",
                f"{p_app['shown_s'] / p_hello['shown_s']:.2f}×" if p_hello else "–",
                "≤ 1.0 s" if layout == "onefile" else "–",
                verdict(p_app["shown_s"] <= 1.0) if layout == "onefile" else "n/a",
            )
        )
    lat = data["latency"]
    ratio = lat["full_s"] / lat["alone_s"]
    rows.append(
        (
            f"Diagnosis, lab delay {lat['delay_s']:g} s/request: all checks vs slowest "
            f"(`{lat['slowest']}` + needs)",
            f"{lat['full_s']:.3f} s",
            f"{lat['alone_s']:.3f} s",
            f"{ratio:.2f}×",
            "≤ 1.3×",
            verdict(ratio <= 1.3),
        )
    )
    sil = data["silent"]
    limit = sil["timeout_s"] + 1.0
    rows.append(
        (
            f"Diagnosis (CLI process) against a silent server, --timeout {sil['timeout_s']:g}",
            f"{sil['wall_s']:.3f} s",
            "–",
            "–",
            f"≤ {limit:g} s",
            verdict(sil["wall_s"] <= limit),
        )
    )
    port = data.get("callback_port")
    if port is not None:
        rows.append(
            (
                "Callback-port check, both ports held by programs that never answer",
                f"{port['check_s']:.3f} s",
                "–",
                "–",
                "≤ 0.3 s",
                verdict(port["check_s"] <= 0.3),
            )
        )
    vs = data.get("versus_codex", {})
    if "ratio" in vs:
        rows.append(
            (
                f"`diagnose --json` vs real `codex doctor` {CODEX_VERSION} (npm `codex`; "
                f"native binary alone {vs['codex_native_s']:.3f} s = "
                f"{vs['native_ratio']:.2f}×), median over {len(vs['conditions'])} lab faults",
                f"{vs['diagnose_s']:.3f} s",
                f"{vs['codex_doctor_s']:.3f} s",
                f"{vs['ratio']:.2f}×",
                "≤ 1.5×",
                verdict(vs["ratio"] <= 1.5),
            )
        )
    win = data["window"]
    rows.append(
        (
            "Longest event-loop stall during a full diagnosis (5 ms probe; median of runs)",
            f"{win['max_gap_ms']:.0f} ms (worst run {win['worst_gap_ms']:.0f} ms)",
            "–",
            "–",
            "≤ 50 ms",
            verdict(win["max_gap_ms"] <= 50),
        )
    )
    ratio = app["maxrss_mb"] / hello["maxrss_mb"]
    rows.append(
        (
            "Peak memory (RSS) at first paint",
            f"{app['maxrss_mb']:.1f} MB",
            f"{hello['maxrss_mb']:.1f} MB",
            f"{ratio:.2f}×",
            "≤ 1.2×",
            verdict(ratio <= 1.2),
        )
    )
    ratio = win["rss_after_mb"] / hello["maxrss_mb"]
    rows.append(
        (
            "Peak memory (RSS) after a full diagnosis in the window",
            f"{win['rss_after_mb']:.1f} MB",
            f"{hello['maxrss_mb']:.1f} MB",
            f"{ratio:.2f}×",
            "≤ 1.6×",
            verdict(ratio <= 1.6),
        )
    )
    pk = data["package"]
    if "app" in pk:
        size = pk["app"]["size_bytes"] / 1e6
        hello_size = f"{pk['hello']['size_bytes'] / 1e6:.1f} MB" if "hello" in pk else "–"
        budget = pk["app"]["layout"] == "onefile" and pk["platform"].startswith("linux")
        rows.append(
            (
                f"Package size ({pk['platform']} {pk['app']['layout']})",
                f"{size:.1f} MB",
                hello_size,
                f"{pk['app']['size_bytes'] / pk['hello']['size_bytes']:.2f}×"
                if "hello" in pk
                else "–",
                "≤ 55 MB" if budget else "–",
                verdict(size <= 55) if budget else "n/a",
            )
        )
    return rows


def render(data: dict[str, Any]) -> str:
    m = data["machine"]
    lines = [
        BEGIN,
        f"Run {data['when']} · {data['runs']} runs each, medians · display `{data['display']}`"
        + (f" · wizard from `{data['src']}`" if data["src"] else ""),
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores · {m['os']} · Python {m['python']} · "
        f"PySide6 {m['pyside6']} (Qt {m['qt']})",
        "",
        "| Measure | Sign-in Doctor | Baseline (hello-world / reference) | Ratio | Budget | |",
        "|---|---|---|---|---|---|",
    ]
    lines += [f"| {' | '.join(row)} |" for row in table(data)]
    st, lat, win = data["startup"], data["latency"], data["window"]
    lines += [
        "",
        "Details:",
        "- Start-up medians (s): "
        + "; ".join(f"{k} {v['shown_s']:.3f} (runs {v['all_shown_s']})" for k, v in st.items()),
        "- Heavy modules loaded at first paint: "
        + "; ".join(f"{k}: {', '.join(v['heavy_modules']) or 'none'}" for k, v in st.items())
        + f" · at `--help`: {', '.join(data['heavy_at_help']) or 'none'}",
        "- Check durations in the full diagnosis (ms, median): "
        + ", ".join(f"{k} {v:.0f}" for k, v in lat["check_ms"].items()),
        f"- Verdicts: latency run {lat['causes']}, silent run {data['silent']['causes']}, "
        f"window run {win['causes']} · window diagnosis took {win['diagnosis_s']:.2f} s, "
        f"RSS at its first paint {win['rss_first_paint_mb']:.1f} MB",
        "- Longest stalls of the worst window run (the GUI thread's CPU time in each): "
        + ", ".join(
            f"{g['gap_ms']:.0f} ms at {g['at_ms']:.0f} ms ({g['page']}, {g['cpu_ms']:.0f} ms CPU)"
            for g in win["worst_gaps"]
        ),
    ]
    port = data.get("callback_port")
    if port is not None:
        lines.append(
            f"- Callback-port check with both ports held by silent programs: runs (ms) "
            f"{port['check_ms']}, status {port['status']}, faults {port['faults']}"
        )
    vs = data.get("versus_codex", {})
    if "conditions" in vs:
        lines.append(
            "- `diagnose --json` (its CPU, user + sys) / npm `codex doctor` / native "
            "`codex doctor` per lab fault (s, median): "
            + "; ".join(
                f"{name} {row['diagnose_s']:.2f} ({row.get('diagnose_cpu_s', float('nan')):.2f})"
                f" / {row['codex_doctor_s']:.2f} / {row['codex_native_s']:.2f} "
                f"(verdict {', '.join(row['causes'])}, probe {', '.join(row['codex_probe'])})"
                for name, row in vs["conditions"].items()
            )
        )
    if data.get("profile"):
        lines.append(f"- GUI-thread profile of one window run: `{data['profile']}`")
    lines.append(END)
    return "\n".join(lines)


def write_results(block: str) -> None:
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n\n" + BEGIN + END
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        text = head + block + tail
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--display", choices=("auto", "xcb", "offscreen"), default="auto")
    parser.add_argument("--src", type=Path, help="measure this checkout's wizard package")
    parser.add_argument("--no-write", action="store_true", help="print, leave RESULTS.md")
    args = parser.parse_args(argv)
    src = args.src.resolve() if args.src else None

    data: dict[str, Any] = {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "runs": args.runs,
        "src": str(src) if src else None,
        "machine": machine(),
        "package": package_sizes(),
        "heavy_at_help": heavy_at_help(src),
    }
    profile_to = None if src or args.no_write else PROFILES / "window-gui-thread.txt"
    with display(args.display) as disp:
        data["display"] = disp.platform
        print("start-up ...", file=sys.stderr, flush=True)
        data["startup"] = bench_startup(disp.env, args.runs, src)
        print("window ...", file=sys.stderr, flush=True)
        data["window"] = bench_window(disp.env, max(3, args.runs - 2), src, profile_to)
    data["profile"] = str(profile_to.relative_to(ROOT)) if profile_to else None
    print("diagnosis latency ...", file=sys.stderr, flush=True)
    data["latency"] = bench_latency(max(3, args.runs - 2), src)
    print("silent server ...", file=sys.stderr, flush=True)
    data["silent"] = bench_silent(max(3, args.runs - 4), src)
    print("callback ports held by silent programs ...", file=sys.stderr, flush=True)
    data["callback_port"] = bench_callback_port(args.runs, src)
    print("beside codex doctor ...", file=sys.stderr, flush=True)
    data["versus_codex"] = bench_versus_codex(max(3, args.runs - 4), src)

    block = render(data)
    print(block)
    if not args.no_write:
        write_results(block)
        (ROOT / "bench" / "results.json").write_text(json.dumps(data, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
