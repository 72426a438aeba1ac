//! The `fastapi_lint._core` extension module: the CLI and the library API of `fastapi_lint_cli`,
//! run with the GIL released so other Python threads keep going while Rust lints.
//!
//! Messages cross the boundary as the JSON elements of the CLI's `json` output format (plus
//! their related locations), so the Python API and `fastapi-lint check --output-format json`
//! can never disagree.

use std::any::Any;
use std::ffi::OsString;
use std::io::Write;
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;

use fastapi_lint_cli::{CheckError, CheckOptions};
use fastapi_lint_core::{FixAvailability, Message, Rule};
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::PyDict;

// Rust's allocations in the extension (Python's own are untouched): as in the CLI binary.
#[global_allocator]
static GLOBAL: fastapi_lint_cli::allocator::Allocator = fastapi_lint_cli::allocator::ALLOCATOR;

create_exception!(
    fastapi_lint,
    LintError,
    PyException,
    "fastapi-lint could not run the check (an internal error, or a file it could not process)."
);
create_exception!(
    fastapi_lint,
    ConfigError,
    LintError,
    "Invalid configuration: an unknown selector, option value or configuration key."
);

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
        Ok(Err(CheckError::Config(message))) => Err(ConfigError::new_err(message)),
        Ok(Err(CheckError::Lint(message))) => Err(LintError::new_err(message)),
        Err(payload) => Err(LintError::new_err(format!(
            "fastapi-lint crashed (please report this bug): {}",
            panic_message(payload.as_ref())
        ))),
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(message) = payload.downcast_ref::<&str>() {
        message
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message
    } else {
        "unknown panic payload"
    }
}

/// Each message as its `json` output element, plus `related` (which Ruff's format has no field
/// for; the Python `Diagnostic` keeps it apart from `to_dict()`).
fn to_json_strings(messages: &[Message]) -> Vec<String> {
    messages
        .iter()
        .map(|message| {
            let mut value = fastapi_lint_cli::message_to_json(message);
            value["related"] = serde_json::to_value(&message.related)
                .expect("related locations serialize to JSON");
            value.to_string()
        })
        .collect()
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
fn check_source(
    py: Python<'_>,
    source: String,
    filename: Option<PathBuf>,
    select: Option<Vec<String>>,
    ignore: Option<Vec<String>>,
    target_version: Option<String>,
    preview: bool,
    project_root: Option<PathBuf>,
) -> PyResult<Vec<String>> {
    let options = CheckOptions {
        isolated: true,
        select,
        ignore: ignore.unwrap_or_default(),
        preview: Some(preview),
        target_version,
        project_root,
        ..CheckOptions::default()
    };
    run_detached(py, move || {
        let messages = fastapi_lint_cli::check_source(&source, filename.as_deref(), &options)?;
        Ok(to_json_strings(&messages))
    })
}

/// Fixes one buffer with default settings plus the given overrides (no configuration files):
/// the fixed source, the number of fixes applied and the remaining diagnostics.
#[pyfunction]
#[pyo3(signature = (source, filename=None, unsafe_fixes=false, select=None, ignore=None, target_version=None, preview=false))]
#[allow(
    clippy::too_many_arguments,
    reason = "one parameter per keyword argument of the Python API"
)]
fn fix_source(
    py: Python<'_>,
    source: String,
    filename: Option<PathBuf>,
    unsafe_fixes: bool,
    select: Option<Vec<String>>,
    ignore: Option<Vec<String>>,
    target_version: Option<String>,
    preview: bool,
) -> PyResult<(String, usize, Vec<String>)> {
    let options = CheckOptions {
        isolated: true,
        select,
        ignore: ignore.unwrap_or_default(),
        preview: Some(preview),
        target_version,
        unsafe_fixes: Some(unsafe_fixes),
        ..CheckOptions::default()
    };
    run_detached(py, move || {
        let fixed = fastapi_lint_cli::fix_source(&source, filename.as_deref(), &options)?;
        Ok((fixed.source, fixed.fixed, to_json_strings(&fixed.messages)))
    })
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
) -> PyResult<Vec<String>> {
    let options = CheckOptions {
        config,
        select,
        ignore: ignore.unwrap_or_default(),
        ..CheckOptions::default()
    };
    run_detached(py, move || {
        let messages = fastapi_lint_cli::check_paths(&paths, &options)?;
        Ok(to_json_strings(&messages))
    })
}

/// Ruff's spelling of fix availability in `ruff rule --output-format json`.
const fn fix_availability_name(availability: FixAvailability) -> &'static str {
    match availability {
        FixAvailability::None => "None",
        FixAvailability::Sometimes => "Sometimes",
        FixAvailability::Always => "Always",
    }
}

/// Every rule in code order, as dictionaries for `fastapi_lint.Rule`.
#[pyfunction]
fn rules(py: Python<'_>) -> PyResult<Vec<Bound<'_, PyDict>>> {
    Rule::ALL
        .iter()
        .map(|&rule| {
            let entry = PyDict::new(py);
            entry.set_item("code", rule.code())?;
            entry.set_item("name", rule.name())?;
            entry.set_item("linter", rule.linter())?;
            entry.set_item("summary", rule.summary())?;
            entry.set_item("docs", rule.docs())?;
            entry.set_item(
                "fix_availability",
                fix_availability_name(rule.fix_availability()),
            )?;
            entry.set_item("preview", rule.is_preview())?;
            entry.set_item("url", rule.url())?;
            Ok(entry)
        })
        .collect()
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", fastapi_lint_core::VERSION)?;
    m.add("LintError", py.get_type::<LintError>())?;
    m.add("ConfigError", py.get_type::<ConfigError>())?;
    m.add_function(wrap_pyfunction!(main, m)?)?;
    m.add_function(wrap_pyfunction!(check_source, m)?)?;
    m.add_function(wrap_pyfunction!(check_paths, m)?)?;
    m.add_function(wrap_pyfunction!(fix_source, m)?)?;
    m.add_function(wrap_pyfunction!(rules, m)?)?;
    Ok(())
}
