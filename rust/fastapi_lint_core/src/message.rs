//! Diagnostics placed on rows and columns, ready for any output format.

use ruff_source_file::LineIndex;
use ruff_text_size::{Ranged, TextRange, TextSize};
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Applicability, Diagnostic, DiagnosticKind};

/// A 1-based row and a 1-based column counted in characters, as Ruff reports them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SourceLocation {
    pub row: usize,
    pub column: usize,
}

impl SourceLocation {
    pub fn of(offset: TextSize, source: &str, index: &LineIndex) -> Self {
        let at = index.line_column(offset, source);
        Self {
            row: at.line.get(),
            column: at.column.get(),
        }
    }
}

/// A place in another file (or elsewhere in this one) that explains a diagnostic: the blocking
/// call at the end of a FAPI106 chain (SARIF's `relatedLocations`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RelatedLocation {
    pub message: String,
    /// The file as [`Message::filename`] names files.
    pub filename: String,
    pub location: SourceLocation,
    pub end_location: SourceLocation,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageEdit {
    pub content: String,
    pub location: SourceLocation,
    pub end_location: SourceLocation,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageFix {
    pub applicability: Applicability,
    pub edits: Vec<MessageEdit>,
}

/// One diagnostic of one file, with everything an output format shows. Serializable for the
/// CLI's cache.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub kind: DiagnosticKind,
    pub message: String,
    /// The file as the user should see it in machine output (absolute path, or `-` for stdin).
    pub filename: String,
    pub location: SourceLocation,
    pub end_location: SourceLocation,
    pub range: TextRange,
    pub fix_title: Option<String>,
    pub fix: Option<MessageFix>,
    /// The row where a `# noqa` for this diagnostic belongs; `None` for syntax errors.
    pub noqa_row: Option<usize>,
    pub related: Vec<RelatedLocation>,
}

impl Message {
    pub fn from_diagnostic(
        diagnostic: Diagnostic,
        filename: &str,
        source: &str,
        index: &LineIndex,
    ) -> Self {
        let locate = |offset: TextSize| SourceLocation::of(offset, source, index);
        let noqa_row = match diagnostic.kind {
            DiagnosticKind::Rule(_) => {
                Some(locate(diagnostic.noqa_offset.unwrap_or(diagnostic.range.start())).row)
            }
            DiagnosticKind::InvalidSyntax | DiagnosticKind::IoError => None,
        };
        let fix = diagnostic.fix.map(|fix| MessageFix {
            applicability: fix.applicability(),
            edits: fix
                .into_edits()
                .into_iter()
                .map(|edit| MessageEdit {
                    location: locate(edit.start()),
                    end_location: locate(edit.end()),
                    range: edit.range(),
                    content: edit.into_content().map(String::from).unwrap_or_default(),
                })
                .collect(),
        });
        Self {
            kind: diagnostic.kind,
            message: diagnostic.message,
            filename: filename.to_string(),
            location: locate(diagnostic.range.start()),
            end_location: locate(diagnostic.range.end()),
            range: diagnostic.range,
            fix_title: diagnostic.fix_title,
            fix,
            noqa_row,
            related: diagnostic.related,
        }
    }

    /// A message for a file that could not be read or linted at all.
    pub fn io_error(filename: &str, message: impl Into<String>) -> Self {
        let start = SourceLocation { row: 1, column: 1 };
        Self {
            kind: DiagnosticKind::IoError,
            message: message.into(),
            filename: filename.to_string(),
            location: start,
            end_location: start,
            range: TextRange::default(),
            fix_title: None,
            fix: None,
            noqa_row: None,
            related: Vec::new(),
        }
    }

    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    pub fn name(&self) -> &'static str {
        self.kind.name()
    }

    /// The rule's documentation URL; `None` for syntax and I/O errors.
    pub fn url(&self) -> Option<String> {
        self.kind.rule().map(super::registry::Rule::url)
    }

    /// Whether the fix would be applied with the given unsafe-fix setting.
    pub fn fix_applies(&self, unsafe_fixes: bool) -> bool {
        self.fix
            .as_ref()
            .is_some_and(|fix| match fix.applicability {
                Applicability::Safe => true,
                Applicability::Unsafe => unsafe_fixes,
                Applicability::DisplayOnly => false,
            })
    }
}

/// Places every diagnostic of one file on rows and columns.
pub fn to_messages(diagnostics: Vec<Diagnostic>, filename: &str, source: &str) -> Vec<Message> {
    // Most files report nothing; indexing their lines would be a scan of the whole source.
    if diagnostics.is_empty() {
        return Vec::new();
    }
    let index = LineIndex::from_source_text(source);
    diagnostics
        .into_iter()
        .map(|diagnostic| Message::from_diagnostic(diagnostic, filename, source, &index))
        .collect()
}
