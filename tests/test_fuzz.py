"""Fuzzing: a short run of scripts/fuzz.py, its saved regressions, and a property test.

- A short, deterministic run of the mutation fuzzer (fixed seed, a fixed number of inputs, the
  repository's own examples and rule fixtures as seeds, so it is the same run on every machine)
  finds nothing that is not a known defect. `python scripts/fuzz.py --seconds 600` is the long run.
- Every input the fuzzer saved under tests/fixtures/fuzz/ is replayed (in a worker process, with
  a timeout); a defect not fixed yet is listed in KNOWN_DEFECTS, which marks its replay
  `xfail(strict=True)`: when the fix lands the replay passes, and the entry must go.
- Hypothesis generates FastAPI-shaped modules (imports, routes with async and sync handlers,
  blocking calls, `Depends`, Pydantic models with `class Config`, print and logging, `# noqa`
  comments) and checks the Python API on each: `check_source` does not raise, positions are in
  the source, `to_dict()` is JSON, `fix_source` keeps code compiling and is idempotent.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import signal
import sys
import threading
import time
from pathlib import Path
from types import ModuleType
from typing import Dict, List, Optional

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import REPO_ROOT, Run

import fastapi_lint

pytestmark = pytest.mark.skipif(os.name != "posix", reason="the fuzzer's worker protocol waits on pipes with select()")


def _load_fuzz() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fuzz", REPO_ROOT / "scripts" / "fuzz.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["fuzz"] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


fuzz = _load_fuzz()
REGRESSIONS = REPO_ROOT / "tests" / "fixtures" / "fuzz"

# Saved regressions (the stem of tests/fixtures/fuzz/NAME.json) whose defect is not fixed yet.
KNOWN_DEFECTS: Dict[str, str] = {}


# --- the short run -----------------------------------------------------------------------------

SHORT_RUN_SEED = 20240611
SHORT_RUN_INPUTS = 1500


def test_a_short_fuzz_run_finds_no_new_failure() -> None:
    known = {signature for signature, name in fuzz.saved_signatures(REGRESSIONS).items() if name in KNOWN_DEFECTS}
    lines: List[str] = []
    fuzzer = fuzz.Fuzzer(
        fuzz.repo_seed_files(), seed=SHORT_RUN_SEED, jobs=1, timeout=20.0, cli_every=30, save_dir=None, log=lines.append
    )
    stats = fuzzer.run(seconds=120, max_inputs=SHORT_RUN_INPUTS)
    fuzz.report(stats, lines.append)
    summary = "\n".join(lines)
    new = {signature: problem for signature, problem in stats.failures.items() if signature not in known}

    assert not new, f"the fuzzer found failures (save them with `python scripts/fuzz.py --seed ...`):\n{summary}"
    # The run is the same run everywhere: all its inputs, a fair share of them compiling and
    # fixed (else the fixes were not exercised), some through the CLI.
    assert stats.inputs == SHORT_RUN_INPUTS, summary
    assert stats.cli_runs == SHORT_RUN_INPUTS // 30, summary
    assert stats.compiled > SHORT_RUN_INPUTS // 4, summary
    assert stats.fixed > SHORT_RUN_INPUTS // 20, summary


def test_the_mutations_depend_only_on_the_seed() -> None:
    text = (REPO_ROOT / "examples" / "fastapi_app" / "main.py").read_text(encoding="utf-8")

    def mutants(seed: int) -> List[str]:
        rng = fuzz.random.Random(seed)
        return [fuzz.mutate(rng, text, lambda: text)[0] for _ in range(20)]

    assert mutants(3) == mutants(3)
    assert mutants(3) != mutants(4)


def test_the_worker_reports_a_hang_and_a_crash_and_recovers() -> None:
    worker = fuzz.Worker(timeout=0.001)
    try:
        [hang] = worker.problems("import time\n" * 50_000, "app/main.py", None)
        assert hang.kind == "hang"
        worker.timeout = 30.0
        assert worker.problems("x = 1\n", "app/main.py", None) == []
        process = worker.process
        assert process is not None
        # The interpreter dies while it lints (some seconds of work for this input).
        killer = threading.Timer(0.3, process.send_signal, [signal.SIGSEGV])
        killer.start()
        [crash] = worker.problems("import time\n" * 200_000, "app/main.py", None)
        killer.join()
        assert crash.kind == "crash"
        assert crash.detail.startswith(f"exit {-signal.SIGSEGV}")
        assert worker.problems("x = 1\n", "app/main.py", None) == []
    finally:
        worker.close()


# --- the saved regressions ---------------------------------------------------------------------


def _regressions() -> List[object]:
    params: List[object] = []
    for meta in sorted(REGRESSIONS.glob("*.json")):
        reason = KNOWN_DEFECTS.get(meta.stem)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        params.append(pytest.param(meta, id=meta.stem, marks=marks))
    return params


@pytest.mark.parametrize("meta", _regressions())
def test_a_saved_regression_no_longer_fails(meta: Path) -> None:
    record = json.loads(meta.read_text(encoding="utf-8"))
    problems = fuzz.replay(meta)
    details = "\n".join(f"{p.signature}\n{p.message}" for p in problems)
    assert not problems, f"{record['signature']} ({meta.with_suffix('.src').name}):\n{details}"


def test_every_known_defect_has_its_regression() -> None:
    saved = {meta.stem for meta in REGRESSIONS.glob("*.json")}
    assert set(KNOWN_DEFECTS) <= saved
    for meta in REGRESSIONS.glob("*.json"):
        assert meta.with_suffix(".src").is_file(), meta


# --- found while writing the fuzzer ------------------------------------------------------------

SLEEPING_APP = """\
import time

from fastapi import FastAPI

app = FastAPI(debug=True)


@app.get("/")
async def index():
    time.sleep(1)
    return {}
"""


def test_check_source_does_not_depend_on_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    expected = [d.code for d in fastapi_lint.check_source(SLEEPING_APP)]
    assert "FAPI101" in expected
    (tmp_path / "tests").mkdir()
    monkeypatch.chdir(tmp_path / "tests")
    assert [d.code for d in fastapi_lint.check_source(SLEEPING_APP)] == expected


def test_a_project_checked_out_under_a_tests_directory_is_still_app_code(tmp_path: Path, run: Run) -> None:
    for parent in ("elsewhere", "tests"):
        project = tmp_path / parent / "shop"
        (project / "app").mkdir(parents=True)
        (project / "pyproject.toml").write_text('[project]\nname = "shop"\nversion = "0"\n')
        (project / "app" / "main.py").write_text(SLEEPING_APP)
    found = {}
    for parent in ("elsewhere", "tests"):
        result = run("check", "--no-cache", "--output-format", "json", ".", cwd=tmp_path / parent / "shop")
        found[parent] = sorted(element["code"] for element in json.loads(result.stdout))
    assert "FAPI101" in found["elsewhere"]
    assert found["tests"] == found["elsewhere"]


# --- the property test -------------------------------------------------------------------------

IMPORTS = [
    "import asyncio",
    "import logging",
    "import os",
    "import subprocess",
    "import time",
    "import requests",
    "import httpx",
    "from datetime import datetime",
    "from time import sleep",
    "from typing import Annotated, Optional",
    "from fastapi import APIRouter, BackgroundTasks, Depends, FastAPI, HTTPException, Query, Request",
    "from fastapi.middleware.cors import CORSMiddleware",
    "from pydantic import BaseModel, BaseSettings",
    "from pydantic import BaseModel, ConfigDict",
    "from sqlalchemy.orm import Session",
]
APPS = [
    "app = FastAPI()",
    "app = FastAPI(debug=True)",
    "app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)",
    "app = FastAPI(title='Shop')\nrouter = APIRouter()",
    "router = APIRouter(prefix='/items')",
]
ROUTES = [
    '@app.get("/items/{item_id}")',
    '@app.post("/items")',
    '@app.put("/items/{item_id}", response_model=Item)',
    '@router.get("/users/{user_id}", response_model=User)',
    '@app.get("/users/{user_id}", response_model=UserOut)',
    '@app.post("/items", response_model=Item)',
    '@router.delete("/users/{user_id}", status_code=204)',
    '@app.get("/")',
]
PARAMETERS = [
    "item_id: int",
    "item_id",
    "user_id: str",
    "payload: dict",
    "request: Request",
    "background_tasks: BackgroundTasks",
    "commons: Annotated[dict, Depends(common_parameters)]",
    "q: str = Query(None)",
    "q: Optional[str] = None",
    "limit: int = 10",
    "db=Depends(get_db)",
    "db: Session = Depends(get_db)",
    "user: User = Depends(get_current_user)",
]
STATEMENTS = [
    "time.sleep(1)",
    "sleep(0.5)",
    "requests.get('http://example.com')",
    "response = requests.post(url, json=payload)",
    "httpx.get(url)",
    "data = open('data.json').read()",
    "with open('report.txt') as f:\n    content = f.read()",
    "subprocess.run(['ls'])",
    "print(item_id)",
    "print(f'item {item_id}')",
    "logging.info(f'user {user_id}')",
    "logger.info(f'{item_id} by {user_id!r}')",
    "logger.warning('x %s' % item_id)",
    "logger.error('{}'.format(item_id), exc_info=True)",
    "background_tasks.add_task(send_email, 'x')",
    "settings = Settings()",
    "client = httpx.Client()",
    "token = os.environ['TOKEN']",
    "item = Item(**data)",
    "if not item_id:\n    raise HTTPException(status_code=404)",
    "for attempt in range(3):\n    time.sleep(attempt)",
    "try:\n    requests.get(url)\nexcept Exception:\n    pass",
    "pass",
]
ASYNC_STATEMENTS = [
    "await asyncio.sleep(1)",
    "await send_email(user_id)",
    "async with httpx.AsyncClient() as c:\n    pass",
]
RETURNS = [
    "return {'item_id': item_id}",
    "return Item(**data)",
    "return UserOut(**data)",
    "return UserOut.model_validate(payload)",
    "return User.parse_obj(payload)",
    "return item",
    "",
]
NOQA = [
    "",
    "",
    "",
    "  # noqa",
    "  # noqa: FAPI101",
    "  # noqa: FAPI801, FAPI802",
    "  # noqa: E501",
    "  # noqa: FAST002",
]
FIELDS = ["id: int", "name: str", "email: Optional[str] = None", "created: datetime", "tags: list = []"]
CONFIGS = [
    "class Config:\n    orm_mode = True",
    "class Config:\n    json_encoders = {datetime: lambda v: v.isoformat()}",
    "class Config:\n    allow_population_by_field_name = True\n    orm_mode = True",
    "model_config = ConfigDict(from_attributes=True)",
]
MODULE_STATEMENTS = [
    "app.add_middleware(CORSMiddleware, allow_origins=['*'], allow_credentials=True)",
    "SECRET_KEY = 'sk_live_51Habcdefghijklmnop'",
    "DATABASE_URL = os.environ.get('DATABASE_URL')",
    "logger = logging.getLogger(__name__)",
    "print('starting')",
    "logging.info(f'{app}')",
    "class Settings(BaseSettings):\n    debug: bool = False",
    "app.include_router(router)",
    "def get_db():\n    db = SessionLocal()\n    yield db\n    db.close()",
    "def get_db():\n    db = SessionLocal()\n    try:\n        yield db\n    finally:\n        db.close()",
    "async def get_current_user(token: str = Depends(oauth2_scheme)):\n    time.sleep(1)\n    return token",
    '@app.on_event("startup")\nasync def startup():\n    app.state.client = httpx.AsyncClient()',
    '@app.on_event("shutdown")\ndef shutdown():\n    pass',
]


def _indent(block: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line if line else line for line in block.split("\n"))


def _with_noqa(draw: st.DrawFn, statement: str) -> str:
    lines = statement.split("\n")
    lines[0] += draw(st.sampled_from(NOQA))
    return "\n".join(lines)


# A comment's text: any characters but line breaks, sometimes a lone surrogate (no encoding).
COMMENTS = st.one_of(
    st.text(st.characters(exclude_characters="\r\n"), max_size=12),
    st.sampled_from(["\ud800", "caf\udce9"]),
)


@st.composite
def routes(draw: st.DrawFn) -> str:
    is_async = draw(st.booleans())
    names = draw(st.lists(st.sampled_from(PARAMETERS), max_size=4, unique_by=lambda p: re.split("[:=]", p)[0]))
    parameters = sorted(names, key=lambda p: "=" in p)  # no parameter without default after one with
    body_pool = STATEMENTS + (ASYNC_STATEMENTS if is_async else [])
    body = [_with_noqa(draw, s) for s in draw(st.lists(st.sampled_from(body_pool), min_size=1, max_size=5))]
    body.append(draw(st.sampled_from(RETURNS)))
    head = f"{'async ' if is_async else ''}def {draw(st.sampled_from(['read_item', 'create', 'handler']))}"
    returns = draw(st.sampled_from(["", "", " -> Item", " -> dict", " -> UserOut"]))
    decorator = draw(st.sampled_from(ROUTES))
    return f"{decorator}\n{head}({', '.join(parameters)}){returns}:\n" + _indent("\n".join(filter(None, body)))


@st.composite
def models(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(["Item", "User", "UserOut"]))
    fields = draw(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=3, unique=True))
    body = [*fields, *draw(st.lists(st.sampled_from(CONFIGS), max_size=1))]
    return f"class {name}(BaseModel):\n" + _indent("\n".join(body))


@st.composite
def modules(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.sampled_from(IMPORTS), max_size=len(IMPORTS), unique=True))
    parts.append(draw(st.sampled_from(APPS)))
    parts += draw(st.lists(st.one_of(routes(), models(), st.sampled_from(MODULE_STATEMENTS)), min_size=1, max_size=6))
    if draw(st.integers(0, 4)) == 0:
        parts.insert(draw(st.integers(0, len(parts))), "# " + draw(COMMENTS))
    newline = draw(st.sampled_from(["\n", "\n", "\n", "\r\n"]))
    return newline.join(newline.join(part.split("\n")) for part in parts) + newline


def _encodable(source: str) -> bool:
    try:
        source.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _assert_within(diagnostics: List[fastapi_lint.Diagnostic], source: str) -> None:
    lengths = fuzz.line_lengths(source)

    def inside(place: fastapi_lint.Location) -> bool:
        return 1 <= place.row <= len(lengths) and 1 <= place.column <= lengths[place.row - 1] + 1

    for d in diagnostics:
        ranges = [(d.location, d.end_location)]
        ranges += [(e.location, e.end_location) for e in (d.fix.edits if d.fix else ())]
        for start, end in ranges:
            assert inside(start) and inside(end), (d.code, start, end, lengths)
            assert (start.row, start.column) <= (end.row, end.column), (d.code, start, end)
        assert json.loads(json.dumps(d.to_dict(), allow_nan=False)) == d.to_dict()


TARGETS: List[Optional[str]] = list(fuzz.TARGET_VERSIONS)
# Absolute buffer names: a relative one is resolved against the working directory, and pytest
# run from inside `tests/` would make every buffer test code (see the known defect below).
PROJECT = "/fuzz-project"
FILENAMES = [f"{PROJECT}/app/main.py", f"{PROJECT}/main.py", f"{PROJECT}/tests/test_app.py"]


@settings(
    max_examples=250,
    deadline=None,
    derandomize=True,  # the same examples on every run: a CI result does not depend on luck
    database=None,  # nothing written into the working tree
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    source=modules(),
    filename=st.sampled_from(FILENAMES),
    target=st.sampled_from(TARGETS),
)
def test_the_api_on_generated_fastapi_modules(source: str, filename: str, target: Optional[str]) -> None:
    options = {"filename": filename, "select": ["ALL"], "preview": True, "target_version": target}
    if not _encodable(source):
        with pytest.raises(fastapi_lint.LintError):
            fastapi_lint.check_source(source, **options)
        with pytest.raises(fastapi_lint.LintError):
            fastapi_lint.fix_source(source, unsafe=True, **options)
        return

    diagnostics = fastapi_lint.check_source(source, **options)
    _assert_within(diagnostics, source)

    fixed = fastapi_lint.fix_source(source, unsafe=True, **options)
    _assert_within(fixed.diagnostics, fixed.source)
    if fuzz.compiles(source):
        assert fuzz.compiles(fixed.source), f"the fixes broke the code:\n{fixed.source}"
    again = fastapi_lint.fix_source(fixed.source, unsafe=True, **options)
    assert again.source == fixed.source, "a second fix_source changed the fixed source"
    assert again.fixed == 0


def test_the_generated_modules_exercise_the_rules_and_fixes() -> None:
    """The grammar reaches what the property test is about: most modules compile, and they
    are reported and fixed by several rules."""
    codes: Dict[str, int] = {}
    compiled = fixed = 0
    started = time.monotonic()

    @settings(max_examples=150, deadline=None, derandomize=True, database=None)
    @given(source=modules())
    def collect(source: str) -> None:
        nonlocal compiled, fixed
        if not _encodable(source):
            return
        compiled += bool(fuzz.compiles(source))
        for d in fastapi_lint.check_source(source, filename=FILENAMES[0], select=["ALL"], preview=True):
            codes[d.code] = codes.get(d.code, 0) + 1
        fixed += bool(fastapi_lint.fix_source(source, filename=FILENAMES[0], unsafe=True, preview=True).fixed)

    collect()
    assert compiled >= 100, compiled
    assert fixed >= 20, fixed
    assert len(codes) >= 12, sorted(codes)
    assert time.monotonic() - started < 60
