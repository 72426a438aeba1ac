"""The Python API: typed, immutable results over the extension module.

The extension builds the result objects itself, straight from the linter's messages, calling
these classes with their fields in declaration order (change both together). A `Diagnostic`
holds exactly what `fastapi-lint check --output-format json` prints for it, and
`Diagnostic.to_dict()` is that element of the output.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Iterable, Literal, Optional, Sequence, Union, final

from fastapi_lint import _core

StrPath = Union[str, "os.PathLike[str]"]

# Whether a fix may be applied: `"safe"` by `--fix`, `"unsafe"` only with `--unsafe-fixes`,
# `"displayonly"` never (shown as a suggestion). Ruff's spelling.
Applicability = Literal["safe", "unsafe", "displayonly"]
# A diagnostic's severity in Ruff's JSON format: every finding is an error.
Severity = Literal["error"]
# Whether a rule can fix what it finds, as `ruff rule --output-format json` spells it.
FixAvailability = Literal["None", "Sometimes", "Always"]
# The letters of a rule code: `FAST` (Ruff's FastAPI rules) or `FAPI` (fastapi-lint's own).
Linter = Literal["FAST", "FAPI"]
CodeRole = Literal["app", "test", "script", "library"]


@final
@dataclass(frozen=True)
class Location:
    """A 1-based row and a 1-based column counted in characters; end locations are exclusive."""

    row: int
    column: int

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Location:
        return cls(row=data["row"], column=data["column"])

    def to_dict(self) -> dict[str, int]:
        return {"column": self.column, "row": self.row}


@final
@dataclass(frozen=True)
class RelatedLocation:
    """A place, maybe in another file, that explains a diagnostic: for FAPI106 and FAPI302, the
    blocking or heavy call at the end of the chain."""

    message: str
    filename: str
    location: Location
    end_location: Location

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RelatedLocation:
        return cls(
            message=data["message"],
            filename=data["filename"],
            location=Location.from_dict(data["location"]),
            end_location=Location.from_dict(data["end_location"]),
        )


@final
@dataclass(frozen=True)
class Edit:
    """Replace the text between `location` and `end_location` with `content`."""

    content: str
    location: Location
    end_location: Location

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Edit:
        return cls(
            content=data["content"],
            location=Location.from_dict(data["location"]),
            end_location=Location.from_dict(data["end_location"]),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "content": self.content,
            "end_location": self.end_location.to_dict(),
            "location": self.location.to_dict(),
        }


@final
@dataclass(frozen=True)
class Fix:
    """A suggested fix. `applicability` is `"safe"`, `"unsafe"` or `"displayonly"`, as in Ruff."""

    applicability: Applicability
    # The fix's title (what it does); None when the rule gives none.
    message: Optional[str]
    edits: tuple[Edit, ...]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Fix:
        return cls(
            applicability=data["applicability"],
            message=data["message"],
            edits=tuple(Edit.from_dict(edit) for edit in data["edits"]),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "applicability": self.applicability,
            "edits": [edit.to_dict() for edit in self.edits],
            "message": self.message,
        }


@final
@dataclass(frozen=True)
class Diagnostic:
    """One finding: a rule violation, or a syntax error (`code == "invalid-syntax"`)."""

    code: str
    name: str
    message: str
    filename: str
    location: Location
    end_location: Location
    # The row where a suppression comment silences this; None for syntax errors.
    noqa_row: Optional[int]
    fix: Optional[Fix]
    # The rule's documentation page; None for syntax errors.
    url: Optional[str]
    severity: Severity
    # The 1-based notebook cell, for notebooks; None for Python files.
    cell: Optional[int]
    # Places elsewhere that explain the finding. Not part of Ruff's JSON format, so `to_dict()`
    # leaves it out.
    related: tuple[RelatedLocation, ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Diagnostic:
        """The diagnostic of one element of `--output-format json` (the inverse of `to_dict()`),
        e.g. to read the output of a `fastapi-lint` run; `related` is taken if present."""
        fix = data["fix"]
        return cls(
            code=data["code"],
            name=data["name"],
            message=data["message"],
            filename=data["filename"],
            location=Location.from_dict(data["location"]),
            end_location=Location.from_dict(data["end_location"]),
            noqa_row=data["noqa_row"],
            fix=None if fix is None else Fix.from_dict(fix),
            url=data["url"],
            severity=data["severity"],
            cell=data["cell"],
            related=tuple(RelatedLocation.from_dict(item) for item in data.get("related", ())),
        )

    def to_dict(self) -> dict[str, Any]:
        """This diagnostic as one element of `--output-format json` (keys sorted, like Ruff)."""
        return {
            "cell": self.cell,
            "code": self.code,
            "end_location": self.end_location.to_dict(),
            "filename": self.filename,
            "fix": None if self.fix is None else self.fix.to_dict(),
            "location": self.location.to_dict(),
            "message": self.message,
            "name": self.name,
            "noqa_row": self.noqa_row,
            "severity": self.severity,
            "url": self.url,
        }


@final
@dataclass(frozen=True)
class Rule:
    """A rule as `fastapi-lint rule CODE` documents it."""

    code: str
    name: str
    # The code's letters: `FAST` (Ruff's FastAPI rules) or `FAPI`.
    linter: Linter
    summary: str
    # Markdown: What it does / Why is this bad? / Example / Use instead: / ...
    docs: str
    # `"None"`, `"Sometimes"` or `"Always"`, Ruff's `fix_availability`.
    fix_availability: FixAvailability
    # Only enabled with `preview=True` / `--preview`.
    preview: bool
    url: str
    # The code roles the rule applies to (`fastapi-lint check --show-roles` shows each file's).
    roles: tuple[CodeRole, ...] = ("app", "test", "script", "library")
    # The Pydantic major version the rule's findings hold for; None: any.
    pydantic: Optional[int] = None
    # The two above in a sentence ("Applies to app code ... Only in projects that run
    # Pydantic 2."); None for a rule that applies everywhere.
    scope: Optional[str] = None


def check_source(
    source: str,
    *,
    filename: StrPath = "<stdin>",
    select: Optional[Sequence[str]] = None,
    ignore: Optional[Sequence[str]] = None,
    target_version: Optional[str] = None,
    preview: bool = False,
    project_root: Optional[StrPath] = None,
) -> list[Diagnostic]:
    """Lint one buffer with the default settings, ignoring configuration files.

    `filename` names the buffer in the diagnostics. `select` replaces the default rule
    selection and `ignore` removes from it; both take selectors (`"ALL"`, `"FAPI1"`,
    `"FAST002"`). `target_version` is `"py39"` ... `"py314"`.

    With `project_root`, the buffer is checked as the file `filename` of the project under
    that directory: rules that follow calls and uses across modules (FAPI106, FAPI302,
    FAPI501) see the other files, as `check_paths` does. Without it, only the buffer's own
    functions are followed.

    A `source` that no file could hold is not linted: a `str` with a lone surrogate (such as
    `"\\ud800"`, left by decoding bytes with `errors="surrogateescape"`) has no UTF-8
    encoding, and any position reported in it would be of some other text. It raises
    `LintError` naming the surrogate and where it is, with the `UnicodeEncodeError` as its
    `__cause__`; decode such bytes with `errors="replace"` to lint what can be read.

    Raises `ConfigError` for an unknown selector or target version, `LintError` otherwise.
    """
    return _core.check_source(
        source,
        os.fspath(filename),
        _selectors("select", select),
        _selectors("ignore", ignore),
        target_version,
        preview,
        None if project_root is None else os.fspath(project_root),
    )


@final
@dataclass(frozen=True)
class FixResult:
    """A buffer after fixing: its new text, how many fixes were applied, what remains."""

    source: str
    fixed: int
    # The diagnostics of the fixed source.
    diagnostics: list[Diagnostic]


def fix_source(
    source: str,
    *,
    filename: StrPath = "<stdin>",
    unsafe: bool = False,
    select: Optional[Sequence[str]] = None,
    ignore: Optional[Sequence[str]] = None,
    target_version: Optional[str] = None,
    preview: bool = False,
) -> FixResult:
    """Apply the fixes of one buffer as `fastapi-lint check --fix` would, ignoring configuration
    files; nothing is written anywhere.

    Safe fixes apply; `unsafe=True` adds unsafe ones (`--unsafe-fixes`). Fixes are applied and
    the source re-linted until nothing more applies; a fix that would break the syntax is
    dropped. The other arguments are those of `check_source`.

    Raises `ConfigError` for an unknown selector or target version, `LintError` otherwise,
    including for a `source` with a lone surrogate (see `check_source`).
    """
    return _core.fix_source(
        source,
        os.fspath(filename),
        unsafe,
        _selectors("select", select),
        _selectors("ignore", ignore),
        target_version,
        preview,
    )


def check_paths(
    paths: Union[StrPath, Iterable[StrPath]],
    *,
    config: Optional[StrPath] = None,
    select: Optional[Sequence[str]] = None,
    ignore: Optional[Sequence[str]] = None,
) -> list[Diagnostic]:
    """Lint files and directories as `fastapi-lint check PATHS` does.

    Configuration is discovered per file (`[tool.fastapi-lint]` in `pyproject.toml`, ...)
    unless `config` names the one file to use. `select` and `ignore` apply on top, like the
    command-line options. Diagnostics come sorted by file and position.

    Raises `ConfigError` for invalid configuration or selectors, `LintError` otherwise.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    return _core.check_paths(
        [os.fspath(path) for path in paths],
        None if config is None else os.fspath(config),
        _selectors("select", select),
        _selectors("ignore", ignore),
    )


def rules() -> list[Rule]:
    """Every rule fastapi-lint knows, in code order."""
    return _core.rules()


def _selectors(option: str, selectors: Optional[Sequence[str]]) -> Optional[list[str]]:
    # A lone string is a sequence of characters: `select="FAST"` would select F, A, S and T.
    if isinstance(selectors, str):
        raise TypeError(f"`{option}` takes a list of selectors, e.g. {option}=[{selectors!r}]")
    return None if selectors is None else list(selectors)
