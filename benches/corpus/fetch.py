"""Fetch the pinned corpus of real FastAPI code used by the benchmarks and precision reviews.

Each entry is a source distribution on PyPI, pinned to an exact version so numbers are
comparable between runs. The archives are unpacked into `benches/corpus/data/<name>-<version>/`
(git-ignored). Re-running skips what is already there.

    python benches/corpus/fetch.py            # the default set
    python benches/corpus/fetch.py fastapi    # only some entries
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import pypi_archive  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"

# name -> pinned version, about 650k lines in all. fastapi's sdist ships ~700 example apps under
# docs_src/; litellm's proxy and prefect's server are large FastAPI applications.
CORPUS = {
    "fastapi": "0.121.0",
    "fastapi-users": "14.0.1",
    "fastapi-pagination": "0.14.3",
    "sqlmodel": "0.0.27",
    "litellm": "1.79.0",
    "prefect": "3.4.24",
}


def fetch(name: str, version: str) -> Path:
    return pypi_archive.fetch(name, version, "sdist", DATA / f"{name}-{version}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="entries to fetch (default: all)")
    args = parser.parse_args()
    unknown = set(args.names) - set(CORPUS)
    if unknown:
        parser.error(f"unknown corpus entries: {', '.join(sorted(unknown))}")
    total = 0
    for name in args.names or CORPUS:
        path = fetch(name, CORPUS[name])
        lines = pypi_archive.count_lines(path)
        total += lines
        print(f"{path.relative_to(DATA.parent.parent.parent)}: {lines} lines of Python")
    print(f"total: {total} lines")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
