"""Ruff's own rules and syntax errors: fastapi-lint must print exactly what Ruff 0.16.4 prints."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

from pathlib import Path
from typing import Optional

import pytest
from support import REPO_ROOT, Run

FIXTURES = REPO_ROOT / "tests" / "fixtures"
# Ruff comes with the test extras; without it these tests are skipped, unless
# FASTAPI_LINT_REQUIRE_RUFF is set (scripts/test sets it, so CI never skips them).
if importlib.util.find_spec("ruff") is None and not os.environ.get("FASTAPI_LINT_REQUIRE_RUFF"):
    pytest.skip("ruff is not installed (pip install ruff==0.16.4): nothing to compare with", allow_module_level=True)

ARGS = ["check", "--isolated", "--select", "FAST", "--target-version", "py310", "--output-format", "json"]


def ruff(*args: str, cwd: Optional[Path] = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args], capture_output=True, text=True, timeout=120, check=False, cwd=cwd
    )


@pytest.mark.parametrize("fixture", ["fast_rules.py", "syntax_errors.py"])
def test_json_output_matches_ruff(fixture: str, run: Run) -> None:
    path = FIXTURES / fixture

    expected = ruff(*ARGS, str(path))
    actual = run(*ARGS, str(path))

    assert expected.returncode == 1, expected.stderr
    assert actual.returncode == expected.returncode, actual.stderr
    assert json.loads(actual.stdout) == json.loads(expected.stdout)


def test_ruff_agrees_on_the_example_app(run: Run) -> None:
    """The FAST findings in the README's example are Ruff's, fixes included."""
    app = REPO_ROOT / "examples" / "fastapi_app"

    expected = ruff(*ARGS, str(app))
    actual = run(*ARGS, str(app))

    assert json.loads(actual.stdout) == json.loads(expected.stdout) != []


def test_ruff_version_is_the_mirrored_one() -> None:
    # The parity tests only mean something against the release fastapi-lint mirrors.
    assert ruff("version").stdout.split() == ["ruff", "0.16.4"]


def test_noqa_warnings_are_ruffs(tmp_path: Path, run: Run) -> None:
    """Malformed `# noqa` directives: the same warnings on stderr, in the same words and order."""
    (tmp_path / "a.py").write_text("import os  # noqa:\nx = 1  # noqa: FAST001,,\ny = 2  # noqa: FAST001FAST002\n")
    args = ["check", "--isolated", "--no-cache", "--select", "FAST", "a.py"]

    expected = ruff(*args, cwd=tmp_path)
    actual = run(*args)

    warnings = [line for line in expected.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 3, expected.stderr
    assert [line for line in actual.stderr.splitlines() if line.startswith("warning:")] == warnings
    assert run(*args, "--quiet").stderr == "", "--quiet hides them, as in Ruff"
