//! What a rule reports: a range in the source, a message and an optional fix.
//!
//! Ranges are byte offsets here; `message.rs` turns them into Ruff's 1-based rows and columns.

use ruff_text_size::{Ranged, TextRange, TextSize};
use serde::{Deserialize, Serialize};

use crate::message::RelatedLocation;
use crate::registry::Rule;

/// How safe a fix is to apply, with Ruff's three levels and their JSON spelling.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Applicability {
    /// Shown to the user but never applied.
    DisplayOnly,
    /// Applied only with `--unsafe-fixes`: may change behaviour or drop comments.
    Unsafe,
    /// Applied by `--fix`: keeps the program's meaning.
    Safe,
}

impl Applicability {
    pub const fn as_str(self) -> &'static str {
        match self {
            Applicability::DisplayOnly => "displayonly",
            Applicability::Unsafe => "unsafe",
            Applicability::Safe => "safe",
        }
    }
}

/// One text replacement: `range` is replaced by `content` (empty content deletes).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Edit {
    pub range: TextRange,
    pub content: String,
}

impl Edit {
    pub fn replacement(content: impl Into<String>, range: TextRange) -> Self {
        Self {
            range,
            content: content.into(),
        }
    }

    pub fn deletion(range: TextRange) -> Self {
        Self {
            range,
            content: String::new(),
        }
    }

    pub fn insertion(content: impl Into<String>, at: TextSize) -> Self {
        Self {
            range: TextRange::empty(at),
            content: content.into(),
        }
    }
}

impl Ranged for Edit {
    fn range(&self) -> TextRange {
        self.range
    }
}

/// A set of edits applied together, sorted by position.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Fix {
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn new(
        applicability: Applicability,
        edit: Edit,
        rest: impl IntoIterator<Item = Edit>,
    ) -> Self {
        let mut edits: Vec<Edit> = std::iter::once(edit).chain(rest).collect();
        edits.sort_by_key(|edit| (edit.range.start(), edit.range.end()));
        Self {
            applicability,
            edits,
        }
    }

    pub fn safe_edit(edit: Edit) -> Self {
        Self::new(Applicability::Safe, edit, [])
    }

    pub fn unsafe_edit(edit: Edit) -> Self {
        Self::new(Applicability::Unsafe, edit, [])
    }

    pub fn unsafe_edits(edit: Edit, rest: impl IntoIterator<Item = Edit>) -> Self {
        Self::new(Applicability::Unsafe, edit, rest)
    }

    pub fn safe_edits(edit: Edit, rest: impl IntoIterator<Item = Edit>) -> Self {
        Self::new(Applicability::Safe, edit, rest)
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
