//! What a rule reports: a range in the source, a message and an optional fix.
//!
//! Ranges are byte offsets here; `message.rs` turns them into Ruff's 1-based rows and columns.

use ruff_text_size::{Ranged, TextRange, TextSize};
use serde::{Deserialize, Serialize};

use crate::message::RelatedLocation;
use crate::registry::Rule;

// Ruff's own fix types: a fix is a set of edits with an applicability.
pub use ruff_diagnostics::{Applicability, Edit, Fix};

/// An applicability as the JSON output spells it (`"safe"`, `"unsafe"`, `"displayonly"`).
pub const fn applicability_name(applicability: Applicability) -> &'static str {
    match applicability {
        Applicability::DisplayOnly => "displayonly",
        Applicability::Unsafe => "unsafe",
        Applicability::Safe => "safe",
    }
}

/// What a diagnostic is about: one of our rules, or a file that does not parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DiagnosticKind {
    Rule(Rule),
    /// Reported like Ruff's `invalid-syntax`; it has no code of its own and cannot be suppressed.
    InvalidSyntax,
    /// The file could not be read or linted (I/O error, non-UTF-8, internal error); reported
    /// like Ruff's `io-error`.
    IoError,
}

impl DiagnosticKind {
    /// The code as shown in output: `FAPI101`, `invalid-syntax`, `io-error`.
    pub fn code(self) -> &'static str {
        match self {
            DiagnosticKind::Rule(rule) => rule.code(),
            DiagnosticKind::InvalidSyntax => "invalid-syntax",
            DiagnosticKind::IoError => "io-error",
        }
    }

    /// The kebab-case name as shown in JSON's `name` field.
    pub fn name(self) -> &'static str {
        match self {
            DiagnosticKind::Rule(rule) => rule.name(),
            DiagnosticKind::InvalidSyntax => "invalid-syntax",
            DiagnosticKind::IoError => "io-error",
        }
    }

    pub fn rule(self) -> Option<Rule> {
        match self {
            DiagnosticKind::Rule(rule) => Some(rule),
            _ => None,
        }
    }
}

/// A finding in one file, before it is placed on rows and columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub kind: DiagnosticKind,
    pub message: String,
    pub range: TextRange,
    /// The title of the fix (`help:` line in full output, `fix.message` in JSON).
    pub fix_title: Option<String>,
    pub fix: Option<Fix>,
    /// Where a `# noqa` for this diagnostic is looked for, when not at `range.start()`
    /// (Ruff places it on the last line of a multi-line string or continuation).
    pub noqa_offset: Option<TextSize>,
    /// Places elsewhere that explain the finding (already on rows and columns: they may be in
    /// another file).
    pub related: Vec<RelatedLocation>,
}

impl Diagnostic {
    pub fn new(rule: Rule, message: impl Into<String>, range: TextRange) -> Self {
        Self {
            kind: DiagnosticKind::Rule(rule),
            message: message.into(),
            range,
            fix_title: None,
            fix: None,
            noqa_offset: None,
            related: Vec::new(),
        }
    }

    pub fn syntax_error(message: impl Into<String>, range: TextRange) -> Self {
        Self {
            kind: DiagnosticKind::InvalidSyntax,
            message: message.into(),
            range,
            fix_title: None,
            fix: None,
            noqa_offset: None,
            related: Vec::new(),
        }
    }

    pub fn io_error(message: impl Into<String>) -> Self {
        Self {
            kind: DiagnosticKind::IoError,
            message: message.into(),
            range: TextRange::default(),
            fix_title: None,
            fix: None,
            noqa_offset: None,
            related: Vec::new(),
        }
    }

    /// Attaches a fix with its title (the `help:` text).
    #[must_use]
    pub fn with_fix(mut self, title: impl Into<String>, fix: Fix) -> Self {
        self.fix_title = Some(title.into());
        self.fix = Some(fix);
        self
    }

    #[must_use]
    pub fn with_related(mut self, related: RelatedLocation) -> Self {
        self.related.push(related);
        self
    }

    /// Sets the title without a fix, for rules that explain what a fix would do but cannot
    /// offer one in this case.
    #[must_use]
    pub fn with_fix_title(mut self, title: impl Into<String>) -> Self {
        self.fix_title = Some(title.into());
        self
    }

    pub fn rule(&self) -> Option<Rule> {
        self.kind.rule()
    }
}

impl Ranged for Diagnostic {
    fn range(&self) -> TextRange {
        self.range
    }
}
