//! `fastapi-lint version`.

use std::io::Write;

use fastapi_lint_core::VERSION;

use crate::args::HelpFormat;

pub(super) fn version(format: HelpFormat) -> anyhow::Result<i32> {
    let mut stdout = std::io::stdout().lock();
    match format {
        HelpFormat::Text => writeln!(stdout, "fastapi-lint {VERSION}")?,
        // Ruff's shape, without the build's commit information it does not have either.
        HelpFormat::Json => write!(
            stdout,
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "version": VERSION }))?
        )?,
    }
    Ok(super::exit::SUCCESS)
}
