//! Linting files in parallel: read, resolve per-file settings, lint (and fix) under
//! `catch_unwind`, and turn every failure into an `io-error` diagnostic of that file rather
//! than a crash.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Result;
use fastapi_lint_core::{FixTable, LinterSettings, Message, fix_source, lint_source, to_messages};
use rayon::prelude::*;

use crate::config::Settings;
use crate::config::discovery::Resolver;
use crate::output::Sources;
use crate::write::write_atomically;

/// The filename of stdin without `--stdin-filename`.
pub const STDIN: &str = "-";

/// What happens to fixes, as Ruff's `FixMode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixMode {
    /// Fixes are only reported.
    Generate,
    /// Fixes are applied: files are rewritten (stdin's fixed source is the caller's to print).
    Apply,
    /// Fixes are computed but nothing is written; the caller prints a diff.
    Diff,
}

/// How one run treats fixes.
#[derive(Clone, Copy, Debug)]
pub struct Fixing {
    pub mode: FixMode,
    pub unsafe_fixes: bool,
}

impl Fixing {
    pub const REPORT_ONLY: Fixing = Fixing { mode: FixMode::Generate, unsafe_fixes: false };
}

/// Every message of a run, sorted by file and position, with the sources to quote.
#[derive(Default)]
pub struct Diagnostics {
    /// What remains after fixing.
    pub messages: Vec<Message>,
    /// Each file's source after fixing.
    pub sources: Sources,
    /// Files fixing changed, sorted by filename.
    pub fixed: Vec<FixedFile>,
    /// Problems the fixer met (rejected fixes, no convergence), for stderr.
    pub fix_warnings: Vec<String>,
}

/// A file whose fixes changed it.
pub struct FixedFile {
    pub filename: String,
    /// The source before fixing.
    pub original: Arc<str>,
    pub fixes: FixTable,
}

impl FixedFile {
    pub fn count(&self) -> usize {
        self.fixes.values().sum()
    }
}

impl Diagnostics {
    fn from_files(mut files: Vec<LintedFile>) -> Self {
        files.sort_by(|a, b| a.filename.cmp(&b.filename));
        let mut diagnostics = Diagnostics::default();
        for file in files {
            if let Some(source) = file.source {
                diagnostics.sources.insert(file.filename.clone(), source);
            }
            diagnostics.messages.extend(file.messages);
            diagnostics.fix_warnings.extend(file.fix_warnings);
            if let Some((original, fixes)) = file.fixed {
                diagnostics.fixed.push(FixedFile { filename: file.filename, original, fixes });
            }
        }
        diagnostics
    }

    /// The number of fixes applied (or, for a diff, that would be).
    pub fn fixed_count(&self) -> usize {
        self.fixed.iter().map(FixedFile::count).sum()
    }
}

struct LintedFile {
    filename: String,
    /// `None` when the file could not be read.
    source: Option<Arc<str>>,
    messages: Vec<Message>,
    /// The source before fixing and the fixes applied, when fixing changed the file.
    fixed: Option<(Arc<str>, FixTable)>,
    fix_warnings: Vec<String>,
}

impl LintedFile {
    fn failed(filename: String, message: String) -> Self {
        LintedFile { messages: vec![Message::io_error(&filename, message)], filename, source: None, fixed: None, fix_warnings: Vec::new() }
    }
}

/// Lints absolute paths in parallel, each with the settings that govern it. With
/// [`FixMode::Apply`], files fixing changed are rewritten.
pub fn lint_files(paths: &[PathBuf], resolver: &Resolver, fixing: Fixing) -> Result<Diagnostics> {
    let files = paths
        .par_iter()
        .map(|path| {
            let settings = resolver.settings_for(path)?;
            let filename = path.to_string_lossy().into_owned();
            Ok(match std::fs::read(path) {
                Ok(bytes) => {
                    let linted = lint_bytes(bytes, Some(path), filename, &settings, fixing);
                    if fixing.mode == FixMode::Apply { write_fixed(path, linted, &settings) } else { linted }
                }
                Err(error) => LintedFile::failed(filename, error.to_string()),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Diagnostics::from_files(files))
}

/// Writes a file fixing changed. When that fails the file is as it was, and so are its
/// diagnostics, plus an `io-error` saying why.
fn write_fixed(path: &Path, linted: LintedFile, settings: &Settings) -> LintedFile {
    let (Some((original, _)), Some(fixed)) = (&linted.fixed, &linted.source) else {
        return linted;
    };
    if original == fixed {
        return linted;
    }
    let Err(error) = write_atomically(path, fixed.as_bytes()) else {
        return linted;
    };
    let original = original.as_bytes().to_vec();
    let mut unchanged = lint_bytes(original, Some(path), linted.filename, settings, Fixing::REPORT_ONLY);
    let message = format!("Failed to write the fixed source: {error}");
    unchanged.messages.push(Message::io_error(&unchanged.filename, message));
    unchanged
}

/// Lints one buffer (stdin, or a Python caller's string). `path` is absolute when known. Nothing
/// is written: with fixing, the fixed source is in `sources`.
pub fn lint_buffer(bytes: Vec<u8>, path: Option<&Path>, settings: &Settings, fixing: Fixing) -> Diagnostics {
    let filename = path.map_or_else(|| STDIN.to_string(), |path| path.to_string_lossy().into_owned());
    Diagnostics::from_files(vec![lint_bytes(bytes, path, filename, settings, fixing)])
}

fn lint_bytes(bytes: Vec<u8>, path: Option<&Path>, filename: String, settings: &Settings, fixing: Fixing) -> LintedFile {
    let source: Arc<str> = match String::from_utf8(bytes) {
        Ok(source) => source.into(),
        // Ruff's wording for the same failure.
        Err(_) => return LintedFile::failed(filename, "stream did not contain valid UTF-8".to_string()),
    };
    let linter = path.map_or_else(|| settings.linter.clone(), |path| settings.linter_for(path));
    let linted = catch_unwind(AssertUnwindSafe(|| lint_or_fix(source, path, filename.clone(), &linter, fixing)));
    linted.unwrap_or_else(|panic| {
        let reason = panic
            .downcast_ref::<&str>()
            .map(ToString::to_string)
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        LintedFile::failed(filename, format!("Panicked while linting this file: {reason} (this is a bug in fastapi-lint)"))
    })
}

fn lint_or_fix(source: Arc<str>, path: Option<&Path>, filename: String, linter: &LinterSettings, fixing: Fixing) -> LintedFile {
    if fixing.mode == FixMode::Generate {
        let messages = to_messages(lint_source(&source, path, linter), &filename, &source);
        return LintedFile { filename, source: Some(source), messages, fixed: None, fix_warnings: Vec::new() };
    }
    let result = fix_source(&source, path, linter, fixing.unsafe_fixes);
    let mut fix_warnings: Vec<String> = result
        .rejected
        .iter()
        .map(|rejected| {
            format!(
                "Fix for {} (`{}`) in {filename} introduced a syntax error and was not applied: {}. This is a bug in fastapi-lint.",
                rejected.rule.code(),
                rejected.message,
                rejected.syntax_error
            )
        })
        .collect();
    if !result.converged {
        fix_warnings.push(format!(
            "Fixes in {filename} did not settle after {} passes; the file holds the last pass. This is a bug in fastapi-lint.",
            fastapi_lint_core::fix::MAX_ITERATIONS
        ));
    }
    let fixed_source: Arc<str> = result.source.into();
    let messages = to_messages(result.diagnostics, &filename, &fixed_source);
    let fixed = (!result.fixed.is_empty()).then_some((source, result.fixed));
    LintedFile { filename, source: Some(fixed_source), messages, fixed, fix_warnings }
}
