"""Fixtures: run the installed `fastapi-lint` command."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Optional

import pytest
from support import Run, console_script


@pytest.fixture
def run(tmp_path: Path) -> Run:
    """`run(*args, cwd=tmp_path, input=None)`: the installed `fastapi-lint ARGS` as a subprocess."""

    def run(*args: str, cwd: Path = tmp_path, input: Optional[str] = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(console_script()), *args],
            cwd=cwd,
            input=input,
            capture_output=True,
            check=False,
            text=True,
            timeout=300,
        )

    return run
