//! The command line, spelled like Ruff's (`check`, `rule`, `version` and their flags).

use std::path::PathBuf;
use std::str::FromStr;

use clap::{Args, Parser, Subcommand, ValueEnum};
use fastapi_lint_core::Rule;

use crate::config::options::TargetVersion;
use crate::output::OutputFormat;

#[derive(Debug, Parser)]
#[command(
    name = "fastapi-lint",
    about = "fastapi-lint: a Ruff-compatible linter for FastAPI best practices.",
    version = fastapi_lint_core::VERSION
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub log_level: LogLevelArgs,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run fastapi-lint on the given files or directories.
    Check(Box<CheckCommand>),
    /// Explain a rule (or all rules).
    Rule(RuleCommand),
    /// Clear any caches in the current directory and any subdirectories.
    Clean,
    /// Run the language server (LSP over stdin/stdout), for editors.
    Server,
    /// Display fastapi-lint's version.
    Version {
        #[arg(long, value_enum, default_value = "text")]
        output_format: HelpFormat,
    },
}

/// `-q` / `-s`, accepted before or after the subcommand as in Ruff.
#[derive(Debug, Clone, Copy, Args)]
pub(crate) struct LogLevelArgs {
    /// Print diagnostics, but nothing else.
    #[arg(short, long, global = true, group = "verbosity")]
    pub quiet: bool,
    /// Disable all logging (but still exit with status code "1" upon detecting diagnostics).
    #[arg(short, long, global = true, group = "verbosity")]
    pub silent: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum LogLevel {
    Silent,
    Quiet,
    Default,
}

impl LogLevelArgs {
    pub(crate) fn level(self) -> LogLevel {
        if self.silent {
            LogLevel::Silent
        } else if self.quiet {
            LogLevel::Quiet
        } else {
            LogLevel::Default
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum HelpFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("selector").multiple(false).required(true))]
pub(crate) struct RuleCommand {
    /// Rule to explain.
    #[arg(value_parser = parse_rule, group = "selector")]
    pub rule: Option<Rule>,
    /// Explain all rules.
    #[arg(long, group = "selector")]
    pub all: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub output_format: HelpFormat,
}

fn parse_rule(value: &str) -> Result<Rule, String> {
    Rule::from_code(value).ok_or_else(|| format!("unknown rule code `{value}`"))
}

/// `PATTERN:CODE`, one pair per value as in Ruff (`--per-file-ignores 'tests/*:FAPI101'`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PatternCode {
    pub pattern: String,
    pub code: String,
}

impl FromStr for PatternCode {
    type Err = &'static str;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let (pattern, code) = value
            .rsplit_once(':')
            .ok_or("Expected <FilePattern>:<RuleCode> pattern")?;
        let (pattern, code) = (pattern.trim(), code.trim());
        if pattern.is_empty() || code.is_empty() {
            return Err("Expected <FilePattern>:<RuleCode> pattern");
        }
        Ok(Self {
            pattern: pattern.to_string(),
            code: code.to_string(),
        })
    }
}

#[derive(Debug, Args)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "one field per command-line flag, as clap wants"
)]
pub(crate) struct CheckCommand {
    /// List of files or directories to check [default: .]
    pub files: Vec<PathBuf>,
    /// Apply fixes to resolve lint violations. Use `--no-fix` to disable or `--unsafe-fixes` to
    /// include unsafe fixes.
    #[arg(long, overrides_with = "no_fix")]
    pub fix: bool,
    #[arg(long, overrides_with = "fix", hide = true)]
    pub no_fix: bool,
    /// Include fixes that may not retain the original intent of the code.
    #[arg(long, overrides_with = "no_unsafe_fixes")]
    pub unsafe_fixes: bool,
    #[arg(long, overrides_with = "unsafe_fixes", hide = true)]
    pub no_unsafe_fixes: bool,
    /// Show an enumeration of all fixed lint violations.
    #[arg(long, overrides_with = "no_show_fixes")]
    pub show_fixes: bool,
    #[arg(long, overrides_with = "show_fixes", hide = true)]
    pub no_show_fixes: bool,
    /// Avoid writing any fixed files back; instead, output a diff for each changed file to
    /// stdout. Implies `--fix-only`.
    #[arg(long, conflicts_with = "show_fixes")]
    pub diff: bool,
    /// Apply fixes to resolve lint violations, but don't report on, or exit non-zero for,
    /// leftover violations. Implies `--fix`.
    #[arg(long, overrides_with = "no_fix_only")]
    pub fix_only: bool,
    #[arg(long, overrides_with = "fix_only", hide = true)]
    pub no_fix_only: bool,
    /// Lint every file on its own, without the project index: calls to helpers and uses of
    /// dependencies are then followed only within the same file (FAPI106, FAPI302, FAPI501).
    #[arg(long)]
    pub no_project: bool,
    /// Exit with a non-zero status code if any files were modified via fix, even if no lint
    /// violations remain.
    #[arg(long)]
    pub exit_non_zero_on_fix: bool,
    /// List of rule codes to treat as eligible for fix. Only applicable when fix itself is
    /// enabled (e.g., via `--fix`).
    #[arg(long, value_delimiter = ',', value_name = "RULE_CODE")]
    pub fixable: Option<Vec<String>>,
    /// List of rule codes to treat as ineligible for fix.
    #[arg(long, value_delimiter = ',', value_name = "RULE_CODE")]
    pub unfixable: Vec<String>,
    /// Like --fixable, but adds additional rule codes on top of those already specified.
    #[arg(long, value_delimiter = ',', value_name = "RULE_CODE")]
    pub extend_fixable: Vec<String>,
    /// Enable automatic additions of `noqa` directives to failing lines.
    #[arg(long, conflicts_with_all = ["fix", "diff", "statistics", "stdin_filename", "show_files", "show_settings"])]
    pub add_noqa: bool,
    /// Output serialization format for violations.
    #[arg(long, value_enum, default_value = "full")]
    pub output_format: OutputFormat,
    /// Specify file to write the linter output to (default: stdout).
    #[arg(short, long)]
    pub output_file: Option<PathBuf>,
    /// Use this configuration file for every file (ignores discovered ones).
    #[arg(long, conflicts_with = "isolated")]
    pub config: Option<PathBuf>,
    /// Ignore all configuration files.
    #[arg(long)]
    pub isolated: bool,
    /// Comma-separated list of rule codes to enable (or ALL, to enable all rules).
    #[arg(long, value_delimiter = ',', value_name = "RULE_CODE")]
    pub select: Option<Vec<String>>,
    /// Like --select, but adds additional rule codes on top of those already specified.
    #[arg(long, value_delimiter = ',', value_name = "RULE_CODE")]
    pub extend_select: Vec<String>,
    /// Comma-separated list of rule codes to disable.
    #[arg(long, value_delimiter = ',', value_name = "RULE_CODE")]
    pub ignore: Vec<String>,
    /// List of mappings from file pattern to code to exclude.
    #[arg(long, value_delimiter = ',')]
    pub per_file_ignores: Option<Vec<PatternCode>>,
    /// Like --per-file-ignores, but adds additional ignores on top of those already specified.
    #[arg(long, value_delimiter = ',')]
    pub extend_per_file_ignores: Vec<PatternCode>,
    /// List of paths, used to omit files and/or directories from analysis.
    #[arg(long, value_delimiter = ',', value_name = "FILE_PATTERN")]
    pub exclude: Option<Vec<String>>,
    /// Like --exclude, but adds additional files and directories on top of those already excluded.
    #[arg(long, value_delimiter = ',', value_name = "FILE_PATTERN")]
    pub extend_exclude: Vec<String>,
    /// Respect file exclusions via `.gitignore` and other standard ignore files.
    #[arg(long, overrides_with = "no_respect_gitignore")]
    pub respect_gitignore: bool,
    #[arg(long, overrides_with = "respect_gitignore", hide = true)]
    pub no_respect_gitignore: bool,
    /// Enforce exclusions, even for paths passed to fastapi-lint directly on the command-line.
    #[arg(long, overrides_with = "no_force_exclude")]
    pub force_exclude: bool,
    #[arg(long, overrides_with = "force_exclude", hide = true)]
    pub no_force_exclude: bool,
    /// Enable preview mode; checks will include unstable rules.
    #[arg(long, overrides_with = "no_preview")]
    pub preview: bool,
    #[arg(long, overrides_with = "preview", hide = true)]
    pub no_preview: bool,
    /// The minimum Python version that should be supported.
    #[arg(long, value_enum)]
    pub target_version: Option<TargetVersion>,
    /// Exit with status code "0", even upon detecting lint violations.
    #[arg(short, long)]
    pub exit_zero: bool,
    /// The name of the file when passing it through stdin.
    #[arg(long)]
    pub stdin_filename: Option<PathBuf>,
    /// Show counts for every rule with at least one violation.
    #[arg(long, conflicts_with_all = ["show_files", "show_settings"])]
    pub statistics: bool,
    /// See the files fastapi-lint will be run against with the current settings.
    #[arg(long, conflicts_with = "show_settings")]
    pub show_files: bool,
    /// See the code role of each file (app, test, script, library) and the evidence for it.
    #[arg(long, conflicts_with_all = ["show_files", "show_settings", "statistics"])]
    pub show_roles: bool,
    /// See the settings fastapi-lint will use to lint a given Python file.
    #[arg(long)]
    pub show_settings: bool,
    /// Disable cache reads and writes.
    #[arg(short, long)]
    pub no_cache: bool,
    /// Path to the cache directory.
    #[arg(long, env = crate::config::CACHE_DIR_ENV)]
    pub cache_dir: Option<PathBuf>,
}

/// `--flag` / `--no-flag` pairs: `None` when neither was given.
pub(crate) fn flag_pair(yes: bool, no: bool) -> Option<bool> {
    match (yes, no) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    }
}
