"""Compare fastapi-lint's FAST001-FAST003 with Ruff's on the corpus, finding by finding.

    python benches/corpus/fast_parity.py [PATH]

Runs `ruff check --select FAST` and `fastapi-lint check --select FAST` with JSON output on the
same tree and compares file, code, range, message and fix of every finding. Exits 1 and lists
the differences when the two disagree.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

DEFAULT_CORPUS = Path(__file__).resolve().parent / "data"


def findings(command: list[str]) -> set[tuple]:
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return {
        (
            d["filename"], d["code"], d["location"]["row"], d["location"]["column"],
            d["end_location"]["row"], d["end_location"]["column"], d["message"],
            json.dumps(d["fix"], sort_keys=True),
        )
        for d in json.loads(out)
        if d["code"] != "invalid-syntax"
    }


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CORPUS
    common = ["check", "--isolated", "--no-cache", "--select", "FAST", "--exit-zero", "--output-format", "json", str(path)]
    ruff = findings(["ruff", *common])
    ours = findings(["fastapi-lint", *common])
    for label, diff in (("only Ruff", ruff - ours), ("only fastapi-lint", ours - ruff)):
        for finding in sorted(diff)[:20]:
            print(f"{label}: {finding[:7]}")
    print(f"Ruff: {len(ruff)} findings, fastapi-lint: {len(ours)}, identical: {len(ruff & ours)}")
    return 0 if ruff == ours else 1


if __name__ == "__main__":
    raise SystemExit(main())
