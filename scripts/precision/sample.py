"""Lint every project of a corpus and draw a stratified random sample of findings for blind review.

Runs the installed `fastapi-lint` once per project, in the project's root, as a user would:

    fastapi-lint check --preview --output-format json --no-cache --exit-zero .

(not `--isolated`: a project's own configuration applies, if it has one). Every finding goes to
`benches/<corpus>/data/findings.jsonl`, one JSON object a line, with a `project` field added and
`filename` relative to the project root; `findings.meta.json` beside it records the linter's
version and the date. The counts per rule and project are printed.

Then, with a fixed seed, it samples per rule at most `--per-project` findings of each project and
at most `--per-rule` in all, taking from the projects in turn, and writes them to the review sheet
`benches/<corpus>/data/sample-<date>.jsonl` with the source lines around each finding. Findings
that already have a verdict in `benches/<corpus>/verdicts.csv` (same project, file, row and code)
are not sampled again unless `--include-judged` is given, so a re-run samples only new findings.

    python scripts/precision/sample.py                   # lint benches/apps/data/*, sample
    python scripts/precision/sample.py --reuse-findings  # sample from the last findings.jsonl
    python scripts/precision/sample.py --corpus corpus   # the benchmark corpus instead
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Dict, List

import _corpus

LINT_ARGS = ["check", "--preview", "--output-format", "json", "--no-cache", "--exit-zero", "."]


def projects(data: Path) -> List[Path]:
    return sorted(p for p in data.iterdir() if p.is_dir() and not p.name.startswith("."))


def lint(linter: str, root: Path) -> List[dict]:
    result = subprocess.run([linter, *LINT_ARGS], cwd=root, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{linter} failed in {root} (exit {result.returncode}):\n{result.stderr}")
    findings = json.loads(result.stdout or "[]")
    for finding in findings:
        filename = Path(finding["filename"])
        if filename.is_absolute():
            filename = Path(os.path.relpath(filename, root))
        finding["filename"] = filename.as_posix()
        finding["project"] = root.name
    return findings


def linter_version(linter: str) -> str:
    result = subprocess.run([linter, "--version"], capture_output=True, text=True, check=True)
    return result.stdout.strip()


def write_findings(corpus: str, linter: str) -> List[dict]:
    data = _corpus.data_dir(corpus)
    roots = projects(data)
    if not roots:
        raise SystemExit(f"no projects under {data}: fetch the corpus first")
    found: List[dict] = []
    for root in roots:
        findings = lint(linter, root)
        print(f"{root.name}: {len(findings)} findings")
        findings.sort(key=lambda f: (f["filename"], f["location"]["row"], f["location"]["column"],
                                     _corpus.finding_code(f)))
        found.extend(findings)
    path = _corpus.findings_path(corpus)
    tmp = path.with_suffix(".jsonl.tmp")
    with tmp.open("w", encoding="utf-8") as f:
        for finding in found:
            f.write(json.dumps(finding, sort_keys=True) + "\n")
    tmp.replace(path)
    meta = {
        "linter": linter_version(linter),
        "command": ["fastapi-lint", *LINT_ARGS],
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "projects": {root.name: sum(1 for f in found if f["project"] == root.name) for root in roots},
    }
    path.with_name("findings.meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {len(found)} findings to {path.relative_to(_corpus.ROOT)}")
    return found


def short(project: str) -> str:
    """`apache-airflow-core-3.3.2` -> `apache-airflow-core`."""
    name, _, version = project.rpartition("-")
    return name if name and version[:1].isdigit() else project


def print_counts(findings: List[dict]) -> None:
    counts: Dict[str, Dict[str, int]] = defaultdict(lambda: defaultdict(int))
    kinds: Dict[str, Dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for f in findings:
        counts[_corpus.finding_code(f)][f["project"]] += 1
        kinds[f["project"]][_corpus.location_kind(f["filename"])] += 1
    names = sorted({f["project"] for f in findings})
    heads = [short(p) for p in names]
    width = max([len("rule")] + [len(c) for c in counts])
    cols = [max(len(h), 5) for h in heads]
    print("findings per rule and project:")
    print(" ".join([f"{'rule':<{width}}"] + [f"{h:>{w}}" for h, w in zip(heads, cols)] + [f"{'total':>6}"]))
    for code in sorted(counts):
        cells = [f"{counts[code].get(p, 0) or '.':>{w}}" for p, w in zip(names, cols)]
        print(" ".join([f"{code:<{width}}"] + cells + [f"{sum(counts[code].values()):>6}"]))
    totals = [f"{sum(counts[c].get(p, 0) for c in counts):>{w}}" for p, w in zip(names, cols)]
    print(" ".join([f"{'total':<{width}}"] + totals + [f"{len(findings):>6}"]))
    print()
    print("where the findings are, from the path (tests: a `tests`/`test_*`/`*_test`/`conftest` part; "
          "scripts: under scripts/, script/, bin/, noxfiles/, or a root noxfile.py/setup.py/manage.py):")
    for kind in ("test", "script", "app"):
        cells = [f"{kinds[p].get(kind, 0):>{w}}" for p, w in zip(names, cols)]
        print(" ".join([f"{kind:<{width}}"] + cells + [f"{sum(kinds[p].get(kind, 0) for p in names):>6}"]))
    print()


def draw(findings: List[dict], judged: set, seed: int, per_project: int, per_rule: int) -> List[dict]:
    """Per rule: shuffle each project's findings, keep `per_project` of each, then take one
    project at a time, in a shuffled order, until `per_rule` are chosen."""
    by_rule: Dict[str, Dict[str, List[dict]]] = defaultdict(lambda: defaultdict(list))
    for f in findings:
        if _corpus.finding_key(f) in judged:
            continue
        by_rule[_corpus.finding_code(f)][f["project"]].append(f)
    chosen: List[dict] = []
    for code in sorted(by_rule):
        # One generator per rule, seeded from the rule's code: a rule's sample does not change
        # when another rule gains or loses findings.
        rng = random.Random(f"{seed}:{code}")
        queues = []
        for project in sorted(by_rule[code]):
            items = by_rule[code][project]
            rng.shuffle(items)
            queues.append(items[:per_project])
        rng.shuffle(queues)
        picked: List[dict] = []
        while len(picked) < per_rule and any(queues):
            for queue in queues:
                if queue and len(picked) < per_rule:
                    picked.append(queue.pop(0))
        chosen.extend(picked)
    return chosen


def context(root: Path, finding: dict, before: int, after: int) -> str:
    path = root / finding["filename"]
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as err:
        return f"<cannot read {finding['filename']}: {err}>"
    row = finding["location"]["row"]
    end = (finding.get("end_location") or {}).get("row") or row
    first, last = max(1, row - before), min(len(lines), end + after)
    digits = len(str(last))
    out = []
    for n in range(first, last + 1):
        mark = ">>" if n == row else (" >" if row < n <= end else "  ")
        out.append(f"{mark} {n:>{digits}} | {lines[n - 1]}")
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default="apps", help="corpus under benches/ (default: apps)")
    parser.add_argument("--linter", default="fastapi-lint", help="the fastapi-lint executable (default: from PATH)")
    parser.add_argument("--reuse-findings", action="store_true",
                        help="sample from the existing findings.jsonl instead of linting again")
    parser.add_argument("--seed", type=int, default=20261206, help="random seed (default: %(default)s)")
    parser.add_argument("--per-project", type=int, default=4, help="at most this many per rule and project")
    parser.add_argument("--per-rule", type=int, default=25, help="at most this many per rule")
    parser.add_argument("--include-judged", action="store_true",
                        help="sample findings that already have a verdict too")
    parser.add_argument("--before", type=int, default=25, help="context lines before the finding")
    parser.add_argument("--after", type=int, default=15, help="context lines after the finding")
    parser.add_argument("--date", default=datetime.date.today().isoformat(),
                        help="date in the sheet's name (default: today)")
    args = parser.parse_args()

    data = _corpus.data_dir(args.corpus)
    if not data.is_dir():
        parser.error(f"{data} does not exist: fetch the corpus first")
    if args.reuse_findings:
        findings = list(_corpus.read_findings(_corpus.findings_path(args.corpus)))
    else:
        if shutil.which(args.linter) is None:
            parser.error(f"{args.linter} not found: activate the venv that has fastapi-lint installed")
        findings = write_findings(args.corpus, args.linter)
    print_counts(findings)

    verdicts = _corpus.read_verdicts(_corpus.verdicts_path(args.corpus))
    judged = set() if args.include_judged else {v.key for v in verdicts}
    sample = draw(findings, judged, args.seed, args.per_project, args.per_rule)
    sheet = data / f"sample-{args.date}.jsonl"
    with sheet.open("w", encoding="utf-8") as f:
        for finding in sample:
            record = {
                "project": finding["project"],
                "file": finding["filename"],
                "row": finding["location"]["row"],
                "column": finding["location"]["column"],
                "code": _corpus.finding_code(finding),
                "message": finding["message"],
                "context": context(data / finding["project"], finding, args.before, args.after),
            }
            f.write(json.dumps(record) + "\n")
    per_rule: Dict[str, int] = defaultdict(int)
    for finding in sample:
        per_rule[_corpus.finding_code(finding)] += 1
    left_out = sum(1 for f in findings if _corpus.finding_key(f) in judged)
    skipped = "" if args.include_judged else f" ({left_out} findings with a verdict left out)"
    print(f"sampled {len(sample)} findings{skipped}: "
          + ", ".join(f"{code} {n}" for code, n in sorted(per_rule.items())))
    print(f"review sheet: {sheet.relative_to(_corpus.ROOT)}; "
          f"verdicts go to {_corpus.verdicts_path(args.corpus).relative_to(_corpus.ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
