//! `fastapi-lint clean`: removes the cache directories below the working directory, and the
//! one `FASTAPI_LINT_CACHE_DIR` or the working directory's configuration names, as `ruff clean`;
//! a directory that is not provably a fastapi-lint cache is left alone, with a warning.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use super::exit;
use crate::args::LogLevel;
use crate::cache::{self, Removal};
use crate::config;

#[expect(
    clippy::print_stderr,
    reason = "what `clean` removes and keeps, on stderr as Ruff's"
)]
pub(super) fn clean(log_level: LogLevel) -> Result<i32> {
    let cwd = std::env::current_dir().context("Failed to read the working directory")?;
    let resolver = crate::resolver(&crate::CheckOptions::default(), &cwd)?;
    let configured = std::env::var_os(config::CACHE_DIR_ENV).map_or_else(
        || resolver.default_settings().cache_dir.clone(),
        |dir| cwd.join(dir),
    );
    let mut caches = vec![configured];
    caches.extend(caches_below(&cwd));
    caches.sort();
    caches.dedup();
    for dir in caches.iter().filter(|dir| dir.is_dir()) {
        let shown = relative(dir, &cwd);
        // A setting can name any directory: only one that is provably a cache is removed.
        match cache::remove(dir)
            .with_context(|| format!("Failed to remove the cache at `{shown}`"))?
        {
            Removal::Removed if log_level >= LogLevel::Default => {
                eprintln!("Removing cache at: {shown}");
            }
            Removal::Removed => {}
            Removal::Kept(reason) if log_level >= LogLevel::Default => {
                eprintln!("warning: Not removing `{shown}`: not a fastapi-lint cache ({reason})");
            }
            Removal::Kept(_) => {}
        }
    }
    Ok(exit::SUCCESS)
}

/// `dir` as the working directory names it (`.` for itself).
fn relative(dir: &Path, cwd: &Path) -> String {
    match dir.strip_prefix(cwd) {
        Ok(below) if below.as_os_str().is_empty() => ".".to_string(),
        Ok(below) => below.display().to_string(),
        Err(_) => dir.display().to_string(),
    }
}

/// Every `.fastapi_lint_cache` directory below `root`, ignored and hidden ones included (that
/// is where caches are); directories that cannot be read are passed over.
fn caches_below(root: &Path) -> Vec<PathBuf> {
    ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .build()
        .flatten()
        .filter(|entry| {
            entry.file_type().is_some_and(|kind| kind.is_dir())
                && entry.file_name() == config::DEFAULT_CACHE_DIR
        })
        .map(ignore::DirEntry::into_path)
        .collect()
}
