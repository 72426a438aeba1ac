"""Print each rule's precision from the review verdicts, as a Markdown table.

Reads `benches/<corpus>/verdicts.csv` and the latest `benches/<corpus>/data/findings.jsonl`
(written by `sample.py`). A verdict counts when its finding (same project, file, row and code) is
still reported; one whose finding is gone (the rule stopped reporting it, or the line moved) is
shown apart, under "gone", and is not counted in the current precision.

    python scripts/precision/table.py                            # the applications corpus
    python scripts/precision/table.py --corpus apps --corpus corpus   # both, and their sum

precision = TP / (TP + FP); "debatable" verdicts count in neither.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from typing import Dict, List

import _corpus


class Tally:
    def __init__(self) -> None:
        self.findings: Counter = Counter()  # rule -> findings in findings.jsonl
        self.judged: Dict[str, Counter] = defaultdict(Counter)  # rule -> verdict -> count
        self.gone: Dict[str, Counter] = defaultdict(Counter)
        self.gone_list: List[_corpus.Verdict] = []

    def add(self, other: "Tally") -> None:
        self.findings.update(other.findings)
        for rule, counts in other.judged.items():
            self.judged[rule].update(counts)
        for rule, counts in other.gone.items():
            self.gone[rule].update(counts)
        self.gone_list.extend(other.gone_list)


def tally(corpus: str) -> Tally:
    path = _corpus.findings_path(corpus)
    if not path.exists():
        raise SystemExit(f"{path} does not exist: run scripts/precision/sample.py --corpus {corpus} first")
    result = Tally()
    current = set()
    for finding in _corpus.read_findings(path):
        result.findings[_corpus.finding_code(finding)] += 1
        current.add(_corpus.finding_key(finding))
    for verdict in _corpus.read_verdicts(_corpus.verdicts_path(corpus)):
        if verdict.key in current:
            result.judged[verdict.code][verdict.verdict] += 1
        else:
            result.gone[verdict.code][verdict.verdict] += 1
            result.gone_list.append(verdict)
    return result


def precision(counts: Counter) -> str:
    tp, fp = counts["TP"], counts["FP"]
    return f"{tp / (tp + fp):.2f}" if tp + fp else "—"


def print_table(t: Tally) -> None:
    print("| rule | findings | judged | TP | FP | debatable | precision |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    total_judged: Counter = Counter()
    for rule in sorted(set(t.findings) | set(t.judged)):
        counts = t.judged.get(rule, Counter())
        total_judged.update(counts)
        judged = sum(counts.values())
        print(f"| {rule} | {t.findings[rule]} | {judged} | {counts['TP']} | {counts['FP']} | "
              f"{counts['debatable']} | {precision(counts)} |")
    print(f"| **all** | {sum(t.findings.values())} | {sum(total_judged.values())} | {total_judged['TP']} | "
          f"{total_judged['FP']} | {total_judged['debatable']} | {precision(total_judged)} |")
    if t.gone:
        print()
        print("Gone (a verdict whose finding is no longer reported; not counted above):")
        print()
        print("| rule | gone | TP | FP | debatable |")
        print("|---|---:|---:|---:|---:|")
        for rule in sorted(t.gone):
            counts = t.gone[rule]
            print(f"| {rule} | {sum(counts.values())} | {counts['TP']} | {counts['FP']} | {counts['debatable']} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", action="append", dest="corpora", metavar="NAME",
                        help="a corpus under benches/ (repeatable; default: apps)")
    parser.add_argument("--list-gone", action="store_true", help="list the verdicts whose finding is gone")
    args = parser.parse_args()
    corpora = args.corpora or ["apps"]

    total = Tally()
    for corpus in corpora:
        t = tally(corpus)
        total.add(t)
        meta_path = _corpus.findings_path(corpus).with_name("findings.meta.json")
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
        print(f"### {corpus}: {len(meta.get('projects', {})) or '?'} projects, "
              f"findings of {meta.get('date', '?')} by {meta.get('linter', '?')}")
        print()
        print_table(t)
        print()
    if len(corpora) > 1:
        print(f"### all: {', '.join(corpora)}")
        print()
        print_table(total)
        print()
    if args.list_gone:
        for v in total.gone_list:
            print(f"gone: {v.project} {v.file}:{v.row} {v.code} {v.verdict} ({v.reason})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
