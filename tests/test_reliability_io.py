"""Input and output at the edges: read-only files, a closed stdout, file names XML cannot hold,
text no file can hold, files that are not regular files, and runs without Python files.

What Ruff 0.16.4 does in each case is the reference, unless it hangs or writes what cannot be
read back. Every run that could hang (or, for `/dev/zero`, grow without bound) before the fixes
has a timeout, and on POSIX a cap on its address space, so a regression fails instead of
stalling the test run.
"""

from __future__ import annotations

import importlib.util
import json
import os
import stat
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import IO, Any, Dict, List, Optional, Union

import fastapi_lint
import pytest
from support import SLEEPING_ROUTE, Run, console_script

# FAST002 twice; its fix is unsafe.
NON_ANNOTATED = """\
from fastapi import Depends, FastAPI

app = FastAPI()


@app.get("/users")
async def users(db: int = Depends(dict), q: str = Depends(str)):
    return db
"""
FAST = ("--isolated", "--select", "FAST")
FIXTURES = Path(__file__).resolve().parent / "fixtures"

posix_only = pytest.mark.skipif(os.name != "posix", reason="named pipes, devices and control characters in file names")
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this platform")


def _limited() -> None:
    """In the child: a few GiB of address space (a run needs far less: threads' stacks and
    arenas grow with the cores), so that a run reading `/dev/zero` without bound fails quickly
    instead of taking the machine's memory."""
    import resource

    limit = (4 << 30) + (64 << 20) * (os.cpu_count() or 1)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def guarded(
    *args: str,
    cwd: Path,
    stdin: Union[int, IO[Any], None] = subprocess.DEVNULL,
    timeout: float = 60,
    input: Optional[str] = None,
) -> subprocess.CompletedProcess[str]:
    """The installed `fastapi-lint ARGS`, killed after `timeout` seconds (the test then fails
    with `TimeoutExpired`), its memory capped on POSIX."""
    environment: Dict[str, str] = {**os.environ, "FASTAPI_LINT_CACHE_DIR": str(cwd / ".test-cache")}
    return subprocess.run(
        [str(console_script()), *args],
        cwd=cwd,
        env=environment,
        stdin=None if input is not None else stdin,
        input=input,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
        preexec_fn=_limited if os.name == "posix" else None,
    )


# 1. `--fix` and read-only files ----------------------------------------------------------------


def test_fix_leaves_a_read_only_file_untouched_and_reports_it(tmp_path: Path, run: Run) -> None:
    """Ruff writes fixed files in place, so a file its owner made read-only (0444) is refused
    with "Permission denied" (E902, exit 1). A rename into place would replace it: the
    directory's permissions allow that. As root, whom the system lets write anything, the
    file's read-only permissions are what refuse the write, so the test means the same there."""
    path = tmp_path / "app.py"
    path.write_text(NON_ANNOTATED)
    path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    before = path.stat()

    result = run("check", *FAST, "--fix", "--unsafe-fixes", "--output-format", "concise", "app.py")

    after = path.stat()
    assert path.read_text() == NON_ANNOTATED
    assert (after.st_ino, stat.S_IMODE(after.st_mode)) == (before.st_ino, 0o444), "the file was replaced"
    assert result.returncode == 1, result.stderr
    assert "app.py:1:1: io-error: Failed to write the fixed source: Permission denied" in result.stdout
    # Nothing was fixed, so the findings are still there, unfixed.
    assert result.stdout.count("FAST002") == 2
    assert "Found 3 errors." in result.stdout
    assert sorted(entry.name for entry in tmp_path.iterdir() if entry.name != ".test-cache") == ["app.py"]


def test_fix_still_rewrites_a_writable_file_beside_a_read_only_one(tmp_path: Path, run: Run) -> None:
    (tmp_path / "locked.py").write_text(NON_ANNOTATED)
    (tmp_path / "locked.py").chmod(0o444)
    (tmp_path / "open.py").write_text(NON_ANNOTATED)
    (tmp_path / "open.py").chmod(0o640)

    result = run("check", *FAST, "--fix", "--unsafe-fixes", "--output-format", "concise", ".")

    assert result.returncode == 1, result.stderr
    assert (tmp_path / "locked.py").read_text() == NON_ANNOTATED
    fixed = tmp_path / "open.py"
    assert "Annotated[int, Depends(dict)]" in fixed.read_text()
    if os.name == "posix":
        assert stat.S_IMODE(fixed.stat().st_mode) == 0o640


def test_add_noqa_leaves_a_read_only_file_untouched(tmp_path: Path, run: Run) -> None:
    path = tmp_path / "app.py"
    path.write_text(NON_ANNOTATED)
    path.chmod(0o444)

    result = run("check", *FAST, "--add-noqa", "app.py")

    assert path.read_text() == NON_ANNOTATED
    assert "Failed to add noqa directives to" in result.stderr
    assert "Permission denied" in result.stderr


# 2. A closed stdout ------------------------------------------------------------------------------

OUTPUT_FORMATS = [
    "full",
    "concise",
    "json",
    "json-lines",
    "junit",
    "grouped",
    "github",
    "gitlab",
    "pylint",
    "rdjson",
    "azure",
    "sarif",
]


@pytest.fixture
def many_findings(tmp_path: Path) -> Path:
    """Far more output, in every format, than a pipe holds (64 KiB on Linux): the writer is
    still writing when the reader goes away, so it meets the broken pipe."""
    source = (FIXTURES / "fast_rules.py").read_text()
    for index in range(400):
        (tmp_path / f"{'module_with_a_long_name_' * 6}{index}.py").write_text(source)
    return tmp_path


def read_one_line_then_close(*args: str, cwd: Path) -> "tuple[int, str]":
    """`fastapi-lint ARGS | head -1`: the exit code and stderr of a run whose reader stops
    after the first line."""
    process = subprocess.Popen(
        [str(console_script()), *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "FASTAPI_LINT_CACHE_DIR": str(cwd / ".test-cache")},
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.readline()
        process.stdout.close()
        stderr = process.stderr.read().decode()
        return process.wait(timeout=120), stderr
    finally:
        process.kill()
        process.wait()


@pytest.mark.parametrize("output_format", OUTPUT_FORMATS)
def test_a_closed_stdout_ends_the_check_quietly(many_findings: Path, output_format: str) -> None:
    """Ruff stops quietly with exit code 0 when the reader of its output has gone (`| head`),
    as the tools of a pipeline do; a broken pipe is no failure to report."""
    code, stderr = read_one_line_then_close(
        "check", *FAST, "--no-cache", "--output-format", output_format, ".", cwd=many_findings
    )

    assert (code, stderr) == (0, "")


@pytest.mark.parametrize(
    "args",
    [
        ("rule", "--all"),
        ("rule", "--all", "--output-format", "json"),
        ("check", "--isolated", "--show-files", "."),
        ("check", *FAST, "--no-cache", "--diff", "--unsafe-fixes", "."),
    ],
    ids=["rule-all", "rule-all-json", "show-files", "diff"],
)
def test_a_closed_stdout_ends_other_commands_quietly(many_findings: Path, args: "tuple[str, ...]") -> None:
    code, stderr = read_one_line_then_close(*args, cwd=many_findings)

    assert (code, stderr) == (0, "")
    assert not any(many_findings.glob(f"{'module_with_a_long_name_' * 6}*.py.*")), "--diff writes nothing"


# 3. JUnit output and file names XML cannot hold --------------------------------------------------


def _junit(result: "subprocess.CompletedProcess[str]") -> ElementTree.Element:
    assert result.returncode == 1, result.stderr
    return ElementTree.fromstring(result.stdout)


@posix_only
@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("a\x01b.py", "ab.py"),
        ("esc\x1b[31m.py", "esc[31m.py"),
        ("tab\tand\rreturn.py", "tabandreturn.py"),
        ("c1\x85\x9f.py", "c1.py"),
        ("nonchar\ufffe\uffff.py", "nonchar.py"),
        ("markup<&'\">.py", "markup<&'\">.py"),
    ],
    ids=["soh", "escape", "tab-cr", "c1", "ufffe", "markup"],
)
def test_junit_is_well_formed_whatever_the_file_names(tmp_path: Path, run: Run, name: str, shown: str) -> None:
    (tmp_path / name).write_text(NON_ANNOTATED)

    root = _junit(run("check", *FAST, "--output-format", "junit", "."))

    suites = root.findall("testsuite")
    assert [suite.get("name") for suite in suites] == [str(tmp_path / shown)]
    classnames = {case.get("classname") for case in root.iter("testcase")}
    assert classnames == {str(tmp_path / shown).rsplit(".", 1)[0]}


@posix_only
@pytest.mark.skipif(
    importlib.util.find_spec("ruff") is None and not os.environ.get("FASTAPI_LINT_REQUIRE_RUFF"),
    reason="ruff is not installed: nothing to compare with",
)
def test_junit_names_files_as_ruff_does_where_ruff_is_well_formed(tmp_path: Path, run: Run) -> None:
    """Ruff leaves the control characters XML forbids (and a few it allows) out of names; the
    same names come out here, so a report reads the same from either tool."""
    for name in ["a\x01b.py", "tab\tand\rreturn.py", "c1\x85.py", "line\nfeed.py", "del\x7f.py", "plain.py"]:
        (tmp_path / name).write_text(NON_ANNOTATED)
    args = ["check", *FAST, "--no-cache", "--output-format", "junit", "."]

    expected = subprocess.run(
        [sys.executable, "-m", "ruff", *args], cwd=tmp_path, capture_output=True, text=True, check=False, timeout=120
    )
    actual = run(*args)

    def names(root: ElementTree.Element) -> "list[tuple[Optional[str], List[Optional[str]]]]":
        return [
            (suite.get("name"), [case.get("classname") for case in suite.iter("testcase")])
            for suite in root.findall("testsuite")
        ]

    assert names(_junit(actual)) == names(_junit(expected))
    assert actual.stdout.replace("fastapi-lint", "ruff") == expected.stdout


# 4. Python API: text no file can hold ------------------------------------------------------------


@pytest.mark.parametrize("function", ["check_source", "fix_source"])
def test_a_lone_surrogate_raises_lint_error(function: str) -> None:
    """A `str` with a lone surrogate has no UTF-8 encoding, so no file holds it: it is refused
    with the package's `LintError` (not the `UnicodeEncodeError` of converting it), naming the
    surrogate and where it is."""
    with pytest.raises(fastapi_lint.LintError) as raised:
        getattr(fastapi_lint, function)("import os\nx = '\ud800'\n")

    assert not isinstance(raised.value, fastapi_lint.ConfigError)
    message = str(raised.value)
    assert "lone surrogate" in message
    assert "'\\ud800' at row 2, column 6" in message
    assert isinstance(raised.value.__cause__, UnicodeEncodeError)


def test_a_surrogate_escaped_byte_is_refused_and_the_rest_still_lints() -> None:
    raw = SLEEPING_ROUTE.encode() + b"# \xff\n"
    with pytest.raises(fastapi_lint.LintError, match=r"'\\udcff' at row 11, column 3"):
        fastapi_lint.check_source(raw.decode("utf-8", "surrogateescape"), filename="app.py")

    replaced = fastapi_lint.check_source(raw.decode("utf-8", "replace"), filename="app.py")
    assert [diagnostic.code for diagnostic in replaced] == ["FAPI101"]


def test_sources_without_surrogates_lint_as_before() -> None:
    # Characters outside the BMP, and U+FFFD itself, are text like any other.
    diagnostics = fastapi_lint.check_source("x = '\U0001f600\ufffd'\n" + SLEEPING_ROUTE, filename="app.py")
    assert [(d.code, d.location.row) for d in diagnostics] == [("FAPI101", 10)]


# 5. Files that are not regular files -------------------------------------------------------------


@needs_fifo
def test_a_fifo_named_on_the_command_line_is_refused_not_read(tmp_path: Path) -> None:
    """Ruff opens a named pipe and waits for a writer forever. It is refused here, before it is
    opened, by an io-error on that path (what Ruff reports for a file it cannot read, exit 1);
    the other files are linted as usual."""
    os.mkfifo(tmp_path / "pipe.py")
    (tmp_path / "app.py").write_text(SLEEPING_ROUTE)

    result = guarded("check", "--output-format", "json", "pipe.py", "app.py", cwd=tmp_path)

    assert result.returncode == 1, result.stderr
    diagnostics = json.loads(result.stdout)
    assert [(d["filename"], d["code"]) for d in diagnostics] == [
        (str(tmp_path / "app.py"), "FAPI101"),
        (str(tmp_path / "pipe.py"), "io-error"),
    ]
    assert "named pipe" in diagnostics[1]["message"]


@needs_fifo
def test_a_fifo_is_refused_in_the_human_formats_too(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.py")

    result = guarded("check", "pipe.py", cwd=tmp_path)

    assert result.returncode == 1, result.stderr
    assert "io-error: Not a regular file but a named pipe (FIFO)" in result.stdout
    assert "--> pipe.py:1:1" in result.stdout
    assert "No Python files found" not in result.stderr


@needs_fifo
def test_a_fifo_found_by_walking_a_directory_is_passed_over(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.py")
    (tmp_path / "app.py").write_text(SLEEPING_ROUTE)

    result = guarded("check", "--output-format", "concise", ".", cwd=tmp_path)

    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("app.py:9:5: FAPI101 ")
    assert "pipe.py" not in result.stdout


@posix_only
@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_dev_zero_on_the_command_line_is_refused_not_read(tmp_path: Path) -> None:
    result = guarded("check", "--output-format", "concise", "/dev/zero", cwd=tmp_path)

    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("/dev/zero:1:1: io-error: Not a regular file but a character device")


@posix_only
@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_dev_zero_as_stdin_is_refused_not_read(tmp_path: Path) -> None:
    """Read, it would never end (Ruff takes memory until it is killed): stdin that is a device
    other than a terminal or /dev/null is refused, as Ruff fails when stdin cannot be read."""
    with open("/dev/zero", "rb") as zero:
        result = guarded("check", "--stdin-filename", "app.py", cwd=tmp_path, stdin=zero)

    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("fastapi-lint failed\n  Cause: Failed to read from stdin\n")
    assert "stdin is a character device" in result.stderr


@posix_only
def test_stdin_still_reads_pipes_files_and_dev_null(tmp_path: Path) -> None:
    piped = guarded("check", "--output-format", "concise", "-", cwd=tmp_path, input=SLEEPING_ROUTE)
    assert piped.returncode == 1, piped.stderr
    assert piped.stdout.startswith("-:9:5: FAPI101 ")

    (tmp_path / "app.py").write_text(SLEEPING_ROUTE)
    with open(tmp_path / "app.py", "rb") as file:
        from_file = guarded(
            "check", "--output-format", "concise", "--stdin-filename", "app.py", cwd=tmp_path, stdin=file
        )
    assert from_file.returncode == 1, from_file.stderr
    assert from_file.stdout.startswith("app.py:9:5: FAPI101 ")

    with open(os.devnull, "rb") as null:
        empty = guarded("check", "--stdin-filename", "app.py", cwd=tmp_path, stdin=null)
    assert (empty.returncode, empty.stdout) == (0, "All checks passed!\n"), empty.stderr


@needs_fifo
def test_a_fifo_as_an_extend_target_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "base.toml")
    (tmp_path / "fastapi-lint.toml").write_text('extend = "base.toml"\n')
    (tmp_path / "app.py").write_text("x = 1\n")

    result = guarded("check", ".", cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr.startswith("fastapi-lint failed\n")
    assert f"Cause: Failed to read {tmp_path / 'base.toml'}\n" in result.stderr
    assert "Cause: Not a regular file but a named pipe (FIFO)" in result.stderr


@needs_fifo
def test_a_fifo_as_the_config_file_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "settings.toml")

    result = guarded("check", "--config", "settings.toml", ".", cwd=tmp_path)

    assert result.returncode == 2
    assert f"Cause: Failed to read {tmp_path / 'settings.toml'}\n" in result.stderr
    assert "named pipe" in result.stderr


@needs_fifo
def test_add_noqa_refuses_a_fifo(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.py")

    result = guarded("check", "--add-noqa", "pipe.py", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert f"error: Failed to add noqa directives to {tmp_path / 'pipe.py'}: Not a regular file" in result.stderr


@needs_fifo
def test_check_paths_reports_a_fifo_without_reading_it(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.py")
    script = (
        "import sys, fastapi_lint\n"
        "for d in fastapi_lint.check_paths(sys.argv[1:]):\n"
        "    print(d.code, d.filename, d.message, sep='|')\n"
    )

    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "pipe.py")],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        cwd=tmp_path,
        preexec_fn=_limited,
    )

    assert result.returncode == 0, result.stderr
    code, filename, message = result.stdout.strip().split("|")
    assert (code, filename) == ("io-error", str(tmp_path / "pipe.py"))
    assert message.startswith("Not a regular file but a named pipe (FIFO)")


# 6. A run without Python files -------------------------------------------------------------------


@pytest.mark.parametrize("cache", ["default", "environment"])
def test_a_directory_without_python_files_warns_only_of_that(tmp_path: Path, run: Run, cache: str) -> None:
    """Ruff prints its "No Python files found" warning and nothing else, and writes no cache."""
    (tmp_path / "empty_dir").mkdir()
    (tmp_path / "empty_dir" / "notes.txt").write_text("no Python here\n")
    env: Dict[str, Optional[str]] = {"FASTAPI_LINT_CACHE_DIR": None} if cache == "default" else {}

    result = run("check", "empty_dir", env=env)

    assert result.returncode == 0
    assert result.stdout == "All checks passed!\n"
    assert result.stderr == "warning: No Python files found under the given path(s)\n"
    assert not (tmp_path / ".fastapi_lint_cache").exists()
    assert not (tmp_path / ".test-cache").exists()
