//! The command line and the library API the Python bindings use.
//!
//! Contract shared with `fastapi_lint_python` (keep these signatures stable):
//! - [`run`]: the whole CLI; prints to stdout/stderr and returns Ruff's exit code.
//! - [`check_paths`]: lint files/directories with config discovery, in parallel.
//! - [`check_source`]: lint one buffer with config discovery from its filename, plus overrides.
//! - [`fix_source`]: the same, fixing the buffer.
//! - [`message_to_json`]: one element of the `json` output format.

pub mod allocator;
mod args;
mod cache;
mod commands;
pub mod config;
mod diff;
mod file_kind;
mod lint;
mod metadata;
pub mod output;
mod server;
mod walk;
mod write;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use fastapi_lint_core::{Message, RuleSelection};

use crate::config::discovery::{Discovery, Resolver};
pub use crate::config::options::TargetVersion;
use crate::config::patterns::{FilePattern, absolute};
use crate::config::{Configuration, Origin, PerFileIgnore, parse_selectors};
use crate::lint::{FixMode, Fixing};
pub use crate::output::message_to_json;

/// Selection and settings overrides given by a caller (CLI flags or Python keyword arguments).
/// They form the last configuration layer, on top of whatever file governs each path.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    /// `--config FILE`: use this config file for every file.
    pub config: Option<PathBuf>,
    /// `--isolated`: ignore all configuration files.
    pub isolated: bool,
    pub select: Option<Vec<String>>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    pub preview: Option<bool>,
    pub target_version: Option<TargetVersion>,
    /// `--per-file-ignores`: (glob, rule selectors) pairs replacing the configured ones.
    pub per_file_ignores: Option<Vec<(String, Vec<String>)>>,
    /// `--extend-per-file-ignores`: pairs added to the configured ones.
    pub extend_per_file_ignores: Vec<(String, Vec<String>)>,
    pub exclude: Option<Vec<String>>,
    pub extend_exclude: Vec<String>,
    pub respect_gitignore: Option<bool>,
    pub force_exclude: Option<bool>,
    /// `--fixable`: replaces the configured fixable rules.
    pub fixable: Option<Vec<String>>,
    pub extend_fixable: Vec<String>,
    pub unfixable: Vec<String>,
    /// `--fix` / `--no-fix`.
    pub fix: Option<bool>,
    /// `--unsafe-fixes` / `--no-unsafe-fixes`.
    pub unsafe_fixes: Option<bool>,
    /// `--show-fixes` / `--no-show-fixes`.
    pub show_fixes: Option<bool>,
    /// `--no-project`: lint every file on its own, without the project index (rules that follow
    /// calls and uses across modules then see only the file's own functions).
    pub no_project: bool,
    /// For [`check_source`]: the root of the project the buffer belongs to, so that the buffer
    /// is linted with the project index built from the files under it (as an editor wants).
    pub project_root: Option<PathBuf>,
}

/// One buffer after fixing.
#[derive(Clone, Debug)]
pub struct FixedSource {
    pub source: String,
    /// The number of fixes applied.
    pub fixed: usize,
    /// What remains in the fixed source.
    pub messages: Vec<Message>,
}

/// Why a check could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    /// Bad configuration, selector or option value (exit code 2 on the CLI).
    #[error("{0}")]
    Config(String),
    /// Anything else that stops the run (exit code 2 on the CLI).
    #[error("{0}")]
    Lint(String),
}

/// Runs the command line (`args[0]` is the program name) and returns the exit code.
pub fn run(args: Vec<OsString>) -> i32 {
    fastapi_lint_core::init_thread_pool();
    commands::run(args)
}

/// Lints files and directories as `fastapi-lint check PATHS` would, returning every message
/// sorted by file and position.
pub fn check_paths(paths: &[PathBuf], options: &CheckOptions) -> Result<Vec<Message>, CheckError> {
    fastapi_lint_core::init_thread_pool();
    let cwd = current_dir().map_err(CheckError::Lint)?;
    let resolver = Arc::new(resolver(options, &cwd).map_err(config_error)?);
    let walked = walk::walk_files(paths, &resolver, &cwd).map_err(config_error)?;
    let context = if options.no_project {
        Vec::new()
    } else {
        walk::project_context(paths, &walked.python, &resolver, &cwd).map_err(config_error)?
    };
    let files = lint::Files {
        asked: walked.python,
        context,
    };
    let mut diagnostics = lint::lint_files(
        &files,
        &walked.dotenv,
        &resolver,
        Fixing::REPORT_ONLY,
        index_mode(options),
        None,
    )
    .map_err(config_error)?;
    walk::add_refused(&mut diagnostics.messages, &walked.refused);
    Ok(diagnostics.messages)
}

/// Lints one buffer. `filename` decides per-file behaviour (configuration discovery from its
/// directory unless isolated, per-file ignores, `.pyi`) and appears in the messages. With
/// `options.project_root`, the buffer (as the file `filename`) is linted with the project index
/// of the files under that root; without, the buffer is a project of its own.
pub fn check_source(
    source: &str,
    filename: Option<&Path>,
    options: &CheckOptions,
) -> Result<Vec<Message>, CheckError> {
    fastapi_lint_core::init_thread_pool();
    let cwd = current_dir().map_err(CheckError::Lint)?;
    let resolver = Arc::new(resolver(options, &cwd).map_err(config_error)?);
    let path = filename.map(|filename| absolute(filename, &cwd));
    let settings = match &path {
        Some(path) => resolver.settings_for(path).map_err(config_error)?,
        None => Arc::clone(resolver.default_settings()),
    };
    let project = match &options.project_root {
        Some(root) if !options.no_project => {
            let files = walk::python_files(&[absolute(root, &cwd)], &resolver, &cwd)
                .map_err(config_error)?;
            Some(
                lint::project_modules(&files, &resolver, path.as_deref(), None)
                    .map_err(config_error)?,
            )
        }
        _ => None,
    };
    Ok(lint::lint_buffer(
        source.as_bytes().to_vec(),
        path.as_deref(),
        &settings,
        Fixing::REPORT_ONLY,
        project,
    )
    .messages)
}

/// Fixes one buffer as `check --fix` would fix a file of that name (nothing is written);
/// unsafe fixes apply when the options or the configuration enable them.
pub fn fix_source(
    source: &str,
    filename: Option<&Path>,
    options: &CheckOptions,
) -> Result<FixedSource, CheckError> {
    let cwd = current_dir().map_err(CheckError::Lint)?;
    let resolver = resolver(options, &cwd).map_err(config_error)?;
    let path = filename.map(|filename| absolute(filename, &cwd));
    let settings = match &path {
        Some(path) => resolver.settings_for(path).map_err(config_error)?,
        None => Arc::clone(resolver.default_settings()),
    };
    let fixing = Fixing {
        mode: FixMode::Apply,
        unsafe_fixes: settings.unsafe_fixes.unwrap_or(false),
    };
    let mut diagnostics = lint::lint_buffer(
        source.as_bytes().to_vec(),
        path.as_deref(),
        &settings,
        fixing,
        None,
    );
    let fixed = diagnostics.fixed_count();
    let source = diagnostics
        .sources
        .drain()
        .next()
        .map_or_else(|| source.to_string(), |(_, fixed)| fixed.to_string());
    Ok(FixedSource {
        source,
        fixed,
        messages: diagnostics.messages,
    })
}

/// Whether a run builds one project index or lints each file on its own.
pub(crate) const fn index_mode(options: &CheckOptions) -> lint::IndexMode {
    if options.no_project {
        lint::IndexMode::PerFile
    } else {
        lint::IndexMode::WholeProject
    }
}

fn current_dir() -> Result<PathBuf, String> {
    std::env::current_dir()
        .map_err(|error| format!("Failed to read the working directory: {error}"))
}

#[expect(clippy::needless_pass_by_value, reason = "the shape `map_err` takes")]
fn config_error(error: anyhow::Error) -> CheckError {
    CheckError::Config(format!("{error:#}"))
}

/// The resolver for a run: discovery mode from the options, their overrides on top.
pub(crate) fn resolver(options: &CheckOptions, cwd: &Path) -> anyhow::Result<Resolver> {
    let config = options.config.as_ref().map(|path| absolute(path, cwd));
    let discovery = match &config {
        _ if options.isolated => Discovery::Isolated,
        Some(path) => Discovery::Fixed(path),
        None => Discovery::Hierarchical,
    };
    Resolver::new(discovery, overrides(options, cwd)?, cwd)
}

/// The options as a configuration layer; CLI globs are anchored at the working directory.
fn overrides(options: &CheckOptions, cwd: &Path) -> anyhow::Result<Configuration> {
    let origin = Origin::Cli;
    let per_file =
        |pairs: &[(String, Vec<String>)], key: &str| -> anyhow::Result<Vec<PerFileIgnore>> {
            pairs
                .iter()
                .map(|(pattern, codes)| PerFileIgnore::new(pattern, codes, cwd, key, &origin))
                .collect()
        };
    let patterns = |globs: &[String]| {
        globs
            .iter()
            .map(|glob| FilePattern::new(glob, cwd))
            .collect::<Vec<_>>()
    };
    Ok(Configuration {
        project_root: cwd.to_path_buf(),
        selections: vec![RuleSelection {
            select: options
                .select
                .as_deref()
                .map(|values| parse_selectors(values, "select", &origin))
                .transpose()?,
            extend_select: parse_selectors(&options.extend_select, "extend-select", &origin)?,
            ignore: parse_selectors(&options.ignore, "ignore", &origin)?,
        }],
        per_file_ignores: options
            .per_file_ignores
            .as_deref()
            .map(|pairs| per_file(pairs, "per-file-ignores"))
            .transpose()?,
        extend_per_file_ignores: per_file(
            &options.extend_per_file_ignores,
            "extend-per-file-ignores",
        )?,
        exclude: options.exclude.as_deref().map(patterns),
        extend_exclude: patterns(&options.extend_exclude),
        respect_gitignore: options.respect_gitignore,
        force_exclude: options.force_exclude,
        target_version: options.target_version,
        preview: options.preview,
        blocking: None,
        responsiveness: None,
        heavy: None,
        roles: None,
        pydantic_version: None,
        settings: None,
        src: None,
        cache_dir: None,
        fixable: vec![RuleSelection {
            select: options
                .fixable
                .as_deref()
                .map(|values| parse_selectors(values, "fixable", &origin))
                .transpose()?,
            extend_select: parse_selectors(&options.extend_fixable, "extend-fixable", &origin)?,
            ignore: parse_selectors(&options.unfixable, "unfixable", &origin)?,
        }],
        fix: options.fix,
        unsafe_fixes: options.unsafe_fixes,
        show_fixes: options.show_fixes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_paths_lints_directories_and_reports_absolute_filenames() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.py"), "def f(:\n").unwrap();
        std::fs::write(dir.path().join("b.py"), "x = 1\n").unwrap();
        let messages = check_paths(&[dir.path().to_path_buf()], &CheckOptions::default()).unwrap();
        assert_eq!(messages.len(), 2);
        assert!(
            messages
                .iter()
                .all(|message| message.filename == dir.path().join("a.py").to_string_lossy())
        );
        assert!(
            messages
                .windows(2)
                .all(|pair| pair[0].location <= pair[1].location)
        );
    }

    #[test]
    fn check_source_discovers_configuration_from_the_filename() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("fastapi-lint.toml"),
            "[lint]\nselect = [\"BAD1\"]\n",
        )
        .unwrap();
        let filename = dir.path().join("app.py");
        let error = check_source("x = 1\n", Some(&filename), &CheckOptions::default()).unwrap_err();
        assert!(
            matches!(&error, CheckError::Config(message) if message.contains("Unknown rule selector `BAD1`")),
            "{error}"
        );
        let isolated = CheckOptions {
            isolated: true,
            ..CheckOptions::default()
        };
        assert_eq!(
            check_source("x = 1\n", Some(&filename), &isolated).unwrap(),
            []
        );
        let messages = check_source("def f(:\n", None, &isolated).unwrap();
        assert_eq!(messages[0].filename, "-");
    }

    #[test]
    fn bad_option_values_are_config_errors() {
        let options = CheckOptions {
            per_file_ignores: Some(vec![("*.py".to_string(), vec!["XYZ".to_string()])]),
            isolated: true,
            ..CheckOptions::default()
        };
        assert!(
            matches!(check_source("", None, &options), Err(CheckError::Config(message)) if message.contains("`per-file-ignores` from the CLI"))
        );
    }
}
