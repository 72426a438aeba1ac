"""A mutation fuzzer for fastapi-lint, over real FastAPI code.

Seeds are the Python files of the fetched corpora (`benches/corpus/data`, `benches/apps/data`),
or, when neither is fetched, the repository's own (`examples/`, the rule fixtures). Each mutant
is a seed after a few random edits: lines deleted, duplicated, swapped or spliced from another
seed; tokens inserted (keywords, brackets, quotes, `async`/`await`, decorators, `# noqa`
comments, unicode, NUL, line breaks); FastAPI-shaped statements inserted at a line's
indentation; bytes flipped; the text truncated; lines re-indented; `def` made `async def` and
back; line endings changed.

Every mutant goes through the Python API in a worker process (restarted when it dies, so a crash
of the interpreter is seen, and killed after `--timeout` seconds, so a hang is seen):

- `check_source` with every rule and preview on, and `fix_source(..., unsafe=True)` (twice);
- failures: an exception other than `LintError` for a source with a lone surrogate (which has
  no UTF-8 encoding; the documented refusal), a panic (`LintError` "fastapi-lint crashed"), a
  diagnostic or fix edit outside the source or ending before it starts, a `to_dict()` that is
  not JSON or does not read back, a fix that turns code that compiles into code that does not,
  a fix that is not idempotent (a second `fix_source` changes the text again).

Every `--cli-every`-th mutant also goes through the installed `fastapi-lint` command, as a file
holding the mutant's raw bytes (so invalid UTF-8 too): `check --output-format json`, then
`check --fix --unsafe-fixes --output-format json`. Failures: an exit code other than 0 and 1, a
panic on stderr, output that is not a JSON list of Ruff's diagnostics, an `io-error` for a file
that is valid UTF-8, a fixed file that no longer compiles.

Each new failure (told apart by a signature: where it happened, what kind, the normalised
message) is minimised (lines, then characters) and saved to `tests/fixtures/fuzz/` as
`NAME.src` (the exact input bytes) and `NAME.json` (how to replay it, what failed);
`tests/test_fuzz.py` replays them all.

    python scripts/fuzz.py                          # 60 s, one worker
    python scripts/fuzz.py --seconds 600 --jobs 2 --seed 7
    python scripts/fuzz.py --replay tests/fixtures/fuzz/NAME.json

Exits 1 when it found a failure that is not saved yet, 0 otherwise.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import pickle
import random
import re
import select
import shutil
import struct
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
import traceback
import warnings
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIRS = [ROOT / "benches" / "corpus" / "data", ROOT / "benches" / "apps" / "data"]
REPO_SEED_DIRS = [ROOT / "examples", ROOT / "rust" / "fastapi_lint_core" / "resources" / "test" / "fixtures"]
REGRESSIONS = ROOT / "tests" / "fixtures" / "fuzz"

# Seeds larger than this are left out: they only slow the run down.
MAX_SEED_BYTES = 100_000
# The keys of one element of `--output-format json`, as Ruff writes them.
JSON_KEYS = [
    "cell",
    "code",
    "end_location",
    "filename",
    "fix",
    "location",
    "message",
    "name",
    "noqa_row",
    "severity",
    "url",
]
# The buffer names the API is given: they decide the code role (app, test, script).
FILENAMES = (
    ["app/main.py"] * 4 + ["app/routers/items.py"] * 2 + ["main.py", "<stdin>", "tests/test_api.py", "scripts/seed.py"]
)
# Target versions whose syntax this interpreter's `compile` accepts (the oracle for fixes).
TARGET_VERSIONS: List[Optional[str]] = [None] + [f"py3{minor}" for minor in range(9, sys.version_info[1] + 1)]
CRASHED = "fastapi-lint crashed"


# --- mutations ---------------------------------------------------------------------------------

# fmt: off
KEYWORDS = [
    "async ", "await ", "def ", "async def ", "class ", "lambda ", "lambda: ", "yield ", "yield from ", "return ",
    "if ", "elif ", "else:", "try:", "except:", "finally:", "with ", "async with ", "for ", "async for ", "in ",
    "not ", "and ", "or ", "is ", "global ", "nonlocal ", "del ", "pass", "break", "continue", "raise ", "assert ",
    "import ", "from ", "as ", "match ", "case ", "case _:", "type ", "None", "True", "...", "print", "self",
]
BRACKETS = ["(", ")", "[", "]", "{", "}", "()", "[]", "{}", "((", "))", "(" * 40, "[" * 40]
QUOTES = ["'", '"', '"""', "'''", 'f"', "f'{", 'f"{x!r:>{w}}"', "rb'", "u'", 'r"\\', "'\\", '"{}"', "t'{x}'"]
OPERATORS = [":", ",", ";", "=", ":=", "*", "**", "->", ".", "@", "\\", "\\\n", "#", "|", "-", "+", "%", "==", "!"]
DECORATORS = [
    "@app.get('/')\n", '@app.post("/items/{item_id}")\n', "@router.get('/x', response_model=Item)\n",
    "@app.on_event('startup')\n", '@app.middleware("http")\n', "@property\n", "@staticmethod\n", "@lru_cache\n",
    "@app.websocket('/ws')\n", "@router.delete('/{id}', status_code=204)\n", "@",
]
NOQA = [
    "  # noqa", "  # noqa: FAPI101", "  # noqa: FAST002", "# noqa:FAPI801,FAPI802", "  # noqa: ", "# noqa:",
    "  # NOQA: fapi101", "  # noqa: E501", "  # noqa: FAPI900", "# fastapi-lint: noqa", "# ruff: noqa",
    "# ruff: noqa: FAST", "  # type: ignore", "# noqa: FAPI101 FAPI102", "  #noqa:FAPI1", "# noqa: ALL",
]
UNICODE = [
    "é", "ß", "日本語", "🙂", "\U0001f600", "\u200b", "\u2028", "\u2029", "\u0301", "\ufeff", "\u00a0", "\u3000",
    "\u202e", "\x85", "Ω", "ｆ", "\ufffd", "\uffff", "\U0010ffff", "İ", "ǅ",
]
CONTROL = ["\x00", "\x0c", "\x0b", "\r", "\r\n", "\n", "\t", "\x1a", "\x1b", "\x7f", "\n\n\n"]
TOKENS = KEYWORDS + BRACKETS + QUOTES + OPERATORS + DECORATORS + NOQA + UNICODE + CONTROL

# Statements the rules look for, inserted at the indentation of the line they go before.
STATEMENTS = [
    "time.sleep(1)", "time.sleep(0.5)  # noqa: FAPI101", "sleep(2)", "requests.get(url)",
    "resp = requests.post('http://x', json=payload)", "httpx.get(url)", "urllib.request.urlopen(url)",
    "data = open('data.txt').read()", "with open(path) as f:\n    f.read()", "subprocess.run(['ls'])",
    "os.system('ls')", "cursor.execute('select 1')", "session.query(User).all()", "lock = threading.Lock()",
    "print(item)", "print(f'{item_id}')", "logging.info(f'user {user_id}')", "logger.info(f'{a} {b!r}')",
    "logger.debug('x %s' % y)", "log.warning('{}'.format(x))", "await asyncio.sleep(0)", "await send_email(user)",
    "return UserOut(**data)", "return Item.model_validate(payload)", "return {'ok': True}", "return",
    "class Config:\n    orm_mode = True", "class Config:\n    json_encoders = {datetime: str}",
    "model_config = ConfigDict(from_attributes=True)", "db: Session = Depends(get_db)",
    "def dep(q: str = Query(None), db=Depends(get_db)): pass",
    "async def handler(item_id: int, background_tasks: BackgroundTasks):\n    return item_id",
    "@app.get('/items/{item_id}')\nasync def read_item(item_id):\n    time.sleep(1)",
    "@app.on_event('shutdown')\ndef close():\n    pass", "app = FastAPI(debug=True)", "app = FastAPI(docs_url=None)",
    "app.add_middleware(CORSMiddleware, allow_origins=['*'], allow_credentials=True)",
    "SECRET_KEY = 'sk_live_0123456789abcdef0123'", "password = os.environ['DB_PASSWORD']", "settings = Settings()",
    "client = httpx.AsyncClient()", "model = joblib.load('model.pkl')",
    "hashlib.pbkdf2_hmac('sha256', pw, salt, 100000)", "import time", "import asyncio", "from time import sleep",
    "from fastapi import FastAPI, Depends, APIRouter, BackgroundTasks, Query",
    "from pydantic import BaseModel, BaseSettings", "from typing import Annotated, Optional", "import requests",
    "try:\n    yield db\nfinally:\n    db.close()", "yield session", "global app", "del app", "pass", "...",
    "if item is None:\n    raise HTTPException(status_code=404)", "background_tasks.add_task(send_email, to)",
]
# fmt: on


def _lines(text: str) -> List[str]:
    return text.splitlines(keepends=True)


def _span(rng: random.Random, count: int) -> Tuple[int, int]:
    start = rng.randrange(count)
    return start, min(count, start + rng.choice([1, 1, 1, 2, 3, rng.randint(1, 20)]))


def _indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _line_end(text: str) -> str:
    return "\r\n" if "\r\n" in text[:2000] else "\n"


def delete_lines(rng: random.Random, text: str, seeds: Callable[[], str]) -> str:
    lines = _lines(text)
    if not lines:
        return text
    start, end = _span(rng, len(lines))
    return "".join(lines[:start] + lines[end:])


def duplicate_lines(rng: random.Random, text: str, seeds: Callable[[], str]) -> str:
    lines = _lines(text)
    if not lines:
        return text
    start, end = _span(rng, len(lines))
    at = rng.choice([end, rng.randrange(len(lines) + 1)])
    return "".join(lines[:at] + lines[start:end] * rng.choice([1, 1, 2, 50]) + lines[at:])


def swap_lines(rng: random.Random, text: str, seeds: Callable[[], str]) -> str:
    lines = _lines(text)
    if len(lines) < 2:
        return text
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    if rng.random() < 0.5:
        j = min(len(lines) - 1, i + 1)
    lines[i], lines[j] = lines[j], lines[i]
    return "".join(lines)


def splice_lines(rng: random.Random, text: str, seeds: Callable[[], str]) -> str:
    """A block of lines of another seed, inserted somewhere."""
    other = _lines(seeds())
    if not other:
        return text
    start, end = _span(rng, len(other))
    lines = _lines(text)
    at = rng.randrange(len(lines) + 1)
    return "".join(lines[:at] + other[start:end] + lines[at:])


def _position(rng: random.Random, text: str) -> int:
    """A position in `text`: anywhere, or at the start or the end of a line."""
    if not text:
        return 0
    roll = rng.random()
    if roll < 0.4:
        return rng.randrange(len(text) + 1)
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    start = rng.choice(starts)
    if roll < 0.7:
        return start + len(_indent_of(text[start : start + 200]))
    end = re.compile(r"\r\n|\r|\n").search(text, start)
    return len(text) if end is None else end.start()


def insert_token(rng: random.Random, text: str, seeds: Callable[[], str]) -> str:
    at = _position(rng, text)
    token = rng.choice(TOKENS)
    return text[:at] + token + text[at:]


def insert_statement(rng: random.Random, text: str, seeds: Callable[[], str]) -> str:
    lines = _lines(text)
    at = rng.randrange(len(lines) + 1)
    near = lines[at] if at < len(lines) else (lines[at - 1] if lines else "")
    indent = _indent_of(near)
    if rng.random() < 0.2:
        indent += rng.choice(["    ", "\t", " "])
    newline = _line_end(text)
    statement = rng.choice(STATEMENTS)
    block = "".join(indent + line + newline for line in statement.split("\n"))
    if at > 0 and not lines[at - 1].endswith(("\n", "\r")):
        block = newline + block
    return "".join(lines[:at]) + block + "".join(lines[at:])


def flip_bytes(rng: random.Random, text: str, seeds: Callable[[], str]) -> str:
    """Bytes of the UTF-8 text flipped or replaced; decoded back with `replace` (mostly) or
    `surrogateescape` (a source the API must refuse; the CLI gets the raw bytes)."""
    data = bytearray(text.encode("utf-8", "surrogateescape" if _escapable(text) else "surrogatepass"))
    if not data:
        return text
    for _ in range(rng.choice([1, 1, 2, 3, 8])):
        i = rng.randrange(len(data))
        if rng.random() < 0.5:
            data[i] ^= 1 << rng.randrange(8)
        else:
            data[i] = rng.choice([0, 0x80, 0xC3, 0xE2, 0xED, 0xF0, 0xFF, 0x0D, 0x0A, 0x09, 0x20, 0x5C, 0x22, 0x27])
    return bytes(data).decode("utf-8", "surrogateescape" if rng.random() < 0.15 else "replace")


def truncate(rng: random.Random, text: str, seeds: Callable[[], str]) -> str:
    if not text:
        return text
    return text[: rng.randrange(len(text))]


def delete_chars(rng: random.Random, text: str, seeds: Callable[[], str]) -> str:
    if not text:
        return text
    at = rng.randrange(len(text))
    return text[:at] + text[at + rng.choice([1, 1, 2, 5, 20]) :]


def reindent(rng: random.Random, text: str, seeds: Callable[[], str]) -> str:
    lines = _lines(text)
    if not lines:
        return text
    start, end = _span(rng, len(lines))
    how = rng.choice(["add", "remove", "tabs", "flat", "one"])
    for i in range(start, end):
        line, indent = lines[i], _indent_of(lines[i])
        if how == "add":
            lines[i] = "    " + line
        elif how == "remove":
            lines[i] = line[min(4, len(indent)) :]
        elif how == "tabs":
            lines[i] = indent.replace("    ", "\t") + line[len(indent) :]
        elif how == "flat":
            lines[i] = line[len(indent) :]
        else:
            lines[i] = " " + line
    return "".join(lines)


def toggle_async(rng: random.Random, text: str, seeds: Callable[[], str]) -> str:
    """`def` made `async def`, `async def` made `def`, or an `await` dropped."""
    choices = [m.start() for m in re.finditer(r"\b(?:async def|def|await)\b", text)]
    if not choices:
        return text
    at = rng.choice(choices)
    if text.startswith("async def", at):
        return text[:at] + text[at + len("async ") :]
    if text.startswith("await", at):
        return text[:at] + text[at + len("await ") :]
    return text[:at] + "async " + text[at:]


def line_endings(rng: random.Random, text: str, seeds: Callable[[], str]) -> str:
    ending = rng.choice(["\r\n", "\r", "\n"])
    if rng.random() < 0.5:
        return re.sub(r"\r\n|\r|\n", ending, text)
    lines = _lines(text)
    if not lines:
        return text
    i = rng.randrange(len(lines))
    lines[i] = lines[i].rstrip("\r\n") + ending
    return "".join(lines)


# Imports for what STATEMENTS call, so that the rules resolve the names.
HEADER = [
    "import asyncio",
    "import logging",
    "import os",
    "import subprocess",
    "import time",
    "import requests",
    "import httpx",
    "from time import sleep",
    "from fastapi import APIRouter, BackgroundTasks, Depends, FastAPI, Query",
    "from pydantic import BaseModel",
    "logger = logging.getLogger(__name__)",
    "app = FastAPI()",
    "router = APIRouter()",
]
ROUTES = [
    "@app.get('/fuzz/{item_id}')",
    '@app.post("/fuzz")',
    "@router.get('/fuzz', response_model=Item)",
    "@app.put('/x/{x}')",
]


def _import_anchor(lines: List[str]) -> int:
    """The index of the first import that is not `from __future__`, else after the docstring."""
    for i, line in enumerate(lines):
        if line.startswith(("import ", "from ")) and not line.startswith("from __future__"):
            return i
    return 0


def add_imports(rng: random.Random, text: str, seeds: Callable[[], str]) -> str:
    lines = _lines(text)
    at = _import_anchor(lines)
    newline = _line_end(text)
    chosen = [line for line in HEADER if rng.random() < 0.5] or HEADER[:1]
    return "".join(lines[:at]) + "".join(line + newline for line in chosen) + "".join(lines[at:])


def insert_in_function(rng: random.Random, text: str, seeds: Callable[[], str]) -> str:
    """A statement of STATEMENTS as the first of a function's body, with the imports it needs."""
    lines = _lines(text)
    heads = [i for i, line in enumerate(lines) if re.match(r"\s*(async\s+)?def\s.*:\s*(#.*)?$", line.rstrip("\r\n"))]
    if not heads or len(lines) < 2:
        return insert_statement(rng, text, seeds)
    head = rng.choice(heads)
    body = next((lines[i] for i in range(head + 1, len(lines)) if lines[i].strip()), "    ")
    indent = _indent_of(body)
    if len(indent) <= len(_indent_of(lines[head])):
        indent = _indent_of(lines[head]) + "    "
    newline = _line_end(text)
    statement = rng.choice(STATEMENTS)
    block = "".join(indent + line + newline for line in statement.split("\n"))
    text = "".join(lines[: head + 1]) + block + "".join(lines[head + 1 :])
    return add_imports(rng, text, seeds) if rng.random() < 0.7 else text


def make_route(rng: random.Random, text: str, seeds: Callable[[], str]) -> str:
    """A module-level function decorated as a route (of an app the imports create)."""
    lines = _lines(text)
    heads = [i for i, line in enumerate(lines) if re.match(r"(async\s+)?def\s", line)]
    if not heads:
        return text
    head = rng.choice(heads)
    while head > 0 and lines[head - 1].startswith("@"):
        head -= 1
    lines.insert(head, rng.choice(ROUTES) + _line_end(text))
    return add_imports(rng, "".join(lines), seeds)


def add_noqa(rng: random.Random, text: str, seeds: Callable[[], str]) -> str:
    lines = _lines(text)
    if not lines:
        return text
    i = rng.randrange(len(lines))
    body = lines[i].rstrip("\r\n")
    lines[i] = body + rng.choice(NOQA) + lines[i][len(body) :]
    return "".join(lines)


MUTATIONS: List[Tuple[Callable[[random.Random, str, Callable[[], str]], str], int]] = [
    (delete_lines, 10),
    (duplicate_lines, 8),
    (swap_lines, 6),
    (splice_lines, 5),
    (insert_token, 20),
    (insert_statement, 12),
    (insert_in_function, 10),
    (make_route, 3),
    (add_noqa, 3),
    (flip_bytes, 4),
    (truncate, 3),
    (delete_chars, 6),
    (reindent, 8),
    (toggle_async, 8),
    (line_endings, 2),
]


# Mutations that often keep the code compiling: for mutants that reach the fixes.
GENTLE: List[Tuple[Callable[[random.Random, str, Callable[[], str]], str], int]] = [
    (insert_in_function, 30),
    (make_route, 10),
    (toggle_async, 15),
    (add_noqa, 8),
    (insert_statement, 10),
    (delete_lines, 8),
    (duplicate_lines, 6),
    (swap_lines, 4),
    (splice_lines, 3),
    (reindent, 3),
    (line_endings, 2),
]


def mutate(rng: random.Random, text: str, seeds: Callable[[], str]) -> Tuple[str, List[str]]:
    """`text` after a few random mutations, and their names. Half the time (for a seed that
    compiles) each mutation is kept only when the result still compiles, so that the fixes get
    code they work on; otherwise one to eight mutations of any kind."""
    if rng.random() < 0.5 and len(text) <= 30_000 and compiles(text):
        functions, weights = zip(*GENTLE)
        names: List[str] = []
        wanted = rng.randint(1, 5)
        for _ in range(3 * wanted):
            function = rng.choices(functions, weights)[0]
            candidate = function(rng, text, seeds)
            if candidate != text and compiles(candidate):
                text = candidate
                names.append(function.__name__)
                if len(names) == wanted:
                    break
        if names:
            return text, names
    return wild_mutate(rng, text, seeds)


def wild_mutate(rng: random.Random, text: str, seeds: Callable[[], str]) -> Tuple[str, List[str]]:
    """`text` after one to eight random mutations of any kind, and their names."""
    functions, weights = zip(*MUTATIONS)
    count = 1
    while count < 8 and rng.random() < 0.55:
        count += 1
    names = []
    for function in rng.choices(functions, weights, k=count):
        text = function(rng, text, seeds)
        names.append(function.__name__)
    return text, names


# --- failures ----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Problem:
    """One failure on one input. `signature` tells failures apart: the same defect found twice
    has the same signature (no positions, numbers or quoted source text in it)."""

    target: str  # "api" or "cli"
    kind: str
    detail: str
    message: str

    @property
    def signature(self) -> str:
        return f"{self.target}:{self.kind}:{self.detail}"


def normalise(message: str, limit: int = 100) -> str:
    """A message without what changes from input to input: quoted text, numbers, paths."""
    message = re.sub(r"`[^`]*`|'[^']*'|\"[^\"]*\"", "…", message.splitlines()[0] if message else "")
    message = re.sub(r"\d+", "N", message)
    message = re.sub(r"/\S+", "PATH", message)
    return message[:limit]


def encodable(source: str) -> bool:
    try:
        source.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _escapable(text: str) -> bool:
    try:
        text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return False
    return True


def file_bytes(source: str) -> bytes:
    """The bytes a file holding `source` has: surrogate escapes become the bytes they stand for."""
    return source.encode("utf-8", "surrogateescape" if _escapable(source) else "surrogatepass")


def compiles(source: "str | bytes") -> Optional[bool]:
    """Whether CPython compiles `source`; None when it cannot tell (it ran out of stack or memory)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(source, "x.py", "exec", dont_inherit=True)
        except (SyntaxError, ValueError, UnicodeError, OverflowError):
            return False
        except (RecursionError, MemoryError):
            return None
    return True


def line_lengths(source: str) -> List[int]:
    """The length in characters of each line, as Ruff splits lines (`\\n`, `\\r\\n`, `\\r`)."""
    return [len(line) for line in re.split(r"\r\n|\r|\n", source)]


def _position_ok(lengths: Sequence[int], row: Any, column: Any) -> bool:
    if not isinstance(row, int) or not isinstance(column, int) or not 1 <= row <= len(lengths):
        return False
    return 1 <= column <= lengths[row - 1] + 1


def location_problems(diagnostics: Sequence[Any], source: str, target: str = "api") -> List[Problem]:
    """Every position of the diagnostics (and of their fixes' edits) inside `source`, each range
    ending at or after its start, and `to_dict()` JSON that reads back as the same diagnostic."""
    import fastapi_lint  # noqa: PLC0415 - the worker imports it, the CLI half does not need it

    lengths = line_lengths(source)
    problems = []

    def check_range(code: str, what: str, start: Any, end: Any) -> None:
        for name, place in (("start", start), ("end", end)):
            if not _position_ok(lengths, place.row, place.column):
                problems.append(
                    Problem(
                        target,
                        "location-outside-source",
                        f"{code}:{what}",
                        f"{code} {what} {name} at {place.row}:{place.column}, but the source has {len(lengths)} lines "
                        f"(line {place.row} has {lengths[place.row - 1] if 1 <= place.row <= len(lengths) else '-'} "
                        "characters)",
                    )
                )
        if (start.row, start.column) > (end.row, end.column):
            problems.append(
                Problem(target, "range-ends-before-start", f"{code}:{what}", f"{code} {what}: {start} > {end}")
            )

    for diagnostic in diagnostics:
        code = diagnostic.code
        check_range(code, "diagnostic", diagnostic.location, diagnostic.end_location)
        if diagnostic.noqa_row is not None and not 1 <= diagnostic.noqa_row <= len(lengths):
            problems.append(
                Problem(target, "location-outside-source", f"{code}:noqa_row", f"noqa_row {diagnostic.noqa_row}")
            )
        if diagnostic.fix is not None:
            previous = None
            for edit in sorted(diagnostic.fix.edits, key=lambda e: (e.location.row, e.location.column)):
                check_range(code, "edit", edit.location, edit.end_location)
                start = (edit.location.row, edit.location.column)
                if previous is not None and start < previous:
                    problems.append(Problem(target, "overlapping-edits", code, f"{code}: edits overlap at {start}"))
                previous = (edit.end_location.row, edit.end_location.column)
        for related in diagnostic.related:
            if related.filename == diagnostic.filename:
                check_range(code, "related", related.location, related.end_location)
        try:
            element = diagnostic.to_dict()
            text = json.dumps(element, allow_nan=False)
            back = fastapi_lint.Diagnostic.from_dict(json.loads(text))
        except Exception as error:  # noqa: BLE001 - any failure here is the finding
            problems.append(Problem(target, "to-dict-not-json", code, f"{code}: {type(error).__name__}: {error}"))
            continue
        if back != dataclasses.replace(diagnostic, related=()):
            problems.append(Problem(target, "to-dict-does-not-read-back", code, f"{code}: {element!r}"))
        if list(element) != JSON_KEYS:
            problems.append(Problem(target, "to-dict-keys", code, f"{code}: {sorted(element)}"))
    return problems


def _exception_problem(function: str, source: str, error: BaseException) -> Optional[Problem]:
    """None for the documented refusal (`LintError` for a source with a lone surrogate)."""
    import fastapi_lint  # noqa: PLC0415

    text = str(error)
    if isinstance(error, fastapi_lint.LintError) and CRASHED in text:
        rule = re.search(r"last rule consulted: (\S+)", text)
        panic = re.sub(r"^[^:]*:\s*", "", text.split(CRASHED, 1)[1])
        detail = f"{function}:{rule.group(1) if rule else '-'}:{normalise(panic)}"
        return Problem("api", "panic", detail, text)
    if isinstance(error, fastapi_lint.LintError) and not encodable(source):
        return None
    kind = "lint-error" if isinstance(error, fastapi_lint.LintError) else "exception"
    return Problem(
        "api", kind, f"{function}:{type(error).__name__}:{normalise(text)}", f"{type(error).__name__}: {text}"
    )


def api_problems(source: str, filename: str = "app/main.py", target_version: Optional[str] = None) -> List[Problem]:
    """Everything wrong with how the Python API handles `source` (in this process)."""
    return api_run(source, filename, target_version)[0]


def api_run(
    source: str, filename: str = "app/main.py", target_version: Optional[str] = None
) -> Tuple[List[Problem], Dict[str, Any]]:
    """`api_problems`, and what was exercised: the codes reported, whether the source compiled,
    how many fixes applied."""
    import fastapi_lint  # noqa: PLC0415

    options: Dict[str, Any] = {
        "filename": filename,
        "select": ["ALL"],
        "preview": True,
        "target_version": target_version,
    }
    problems: List[Problem] = []
    info: Dict[str, Any] = {"codes": (), "compiles": None, "fixed": 0}
    try:
        diagnostics = fastapi_lint.check_source(source, **options)
    except Exception as error:  # noqa: BLE001
        problem = _exception_problem("check_source", source, error)
        problems.extend([problem] if problem else [])
    else:
        info["codes"] = tuple(sorted({d.code for d in diagnostics}))
        if not encodable(source):
            problems.append(Problem("api", "surrogate-accepted", "check_source", "no LintError for a lone surrogate"))
        problems.extend(location_problems(diagnostics, source))
    problems.extend(_fix_problems(source, options, info))
    return problems, info


def _fix_problems(source: str, options: Dict[str, Any], info: Dict[str, Any]) -> List[Problem]:
    import fastapi_lint  # noqa: PLC0415

    problems: List[Problem] = []
    try:
        fixed = fastapi_lint.fix_source(source, unsafe=True, **options)
    except Exception as error:  # noqa: BLE001
        problem = _exception_problem("fix_source", source, error)
        return problems + ([problem] if problem else [])
    if not encodable(source):
        return problems + [Problem("api", "surrogate-accepted", "fix_source", "no LintError for a lone surrogate")]
    problems.extend(
        dataclasses.replace(p, kind="fixed-" + p.kind) for p in location_problems(fixed.diagnostics, fixed.source)
    )
    info["fixed"] = fixed.fixed
    info["compiles"] = compiles(source)
    if fixed.source != source and info["compiles"] and compiles(fixed.source) is False:
        culprits = _culprits(source, options)
        problems.append(
            Problem("api", "fix-breaks-compile", ",".join(culprits) or "together", _compile_error(fixed.source))
        )
    if fixed.source == source and fixed.fixed:
        problems.append(Problem("api", "fix-count", "unchanged", f"fixed={fixed.fixed} but the source is unchanged"))
    if fixed.source != source:
        try:
            again = fastapi_lint.fix_source(fixed.source, unsafe=True, **options)
        except Exception as error:  # noqa: BLE001
            problem = _exception_problem("fix_source(fixed)", fixed.source, error)
            return problems + ([problem] if problem else [])
        if again.source != fixed.source:
            problems.append(_not_idempotent(fixed, again, options))
    return problems


def _not_idempotent(fixed: Any, again: Any, options: Dict[str, Any]) -> Problem:
    """A second `fix_source` changed the source: which rules' fixes it applied, and whether the
    first one reported them (a fix it left for no reason) or not (a fix it dropped silently)."""
    import fastapi_lint  # noqa: PLC0415

    def fixable(diagnostics: Sequence[Any]) -> List[str]:
        return sorted({d.code for d in diagnostics if d.fix is not None and d.fix.applicability != "displayonly"})

    reported = fixable(fixed.diagnostics)
    detail = (
        ",".join(reported)
        if reported
        else ",".join(fixable(fastapi_lint.check_source(fixed.source, **options))) + ":fix-not-reported"
    )
    before, after = fixed.source.splitlines(), again.source.splitlines()
    row = next((i for i, (a, b) in enumerate(zip(before, after)) if a != b), min(len(before), len(after)))
    change = (
        f"line {row + 1}: {before[row] if row < len(before) else ''!r} -> {after[row] if row < len(after) else ''!r}"
    )
    return Problem(
        "api", "fix-not-idempotent", detail, f"a second fix_source applied {again.fixed} fixes; {change[:500]}"
    )


def _culprits(source: str, options: Dict[str, Any]) -> List[str]:
    """The rules whose fixes alone break the compile."""
    import fastapi_lint  # noqa: PLC0415

    codes = sorted({d.code for d in fastapi_lint.check_source(source, **options) if d.fix is not None})
    culprits = []
    for code in codes:
        alone = fastapi_lint.fix_source(source, unsafe=True, **{**options, "select": [code]})
        if alone.source != source and compiles(alone.source) is False:
            culprits.append(code)
    return culprits


def _compile_error(source: "str | bytes") -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(source, "x.py", "exec", dont_inherit=True)
        except Exception as error:  # noqa: BLE001
            return f"{type(error).__name__}: {error}"
    return "compiles"


# --- the command line --------------------------------------------------------------------------


def console_script() -> List[str]:
    scripts = Path(sysconfig.get_path("scripts"))
    for name in ("fastapi-lint", "fastapi-lint.exe"):
        if (scripts / name).exists():
            return [str(scripts / name)]
    found = shutil.which("fastapi-lint")
    return [found] if found else [sys.executable, "-m", "fastapi_lint"]


def hang_evidence(pid: int) -> str:
    """What a process that takes too long is doing: each thread's state, the CPU time it used
    (spinning or blocked?) and, where gdb is installed, every thread's stack."""
    lines = []
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        lines.append(f"cpu time: {(int(fields[11]) + int(fields[12])) / ticks:.1f} s")
        for task in sorted(Path(f"/proc/{pid}/task").iterdir(), key=lambda p: int(p.name)):
            state = (task / "stat").read_text().rsplit(")", 1)[1].split()[0]
            wchan = (task / "wchan").read_text().strip() if (task / "wchan").exists() else "?"
            lines.append(f"thread {task.name} {(task / 'comm').read_text().strip()}: state {state}, wchan {wchan}")
    except (OSError, IndexError, ValueError) as error:
        lines.append(f"no /proc information: {error}")
    if shutil.which("gdb"):
        try:
            stacks = subprocess.run(
                ["gdb", "-batch", "-nx", "-p", str(pid), "-ex", "thread apply all bt 25"],
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            ).stdout
            lines.append("\n".join(line for line in stacks.splitlines() if line.startswith(("#", "Thread"))))
        except (OSError, subprocess.TimeoutExpired) as error:
            lines.append(f"gdb failed: {error}")
    return "\n".join(lines)


def cli_workdir(parent: Optional[Path] = None) -> Path:
    """A directory for the CLI's input file that is a project of its own (a `pyproject.toml`): the
    CLI lints a file's whole project for context, and the project would otherwise be the nearest
    directory above with a marker, whatever is in there."""
    workdir = Path(tempfile.mkdtemp(prefix="fastapi-lint-fuzz-", dir=parent))
    (workdir / "pyproject.toml").write_text('[project]\nname = "fuzz-mutant"\nversion = "0"\n')
    return workdir


def cli_problems(data: bytes, workdir: Path, timeout: float, evidence: bool = True) -> List[Problem]:
    """Everything wrong with how `fastapi-lint check` handles a file holding `data`, in `workdir`
    (made by `cli_workdir`)."""
    path = workdir / "main.py"
    command = [*console_script(), "check", "--isolated", "--no-cache", "--select", "ALL", "--preview"]
    command += ["--output-format", "json"]
    environment = {**os.environ, "FASTAPI_LINT_CACHE_DIR": str(workdir / ".cache"), "RUST_BACKTRACE": "0"}
    problems: List[Problem] = []
    try:
        text: Optional[str] = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    for mode, extra in (("check", []), ("fix", ["--fix", "--unsafe-fixes"])):
        path.write_bytes(data)
        process = subprocess.Popen(
            [*command, *extra, path.name],
            cwd=workdir,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            stdout, stderr_bytes = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            found = hang_evidence(process.pid) if evidence else ""
            process.kill()
            process.communicate()
            problems.append(Problem("cli", "hang", mode, f"no answer in {timeout} s\n{found}"))
            continue
        result = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr_bytes)
        stderr = result.stderr.decode("utf-8", "replace")
        panic = re.search(r"panicked at [^\n]*\n([^\n]*)", stderr)
        if panic:
            problems.append(Problem("cli", "panic", f"{mode}:{normalise(panic.group(1))}", stderr[-2000:]))
        if result.returncode not in (0, 1):
            problems.append(Problem("cli", "exit-code", f"{mode}:{result.returncode}", stderr[-2000:]))
            continue
        try:
            elements = json.loads(result.stdout.decode("utf-8"))
            if not isinstance(elements, list) or any(
                not isinstance(e, dict) or sorted(e) != JSON_KEYS for e in elements
            ):
                raise ValueError("not a list of Ruff's diagnostics")
        except ValueError as error:
            problems.append(Problem("cli", "invalid-json", mode, f"{error}: {result.stdout[:500]!r}"))
            continue
        for element in elements:
            if element["code"] == "io-error" and text is not None:
                problems.append(
                    Problem("cli", "io-error", f"{mode}:{normalise(element['message'])}", element["message"])
                )
            if text is not None and mode == "check" and element["code"] != "io-error":
                lengths = line_lengths(text.lstrip("\ufeff"))
                for place in (element["location"], element["end_location"]):
                    if not _position_ok(lengths, place["row"], place["column"]) and not _position_ok(
                        line_lengths(text), place["row"], place["column"]
                    ):
                        problems.append(
                            Problem("cli", "location-outside-source", element["code"], f"{element['code']} at {place}")
                        )
        if mode == "fix":
            after = path.read_bytes()
            if after != data and compiles(data) and compiles(after) is False:
                problems.append(Problem("cli", "fix-breaks-compile", "-", _compile_error(after)))
    return problems


# --- the worker --------------------------------------------------------------------------------


def _send(stream: Any, value: Any) -> None:
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack("<Q", len(payload)) + payload)
    stream.flush()


def _receive(stream: Any) -> Any:
    header = stream.read(8)
    if len(header) < 8:
        raise EOFError
    (size,) = struct.unpack("<Q", header)
    return pickle.loads(stream.read(size))


def worker_main() -> None:
    """Answers `(source, filename, target_version)` with the list of problems, until stdin ends.
    Its stdout carries the answers only: whatever else writes to fd 1 goes to stderr."""
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    requests = sys.stdin.buffer
    while True:
        try:
            source, filename, target_version = _receive(requests)
        except EOFError:
            return
        try:
            problems, info = api_run(source, filename, target_version)
        except BaseException:  # noqa: BLE001 - a bug of this script, reported as such
            problems, info = [Problem("api", "harness-error", "fuzz.py", traceback.format_exc())], {}
        # Plain values: the worker's classes live in `__main__`, the caller's in another module.
        _send(answers, ([dataclasses.astuple(p) for p in problems], info))


class Worker:
    """A `fuzz.py --worker` process, started again when it dies or is killed for taking too long."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        # Whether a hang is examined (threads, stacks) before the worker is killed.
        self.evidence = True
        self.process: Optional[subprocess.Popen[bytes]] = None
        self.log = tempfile.TemporaryFile()
        # The API resolves a relative buffer name against the working directory, and a `tests/`
        # there makes every buffer test code: the worker works in an empty directory of its own.
        self.cwd = tempfile.mkdtemp(prefix="fastapi-lint-worker-")

    def _start(self) -> subprocess.Popen[bytes]:
        if self.process is None or self.process.poll() is not None:
            self.log.seek(0)
            self.log.truncate()
            self.process = subprocess.Popen(
                [sys.executable, str(Path(__file__).resolve()), "--worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self.log,
                cwd=self.cwd,
                env={**os.environ, "RUST_BACKTRACE": "0"},
            )
        return self.process

    def _stderr(self) -> str:
        self.log.seek(0)
        return self.log.read()[-3000:].decode("utf-8", "replace")

    def stop(self) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                self.process.kill()
            self.process.wait()
            self.process = None

    def close(self) -> None:
        self.stop()
        self.log.close()
        shutil.rmtree(self.cwd, ignore_errors=True)

    def problems(self, source: str, filename: str, target_version: Optional[str]) -> List[Problem]:
        return self.run(source, filename, target_version)[0]

    def run(self, source: str, filename: str, target_version: Optional[str]) -> Tuple[List[Problem], Dict[str, Any]]:
        """`api_run` in the worker; a hang or a crash of the worker is a problem too."""
        process = self._start()
        assert process.stdin is not None and process.stdout is not None
        try:
            _send(process.stdin, (source, filename, target_version))
            answer = self._read(process, time.monotonic() + self.timeout)
        except TimeoutError:
            evidence = hang_evidence(process.pid) if self.evidence else ""
            self.stop()
            return [Problem("api", "hang", "-", f"no answer in {self.timeout} s\n{evidence}")], {}
        except (EOFError, BrokenPipeError, OSError):
            code = process.wait()
            stderr = self._stderr()
            self.process = None
            last = [line for line in stderr.splitlines() if line.strip()][-1:] or [""]
            return [Problem("api", "crash", f"exit {code}:{normalise(last[0])}", f"exit code {code}\n{stderr}")], {}
        problems, info = answer
        return [Problem(*fields) for fields in problems], info

    @staticmethod
    def _read(process: subprocess.Popen[bytes], deadline: float) -> Any:
        assert process.stdout is not None
        fd = process.stdout.fileno()
        chunks: List[bytes] = []
        need, header = 8, True
        while True:
            while need:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([fd], [], [], left)[0]:
                    raise TimeoutError
                chunk = os.read(fd, min(need, 1 << 20))
                if not chunk:
                    raise EOFError
                chunks.append(chunk)
                need -= len(chunk)
            if not header:
                return pickle.loads(b"".join(chunks))
            (need,) = struct.unpack("<Q", b"".join(chunks))
            chunks, header = [], False


# --- minimising and saving ---------------------------------------------------------------------


def ddmin(units: List[Any], fails: Callable[[List[Any]], bool], deadline: float) -> List[Any]:
    """A smaller `units` that still fails: chunks removed while the failure remains."""
    chunks = 2
    while len(units) >= 2 and time.monotonic() < deadline:
        size = -(-len(units) // chunks)
        for start in range(0, len(units), size):
            candidate = units[:start] + units[start + size :]
            if time.monotonic() >= deadline:
                return units
            if candidate and fails(candidate):
                units = candidate
                chunks = max(chunks - 1, 2)
                break
        else:
            if chunks >= len(units):
                break
            chunks = min(len(units), chunks * 2)
    return units


def minimise(text: Any, fails: Callable[[Any], bool], seconds: float) -> Any:
    """`text` (a `str` or `bytes`) reduced by lines, then by characters, within `seconds`."""
    deadline = time.monotonic() + seconds
    empty = text[:0]
    lines = ddmin(text.splitlines(keepends=True), lambda units: fails(empty.join(units)), deadline)
    text = empty.join(lines)
    if len(text) <= 3000:
        pieces = [text[i : i + 1] for i in range(len(text))]
        text = empty.join(ddmin(pieces, lambda units: fails(empty.join(units)), deadline))
    return text


def regression_name(problem: Problem) -> str:
    digest = hashlib.sha1(problem.signature.encode("utf-8", "replace")).hexdigest()[:10]
    return f"{problem.target}-{problem.kind}-{digest}"


def saved_signatures(directory: Path) -> Dict[str, str]:
    """The signature of each regression saved in `directory`, to its name."""
    found = {}
    for meta in sorted(directory.glob("*.json")) if directory.is_dir() else []:
        try:
            found[json.loads(meta.read_text(encoding="utf-8"))["signature"]] = meta.stem
        except (ValueError, KeyError):
            continue
    return found


def save_regression(directory: Path, problem: Problem, data: bytes, meta: Dict[str, Any]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    name = regression_name(problem)
    (directory / f"{name}.src").write_bytes(data)
    record = {
        "signature": problem.signature,
        "target": problem.target,
        "kind": problem.kind,
        "message": problem.message[:4000],
        **meta,
    }
    (directory / f"{name}.json").write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return directory / f"{name}.json"


def load_regression(meta_path: Path) -> Tuple[Dict[str, Any], "str | bytes"]:
    """A saved regression's record and input: raw bytes for the CLI, the API's `str` (its bytes
    decoded with `surrogatepass`, so even lone surrogates come back) for the API."""
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    data = meta_path.with_suffix(".src").read_bytes()
    if meta["target"] == "cli":
        return meta, data
    return meta, data.decode("utf-8", "surrogatepass")


def replay(meta_path: Path, timeout: float = 30.0) -> List[Problem]:
    """The problems a saved regression's input has now (in a worker process, so that a crash or a
    hang is reported rather than suffered)."""
    meta, data = load_regression(meta_path)
    if isinstance(data, bytes):
        workdir = cli_workdir()
        try:
            return cli_problems(data, workdir, timeout)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    worker = Worker(timeout)
    try:
        return worker.problems(data, meta.get("filename", "app/main.py"), meta.get("target_version"))
    finally:
        worker.close()


# --- the run -----------------------------------------------------------------------------------


def python_files(directories: Iterable[Path]) -> List[Path]:
    files = []
    for directory in directories:
        if directory.is_dir():
            files.extend(p for p in directory.rglob("*.py") if p.is_file() and p.stat().st_size <= MAX_SEED_BYTES)
    return sorted(files)


def default_seed_files() -> List[Path]:
    """The fetched corpora's files, else the repository's examples and rule fixtures."""
    return python_files(CORPUS_DIRS) or python_files(REPO_SEED_DIRS)


def repo_seed_files() -> List[Path]:
    return python_files(REPO_SEED_DIRS)


@dataclasses.dataclass
class Stats:
    inputs: int = 0
    cli_runs: int = 0
    failures: Dict[str, Problem] = dataclasses.field(default_factory=dict)
    occurrences: Dict[str, int] = dataclasses.field(default_factory=dict)
    saved: List[Path] = dataclasses.field(default_factory=list)
    known: Dict[str, str] = dataclasses.field(default_factory=dict)  # signature -> saved name
    compiled: int = 0  # inputs that CPython compiles
    fixed: int = 0  # inputs that fix_source changed
    codes: Dict[str, int] = dataclasses.field(default_factory=dict)  # inputs each code was reported for
    unconfirmed: Dict[str, Problem] = dataclasses.field(default_factory=dict)  # hangs and crashes seen once
    seconds: float = 0.0

    @property
    def new_failures(self) -> Dict[str, Problem]:
        return {s: p for s, p in self.failures.items() if s not in self.known}


class Fuzzer:
    def __init__(
        self,
        seed_files: Sequence[Path],
        *,
        seed: int,
        jobs: int = 1,
        timeout: float = 10.0,
        cli_every: int = 25,
        save_dir: Optional[Path] = REGRESSIONS,
        minimise_seconds: float = 60.0,
        log: Callable[[str], None] = print,
    ) -> None:
        if not seed_files:
            raise SystemExit("no seed files")
        self.seed_files = list(seed_files)
        fastapi_files = []
        for path in self.seed_files:
            if b"fastapi" in path.read_bytes().lower():
                fastapi_files.append(path)
        self.fastapi_files = fastapi_files or self.seed_files
        self.seed = seed
        self.jobs = jobs
        self.timeout = timeout
        self.cli_every = cli_every
        self.save_dir = save_dir
        self.minimise_seconds = minimise_seconds
        self.log = log
        self.stats = Stats(known=saved_signatures(save_dir) if save_dir else {})
        self.lock = threading.Lock()

    def _read_seed(self, rng: random.Random) -> Tuple[Path, str]:
        files = self.fastapi_files if rng.random() < 0.8 else self.seed_files
        path = rng.choice(files)
        return path, path.read_bytes().decode("utf-8", "replace")

    def run(self, seconds: float, max_inputs: Optional[int] = None) -> Stats:
        started = time.monotonic()
        deadline = started + seconds
        per_job = None if max_inputs is None else -(-max_inputs // self.jobs)
        threads = [
            threading.Thread(target=self._job, args=(job, deadline, per_job), daemon=True) for job in range(self.jobs)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.stats.seconds = time.monotonic() - started
        return self.stats

    def _job(self, job: int, deadline: float, max_inputs: Optional[int]) -> None:
        rng = random.Random(f"{self.seed}:{job}")
        worker = Worker(self.timeout)
        workdir = cli_workdir()
        try:
            done = 0
            while time.monotonic() < deadline and (max_inputs is None or done < max_inputs):
                seed_path, text = self._read_seed(rng)
                mutant, mutations = mutate(rng, text, lambda: self._read_seed(rng)[1])
                filename = rng.choice(FILENAMES)
                target_version = rng.choice(TARGET_VERSIONS)
                origin = {
                    "seed_file": str(seed_path.relative_to(ROOT) if seed_path.is_relative_to(ROOT) else seed_path)
                }
                origin["mutations"] = mutations
                problems, info = worker.run(mutant, filename, target_version)
                meta = {"filename": filename, "target_version": target_version, **origin}
                for problem in problems:
                    self._found(problem, mutant, meta, worker, workdir)
                done += 1
                cli = self.cli_every > 0 and done % self.cli_every == 0
                if cli:
                    data = file_bytes(mutant)
                    for problem in cli_problems(data, workdir, self.timeout * 3):
                        self._found(problem, data, origin, worker, workdir)
                with self.lock:
                    self.stats.inputs += 1
                    self.stats.cli_runs += cli
                    self.stats.compiled += bool(info.get("compiles"))
                    self.stats.fixed += bool(info.get("fixed"))
                    for code in info.get("codes", ()):
                        self.stats.codes[code] = self.stats.codes.get(code, 0) + 1
        finally:
            worker.close()
            shutil.rmtree(workdir, ignore_errors=True)

    def _found(
        self, problem: Problem, data: "str | bytes", meta: Dict[str, Any], worker: Worker, workdir: Path
    ) -> None:
        signature = problem.signature
        with self.lock:
            self.stats.occurrences[signature] = self.stats.occurrences.get(signature, 0) + 1
            if signature in self.stats.failures:
                return
        if problem.target == "api":
            filename, target_version = meta["filename"], meta["target_version"]

            def fails(candidate: Any) -> bool:
                return signature in {p.signature for p in worker.problems(candidate, filename, target_version)}

        else:

            def fails(candidate: Any) -> bool:
                found = cli_problems(candidate, workdir, self.timeout * 3, evidence=False)
                return signature in {p.signature for p in found}

        # A hang or a crash may come from the machine (another job's load, the OOM killer): it
        # counts when it happens again on the same input.
        if problem.kind in ("hang", "crash"):
            worker.evidence = False
            try:
                confirmed = fails(data)
            finally:
                worker.evidence = True
            if not confirmed:
                with self.lock:
                    self.stats.unconfirmed.setdefault(signature, problem)
                self.log(f"{time.strftime('%H:%M:%S')} not reproduced: {signature}\n{problem.message}")
                return

        with self.lock:
            if signature in self.stats.failures:
                return
            self.stats.failures[signature] = problem
            known = self.stats.known.get(signature)
        self.log(f"{time.strftime('%H:%M:%S')} failure: {signature}" + (f" (saved as {known})" if known else ""))
        if known or self.save_dir is None:
            return

        budget = self.minimise_seconds * (3 if problem.kind == "hang" else 1)
        worker.evidence = False
        try:
            small = minimise(data, fails, budget)
        finally:
            worker.evidence = True
        raw = small if isinstance(small, bytes) else small.encode("utf-8", "surrogatepass")
        record = {**meta, "input_chars": len(small), "original_chars": len(data), "python": sys.version.split()[0]}
        with self.lock:
            path = save_regression(self.save_dir, problem, raw, record)
            self.stats.saved.append(path)
        self.log(f"  saved {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} ({len(small)} characters)")


def report(stats: Stats, out: Callable[[str], None] = print) -> None:
    out(f"inputs tried: {stats.inputs} in {stats.seconds:.0f} s ({stats.cli_runs} also through the CLI)")
    out(f"  {stats.compiled} compiled, {stats.fixed} changed by fix_source; codes reported (inputs):")
    out("  " + ", ".join(f"{code} {count}" for code, count in sorted(stats.codes.items())))
    out(f"unique failures: {len(stats.failures)} ({len(stats.new_failures)} not saved before)")
    for signature, problem in sorted(stats.failures.items()):
        known = stats.known.get(signature)
        out(f"  {signature}  x{stats.occurrences[signature]}" + (f"  [saved: {known}]" if known else ""))
        out("    " + problem.message.strip().splitlines()[0][:300] if problem.message.strip() else "")
    if stats.unconfirmed:
        out(f"hangs and crashes that did not happen again on the same input: {len(stats.unconfirmed)}")
        for signature, problem in sorted(stats.unconfirmed.items()):
            out(f"  {signature}: " + problem.message.strip().replace("\n", "\n    ")[:3000])
    out(f"saved regressions: {len(stats.saved)}")
    for path in stats.saved:
        out(f"  {path}")


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to fuzz (default 60)")
    parser.add_argument("--seed", type=int, default=None, help="the random seed (default: a new one, printed)")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--max-inputs", type=int, default=None, help="stop after this many inputs")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per input before it is a hang")
    parser.add_argument("--cli-every", type=int, default=25, help="run the CLI on every Nth input (0: never)")
    parser.add_argument("--minimise-seconds", type=float, default=60.0, help="time to minimise each new failure")
    parser.add_argument("--seed-dir", type=Path, action="append", help="take seeds from here (repeatable)")
    parser.add_argument("--save-dir", type=Path, default=REGRESSIONS, help="where to save regressions")
    parser.add_argument("--no-save", action="store_true", help="neither minimise nor save failures")
    parser.add_argument("--replay", type=Path, nargs="+", help="replay saved regressions (their .json) and exit")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        worker_main()
        return 0
    if args.replay:
        status = 0
        for path in args.replay:
            problems = replay(path, timeout=args.timeout)
            print(f"{path}: {'still fails' if problems else 'passes'}")
            for problem in problems:
                print(f"  {problem.signature}\n    {problem.message[:1000]}")
            status |= bool(problems)
        return status

    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 31)
    seed_files = python_files(args.seed_dir) if args.seed_dir else default_seed_files()
    print(f"seed {seed}, {len(seed_files)} seed files, {args.jobs} job(s), {args.seconds:g} s", flush=True)
    fuzzer = Fuzzer(
        seed_files,
        seed=seed,
        jobs=args.jobs,
        timeout=args.timeout,
        cli_every=args.cli_every,
        save_dir=None if args.no_save else args.save_dir,
        minimise_seconds=args.minimise_seconds,
        log=lambda line: print(line, flush=True),
    )
    stats = fuzzer.run(args.seconds, args.max_inputs)
    report(stats)
    return 1 if stats.new_failures else 0


if __name__ == "__main__":
    sys.exit(main())
