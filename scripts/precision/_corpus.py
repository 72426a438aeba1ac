"""Paths and file formats shared by `sample.py` and `table.py`.

A corpus is a directory `benches/<name>/` holding `data/` (git-ignored: one unpacked project per
subdirectory, plus `findings.jsonl` once `sample.py` has run) and `verdicts.csv` (committed).
`apps` is the held-out corpus of applications (`benches/apps/fetch.py`); `corpus` is the
benchmark corpus (`benches/corpus/fetch.py`).
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path
from typing import Dict, Iterator, List, NamedTuple, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent.parent
BENCHES = ROOT / "benches"

VERDICT_FIELDS = ["project", "file", "row", "code", "verdict", "reason", "reviewed"]
VERDICTS = ("TP", "FP", "debatable")

# What identifies a finding across runs: the same line of the same file, reported by the same rule.
Key = Tuple[str, str, int, str]


class Verdict(NamedTuple):
    project: str
    file: str
    row: int
    code: str
    verdict: str  # one of VERDICTS
    reason: str
    reviewed: str

    @property
    def key(self) -> Key:
        return (self.project, self.file, self.row, self.code)


def corpus_dir(name: str) -> Path:
    return BENCHES / name


def data_dir(name: str) -> Path:
    return corpus_dir(name) / "data"


def findings_path(name: str) -> Path:
    return data_dir(name) / "findings.jsonl"


def verdicts_path(name: str) -> Path:
    return corpus_dir(name) / "verdicts.csv"


def finding_code(finding: dict) -> str:
    # Syntax and I/O errors carry no code in Ruff's JSON format, only a name.
    return finding.get("code") or finding.get("name") or "invalid-syntax"


def finding_key(finding: dict) -> Key:
    return (finding["project"], finding["filename"], int(finding["location"]["row"]), finding_code(finding))


def read_findings(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def read_verdicts(path: Path) -> List[Verdict]:
    """Read a verdict file; later rows for the same finding replace earlier ones (with a warning)."""
    if not path.exists():
        return []
    by_key: Dict[Key, Verdict] = {}
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = set(VERDICT_FIELDS) - set(reader.fieldnames or [])
        if missing:
            raise SystemExit(f"{path}: missing columns {', '.join(sorted(missing))}")
        for lineno, row in enumerate(reader, start=2):
            if not any((value or "").strip() for value in row.values()):
                continue
            verdict = normalize_verdict(row["verdict"])
            if verdict is None:
                print(f"{path}:{lineno}: verdict {row['verdict']!r} is not one of {', '.join(VERDICTS)}; skipped",
                      file=sys.stderr)
                continue
            try:
                line = int(row["row"])
            except ValueError:
                print(f"{path}:{lineno}: row {row['row']!r} is not a number; skipped", file=sys.stderr)
                continue
            v = Verdict(row["project"].strip(), row["file"].strip(), line, row["code"].strip(), verdict,
                        (row["reason"] or "").strip(), (row["reviewed"] or "").strip())
            if v.key in by_key:
                print(f"{path}:{lineno}: a second verdict for {v.project} {v.file}:{v.row} {v.code}; "
                      "the later one counts", file=sys.stderr)
            by_key[v.key] = v
    return list(by_key.values())


def normalize_verdict(text: str) -> Optional[str]:
    text = (text or "").strip()
    for verdict in VERDICTS:
        if text.lower() == verdict.lower():
            return verdict
    return None


# Developer scripts rather than code the application runs: anything under these directories, and
# these files at the project root. (`tools/` is left out: in open-webui and khoj it is app code.)
SCRIPT_DIRS = {"scripts", "script", "bin", "noxfiles"}
SCRIPT_FILES = {"noxfile.py", "setup.py", "manage.py", "fabfile.py", "tasks.py"}

# A path component (a file without its suffix) that names tests: `tests`, `testing`, `conftest`,
# `test_x`, `x_test`, `x_tests`, `integration_test_x`. Not a bare substring, which would also
# take `latest` and freqtrade's `backtesting`.
_TEST_PART = re.compile(r"^(tests?|testing|conftest)$|^tests?_|_tests?$|_tests?_")


def looks_like_test(path: str) -> bool:
    return any(_TEST_PART.search(part.split(".")[0]) for part in path.lower().split("/"))


def looks_like_script(path: str) -> bool:
    parts = path.lower().split("/")
    return any(part in SCRIPT_DIRS for part in parts[:-1]) or (len(parts) == 1 and parts[0] in SCRIPT_FILES)


def location_kind(path: str) -> str:
    """`test`, `script` or `app`: where a finding sits, judged from its path alone."""
    if looks_like_test(path):
        return "test"
    if looks_like_script(path):
        return "script"
    return "app"
