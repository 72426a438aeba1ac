//! Hover on a rule code in a `# noqa` comment: the rule's documentation page.

use fastapi_lint_core::{Rule, noqa_codes};
use lsp_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind, Range};

use super::position::LineIndex;
use super::session::Session;
use crate::output::rule_text;

pub(super) fn hover(session: &Session, params: &HoverParams) -> Option<Hover> {
    let at = &params.text_document_position_params;
    let document = session.documents.get(&at.text_document.uri)?;
    let text = &document.text;
    let index = LineIndex::new(text, session.encoding);
    let line = at.position.line as usize;
    let line_range = index.line_range(line, text);
    let offset = index.offset(text, at.position) - line_range.start;
    let (range, rule) = noqa_codes(&text[line_range.clone()])
        .into_iter()
        .find(|(range, _)| {
            usize::from(range.start()) <= offset && offset <= usize::from(range.end())
        })
        .and_then(|(range, code)| Some((range, Rule::from_code(code)?)))?;
    let start = line_range.start + usize::from(range.start());
    let end = line_range.start + usize::from(range.end());
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: rule_text(rule),
        }),
        range: Some(Range::new(
            index.position(text, start),
            index.position(text, end),
        )),
    })
}
