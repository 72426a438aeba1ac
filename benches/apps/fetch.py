"""Fetch the pinned, held-out corpus of real FastAPI applications used for precision reviews.

This corpus is kept apart from the benchmark corpus (`benches/corpus/fetch.py`): the rules are
developed against that one, and their precision is measured on this one, by blind review (see
`scripts/precision/README.md`). None of the benchmark corpus's projects is here. Every entry is
code that serves requests in production (not a library, a tutorial or FastAPI itself).

Each entry is fetched from PyPI with `pip download --no-deps`, pinned to an exact version so
numbers are comparable between runs. Source distributions are preferred, since they tend to ship
the project's tests/ and scripts/ as well, which the linter has to tell apart from app code; a
wheel is taken only where no sdist can be had (noted per entry). The archives are unpacked into
`benches/apps/data/<name>-<version>/` (git-ignored). Re-running skips what is already there.

    python benches/apps/fetch.py              # the whole corpus
    python benches/apps/fetch.py khoj letta   # only some entries
    python benches/apps/fetch.py --list       # what is in it, without fetching
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import pypi_archive  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"


class Entry(NamedTuple):
    version: str
    kind: str  # "sdist" or "wheel"
    lines: int  # lines of Python once unpacked, as `count_lines` counts them
    why: str  # why it is an application, and where its FastAPI app is built


# About 1.46M lines of Python in all. Checked and left out: zenml 0.98.0 (334k lines, mostly a
# client library and CLI around `zenml/zen_server`), skypilot 0.14.1 (269k, mostly cloud
# provisioning around `sky/server`), xinference 4.1.0 (619k, 435k of them vendored under
# `xinference/thirdparty`), mlflow 3.18.0 (397k, a Flask server mounted in FastAPI), and letta
# after 0.16.8 (the name now belongs to a terminal client; 0.16.8 is the last letta server sdist).
CORPUS = {
    "open-webui": Entry(
        "0.12.4", "wheel", 127852,
        "Self-hosted chat UI backend; `app = FastAPI(...)` in open_webui/main.py. Wheel: the "
        "sdist's build hook runs `npm run build` in pip's metadata step, which cannot run here.",
    ),
    "khoj": Entry(
        "1.42.10", "sdist", 32014,
        "Self-hosted AI assistant server (FastAPI with Django's ORM); `app = FastAPI(...)` in "
        "src/khoj/main.py. The sdist has no tests.",
    ),
    "letta": Entry(
        "0.16.8", "sdist", 248417,
        "Stateful-agents server (the MemGPT service); `create_application()` in "
        "letta/server/rest_api/app.py. The sdist is the whole repository: tests/, alembic/, scripts.",
    ),
    "openhands-ai": Entry(
        "1.11.0", "sdist", 36610,
        "OpenHands' app server for coding agents; `app = FastAPI(...)` in "
        "openhands/app_server/app.py. Requires Python 3.12 (fetched with --ignore-requires-python).",
    ),
    "argilla-server": Entry(
        "2.8.0", "sdist", 49013,
        "Argilla's data-annotation server; `create_server_app()` in src/argilla_server/_app.py. "
        "Ships tests/.",
    ),
    "ethyca-fides": Entry(
        "2.86.2", "sdist", 413522,
        "Fides privacy-engineering server (privacy requests, consent); `create_fides_app()` in "
        "src/fides/api/app_setup.py. The sdist is the whole repository: 232k of its lines are tests/.",
    ),
    "langflow-base": Entry(
        "1.13.0", "wheel", 188174,
        "Langflow's backend (the visual agent builder's API server); `create_app()` in "
        "langflow/main.py. Wheel: no sdist is published after 0.0.96.",
    ),
    "apache-airflow-core": Entry(
        "3.3.2", "sdist", 143238,
        "Airflow 3's scheduler and API server; `create_app()` in src/airflow/api_fastapi/app.py "
        "(the public REST API, the UI's API and the task execution API). No Python tests in the sdist.",
    ),
    "freqtrade": Entry(
        "2026.9", "sdist", 65529,
        "Crypto trading bot whose REST API and web UI run on FastAPI; `ApiServer` builds "
        "`self.app = FastAPI(...)` in freqtrade/rpc/api_server/webserver.py.",
    ),
    "lightrag-hku": Entry(
        "1.5.7", "sdist", 156582,
        "LightRAG server (RAG API and web UI) on top of the lightrag package; `create_app()` in "
        "lightrag/api/lightrag_server.py. Ships tests/.",
    ),
}


def fetch(name: str, entry: Entry) -> Path:
    return pypi_archive.fetch(name, entry.version, entry.kind, DATA / f"{name}-{entry.version}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="entries to fetch (default: all)")
    parser.add_argument("--list", action="store_true", help="print the entries and exit")
    args = parser.parse_args()
    unknown = set(args.names) - set(CORPUS)
    if unknown:
        parser.error(f"unknown corpus entries: {', '.join(sorted(unknown))}")
    names = args.names or list(CORPUS)
    if args.list:
        for name in names:
            entry = CORPUS[name]
            print(f"{name}=={entry.version} ({entry.kind}, {entry.lines} lines): {entry.why}")
        return 0
    total = 0
    for name in names:
        entry = CORPUS[name]
        path = fetch(name, entry)
        lines = pypi_archive.count_lines(path)
        total += lines
        note = "" if lines == entry.lines else f" (expected {entry.lines})"
        print(f"{path.relative_to(DATA.parent.parent.parent)}: {entry.kind}, {lines} lines of Python{note}")
    print(f"total: {total} lines")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
