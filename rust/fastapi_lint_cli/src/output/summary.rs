//! The closing lines of human output, worded exactly as Ruff words them: `Found N errors.` and
//! the fixability line, or `All checks passed!`; with `--fix-only`/`--diff`, `Fixed N errors.`
//! and its kin; with `--show-fixes`, the `Fixed N errors:` listing.

use std::io::{self, Write};

use fastapi_lint_core::{Applicability, FixTable, Message};

/// Ruff's three states of `unsafe-fixes`: when unset, hidden unsafe fixes are hinted at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnsafeFixes {
    Hint,
    Enabled,
    Disabled,
}

impl UnsafeFixes {
    /// From `--unsafe-fixes` / `--no-unsafe-fixes` / `unsafe-fixes = ...`, `None` when unset.
    pub fn from_setting(setting: Option<bool>) -> Self {
        match setting {
            None => UnsafeFixes::Hint,
            Some(true) => UnsafeFixes::Enabled,
            Some(false) => UnsafeFixes::Disabled,
        }
    }

    /// Whether unsafe fixes are applied.
    pub fn applies(self) -> bool {
        self == UnsafeFixes::Enabled
    }
}

/// How many fixes apply now, and how many `--unsafe-fixes` would add.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Fixables {
    pub applicable: usize,
    pub hidden_unsafe: usize,
}

impl Fixables {
    pub(super) fn count(messages: &[Message], unsafe_fixes: bool) -> Self {
        let mut fixables = Self::default();
        for message in messages {
            if message.fix_applies(unsafe_fixes) {
                fixables.applicable += 1;
            } else if message
                .fix
                .as_ref()
                .is_some_and(|fix| fix.applicability == Applicability::Unsafe)
            {
                fixables.hidden_unsafe += 1;
            }
        }
        fixables
    }
}

fn plural(count: usize, suffix: &str) -> &str {
    if count == 1 { "" } else { suffix }
}

/// The summary after the diagnostics: `messages` are what remains, `fixed` how many were fixed.
pub fn write_summary(
    messages: &[Message],
    fixed: usize,
    unsafe_fixes: UnsafeFixes,
    out: &mut dyn Write,
) -> io::Result<()> {
    let remaining = messages.len();
    let total = fixed + remaining;
    if fixed > 0 {
        writeln!(
            out,
            "Found {total} error{} ({fixed} fixed, {remaining} remaining).",
            plural(total, "s")
        )?;
    } else if remaining > 0 {
        writeln!(out, "Found {remaining} error{}.", plural(remaining, "s"))?;
    } else {
        writeln!(out, "All checks passed!")?;
    }
    let Fixables {
        applicable,
        hidden_unsafe,
    } = Fixables::count(messages, unsafe_fixes.applies());
    let hidden = || {
        format!(
            "{hidden_unsafe} hidden fix{} can be enabled with the `--unsafe-fixes` option",
            plural(hidden_unsafe, "es")
        )
    };
    if hidden_unsafe == 0 || unsafe_fixes != UnsafeFixes::Hint {
        if applicable > 0 {
            writeln!(out, "[*] {applicable} fixable with the `--fix` option.")?;
        }
        return Ok(());
    }
    if applicable == 0 {
        writeln!(out, "No fixes available ({}).", hidden())
    } else {
        writeln!(
            out,
            "[*] {applicable} fixable with the `--fix` option ({}).",
            hidden()
        )
    }
}

/// The summary of `--fix-only` (`applied`) and `--diff` (not applied), which report no
/// diagnostics: what was (or would be) fixed, and what `--unsafe-fixes` would add.
pub fn write_fix_only_summary(
    messages: &[Message],
    fixed: usize,
    unsafe_fixes: UnsafeFixes,
    applied: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let unapplied = Fixables::count(messages, unsafe_fixes.applies()).hidden_unsafe;
    let errors = plural(fixed, "s");
    let (fixed_verb, none_verb) = if applied {
        ("Fixed", "No errors fixed")
    } else {
        ("Would fix", "No errors would be fixed")
    };
    match (fixed, unapplied) {
        (0, 0) => Ok(()),
        (_, 0) => writeln!(out, "{fixed_verb} {fixed} error{errors}."),
        (0, _) => writeln!(
            out,
            "{none_verb} ({unapplied} fix{} available with `--unsafe-fixes`).",
            plural(unapplied, "es")
        ),
        (_, _) => {
            let fixes = plural(unapplied, "es");
            writeln!(
                out,
                "{fixed_verb} {fixed} error{errors} ({unapplied} additional fix{fixes} available with `--unsafe-fixes`)."
            )
        }
    }
}

/// `--show-fixes`: a blank line, `Fixed N errors:`, per file (`- path:`) the count per rule,
/// most frequent first, and a blank line. Nothing when nothing was fixed.
pub fn write_fix_table<'a>(
    files: impl IntoIterator<Item = (String, &'a FixTable)>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let files: Vec<(String, &FixTable)> = files
        .into_iter()
        .filter(|(_, table)| !table.is_empty())
        .collect();
    let total: usize = files.iter().flat_map(|(_, table)| table.values()).sum();
    if total == 0 {
        return Ok(());
    }
    let width = files
        .iter()
        .flat_map(|(_, table)| table.values())
        .max()
        .map_or(1, |most| most.to_string().len());
    writeln!(out)?;
    writeln!(out, "Fixed {total} error{}:", plural(total, "s"))?;
    for (path, table) in files {
        writeln!(out, "- {path}:")?;
        let mut rows: Vec<_> = table.iter().collect();
        rows.sort_by_key(|&(rule, count)| (std::cmp::Reverse(*count), *rule));
        for (rule, count) in rows {
            writeln!(
                out,
                "    {count:>width$} × {} ({})",
                rule.code(),
                rule.name()
            )?;
        }
    }
    writeln!(out)
}
