"""The Rust extension module. Use the wrappers in `fastapi_lint` instead of calling it directly."""

from os import PathLike
from typing import Any

__version__: str

class LintError(Exception):
    """fastapi-lint could not run the check (an internal error, or a file it could not process)."""

class ConfigError(LintError):
    """Invalid configuration: an unknown selector, option value or configuration key."""

def main(argv: list[str]) -> int:
    """Run the command line (`argv[0]` is the program name) and return its exit code."""

def check_source(
    source: str,
    filename: str | PathLike[str] | None = None,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    target_version: str | None = None,
    preview: bool = False,
    project_root: str | PathLike[str] | None = None,
) -> list[str]:
    """Lint one buffer; one `--output-format json` element (a JSON string) per diagnostic."""

def fix_source(
    source: str,
    filename: str | PathLike[str] | None = None,
    unsafe_fixes: bool = False,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    target_version: str | None = None,
    preview: bool = False,
) -> tuple[str, int, list[str]]:
    """Fix one buffer: the fixed source, the number of fixes applied, and one
    `--output-format json` element per remaining diagnostic."""

def check_paths(
    paths: list[str | PathLike[str]],
    config: str | PathLike[str] | None = None,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
) -> list[str]:
    """Lint files and directories; one `--output-format json` element per diagnostic."""

def rules() -> list[dict[str, Any]]:
    """Every rule in code order: code, name, linter, summary, docs, fix_availability, preview, url."""
