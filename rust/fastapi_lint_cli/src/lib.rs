//! The command line and the library API the Python bindings use.
//!
//! Contract shared with `fastapi_lint_python` (keep these signatures stable):
//! - [`run`]: the whole CLI; prints to stdout/stderr and returns Ruff's exit code.
//! - [`check_paths`]: lint files/directories with config discovery, in parallel.
//! - [`check_source`]: lint one buffer with isolated settings plus overrides.
//! - [`message_to_json`]: one element of the `json` output format.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use fastapi_lint_core::Message;

/// Selection and settings overrides given by a caller (CLI flags or Python keyword arguments).
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    /// `--config FILE`: use this config file for every file.
    pub config: Option<PathBuf>,
    /// `--isolated`: ignore all configuration files.
    pub isolated: bool,
    pub select: Option<Vec<String>>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    pub preview: Option<bool>,
    /// `py39` … `py314`.
    pub target_version: Option<String>,
}

/// Why a check could not run at all.
#[derive(Debug)]
pub enum CheckError {
    /// Bad configuration, selector or option value (exit code 2 on the CLI).
    Config(String),
    /// Anything else that stops the run (exit code 2 on the CLI).
    Lint(String),
}

impl std::fmt::Display for CheckError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CheckError::Config(message) | CheckError::Lint(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for CheckError {}

/// Runs the command line (`args[0]` is the program name) and returns the exit code.
pub fn run(args: Vec<OsString>) -> i32 {
    let _ = args;
    2
}

/// Lints files and directories as `fastapi-lint check PATHS` would, returning every message
/// sorted by file and position.
pub fn check_paths(paths: &[PathBuf], options: &CheckOptions) -> Result<Vec<Message>, CheckError> {
    let _ = (paths, options);
    Ok(Vec::new())
}

/// Lints one buffer. `filename` decides per-file behaviour and appears in the messages.
pub fn check_source(source: &str, filename: Option<&Path>, options: &CheckOptions) -> Result<Vec<Message>, CheckError> {
    let _ = (source, filename, options);
    Ok(Vec::new())
}

/// One element of the `json` output format, as Ruff writes it (keys sorted).
pub fn message_to_json(message: &Message) -> serde_json::Value {
    let _ = message;
    serde_json::Value::Null
}
