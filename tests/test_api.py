"""The Python API: check_source, check_paths, rules and the result types."""

from __future__ import annotations

import ast
import dataclasses
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import typing
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import fastapi_lint
import pytest
from fastapi_lint import (
    Applicability,
    ConfigError,
    Diagnostic,
    Edit,
    Fix,
    FixAvailability,
    FixResult,
    Linter,
    LintError,
    Location,
    RelatedLocation,
    Rule,
    Severity,
    _api,
    _core,
)
from support import (
    EXAMPLE_APP,
    JSON_KEYS,
    REPO_ROOT,
    SLEEP_COLUMN,
    SLEEP_ROW,
    SLEEPING_ROUTE,
    UNCLOSED_BRACKET,
    Run,
)

FIXTURES = REPO_ROOT / "tests" / "fixtures"
# A project whose route reaches `requests.get` through another module: FAPI106 with a related
# location.
PROJECT = REPO_ROOT / "rust" / "fastapi_lint_cli" / "resources" / "test" / "projects" / "package"
RESULT_CLASSES = [Diagnostic, Location, RelatedLocation, Edit, Fix, FixResult, Rule]


def test_syntax_error_is_an_invalid_syntax_diagnostic(tmp_path: Path) -> None:
    path = tmp_path / "broken.py"
    [diagnostic] = fastapi_lint.check_source(UNCLOSED_BRACKET, filename=path)

    assert diagnostic.code == "invalid-syntax"
    assert diagnostic.name == "invalid-syntax"
    assert diagnostic.message == "unexpected EOF while parsing"
    assert diagnostic.filename == str(path)
    assert diagnostic.location == Location(row=3, column=1)
    assert diagnostic.end_location == Location(row=3, column=1)
    assert diagnostic.noqa_row is None
    assert diagnostic.fix is None
    assert diagnostic.url is None
    assert diagnostic.severity == "error"
    assert diagnostic.cell is None


def test_to_dict_is_one_element_of_the_json_output(tmp_path: Path) -> None:
    path = tmp_path / "broken.py"
    [diagnostic] = fastapi_lint.check_source(UNCLOSED_BRACKET, filename=path)

    data = diagnostic.to_dict()

    assert list(data) == JSON_KEYS
    assert data == {
        "cell": None,
        "code": "invalid-syntax",
        "end_location": {"column": 1, "row": 3},
        "filename": str(path),
        "fix": None,
        "location": {"column": 1, "row": 3},
        "message": "unexpected EOF while parsing",
        "name": "invalid-syntax",
        "noqa_row": None,
        "severity": "error",
        "url": None,
    }
    assert Diagnostic.from_dict(data) == diagnostic


def test_diagnostics_are_immutable() -> None:
    [diagnostic] = fastapi_lint.check_source(UNCLOSED_BRACKET)
    with pytest.raises(dataclasses.FrozenInstanceError):
        diagnostic.code = "FAPI101"  # type: ignore[misc]


def test_results_are_the_package_types_built_by_the_extension() -> None:
    source = (FIXTURES / "fast_rules.py").read_text()
    # The extension itself returns the objects: no JSON text in between.
    diagnostics = _core.check_source(source, "fast_rules.py")
    assert diagnostics == fastapi_lint.check_source(source, filename="fast_rules.py")
    assert type(diagnostics) is list
    assert diagnostics
    edits: list[Edit] = []
    for diagnostic in diagnostics:
        assert type(diagnostic) is Diagnostic
        assert type(diagnostic.location) is type(diagnostic.end_location) is Location
        assert type(diagnostic.related) is tuple
        hash(diagnostic)  # frozen, and so usable in sets and as keys
        if diagnostic.fix is not None:
            assert type(diagnostic.fix) is Fix
            assert type(diagnostic.fix.edits) is tuple
            edits.extend(diagnostic.fix.edits)
    assert edits
    for edit in edits:
        assert type(edit) is Edit
        assert type(edit.content) is str
        assert type(edit.location) is type(edit.end_location) is Location

    source = (PROJECT / "app" / "routes.py").read_text()
    [diagnostic, *_] = fastapi_lint.check_source(
        source, filename=PROJECT / "app" / "routes.py", select=["FAPI106"], preview=True, project_root=PROJECT
    )
    [related] = diagnostic.related
    assert type(related) is RelatedLocation
    assert type(related.location) is type(related.end_location) is Location

    result = fastapi_lint.fix_source(SLEEPING_ROUTE, filename="app.py")
    assert type(result) is FixResult
    assert type(result.diagnostics) is list
    assert [type(d) for d in result.diagnostics] == [Diagnostic]

    assert {type(rule) for rule in fastapi_lint.rules()} == {Rule}


def test_to_dict_is_the_cli_json_for_every_kind_of_diagnostic(tmp_path: Path, run: Run) -> None:
    shutil.copytree(EXAMPLE_APP, tmp_path / "app")
    for fixture in FIXTURES.glob("*.py"):
        shutil.copy(fixture, tmp_path)
    # Library code (no app imports it): a rule that applies there, so the directive is unused.
    (tmp_path / "noqa.py").write_text("x = 1  # noqa: FAPI802\n")
    (tmp_path / "latin1.py").write_bytes(b"x = '\xe9'\n")
    (tmp_path / "pyproject.toml").write_text('[tool.fastapi-lint.lint]\nselect = ["ALL"]\npreview = true\n')

    result = run("check", "--output-format", "json", ".", cwd=tmp_path)
    diagnostics = fastapi_lint.check_paths([tmp_path])

    assert result.returncode == 1, result.stderr
    elements = json.loads(result.stdout)
    assert [d.to_dict() for d in diagnostics] == elements
    # `from_dict` reads the CLI's output back; Ruff's format has no field for `related`.
    assert [Diagnostic.from_dict(element) for element in elements] == [
        dataclasses.replace(d, related=()) for d in diagnostics
    ]
    # Everything the conversion handles: rules, syntax and I/O errors, fixes with their title,
    # safe and unsafe.
    codes = {d.code for d in diagnostics}
    assert {"invalid-syntax", "io-error", "FAPI900", "FAST001", "FAST002", "FAST003"} <= codes
    assert {d.fix.applicability for d in diagnostics if d.fix} == {"safe", "unsafe"}
    assert all(d.fix.message for d in diagnostics if d.fix)


def _literal_values(cls: type, field: str) -> tuple[object, ...]:
    return typing.get_args(typing.get_type_hints(cls)[field])


def test_closed_string_sets_are_literal_types() -> None:
    assert _literal_values(Fix, "applicability") == typing.get_args(Applicability) == ("safe", "unsafe", "displayonly")
    assert _literal_values(Diagnostic, "severity") == typing.get_args(Severity) == ("error",)
    assert _literal_values(Rule, "fix_availability") == typing.get_args(FixAvailability)
    assert set(typing.get_args(FixAvailability)) == {"None", "Sometimes", "Always"}
    assert _literal_values(Rule, "linter") == typing.get_args(Linter)

    # The values the extension produces stay inside their sets.
    diagnostics = fastapi_lint.check_source((FIXTURES / "fast_rules.py").read_text())
    assert {d.severity for d in diagnostics} == {"error"}
    assert {d.fix.applicability for d in diagnostics if d.fix} <= set(typing.get_args(Applicability))
    rules = fastapi_lint.rules()
    assert {rule.fix_availability for rule in rules} <= set(typing.get_args(FixAvailability))
    # Every linter has rules, and no rule has a linter outside the set.
    assert {rule.linter for rule in rules} == set(typing.get_args(Linter))


def test_result_classes_are_final() -> None:
    tree = ast.parse(Path(_api.__file__).read_text())
    decorators = {
        node.name: {ast.unparse(decorator) for decorator in node.decorator_list}
        for node in tree.body
        if isinstance(node, ast.ClassDef)
    }
    for cls in RESULT_CLASSES:
        assert {"final", "dataclass(frozen=True)"} <= decorators[cls.__name__], cls
        if sys.version_info >= (3, 11):  # where `typing.final` marks the class at run time
            assert cls.__final__ is True  # type: ignore[attr-defined]


def test_the_package_passes_mypy_strict(tmp_path: Path) -> None:
    """The stubs and annotations as a user's type checker sees them (skipped without mypy,
    which is not a dependency)."""
    pytest.importorskip("mypy")
    env = {**os.environ, "MYPY_CACHE_DIR": str(tmp_path / ".mypy_cache")}
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "-p", "fastapi_lint"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_blocking_sleep_in_async_route() -> None:
    [diagnostic] = fastapi_lint.check_source(SLEEPING_ROUTE, filename="app.py")

    assert diagnostic.code == "FAPI101"
    assert diagnostic.name == "blocking-sleep-in-async"
    assert diagnostic.location == Location(row=SLEEP_ROW, column=SLEEP_COLUMN)
    assert diagnostic.end_location.row == SLEEP_ROW
    assert diagnostic.noqa_row == SLEEP_ROW
    assert diagnostic.url == next(rule.url for rule in fastapi_lint.rules() if rule.code == "FAPI101")


def test_select_and_ignore_take_ruff_selectors() -> None:
    assert [d.code for d in fastapi_lint.check_source(SLEEPING_ROUTE, select=["FAPI1"])] == ["FAPI101"]
    assert fastapi_lint.check_source(SLEEPING_ROUTE, select=["FAST"]) == []
    assert fastapi_lint.check_source(SLEEPING_ROUTE, ignore=["FAPI101"]) == []
    # Within one layer the more specific selector wins.
    assert [d.code for d in fastapi_lint.check_source(SLEEPING_ROUTE, select=["FAPI101"], ignore=["FAPI"])] == [
        "FAPI101"
    ]


def test_syntax_errors_are_reported_whatever_is_selected() -> None:
    assert [d.code for d in fastapi_lint.check_source(UNCLOSED_BRACKET, select=["FAST001"])] == ["invalid-syntax"]


def test_unknown_selector_raises_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="NOPE1"):
        fastapi_lint.check_source("x = 1\n", select=["NOPE1"])
    with pytest.raises(ConfigError, match="NOPE2"):
        fastapi_lint.check_paths([tmp_path], ignore=["NOPE2"])


def test_config_error_is_a_lint_error_defined_in_the_package() -> None:
    assert issubclass(ConfigError, LintError)
    assert issubclass(LintError, Exception)
    assert ConfigError.__module__ == LintError.__module__ == "fastapi_lint"


def test_config_error_is_also_a_value_error(tmp_path: Path) -> None:
    assert ConfigError.__mro__[1:3] == (LintError, ValueError)
    assert not issubclass(LintError, ValueError)
    with pytest.raises(ValueError, match="NOPE4"):
        fastapi_lint.check_source("x = 1\n", select=["NOPE4"])
    with pytest.raises(ValueError, match="py27"):
        fastapi_lint.fix_source("x = 1\n", target_version="py27")
    # `except LintError` catches the same error, as the one type it is.
    with pytest.raises(LintError, match="NOPE5") as caught:
        fastapi_lint.check_paths([tmp_path], ignore=["NOPE5"])
    assert type(caught.value) is ConfigError


@pytest.mark.skipif(sys.platform == "win32", reason="a working directory cannot be removed")
def test_a_check_that_cannot_run_raises_lint_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()

    with pytest.raises(LintError, match="working directory") as caught:
        fastapi_lint.check_paths(["app.py"])
    # The package's own class, not a `ValueError`: nothing was wrong with the arguments.
    assert type(caught.value) is LintError


def test_unknown_target_version_raises_config_error() -> None:
    with pytest.raises(ConfigError, match="py27"):
        fastapi_lint.check_source("x = 1\n", target_version="py27")


def test_a_lone_string_is_not_a_selector_list() -> None:
    with pytest.raises(TypeError, match=r"select=\['FAST'\]"):
        fastapi_lint.check_source("x = 1\n", select="FAST")  # a `Sequence[str]` to type checkers


def test_rules_lists_every_rule_in_code_order() -> None:
    rules = fastapi_lint.rules()
    codes = [rule.code for rule in rules]

    assert {"FAST001", "FAST002", "FAST003", "FAPI101"} <= set(codes)
    assert codes == sorted(codes)

    by_code = {rule.code: rule for rule in rules}
    fast001 = by_code["FAST001"]
    assert fast001.name == "fast-api-redundant-response-model"
    assert fast001.linter == "FAST"
    assert fast001.fix_availability == "Always"
    assert fast001.url.startswith("https://docs.astral.sh/ruff/rules/fast-api-redundant-response-model")
    fapi101 = by_code["FAPI101"]
    assert fapi101.name == "blocking-sleep-in-async"
    assert fapi101.linter == "FAPI"
    assert fapi101.preview is False
    for rule in rules:
        assert rule.docs.startswith("## What it does"), rule.code
        assert rule.summary and "TODO" not in rule.docs, rule.code


def test_check_paths_reads_files_and_directories(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "app.py").write_text(SLEEPING_ROUTE)
    (tmp_path / "clean.py").write_text("x = 1\n")

    from_directory = fastapi_lint.check_paths([tmp_path])
    from_one_path = fastapi_lint.check_paths(tmp_path / "pkg" / "app.py")

    assert [(d.code, d.filename) for d in from_directory] == [("FAPI101", str(tmp_path / "pkg" / "app.py"))]
    assert from_one_path == from_directory


def test_check_paths_discovers_configuration_and_takes_overrides(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(SLEEPING_ROUTE)
    (tmp_path / "pyproject.toml").write_text('[tool.fastapi-lint.lint]\nignore = ["FAPI101"]\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "pyproject.toml").write_text('[tool.fastapi-lint.lint]\nselect = ["FAPI1"]\n')

    assert fastapi_lint.check_paths([tmp_path / "app.py"]) == []
    # `select` replaces the configured selection, as `--select` does in Ruff.
    assert [d.code for d in fastapi_lint.check_paths([tmp_path / "app.py"], select=["FAPI101"])] == ["FAPI101"]
    # `config` names the one file to use instead of discovering one.
    config = elsewhere / "pyproject.toml"
    assert [d.code for d in fastapi_lint.check_paths([tmp_path / "app.py"], config=config)] == ["FAPI101"]


def test_check_paths_reports_bad_configuration(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(SLEEPING_ROUTE)
    (tmp_path / "pyproject.toml").write_text('[tool.fastapi-lint.lint]\nselect = ["NOPE3"]\n')

    with pytest.raises(ConfigError, match="NOPE3"):
        fastapi_lint.check_paths([tmp_path])


def test_check_paths_from_several_threads(tmp_path: Path) -> None:
    for index in range(8):
        (tmp_path / f"app_{index}.py").write_text(SLEEPING_ROUTE)
    expected = fastapi_lint.check_paths([tmp_path])
    assert len(expected) == 8

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: fastapi_lint.check_paths([tmp_path]), range(16)))

    assert all(result == expected for result in results)


def test_linting_releases_the_gil() -> None:
    """A Python thread keeps running while Rust lints: it records timestamps during the call."""
    source = _source_that_takes_at_least(seconds=0.2)
    ticks: list[float] = []
    stop = threading.Event()

    def spin() -> None:
        while not stop.is_set():
            ticks.append(time.perf_counter())

    spinner = threading.Thread(target=spin)
    spinner.start()
    try:
        start = time.perf_counter()
        assert _lint_without_findings(source) == []
        end = time.perf_counter()
    finally:
        stop.set()
        spinner.join()

    # Holding the GIL, the call would let the spinner run only just before it starts (one
    # switch interval, 5 ms) or after it ends: the middle half would have no ticks at all.
    quarter = (end - start) / 4
    assert any(start + quarter < tick < end - quarter for tick in ticks)


def _lint_without_findings(source: str) -> list[Diagnostic]:
    # Nothing to report, so the whole call is Rust work: no Python-side parsing of results
    # that would hand the GIL to the spinner and blur the measurement.
    return fastapi_lint.check_source(source, select=["FAST001"])


def _source_that_takes_at_least(seconds: float) -> str:
    header, route = SLEEPING_ROUTE.split("@app.get")
    routes = 1_000
    while routes <= 4_000_000:
        source = header + "".join(f"@app.get{route}".replace("def index(", f"def index_{i}(") for i in range(routes))
        start = time.perf_counter()
        _lint_without_findings(source)
        if time.perf_counter() - start >= seconds:
            return source
        routes *= 4
    raise AssertionError("linting is too fast to measure: is check_source doing any work?")
