"""The project index through the installed command and the Python API: chains across modules."""

from __future__ import annotations

import json
from pathlib import Path

import fastapi_lint
from support import REPO_ROOT, Run

PACKAGE = REPO_ROOT / "rust" / "fastapi_lint_cli" / "resources" / "test" / "projects" / "package"


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


PROJECT = {
    "app/__init__.py": "",
    "app/services/__init__.py": "",
    "app/services/users.py": "import requests\n\n\ndef load(user_id):\n    return requests.get(f'/users/{user_id}').json()\n",
    "app/deps.py": "def get_token():\n    return 'x'\n",
    "app/routes.py": (
        "from fastapi import FastAPI\n"
        "from app.services import users\n"
        "from app.services.missing import unknown\n\n"
        "app = FastAPI()\n\n\n"
        "@app.get('/users/{user_id}')\n"
        "async def get_user(user_id: int):\n"
        "    unknown(user_id)\n"
        "    return users.load(user_id)\n"
    ),
}


def test_cli_follows_calls_across_modules(tmp_path: Path, run: Run) -> None:
    _write(tmp_path, PROJECT)

    result = run("check", "--isolated", "--preview", "--select", "FAPI106", "--output-format", "json", ".", cwd=tmp_path)

    assert result.returncode == 1, result.stderr
    [finding] = json.loads(result.stdout)
    assert finding["code"] == "FAPI106"
    assert Path(finding["filename"]).name == "routes.py"
    assert finding["location"] == {"row": 11, "column": 12}
    assert "`get_user` -> `app.services.users.load` -> `requests.get` (app.services.users:5)" in finding["message"]
    # Ruff's JSON fields only: the related location goes to SARIF and the Python API.
    assert "related" not in finding


def test_cli_reports_the_leaf_call_as_related_location(tmp_path: Path, run: Run) -> None:
    _write(tmp_path, PROJECT)

    sarif = run("check", "--isolated", "--preview", "--select", "FAPI106", "--output-format", "sarif", ".", cwd=tmp_path)
    full = run("check", "--isolated", "--preview", "--select", "FAPI106", ".", cwd=tmp_path)

    [result] = json.loads(sarif.stdout)["runs"][0]["results"]
    [related] = result["relatedLocations"]
    assert related["message"]["text"] == "`app.services.users.load` calls `requests.get`"
    location = related["physicalLocation"]
    assert location["artifactLocation"]["uri"] == (tmp_path / "app" / "services" / "users.py").resolve().as_uri()
    assert location["region"] == {"startLine": 5, "startColumn": 12, "endLine": 5, "endColumn": 45}
    assert "info: `app.services.users.load` calls `requests.get` at app/services/users.py:5:12\n" in full.stdout


def test_no_project_lints_each_file_on_its_own(tmp_path: Path, run: Run) -> None:
    _write(tmp_path, PROJECT)

    result = run("check", "--isolated", "--preview", "--select", "FAPI106", "--no-project", ".", cwd=tmp_path)

    assert result.returncode == 0, result.stdout


def test_check_source_sees_the_project_with_its_root() -> None:
    source = (PACKAGE / "app" / "routes.py").read_text()
    filename = PACKAGE / "app" / "routes.py"

    alone = fastapi_lint.check_source(source, filename=filename, select=["FAPI106"], preview=True)
    in_project = fastapi_lint.check_source(source, filename=filename, select=["FAPI106"], preview=True, project_root=PACKAGE)

    assert alone == []
    # `users.load`, `load_user`, `get_avatar`, `Repository().get` and `self.lookup`.
    assert [(d.code, d.location.row) for d in in_project] == [("FAPI106", row) for row in (13, 14, 15, 20, 35)]
    leaf = in_project[0].related[0]
    assert (leaf.filename, leaf.location.row) == (str(PACKAGE / "app" / "services" / "users.py"), 7)
    assert leaf.message == "`app.services.users.load` calls `requests.get`"
    assert "related" not in in_project[0].to_dict()


# An application beside its tests, a maintenance script, a command-line module, an Alembic
# migration and a library package no app imports: the same blocking call in each.
BLOCKING = "import time\n\n\nasync def {name}():\n    time.sleep(1)\n"
ROLES_PROJECT = {
    "pyproject.toml": '[project]\nname = "shop"\ndependencies = ["fastapi>=0.115", "pydantic==1.10.13"]\n',
    "shop/__init__.py": "",
    "shop/main.py": "from fastapi import FastAPI\nfrom shop import routes\n\napp = FastAPI(openapi_url=None)\napp.include_router(routes.router)\n",
    "shop/routes.py": "from fastapi import APIRouter\nfrom shop.services import work\n\nrouter = APIRouter()\n",
    "shop/services.py": BLOCKING.format(name="work"),
    "shop/cli.py": "import click\n\n" + BLOCKING.format(name="command") + "\n\n@click.command()\ndef main():\n    pass\n",
    "shop/unused.py": BLOCKING.format(name="orphan"),
    "tests/test_services.py": "from shop.services import work\n\n" + BLOCKING.format(name="test_work"),
    "scripts/backfill.py": BLOCKING.format(name="backfill"),
    "alembic/versions/0001_init.py": BLOCKING.format(name="upgrade_data"),
    "shop/models.py": "from pydantic import BaseModel\n\n\nclass Item(BaseModel):\n    class Config:\n        orm_mode = True\n",
}


def test_request_time_rules_apply_to_app_code_only(tmp_path: Path, run: Run) -> None:
    _write(tmp_path, ROLES_PROJECT)

    result = run("check", "--isolated", "--output-format", "json", ".", cwd=tmp_path)

    found = sorted((Path(d["filename"]).relative_to(tmp_path).as_posix(), d["code"]) for d in json.loads(result.stdout))
    # Only the service the app imports serves requests. `shop/models.py`'s `class Config` is
    # right under the Pydantic 1 the project pins: no Pydantic 2 advice.
    assert found == [("shop/services.py", "FAPI101")], result.stdout


def test_show_roles_names_each_files_role_and_evidence(tmp_path: Path, run: Run) -> None:
    _write(tmp_path, ROLES_PROJECT)

    result = run("check", "--isolated", "--show-roles", ".", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    roles = dict(line.split(": ", 1) for line in result.stdout.splitlines())
    assert roles["shop/main.py"] == "app (builds `FastAPI()`)"
    assert roles["shop/services.py"] == "app (imported by app module `shop.routes`)"
    assert roles["shop/cli.py"] == "script (defines a `click` command)"
    assert roles["shop/unused.py"] == "library (no app module imports it)"
    assert roles["tests/test_services.py"] == "test (under a `tests/` directory)"
    assert roles["scripts/backfill.py"] == "script (under a `scripts/` directory)"
    assert roles["alembic/versions/0001_init.py"] == "script (under an `alembic/` directory)"


def test_roles_declared_in_the_settings_win(tmp_path: Path, run: Run) -> None:
    _write(tmp_path, ROLES_PROJECT)
    (tmp_path / "fastapi-lint.toml").write_text('[lint.roles]\napp = ["scripts/*.py"]\n')

    result = run("check", "--output-format", "json", "--select", "FAPI101", ".", cwd=tmp_path)

    found = sorted(Path(d["filename"]).relative_to(tmp_path).as_posix() for d in json.loads(result.stdout))
    assert found == ["scripts/backfill.py", "shop/services.py"]


def test_pydantic_2_advice_follows_the_declared_version(tmp_path: Path, run: Run) -> None:
    files = dict(ROLES_PROJECT)
    files["pyproject.toml"] = '[project]\nname = "shop"\ndependencies = ["fastapi>=0.115", "pydantic>=2.5"]\n'
    _write(tmp_path, files)

    result = run("check", "--isolated", "--output-format", "json", "--select", "FAPI502", ".", cwd=tmp_path)

    assert [(Path(d["filename"]).name, d["code"]) for d in json.loads(result.stdout)] == [("models.py", "FAPI502")]


# A route in app/main.py calls a sleeping helper in app/helpers.py; a partial run (one file,
# stdin, another working directory, the API) must see the helper as a whole-project run does.
PARTIAL = {
    "pyproject.toml": '[project]\nname = "partial"\n',
    "app/__init__.py": "",
    "app/helpers.py": "import time\n\n\ndef slow():\n    time.sleep(1)\n",
    "app/main.py": (
        "from fastapi import FastAPI\n"
        "from app.helpers import slow\n\n"
        "app = FastAPI(openapi_url=None)\n\n\n"
        "@app.get('/')\n"
        "async def index():\n"
        "    slow()\n"
    ),
}
CHAIN = "`index` -> `app.helpers.slow` -> `time.sleep` (app.helpers:5)"


def _fapi106(result: "subprocess.CompletedProcess[str]") -> list[str]:
    return [d["message"] for d in json.loads(result.stdout) if d["code"] == "FAPI106"]


def test_a_partial_run_sees_the_whole_project(tmp_path: Path, run: Run) -> None:
    _write(tmp_path, PARTIAL)
    args = ("check", "--isolated", "--preview", "--select", "FAPI106", "--output-format", "json")

    whole = run(*args, ".", cwd=tmp_path)
    one_file = run(*args, "app/main.py", cwd=tmp_path)
    from_app = run(*args, "main.py", cwd=tmp_path / "app")
    stdin = run(*args, "--stdin-filename", "app/main.py", "-", cwd=tmp_path, input=PARTIAL["app/main.py"])

    for result in (whole, one_file, from_app, stdin):
        assert result.returncode == 1, result.stderr
        [message] = _fapi106(result)
        assert CHAIN in message
    # Only the files asked for are reported.
    assert {Path(d["filename"]).name for d in json.loads(one_file.stdout)} == {"main.py"}


def test_check_paths_on_one_file_sees_the_whole_project(tmp_path: Path, monkeypatch: "pytest.MonkeyPatch") -> None:
    files = dict(PARTIAL)
    files["pyproject.toml"] += "\n[tool.fastapi-lint.lint]\npreview = true\n"
    _write(tmp_path, files)
    monkeypatch.chdir(tmp_path)

    diagnostics = fastapi_lint.check_paths([tmp_path / "app" / "main.py"], select=["FAPI106"])

    [diagnostic] = diagnostics
    assert CHAIN in diagnostic.message
    assert Path(diagnostic.filename).name == "main.py"
