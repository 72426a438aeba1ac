"""scripts/module_cycles.py: the check CI runs on the CLI crate's module graph."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "module_cycles.py"


def run(src: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(src), *extra], capture_output=True, text=True, check=False
    )


def crate(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_a_cycle_is_reported_with_its_edges(tmp_path: Path) -> None:
    src = crate(
        tmp_path,
        {
            "lib.rs": "mod a;\nmod b;\nmod c;\n",
            "a.rs": "use crate::b::thing;\n",
            "b/mod.rs": "// crate::c in a comment is no edge\nuse crate::{a, c::x};\n",
            "c.rs": "fn f() { crate::a::g() }\n",
        },
    )
    result = run(src)
    assert result.returncode == 1
    assert "cycle: a <-> b <-> c" in result.stdout
    assert "b -> a  (b/mod.rs)" in result.stdout


def test_test_modules_and_the_allowed_cycle_pass(tmp_path: Path) -> None:
    src = crate(
        tmp_path,
        {
            "a.rs": "use crate::b::x;\n#[cfg(test)]\nmod tests { use crate::c::y; }\n",
            "b.rs": "use crate::a::x;\n",
            "c/mod.rs": "use crate::a::z;\n",
            "c/tests.rs": "use crate::c::y;\nuse crate::b::w;\n",
        },
    )
    assert run(src).returncode == 1
    result = run(src, "--allow", "a,b")
    assert (result.returncode, result.stdout) == (0, "")


def test_the_cli_crate_has_no_cycles() -> None:
    result = run(ROOT / "rust" / "fastapi_lint_cli" / "src")
    assert (result.returncode, result.stdout) == (0, "")
