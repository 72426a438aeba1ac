"""fastapi-lint: a Ruff-compatible linter for FastAPI best practices.

The linting API (`check_source`, `check_paths`, `fix_source`, `rules` and their result types) lives in
`fastapi_lint._api` and loads on first use: `import fastapi_lint`, and with it every start of
the `fastapi-lint` command, costs no more than loading the extension module.
"""

from fastapi_lint._core import ConfigError, LintError, __version__

# Spelled out rather than imported from `typing`, which is not free to import; type checkers
# and linters recognise a module-level `TYPE_CHECKING` by name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from fastapi_lint._api import (
        Diagnostic,
        Edit,
        Fix,
        FixResult,
        Location,
        RelatedLocation,
        Rule,
        check_paths,
        check_source,
        fix_source,
        rules,
    )

__all__ = [
    "ConfigError",
    "Diagnostic",
    "Edit",
    "Fix",
    "FixResult",
    "LintError",
    "Location",
    "RelatedLocation",
    "Rule",
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
