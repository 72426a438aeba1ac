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

    result = run("check", "--isolated", "--select", "FAPI106", "--output-format", "json", ".", cwd=tmp_path)

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

    sarif = run("check", "--isolated", "--select", "FAPI106", "--output-format", "sarif", ".", cwd=tmp_path)
    full = run("check", "--isolated", "--select", "FAPI106", ".", cwd=tmp_path)

    [result] = json.loads(sarif.stdout)["runs"][0]["results"]
    [related] = result["relatedLocations"]
    assert related["message"]["text"] == "`app.services.users.load` calls `requests.get`"
    location = related["physicalLocation"]
    assert location["artifactLocation"]["uri"] == (tmp_path / "app" / "services" / "users.py").resolve().as_uri()
    assert location["region"] == {"startLine": 5, "startColumn": 12, "endLine": 5, "endColumn": 45}
    assert "info: `app.services.users.load` calls `requests.get` at app/services/users.py:5:12\n" in full.stdout


def test_no_project_lints_each_file_on_its_own(tmp_path: Path, run: Run) -> None:
    _write(tmp_path, PROJECT)

    result = run("check", "--isolated", "--select", "FAPI106", "--no-project", ".", cwd=tmp_path)

    assert result.returncode == 0, result.stdout


def test_check_source_sees_the_project_with_its_root() -> None:
    source = (PACKAGE / "app" / "routes.py").read_text()
    filename = PACKAGE / "app" / "routes.py"

    alone = fastapi_lint.check_source(source, filename=filename, select=["FAPI106"])
    in_project = fastapi_lint.check_source(source, filename=filename, select=["FAPI106"], project_root=PACKAGE)

    assert alone == []
    assert [d.code for d in in_project] == ["FAPI106"] * 4
    leaf = in_project[0].related[0]
    assert (leaf.filename, leaf.location.row) == (str(PACKAGE / "app" / "services" / "users.py"), 7)
    assert leaf.message == "`app.services.users.load` calls `requests.get`"
    assert "related" not in in_project[0].to_dict()
