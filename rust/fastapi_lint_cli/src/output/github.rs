//! GitHub Actions workflow commands (`::error ...::`).

use std::io::{self, Write};

use fastapi_lint_core::Message;

use super::{Context, TOOL_NAME};

pub(super) fn write(
    messages: &[Message],
    context: &Context<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    for message in messages {
        let (start, end) = (message.location, message.end_location);
        // GitHub rejects column ranges that span lines, so Ruff drops them.
        let position = if start.row == end.row {
            format!(
                "line={},col={},endLine={},endColumn={}",
                start.row, start.column, end.row, end.column
            )
        } else {
            format!("line={},endLine={}", start.row, end.row)
        };
        write!(
            out,
            "::error title={TOOL_NAME} ({}),file={},{position}::{}:{}:{}: {}",
            message.code(),
            message.filename,
            context.relative_path(&message.filename),
            start.row,
            start.column,
            context.code_and_message(message, false)
        )?;
        if let Some(title) = &message.fix_title {
            write!(out, "%0A  help: {title}")?;
        }
        writeln!(out)?;
    }
    Ok(())
}
