"""fastapi-lint: a Ruff-compatible linter for FastAPI best practices.

The linting API (`check_source`, `check_paths`, `fix_source`, `rules` and their result types) lives in
`fastapi_lint._api` and loads on first use: `import fastapi_lint`, and with it every start of
the `fastapi-lint` command, costs no more than loading the extension module.
"""

from fastapi_lint._core import __version__


# Defined here rather than in the extension, which raises them: an exception class made in Rust
# has a single base, and `ConfigError` is also a `ValueError`.
class LintError(Exception):
    """fastapi-lint could not run the check (an internal error, or a file it could not process)."""


class ConfigError(LintError, ValueError):
    """Invalid configuration: an unknown selector, option value or configuration key.

    Also a `ValueError`, so `except ValueError` catches a bad argument here as it does elsewhere."""


# Spelled out rather than imported from `typing`, which is not free to import; type checkers
# and linters recognise a module-level `TYPE_CHECKING` by name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from fastapi_lint._api import (
        Applicability,
        CodeRole,
        Diagnostic,
        Edit,
        Fix,
        FixAvailability,
        FixResult,
        Linter,
        Location,
        RelatedLocation,
        Rule,
        Severity,
        check_paths,
        check_source,
        fix_source,
        rules,
    )

__all__ = [
    "Applicability",
    "CodeRole",
    "ConfigError",
    "Diagnostic",
    "Edit",
    "Fix",
    "FixAvailability",
    "FixResult",
    "LintError",
    "Linter",
    "Location",
    "RelatedLocation",
    "Rule",
    "Severity",
    "__version__",
    "check_paths",
    "check_source",
    "fix_source",
    "rules",
]

_LAZY_NAMES = frozenset(__all__) - frozenset(globals())


def __getattr__(name: str) -> object:
    if name not in _LAZY_NAMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from fastapi_lint import _api

    value = getattr(_api, name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | _LAZY_NAMES)
