"""Helpers shared by the test modules (pytest puts this directory on `sys.path`)."""

from __future__ import annotations

import subprocess
import sysconfig
from pathlib import Path
from typing import Callable

# The `run` fixture: `run(*args, cwd=tmp_path, input=None, env=None)` runs the installed command.
Run = Callable[..., "subprocess.CompletedProcess[str]"]

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_APP = REPO_ROOT / "examples" / "fastapi_app"

# The keys of one element of `--output-format json`, exactly as Ruff writes them.
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

# An async route that sleeps: one FAPI101 where `time.sleep` starts.
SLEEPING_ROUTE = """\
import time

from fastapi import FastAPI

app = FastAPI(openapi_url=None)  # docs off, so only the sleep is reported

@app.get("/")
async def index():
    time.sleep(1)
    return {}
"""
SLEEP_ROW = 9
SLEEP_COLUMN = 5

# Ruff reports exactly one syntax error here: a missing closing bracket at the end of the file.
UNCLOSED_BRACKET = "import os\nx = (\n"


def console_script() -> Path:
    """The `fastapi-lint` script pip installed next to this interpreter (not one on PATH)."""
    scripts = Path(sysconfig.get_path("scripts"))
    for name in ("fastapi-lint", "fastapi-lint.exe"):
        if (scripts / name).exists():
            return scripts / name
    raise AssertionError(f"no fastapi-lint console script in {scripts}")
