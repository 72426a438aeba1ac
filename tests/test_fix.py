"""Fixing: `fastapi_lint.fix_source` and the CLI's `--fix`, `--diff`, `--fix-only`, `--add-noqa`.

FAST002's fix is unsafe and adds an import; FAPI900's (remove an unused noqa code) is safe. The
expected texts are Ruff 0.16.4's output for the same input.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import fastapi_lint
import pytest
from support import Run

NON_ANNOTATED = """\
from fastapi import Depends, FastAPI

app = FastAPI()


@app.get("/users")
async def users(db: int = Depends(dict), q: str = Depends(str)):
    return db
"""

ANNOTATED = """\
from fastapi import Depends, FastAPI
from typing import Annotated

app = FastAPI()


@app.get("/users")
async def users(db: Annotated[int, Depends(dict)], q: Annotated[str, Depends(str)]):
    return db
"""

FAST = ("--isolated", "--select", "FAST")


def test_fix_source_applies_unsafe_fixes_only_when_asked() -> None:
    safe = fastapi_lint.fix_source(NON_ANNOTATED, select=["FAST"])
    assert (safe.source, safe.fixed) == (NON_ANNOTATED, 0)
    assert [diagnostic.code for diagnostic in safe.diagnostics] == ["FAST002", "FAST002"]

    result = fastapi_lint.fix_source(NON_ANNOTATED, select=["FAST"], unsafe=True)
    assert result == fastapi_lint.FixResult(source=ANNOTATED, fixed=2, diagnostics=[])
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.fixed = 0  # type: ignore[misc]


def test_fix_source_applies_safe_fixes_and_reports_what_remains() -> None:
    source = "import time\n\n\nasync def f():\n    time.sleep(1)  # noqa: FAPI101, FAPI102\n"
    result = fastapi_lint.fix_source(source, select=["FAPI"], filename="app.py")
    assert result.source == source.replace("FAPI101, FAPI102", "FAPI101")
    assert result.fixed == 1
    assert result.diagnostics == []


def test_fix_source_rejects_bad_selectors() -> None:
    with pytest.raises(fastapi_lint.ConfigError):
        fastapi_lint.fix_source("x = 1\n", select=["NOPE1"])
    with pytest.raises(TypeError):
        fastapi_lint.fix_source("x = 1\n", select="FAST")


def test_cli_fix_rewrites_the_file_and_a_second_run_finds_nothing(tmp_path: Path, run: Run) -> None:
    app = tmp_path / "app.py"
    app.write_text(NON_ANNOTATED)

    result = run("check", *FAST, "--fix", "--unsafe-fixes", "app.py")
    assert (result.returncode, result.stdout) == (0, "Found 2 errors (2 fixed, 0 remaining).\n"), result.stderr
    assert app.read_text() == ANNOTATED

    again = run("check", *FAST, "--fix", "--unsafe-fixes", "--exit-non-zero-on-fix", "app.py")
    assert (again.returncode, again.stdout) == (0, "All checks passed!\n")
    assert app.read_text() == ANNOTATED


def test_cli_fix_without_unsafe_fixes_changes_nothing(tmp_path: Path, run: Run) -> None:
    app = tmp_path / "app.py"
    app.write_text(NON_ANNOTATED)

    result = run("check", *FAST, "--fix", "--output-format", "concise", "app.py")
    assert result.returncode == 1
    assert result.stdout.endswith(
        "Found 2 errors.\nNo fixes available (2 hidden fixes can be enabled with the `--unsafe-fixes` option).\n"
    )
    assert app.read_text() == NON_ANNOTATED


def test_cli_diff_prints_and_writes_nothing(tmp_path: Path, run: Run) -> None:
    app = tmp_path / "app.py"
    app.write_text(NON_ANNOTATED)

    result = run("check", *FAST, "--diff", "--unsafe-fixes", "app.py")
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("--- app.py\n+++ app.py\n@@ -1,8 +1,9 @@\n")
    assert "+from typing import Annotated\n" in result.stdout
    assert result.stdout.endswith("\nWould fix 2 errors.\n")
    assert app.read_text() == NON_ANNOTATED

    safe_only = run("check", *FAST, "--diff", "app.py")
    assert (safe_only.returncode, safe_only.stdout) == (
        0,
        "No errors would be fixed (2 fixes available with `--unsafe-fixes`).\n",
    )


@pytest.mark.parametrize(
    ("flags", "returncode", "stdout"),
    [
        ((), 0, "Fixed 2 errors.\n"),
        (("--exit-non-zero-on-fix",), 1, "Fixed 2 errors.\n"),
    ],
)
def test_cli_fix_only_exit_codes(tmp_path: Path, run: Run, flags: tuple[str, ...], returncode: int, stdout: str) -> None:
    (tmp_path / "app.py").write_text(NON_ANNOTATED)

    result = run("check", *FAST, "--fix-only", "--unsafe-fixes", *flags, "app.py")
    assert (result.returncode, result.stdout) == (returncode, stdout), result.stderr


def test_cli_exit_non_zero_on_fix_with_fix(tmp_path: Path, run: Run) -> None:
    (tmp_path / "app.py").write_text(NON_ANNOTATED)

    result = run("check", *FAST, "--fix", "--unsafe-fixes", "--exit-non-zero-on-fix", "app.py")
    assert (result.returncode, result.stdout) == (1, "Found 2 errors (2 fixed, 0 remaining).\n")


def test_cli_fix_on_stdin_prints_the_fixed_source(run: Run) -> None:
    result = run("check", *FAST, "--fix", "--unsafe-fixes", "-", input=NON_ANNOTATED)
    assert (result.returncode, result.stdout, result.stderr) == (0, ANNOTATED, "Found 2 errors (2 fixed, 0 remaining).\n")


def test_cli_add_noqa(tmp_path: Path, run: Run) -> None:
    app = tmp_path / "app.py"
    app.write_text(NON_ANNOTATED)

    result = run("check", *FAST, "--add-noqa", "app.py")
    assert (result.returncode, result.stderr) == (0, "Added 1 noqa directive.\n")
    assert app.read_text() == NON_ANNOTATED.replace("Depends(str)):", "Depends(str)):  # noqa: FAST002")
    assert run("check", *FAST, "app.py").returncode == 0
