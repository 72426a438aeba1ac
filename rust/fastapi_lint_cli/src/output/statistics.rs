//! `--statistics`: one row per code with its count, as text or JSON.

use std::io::Write;

use fastapi_lint_core::{DiagnosticKind, Message};
use serde::Serialize;

use super::OutputFormat;

#[derive(Serialize)]
struct Statistic<'a> {
    /// `None` for diagnostics without a code (`invalid-syntax`, `io-error`).
    code: Option<&'a str>,
    name: &'a str,
    count: usize,
    fixable: bool,
    fixable_count: usize,
}

/// Writes the table (`full`, `concise`) or JSON array (`json`); nothing when clean, as Ruff.
pub fn write_statistics(
    messages: &[Message],
    format: OutputFormat,
    unsafe_fixes: bool,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    if !matches!(
        format,
        OutputFormat::Full | OutputFormat::Concise | OutputFormat::Json
    ) {
        anyhow::bail!("Unsupported serialization format for statistics: {format:?}");
    }
    if messages.is_empty() {
        return Ok(());
    }
    let mut sorted: Vec<&Message> = messages.iter().collect();
    sorted.sort_by_key(|message| message.code());
    let mut statistics: Vec<Statistic<'_>> = sorted
        .chunk_by(|a, b| a.code() == b.code())
        .map(|group| {
            let fixable_count = group
                .iter()
                .filter(|message| message.fix_applies(unsafe_fixes))
                .count();
            Statistic {
                code: matches!(group[0].kind, DiagnosticKind::Rule(_)).then(|| group[0].code()),
                name: group[0].name(),
                count: group.len(),
                fixable: fixable_count > 0,
                fixable_count,
            }
        })
        .collect();
    // Most frequent first; the sort is stable, so ties stay in code order.
    statistics.sort_by_key(|statistic| std::cmp::Reverse(statistic.count));

    if format == OutputFormat::Json {
        serde_json::to_writer_pretty(&mut *out, &statistics)?;
        writeln!(out)?;
        return Ok(());
    }
    let count_width = statistics
        .iter()
        .map(|s| s.count.to_string().len())
        .max()
        .unwrap_or(0);
    let code_width = statistics
        .iter()
        .map(|s| s.code.unwrap_or_default().len())
        .max()
        .unwrap_or(0);
    let any_fixable = statistics.iter().any(|s| s.fixable);
    for statistic in &statistics {
        let marker = match (any_fixable, statistic.fixable) {
            (false, _) => "",
            (true, true) => "[*] ",
            (true, false) => "[ ] ",
        };
        writeln!(
            out,
            "{:>count_width$}\t{:<code_width$}\t{marker}{}",
            statistic.count,
            statistic.code.unwrap_or_default(),
            statistic.name
        )?;
    }
    Ok(())
}
