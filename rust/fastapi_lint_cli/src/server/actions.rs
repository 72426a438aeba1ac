//! Code actions: each finding's fix, a `# noqa` for its line, and every fix `check --fix` would
//! apply, at once.

use std::collections::HashMap;

use fastapi_lint_core::{DiagnosticKind, FileContext, Message, Rule, add_noqa_to_line};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, TextEdit, Url, WorkspaceEdit,
};

use super::diagnostics::to_diagnostic;
use super::position::LineIndex;
use super::session::{Session, file_path};
use crate::lint::{FixMode, Fixing};

/// The kind of the action applying every fix of a file that `check --fix` would apply, under `source.fixAll` so that
/// editors run it on save when asked to.
pub(super) const FIX_ALL: CodeActionKind = CodeActionKind::new("source.fixAll.fastapi-lint");

pub(super) fn code_actions(
    session: &mut Session,
    params: &CodeActionParams,
) -> anyhow::Result<Vec<CodeActionOrCommand>> {
    let uri = &params.text_document.uri;
    let Some(document) = session.documents.get(uri) else {
        return Ok(Vec::new());
    };
    let text = document.text.clone();
    let messages = document.messages.clone();
    let path = file_path(uri);
    let wanted = |kind: &CodeActionKind| {
        params.context.only.as_ref().is_none_or(|only| {
            only.iter().any(|asked| {
                kind.as_str() == asked.as_str()
                    || kind
                        .as_str()
                        .strip_prefix(asked.as_str())
                        .is_some_and(|rest| rest.starts_with('.'))
            })
        })
    };
    let index = LineIndex::new(&text, session.encoding);
    let start = index.offset(&text, params.range.start);
    let end = index.offset(&text, params.range.end);
    let (_, settings) = session.settings_for(path.as_deref())?;
    let unsafe_fixes = settings.unsafe_fixes.unwrap_or(false);
    let mut actions = Vec::new();

    if wanted(&CodeActionKind::QUICKFIX) {
        let linter = match &path {
            Some(path) => settings.linter_for(path),
            None => settings.linter.clone(),
        };
        let context = FileContext::of_path(path.as_deref());
        let text_of = |other: &std::path::Path| session.text_of(other);
        for message in messages.iter().filter(|message| {
            usize::from(message.range.start()) <= end && start <= usize::from(message.range.end())
        }) {
            let DiagnosticKind::Rule(rule) = message.kind else {
                continue;
            };
            let diagnostic = to_diagnostic(message, &text, &index, &text_of);
            // Unsafe fixes too: the user picks each one, seeing its title (as in Ruff's server).
            if message.fix_applies(true) {
                actions.push(fix_action(message, uri, &text, &index, &diagnostic));
            }
            if rule == Rule::UnusedNoqa {
                continue;
            }
            let Some(row) = message.noqa_row else {
                continue;
            };
            let line_start = index.line_start(row.saturating_sub(1), &text);
            let added = add_noqa_to_line(
                &text,
                &context,
                &linter,
                ruff_text_size::TextSize::try_from(line_start).unwrap_or_default(),
                rule.code(),
            );
            if let Some(edit) = minimal_edit(&text, &added.source, &index) {
                actions.push(action(
                    format!("Disable {} for this line", rule.code()),
                    CodeActionKind::QUICKFIX,
                    uri,
                    vec![edit],
                    Some(diagnostic),
                ));
            }
        }
    }

    // What `check --fix` would do: safe fixes, and unsafe ones where the settings say so.
    if wanted(&FIX_ALL)
        && messages
            .iter()
            .any(|message| message.fix_applies(unsafe_fixes))
    {
        let fixing = Fixing {
            mode: FixMode::Apply,
            unsafe_fixes,
        };
        let fixed = session.lint_text(&text, path.as_deref(), fixing)?;
        if let Some(fixed) = fixed.sources.values().next()
            && let Some(edit) = minimal_edit(&text, fixed, &index)
        {
            actions.push(action(
                "Fix all auto-fixable problems (fastapi-lint)".to_string(),
                FIX_ALL,
                uri,
                vec![edit],
                None,
            ));
        }
    }
    Ok(actions)
}

fn fix_action(
    message: &Message,
    uri: &Url,
    text: &str,
    index: &LineIndex,
    diagnostic: &lsp_types::Diagnostic,
) -> CodeActionOrCommand {
    let edits = message
        .fix
        .iter()
        .flat_map(|fix| &fix.edits)
        .map(|edit| TextEdit {
            range: index.range(text, edit.range),
            new_text: edit.content.clone(),
        })
        .collect();
    let title = message
        .fix_title
        .clone()
        .unwrap_or_else(|| format!("Fix {}", message.code()));
    let mut action = action(
        title,
        CodeActionKind::QUICKFIX,
        uri,
        edits,
        Some(diagnostic.clone()),
    );
    // The preferred action is one an editor may apply by itself: only a safe fix.
    if let CodeActionOrCommand::CodeAction(action) = &mut action {
        action.is_preferred = Some(message.fix_applies(false));
    }
    action
}

fn action(
    title: String,
    kind: CodeActionKind,
    uri: &Url,
    edits: Vec<TextEdit>,
    diagnostic: Option<lsp_types::Diagnostic>,
) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(kind),
        diagnostics: diagnostic.map(|diagnostic| vec![diagnostic]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        }),
        ..CodeAction::default()
    })
}

/// The one edit turning `old` into `new`: what lies between their common start and end.
/// `None` when they are equal.
pub(super) fn minimal_edit(old: &str, new: &str, index: &LineIndex) -> Option<TextEdit> {
    if old == new {
        return None;
    }
    let mut prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let longest = old.len().min(new.len()) - prefix;
    let mut suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(longest)
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - suffix) || !new.is_char_boundary(new.len() - suffix) {
        suffix -= 1;
    }
    let range = lsp_types::Range::new(
        index.position(old, prefix),
        index.position(old, old.len() - suffix),
    );
    Some(TextEdit {
        range,
        new_text: new[prefix..new.len() - suffix].to_string(),
    })
}

#[cfg(test)]
mod tests {
    use lsp_types::{Position, Range};

    use super::*;
    use crate::server::position::Encoding;

    #[test]
    fn the_minimal_edit_replaces_what_differs() {
        let old = "import time\nx = \"é\"  # a\n";
        let new = "import time\nx = \"é\"  # a  # noqa: FAPI101\n";
        let edit = minimal_edit(old, new, &LineIndex::new(old, Encoding::Utf16)).unwrap();
        assert_eq!(
            edit.range,
            Range::new(Position::new(1, 12), Position::new(1, 12))
        );
        assert_eq!(edit.new_text, "  # noqa: FAPI101");
        assert!(minimal_edit(old, old, &LineIndex::new(old, Encoding::Utf16)).is_none());
        // Differences inside a multi-byte character widen to the whole character.
        let edit = minimal_edit("aéb", "aèb", &LineIndex::new("aéb", Encoding::Utf16)).unwrap();
        assert_eq!(
            edit.range,
            Range::new(Position::new(0, 1), Position::new(0, 2))
        );
        assert_eq!(edit.new_text, "è");
    }
}
