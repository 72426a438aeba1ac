"""Time fastapi-lint against Ruff on the same tree, in one run, and print a ratio table.

    python benches/compare_ruff.py [PATH] [--runs N] [--instructions]

PATH defaults to the fetched corpus (`benches/corpus/data`, see `corpus/fetch.py`). Every
command runs N times (default 5) after one warm-up, in rounds that run every command in turn
(so that all rows see the machine's drift alike); the table shows the median wall time and the
peak resident memory of each. Rows:

- Ruff with the rules closest to ours (`--select FAST,ASYNC`), no cache: the reference;
- fastapi-lint cold (`--no-cache`, every stable rule, the project index): ratio to Ruff;
- fastapi-lint `--no-project` (no index): what the index costs, ratio of cold to it;
- fastapi-lint warm (cache filled, nothing changed) and with one file touched (its content
  changes before each run): ratios to our cold run;
- the same cold, warm and one-file-changed runs by the native binary
  (`target/release/fastapi-lint`, built here; warm ratios to its own cold run): the console
  script pays the Python interpreter's start-up on top (it enters Rust at once, but the
  interpreter and its `site` run first), a fixed cost that weighs most on warm runs;
- the floor: a read + parse pass over the same files (`examples/parse_only.rs`, built here),
  and how much the rules and index add on top of it.

With `--instructions` (needs valgrind), a second table counts the instructions Ruff, our cold
run and the floor execute (callgrind's `Ir`, on one thread): wall times on a shared machine
move with its neighbours' load, instruction counts do not, so they tell a change's effect
apart from noise.

Both tools are run from this interpreter's scripts directory when they are there (as in a
virtual environment: `pip install '.[test]'`), else from PATH, so that wrapper scripts such as
pyenv's shims are not timed; cargo builds the native binaries.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path
from typing import Callable, Optional

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO / "benches" / "corpus" / "data"

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


class Bench:
    """One row: a command, and what runs before each of its runs (`before_each(-1)` before the
    warm-up)."""

    def __init__(self, name: str, command: list[str], before_each: Optional[Callable[[int], None]] = None):
        self.name, self.command, self.before_each = name, command, before_each
        self.samples: list[tuple[float, int]] = []

    def run(self, run: int) -> None:
        if self.before_each:
            self.before_each(run)
        sample = measure(self.command)
        if run >= 0:
            self.samples.append(sample)

    @property
    def median_s(self) -> float:
        return statistics.median(seconds for seconds, _ in self.samples)

    @property
    def peak_mib(self) -> float:
        return max(max_rss for _, max_rss in self.samples) / 1024


def run_interleaved(rows: list[Bench], runs: int) -> None:
    """A warm-up of each row (page cache, first-run costs, and the cache of warm rows), then
    `runs` rounds of every row in turn: a shared machine's speed drifts over minutes, and rows
    run in the same rounds see the same drift, so their ratios hold where times do not."""
    for run in range(-1, runs):
        for row in rows:
            row.run(run)


def instructions(command: list[str]) -> int:
    """The instructions `command` executes, as callgrind counts them, with one worker thread (an
    idle worker's spinning would count too)."""
    env = {**os.environ, "RAYON_NUM_THREADS": "1"}
    out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command], env=env, capture_output=True, text=True, check=True)
    collected = re.search(r"Collected : (\d+)", out.stderr)
    if collected is None:
        raise RuntimeError(f"no instruction count from valgrind: {out.stderr[-500:]}")
    return int(collected.group(1))


def build_native() -> tuple[Path, Path]:
    """The release CLI binary and the parse-only floor, in one cargo build."""
    subprocess.run(
        ["cargo", "build", "--quiet", "--locked", "--release", "-p", "fastapi_lint_cli", "--bin", "fastapi-lint", "--example", "parse_only"],
        cwd=REPO,
        check=True,
    )
    release = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target")) / "release"
    return release / "fastapi-lint", release / "examples" / "parse_only"


def tool(name: str) -> Optional[str]:
    installed = Path(sysconfig.get_path("scripts")) / name
    return str(installed) if installed.exists() else shutil.which(name)


def toucher(path: Path) -> Callable[[int], None]:
    """Changes `path`'s content before each run (a trailing comment), keeping it valid Python."""
    original = path.read_text()

    def touch(run: int) -> None:
        path.write_text(f"{original}\n# benchmark touch {run}\n")

    touch.restore = lambda: path.write_text(original)  # type: ignore[attr-defined]
    return touch


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--instructions", action="store_true", help="also count instructions with valgrind")
    args = parser.parse_args()
    if not args.path.exists():
        parser.error(f"{args.path} does not exist (run benches/corpus/fetch.py first)")
    fastapi_lint, ruff_tool = tool("fastapi-lint"), tool("ruff")
    if fastapi_lint is None or ruff_tool is None or shutil.which("cargo") is None:
        parser.error("fastapi-lint, ruff and cargo must be installed")
    if args.instructions and shutil.which("valgrind") is None:
        parser.error("--instructions needs valgrind")
    path = str(args.path.resolve())
    native, floor = build_native()
    files = sorted(args.path.rglob("*.py"))
    common = ["--isolated", "--exit-zero", "--output-format", "concise"]
    # Timed below and, with --instructions, counted after.
    ruff_cold = [ruff_tool, "check", "--no-cache", *common, "--select", "FAST,ASYNC", path]
    native_cold = [str(native), "check", "--no-cache", *common, path]
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as native_cache:
        ours = [fastapi_lint, "check", *common, "--cache-dir", cache]
        native_ours = [str(native), "check", *common, "--cache-dir", native_cache]
        touch = toucher(max(files, key=lambda file: file.stat().st_size))
        try:
            ruff = Bench("ruff --select FAST,ASYNC (no cache)", ruff_cold)
            cold = Bench("fastapi-lint cold (no cache)", [*ours, "--no-cache", path])
            cold_native = Bench("native binary, cold (no cache)", native_cold)
            no_project = Bench("fastapi-lint --no-project (no cache)", [*ours, "--no-cache", "--no-project", path])
            warm = Bench("fastapi-lint warm (nothing changed)", [*ours, path])
            touched = Bench("fastapi-lint warm (one file changed)", [*ours, path], touch)
            warm_native = Bench("native binary, warm (nothing changed)", [*native_ours, path])
            touched_native = Bench("native binary, warm (one file changed)", [*native_ours, path], touch)
            parse = Bench("read + parse only (floor)", [str(floor), path])
            # The touched rows in rounds of their own: a touch would be a change to the warm
            # rows, which share their caches.
            run_interleaved([ruff, cold, cold_native, no_project, warm, warm_native, parse], args.runs)
            run_interleaved([touched, touched_native], args.runs)
        finally:
            touch.restore()  # type: ignore[attr-defined]
    lines = sum(len(file.read_bytes().splitlines()) for file in files)
    print(f"{len(files)} Python files, {lines} lines, under {args.path}")
    print(f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}; median of {args.runs} runs each")
    print()
    print("| run | median wall time | peak memory | ratio |")
    print("|---|---|---|---|")
    rows = [
        (ruff, "1.00x (reference)"),
        (cold, f"{cold.median_s / ruff.median_s:.2f}x Ruff's time, {cold.peak_mib / ruff.peak_mib:.2f}x its memory"),
        (cold_native, f"{cold_native.median_s / ruff.median_s:.2f}x Ruff's time, {cold_native.peak_mib / ruff.peak_mib:.2f}x its memory"),
        (no_project, f"cold is {cold.median_s / no_project.median_s:.2f}x this (the index's cost)"),
        (warm, f"{warm.median_s / cold.median_s:.2f}x cold"),
        (touched, f"{touched.median_s / cold.median_s:.2f}x cold"),
        (warm_native, f"{warm_native.median_s / cold_native.median_s:.2f}x the native cold run"),
        (touched_native, f"{touched_native.median_s / cold_native.median_s:.2f}x the native cold run"),
        (parse, f"cold is {cold.median_s / parse.median_s:.2f}x this (rules + index on top of parsing)"),
    ]
    for row, ratio in rows:
        print(f"| {row.name} | {row.median_s * 1000:.0f} ms | {row.peak_mib:.0f} MiB | {ratio} |")
    if args.instructions:
        ruff_ir = instructions(ruff_cold)
        ours_ir = instructions(native_cold)
        floor_ir = instructions([str(floor), path])
        print()
        print("| run (one thread) | instructions | ratio |")
        print("|---|---|---|")
        print(f"| ruff --select FAST,ASYNC (no cache) | {ruff_ir / 1e9:.2f} G | 1.00x (reference) |")
        print(f"| native binary, cold (no cache) | {ours_ir / 1e9:.2f} G | {ours_ir / ruff_ir:.2f}x Ruff's |")
        print(f"| read + parse only (floor) | {floor_ir / 1e9:.2f} G | cold is {ours_ir / floor_ir:.2f}x this |")
    return 0


if __name__ == "__main__":
    started = time.perf_counter()
    code = main()
    print(f"(benchmark took {time.perf_counter() - started:.0f} s)", file=sys.stderr)
    raise SystemExit(code)
