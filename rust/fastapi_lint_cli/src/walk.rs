//! Finding the Python files to lint, as Ruff does: explicitly given files always (unless
//! `--force-exclude` and excluded), directories walked honouring `.gitignore`/`.ignore`/
//! `.git/info/exclude` (when `respect-gitignore`), the default excludes and `exclude` globs of
//! the settings that govern each path.
//!
//! Only regular files are read: a walk passes over anything else (named pipes, devices,
//! sockets), and one named on the command line is refused before it is opened, since reading
//! it could wait forever (a pipe without a writer) or never end (`/dev/zero`).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::Result;
use fastapi_lint_core::Message;
use ignore::{WalkBuilder, WalkState};

use crate::config::discovery::Resolver;
use crate::config::patterns::absolute;
use crate::file_kind::not_a_regular_file;

/// Extensions linted when found by walking (notebooks are not supported yet).
const PYTHON_EXTENSIONS: [&str; 2] = ["py", "pyi"];

/// What a walk finds: the Python files to lint and the `.env` files it did not ignore.
#[derive(Debug, Default)]
pub(crate) struct WalkedFiles {
    pub python: Vec<PathBuf>,
    /// Files named like `.env` met while walking directories (FAPI704 decides which count).
    pub dotenv: Vec<PathBuf>,
    /// Paths given explicitly that are neither directories nor regular files, with why they
    /// are not read: each is reported by an `io-error`, as a file that cannot be read is.
    pub refused: Vec<(PathBuf, String)>,
}

/// Adds an `io-error` for each refused path (see [`WalkedFiles::refused`]) to `messages`,
/// which are sorted by file (by filename, as the lint sorts them) and position, keeping that
/// order.
pub(crate) fn add_refused(messages: &mut Vec<Message>, refused: &[(PathBuf, String)]) {
    if refused.is_empty() {
        return;
    }
    messages.extend(
        refused
            .iter()
            .map(|(path, why)| Message::io_error(&path.to_string_lossy(), why.clone())),
    );
    // Stable: the messages of a file keep their order.
    messages.sort_by(|a, b| a.filename.cmp(&b.filename));
}

/// The absolute, sorted, de-duplicated files to lint under `paths`.
pub(crate) fn python_files(
    paths: &[PathBuf],
    resolver: &Arc<Resolver>,
    cwd: &Path,
) -> Result<Vec<PathBuf>> {
    Ok(walk_files(paths, resolver, cwd)?.python)
}

/// Like [`python_files`], also collecting `.env` files on the way.
pub(crate) fn walk_files(
    paths: &[PathBuf],
    resolver: &Arc<Resolver>,
    cwd: &Path,
) -> Result<WalkedFiles> {
    let mut walked = WalkedFiles::default();
    let files = &mut walked.python;
    for path in paths {
        let path = absolute(path, cwd);
        let force_exclude = resolver.settings_for(&path)?.force_exclude;
        if force_exclude && is_excluded_with_ancestors(&path, resolver)? {
            continue;
        }
        // Followed through symbolic links, as a read would be.
        let metadata = std::fs::metadata(&path);
        if metadata.as_ref().is_ok_and(std::fs::Metadata::is_dir) {
            walk_directory(&path, resolver, files, &mut walked.dotenv)?;
        } else if let Some(why) = metadata.as_ref().ok().and_then(not_a_regular_file) {
            walked.refused.push((path, why));
        } else {
            // Given explicitly: linted whatever its extension; a missing file becomes an
            // `io-error` diagnostic when read.
            files.push(path);
        }
    }
    sort_paths(files);
    files.dedup();
    walked.dotenv.sort();
    walked.dotenv.dedup();
    walked.refused.sort();
    walked.refused.dedup();
    Ok(walked)
}

/// Sorts paths in `Path`'s order (component by component) by comparing bytes: the separator
/// mapped below every other byte gives the same order, without `Path`'s component parsing in
/// each of the n log n comparisons. The paths are normalized, so equal paths have equal keys.
/// Files that mark the root of a project: its packaging metadata, its configuration, or its
/// repository.
const PROJECT_MARKERS: &[&str] = &[
    "pyproject.toml",
    "setup.py",
    "setup.cfg",
    "fastapi-lint.toml",
    ".fastapi-lint.toml",
    ".git",
];

/// The other Python files of the projects of the files named on the command line, for the
/// project index: a check of `app/main.py` sees the helper in `app/helpers.py` that its route
/// calls, as a check of the whole project does. A file's project is the nearest directory above
/// it with a [`PROJECT_MARKERS`] entry; files outside any project, and directories named on the
/// command line (their walk is the scope asked for), bring no context. `walked` are the files
/// the run lints already.
pub(crate) fn project_context(
    paths: &[PathBuf],
    walked: &[PathBuf],
    resolver: &Arc<Resolver>,
    cwd: &Path,
) -> Result<Vec<PathBuf>> {
    let mut roots: Vec<PathBuf> = paths
        .iter()
        .map(|path| absolute(path, cwd))
        .filter(|path| std::fs::metadata(path).is_ok_and(|metadata| metadata.is_file()))
        .filter_map(|file| project_root(&file))
        .collect();
    roots.sort();
    roots.dedup();
    let mut files = Vec::new();
    let mut dotenv = Vec::new();
    for root in &roots {
        walk_directory(root, resolver, &mut files, &mut dotenv)?;
    }
    let asked: std::collections::HashSet<&PathBuf> = walked.iter().collect();
    files.retain(|file| !asked.contains(file));
    sort_paths(&mut files);
    files.dedup();
    Ok(files)
}

/// The nearest directory above `file` that holds one of [`PROJECT_MARKERS`].
pub(crate) fn project_root(file: &Path) -> Option<PathBuf> {
    file.ancestors()
        .skip(1)
        .find(|dir| {
            PROJECT_MARKERS
                .iter()
                .any(|marker| dir.join(marker).exists())
        })
        .map(Path::to_path_buf)
}

fn sort_paths(paths: &mut [PathBuf]) {
    paths.sort_by_cached_key(|path| {
        let mut key = path.as_os_str().as_encoded_bytes().to_vec();
        for byte in &mut key {
            if std::path::is_separator(char::from(*byte)) {
                *byte = 0;
            }
        }
        key
    });
}

/// Whether `path` is excluded, by its own name or by any ancestor's up to the project root.
pub(crate) fn is_excluded_with_ancestors(path: &Path, resolver: &Resolver) -> Result<bool> {
    for ancestor in path.ancestors() {
        if ancestor.file_name().is_none() {
            break;
        }
        let settings = resolver.settings_for(ancestor)?;
        if settings.is_excluded(ancestor) {
            return Ok(true);
        }
        if ancestor == settings.project_root {
            break;
        }
    }
    Ok(false)
}

#[expect(clippy::print_stderr, reason = "walk errors, on stderr as Ruff's")]
fn walk_directory(
    root: &Path,
    resolver: &Arc<Resolver>,
    files: &mut Vec<PathBuf>,
    dotenv: &mut Vec<PathBuf>,
) -> Result<()> {
    let respect_gitignore = resolver.settings_for(root)?.respect_gitignore;
    // `filter_entry` cannot fail, so configuration errors found while walking wait here.
    let failure: Arc<Mutex<Option<anyhow::Error>>> = Arc::default();
    let walker = {
        let resolver = Arc::clone(resolver);
        let failure = Arc::clone(&failure);
        WalkBuilder::new(root)
            .standard_filters(respect_gitignore)
            .hidden(false)
            .filter_entry(move |entry| {
                if entry.depth() == 0 {
                    return true;
                }
                match resolver.settings_for(entry.path()) {
                    Ok(settings) => !settings.is_excluded(entry.path()),
                    Err(error) => {
                        failure
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .get_or_insert(error);
                        false
                    }
                }
            })
            .build_parallel()
    };
    // Walked in parallel: directories are read and filtered on every core; the caller sorts.
    let found: Mutex<(Vec<PathBuf>, Vec<PathBuf>)> = Mutex::default();
    walker.run(|| {
        Box::new(|entry| {
            let entry = match entry {
                Ok(entry) => entry,
                // Unreadable directories are skipped with a warning, as Ruff does.
                Err(error) => {
                    eprintln!("warning: Encountered error: {error}");
                    return WalkState::Continue;
                }
            };
            if !entry.file_type().is_some_and(|kind| kind.is_file()) {
                return WalkState::Continue;
            }
            let is_python = entry
                .path()
                .extension()
                .is_some_and(|ext| PYTHON_EXTENSIONS.iter().any(|python| ext == *python));
            let is_dotenv = !is_python
                && entry
                    .file_name()
                    .to_str()
                    .is_some_and(|name| name.starts_with(".env"));
            if is_python || is_dotenv {
                let mut found = found
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                if is_python {
                    found.0.push(entry.into_path());
                } else {
                    found.1.push(entry.into_path());
                }
            }
            WalkState::Continue
        })
    });
    let (python, dotenv_found) = found
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    files.extend(python);
    dotenv.extend(dotenv_found);
    match failure
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take()
    {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_sort_as_path_orders_them() {
        // A module beside its package, a name that extends another with a byte below `/`.
        let mut paths: Vec<PathBuf> = [
            "/p/app.py",
            "/p/app/x.py",
            "/p/app-v2/y.py",
            "/p/app/__init__.py",
            "/p/a b/z.py",
            "/p/app/x/y.py",
        ]
        .map(PathBuf::from)
        .into();
        let mut expected = paths.clone();
        expected.sort();
        sort_paths(&mut paths);
        assert_eq!(paths, expected);
    }
}
