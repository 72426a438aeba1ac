"""Time fastapi-lint against Ruff on the same tree, in one run, and print a ratio table.

    python benches/compare_ruff.py [PATH] [--runs N]

PATH defaults to the fetched corpus (`benches/corpus/data`, see `corpus/fetch.py`). Each tool
runs N times (default 5) after one warm-up; the table shows the median wall time and the peak
resident memory of each, and our ratio to Ruff. Ruff runs with the rules closest to ours
(`--select FAST,ASYNC`) and no cache. Both tools must be on PATH (`pip install '.[test]'`).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

DEFAULT_CORPUS = Path(__file__).resolve().parent / "corpus" / "data"

# A child process reports its own child's peak RSS, so each measurement is isolated.
_MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
elapsed = time.perf_counter() - start
print(elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def measure(command: list[str]) -> tuple[float, int]:
    out = subprocess.run([sys.executable, "-c", _MEASURE, *command], check=True, capture_output=True, text=True)
    seconds, max_rss_kib = out.stdout.split()
    return float(seconds), int(max_rss_kib)


def bench(name: str, command: list[str], runs: int) -> dict[str, float]:
    measure(command)  # warm-up: page cache, first-run costs
    samples = [measure(command) for _ in range(runs)]
    return {
        "name": name,
        "median_s": statistics.median(s for s, _ in samples),
        "peak_mib": max(m for _, m in samples) / 1024,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not args.path.exists():
        parser.error(f"{args.path} does not exist (run benches/corpus/fetch.py first)")
    for tool in ("fastapi-lint", "ruff"):
        if shutil.which(tool) is None:
            parser.error(f"`{tool}` is not on PATH")
    files = sum(1 for _ in args.path.rglob("*.py"))
    results = [
        bench("fastapi-lint (all stable rules)", ["fastapi-lint", "check", "--no-cache", "--isolated", "--exit-zero", "--output-format", "concise", str(args.path)], args.runs),
        bench("ruff --select FAST,ASYNC", ["ruff", "check", "--no-cache", "--isolated", "--exit-zero", "--select", "FAST,ASYNC", "--output-format", "concise", str(args.path)], args.runs),
    ]
    ours, ruff = results
    print(f"{files} Python files under {args.path} on {platform.machine()}, {os.cpu_count()} CPUs, {args.runs} runs each")
    print("| tool | median wall time | peak memory |")
    print("|---|---|---|")
    for r in results:
        print(f"| {r['name']} | {r['median_s'] * 1000:.0f} ms | {r['peak_mib']:.0f} MiB |")
    print(f"| ratio (fastapi-lint / ruff) | {ours['median_s'] / ruff['median_s']:.2f}x | {ours['peak_mib'] / ruff['peak_mib']:.2f}x |")
    return 0


if __name__ == "__main__":
    started = time.perf_counter()
    code = main()
    print(f"(benchmark took {time.perf_counter() - started:.0f} s)", file=sys.stderr)
    raise SystemExit(code)
