//! `fastapi-lint check`: discover, lint (and fix), print, and exit with Ruff's code.

use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, Result};

use super::{add_noqa, exit};
use crate::args::{CheckCommand, LogLevel, PatternCode, flag_pair};
use crate::config::discovery::Resolver;
use crate::config::patterns::absolute;
use crate::lint::{self, Diagnostics, FixMode, Fixing};
use crate::output::{self, Context, OutputFormat, STDIN, UnsafeFixes};
use crate::{CheckOptions, diff, file_kind, walk};

#[expect(
    clippy::print_stderr,
    reason = "the settings' and the fixes' warnings, on stderr as Ruff's"
)]
pub(super) fn check(command: &CheckCommand, log_level: LogLevel) -> Result<i32> {
    let cwd = std::env::current_dir().context("Failed to read the working directory")?;
    let options = check_options(command);
    let resolver = Arc::new(crate::resolver(&options, &cwd)?);
    let warn = |message: &str| {
        if log_level >= LogLevel::Default {
            eprintln!("warning: {message}");
        }
    };
    // As in Ruff, the fix settings of a run are those governing the working directory.
    let run_settings = Arc::clone(resolver.default_settings());
    let unsafe_fixes = UnsafeFixes::from_setting(run_settings.unsafe_fixes);
    let fix_only = flag_pair(command.fix_only, command.no_fix_only).unwrap_or(false);
    let paths = if command.files.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        command.files.clone()
    };
    if command.add_noqa {
        if run_settings.fix || fix_only {
            warn("--fix is incompatible with --add-noqa.");
        }
        return add_noqa::add_noqa(&paths, &resolver, &cwd, log_level);
    }
    let mode = if command.diff {
        FixMode::Diff
    } else if run_settings.fix || fix_only {
        FixMode::Apply
    } else {
        FixMode::Generate
    };
    let fixing = Fixing {
        mode,
        unsafe_fixes: unsafe_fixes.applies(),
    };

    let reads_stdin = command.stdin_filename.is_some()
        || command.files.iter().any(|path| path.as_os_str() == STDIN);
    let (diagnostics, stdin) = if reads_stdin {
        let (diagnostics, bytes) = lint_stdin(
            command.stdin_filename.as_deref(),
            &resolver,
            &cwd,
            fixing,
            crate::index_mode(&options),
        )?;
        (diagnostics, Some(bytes))
    } else {
        let walked = walk::walk_files(&paths, &resolver, &cwd)?;
        let files = walked.python;
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
        if command.show_roles {
            let mut stdout = std::io::stdout().lock();
            for (path, role) in lint::code_roles(&files, &resolver, crate::index_mode(&options))? {
                let path = path.strip_prefix(&cwd).unwrap_or(&path);
                writeln!(
                    stdout,
                    "{}: {} ({})",
                    path.display(),
                    role.role,
                    role.evidence
                )?;
            }
            return Ok(exit::SUCCESS);
        }
        if files.is_empty() && walked.refused.is_empty() {
            warn("No Python files found under the given path(s)");
        }
        // Without files there is nothing to cache: as in Ruff, no cache is opened, so none is
        // created nor written.
        let cache_dir = (!command.no_cache && !files.is_empty()).then(|| {
            command
                .cache_dir
                .as_ref()
                .map_or_else(|| run_settings.cache_dir.clone(), |dir| absolute(dir, &cwd))
        });
        let context = if options.no_project {
            Vec::new()
        } else {
            walk::project_context(&paths, &files, &resolver, &cwd)?
        };
        let files = lint::Files {
            asked: files,
            context,
        };
        let mut diagnostics = lint::lint_files(
            &files,
            &walked.dotenv,
            &resolver,
            fixing,
            crate::index_mode(&options),
            cache_dir.as_deref(),
        )?;
        walk::add_refused(&mut diagnostics.messages, &walked.refused);
        (diagnostics, None)
    };
    for warning in resolver.warnings() {
        warn(&warning);
    }
    let context = Context {
        cwd: &cwd,
        unsafe_fixes: unsafe_fixes.applies(),
        sources: &diagnostics.sources,
    };
    // Ruff's wording and its order within a file; files in the report's order.
    for (filename, warning) in &diagnostics.noqa_warnings {
        warn(&warning.message(&context.relative_path(filename)));
    }
    for warning in &diagnostics.fix_warnings {
        eprintln!("error: {warning}");
    }
    for warning in &diagnostics.warnings {
        warn(warning);
    }

    match (mode, stdin) {
        (FixMode::Apply, Some(bytes)) => write_fixed_stdin(&diagnostics, &bytes)?,
        (FixMode::Diff, _) => write_diffs(&diagnostics, &context)?,
        _ => {}
    }

    let report = Report {
        command,
        show_violations: !(command.diff || fix_only),
        show_fixes: run_settings.show_fixes,
        unsafe_fixes,
        log_level,
    };
    if log_level > LogLevel::Silent {
        // Fixed source or a diff may be on stdout already: the report of stdin goes to stderr.
        let mut out: Box<dyn Write> = match &command.output_file {
            Some(path) => Box::new(
                std::fs::File::create(path)
                    .with_context(|| format!("Failed to create {}", path.display()))?,
            ),
            None if reads_stdin && mode != FixMode::Generate => Box::new(std::io::stderr().lock()),
            None => Box::new(std::io::stdout().lock()),
        };
        let mut out = BufWriter::new(&mut out);
        report.write(&diagnostics, &context, &mut out)?;
        out.flush()?;
    }
    Ok(exit_code(command, fix_only, &diagnostics))
}

/// Ruff's exit code for a run that got this far.
fn exit_code(command: &CheckCommand, fix_only: bool, diagnostics: &Diagnostics) -> i32 {
    let fixed = diagnostics.fixed_count() > 0;
    let failed = if command.exit_zero {
        false
    } else if command.diff {
        fixed
    } else if fix_only {
        command.exit_non_zero_on_fix && fixed
    } else {
        !diagnostics.messages.is_empty() || (command.exit_non_zero_on_fix && fixed)
    };
    if failed {
        exit::DIAGNOSTICS
    } else {
        exit::SUCCESS
    }
}

/// `--fix` on stdin: the fixed source (or the input as it came) goes to stdout.
fn write_fixed_stdin(diagnostics: &Diagnostics, input: &[u8]) -> Result<()> {
    let fixed = diagnostics
        .sources
        .values()
        .next()
        .map_or(input, |source| source.as_bytes());
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(fixed)?;
    stdout.flush()?;
    Ok(())
}

/// `--diff`: one unified diff per changed file, in file order, on stdout.
fn write_diffs(diagnostics: &Diagnostics, context: &Context<'_>) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    for file in &diagnostics.fixed {
        let Some(fixed) = diagnostics.sources.get(&file.filename) else {
            continue;
        };
        let name = (file.filename != STDIN).then(|| context.relative_path(&file.filename));
        stdout.write_all(diff::unified_diff(&file.original, fixed, name.as_deref()).as_bytes())?;
    }
    stdout.flush()?;
    Ok(())
}

/// What the report shows, from the command line and the run's settings.
struct Report<'a> {
    command: &'a CheckCommand,
    /// Off for `--fix-only` and `--diff`, which report what was fixed instead.
    show_violations: bool,
    show_fixes: bool,
    unsafe_fixes: UnsafeFixes,
    log_level: LogLevel,
}

impl Report<'_> {
    fn write(
        &self,
        diagnostics: &Diagnostics,
        context: &Context<'_>,
        out: &mut dyn Write,
    ) -> Result<()> {
        let messages = &diagnostics.messages;
        let format = self.command.output_format;
        let summary = self.log_level >= LogLevel::Default;
        let fixed = diagnostics.fixed_count();
        if !self.show_violations {
            if format.is_human() {
                self.write_fix_table(diagnostics, context, out)?;
                if summary {
                    output::write_fix_only_summary(
                        messages,
                        fixed,
                        self.unsafe_fixes,
                        !self.command.diff,
                        out,
                    )?;
                }
            }
            return Ok(());
        }
        if self.command.statistics {
            output::write_statistics(messages, format, self.unsafe_fixes.applies(), out)?;
            if summary && format != OutputFormat::Json && !messages.is_empty() {
                output::write_summary(messages, fixed, self.unsafe_fixes, out)?;
            }
            return Ok(());
        }
        output::write_messages(format, messages, context, out)?;
        if format.is_human() {
            self.write_fix_table(diagnostics, context, out)?;
            if summary {
                output::write_summary(messages, fixed, self.unsafe_fixes, out)?;
            }
        }
        Ok(())
    }

    fn write_fix_table(
        &self,
        diagnostics: &Diagnostics,
        context: &Context<'_>,
        out: &mut dyn Write,
    ) -> Result<()> {
        if self.show_fixes {
            let files = diagnostics.fixed.iter().map(|file| {
                (
                    context.relative_path(&file.filename).into_owned(),
                    &file.fixes,
                )
            });
            output::write_fix_table(files, out)?;
        }
        Ok(())
    }
}

/// Lints (and fixes) stdin; `filename` (from `--stdin-filename`) drives discovery, ignores and
/// display. Returns the input too, for `--fix` to pass through what it could not lint.
fn lint_stdin(
    filename: Option<&Path>,
    resolver: &Arc<Resolver>,
    cwd: &Path,
    fixing: Fixing,
    index_mode: lint::IndexMode,
) -> Result<(Diagnostics, Vec<u8>)> {
    let path = filename.map(|filename| absolute(filename, cwd));
    let settings = match &path {
        Some(path) => resolver.settings_for(path)?,
        None => Arc::clone(resolver.default_settings()),
    };
    let bytes = read_stdin().context("Failed to read from stdin")?;
    let buffer = lint::Buffer {
        path: path.as_deref(),
        settings: &settings,
        fixing,
        index_mode,
        exclusion: lint::Exclusion::AsConfigured,
        editor: None,
    };
    Ok((
        lint::lint_buffer_in_project(bytes.clone(), &buffer, resolver, cwd)?,
        bytes,
    ))
}

/// The most a source can hold: the parser addresses it with 32-bit offsets.
const MAX_SOURCE_LEN: u64 = u32::MAX as u64;

/// All of stdin, when it is something that ends: a pipe, a regular file, a terminal (until
/// end of input) or `/dev/null`. Another device (`< /dev/zero`) is refused before it is read,
/// and so is input beyond the most a source can hold, rather than taking memory without bound.
fn read_stdin() -> Result<Vec<u8>> {
    let stdin = std::io::stdin();
    if let Some(why) = refused_stdin(&stdin) {
        anyhow::bail!("{why}");
    }
    let mut bytes = Vec::new();
    stdin
        .lock()
        .take(MAX_SOURCE_LEN + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_SOURCE_LEN {
        anyhow::bail!("The input is larger than the 4 GiB a source can hold");
    }
    Ok(bytes)
}

/// Why stdin is not read, when it is a device other than a terminal or `/dev/null`.
#[cfg(unix)]
fn refused_stdin(stdin: &std::io::Stdin) -> Option<String> {
    use std::io::IsTerminal as _;
    use std::os::fd::AsFd as _;
    use std::os::unix::fs::{FileTypeExt as _, MetadataExt as _};

    let metadata = std::fs::File::from(stdin.as_fd().try_clone_to_owned().ok()?)
        .metadata()
        .ok()?;
    let kind = metadata.file_type();
    let is_device = kind.is_char_device() || kind.is_block_device();
    let is_null = || {
        std::fs::metadata("/dev/null")
            .is_ok_and(|null| null.file_type().is_char_device() && null.rdev() == metadata.rdev())
    };
    if !is_device || stdin.is_terminal() || is_null() {
        return None;
    }
    Some(format!(
        "stdin is {}, not a pipe, a file or a terminal: it is not read, since reading it could never end",
        file_kind::describe(kind)
    ))
}

#[cfg(not(unix))]
fn refused_stdin(_stdin: &std::io::Stdin) -> Option<String> {
    None
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
        pairs
            .iter()
            .map(|pair| (pair.pattern.clone(), vec![pair.code.clone()]))
            .collect()
    };
    CheckOptions {
        config: command.config.clone(),
        isolated: command.isolated,
        select: command.select.clone(),
        extend_select: command.extend_select.clone(),
        ignore: command.ignore.clone(),
        preview: flag_pair(command.preview, command.no_preview),
        target_version: command.target_version,
        per_file_ignores: command.per_file_ignores.as_deref().map(pairs),
        extend_per_file_ignores: pairs(&command.extend_per_file_ignores),
        exclude: command.exclude.clone(),
        extend_exclude: command.extend_exclude.clone(),
        respect_gitignore: flag_pair(command.respect_gitignore, command.no_respect_gitignore),
        force_exclude: flag_pair(command.force_exclude, command.no_force_exclude),
        fixable: command.fixable.clone(),
        extend_fixable: command.extend_fixable.clone(),
        unfixable: command.unfixable.clone(),
        fix: flag_pair(command.fix, command.no_fix),
        unsafe_fixes: flag_pair(command.unsafe_fixes, command.no_unsafe_fixes),
        no_project: command.no_project,
        project_root: None,
        show_fixes: flag_pair(command.show_fixes, command.no_show_fixes),
    }
}
