//! The linter's messages as LSP diagnostics.

use std::path::Path;

use fastapi_lint_core::{DiagnosticKind, Message, RelatedLocation, Rule};
use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag,
    Location, NumberOrString, Position, Range, Url,
};

use super::position::{Encoding, LineIndex};

/// The `source` of every diagnostic, as editors show it next to the message.
pub(super) const SOURCE: &str = "fastapi-lint";

/// One message of a buffer. Syntax errors and files that could not be linted are errors, rule
/// findings warnings (as in Ruff's server); an unused `# noqa` is marked unnecessary, which
/// editors render faded. `text_of` gives the text of another file a related location is in.
pub(super) fn to_diagnostic(
    message: &Message,
    text: &str,
    index: &LineIndex,
    text_of: &dyn Fn(&Path) -> Option<String>,
) -> Diagnostic {
    let severity = match message.kind {
        DiagnosticKind::Rule(_) => DiagnosticSeverity::WARNING,
        DiagnosticKind::InvalidSyntax | DiagnosticKind::IoError => DiagnosticSeverity::ERROR,
    };
    let related: Vec<DiagnosticRelatedInformation> = message
        .related
        .iter()
        .filter_map(|related| related_information(related, index.encoding(), text_of))
        .collect();
    Diagnostic {
        range: index.range(text, message.range),
        severity: Some(severity),
        code: Some(NumberOrString::String(message.code().to_string())),
        code_description: message
            .url()
            .and_then(|url| Url::parse(&url).ok())
            .map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_string()),
        message: message.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: (message.kind == DiagnosticKind::Rule(Rule::UnusedNoqa))
            .then(|| vec![DiagnosticTag::UNNECESSARY]),
        data: None,
    }
}

/// A place in another file (the blocking call at the end of a chain). Its column counts
/// characters; without the file's text it is taken as code units, right for ASCII lines.
fn related_information(
    related: &RelatedLocation,
    encoding: Encoding,
    text_of: &dyn Fn(&Path) -> Option<String>,
) -> Option<DiagnosticRelatedInformation> {
    let path = Path::new(&related.filename);
    let uri = Url::from_file_path(path).ok()?;
    let range = match text_of(path) {
        Some(text) => {
            let index = LineIndex::new(&text, encoding);
            let at = |location: fastapi_lint_core::SourceLocation| {
                index.position_of_row_column(&text, location.row, location.column)
            };
            Range::new(at(related.location), at(related.end_location))
        }
        None => {
            let at = |location: fastapi_lint_core::SourceLocation| {
                Position::new(
                    u32::try_from(location.row.saturating_sub(1)).unwrap_or(u32::MAX),
                    u32::try_from(location.column.saturating_sub(1)).unwrap_or(u32::MAX),
                )
            };
            Range::new(at(related.location), at(related.end_location))
        }
    };
    Some(DiagnosticRelatedInformation {
        location: Location { uri, range },
        message: related.message.clone(),
    })
}
