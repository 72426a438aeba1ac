//! SARIF 2.1.0: the rules that fired, with their documentation, and the results with fixes.

use std::collections::BTreeSet;
use std::io::{self, Write};

use fastapi_lint_core::{Message, Rule, SourceLocation, VERSION};
use serde_json::{Value, json};

use super::TOOL_NAME;
use super::linter_name;

pub(super) fn write(messages: &[Message], out: &mut dyn Write) -> io::Result<()> {
    let rules: BTreeSet<Rule> = messages
        .iter()
        .filter_map(|message| message.kind.rule())
        .collect();
    let report = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "runs": [{
            "results": messages.iter().map(result).collect::<Vec<_>>(),
            "tool": {
                "driver": {
                    "informationUri": "https://github.com/fastapi-lint/fastapi-lint",
                    "name": TOOL_NAME,
                    "rules": rules.into_iter().map(rule).collect::<Vec<_>>(),
                    "version": VERSION,
                }
            }
        }],
        "version": "2.1.0",
    });
    serde_json::to_writer_pretty(&mut *out, &report)?;
    Ok(())
}

fn rule(rule: Rule) -> Value {
    json!({
        "fullDescription": { "text": rule.docs() },
        "help": { "text": rule.summary() },
        "helpUri": rule.url(),
        "id": rule.code(),
        "properties": {
            "id": rule.code(),
            "kind": linter_name(rule),
            "name": rule.name(),
            "problem.severity": "error",
        },
        "shortDescription": { "text": rule.summary() },
    })
}

fn result(message: &Message) -> Value {
    let uri = file_uri(&message.filename);
    let mut result = json!({
        "level": "error",
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": uri },
                "region": region(message.location, message.end_location),
            }
        }],
        "message": { "text": message.message },
        "ruleId": message.code(),
    });
    if let Some(fix) = &message.fix {
        let replacements: Vec<Value> = fix
            .edits
            .iter()
            .map(|edit| {
                let mut replacement =
                    json!({ "deletedRegion": region(edit.location, edit.end_location) });
                if !edit.content.is_empty() {
                    replacement["insertedContent"] = json!({ "text": edit.content });
                }
                replacement
            })
            .collect();
        let mut sarif_fix = json!({
            "artifactChanges": [{ "artifactLocation": { "uri": uri }, "replacements": replacements }],
        });
        if let Some(title) = &message.fix_title {
            sarif_fix["description"] = json!({ "text": title });
        }
        result["fixes"] = json!([sarif_fix]);
    }
    if !message.related.is_empty() {
        let related: Vec<Value> = message
            .related
            .iter()
            .enumerate()
            .map(|(id, related)| {
                json!({
                    "id": id,
                    "message": { "text": related.message },
                    "physicalLocation": {
                        "artifactLocation": { "uri": file_uri(&related.filename) },
                        "region": region(related.location, related.end_location),
                    },
                })
            })
            .collect();
        result["relatedLocations"] = json!(related);
    }
    result
}

fn region(start: SourceLocation, end: SourceLocation) -> Value {
    json!({ "endColumn": end.column, "endLine": end.row, "startColumn": start.column, "startLine": start.row })
}

/// `file:///abs/path` (stdin stays `-`).
fn file_uri(filename: &str) -> String {
    if filename.starts_with('/') {
        format!("file://{filename}")
    } else {
        filename.to_string()
    }
}
