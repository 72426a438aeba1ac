"""Hostile input, through the installed command (and the Python API where it reads files too).

Every run has a timeout, so a hang fails instead of stalling the test run; every run's output is
checked for crash text (a Rust panic, a Python traceback); every file a run must not change is
compared byte for byte afterwards. Exit codes follow Ruff's convention: 0 no findings, 1
findings, 2 an error.

1. File contents: empty, BOM-only and BOM-prefixed files, CRLF and CR-only line endings, tabs
   and form feeds, NUL bytes, invalid UTF-8, UTF-16, 5 MB of code, a 1 MB line, Python 2, a
   Jinja template, the newest syntax (PEP 695, PEP 701, `except*`) and odd `# noqa` comments.
2. The file system: a 200-level tree (and one deeper than PATH_MAX), symlink loops, an
   unreadable file and directory, file names with spaces, non-ASCII, a leading dash, a newline.
3. Configuration: broken `.fastapi-lint.toml` / `pyproject.toml` / `--config` files (invalid
   TOML, wrong types, unknown keys and selectors, missing and cyclic `extend`, ...), and the
   odd shapes Ruff accepts.
4. The cache: corrupt entries, a cache directory that cannot be created, and concurrent runs
   sharing one cache while a file changes.
5. `--fix` killed mid-run: each file is either untouched or completely fixed, no temporary
   files are left behind.

Cases covered elsewhere are not repeated here: read-only files, a closed stdout, FIFOs and
devices, JUnit control characters, lone surrogates (test_reliability_io.py); semicolons, deep
nesting, the line endings of fixes and semantic syntax errors (test_reliability_syntax.py).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import fastapi_lint
import pytest
from support import SLEEPING_ROUTE, console_script

HAVE_RUFF = importlib.util.find_spec("ruff") is not None or bool(os.environ.get("FASTAPI_LINT_REQUIRE_RUFF"))
requires_ruff = pytest.mark.skipif(not HAVE_RUFF, reason="ruff is not installed (pip install ruff==0.16.4)")
posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file system semantics")
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

JSON = ("check", "--isolated", "--no-cache", "--output-format", "json")
CRASH_TEXT = ("panicked", "RUST_BACKTRACE", "Traceback (most recent call last)", "stack overflow", "SIGSEGV")
Found = List[Tuple[str, int, int]]


def cli(
    *args: str, cwd: Path, env: Optional[Dict[str, str]] = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """The installed `fastapi-lint ARGS`, killed after `timeout` seconds (the test then fails
    with `TimeoutExpired`); the cache goes next to `cwd` unless `env` says otherwise."""
    environment = {**os.environ, "FASTAPI_LINT_CACHE_DIR": str(cwd.parent / f"{cwd.name}.cache"), **(env or {})}
    result = subprocess.run(
        [str(console_script()), *args],
        cwd=cwd,
        env=environment,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        errors="replace",
        check=False,
        timeout=timeout,
    )
    assert_no_crash(result.stdout + result.stderr)
    return result


def assert_no_crash(output: str) -> None:
    for text in CRASH_TEXT:
        assert text not in output, output


def found(stdout: str) -> Found:
    return [(item["code"], item["location"]["row"], item["location"]["column"]) for item in json.loads(stdout)]


def snapshot(root: Path) -> Dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def only_warnings(stderr: str) -> bool:
    return all(line.startswith(("warning:", "  ")) for line in stderr.splitlines())


# 1. File contents ------------------------------------------------------------------------------

SLEEP = [("FAPI101", 9, 5)]
TABBED_ROUTE = SLEEPING_ROUTE.replace('@app.get("/")', '\x0c@app.get("/")').replace(
    "    time.sleep(1)\n    return {}", "\ttime.sleep(1)\n\x0c\treturn {}"
)
NEWEST_SYNTAX = """\
type X = int
type Pair[T] = tuple[T, T]


def f[T](x: T) -> T:
    return x


class Box[T]:
    pass


names = ["a", "b"]
s = f"{", ".join(names)}"
t = f"{f"{f"{1}"}"}"
u = f"{'\\n'.join(names)}"

try:
    pass
except* ValueError:
    pass
"""
JINJA = "{% if x %}\nimport os\n{% endif %}\n"

# name: (bytes, extra arguments, exit code, findings, a message of the first finding)
CONTENTS: Dict[str, Tuple[bytes, Tuple[str, ...], int, Found, str]] = {
    "empty": (b"", (), 0, [], ""),
    "bom-only": (b"\xef\xbb\xbf", (), 0, [], ""),
    "bom-and-code": (b"\xef\xbb\xbf" + SLEEPING_ROUTE.encode(), (), 1, SLEEP, "Blocking `time.sleep`"),
    "crlf": (SLEEPING_ROUTE.replace("\n", "\r\n").encode(), (), 1, SLEEP, "Blocking `time.sleep`"),
    "cr-only": (SLEEPING_ROUTE.replace("\n", "\r").encode(), (), 1, SLEEP, "Blocking `time.sleep`"),
    "tabs-and-form-feeds": (TABBED_ROUTE.encode(), (), 1, [("FAPI101", 9, 2)], "Blocking `time.sleep`"),
    "nul-byte": (
        b"import os\nx = 1\x00\n",
        (),
        1,
        [("invalid-syntax", 2, 6), ("invalid-syntax", 2, 7)],
        "Got unexpected token \x00",
    ),
    "invalid-utf8": (b'x = "\xff\xfe"\n', (), 1, [("io-error", 1, 1)], "stream did not contain valid UTF-8"),
    "utf16-bom": (SLEEPING_ROUTE.encode("utf-16"), (), 1, [("io-error", 1, 1)], "stream did not contain valid UTF-8"),
    "python2-print": (
        b'print "x"\n',
        (),
        1,
        [("invalid-syntax", 1, 7)],
        "Simple statements must be separated by newlines or semicolons",
    ),
    "jinja-template": (
        JINJA.encode(),
        (),
        1,
        [("invalid-syntax", row, column) for row, column in [(1, 2), (1, 4), (1, 7), (1, 10), (3, 2), (3, 11)]],
        "Expected an expression",
    ),
    "newest-syntax-py313": (NEWEST_SYNTAX.encode(), ("--target-version", "py313"), 0, [], ""),
    "newest-syntax-py311": (
        NEWEST_SYNTAX.encode(),
        ("--target-version", "py311"),
        1,
        [
            ("invalid-syntax", row, column)
            for row, column in [(1, 1), (2, 1), (5, 6), (9, 10), (14, 8), (15, 9), (15, 12), (16, 9)]
        ],
        "Cannot use `type` alias statement on Python 3.11",
    ),
}


@pytest.mark.parametrize("case", list(CONTENTS))
def test_file_contents(case: str, tmp_path: Path) -> None:
    content, arguments, code, expected, message = CONTENTS[case]
    path = tmp_path / "app.py"
    path.write_bytes(content)

    result = cli(*JSON, *arguments, "app.py", cwd=tmp_path)

    assert result.returncode == code, result.stderr
    assert found(result.stdout) == expected
    if message:
        assert json.loads(result.stdout)[0]["message"].startswith(message)
    assert path.read_bytes() == content


@pytest.mark.parametrize("case", [case for case in CONTENTS if not CONTENTS[case][1]])
def test_file_contents_through_check_paths(case: str, tmp_path: Path) -> None:
    """`check_paths` reads the file as the command does and reports the same findings."""
    content, _, _, expected, _ = CONTENTS[case]
    path = tmp_path / "app.py"
    path.write_bytes(content)

    diagnostics = fastapi_lint.check_paths([path])

    assert [(d.code, d.location.row, d.location.column) for d in diagnostics] == expected
    assert path.read_bytes() == content


def test_newest_syntax_is_clean_under_every_rule(tmp_path: Path) -> None:
    (tmp_path / "new.py").write_text(NEWEST_SYNTAX)
    result = cli(*JSON, "--target-version", "py313", "--select", "ALL", "new.py", cwd=tmp_path)
    assert (result.returncode, result.stdout.strip()) == (0, "[]"), result.stderr


BOM = b"\xef\xbb\xbf"


@pytest.mark.parametrize("mode", ["fix", "add-noqa"])
def test_fixes_and_noqa_keep_a_bom_and_leave_unreadable_files_alone(mode: str, tmp_path: Path) -> None:
    """`--fix` and `--add-noqa` write the BOM and the line endings back as they were; files that
    cannot be decoded or parsed are left byte for byte as they were."""
    plain = SLEEPING_ROUTE.encode()
    files = {
        "plain.py": plain,
        "bom.py": BOM + plain,
        "bom-crlf.py": BOM + plain.replace(b"\n", b"\r\n"),
        "invalid-utf8.py": plain + b"# \xff\n",
        "utf16.py": SLEEPING_ROUTE.encode("utf-16"),
        "nul.py": plain + b"x = 1\x00\n",
    }
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    args = ["--fix", "--unsafe-fixes"] if mode == "fix" else ["--add-noqa"]

    result = cli("check", "--isolated", "--no-cache", *args, ".", cwd=tmp_path)

    after = {name: (tmp_path / name).read_bytes() for name in files}
    expected = after["plain.py"]
    assert expected != plain
    assert (b"await asyncio.sleep(1)" if mode == "fix" else b"time.sleep(1)  # noqa: FAPI101") in expected
    assert after["bom.py"] == BOM + expected
    assert after["bom-crlf.py"] == BOM + expected.replace(b"\n", b"\r\n")
    for name in ["invalid-utf8.py", "utf16.py", "nul.py"]:
        assert after[name] == files[name], name
    assert result.returncode == (1 if mode == "fix" else 0), result.stdout + result.stderr


@pytest.mark.xfail(
    strict=True,
    reason="invalid UTF-8 on stdin is an io-error diagnostic at the --stdin-filename (exit 1); Ruff 0.16.4 "
    "fails instead (exit 2, `ruff failed` / `Cause: stream did not contain valid UTF-8`)",
)
def test_invalid_utf8_on_stdin_is_refused_as_ruff_refuses_it(tmp_path: Path) -> None:
    """Ruff cannot read such stdin and fails (exit 2: `stream did not contain valid UTF-8`)."""
    result = subprocess.run(
        [str(console_script()), "check", "--isolated", "--no-cache", "--stdin-filename", "app.py"],
        cwd=tmp_path,
        input=b'x = "\xff"\n',
        capture_output=True,
        check=False,
        timeout=60,
    )
    stderr = result.stderr.decode(errors="replace")
    assert_no_crash(stderr)

    assert (result.returncode, result.stdout) == (2, b""), stderr
    assert stderr.startswith("fastapi-lint failed\n")
    assert "stream did not contain valid UTF-8" in stderr


def _padded(size: int) -> str:
    parts = [SLEEPING_ROUTE]
    total, index = len(SLEEPING_ROUTE), 0
    while total < size:
        block = f"\n\ndef helper_{index}(a, b):\n    return a + b * {index}\n"
        parts.append(block)
        total += len(block)
        index += 1
    return "".join(parts)


def test_five_megabytes_of_code_lint_in_linear_time(tmp_path: Path) -> None:
    timings = []
    for name, size in [("half.py", 2_500_000), ("big.py", 5_000_000)]:
        (tmp_path / name).write_text(_padded(size))
        start = time.monotonic()
        result = cli(*JSON, name, cwd=tmp_path)
        timings.append(time.monotonic() - start)
        assert result.returncode == 1, result.stderr
        assert found(result.stdout) == SLEEP
    half, big = timings
    assert big < 30
    # Twice the input: about twice the time (allowing for noise and start-up), not four times.
    assert big < 4 * half + 1.0, timings


@pytest.mark.parametrize(
    "line",
    ["x = [" + "1, " * 333_333 + "]", "y = '" + "a" * 1_000_000 + "'", "# " + "c" * 1_000_000],
    ids=["list", "string", "comment"],
)
def test_a_one_megabyte_line(line: str, tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_text(SLEEPING_ROUTE + line + "\n")

    result = cli(*JSON, "app.py", cwd=tmp_path)

    assert result.returncode == 1, result.stderr
    assert found(result.stdout) == SLEEP


# Odd noqa comments: FAST002 exists in both tools, so Ruff is the reference.
DEPENDENCY_ROUTE = 'from fastapi import Depends, FastAPI\n\napp = FastAPI()\n\n\n@app.get("/users")\n'
NOQA_FAST002 = {
    "no-codes": "async def users(db: int = Depends(dict)):  # noqa:\n    return db\n",
    "empty-codes": "async def users(db: int = Depends(dict)):  # noqa: FAST002,,\n    return db\n",
    "lowercase-no-space": "async def users(db: int = Depends(dict)):  #noqa:fast002\n    return db\n",
    "joined-codes": "async def users(db: int = Depends(dict)):  # noqa:FAST002FAST003\n    return db\n",
    "space-before-colon": "async def users(db: int = Depends(dict)):  # noqa : FAST002\n    return db\n",
    "trailing-words": "async def users(db: int = Depends(dict)):  # noqa: FAST002 because\n    return db\n",
    "continuation-in-brackets": "async def users(db: int =\n    Depends(dict)):  # noqa: FAST002\n    return db\n",
    "continuation-backslash": "async def users(db: int = \\\n    Depends(dict)):  # noqa: FAST002\n    return db\n",
    "after-a-multiline-string": (
        'async def users(db: int = Depends(dict), q: str = """\n"""):  # noqa: FAST002\n    return db\n'
    ),
}


@requires_ruff
@pytest.mark.parametrize("case", list(NOQA_FAST002))
def test_noqa_oddities_match_ruff(case: str, tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(DEPENDENCY_ROUTE + NOQA_FAST002[case])
    args = [*JSON, "--select", "FAST", "app.py"]

    expected = subprocess.run(
        [sys.executable, "-m", "ruff", *args], cwd=tmp_path, capture_output=True, text=True, check=False, timeout=60
    )
    actual = cli(*args, cwd=tmp_path)

    assert actual.returncode == expected.returncode, actual.stderr
    assert json.loads(actual.stdout) == json.loads(expected.stdout)
    assert actual.stderr == expected.stderr


# The same oddities on a FAPI101 line: (the sleeping line replaced, findings, a warning).
NOQA_FAPI101: Dict[str, Tuple[str, List[Tuple[str, int]], str]] = {
    "no-codes": ("    time.sleep(1)  # noqa:\n", [("FAPI101", 9)], "Invalid `# noqa` directive on app.py:9"),
    "empty-codes": ("    time.sleep(1)  # noqa: FAPI101,,\n", [], "Missing or joined rule code(s) at app.py:9"),
    "lowercase": ("    time.sleep(1)  #noqa:fapi101\n", [("FAPI101", 9)], "Invalid `# noqa` directive on app.py:9"),
    "prefix-only": ("    time.sleep(1)  # noqa: FAPI\n", [("FAPI101", 9)], "Invalid `# noqa` directive on app.py:9"),
    "colon-joined": (
        "    time.sleep(1)  # noqa:FAPI101:FAPI102\n",
        [("FAPI101", 9)],
        "expected code to consist of uppercase letters followed by digits only",
    ),
    "blanket-uppercase": ("    time.sleep(1)  # NOQA\n", [], ""),
    "on-the-first-line-of-the-call": ("    time.sleep(  # noqa: FAPI101\n        1\n    )\n", [], ""),
    # A noqa on a continuation line of the call is not the finding's line: unused, as in Ruff.
    "on-a-continuation-line": (
        "    time.sleep(\n        1  # noqa: FAPI101\n    )\n",
        [("FAPI101", 9), ("FAPI900", 10)],
        "",
    ),
}


@pytest.mark.parametrize("case", list(NOQA_FAPI101))
def test_noqa_oddities_on_a_fastapi_lint_rule(case: str, tmp_path: Path) -> None:
    line, expected, warning = NOQA_FAPI101[case]
    lines = SLEEPING_ROUTE.splitlines(keepends=True)
    lines[8] = line
    (tmp_path / "app.py").write_text("".join(lines))

    result = cli(*JSON, "app.py", cwd=tmp_path)

    assert result.returncode == (1 if expected else 0), result.stderr
    assert [(code, row) for code, row, _ in found(result.stdout)] == expected
    if warning:
        assert warning in result.stderr
    else:
        assert result.stderr == ""


# 2. The file system ----------------------------------------------------------------------------


def test_a_tree_200_directories_deep(tmp_path: Path) -> None:
    directory = tmp_path.joinpath(*["d"] * 200)
    directory.mkdir(parents=True)
    (directory / "app.py").write_text(SLEEPING_ROUTE)

    result = cli(*JSON, ".", cwd=tmp_path)

    assert result.returncode == 1, result.stderr
    assert [item["filename"] for item in json.loads(result.stdout)] == [str(directory / "app.py")]
    assert found(result.stdout) == SLEEP


@posix_only
def test_a_tree_deeper_than_path_max_is_a_warning_as_in_ruff(tmp_path: Path) -> None:
    """200 levels of 25-character names: over 5000 characters, past Linux's PATH_MAX. Ruff warns
    that the name is too long and finds no files (exit 0); so does this, without a crash."""
    os.mkdir(tmp_path / "deep")
    descriptor = os.open(tmp_path / "deep", os.O_RDONLY)
    try:
        for _ in range(200):
            os.mkdir("level_" + "x" * 19, dir_fd=descriptor)
            inner = os.open("level_" + "x" * 19, os.O_RDONLY, dir_fd=descriptor)
            os.close(descriptor)
            descriptor = inner
        file = os.open("app.py", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=descriptor)
        os.write(file, SLEEPING_ROUTE.encode())
        os.close(file)
    finally:
        os.close(descriptor)

    result = cli(*JSON, "deep", cwd=tmp_path)

    assert (result.returncode, result.stdout.strip()) == (0, "[]"), result.stderr
    assert "File name too long" in result.stderr
    assert only_warnings(result.stderr)


@posix_only
@pytest.mark.parametrize(
    ("link", "target", "argument", "shown"),
    [
        ("a", ".", ".", "app.py"),
        ("a", ".", "a", "a/app.py"),
        ("sub/up", "..", ".", "app.py"),
        ("self", "self", ".", "app.py"),
    ],
    ids=["dot", "through-the-link", "parent", "to-itself"],
)
def test_symlink_loops_end(link: str, target: str, argument: str, shown: str, tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(SLEEPING_ROUTE)
    (tmp_path / link).parent.mkdir(exist_ok=True)
    os.symlink(target, tmp_path / link)

    result = cli(*JSON, argument, cwd=tmp_path)

    assert result.returncode == 1, result.stderr
    assert [item["filename"] for item in json.loads(result.stdout)] == [str(tmp_path / shown)]


@posix_only
@pytest.mark.parametrize("what", ["file", "directory", "configuration"])
def test_unreadable_file_directory_or_configuration(what: str, tmp_path: Path) -> None:
    """Without permission (as checked running as `nobody`): a file that cannot be read is an
    io-error (`Permission denied (os error 13)`, exit 1, as Ruff's E902), a directory that
    cannot be listed a warning (exit 0, no files), a configuration that cannot be read an error
    naming it (exit 2). Root reads anything: then the file is simply linted."""
    directory = tmp_path / "pkg"
    directory.mkdir()
    path = directory / "app.py"
    path.write_text(SLEEPING_ROUTE)
    (tmp_path / "pyproject.toml").write_text('[tool.fastapi-lint]\nselect = ["FAPI"]\n')
    locked = {"file": path, "directory": directory, "configuration": tmp_path / "pyproject.toml"}[what]
    locked.chmod(0)
    try:
        result = cli("check", "--no-cache", "--output-format", "json", ".", cwd=tmp_path)
    finally:
        locked.chmod(0o755)

    if IS_ROOT:
        assert result.returncode == 1, result.stderr
        assert found(result.stdout) == SLEEP
    elif what == "file":
        assert result.returncode == 1, result.stderr
        assert [(item["code"], item["message"]) for item in json.loads(result.stdout)] == [
            ("io-error", "Permission denied (os error 13)")
        ]
    elif what == "directory":
        assert (result.returncode, result.stdout.strip()) == (0, "[]"), result.stderr
        assert f"warning: Encountered error: {directory}: Permission denied" in result.stderr
    else:
        assert result.returncode == 2, result.stderr
        assert f"Failed to read {tmp_path / 'pyproject.toml'}" in result.stderr
        assert "Permission denied" in result.stderr
    assert path.read_text() == SLEEPING_ROUTE


ODD_NAMES = ["with space.py", "ünïcødé_日本.py", "-x.py", "new\nline.py", "quote'\"$(true).py"]


@posix_only
@pytest.mark.parametrize("name", ODD_NAMES, ids=["space", "unicode", "leading-dash", "newline", "shell-chars"])
def test_odd_file_names_are_named_exactly(name: str, tmp_path: Path) -> None:
    try:
        (tmp_path / name).write_text(SLEEPING_ROUTE)
    except OSError:
        pytest.skip("the file system refuses this name")

    named = cli(*JSON, "--", name, cwd=tmp_path)
    walked = cli(*JSON, ".", cwd=tmp_path)

    for result in (named, walked):
        assert result.returncode == 1, result.stderr
        assert [(item["filename"], item["code"]) for item in json.loads(result.stdout)] == [
            (str(tmp_path / name), "FAPI101")
        ]


# 3. Configuration ------------------------------------------------------------------------------

# name: ({file: content}, extra arguments, the file the message must name, text the message holds)
BROKEN_CONFIGURATIONS: Dict[str, Tuple[Dict[str, str], Tuple[str, ...], str, str]] = {
    "invalid-toml": ({".fastapi-lint.toml": "select = [\n"}, (), ".fastapi-lint.toml", "unclosed array"),
    "invalid-toml-pyproject": (
        {"pyproject.toml": "[tool.fastapi-lint]\nselect = [\n"},
        (),
        "pyproject.toml",
        "unclosed array",
    ),
    "invalid-toml-pyproject-other-tool": (
        {"pyproject.toml": "[tool.black]\na = [\n"},
        (),
        "pyproject.toml",
        "TOML parse error",
    ),
    "select-is-a-string": (
        {".fastapi-lint.toml": 'select = "FAPI"\n'},
        (),
        ".fastapi-lint.toml",
        "expected a sequence",
    ),
    "select-holds-a-number": ({".fastapi-lint.toml": "select = [1]\n"}, (), ".fastapi-lint.toml", "expected a string"),
    "lint-is-a-number": ({".fastapi-lint.toml": "lint = 5\n"}, (), ".fastapi-lint.toml", "TOML parse error"),
    "lint-select-is-a-number": (
        {".fastapi-lint.toml": "[lint]\nselect = 5\n"},
        (),
        ".fastapi-lint.toml",
        "TOML parse error",
    ),
    "section-is-a-number": ({"pyproject.toml": "[tool]\nfastapi-lint = 1\n"}, (), "pyproject.toml", "invalid type"),
    "fix-is-a-string": ({".fastapi-lint.toml": 'fix = "yes"\n'}, (), ".fastapi-lint.toml", "TOML parse error"),
    "per-file-ignores-is-a-list": (
        {".fastapi-lint.toml": 'per-file-ignores = ["a"]\n'},
        (),
        ".fastapi-lint.toml",
        "TOML parse error",
    ),
    "unknown-key": ({".fastapi-lint.toml": "bogus-key = 1\n"}, (), ".fastapi-lint.toml", "unknown field `bogus-key`"),
    "unknown-key-pyproject": (
        {"pyproject.toml": '[tool.fastapi-lint]\nline-length = "long"\n'},
        (),
        "pyproject.toml",
        "unknown field `line-length`",
    ),
    "duplicate-key": (
        {".fastapi-lint.toml": "select = []\nselect = []\n"},
        (),
        ".fastapi-lint.toml",
        "TOML parse error",
    ),
    "unknown-selector": (
        {".fastapi-lint.toml": 'select = ["NOPE123"]\n'},
        (),
        ".fastapi-lint.toml",
        "Unknown rule selector `NOPE123`",
    ),
    "unknown-ignored-code": (
        {".fastapi-lint.toml": 'ignore = ["FAPI999"]\n'},
        (),
        ".fastapi-lint.toml",
        "Unknown rule selector `FAPI999`",
    ),
    "unknown-per-file-selector": (
        {".fastapi-lint.toml": '[per-file-ignores]\n"*.py" = ["NOPE1"]\n'},
        (),
        ".fastapi-lint.toml",
        "Unknown rule selector `NOPE1`",
    ),
    "unknown-target-version": (
        {".fastapi-lint.toml": 'target-version = "py2"\n'},
        (),
        ".fastapi-lint.toml",
        "unknown variant `py2`",
    ),
    "invalid-utf8": (
        {".fastapi-lint.toml": 'select = ["\udcff"]\n'},
        (),
        ".fastapi-lint.toml",
        "stream did not contain valid UTF-8",
    ),
    "nul-byte": ({".fastapi-lint.toml": 'select = ["FAPI"]\x00\n'}, (), ".fastapi-lint.toml", "TOML parse error"),
    "nested-100000-deep": (
        {".fastapi-lint.toml": "select = " + "[" * 100_000 + "]" * 100_000 + "\n"},
        (),
        ".fastapi-lint.toml",
        "TOML parse error",
    ),
    "extend-missing-file": (
        {".fastapi-lint.toml": 'extend = "missing.toml"\n'},
        (),
        "missing.toml",
        "No such file or directory",
    ),
    "extend-empty-string": ({".fastapi-lint.toml": 'extend = ""\n'}, (), ".fastapi-lint.toml", "Is a directory"),
    "extend-a-directory": ({".fastapi-lint.toml": 'extend = "sub"\n', "sub/app.py": ""}, (), "sub", "Is a directory"),
    "extend-is-a-number": ({".fastapi-lint.toml": "extend = 1\n"}, (), ".fastapi-lint.toml", "TOML parse error"),
    "extend-itself": (
        {".fastapi-lint.toml": 'extend = ".fastapi-lint.toml"\n'},
        (),
        ".fastapi-lint.toml",
        "Circular configuration",
    ),
    "extend-cycle": (
        {".fastapi-lint.toml": 'extend = "b.toml"\n', "b.toml": 'extend = ".fastapi-lint.toml"\n'},
        (),
        "b.toml",
        "Circular configuration",
    ),
    "extend-cycle-pyproject": (
        {"pyproject.toml": '[tool.fastapi-lint]\nextend = "a.toml"\n', "a.toml": 'extend = "pyproject.toml"\n'},
        (),
        "a.toml",
        "Circular configuration",
    ),
    "extend-broken-file": (
        {".fastapi-lint.toml": 'extend = "base.toml"\n', "base.toml": "select = 1\n"},
        (),
        "base.toml",
        "TOML parse error",
    ),
    "config-option-missing": ({}, ("--config", "missing.toml"), "missing.toml", "No such file or directory"),
    "config-option-broken": (
        {"settings.toml": "select = 1\n"},
        ("--config", "settings.toml"),
        "settings.toml",
        "TOML parse error",
    ),
}
# An invalid glob is refused (exit 2), but the message does not say which file holds it.
UNNAMED_GLOB = pytest.mark.xfail(
    strict=True,
    reason="an invalid glob in `exclude`/`per-file-ignores` exits 2 with `Invalid glob `[``, "
    "but the message does not name the configuration file it came from (Ruff 0.16.4 does not either)",
)
BROKEN_GLOBS: Dict[str, Tuple[Dict[str, str], Tuple[str, ...], str, str]] = {
    "exclude-invalid-glob": ({".fastapi-lint.toml": 'exclude = ["["]\n'}, (), ".fastapi-lint.toml", "Invalid glob"),
    "per-file-ignores-invalid-glob": (
        {".fastapi-lint.toml": '[per-file-ignores]\n"[" = ["FAPI101"]\n'},
        (),
        ".fastapi-lint.toml",
        "Invalid glob",
    ),
}


def _write_project(root: Path, files: Dict[str, str]) -> None:
    (root / "app.py").write_text(SLEEPING_ROUTE)
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content.encode("utf-8", "surrogateescape"))


@pytest.mark.parametrize(
    "case",
    [*BROKEN_CONFIGURATIONS, *(pytest.param(case, marks=UNNAMED_GLOB) for case in BROKEN_GLOBS)],
)
def test_broken_configuration_is_an_error_naming_the_file(case: str, tmp_path: Path) -> None:
    files, arguments, named, text = {**BROKEN_CONFIGURATIONS, **BROKEN_GLOBS}[case]
    _write_project(tmp_path, files)
    before = snapshot(tmp_path)

    result = cli("check", "--no-cache", *arguments, ".", cwd=tmp_path)

    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith("fastapi-lint failed\n")
    assert str(tmp_path / named) in result.stderr
    assert text in result.stderr
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("case", list(BROKEN_CONFIGURATIONS))
def test_broken_configuration_raises_config_error_in_check_paths(case: str, tmp_path: Path) -> None:
    files, arguments, named, _ = BROKEN_CONFIGURATIONS[case]
    _write_project(tmp_path, files)
    config = arguments[1] if arguments else None

    with pytest.raises(fastapi_lint.ConfigError) as raised:
        fastapi_lint.check_paths([tmp_path], config=None if config is None else tmp_path / config)

    assert Path(named).name in str(raised.value)


@pytest.mark.parametrize(
    "files",
    [
        {".fastapi-lint.toml": ""},
        {".fastapi-lint.toml": '\ufeffselect = ["FAPI"]\n'},
        {"pyproject.toml": "[project]\nname = 'x'\n"},
        {".fastapi-lint.toml/app.py": ""},
    ],
    ids=["empty", "bom", "pyproject-without-section", "a-directory-named-like-the-file"],
)
def test_odd_configuration_ruff_accepts_still_lints(files: Dict[str, str], tmp_path: Path) -> None:
    _write_project(tmp_path, files)

    result = cli(*JSON[:2], "--output-format", "json", "--no-cache", "app.py", cwd=tmp_path)

    assert result.returncode == 1, result.stderr
    assert found(result.stdout) == SLEEP


# 4. The cache ----------------------------------------------------------------------------------


def _garbage(kind: str, original: bytes, others: List[bytes], index: int) -> bytes:
    if kind == "random":
        return os.urandom(max(len(original), 64))
    if kind == "all-ff":
        return b"\xff" * 4096
    if kind == "zeros":
        return b"\x00" * 4096
    if kind == "empty":
        return b""
    if kind == "truncated":
        return original[: len(original) // 2]
    return others[(index + 1) % len(others)]  # "rotated": each entry holds another file's entry


@pytest.mark.parametrize("kind", ["random", "all-ff", "zeros", "empty", "truncated", "rotated"])
def test_a_corrupt_cache_is_ignored(kind: str, tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "clean.py").write_text("x = 1\n")
    for index in range(3):
        (project / f"app{index}.py").write_text(SLEEPING_ROUTE)
    env = {"FASTAPI_LINT_CACHE_DIR": str(tmp_path / "cache")}
    first = cli("check", "--output-format", "json", ".", cwd=project, env=env)
    assert first.returncode == 1, first.stderr
    entries = sorted(path for path in (tmp_path / "cache").rglob("*") if path.is_file())
    assert len(entries) >= 2  # the project entry and at least one bucket
    contents = [path.read_bytes() for path in entries]
    for index, path in enumerate(entries):
        path.write_bytes(_garbage(kind, contents[index], contents, index))

    for _ in range(2):  # reading the garbage, then reading what that run wrote
        again = cli("check", "--output-format", "json", ".", cwd=project, env=env)
        assert again.returncode == 1, again.stderr
        assert json.loads(again.stdout) == json.loads(first.stdout)
        assert only_warnings(again.stderr), again.stderr


# Runs the command after capping its address space (as test_reliability_io.py does), so that a
# run reading without bound fails quickly instead of taking the machine's memory. `exec` keeps
# the process, so wait4 still measures it.
LIMITED = (
    "import os, resource, sys\n"
    "limit = (4 << 30) + (64 << 20) * (os.cpu_count() or 1)\n"
    "resource.setrlimit(resource.RLIMIT_AS, (limit, limit))\n"
    "os.execv(sys.argv[1], sys.argv[1:])\n"
)


def measured(*args: str, cwd: Path, env: Dict[str, str], timeout: float) -> Tuple[int, str, str, int]:
    """`fastapi-lint ARGS` with its memory capped: the exit code, stdout, stderr and the peak
    resident memory in KiB (ru_maxrss, from wait4). Killed, and `TimeoutExpired` raised, after
    `timeout` seconds."""
    with open(cwd.parent / "stdout", "w+") as stdout, open(cwd.parent / "stderr", "w+") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-c", LIMITED, str(console_script()), *args],
            cwd=cwd,
            env={**os.environ, **env},
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=stderr,
        )
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                process.returncode = os.waitstatus_to_exitcode(status)
                break
            if time.monotonic() > deadline:
                process.kill()
                process.wait()
                raise subprocess.TimeoutExpired(args, timeout)
            time.sleep(0.02)
        stdout.seek(0)
        stderr.seek(0)
        output, errors = stdout.read(), stderr.read()
    assert_no_crash(output + errors)
    return process.returncode, output, errors, usage.ru_maxrss


@posix_only
@pytest.mark.skipif(not hasattr(os, "wait4") or not hasattr(os, "mkfifo"), reason="wait4 and mkfifo")
@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
@pytest.mark.parametrize(
    "entry",
    [
        "a-directory",
        "a-symlink-to-a-file-outside",
        "a-symlink-to-dev-zero",
        "a-fifo",
    ],
)
def test_cache_entries_that_are_not_regular_files(entry: str, tmp_path: Path) -> None:
    """The cache directory sits in the project (`.fastapi_lint_cache`), so a checked-out
    repository can hold anything there. What is not a regular file is passed over, never read
    without bound, waited on, or written through."""
    project = tmp_path / "project"
    project.mkdir()
    for index in range(3):
        (project / f"app{index}.py").write_text(SLEEPING_ROUTE)
    cache = tmp_path / "cache"
    env = {"FASTAPI_LINT_CACHE_DIR": str(cache)}
    first = cli("check", "--isolated", "--output-format", "json", ".", cwd=project, env=env)
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious\n")
    entries = [path for path in cache.rglob("*") if path.is_file() and path.parent != cache]
    assert len(entries) >= 2  # the project entry and at least one bucket
    for path in entries:
        path.unlink()
        if entry == "a-directory":
            path.mkdir()
        elif entry == "a-fifo":
            os.mkfifo(path)
        else:
            path.symlink_to(victim if entry == "a-symlink-to-a-file-outside" else Path("/dev/zero"))
    (project / "app0.py").write_text(SLEEPING_ROUTE + "# changed\n")  # so that entries are written too

    code, stdout, stderr, peak = measured(
        "check", "--isolated", "--output-format", "json", ".", cwd=project, env=env, timeout=15
    )

    assert code == 1, stderr
    assert json.loads(stdout) == json.loads(first.stdout)
    assert only_warnings(stderr), stderr
    assert peak < 300 * 1024, f"peak resident memory {peak // 1024} MiB"
    assert victim.read_bytes() == b"precious\n"


@posix_only
@pytest.mark.parametrize("where", ["a-file", "under-a-file", "read-only-directory"])
def test_a_cache_that_cannot_be_written_still_lints(where: str, tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text(SLEEPING_ROUTE)
    blocker = tmp_path / "blocker"
    if where == "read-only-directory":
        blocker.mkdir(mode=0o555)
        cache = blocker / "cache"
    else:
        blocker.write_bytes(b"not a directory\n")
        cache = blocker if where == "a-file" else blocker / "sub"

    try:
        results = [
            cli(*JSON[:2], "--output-format", "json", ".", cwd=project, env={"FASTAPI_LINT_CACHE_DIR": str(cache)})
            for _ in range(2)
        ]
    finally:
        if blocker.is_dir():
            blocker.chmod(0o755)

    for result in results:
        assert result.returncode == 1, result.stderr
        assert found(result.stdout) == SLEEP
        assert only_warnings(result.stderr), result.stderr
    if where != "read-only-directory":
        assert blocker.read_bytes() == b"not a directory\n"
        assert "Failed to create the cache directory" in results[0].stderr


def test_concurrent_runs_sharing_a_cache_while_a_file_changes(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    for index in range(40):
        (project / f"app{index}.py").write_text(SLEEPING_ROUTE)
    changing = project / "app0.py"
    env = {**os.environ, "FASTAPI_LINT_CACHE_DIR": str(tmp_path / "cache")}
    command = [str(console_script()), "check", "--isolated", "--output-format", "json", "."]

    for round_ in range(4):
        changing.write_text(SLEEPING_ROUTE if round_ % 2 else "x = 1\n")
        first = subprocess.Popen(
            command, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        time.sleep(0.02)
        changing.write_text("x = 1\n" if round_ % 2 else SLEEPING_ROUTE)
        second = subprocess.Popen(
            command, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        outputs = []
        for process in (first, second):
            try:
                stdout, stderr = process.communicate(timeout=60)
            finally:
                process.kill()
            assert_no_crash(stdout + stderr)
            assert process.returncode == 1, stderr
            outputs.append(json.loads(stdout))
        for output in outputs:
            assert {item["filename"] for item in output} >= {str(project / f"app{index}.py") for index in range(1, 40)}

        # Whatever the two runs wrote, the cache now gives what a run without it gives.
        cached = cli(
            "check",
            "--isolated",
            "--output-format",
            "json",
            ".",
            cwd=project,
            env={"FASTAPI_LINT_CACHE_DIR": str(tmp_path / "cache")},
        )
        fresh = cli(*JSON, ".", cwd=project)
        assert json.loads(cached.stdout) == json.loads(fresh.stdout)


# 5. `--fix` killed mid-run ---------------------------------------------------------------------


FIX = ("check", "--isolated", "--no-cache", "--fix", "--unsafe-fixes")
TEMPORARY = ".fastapi-lint-"


def _project_needing_fixes(tmp_path: Path) -> Tuple[Path, Dict[str, bytes], Dict[str, bytes]]:
    """300 files, each with one FAPI101 to fix (unsafe), padded so that fixing them all takes a
    while; with the original and the fixed bytes of each (the fixed ones from a run on a copy)."""
    project = tmp_path / "project"
    project.mkdir()
    padding = "".join(f"\n\ndef helper_{n}(a, b):\n    return a + b * {n}\n" for n in range(300))
    for index in range(300):
        (project / f"app{index:03}.py").write_text(f"# module {index}\n{SLEEPING_ROUTE}{padding}")
    original = snapshot(project)

    reference = tmp_path / "reference"
    shutil.copytree(project, reference)
    fixed_run = cli(*FIX, ".", cwd=reference)
    assert fixed_run.returncode == 0, fixed_run.stdout + fixed_run.stderr
    fixed = snapshot(reference)
    assert all(fixed[name] != original[name] and b"await asyncio.sleep(1)" in fixed[name] for name in original)
    return project, original, fixed


def _kill_fix_after(delay: float, project: Path, when_a_temporary_file_exists: bool = False) -> None:
    """Start `--fix` and SIGKILL it after `delay` seconds, or (`when_a_temporary_file_exists`)
    as soon as one of its temporary files is seen, within 30 s."""
    process = subprocess.Popen(
        [str(console_script()), *FIX, "."],
        cwd=project,
        env={**os.environ, "FASTAPI_LINT_CACHE_DIR": str(project.parent / "kill.cache")},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    if when_a_temporary_file_exists:
        deadline = time.monotonic() + 30
        while process.poll() is None and time.monotonic() < deadline:
            if any(name.startswith(TEMPORARY) for name in os.listdir(project)):
                break
    else:
        time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)


@posix_only
@pytest.mark.parametrize("delay", [0.05, 0.2, 0.5])
def test_fix_killed_mid_run_leaves_each_file_whole(delay: float, tmp_path: Path) -> None:
    project, original, fixed = _project_needing_fixes(tmp_path)

    _kill_fix_after(delay, project)

    after = snapshot(project)
    # Leftover temporary files are test_fix_killed_mid_run_leaves_no_temporary_files's concern.
    assert sorted(name for name in after if not name.startswith(TEMPORARY)) == sorted(original)
    torn = [name for name in original if after[name] not in (original[name], fixed[name])]
    assert torn == [], f"{len(torn)} files are neither the original nor the fixed text: {torn[:3]}"

    # A second run finishes the job.
    rerun = cli(*FIX, ".", cwd=project)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert {name: data for name, data in snapshot(project).items() if not name.startswith(TEMPORARY)} == fixed


@posix_only
@pytest.mark.xfail(
    strict=True,
    reason="a `--fix` run killed (SIGKILL) while writing leaves its `.fastapi-lint-XXXXXX.tmp` files "
    "(the write-then-rename temporaries) in the project, and later runs do not remove them",
)
def test_fix_killed_mid_run_leaves_no_temporary_files(tmp_path: Path) -> None:
    project, original, _ = _project_needing_fixes(tmp_path)
    pristine = tmp_path / "pristine"
    shutil.copytree(project, pristine)

    for _ in range(3):
        shutil.rmtree(project)
        shutil.copytree(pristine, project)
        _kill_fix_after(0, project, when_a_temporary_file_exists=True)
        cli(*FIX, ".", cwd=project)  # a later run could clear what the killed one left
        assert sorted(entry.name for entry in project.iterdir()) == sorted(original)
