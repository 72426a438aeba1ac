//! Reviewdog's rdjson: diagnostics with fix suggestions.

use std::io::{self, Write};

use fastapi_lint_core::Message;
use serde_json::{Value, json};

use super::TOOL_NAME;

pub(super) fn write(messages: &[Message], out: &mut dyn Write) -> io::Result<()> {
    let report = json!({
        "diagnostics": messages.iter().map(diagnostic).collect::<Vec<_>>(),
        "severity": "WARNING",
        "source": { "name": TOOL_NAME, "url": "https://fastapi-lint.readthedocs.io" },
    });
    serde_json::to_writer_pretty(&mut *out, &report)?;
    Ok(())
}

fn diagnostic(message: &Message) -> Value {
    let mut code = json!({ "value": message.code() });
    if let Some(url) = message.url() {
        code["url"] = json!(url);
    }
    let mut diagnostic = json!({
        "code": code,
        "location": {
            "path": message.filename,
            "range": range(message.location, message.end_location),
        },
        "message": message.message,
    });
    if let Some(fix) = &message.fix {
        diagnostic["suggestions"] = fix
            .edits
            .iter()
            .map(|edit| json!({ "range": range(edit.location, edit.end_location), "text": edit.content }))
            .collect();
    }
    diagnostic
}

fn range(
    start: fastapi_lint_core::SourceLocation,
    end: fastapi_lint_core::SourceLocation,
) -> Value {
    json!({
        "end": { "column": end.column, "line": end.row },
        "start": { "column": start.column, "line": start.row },
    })
}
