"""The Rust extension module. Use the wrappers in `fastapi_lint` instead of calling it directly.

It builds the result types of `fastapi_lint._api` itself and raises the exceptions of
`fastapi_lint` (`LintError`, and `ConfigError` for invalid configuration)."""

from os import PathLike

from fastapi_lint._api import Diagnostic, FixResult, Rule

__version__: str

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
) -> list[Diagnostic]:
    """Lint one buffer; its diagnostics in order. A `source` with a lone surrogate raises
    `LintError`."""

def fix_source(
    source: str,
    filename: str | PathLike[str] | None = None,
    unsafe_fixes: bool = False,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    target_version: str | None = None,
    preview: bool = False,
) -> FixResult:
    """Fix one buffer: the fixed source, the number of fixes applied, the remaining diagnostics.
    A `source` with a lone surrogate raises `LintError`."""

def check_paths(
    paths: list[str | PathLike[str]],
    config: str | PathLike[str] | None = None,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
) -> list[Diagnostic]:
    """Lint files and directories; the diagnostics sorted by file and position."""

def rules() -> list[Rule]:
    """Every rule in code order."""
