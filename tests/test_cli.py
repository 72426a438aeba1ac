"""The installed `fastapi-lint` command as a subprocess, on real files: Ruff's behaviour."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import fastapi_lint
import pytest
from support import (
    EXAMPLE_APP,
    JSON_KEYS,
    REPO_ROOT,
    SLEEP_COLUMN,
    SLEEP_ROW,
    SLEEPING_ROUTE,
    UNCLOSED_BRACKET,
    Run,
    console_script,
)


def test_clean_file_exits_0(tmp_path: Path, run: Run) -> None:
    (tmp_path / "clean.py").write_text("x = 1\n")

    result = run("check", "clean.py")

    assert result.returncode == 0, result.stderr
    assert "All checks passed!" in result.stdout


def test_findings_exit_1_with_concise_lines(tmp_path: Path, run: Run) -> None:
    (tmp_path / "app.py").write_text(SLEEPING_ROUTE)

    result = run("check", "--output-format", "concise", ".")

    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith(f"app.py:{SLEEP_ROW}:{SLEEP_COLUMN}: FAPI101 ")
    assert "Found 1 error." in result.stdout


def test_exit_zero(tmp_path: Path, run: Run) -> None:
    (tmp_path / "app.py").write_text(SLEEPING_ROUTE)

    result = run("check", "--exit-zero", "--output-format", "concise", "app.py")

    assert result.returncode == 0, result.stderr
    assert "FAPI101" in result.stdout


def test_syntax_errors_count_as_findings(tmp_path: Path, run: Run) -> None:
    (tmp_path / "broken.py").write_text(UNCLOSED_BRACKET)

    result = run("check", "--output-format", "concise", "broken.py")

    assert result.returncode == 1, result.stderr
    assert "broken.py:3:1: invalid-syntax" in result.stdout


def test_unknown_selector_exits_2(tmp_path: Path, run: Run) -> None:
    (tmp_path / "app.py").write_text(SLEEPING_ROUTE)

    result = run("check", "--select", "NOPE1", "app.py")

    assert result.returncode == 2
    assert "NOPE1" in result.stderr


def test_unknown_config_key_exits_2_naming_it(tmp_path: Path, run: Run) -> None:
    (tmp_path / "app.py").write_text(SLEEPING_ROUTE)
    (tmp_path / "pyproject.toml").write_text("[tool.fastapi-lint.lint]\nselekt = ['FAPI']\n")

    result = run("check", "app.py")

    assert result.returncode == 2
    assert "selekt" in result.stderr
    assert "pyproject.toml" in result.stderr


def test_json_output(tmp_path: Path, run: Run) -> None:
    path = tmp_path / "app.py"
    path.write_text(SLEEPING_ROUTE)

    result = run("check", "--output-format", "json", "app.py")

    assert result.returncode == 1, result.stderr
    [element] = json.loads(result.stdout)
    assert list(element) == JSON_KEYS
    assert element["code"] == "FAPI101"
    assert element["name"] == "blocking-sleep-in-async"
    assert element["filename"] == str(path)
    assert element["location"] == {"column": SLEEP_COLUMN, "row": SLEEP_ROW}
    assert element["noqa_row"] == SLEEP_ROW
    assert element["severity"] == "error"
    assert element["cell"] is None
    # The Python API holds exactly what the CLI prints.
    assert [d.to_dict() for d in fastapi_lint.check_paths([path])] == [element]


def test_json_output_of_a_clean_file_is_an_empty_array(tmp_path: Path, run: Run) -> None:
    (tmp_path / "clean.py").write_text("x = 1\n")

    result = run("check", "--output-format", "json", "clean.py")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_stdin_filename(tmp_path: Path, run: Run) -> None:
    result = run("check", "--output-format", "json", "--stdin-filename", "sub/app.py", input=SLEEPING_ROUTE)

    assert result.returncode == 1, result.stderr
    [element] = json.loads(result.stdout)
    assert element["code"] == "FAPI101"
    assert element["filename"] == str(tmp_path / "sub" / "app.py")


def test_stdin_without_a_filename_is_dash(run: Run) -> None:
    result = run("check", "--output-format", "concise", "-", input=SLEEPING_ROUTE)

    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith(f"-:{SLEEP_ROW}:{SLEEP_COLUMN}: FAPI101 ")


def test_noqa_suppresses_exactly_the_listed_code(tmp_path: Path, run: Run) -> None:
    sleep_line = "    time.sleep(1)\n"
    variants = {
        "blanket.py": "    time.sleep(1)  # noqa\n",
        "code.py": "    time.sleep(1)  # noqa: FAPI101\n",
        "spelling.py": "    time.sleep(1)  #NOQA:FAPI101 waiting on purpose\n",
        "other_code.py": "    time.sleep(1)  # noqa: FAPI102\n",
        "prefix.py": "    time.sleep(1)  # noqa: FAPI1\n",
    }
    for name, line in variants.items():
        (tmp_path / name).write_text(SLEEPING_ROUTE.replace(sleep_line, line))

    result = run("check", "--output-format", "json", ".")

    findings = sorted((Path(element["filename"]).name, element["code"]) for element in json.loads(result.stdout))
    # Codes match exactly: neither another code nor a prefix suppresses. A known FAPI code that
    # suppresses nothing is itself reported (FAPI900); an unknown one (`FAPI1`) is left alone.
    assert findings == [
        ("other_code.py", "FAPI101"),
        ("other_code.py", "FAPI900"),
        ("prefix.py", "FAPI101"),
    ]
    assert result.returncode == 1


def test_rule_prints_the_documentation(run: Run) -> None:
    [rule] = [rule for rule in fastapi_lint.rules() if rule.code == "FAPI101"]

    result = run("rule", "FAPI101")

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# blocking-sleep-in-async (FAPI101)")
    assert rule.docs.strip() in result.stdout


def test_rule_rejects_an_unknown_code(run: Run) -> None:
    result = run("rule", "FAPI999")

    assert result.returncode == 2
    assert "FAPI999" in result.stderr


def test_version(run: Run) -> None:
    for command in ("version", "--version"):
        result = run(command)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == f"fastapi-lint {fastapi_lint.__version__}"


def test_the_example_app_findings_are_the_marked_ones(run: Run) -> None:
    """Every `# CODE: why` marker in the example app is a finding on that line, and vice versa;
    `# preview CODE: why` marks the findings of preview rules, reported with `--preview`."""
    marker = re.compile(r"#\s*(preview\s+)?((?:FAST|FAPI)\d{3}):")
    stable, preview = set(), set()
    for path in sorted(EXAMPLE_APP.rglob("*.py")):
        for row, line in enumerate(path.read_text().splitlines(), start=1):
            for is_preview, code in marker.findall(line):
                (preview if is_preview else stable).add((path.relative_to(REPO_ROOT).as_posix(), row, code))

    def found(*args: str) -> set[tuple[str, int, str]]:
        result = run("check", "--output-format", "json", *args, "examples/fastapi_app", cwd=REPO_ROOT)
        assert result.returncode == 1, result.stderr
        return {
            (Path(element["filename"]).relative_to(REPO_ROOT).as_posix(), element["location"]["row"], element["code"])
            for element in json.loads(result.stdout)
        }

    # The README's first command, from the repository root.
    assert found() == stable
    assert preview, "the example shows preview rules too"
    assert found("--preview") == stable | preview


@pytest.mark.parametrize(
    "source",
    [
        # 200,000 chained operators (800 kB, linted on a thread of its own): Ruff itself
        # overflows its stack on this file.
        "x = " + " + ".join(["a"] * 200_000) + "\n",
        # 240,000 nested brackets, a level per byte (480 kB, linted on a worker of the pool).
        "x = " + "[" * 240_000 + "]" * 240_000 + "\n",
    ],
    ids=["long-chain", "deep-brackets"],
)
def test_pathologically_deep_code_is_reported_not_a_crash(tmp_path: Path, run: Run, source: str) -> None:
    (tmp_path / "deep.py").write_text(source)
    (tmp_path / "fine.py").write_text(SLEEPING_ROUTE)

    result = run("check", "--output-format", "json", ".", cwd=tmp_path)

    assert result.returncode == 1, result.stderr
    findings = sorted((Path(d["filename"]).name, d["code"]) for d in json.loads(result.stdout))
    assert findings == [("deep.py", "io-error"), ("fine.py", "FAPI101")]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_ends_the_command_at_once(tmp_path: Path) -> None:
    # Reading stdin that never ends: the Rust side would hold a Python-level interrupt back
    # forever, so only the default SIGINT disposition ends the process.
    process = subprocess.Popen([str(console_script()), "check", "--isolated", "-"], cwd=tmp_path, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        time.sleep(0.5)  # past the interpreter's start-up and into Rust
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == -signal.SIGINT
    finally:
        process.kill()
        process.wait()


def _extend_chain(root: Path, links: int) -> None:
    """`.fastapi-lint.toml` extends `c1.toml`, which extends `c2.toml`, ... up to a base that
    selects FAPI101 only."""
    (root / ".fastapi-lint.toml").write_text('extend = "c1.toml"\n')
    for link in range(1, links):
        (root / f"c{link}.toml").write_text(f'extend = "c{link + 1}.toml"\n')
    (root / f"c{links}.toml").write_text('[lint]\nselect = ["FAPI101"]\n')
    (root / "app.py").write_text(SLEEPING_ROUTE)


def test_a_chain_of_800_extend_files_is_read_like_ruff_reads_it(tmp_path: Path, run: Run) -> None:
    # 737 links once overflowed the stack: SIGSEGV, exit 139, no message.
    _extend_chain(tmp_path, 800)

    result = run("check", "--output-format", "concise", "app.py")

    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[0].startswith(f"app.py:{SLEEP_ROW}:{SLEEP_COLUMN}: FAPI101")


def test_check_paths_on_a_chain_of_800_extend_files_keeps_the_interpreter(tmp_path: Path) -> None:
    # In a child interpreter: the crash this guards against killed the process.
    _extend_chain(tmp_path, 800)
    script = "import fastapi_lint, sys; print(sorted({d.code for d in fastapi_lint.check_paths([sys.argv[1]])}))"

    result = subprocess.run([sys.executable, "-c", script, str(tmp_path / "app.py")], capture_output=True, text=True, check=False, cwd=tmp_path, timeout=120)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['FAPI101']"
