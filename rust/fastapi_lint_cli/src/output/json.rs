//! `json` (a pretty array) and `json-lines` (one compact object per line), Ruff's schema with
//! keys in alphabetical order.

use std::io::{self, Write};

use fastapi_lint_core::message::MessageEdit;
use fastapi_lint_core::{Message, SourceLocation};
use serde::Serialize;

#[derive(Serialize)]
struct JsonMessage<'a> {
    cell: Option<usize>,
    code: &'a str,
    end_location: JsonLocation,
    filename: &'a str,
    fix: Option<JsonFix<'a>>,
    location: JsonLocation,
    message: &'a str,
    name: &'a str,
    noqa_row: Option<usize>,
    severity: &'static str,
    url: Option<String>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    applicability: &'static str,
    edits: Vec<JsonEdit<'a>>,
    message: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    content: &'a str,
    end_location: JsonLocation,
    location: JsonLocation,
}

#[derive(Serialize)]
pub(super) struct JsonLocation {
    column: usize,
    row: usize,
}

impl From<SourceLocation> for JsonLocation {
    fn from(location: SourceLocation) -> Self {
        Self {
            column: location.column,
            row: location.row,
        }
    }
}

impl<'a> From<&'a MessageEdit> for JsonEdit<'a> {
    fn from(edit: &'a MessageEdit) -> Self {
        Self {
            content: &edit.content,
            end_location: edit.end_location.into(),
            location: edit.location.into(),
        }
    }
}

impl<'a> From<&'a Message> for JsonMessage<'a> {
    fn from(message: &'a Message) -> Self {
        Self {
            cell: None,
            code: message.code(),
            end_location: message.end_location.into(),
            filename: &message.filename,
            fix: message.fix.as_ref().map(|fix| JsonFix {
                applicability: fastapi_lint_core::applicability_name(fix.applicability),
                edits: fix.edits.iter().map(JsonEdit::from).collect(),
                message: message.fix_title.as_deref(),
            }),
            location: message.location.into(),
            message: &message.message,
            name: message.name(),
            noqa_row: message.noqa_row,
            severity: "error",
            url: message.url(),
        }
    }
}

/// One element of the `json` output.
pub fn message_to_json(message: &Message) -> serde_json::Value {
    serde_json::to_value(JsonMessage::from(message)).expect("messages serialize to JSON")
}

pub(super) fn write(messages: &[Message], out: &mut dyn Write) -> io::Result<()> {
    let messages: Vec<JsonMessage<'_>> = messages.iter().map(JsonMessage::from).collect();
    // Ruff writes no newline after the array.
    serde_json::to_writer_pretty(&mut *out, &messages)?;
    Ok(())
}

pub(super) fn write_lines(messages: &[Message], out: &mut dyn Write) -> io::Result<()> {
    for message in messages {
        serde_json::to_writer(&mut *out, &JsonMessage::from(message))?;
        writeln!(out)?;
    }
    Ok(())
}
