"""Fixtures: run the installed `fastapi-lint` command."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Dict, Optional

import pytest
from support import Run, console_script


@pytest.fixture
def run(tmp_path: Path) -> Run:
    """`run(*args, cwd=tmp_path, input=None, env=None)`: the installed `fastapi-lint ARGS` as a
    subprocess; `env` adds to (or, with `None` values, removes from) the environment.

    The cache goes to the test's own directory: a run in the repository (the example app) must
    not find findings cached by an earlier build of the same version."""

    def run(
        *args: str, cwd: Path = tmp_path, input: Optional[str] = None, env: Optional[Dict[str, Optional[str]]] = None
    ) -> subprocess.CompletedProcess[str]:
        environment = {**os.environ, "FASTAPI_LINT_CACHE_DIR": str(tmp_path / ".test-cache")}
        for key, value in (env or {}).items():
            if value is None:
                environment.pop(key, None)
            else:
                environment[key] = value
        return subprocess.run(
            [str(console_script()), *args],
            cwd=cwd,
            env=environment,
            input=input,
            capture_output=True,
            check=False,
            text=True,
            timeout=300,
        )

    return run
