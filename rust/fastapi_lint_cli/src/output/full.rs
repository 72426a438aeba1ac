//! Ruff's default `full` format: header, ` --> path:row:col`, the code frame, `help:`, the diff
//! of an applicable fix and a note when that fix is unsafe.

use std::io::{self, Write};

use fastapi_lint_core::message::MessageFix;
use fastapi_lint_core::{Applicability, Message};
use similar::{ChangeTag, TextDiff};

use super::{Context, frame};

/// Lines of context around each change in a fix's diff.
const DIFF_CONTEXT: usize = 1;
/// Unchanged runs up to twice this long are shown rather than splitting the diff into hunks.
const DIFF_MERGE: usize = 2;
const HUNK_SEPARATOR: &str = "--------------------------------------------------------------------------------";

pub(super) fn write(messages: &[Message], context: &Context<'_>, out: &mut dyn Write) -> io::Result<()> {
    for message in messages {
        writeln!(out, "{}", context.code_and_message(message, true))?;
        let path = context.relative_path(&message.filename);
        match context.sources.get(&message.filename) {
            Some(source) => {
                let frame = frame::render(source, message.range.start().to_usize(), message.range.end().to_usize());
                writeln!(out, "{}--> {path}:{}:{}", " ".repeat(frame.gutter), frame.location.row, frame.location.column)?;
                for line in &frame.lines {
                    writeln!(out, "{line}")?;
                }
            }
            // Nothing to quote (the file could not be read).
            None => writeln!(out, "--> {path}:{}:{}", message.location.row, message.location.column)?,
        }
        if let Some(title) = &message.fix_title {
            writeln!(out, "help: {title}")?;
        }
        if let (Some(fix), Some(source)) = (&message.fix, context.sources.get(&message.filename))
            && message.fix_applies(context.unsafe_fixes)
        {
            write_diff(source, fix, out)?;
            if fix.applicability == Applicability::Unsafe {
                writeln!(out, "note: This is an unsafe fix and may change runtime behavior")?;
            }
        }
        writeln!(out)?;
    }
    Ok(())
}

/// The source with the fix applied.
fn apply(source: &str, fix: &MessageFix) -> String {
    let mut fixed = String::with_capacity(source.len());
    let mut cursor = 0;
    for edit in &fix.edits {
        let (start, end) = (edit.range.start().to_usize(), edit.range.end().to_usize());
        fixed.push_str(&source[cursor..start.max(cursor)]);
        fixed.push_str(&edit.content);
        cursor = cursor.max(end);
    }
    fixed.push_str(&source[cursor..]);
    fixed
}

/// The line diff of the fix: new line numbers, left-aligned; removed lines unnumbered.
fn write_diff(source: &str, fix: &MessageFix, out: &mut dyn Write) -> io::Result<()> {
    let fixed = apply(source, fix);
    let diff = TextDiff::from_lines(source, &fixed);
    let mut hunks = diff.grouped_ops(DIFF_MERGE);
    // `grouped_ops` keeps `DIFF_MERGE` lines at the edges of each hunk; Ruff shows fewer.
    for hunk in &mut hunks {
        trim_edge_context(hunk);
    }
    let changes: Vec<Vec<(ChangeTag, Option<usize>, String)>> = hunks
        .iter()
        .map(|hunk| {
            hunk.iter()
                .flat_map(|op| diff.iter_changes(op))
                .map(|change| (change.tag(), change.new_index(), change.value().trim_end_matches(['\n', '\r']).to_string()))
                .collect()
        })
        .collect();
    let width = changes.iter().flatten().filter_map(|(_, new, _)| *new).max().map_or(1, |index| (index + 1).to_string().len());
    let blank = " ".repeat(width);
    writeln!(out, "{blank} |")?;
    for (index, hunk) in changes.iter().enumerate() {
        if index > 0 {
            writeln!(out, "{HUNK_SEPARATOR}")?;
        }
        for (tag, new_index, text) in hunk {
            let number = new_index.map_or_else(|| blank.clone(), |index| format!("{:<width$}", index + 1));
            let sign = match tag {
                ChangeTag::Equal => '|',
                ChangeTag::Delete => '-',
                ChangeTag::Insert => '+',
            };
            writeln!(out, "{}", format!("{number} {sign} {text}").trim_end())?;
        }
    }
    writeln!(out, "{blank} |")
}

fn trim_edge_context(hunk: &mut [similar::DiffOp]) {
    if let Some(similar::DiffOp::Equal { old_index, new_index, len }) = hunk.first_mut() {
        let drop = len.saturating_sub(DIFF_CONTEXT);
        *old_index += drop;
        *new_index += drop;
        *len -= drop;
    }
    if let Some(similar::DiffOp::Equal { len, .. }) = hunk.last_mut() {
        *len = (*len).min(DIFF_CONTEXT);
    }
}
