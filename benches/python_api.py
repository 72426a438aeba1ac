"""The Python API's hot path: `check_source` on a real 300-line route module, and
`check_paths` from several Python threads at once (the GIL is released while linting).

    python benches/python_api.py [--repeat N]

Needs the fetched corpus (`benches/corpus/fetch.py`) and the package installed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

import fastapi_lint

CORPUS = Path(__file__).resolve().parent / "corpus" / "data"
# A real FastAPI router module of ~300 lines: routes with dependencies, models, error handling.
ROUTE_MODULE = CORPUS / "litellm-1.79.0" / "litellm" / "proxy" / "credential_endpoints" / "endpoints.py"
# A tree for the thread test: large enough that one call takes a while, small enough to repeat.
THREAD_TREE = CORPUS / "fastapi-0.121.0" / "docs_src"


def check_source_median_us(repeat: int) -> tuple[float, int]:
    source = ROUTE_MODULE.read_text()
    for _ in range(20):  # warm-up
        fastapi_lint.check_source(source, filename=str(ROUTE_MODULE))
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fastapi_lint.check_source(source, filename=str(ROUTE_MODULE))
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1e6, len(source.splitlines())


def check_paths_in_threads(threads: int, calls_per_thread: int) -> float:
    """Wall time for `threads` threads each calling `check_paths` `calls_per_thread` times."""

    def work() -> None:
        for _ in range(calls_per_thread):
            fastapi_lint.check_paths([THREAD_TREE])

    workers = [threading.Thread(target=work) for _ in range(threads)]
    start = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=500)
    args = parser.parse_args()
    if not ROUTE_MODULE.exists():
        parser.error("the corpus is missing (run benches/corpus/fetch.py first)")
    median_us, lines = check_source_median_us(args.repeat)
    print(f"check_source on {ROUTE_MODULE.relative_to(CORPUS)} ({lines} lines): median {median_us:.0f} µs over {args.repeat} calls")
    print()
    # `check_paths` is itself parallel (rayon); with the GIL released, Python threads calling it
    # overlap instead of queueing: 1 thread x 4 calls vs 4 threads x 1 call do the same work.
    check_paths_in_threads(1, 1)  # warm-up
    one = check_paths_in_threads(1, 4)
    many = check_paths_in_threads(4, 1)
    # A thread holding the GIL while calling in would block this ticker for the whole call.
    ticks = []
    stop = threading.Event()

    def ticker() -> None:
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    tick = threading.Thread(target=ticker)
    tick.start()
    check_paths_in_threads(1, 2)
    stop.set()
    tick.join()
    longest_gap_ms = max((b - a for a, b in zip(ticks, ticks[1:])), default=0) * 1000
    print(f"check_paths over {THREAD_TREE.relative_to(CORPUS)} on {os.cpu_count()} CPUs:")
    print("| threads x calls | wall time |")
    print("|---|---|")
    print(f"| 1 x 4 | {one * 1000:.0f} ms |")
    print(f"| 4 x 1 | {many * 1000:.0f} ms |")
    print(f"A Python thread ticking every 1 ms during check_paths: longest gap {longest_gap_ms:.1f} ms (GIL released)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
