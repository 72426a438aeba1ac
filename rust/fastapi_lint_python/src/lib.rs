//! The `fastapi_lint._core` extension module: the CLI and the library API of `fastapi_lint_cli`,
//! run with the GIL released so other Python threads keep going while Rust lints.
//!
//! Results are built here as the Python package's own types: the frozen dataclasses of
//! `fastapi_lint._api` (`Diagnostic`, `Location`, `Fix`, ...), filled straight from the
//! linter's messages, and the exceptions of `fastapi_lint` (`LintError`, `ConfigError`). Each
//! `Diagnostic` holds the values that `fastapi_lint_cli::message_to_json` writes for it, so its
//! `to_dict()` is exactly its element of `fastapi-lint check --output-format json`.

use std::ffi::OsString;
use std::io::Write;
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;

use fastapi_lint_cli::{CheckError, CheckOptions, TargetVersion};
use fastapi_lint_core::message::{MessageEdit, MessageFix};
use fastapi_lint_core::rule_at_work::panic_text;
use fastapi_lint_core::{
    CodeRole, FixAvailability, Message, PydanticMajor, RelatedLocation, Rule, SourceLocation,
};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyList, PySlice, PyString, PyTuple, PyType};

// Rust's allocations in the extension (Python's own are untouched): as in the CLI binary.
#[global_allocator]
static GLOBAL: fastapi_lint_cli::allocator::Allocator = fastapi_lint_cli::allocator::ALLOCATOR;

/// The exception class `name` of the `fastapi_lint` package, raised with `message`.
///
/// The classes are defined in Python (`ConfigError` derives from both `LintError` and
/// `ValueError`, which an exception made here could not); this module is only ever imported as
/// part of the package, so the package is loaded by the time anything raises.
fn package_error(py: Python<'_>, name: &str, message: String) -> PyErr {
    let class = py
        .import(intern!(py, "fastapi_lint"))
        .and_then(|package| package.getattr(name))
        .and_then(|class| class.cast_into::<PyType>().map_err(PyErr::from));
    match class {
        Ok(class) => PyErr::from_type(class, message),
        Err(error) => error,
    }
}

/// Runs `work` without the GIL and turns every way it can fail into a Python exception.
///
/// Panics are caught here rather than left to pyo3, which would raise `PanicException`: that
/// derives from `BaseException`, so an ordinary `except Exception` would not catch it.
fn run_detached<T, F>(py: Python<'_>, work: F) -> PyResult<T>
where
    T: Send,
    F: FnOnce() -> Result<T, CheckError> + Send,
{
    match py.detach(|| panic::catch_unwind(AssertUnwindSafe(work))) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(CheckError::Config(message))) => Err(package_error(py, "ConfigError", message)),
        Ok(Err(CheckError::Lint(message))) => Err(package_error(py, "LintError", message)),
        Err(payload) => Err(package_error(
            py,
            "LintError",
            format!(
                "fastapi-lint crashed (please report this bug): {}",
                panic_text(payload.as_ref())
            ),
        )),
    }
}

/// A `target_version` argument (`"py312"`), refused as the CLI refuses an unknown one.
fn parse_target_version(py: Python<'_>, name: Option<String>) -> PyResult<Option<TargetVersion>> {
    name.map(|name| {
        TargetVersion::parse(&name).ok_or_else(|| {
            package_error(
                py,
                "ConfigError",
                format!("Invalid target version `{name}`"),
            )
        })
    })
    .transpose()
}

/// The text of a `source` argument. A Python `str` can hold what no text file can: a lone
/// surrogate (`"\ud800"`, left by decoding bytes with `surrogateescape`), which has no UTF-8
/// encoding. Such a buffer is not linted (its positions and any fixed source would be of some
/// other text) but refused with a `LintError` that says where the surrogate is, the
/// `UnicodeEncodeError` as its cause.
fn source_text(source: &Bound<'_, PyString>) -> PyResult<String> {
    let error = match source.to_cow() {
        Ok(text) => return Ok(text.into_owned()),
        Err(error) => error,
    };
    let py = source.py();
    let place = error
        .value(py)
        .getattr(intern!(py, "start"))
        .and_then(|start| start.extract::<isize>())
        .ok()
        .and_then(|start| {
            let slice = |from, to| source.get_item(PySlice::new(py, from, to, 1));
            let before = slice(0, start).ok()?.extract::<String>().ok()?;
            let code_point = slice(start, start + 1).ok()?.repr().ok()?;
            Some(format!(" ({code_point} at {})", row_and_column(&before)))
        })
        .unwrap_or_default();
    let lint_error = package_error(
        py,
        "LintError",
        format!(
            "The source is not text a file can hold: it contains a lone surrogate{place}, which has no UTF-8 encoding"
        ),
    );
    lint_error.set_cause(py, Some(error));
    Err(lint_error)
}

/// `row R, column C` (1-based, columns in characters, as diagnostics count them) of the place
/// right after `before`.
fn row_and_column(before: &str) -> String {
    // Lines end at `\n`, `\r\n` or `\r`, as the linter's line index has them.
    let last_line = before
        .rfind(['\n', '\r'])
        .map_or(before, |end| &before[end + 1..]);
    let rows = before.matches('\n').count() + before.matches('\r').count()
        - before.matches("\r\n").count();
    format!("row {}, column {}", rows + 1, last_line.chars().count() + 1)
}

/// The result classes of `fastapi_lint._api`, looked up once per call (a few microseconds: the
/// module is loaded) rather than kept, so they are always the module's current ones.
///
/// Each is called with its fields positionally, in the order the dataclass declares them; the
/// tests compare every field with the CLI's JSON output.
struct ResultTypes<'py> {
    py: Python<'py>,
    diagnostic: Bound<'py, PyAny>,
    location: Bound<'py, PyAny>,
    related_location: Bound<'py, PyAny>,
    edit: Bound<'py, PyAny>,
    fix: Bound<'py, PyAny>,
    fix_result: Bound<'py, PyAny>,
    rule: Bound<'py, PyAny>,
}

impl<'py> ResultTypes<'py> {
    fn import(py: Python<'py>) -> PyResult<Self> {
        let api = py.import(intern!(py, "fastapi_lint._api"))?;
        Ok(Self {
            py,
            diagnostic: api.getattr(intern!(py, "Diagnostic"))?,
            location: api.getattr(intern!(py, "Location"))?,
            related_location: api.getattr(intern!(py, "RelatedLocation"))?,
            edit: api.getattr(intern!(py, "Edit"))?,
            fix: api.getattr(intern!(py, "Fix"))?,
            fix_result: api.getattr(intern!(py, "FixResult"))?,
            rule: api.getattr(intern!(py, "Rule"))?,
        })
    }

    /// One `Diagnostic` per message, in order.
    fn diagnostics(&self, messages: &[Message]) -> PyResult<Bound<'py, PyList>> {
        let diagnostics = PyList::empty(self.py);
        // Messages come grouped by file: consecutive diagnostics share one filename string.
        let mut filename: Option<(&str, Bound<'py, PyString>)> = None;
        for message in messages {
            let shared = match &filename {
                Some((text, string)) if *text == message.filename => string.clone(),
                _ => {
                    let string = PyString::new(self.py, &message.filename);
                    filename = Some((&message.filename, string.clone()));
                    string
                }
            };
            diagnostics.append(self.diagnostic(message, shared)?)?;
        }
        Ok(diagnostics)
    }

    /// `Diagnostic(code, name, message, filename, location, end_location, noqa_row, fix, url,
    /// severity, cell, related)`, every value as `fastapi_lint_cli::message_to_json` writes it.
    fn diagnostic(
        &self,
        message: &Message,
        filename: Bound<'py, PyString>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let fix = match &message.fix {
            Some(fix) => Some(self.fix(fix, message.fix_title.as_deref())?),
            None => None,
        };
        let related = PyTuple::new(
            self.py,
            message
                .related
                .iter()
                .map(|related| self.related_location(related))
                .collect::<PyResult<Vec<_>>>()?,
        )?;
        self.diagnostic.call1((
            message.code(),
            message.name(),
            &message.message,
            filename,
            self.location(message.location)?,
            self.location(message.end_location)?,
            message.noqa_row,
            fix,
            message.url(),
            // `severity` and `cell`: constants in the JSON format too (every diagnostic is an
            // error, and no notebook is linted).
            intern!(self.py, "error"),
            None::<usize>,
            related,
        ))
    }

    fn location(&self, location: SourceLocation) -> PyResult<Bound<'py, PyAny>> {
        self.location.call1((location.row, location.column))
    }

    fn related_location(&self, related: &RelatedLocation) -> PyResult<Bound<'py, PyAny>> {
        self.related_location.call1((
            &related.message,
            &related.filename,
            self.location(related.location)?,
            self.location(related.end_location)?,
        ))
    }

    /// `Fix(applicability, message, edits)`; the message is the diagnostic's fix title.
    fn fix(&self, fix: &MessageFix, title: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
        let edits = PyTuple::new(
            self.py,
            fix.edits
                .iter()
                .map(|edit| self.edit(edit))
                .collect::<PyResult<Vec<_>>>()?,
        )?;
        self.fix.call1((
            fastapi_lint_core::applicability_name(fix.applicability),
            title,
            edits,
        ))
    }

    fn edit(&self, edit: &MessageEdit) -> PyResult<Bound<'py, PyAny>> {
        self.edit.call1((
            &edit.content,
            self.location(edit.location)?,
            self.location(edit.end_location)?,
        ))
    }
}

/// Runs the command line (`argv[0]` is the program name) and returns its exit code.
#[pyfunction]
fn main(py: Python<'_>, argv: Vec<OsString>) -> PyResult<i32> {
    run_detached(py, || {
        let code = fastapi_lint_cli::run(argv);
        // Rust's stdout is line-buffered and the Python interpreter that exits next never
        // flushes it; an unterminated last line would be lost.
        let _ = std::io::stdout().flush();
        Ok(code)
    })
}

/// Lints one buffer with default settings plus the given overrides (no configuration files).
/// With `project_root`, the buffer is linted with the project index of the files under it.
#[pyfunction]
#[pyo3(signature = (source, filename=None, select=None, ignore=None, target_version=None, preview=false, project_root=None))]
#[allow(
    clippy::too_many_arguments,
    reason = "one parameter per keyword argument of the Python API"
)]
fn check_source<'py>(
    py: Python<'py>,
    source: &Bound<'py, PyString>,
    filename: Option<PathBuf>,
    select: Option<Vec<String>>,
    ignore: Option<Vec<String>>,
    target_version: Option<String>,
    preview: bool,
    project_root: Option<PathBuf>,
) -> PyResult<Bound<'py, PyList>> {
    let source = source_text(source)?;
    let options = CheckOptions {
        isolated: true,
        select,
        ignore: ignore.unwrap_or_default(),
        preview: Some(preview),
        target_version: parse_target_version(py, target_version)?,
        project_root,
        ..CheckOptions::default()
    };
    let messages = run_detached(py, move || {
        fastapi_lint_cli::check_source(&source, filename.as_deref(), &options)
    })?;
    ResultTypes::import(py)?.diagnostics(&messages)
}

/// Fixes one buffer with default settings plus the given overrides (no configuration files):
/// a `FixResult` of the fixed source, the number of fixes applied and the remaining diagnostics.
#[pyfunction]
#[pyo3(signature = (source, filename=None, unsafe_fixes=false, select=None, ignore=None, target_version=None, preview=false))]
#[allow(
    clippy::too_many_arguments,
    reason = "one parameter per keyword argument of the Python API"
)]
fn fix_source<'py>(
    py: Python<'py>,
    source: &Bound<'py, PyString>,
    filename: Option<PathBuf>,
    unsafe_fixes: bool,
    select: Option<Vec<String>>,
    ignore: Option<Vec<String>>,
    target_version: Option<String>,
    preview: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let source = source_text(source)?;
    let options = CheckOptions {
        isolated: true,
        select,
        ignore: ignore.unwrap_or_default(),
        preview: Some(preview),
        target_version: parse_target_version(py, target_version)?,
        unsafe_fixes: Some(unsafe_fixes),
        ..CheckOptions::default()
    };
    let fixed = run_detached(py, move || {
        fastapi_lint_cli::fix_source(&source, filename.as_deref(), &options)
    })?;
    let types = ResultTypes::import(py)?;
    let diagnostics = types.diagnostics(&fixed.messages)?;
    types
        .fix_result
        .call1((fixed.source, fixed.fixed, diagnostics))
}

/// Lints files and directories as `fastapi-lint check PATHS` does, configuration included.
#[pyfunction]
#[pyo3(signature = (paths, config=None, select=None, ignore=None))]
fn check_paths(
    py: Python<'_>,
    paths: Vec<PathBuf>,
    config: Option<PathBuf>,
    select: Option<Vec<String>>,
    ignore: Option<Vec<String>>,
) -> PyResult<Bound<'_, PyList>> {
    let options = CheckOptions {
        config,
        select,
        ignore: ignore.unwrap_or_default(),
        ..CheckOptions::default()
    };
    let messages = run_detached(py, move || fastapi_lint_cli::check_paths(&paths, &options))?;
    ResultTypes::import(py)?.diagnostics(&messages)
}

/// Ruff's spelling of fix availability in `ruff rule --output-format json`.
const fn fix_availability_name(availability: FixAvailability) -> &'static str {
    match availability {
        FixAvailability::None => "None",
        FixAvailability::Sometimes => "Sometimes",
        FixAvailability::Always => "Always",
    }
}

/// Every rule in code order, as `fastapi_lint.Rule`s.
#[pyfunction]
fn rules(py: Python<'_>) -> PyResult<Bound<'_, PyList>> {
    let types = ResultTypes::import(py)?;
    let rules = PyList::empty(py);
    for &rule in Rule::ALL {
        // `Rule(code, name, linter, summary, docs, fix_availability, preview, url, roles,
        // pydantic, scope)`.
        rules.append(types.rule.call1((
            rule.code(),
            rule.name(),
            rule.linter(),
            rule.summary(),
            rule.docs(),
            fix_availability_name(rule.fix_availability()),
            rule.is_preview(),
            rule.url(),
            PyTuple::new(
                py,
                rule.roles().iter().map(CodeRole::name).collect::<Vec<_>>(),
            )?,
            rule.pydantic().map(PydanticMajor::number),
            rule.scope_note(),
        ))?)?;
    }
    Ok(rules)
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", fastapi_lint_core::VERSION)?;
    m.add_function(wrap_pyfunction!(main, m)?)?;
    m.add_function(wrap_pyfunction!(check_source, m)?)?;
    m.add_function(wrap_pyfunction!(check_paths, m)?)?;
    m.add_function(wrap_pyfunction!(fix_source, m)?)?;
    m.add_function(wrap_pyfunction!(rules, m)?)?;
    Ok(())
}
