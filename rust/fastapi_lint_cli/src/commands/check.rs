//! `fastapi-lint check`: discover, lint, print, and exit with Ruff's code.

use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, Result};

use super::exit;
use crate::args::{CheckCommand, LogLevel, PatternCode, flag_pair};
use crate::config::discovery::Resolver;
use crate::config::patterns::absolute;
use crate::lint::{self, Diagnostics, STDIN};
use crate::output::{self, Context, OutputFormat};
use crate::{CheckOptions, walk};

pub(super) fn check(command: CheckCommand, log_level: LogLevel) -> Result<i32> {
    let cwd = std::env::current_dir().context("Failed to read the working directory")?;
    let resolver = Arc::new(crate::resolver(&check_options(&command), &cwd)?);
    let warn = |message: &str| {
        if log_level >= LogLevel::Default {
            eprintln!("warning: {message}");
        }
    };

    let reads_stdin = command.stdin_filename.is_some() || command.files.iter().any(|path| path.as_os_str() == STDIN);
    let diagnostics = if reads_stdin {
        lint_stdin(command.stdin_filename.as_deref(), &resolver, &cwd)?
    } else {
        let paths = if command.files.is_empty() { vec![PathBuf::from(".")] } else { command.files.clone() };
        let files = walk::python_files(&paths, &resolver, &cwd)?;
        if command.show_files {
            let mut stdout = std::io::stdout().lock();
            for file in &files {
                writeln!(stdout, "{}", file.display())?;
            }
            return Ok(exit::SUCCESS);
        }
        if command.show_settings {
            return show_settings(files.first().map_or(&cwd, PathBuf::as_path), &resolver);
        }
        if files.is_empty() {
            warn("No Python files found under the given path(s)");
        }
        lint::lint_files(&files, &resolver)?
    };
    for warning in resolver.warnings() {
        warn(&warning);
    }

    let unsafe_fixes = flag_pair(command.unsafe_fixes, command.no_unsafe_fixes).unwrap_or(false);
    let mut out: Box<dyn Write> = match &command.output_file {
        Some(path) => Box::new(std::fs::File::create(path).with_context(|| format!("Failed to create {}", path.display()))?),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut out = BufWriter::new(&mut out);
    if log_level > LogLevel::Silent {
        print_report(&diagnostics, &command, unsafe_fixes, log_level, &cwd, &mut out)?;
    }
    out.flush()?;

    Ok(if command.exit_zero || diagnostics.messages.is_empty() { exit::SUCCESS } else { exit::DIAGNOSTICS })
}

fn print_report(
    diagnostics: &Diagnostics,
    command: &CheckCommand,
    unsafe_fixes: bool,
    log_level: LogLevel,
    cwd: &Path,
    out: &mut dyn Write,
) -> Result<()> {
    let messages = &diagnostics.messages;
    let format = command.output_format;
    let summary = log_level >= LogLevel::Default;
    if command.statistics {
        output::write_statistics(messages, format, unsafe_fixes, out)?;
        if summary && format != OutputFormat::Json && !messages.is_empty() {
            output::write_summary(messages, unsafe_fixes, out)?;
        }
        return Ok(());
    }
    let context = Context { cwd, unsafe_fixes, sources: &diagnostics.sources };
    output::write_messages(format, messages, &context, out)?;
    if summary && format.is_human() {
        output::write_summary(messages, unsafe_fixes, out)?;
    }
    Ok(())
}

/// Lints stdin; `filename` (from `--stdin-filename`) drives discovery, ignores and display.
fn lint_stdin(filename: Option<&Path>, resolver: &Resolver, cwd: &Path) -> Result<Diagnostics> {
    let path = filename.map(|filename| absolute(filename, cwd));
    let settings = match &path {
        Some(path) => resolver.settings_for(path)?,
        None => Arc::clone(resolver.default_settings()),
    };
    if let Some(path) = &path
        && settings.force_exclude
        && walk::is_excluded_with_ancestors(path, resolver)?
    {
        return Ok(Diagnostics::default());
    }
    let mut bytes = Vec::new();
    std::io::stdin().read_to_end(&mut bytes).context("Failed to read from stdin")?;
    Ok(lint::lint_buffer(bytes, path.as_deref(), &settings))
}

fn show_settings(path: &Path, resolver: &Resolver) -> Result<i32> {
    let settings = resolver.settings_for(path)?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "Resolved settings for: \"{}\"", path.display())?;
    writeln!(stdout, "{settings:#?}")?;
    Ok(exit::SUCCESS)
}

fn check_options(command: &CheckCommand) -> CheckOptions {
    let pairs = |pairs: &[PatternCode]| -> Vec<(String, Vec<String>)> {
        pairs.iter().map(|pair| (pair.pattern.clone(), vec![pair.code.clone()])).collect()
    };
    CheckOptions {
        config: command.config.clone(),
        isolated: command.isolated,
        select: command.select.clone(),
        extend_select: command.extend_select.clone(),
        ignore: command.ignore.clone(),
        preview: flag_pair(command.preview, command.no_preview),
        target_version: command.target_version.map(|version| version.name()),
        per_file_ignores: command.per_file_ignores.as_deref().map(pairs),
        extend_per_file_ignores: pairs(&command.extend_per_file_ignores),
        exclude: command.exclude.clone(),
        extend_exclude: command.extend_exclude.clone(),
        respect_gitignore: flag_pair(command.respect_gitignore, command.no_respect_gitignore),
        force_exclude: flag_pair(command.force_exclude, command.no_force_exclude),
    }
}
