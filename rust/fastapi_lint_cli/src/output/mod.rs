//! Ruff's output formats, field for field, plus the summary lines and `--statistics`.

mod azure;
mod concise;
mod frame;
mod full;
mod github;
mod gitlab;
mod grouped;
mod json;
mod junit;
mod pylint;
mod rdjson;
mod rule_page;
mod sarif;
mod statistics;
mod summary;

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::Path;
use std::sync::Arc;

use fastapi_lint_core::{DiagnosticKind, Message, Rule};

pub use json::message_to_json;
pub(crate) use rule_page::{fix_sentence, rule_text};
pub use statistics::write_statistics;
pub use summary::{UnsafeFixes, write_fix_only_summary, write_fix_table, write_summary};

/// The tool name where Ruff writes `ruff` (GitHub titles, `JUnit`, SARIF, rdjson).
const TOOL_NAME: &str = "fastapi-lint";

/// `--output-format`, with Ruff's spellings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Concise,
    #[default]
    Full,
    Json,
    JsonLines,
    Junit,
    Grouped,
    Github,
    Gitlab,
    Pylint,
    Rdjson,
    Azure,
    Sarif,
}

impl OutputFormat {
    /// Whether the format is for people: it gets the `Found N errors.` summary.
    pub fn is_human(self) -> bool {
        matches!(
            self,
            OutputFormat::Concise | OutputFormat::Full | OutputFormat::Grouped
        )
    }
}

/// The linter a rule comes from, as Ruff names it in `rule` output and SARIF.
pub(crate) fn linter_name(rule: Rule) -> &'static str {
    match rule.linter() {
        "FAST" => "FastAPI",
        _ => "fastapi-lint",
    }
}

/// The filename of stdin without `--stdin-filename`.
pub(crate) const STDIN: &str = "-";

/// Source texts by message filename, for formats that quote code.
pub type Sources = HashMap<String, Arc<str>>;

/// What formats need besides the messages.
pub struct Context<'a> {
    /// Paths in human output are shown relative to this directory.
    pub cwd: &'a Path,
    /// Whether unsafe fixes count as applicable (`[*]`, diffs).
    pub unsafe_fixes: bool,
    pub sources: &'a Sources,
}

impl Context<'_> {
    /// The source of a file to quote: the one the run kept (stdin, fixed sources), else the
    /// file as it is now on disk (a report does not keep the sources it linted), if it is a
    /// regular file (a named pipe or a device named on the command line is reported, not read).
    pub fn source(&self, filename: &str) -> Option<Arc<str>> {
        if let Some(source) = self.sources.get(filename) {
            return Some(Arc::clone(source));
        }
        if filename == STDIN
            || !std::fs::metadata(filename).is_ok_and(|metadata| metadata.is_file())
        {
            return None;
        }
        std::fs::read_to_string(filename).ok().map(Arc::from)
    }

    /// The filename as people read it: relative to the working directory when inside it.
    pub fn relative_path<'m>(&self, filename: &'m str) -> std::borrow::Cow<'m, str> {
        // What `strip_prefix` gives, found without parsing both paths into components: the
        // walk's files are the working directory joined with the rest, byte for byte.
        let below_cwd = self
            .cwd
            .to_str()
            .and_then(|cwd| filename.strip_prefix(cwd))
            .and_then(|rest| rest.strip_prefix(std::path::MAIN_SEPARATOR));
        if let Some(relative) = below_cwd.filter(|relative| {
            !relative.is_empty() && !relative.starts_with(std::path::is_separator)
        }) {
            return relative.into();
        }
        match Path::new(filename).strip_prefix(self.cwd) {
            Ok(relative) if filename != "-" => relative.to_string_lossy().into_owned().into(),
            _ => filename.into(),
        }
    }

    /// `CODE [*] message` for rules; `invalid-syntax: message` for diagnostics without a code,
    /// as Ruff's human formats write them.
    pub fn code_and_message(&self, message: &Message, show_fix_marker: bool) -> String {
        match message.kind {
            DiagnosticKind::Rule(_) => {
                let marker = if show_fix_marker && message.fix_applies(self.unsafe_fixes) {
                    "[*] "
                } else {
                    ""
                };
                format!("{} {marker}{}", message.code(), message.message)
            }
            DiagnosticKind::InvalidSyntax | DiagnosticKind::IoError => {
                format!("{}: {}", message.name(), message.message)
            }
        }
    }
}

/// Writes `messages` (already sorted by file and position) in `format`.
pub fn write_messages(
    format: OutputFormat,
    messages: &[Message],
    context: &Context<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        OutputFormat::Concise => concise::write(messages, context, out),
        OutputFormat::Full => full::write(messages, context, out),
        OutputFormat::Json => json::write(messages, out),
        OutputFormat::JsonLines => json::write_lines(messages, out),
        OutputFormat::Junit => junit::write(messages, out),
        OutputFormat::Grouped => grouped::write(messages, context, out),
        OutputFormat::Github => github::write(messages, context, out),
        OutputFormat::Gitlab => gitlab::write(messages, context, out),
        OutputFormat::Pylint => pylint::write(messages, context, out),
        OutputFormat::Rdjson => rdjson::write(messages, out),
        OutputFormat::Azure => azure::write(messages, out),
        OutputFormat::Sarif => sarif::write(messages, out),
    }
}

/// Messages of one file at a time, in order.
fn by_file(messages: &[Message]) -> impl Iterator<Item = &[Message]> {
    messages.chunk_by(|a, b| a.filename == b.filename)
}

#[cfg(test)]
mod tests;
