//! GitLab Code Quality report: a JSON array in GitLab's key order.

use std::collections::HashSet;
use std::io::{self, Write};

use fastapi_lint_core::{DiagnosticKind, Message};
use serde::Serialize;

use super::Context;

#[derive(Serialize)]
struct Issue<'a> {
    check_name: &'a str,
    description: String,
    severity: &'static str,
    fingerprint: String,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    positions: Positions,
}

#[derive(Serialize)]
struct Positions {
    begin: Position,
    end: Position,
}

#[derive(Serialize)]
struct Position {
    line: usize,
    column: usize,
}

pub(super) fn write(
    messages: &[Message],
    context: &Context<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut fingerprints = HashSet::new();
    let issues: Vec<Issue<'_>> = messages
        .iter()
        .map(|message| {
            let path = context.relative_path(&message.filename).into_owned();
            let description = match message.kind {
                DiagnosticKind::Rule(_) => format!("{}: {}", message.code(), message.message),
                DiagnosticKind::InvalidSyntax | DiagnosticKind::IoError => {
                    format!("{}: {}", message.name(), message.message)
                }
            };
            Issue {
                check_name: message.code(),
                fingerprint: unique_fingerprint(
                    &mut fingerprints,
                    &[message.code(), &path, &message.message],
                ),
                description,
                severity: "major",
                location: Location {
                    path,
                    positions: Positions {
                        begin: Position {
                            line: message.location.row,
                            column: message.location.column,
                        },
                        end: Position {
                            line: message.end_location.row,
                            column: message.end_location.column,
                        },
                    },
                },
            }
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    Ok(())
}

/// A stable 64-bit FNV-1a hash of the parts, salted until it is unique in this report (GitLab
/// treats equal fingerprints as the same issue).
fn unique_fingerprint(seen: &mut HashSet<u64>, parts: &[&str]) -> String {
    let mut salt: u64 = 0;
    loop {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in parts.join("\0").bytes().chain(salt.to_le_bytes()) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        if seen.insert(hash) {
            return format!("{hash:016x}");
        }
        salt += 1;
    }
}
