//! `# noqa` suppression exactly as Ruff 0.16.4 reads it, and FAPI900 (unused-noqa), which needs
//! to know what every directive suppressed.
//!
//! - [`directive`]: the grammar of one comment.
//! - [`mapping`]: which line a diagnostic's directive belongs on.
//! - [`file_exemption`]: `# fastapi-lint: noqa`, `# ruff: noqa`, `# flake8: noqa`.
//!
//! Comments come from the token stream, so `# noqa` inside a string is never a directive.

mod directive;
mod file_exemption;
mod mapping;

use ruff_python_ast::token::{TokenKind, Tokens};
use ruff_source_file::{LineIndex, LineRanges};
use ruff_text_size::{Ranged, TextLen, TextRange, TextSize};

pub(crate) use directive::lex_line_directive;
pub(crate) use directive::{Code, Directive, DirectiveCodes};
use directive::{ExemptionTool, LexError, LexWarning};
pub(crate) use file_exemption::FileExemptions;
use mapping::NoqaMapping;

use crate::diagnostic::Diagnostic;
use crate::registry::{Rule, RuleSet};
use crate::rules::noqa::unused_noqa;

/// The codes a `# noqa: ...` directive or a file exemption (`# ruff: noqa: ...`) in `line`
/// lists, each with its byte range in `line`, as the linter reads them: what an editor shows a
/// rule's documentation for. Empty for a blanket or malformed directive. `line` is taken as a
/// comment from its first `#`, so a `#` inside a string on the line may be read as one too.
pub fn noqa_codes(line: &str) -> Vec<(TextRange, &str)> {
    let lexed = directive::lex_file_exemption(line, TextSize::default())
        .map(|(_, lexed)| lexed)
        .or_else(|| lex_line_directive(line, TextSize::default()));
    match lexed {
        Some(Ok(lexed)) => match lexed.directive.codes {
            DirectiveCodes::All => Vec::new(),
            DirectiveCodes::Codes(codes) => codes
                .into_iter()
                .map(|code| (code.range, code.code))
                .collect(),
        },
        _ => Vec::new(),
    }
}

/// The diagnostics left after suppression, and Ruff's warnings about the directives.
#[derive(Debug)]
pub(crate) struct Suppressed {
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) warnings: Vec<NoqaWarning>,
}

/// Drops the rule diagnostics suppressed by `# noqa` comments (line or file level), sets each
/// remaining one's `noqa_offset`, and adds FAPI900 for FAPI codes that suppressed nothing when
/// FAPI900 is in `enabled`.
///
/// Syntax errors pass through untouched: they cannot be suppressed.
pub(crate) fn apply(
    diagnostics: Vec<Diagnostic>,
    source: &str,
    tokens: &Tokens,
    enabled: &RuleSet,
) -> Suppressed {
    let comments: Vec<TextRange> = tokens
        .iter()
        .filter(|token| token.kind() == TokenKind::Comment)
        .map(Ranged::range)
        .collect();
    let mut warnings = Vec::new();
    let exemptions = FileExemptions::extract(source, &comments, &mut warnings);
    let mut lines = LineDirectives::extract(source, &comments, &mut warnings);
    // Most files report nothing: the mapping (a scan of every token) is built for the first
    // diagnostic that needs its directive's line.
    let mapping = std::cell::OnceCell::new();
    let resolve = |offset| {
        mapping
            .get_or_init(|| NoqaMapping::from_tokens(tokens, source))
            .resolve(offset)
    };

    // File-level codes count as used when their rule reported anything, suppressed or not.
    let reported: RuleSet = diagnostics.iter().filter_map(Diagnostic::rule).collect();
    let mut kept = Vec::with_capacity(diagnostics.len());
    for mut diagnostic in diagnostics {
        let Some(rule) = diagnostic.rule() else {
            kept.push(diagnostic);
            continue;
        };
        let noqa_offset = resolve(diagnostic.range.start());
        diagnostic.noqa_offset = Some(noqa_offset);
        if exemptions.exempts(rule) {
            continue;
        }
        if let Some(line) = lines.find_mut(noqa_offset, source.text_len())
            && line.directive.suppresses(rule.code())
        {
            line.matches.push(rule);
            continue;
        }
        kept.push(diagnostic);
    }

    if enabled.contains(Rule::UnusedNoqa) && !exemptions.exempts(Rule::UnusedNoqa) {
        let unused = unused_noqa::check(source, &lines.0, &exemptions, &reported, enabled);
        kept.extend(unused.into_iter().map(|mut diagnostic| {
            diagnostic.noqa_offset = Some(resolve(diagnostic.range.start()));
            diagnostic
        }));
    }

    Suppressed {
        diagnostics: kept,
        warnings: NoqaWarning::place(warnings, source),
    }
}

/// An end-of-line directive and the rules it suppressed.
#[derive(Debug)]
pub(crate) struct LineDirective<'a> {
    /// The comment's line, without its line break.
    line: TextRange,
    pub(crate) directive: Directive<'a>,
    pub(crate) matches: Vec<Rule>,
}

/// The end-of-line directives of one file, one per line at most, in source order.
#[derive(Debug)]
struct LineDirectives<'a>(Vec<LineDirective<'a>>);

impl<'a> LineDirectives<'a> {
    fn extract(
        source: &'a str,
        comments: &[TextRange],
        warnings: &mut Vec<PendingWarning>,
    ) -> Self {
        let mut directives = Vec::new();
        for &comment in comments {
            match lex_line_directive(&source[comment], comment.start()) {
                Some(Ok(lexed)) => {
                    warnings.extend(lexed.warnings.into_iter().map(|warning| {
                        (
                            comment.start(),
                            NoqaWarningKind::MissingOrJoinedCodes(warning),
                        )
                    }));
                    directives.push(LineDirective {
                        line: source.line_range(comment.start()),
                        directive: lexed.directive,
                        matches: Vec::new(),
                    });
                }
                Some(Err(error)) => {
                    warnings.push((comment.start(), NoqaWarningKind::InvalidDirective(error)));
                }
                None => {}
            }
        }
        Self(directives)
    }

    /// The directive on the line holding `offset`. As in Ruff, an offset at a line's break
    /// belongs to the next line, except at the very end of the file.
    fn find_mut(
        &mut self,
        offset: TextSize,
        source_len: TextSize,
    ) -> Option<&mut LineDirective<'a>> {
        let index = self
            .0
            .partition_point(|directive| directive.line.end() < offset);
        let directive = self.0.get_mut(index)?;
        let on_line = directive.line.start() <= offset
            && (offset < directive.line.end() || directive.line.end() == source_len);
        on_line.then_some(directive)
    }
}

/// A warning found while reading directives, before it is placed on a row.
pub(crate) type PendingWarning = (TextSize, NoqaWarningKind);

/// What is wrong with a directive; see [`NoqaWarning::message`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NoqaWarningKind {
    /// An end-of-line directive Ruff rejects: it suppresses nothing.
    InvalidDirective(LexError),
    /// A file-level exemption Ruff rejects: it exempts nothing.
    InvalidFileExemption(ExemptionTool, LexError),
    /// A file-level exemption after code on the same line: ignored.
    MisplacedFileExemption(ExemptionTool),
    /// Honoured, but with an empty item (`A1,,B2`) or glued codes (`A1B2`).
    MissingOrJoinedCodes(LexWarning),
}

/// A malformed or misplaced directive, which Ruff reports on stderr as `warning: ...`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoqaWarning {
    row: usize,
    kind: NoqaWarningKind,
}

impl NoqaWarning {
    /// In Ruff's order: file-level exemptions first, then end-of-line directives.
    fn place(pending: Vec<PendingWarning>, source: &str) -> Vec<NoqaWarning> {
        if pending.is_empty() {
            return Vec::new();
        }
        let index = LineIndex::from_source_text(source);
        pending
            .into_iter()
            .map(|(offset, kind)| NoqaWarning {
                row: index.line_index(offset).get(),
                kind,
            })
            .collect()
    }

    /// The 1-based row of the comment.
    pub fn row(&self) -> usize {
        self.row
    }

    /// Ruff's wording, with `path` as the file should be shown (Ruff shows it relative to the
    /// working directory).
    pub fn message(&self, path: &str) -> String {
        let row = self.row;
        match self.kind {
            NoqaWarningKind::InvalidDirective(error) => {
                format!("Invalid `# noqa` directive on {path}:{row}: {error}")
            }
            NoqaWarningKind::InvalidFileExemption(tool, error) => {
                format!(
                    "Invalid `# {}: noqa` directive at {path}:{row}: {error}",
                    tool.prefix()
                )
            }
            NoqaWarningKind::MisplacedFileExemption(tool) => format!(
                "Unexpected `# {tool}: noqa` directive at {path}:{row}. File-level suppression comments must appear on their own line. For line-level suppression, omit the `{tool}:` prefix.",
                tool = tool.prefix()
            ),
            NoqaWarningKind::MissingOrJoinedCodes(warning) => {
                format!("Missing or joined rule code(s) at {path}:{row}: {warning}")
            }
        }
    }
}

#[cfg(test)]
mod tests;
