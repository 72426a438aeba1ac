//! One block per file: `path:` then `  row:col CODE [*] message`, rows right-aligned and
//! columns padded to the widest of the file.

use std::io::{self, Write};

use fastapi_lint_core::Message;

use super::{Context, by_file};

pub(super) fn write(
    messages: &[Message],
    context: &Context<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    for file in by_file(messages) {
        writeln!(out, "{}:", context.relative_path(&file[0].filename))?;
        let row_width = file
            .iter()
            .map(|m| digits(m.location.row))
            .max()
            .unwrap_or(1);
        let column_width = file
            .iter()
            .map(|m| digits(m.location.column))
            .max()
            .unwrap_or(1);
        for message in file {
            let row_padding = " ".repeat(row_width - digits(message.location.row));
            let column_padding = " ".repeat(column_width - digits(message.location.column));
            writeln!(
                out,
                "  {row_padding}{}:{}{column_padding} {}",
                message.location.row,
                message.location.column,
                context.code_and_message(message, true)
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn digits(number: usize) -> usize {
    number.to_string().len()
}
