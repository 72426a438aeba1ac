"""Ruff's own rules and syntax errors: fastapi-lint must print exactly what Ruff 0.16.4 prints."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import pytest
from support import REPO_ROOT, Run

FIXTURES = REPO_ROOT / "tests" / "fixtures"
# Ruff comes with the test extras; without it these tests are skipped, unless
# FASTAPI_LINT_REQUIRE_RUFF is set (scripts/test sets it, so CI never skips them).
if importlib.util.find_spec("ruff") is None and not os.environ.get("FASTAPI_LINT_REQUIRE_RUFF"):
    pytest.skip("ruff is not installed (pip install ruff==0.16.4): nothing to compare with", allow_module_level=True)

ARGS = ["check", "--isolated", "--select", "FAST", "--target-version", "py310", "--output-format", "json"]


def ruff(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args], capture_output=True, text=True, timeout=120, check=False
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
