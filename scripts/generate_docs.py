"""Regenerate the rule documentation from the registry.

Writes `docs/rules/<CODE>.md` from each rule's doc comment and the rule table between the
`<!-- rules-table:start -->` / `<!-- rules-table:end -->` markers in README.md.

    python scripts/generate_docs.py          # rewrite the files
    python scripts/generate_docs.py --check  # exit 1 when a file is out of date (used by tests)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import fastapi_lint

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
RULE_DOCS = ROOT / "docs" / "rules"
START, END = "<!-- rules-table:start -->", "<!-- rules-table:end -->"

FIX_SYMBOL = {"Always": "🛠️", "Sometimes": "🛠️", "None": ""}


def rule_table(rules: list[fastapi_lint.Rule]) -> str:
    lines = [
        "| Code | Name | What it checks | Applies to | Fix | Preview |",
        "|---|---|---|---|---|---|",
    ]
    for rule in rules:
        # Rule pages link to each other by file name; from the README they live under docs/rules/.
        summary = rule.summary.replace("|", "\\|").replace("](FAPI", "](docs/rules/FAPI")
        link = f"[{rule.code}](docs/rules/{rule.code}.md)"
        fix = FIX_SYMBOL.get(rule.fix_availability, "")
        preview = "🧪" if rule.preview else ""
        lines.append(f"| {link} | `{rule.name}` | {summary} | {applies_to(rule)} | {fix} | {preview} |")
    return "\n".join(lines)


def applies_to(rule: fastapi_lint.Rule) -> str:
    """The roles and Pydantic version of a rule's scope, for the table: `app; Pydantic 2`."""
    roles = "all" if len(rule.roles) == 4 else ", ".join(rule.roles)
    return f"{roles}; Pydantic {rule.pydantic}" if rule.pydantic else roles


def rule_page(rule: fastapi_lint.Rule) -> str:
    header = f"# {rule.name} ({rule.code})\n\n"
    status = "Preview (enable with `--preview`)" if rule.preview else "Stable"
    meta = f"Status: {status}. Fix: {rule.fix_availability}.\n\n"
    scope = f"{rule.scope}\n\n" if rule.scope else ""
    return header + meta + scope + rule.docs.rstrip() + "\n"


def expected_files() -> dict[Path, str]:
    rules = fastapi_lint.rules()
    files = {RULE_DOCS / f"{rule.code}.md": rule_page(rule) for rule in rules}
    readme = README.read_text(encoding="utf-8")
    before, _, rest = readme.partition(START)
    _, _, after = rest.partition(END)
    if not rest:
        raise SystemExit(f"README.md has no {START} marker")
    files[README] = f"{before}{START}\n{rule_table(rules)}\n{END}{after}"
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="only report out-of-date files")
    args = parser.parse_args()
    expected = expected_files()
    stale = [path for path, text in expected.items() if not path.exists() or path.read_text(encoding="utf-8") != text]
    known = set(expected)
    orphans = [path for path in RULE_DOCS.glob("*.md") if path not in known]
    if args.check:
        for path in stale + orphans:
            print(f"out of date: {path.relative_to(ROOT)}", file=sys.stderr)
        return 1 if stale or orphans else 0
    RULE_DOCS.mkdir(parents=True, exist_ok=True)
    for path in stale:
        path.write_text(expected[path], encoding="utf-8")
    for path in orphans:
        path.unlink()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
