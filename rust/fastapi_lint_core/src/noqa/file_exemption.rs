//! File-level exemptions: `# fastapi-lint: noqa`, `# ruff: noqa`, `# flake8: noqa`, each either
//! blanket or with `: CODES`, on a line of their own anywhere in the file.
//!
//! Ruff 0.16.4 reads `# flake8: noqa: F401` as exempting F401 only (no longer as a blanket with a
//! warning), and so do we. An exemption after code on the same line is ignored with a warning.

use ruff_python_trivia::indentation_at_offset;
use ruff_text_size::TextRange;

use super::directive::{Directive, ExemptionTool, lex_file_exemption};
use super::{NoqaWarningKind, PendingWarning};
use crate::registry::Rule;

/// One exemption comment.
#[derive(Debug)]
pub(crate) struct FileExemption<'a> {
    pub(crate) tool: ExemptionTool,
    pub(crate) directive: Directive<'a>,
}

/// Every exemption comment of one file, in source order.
#[derive(Debug, Default)]
pub(crate) struct FileExemptions<'a>(Vec<FileExemption<'a>>);

impl<'a> FileExemptions<'a> {
    pub(crate) fn extract(
        source: &'a str,
        comments: &[TextRange],
        warnings: &mut Vec<PendingWarning>,
    ) -> Self {
        let mut exemptions = Vec::new();
        for &comment in comments {
            let Some((tool, lexed)) = lex_file_exemption(&source[comment], comment.start()) else {
                continue;
            };
            match lexed {
                Ok(lexed) => {
                    warnings.extend(lexed.warnings.into_iter().map(|warning| {
                        (
                            comment.start(),
                            NoqaWarningKind::MissingOrJoinedCodes(warning),
                        )
                    }));
                    if indentation_at_offset(comment.start(), source).is_none() {
                        warnings.push((
                            comment.start(),
                            NoqaWarningKind::MisplacedFileExemption(tool),
                        ));
                        continue;
                    }
                    exemptions.push(FileExemption {
                        tool,
                        directive: lexed.directive,
                    });
                }
                Err(error) => warnings.push((
                    comment.start(),
                    NoqaWarningKind::InvalidFileExemption(tool, error),
                )),
            }
        }
        Self(exemptions)
    }

    /// Whether the whole file is exempt from `rule`.
    pub(crate) fn exempts(&self, rule: Rule) -> bool {
        self.0
            .iter()
            .any(|exemption| exemption.directive.suppresses(rule.code()))
    }

    pub(crate) fn iter(&self) -> std::slice::Iter<'_, FileExemption<'a>> {
        self.0.iter()
    }
}
