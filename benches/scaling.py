"""Check that fastapi-lint's time grows linearly with the work: the time per function stays
flat from 1,000 to 100,000 functions in one file, and the time per file from 100 to 20,000
files.

    python benches/scaling.py            # both series, with the native binary built here
    python benches/scaling.py --quick    # smaller sizes, for a first look

Each function is an async route that sleeps and calls a sync helper that sleeps (so the blocking
rules, FAPI101's fix, the project index and FAPI106 all have work per function); each file of
the second series holds ten such routes. Every size runs three times and the median CPU time
(user + system) counts. The script prints the time per unit for each size and exits with 1 when
the largest size costs more than twice the smallest per unit (a super-linear step shows as a
ratio that grows with the size).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NATIVE = ROOT / "target" / "release" / "fastapi-lint"
# More than this factor between the largest and the smallest size, per unit, fails.
MAX_GROWTH = 2.0


def route(i: int) -> str:
    return (
        f"@app.get('/{i}')\n"
        f"async def route_{i}():\n"
        f"    time.sleep(1)\n"
        f"    return helper_{i}()\n\n\n"
        f"def helper_{i}():\n"
        f"    time.sleep(1)\n\n\n"
    )


HEADER = "import time\n\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n"


def cpu_seconds(args: list[str]) -> float:
    """The CPU time (user + system) of one run of the command, children included."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(target: Path) -> float:
    args = [str(NATIVE), "check", "--isolated", "--no-cache", "--preview", "--exit-zero", "--quiet", str(target)]
    return statistics.median(cpu_seconds(args) for _ in range(3))


def one_file(sizes: list[int], work: Path) -> list[tuple[int, float]]:
    rows = []
    for size in sizes:
        path = work / f"routes_{size}.py"
        path.write_text(HEADER + "".join(route(i) for i in range(size)))
        rows.append((size, measure(path)))
    return rows


def many_files(sizes: list[int], work: Path) -> list[tuple[int, float]]:
    rows = []
    for size in sizes:
        package = work / f"project_{size}" / "app"
        package.mkdir(parents=True)
        (package / "__init__.py").write_text("")
        for n in range(size):
            (package / f"module_{n}.py").write_text(HEADER + "".join(route(i) for i in range(10)))
        rows.append((size, measure(package.parent)))
    return rows


def report(title: str, unit: str, rows: list[tuple[int, float]]) -> float:
    print(f"\n{title}\n\n| {unit}s | CPU time | per {unit} |\n|---:|---:|---:|")
    for size, seconds in rows:
        print(f"| {size:,} | {seconds * 1000:.0f} ms | {seconds / size * 1e6:.1f} µs |")
    (small, small_time), (large, large_time) = rows[0], rows[-1]
    growth = (large_time / large) / (small_time / small)
    print(f"\nper {unit}, the largest size costs {growth:.2f}x the smallest")
    return growth


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    args = parser.parse_args()
    if not NATIVE.exists():
        subprocess.run(["cargo", "build", "--release", "-p", "fastapi_lint_cli"], cwd=ROOT, check=True)
    functions = [1_000, 10_000, 30_000] if args.quick else [1_000, 10_000, 50_000, 100_000]
    files = [100, 1_000, 4_000] if args.quick else [100, 1_000, 5_000, 20_000]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        growths = [
            report("Functions in one file", "function", one_file(functions, work)),
            report("Files of ten routes each", "file", many_files(files, work)),
        ]
    if max(growths) > MAX_GROWTH:
        print(f"\nsuper-linear: more than {MAX_GROWTH}x per unit between the smallest and the largest size", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
