"""The generated documentation (README rule table, docs/rules/*.md) matches the registry."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_generated_docs_are_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "generate_docs.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, f"run `python scripts/generate_docs.py`:\n{result.stderr}"


def test_readme_table_lists_every_rule() -> None:
    import fastapi_lint

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for rule in fastapi_lint.rules():
        assert f"[{rule.code}](docs/rules/{rule.code}.md)" in readme
        assert (ROOT / "docs" / "rules" / f"{rule.code}.md").read_text(encoding="utf-8").startswith(f"# {rule.name} ({rule.code})")
