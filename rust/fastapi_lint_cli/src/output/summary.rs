//! The closing lines of human output: `Found N errors.`, the fixability line, or
//! `All checks passed!`, worded exactly as Ruff words them.

use std::io::{self, Write};

use fastapi_lint_core::{Applicability, Message};

/// How many fixes apply now, and how many `--unsafe-fixes` would add.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Fixables {
    pub applicable: usize,
    pub hidden_unsafe: usize,
}

impl Fixables {
    pub fn count(messages: &[Message], unsafe_fixes: bool) -> Self {
        let mut fixables = Self::default();
        for message in messages {
            if message.fix_applies(unsafe_fixes) {
                fixables.applicable += 1;
            } else if message.fix.as_ref().is_some_and(|fix| fix.applicability == Applicability::Unsafe) {
                fixables.hidden_unsafe += 1;
            }
        }
        fixables
    }
}

pub fn write_summary(messages: &[Message], unsafe_fixes: bool, out: &mut dyn Write) -> io::Result<()> {
    if messages.is_empty() {
        return writeln!(out, "All checks passed!");
    }
    let count = messages.len();
    writeln!(out, "Found {count} error{}.", if count == 1 { "" } else { "s" })?;
    let Fixables { applicable, hidden_unsafe } = Fixables::count(messages, unsafe_fixes);
    let hidden = || format!("{hidden_unsafe} hidden fix{} can be enabled with the `--unsafe-fixes` option", if hidden_unsafe == 1 { "" } else { "es" });
    match (applicable, hidden_unsafe) {
        (0, 0) => Ok(()),
        (0, _) => writeln!(out, "No fixes available ({}).", hidden()),
        (_, 0) => writeln!(out, "[*] {applicable} fixable with the `--fix` option."),
        (_, _) => writeln!(out, "[*] {applicable} fixable with the `--fix` option ({}).", hidden()),
    }
}
