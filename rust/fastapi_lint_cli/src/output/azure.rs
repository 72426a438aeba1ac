//! Azure Pipelines logging commands.

use std::io::{self, Write};

use fastapi_lint_core::Message;

pub(super) fn write(messages: &[Message], out: &mut dyn Write) -> io::Result<()> {
    for message in messages {
        writeln!(
            out,
            "##vso[task.logissue type=error;sourcepath={};linenumber={};columnnumber={};code={};]{}",
            message.filename,
            message.location.row,
            message.location.column,
            message.code(),
            message.message
        )?;
    }
    Ok(())
}
