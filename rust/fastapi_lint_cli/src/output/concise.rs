//! `path:row:col: CODE [*] message`.

use std::io::{self, Write};

use fastapi_lint_core::Message;

use super::Context;

pub(super) fn write(
    messages: &[Message],
    context: &Context<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    for message in messages {
        writeln!(
            out,
            "{}:{}:{}: {}",
            context.relative_path(&message.filename),
            message.location.row,
            message.location.column,
            context.code_and_message(message, true)
        )?;
    }
    Ok(())
}
