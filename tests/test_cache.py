"""The persistent cache of `check`, through the installed command: what it keeps, where, and
that it never serves findings of code that changed (in the file itself or in a module it calls)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Dict, Optional

import pytest
from support import SLEEPING_ROUTE, Run

CACHE = ".fastapi_lint_cache"


@pytest.fixture
def run(run: Run) -> Run:
    """The suite's `run`, with the cache where users get it by default (in the project root)."""

    def run_with_default_cache(*args: str, env: Optional[Dict[str, Optional[str]]] = None, **kwargs: Any) -> Any:
        return run(*args, env={"FASTAPI_LINT_CACHE_DIR": None, **(env or {})}, **kwargs)

    return run_with_default_cache

# A route whose blocking call is two modules away: FAPI106 in routes.py depends on users.py.
PROJECT = {
    "app/__init__.py": "",
    "app/users.py": "import requests\n\n\ndef load(user_id):\n    return requests.get(f'/users/{user_id}').json()\n",
    "app/routes.py": (
        "from fastapi import FastAPI\n"
        "from app import users\n\n"
        "app = FastAPI(openapi_url=None)\n\n\n"
        "@app.get('/users/{user_id}')\n"
        "async def get_user(user_id: int):\n"
        "    return users.load(user_id)\n"
    ),
}
# users.py without the blocking call.
HARMLESS_USERS = "def load(user_id):\n    return {'id': user_id}\n"


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _codes(run: Run, *args: str, **kwargs: object) -> list[tuple[str, str]]:
    result = run("check", "--isolated", "--preview", "--output-format", "json", *args, **kwargs)
    assert result.returncode in (0, 1), result.stderr
    return [(Path(d["filename"]).name, d["code"]) for d in json.loads(result.stdout)]


def test_a_warm_run_reports_what_the_cold_run_did_and_the_cache_is_marked(tmp_path: Path, run: Run) -> None:
    _write(tmp_path, PROJECT)

    cold = run("check", "--isolated", "--preview", ".")
    warm = run("check", "--isolated", "--preview", ".")

    assert cold.returncode == warm.returncode == 1
    assert warm.stdout == cold.stdout
    assert "FAPI106" in warm.stdout
    assert (tmp_path / CACHE / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert (tmp_path / CACHE / ".gitignore").read_text().splitlines()[-1] == "*"


def test_an_unchanged_file_is_not_read_again(tmp_path: Path, run: Run) -> None:
    app = tmp_path / "app.py"
    app.write_text(SLEEPING_ROUTE)
    assert _codes(run, "app.py") == [("app.py", "FAPI101")]
    stat = app.stat()

    # Same size, same modification time: the cache trusts `stat`, as Ruff's does, and so
    # reports the findings it holds without opening the file.
    app.write_text(SLEEPING_ROUTE.replace("time.sleep(1)", "time.ctime(1)"))
    assert app.stat().st_size == stat.st_size
    os.utime(app, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert _codes(run, "app.py") == [("app.py", "FAPI101")]
    assert _codes(run, "--no-cache", "app.py") == []


def test_an_edited_file_is_linted_again(tmp_path: Path, run: Run) -> None:
    app = tmp_path / "app.py"
    app.write_text("x = 1\n")
    assert _codes(run, "app.py") == []

    app.write_text(SLEEPING_ROUTE)

    assert _codes(run, "app.py") == [("app.py", "FAPI101")]


def test_a_change_in_a_called_module_reaches_its_unchanged_callers(tmp_path: Path, run: Run) -> None:
    _write(tmp_path, PROJECT)
    assert ("routes.py", "FAPI106") in _codes(run, ".")

    (tmp_path / "app" / "users.py").write_text(HARMLESS_USERS)

    assert _codes(run, ".") == []
    (tmp_path / "app" / "users.py").write_text(PROJECT["app/users.py"])
    assert ("routes.py", "FAPI106") in _codes(run, ".")


def test_an_edited_caller_is_linted_with_the_facts_of_this_run_not_the_last(tmp_path: Path, run: Run) -> None:
    _write(tmp_path, PROJECT)
    assert ("routes.py", "FAPI106") in _codes(run, ".")

    # routes.py is linted first with the facts it had (users.load blocks); the index of this run
    # says otherwise, and that is what its findings must follow.
    (tmp_path / "app" / "routes.py").write_text(PROJECT["app/routes.py"] + "# edited\n")
    (tmp_path / "app" / "users.py").write_text(HARMLESS_USERS)
    assert _codes(run, ".") == []

    (tmp_path / "app" / "users.py").write_text(PROJECT["app/users.py"])
    assert ("routes.py", "FAPI106") in _codes(run, ".")
    (tmp_path / "app" / "routes.py").write_text(PROJECT["app/routes.py"] + "# edited again\n")
    assert _codes(run, ".") == _codes(run, "--no-cache", ".")


def test_other_settings_do_not_see_findings_of_the_first(tmp_path: Path, run: Run) -> None:
    (tmp_path / "app.py").write_text(SLEEPING_ROUTE)
    assert _codes(run, "app.py") == [("app.py", "FAPI101")]

    assert _codes(run, "--ignore", "FAPI101", "app.py") == []
    assert _codes(run, "--per-file-ignores", "app.py:FAPI1", "app.py") == []
    assert _codes(run, "app.py") == [("app.py", "FAPI101")]


def test_cache_dir_option_and_environment_variable(tmp_path: Path, run: Run) -> None:
    (tmp_path / "app.py").write_text(SLEEPING_ROUTE)

    _codes(run, "--cache-dir", "by-option", "app.py")
    _codes(run, "app.py", env={"FASTAPI_LINT_CACHE_DIR": str(tmp_path / "by-env")})
    _codes(run, "--no-cache", "app.py")

    assert (tmp_path / "by-option" / "CACHEDIR.TAG").is_file()
    assert (tmp_path / "by-env" / "CACHEDIR.TAG").is_file()
    assert not (tmp_path / CACHE).exists(), "--no-cache and the other directories leave the default unused"


def test_cache_dir_setting_is_relative_to_its_file(tmp_path: Path, run: Run) -> None:
    (tmp_path / "app.py").write_text(SLEEPING_ROUTE)
    (tmp_path / "fastapi-lint.toml").write_text('cache-dir = "build/lint-cache"\n')

    result = run("check", "app.py")

    assert result.returncode == 1, result.stderr
    assert (tmp_path / "build" / "lint-cache" / "CACHEDIR.TAG").is_file()


def test_a_corrupt_cache_is_rebuilt_not_trusted(tmp_path: Path, run: Run) -> None:
    (tmp_path / "app.py").write_text(SLEEPING_ROUTE)
    _codes(run, "app.py")
    shards = [p for p in (tmp_path / CACHE).rglob("*") if p.is_file() and p.parent.name != CACHE]
    assert shards
    for shard in shards:
        shard.write_bytes(b"\x00garbage" * 10)

    assert _codes(run, "app.py") == [("app.py", "FAPI101")]
    assert _codes(run, "app.py") == [("app.py", "FAPI101")]


def test_an_unwritable_cache_warns_and_changes_nothing_else(tmp_path: Path, run: Run) -> None:
    (tmp_path / "app.py").write_text(SLEEPING_ROUTE)
    (tmp_path / "blocker").write_text("a file where the cache directory would go\n")

    result = run("check", "--isolated", "--cache-dir", "blocker/cache", "--output-format", "concise", "app.py")

    assert result.returncode == 1
    assert "FAPI101" in result.stdout
    assert "warning: Failed to create the cache directory" in result.stderr


def test_fixing_does_not_serve_stale_findings(tmp_path: Path, run: Run) -> None:
    app = tmp_path / "app.py"
    app.write_text(SLEEPING_ROUTE)
    assert _codes(run, "app.py") == [("app.py", "FAPI101")]

    fixed = run("check", "--isolated", "--fix", "--unsafe-fixes", "app.py")

    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "asyncio.sleep" in app.read_text()
    assert _codes(run, "app.py") == []


def test_clean_removes_the_caches_below_the_working_directory(tmp_path: Path, run: Run) -> None:
    for service in ("a", "b"):
        (tmp_path / service).mkdir()
        (tmp_path / service / "app.py").write_text(SLEEPING_ROUTE)
        _codes(run, "app.py", cwd=tmp_path / service)
        assert (tmp_path / service / CACHE).is_dir()

    result = run("clean")

    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "a" / CACHE).exists()
    assert not (tmp_path / "b" / CACHE).exists()
    assert (tmp_path / "a" / "app.py").is_file()


def _tree(root: Path) -> Dict[str, bytes]:
    """Every file below `root` with its bytes, by relative path."""
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def test_clean_leaves_a_project_named_as_its_own_cache_directory(tmp_path: Path, run: Run) -> None:
    # `cache-dir = "."` once made `clean` delete the whole project and exit 0.
    (tmp_path / ".fastapi-lint.toml").write_text('cache-dir = "."\n')
    (tmp_path / "app.py").write_text(SLEEPING_ROUTE)
    assert run("check", "app.py").returncode == 1
    assert (tmp_path / "CACHEDIR.TAG").is_file(), "the check wrote its cache into the project"
    before = _tree(tmp_path)

    result = run("clean")

    assert result.returncode == 0, result.stderr
    assert "warning: Not removing `.`: not a fastapi-lint cache" in result.stderr
    assert "Removing cache at" not in result.stderr
    assert _tree(tmp_path) == before


@pytest.mark.parametrize("via", ["config", "env"])
def test_clean_leaves_another_directory_named_as_the_cache(tmp_path: Path, run: Run, via: str) -> None:
    victim = tmp_path / "victim"
    (victim / "data").mkdir(parents=True)
    (victim / "data" / "keep.txt").write_text("precious\n")
    project = tmp_path / "project"
    project.mkdir()
    env: Dict[str, Optional[str]] = {}
    if via == "config":
        (project / ".fastapi-lint.toml").write_text('cache-dir = "../victim"\n')
    else:
        env["FASTAPI_LINT_CACHE_DIR"] = str(victim)

    result = run("clean", cwd=project, env=env)

    assert result.returncode == 0, result.stderr
    assert "Not removing" in result.stderr and "victim" in result.stderr
    assert (victim / "data" / "keep.txt").read_text() == "precious\n"


def test_clean_keeps_a_cache_directory_holding_a_file_of_the_user(tmp_path: Path, run: Run) -> None:
    (tmp_path / "app.py").write_text(SLEEPING_ROUTE)
    _codes(run, "app.py")
    (tmp_path / CACHE / "notes.txt").write_text("mine\n")

    result = run("clean")

    assert "Not removing `.fastapi_lint_cache`" in result.stderr and "notes.txt" in result.stderr
    assert (tmp_path / CACHE / "notes.txt").read_text() == "mine\n"
