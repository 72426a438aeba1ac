//! Ruff's default `full` format: header, ` --> path:row:col`, the code frame, an `info:` line
//! per related location, `help:`, the diff of an applicable fix and a note when that fix is
//! unsafe.

use std::io::{self, Write};

use fastapi_lint_core::message::MessageFix;
use fastapi_lint_core::{Applicability, Message};
use similar::{ChangeTag, TextDiff};

use super::Context;
use super::frame::{self, Lines};

/// Lines of context around each change in a fix's diff.
const DIFF_CONTEXT: usize = 1;
/// Unchanged runs up to twice this long are shown rather than splitting the diff into hunks.
const DIFF_MERGE: usize = 2;
const HUNK_SEPARATOR: &str =
    "--------------------------------------------------------------------------------";

pub(super) fn write(
    messages: &[Message],
    context: &Context<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    // Messages come grouped by file: its source is read and split into lines once for all of
    // them, and dropped before the next file's (a report does not hold every quoted file).
    for file in messages.chunk_by(|a, b| a.filename == b.filename) {
        let source = context.source(&file[0].filename);
        let lines = source.as_deref().map(Lines::new);
        for message in file {
            // A file changed on disk since it was linted may no longer hold the range.
            let quoted = source.as_deref().zip(lines.as_ref()).filter(|(source, _)| {
                let edits = message
                    .fix
                    .iter()
                    .flat_map(|fix| fix.edits.iter().map(|edit| edit.range));
                std::iter::once(message.range).chain(edits).all(|range| {
                    source.is_char_boundary(range.start().to_usize())
                        && source.is_char_boundary(range.end().to_usize())
                })
            });
            write_message(message, quoted, context, out)?;
        }
    }
    Ok(())
}

fn write_message(
    message: &Message,
    quoted: Option<(&str, &Lines<'_>)>,
    context: &Context<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(out, "{}", context.code_and_message(message, true))?;
    let path = context.relative_path(&message.filename);
    match quoted {
        Some((_, lines)) => {
            let frame = frame::render(
                lines,
                message.range.start().to_usize(),
                message.range.end().to_usize(),
            );
            writeln!(
                out,
                "{}--> {path}:{}:{}",
                " ".repeat(frame.gutter),
                frame.location.row,
                frame.location.column
            )?;
            for line in &frame.lines {
                writeln!(out, "{line}")?;
            }
        }
        // Nothing to quote (the file could not be read).
        None => writeln!(
            out,
            "--> {path}:{}:{}",
            message.location.row, message.location.column
        )?,
    }
    for related in &message.related {
        let path = context.relative_path(&related.filename);
        writeln!(
            out,
            "info: {} at {path}:{}:{}",
            related.message, related.location.row, related.location.column
        )?;
    }
    if let Some(title) = &message.fix_title {
        writeln!(out, "help: {title}")?;
    }
    if let (Some(fix), Some((source, _))) = (&message.fix, quoted)
        && message.fix_applies(context.unsafe_fixes)
    {
        write_diff(source, fix, out)?;
        if fix.applicability == Applicability::Unsafe {
            writeln!(
                out,
                "note: This is an unsafe fix and may change runtime behavior"
            )?;
        }
    }
    writeln!(out)
}

/// Lines of unchanged text kept on each side of the edits when diffing: more than a hunk shows
/// or merges, so the diff of this window is the diff of the whole file.
const WINDOW_MARGIN: usize = DIFF_MERGE + DIFF_CONTEXT + 1;

/// The lines around the fix's edits, before and after the fix, and the 0-based line the window
/// starts at. Diffing only these keeps a fix's diff cheap in a large file.
fn fix_window<'a>(source: &'a str, fix: &MessageFix) -> (&'a str, String, usize) {
    let (Some(first), Some(last)) = (fix.edits.first(), fix.edits.last()) else {
        return (source, source.to_string(), 0);
    };
    let (first_row, last_row) = (first.location.row - 1, last.end_location.row - 1);
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(source.match_indices('\n').map(|(at, _)| at + 1))
        .collect();
    let window_row = first_row.saturating_sub(WINDOW_MARGIN);
    let start = line_starts[window_row.min(line_starts.len() - 1)];
    let end = line_starts
        .get(last_row + 1 + WINDOW_MARGIN)
        .copied()
        .unwrap_or(source.len());
    let mut fixed = String::with_capacity(end - start);
    let mut cursor = start;
    for edit in &fix.edits {
        let (edit_start, edit_end) = (edit.range.start().to_usize(), edit.range.end().to_usize());
        fixed.push_str(&source[cursor..edit_start.max(cursor)]);
        fixed.push_str(&edit.content);
        cursor = cursor.max(edit_end);
    }
    fixed.push_str(&source[cursor..end.max(cursor)]);
    (&source[start..end.max(cursor)], fixed, window_row)
}

/// The line diff of the fix: new line numbers, left-aligned; removed lines unnumbered.
fn write_diff(source: &str, fix: &MessageFix, out: &mut dyn Write) -> io::Result<()> {
    let (window, fixed, first_row) = fix_window(source, fix);
    let diff = TextDiff::from_lines(window, &fixed);
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
                .map(|change| {
                    (
                        change.tag(),
                        change.new_index().map(|index| first_row + index),
                        change.value().trim_end_matches(['\n', '\r']).to_string(),
                    )
                })
                .collect()
        })
        .collect();
    let width = changes
        .iter()
        .flatten()
        .filter_map(|(_, new, _)| *new)
        .max()
        .map_or(1, |index| (index + 1).to_string().len());
    let blank = " ".repeat(width);
    writeln!(out, "{blank} |")?;
    for (index, hunk) in changes.iter().enumerate() {
        if index > 0 {
            writeln!(out, "{HUNK_SEPARATOR}")?;
        }
        for (tag, new_index, text) in hunk {
            let number =
                new_index.map_or_else(|| blank.clone(), |index| format!("{:<width$}", index + 1));
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
    if let Some(similar::DiffOp::Equal {
        old_index,
        new_index,
        len,
    }) = hunk.first_mut()
    {
        let drop = len.saturating_sub(DIFF_CONTEXT);
        *old_index += drop;
        *new_index += drop;
        *len -= drop;
    }
    if let Some(similar::DiffOp::Equal { len, .. }) = hunk.last_mut() {
        *len = (*len).min(DIFF_CONTEXT);
    }
}
