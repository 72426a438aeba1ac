//! The subcommands, and Ruff's way of failing: `fastapi-lint failed` then `  Cause: ...` lines
//! on stderr, exit code 2.

mod add_noqa;
mod check;
mod clean;
pub(crate) mod rule;
mod version;

use std::ffi::OsString;

use clap::Parser;

use crate::args::{Cli, Command};

/// Ruff's exit codes.
pub(crate) mod exit {
    pub(crate) const SUCCESS: i32 = 0;
    pub(crate) const DIAGNOSTICS: i32 = 1;
    pub(crate) const FAILURE: i32 = 2;
}

#[expect(clippy::print_stderr, reason = "Ruff's failure report, on stderr")]
pub(crate) fn run(args: Vec<OsString>) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            // `--help` and `--version` arrive here too, destined for stdout with status 0.
            let _ = error.print();
            return if error.use_stderr() {
                exit::FAILURE
            } else {
                exit::SUCCESS
            };
        }
    };
    let result = match cli.command {
        Command::Check(command) => check::check(&command, cli.log_level.level()),
        Command::Rule(command) => rule::rule(&command),
        Command::Clean => clean::clean(cli.log_level.level()),
        Command::Version { output_format } => version::version(output_format),
    };
    result.unwrap_or_else(|error| {
        eprintln!("fastapi-lint failed");
        for cause in error.chain() {
            eprintln!("  Cause: {cause}");
        }
        exit::FAILURE
    })
}
