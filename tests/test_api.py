"""The Python API: check_source, check_paths, rules and the result types."""

from __future__ import annotations

import dataclasses
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import fastapi_lint
import pytest
from fastapi_lint import ConfigError, Diagnostic, LintError, Location
from support import JSON_KEYS, SLEEP_COLUMN, SLEEP_ROW, SLEEPING_ROUTE, UNCLOSED_BRACKET


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


def test_unknown_target_version_raises_config_error() -> None:
    with pytest.raises(ConfigError, match="py27"):
        fastapi_lint.check_source("x = 1\n", target_version="py27")


def test_a_lone_string_is_not_a_selector_list() -> None:
    with pytest.raises(TypeError, match=r"select=\['FAST'\]"):
        fastapi_lint.check_source("x = 1\n", select="FAST")  # type: ignore[arg-type]


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
