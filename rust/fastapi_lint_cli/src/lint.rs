//! Linting files in parallel: read, resolve per-file settings, lint under `catch_unwind`, and
//! turn every failure into an `io-error` diagnostic of that file rather than a crash.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Result;
use fastapi_lint_core::{Message, lint_source, to_messages};
use rayon::prelude::*;

use crate::config::Settings;
use crate::config::discovery::Resolver;
use crate::output::Sources;

/// The filename of stdin without `--stdin-filename`.
pub const STDIN: &str = "-";

/// Every message of a run, sorted by file and position, with the sources to quote.
#[derive(Default)]
pub struct Diagnostics {
    pub messages: Vec<Message>,
    pub sources: Sources,
}

impl Diagnostics {
    fn from_files(mut files: Vec<LintedFile>) -> Self {
        files.sort_by(|a, b| a.filename.cmp(&b.filename));
        let mut diagnostics = Diagnostics::default();
        for file in files {
            if let Some(source) = file.source {
                diagnostics.sources.insert(file.filename, source);
            }
            diagnostics.messages.extend(file.messages);
        }
        diagnostics
    }
}

struct LintedFile {
    filename: String,
    /// `None` when the file could not be read.
    source: Option<Arc<str>>,
    messages: Vec<Message>,
}

/// Lints absolute paths in parallel, each with the settings that govern it.
pub fn lint_files(paths: &[PathBuf], resolver: &Resolver) -> Result<Diagnostics> {
    let files = paths
        .par_iter()
        .map(|path| {
            let settings = resolver.settings_for(path)?;
            let filename = path.to_string_lossy().into_owned();
            Ok(match std::fs::read(path) {
                Ok(bytes) => lint_bytes(bytes, Some(path), filename, &settings),
                Err(error) => LintedFile { messages: vec![Message::io_error(&filename, error.to_string())], filename, source: None },
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Diagnostics::from_files(files))
}

/// Lints one buffer (stdin, or a Python caller's string). `path` is absolute when known.
pub fn lint_buffer(bytes: Vec<u8>, path: Option<&Path>, settings: &Settings) -> Diagnostics {
    let filename = path.map_or_else(|| STDIN.to_string(), |path| path.to_string_lossy().into_owned());
    Diagnostics::from_files(vec![lint_bytes(bytes, path, filename, settings)])
}

fn lint_bytes(bytes: Vec<u8>, path: Option<&Path>, filename: String, settings: &Settings) -> LintedFile {
    let source: Arc<str> = match String::from_utf8(bytes) {
        Ok(source) => source.into(),
        Err(_) => {
            // Ruff's wording for the same failure.
            let messages = vec![Message::io_error(&filename, "stream did not contain valid UTF-8")];
            return LintedFile { filename, source: None, messages };
        }
    };
    let linter = path.map_or_else(|| settings.linter.clone(), |path| settings.linter_for(path));
    let linted = catch_unwind(AssertUnwindSafe(|| to_messages(lint_source(&source, path, &linter), &filename, &source)));
    let messages = linted.unwrap_or_else(|panic| {
        let reason = panic
            .downcast_ref::<&str>()
            .map(ToString::to_string)
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        vec![Message::io_error(&filename, format!("Panicked while linting this file: {reason} (this is a bug in fastapi-lint)"))]
    });
    LintedFile { filename, source: Some(source), messages }
}
