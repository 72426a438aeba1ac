"""Reliability of the syntax checks and fixes, through the installed command.

- Flat code (statements joined by `;`) is linted, not reported as too deeply nested, while
  deeply nested input still is.
- The syntax errors CPython finds after parsing (duplicate parameters, `nonlocal` at module
  level, ...) are reported exactly as Ruff 0.16.4 reports them: same `invalid-syntax`
  messages, ranges and order, compared on the JSON output.
- Fixes keep the file's line endings, and a fix that would add a syntax error is not applied.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest
from support import Run

# Ruff comes with the test extras; without it the comparisons are skipped, unless
# FASTAPI_LINT_REQUIRE_RUFF is set (as scripts/test does).
HAVE_RUFF = importlib.util.find_spec("ruff") is not None or bool(os.environ.get("FASTAPI_LINT_REQUIRE_RUFF"))
requires_ruff = pytest.mark.skipif(not HAVE_RUFF, reason="ruff is not installed (pip install ruff==0.16.4)")

JSON = ["check", "--isolated", "--no-cache", "--output-format", "json"]
FAST = [*JSON, "--select", "FAST"]


def ruff(*args: str, cwd: Optional[Path] = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args], capture_output=True, text=True, timeout=120, check=False, cwd=cwd
    )


def messages(stdout: str) -> List[Tuple[str, str, int, int]]:
    return [
        (item["code"], item["message"], item["location"]["row"], item["location"]["column"])
        for item in json.loads(stdout)
    ]


# The reliability issue's cases: Ruff and CPython report each; fastapi-lint reported none.
REPORTED_BY_RUFF: Dict[str, str] = {
    "duplicate-parameter": "def f(a, a): pass\n",
    "type-parameter-default-order": "class C[T = int, *Ts]: pass\n",
    "duplicate-type-parameter": "def f[T, T](): pass\n",
    "module-level-nonlocal": "nonlocal x\n",
    "rebound-comprehension-variable": "[y := 1 for y in z]\n",
    "irrefutable-case": "match v:\n    case _:\n        pass\n    case 1:\n        pass\n",
}

# More of the checks, where the answer depends on the scope, the Python version, the kind of
# file or on Ruff's order of traversal: (source, extra arguments, file name).
MORE_CASES: Dict[str, Tuple[str, List[str], str]] = {
    "all-kinds-ruff-reports": (
        """\
lambda a, a: 0
f(a=1, a=2)
type A[T, T] = int
def g[T = int, U](): pass
*a = (1,)
__debug__ = 1
def __debug__(): pass
del __debug__
_ = *[42]
def h(): return *x
[x for x in (y := range(3))]
[(a := 0) for b in range(0) for a in range(0)]
class C:
    [(x := y) for y in range(3)]
    def m(self):
        [(x := y) for y in range(3)]
match x:
    case [y, y]: pass
    case [*a, *b]: pass
    case {"x": 1, "x": 2}: pass
    case K(x=1, x=2): pass
    case [a] | [b]: pass
    case var: pass
    case 2: pass
a: (x := 1)
""",
        [],
        "kinds.py",
    ),
    "scopes": (
        """\
def f(a):
    global a
def g():
    a = 1
    def h(a):
        nonlocal a
    def k():
        nonlocal a
def m():
    if y:
        global x
    x: int = 1
def n():
    def o():
        global x
    x: int = 1
global z
z: int = 1
x: int = 1
global x
class D:
    v: int = 1
    global v
""",
        [],
        "scopes.py",
    ),
    # Ruff reports these through rules of its own (F706, F704, PLE1142, F701, F404, ...).
    "not-syntax-errors-in-ruff": (
        """\
import os
from __future__ import annotations
return 1
yield 1
break
def f():
    await x
    continue
    nonlocal unbound
    from os import *
async def g():
    yield 1
    return 2
async def h(): yield from x
(*a, *b) = (1, 2)
""",
        [],
        "rules.py",
    ),
    "python-3.10": (
        """\
del __debug__
async def f():
    return [[x async for x in y] for n in z]
async def g():
    return [[x async for x in y] async for n in z]
def k[T]() -> (y := 3): ...
""",
        ["--target-version", "py310"],
        "py310.py",
    ),
    "python-3.8": ("del __debug__\nmatch x:\n    case _: pass\n    case 1: pass\n", ["--target-version", "py38"], "py38.py"),
    "python-3.14-annotations": ("def g(x: f(a=1, a=2)): pass\nx: f(a=1, a=2) = 1\n", ["--target-version", "py314"], "py314.py"),
    "future-annotations": (
        """\
def before(x: f(a=1, a=2)): pass
from __future__ import annotations
def g(x: f(a=1, a=2), *args: f(b=1, b=2)) -> f(c=1, c=2): pass
x: [(a := 0) for a in b]
class C:
    x: f(a=1, a=2) = 1
""",
        [],
        "future.py",
    ),
    "stub": ("def g(x: f(a=1, a=2)): pass\nclass C(f(a=1, a=2), metaclass=f(b=1, b=2)): pass\n", [], "stub.pyi"),
    "lazy-imports": (
        """\
lazy from os import *
lazy from __future__ import annotations
def f():
    class C:
        lazy import a
try:
    lazy import b
finally:
    pass
""",
        [],
        "lazy.py",
    ),
    "with-fast-findings": (
        """\
from fastapi import FastAPI

app = FastAPI()


@app.get("/items/{item_id}")
async def read(a, a): ...
""",
        [],
        "app.py",
    ),
    "parse-error-first": ("def f(a, a): pass\nx = (\n", [], "broken.py"),
}


@requires_ruff
@pytest.mark.parametrize("case", sorted(REPORTED_BY_RUFF))
def test_semantic_syntax_errors_of_the_issue_are_ruffs(case: str, tmp_path: Path, run: Run) -> None:
    path = tmp_path / "case.py"
    path.write_text(REPORTED_BY_RUFF[case])

    expected = ruff(*FAST, str(path))
    actual = run(*FAST, str(path))

    assert [code for code, *_ in messages(expected.stdout)] == ["invalid-syntax"], expected.stdout
    assert actual.returncode == expected.returncode == 1, actual.stderr
    assert json.loads(actual.stdout) == json.loads(expected.stdout)


@requires_ruff
@pytest.mark.parametrize("case", sorted(MORE_CASES))
def test_semantic_syntax_errors_match_ruff(case: str, tmp_path: Path, run: Run) -> None:
    source, arguments, name = MORE_CASES[case]
    path = tmp_path / name
    path.write_text(source)

    expected = ruff(*FAST, *arguments, str(path))
    actual = run(*FAST, *arguments, str(path))

    assert actual.returncode == expected.returncode, actual.stderr
    assert json.loads(actual.stdout) == json.loads(expected.stdout)


def test_semantic_syntax_errors_are_not_suppressed_by_noqa(tmp_path: Path, run: Run) -> None:
    (tmp_path / "a.py").write_text("def f(a, a): pass  # noqa\n")
    result = run(*JSON, "--select", "FAPI", "a.py")
    assert messages(result.stdout) == [("invalid-syntax", 'Duplicate parameter "a"', 1, 10)]


SLEEPING = "import time\n\n\nasync def f():\n    time.sleep(1)\n"


@pytest.mark.parametrize(
    "line",
    ["pass; " * 1001 + "pass", "; ".join(f"a{n} = {n}" for n in range(500)), "if x: " + "; ".join(["y = -a.b(c)"] * 2000)],
    ids=["pass", "assignments", "if-body"],
)
def test_statements_joined_by_semicolons_are_linted(line: str, tmp_path: Path, run: Run) -> None:
    (tmp_path / "a.py").write_text(f"{line}\n{SLEEPING}")
    result = run(*JSON, "--select", "FAPI101", "a.py")
    assert [code for code, *_ in messages(result.stdout)] == ["FAPI101"], result.stdout


@requires_ruff
def test_a_line_of_statements_is_valid_for_ruff_too(tmp_path: Path, run: Run) -> None:
    (tmp_path / "a.py").write_text("pass; " * 1001 + "pass\n")
    assert json.loads(ruff(*FAST, "a.py", cwd=tmp_path).stdout) == []
    assert json.loads(run(*FAST, "a.py").stdout) == []


@pytest.mark.parametrize(
    "source",
    [
        "x = " + "(" * 10_000 + "1" + ")" * 10_000 + "\n",
        "x = " + "[" * 10_000 + "]" * 10_000 + "\n",
        "pass; x = " + " + ".join(["a"] * 10_000) + "\n",
        "x = " + 'f"{' * 1_000 + "1" + '}"' * 1_000 + "\n",
    ],
    ids=["parentheses", "lists", "chain-after-semicolon", "f-strings"],
)
def test_deeply_nested_input_is_reported_not_linted(source: str, tmp_path: Path, run: Run) -> None:
    (tmp_path / "deep.py").write_text(source)
    result = run(*JSON, "--select", "FAPI,FAST", "deep.py")
    found = messages(result.stdout)
    assert len(found) == 1, result.stdout + result.stderr
    assert found[0][0] == "io-error"
    assert "nested more than 1000 levels" in found[0][1]


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
@pytest.mark.parametrize("imports", [True, False], ids=["after-imports", "at-top"])
def test_the_sleep_fix_keeps_the_files_line_endings(newline: str, imports: bool, tmp_path: Path, run: Run) -> None:
    lines = ["import time", "", "", "async def f():", "    time.sleep(1)", ""]
    if not imports:
        lines = ["# A script.", "async def f():", "    from time import sleep", "    sleep(1)", ""]
    path = tmp_path / "a.py"
    path.write_bytes(newline.join(lines).encode())

    result = run("check", "--isolated", "--no-cache", "--select", "FAPI101", "--fix", "--unsafe-fixes", "a.py")

    assert result.returncode == 0, result.stdout + result.stderr
    fixed = path.read_bytes().decode()
    assert f"import asyncio{newline}" in fixed
    assert "await asyncio.sleep(1)" in fixed
    assert fixed.replace(newline, "") == fixed.replace(newline, "").replace("\n", "").replace("\r", "")
    assert fixed.count(newline) == len(lines)


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_an_added_import_statement_keeps_the_files_line_endings(newline: str, tmp_path: Path, run: Run) -> None:
    lines = [
        "from fastapi import Depends, FastAPI",
        "",
        "app = FastAPI()",
        "",
        "",
        '@app.get("/users")',
        "async def users(db: int = Depends(dict)):",
        "    return db",
        "",
    ]
    path = tmp_path / "a.py"
    path.write_bytes(newline.join(lines).encode())

    run("check", "--isolated", "--no-cache", "--select", "FAST", "--fix", "--unsafe-fixes", "a.py")

    fixed = path.read_bytes().decode()
    assert f"FastAPI{newline}from typing import Annotated{newline}" in fixed
    assert fixed.count(newline) == len(lines)


ROUTE = """\
from typing import Annotated

from fastapi import FastAPI, Path

app = FastAPI()


@app.get("/items/{{item_id}}")
async def read({parameters}): ...
"""


@pytest.mark.parametrize("parameters", ["*item_id: int", "**item_id", '*, item_id: Annotated[int, Path(alias="itemId")]'])
def test_fast003_offers_no_fix_that_repeats_a_parameter(parameters: str, tmp_path: Path, run: Run) -> None:
    """A deliberate difference from Ruff, which offers `def read(item_id, *item_id: int)`."""
    (tmp_path / "a.py").write_text(ROUTE.format(parameters=parameters))
    result = json.loads(run(*FAST, "a.py").stdout)
    assert [(item["code"], item["fix"]) for item in result] == [("FAST003", None)]
    if HAVE_RUFF:
        assert json.loads(ruff(*FAST, "a.py", cwd=tmp_path).stdout)[0]["fix"] is not None


def test_a_fix_that_adds_a_semantic_syntax_error_is_not_applied(tmp_path: Path, run: Run) -> None:
    """Ruff's FAST003 fix for a parameter that has the name under an alias declares it twice (Ruff
    writes that file); `--fix` drops the fix and says why."""
    source = ROUTE.format(parameters='item_id: Annotated[int, Path(alias="itemId")]')
    path = tmp_path / "a.py"
    path.write_text(source)

    result = run("check", "--isolated", "--no-cache", "--select", "FAST", "--fix", "--unsafe-fixes", "a.py")

    assert path.read_text() == source
    assert "introduced a syntax error and was not applied" in result.stderr
    assert 'Duplicate parameter "item_id"' in result.stderr
    assert result.returncode == 1
