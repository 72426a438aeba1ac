"""The installed wheel: what ships, where it lands, and what importing it costs."""

from __future__ import annotations

import ast
import subprocess
import sys
import sysconfig
from importlib import metadata
from pathlib import Path

import fastapi_lint
import pytest
from fastapi_lint import _core
from support import console_script

PACKAGE_DIR = Path(fastapi_lint.__file__).resolve().parent


def test_the_extension_comes_from_site_packages() -> None:
    site_dirs = {Path(sysconfig.get_paths()[key]).resolve() for key in ("purelib", "platlib")}
    core = Path(_core.__file__).resolve()

    assert any(core.is_relative_to(site) for site in site_dirs), core
    assert core.parent == PACKAGE_DIR


def test_the_extension_uses_the_stable_abi() -> None:
    # One wheel for every CPython >= 3.9 (pyo3's abi3-py39).
    assert Path(_core.__file__).name.split(".")[1] == "abi3" or sys.platform == "win32"


@pytest.mark.parametrize("name", ["py.typed", "_core.pyi"])
def test_typing_files_ship(name: str) -> None:
    assert (PACKAGE_DIR / name).is_file()


def test_the_stub_declares_exactly_what_the_extension_exports() -> None:
    tree = ast.parse((PACKAGE_DIR / "_core.pyi").read_text())
    declared = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            declared.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            declared.add(node.target.id)
    exported = {name for name in vars(_core) if not name.startswith("__")} | {"__version__"}

    assert declared == exported


def test_version_is_the_distribution_version() -> None:
    assert fastapi_lint.__version__ == metadata.version("fastapi-lint")


def test_every_public_name_resolves() -> None:
    for name in fastapi_lint.__all__:
        assert getattr(fastapi_lint, name) is not None, name
    assert set(fastapi_lint.__all__) <= set(dir(fastapi_lint))
    with pytest.raises(AttributeError, match="no_such_name"):
        fastapi_lint.no_such_name  # noqa: B018


def test_importing_the_package_loads_only_the_extension() -> None:
    # The CLI starts through `import fastapi_lint`: nothing else may slow that down.
    code = "import sys; before = set(sys.modules); import fastapi_lint; print(sorted(set(sys.modules) - before))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert result.stdout.strip() == "['fastapi_lint', 'fastapi_lint._core']"


def test_python_dash_m_runs_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "fastapi_lint", "version"], capture_output=True, text=True, timeout=60, check=False
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"fastapi-lint {fastapi_lint.__version__}"


def test_the_console_script_is_installed_with_the_interpreter() -> None:
    assert console_script().parent == Path(sysconfig.get_path("scripts"))
