//! `check --add-noqa`: a `# noqa` directive for every finding, written into the files.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Result;
use fastapi_lint_core::FileContext;
use rayon::prelude::*;

use super::exit;
use crate::args::LogLevel;
use crate::config::discovery::Resolver;
use crate::walk;
use crate::write::write_atomically;

/// Adds the directives and prints Ruff's `Added N noqa directives.` on stderr. A file that
/// cannot be read or written is reported and left as it is; the others still get theirs.
#[expect(
    clippy::print_stderr,
    reason = "the summary of `--add-noqa`, on stderr as Ruff's"
)]
pub(super) fn add_noqa(
    paths: &[PathBuf],
    resolver: &Arc<Resolver>,
    cwd: &Path,
    log_level: LogLevel,
) -> Result<i32> {
    let walked = walk::walk_files(paths, resolver, cwd)?;
    for (path, why) in &walked.refused {
        eprintln!(
            "error: Failed to add noqa directives to {}: {why}",
            path.display()
        );
    }
    let counts = walked
        .python
        .par_iter()
        .map(|path| add_to_file(path, resolver))
        .collect::<Result<Vec<_>>>()?;
    let added: usize = counts.into_iter().sum();
    if added > 0 && log_level >= LogLevel::Default {
        eprintln!(
            "Added {added} noqa directive{}.",
            if added == 1 { "" } else { "s" }
        );
    }
    Ok(exit::SUCCESS)
}

#[expect(
    clippy::print_stderr,
    reason = "a file that cannot be edited is reported on stderr, as Ruff does"
)]
fn add_to_file(path: &Path, resolver: &Resolver) -> Result<usize> {
    let settings = resolver.settings_for(path)?;
    let added = std::fs::read_to_string(path).and_then(|source| {
        let Some(added) = fastapi_lint_core::add_noqa(
            &source,
            &FileContext::of_path(Some(path)),
            &settings.linter_for(path),
        ) else {
            return Ok(0);
        };
        if added.directives > 0 {
            write_atomically(path, added.source.as_bytes())?;
        }
        Ok(added.directives)
    });
    Ok(added.unwrap_or_else(|error| {
        eprintln!(
            "error: Failed to add noqa directives to {}: {error}",
            path.display()
        );
        0
    }))
}
