//! The subcommands (`server` is the language server, [`crate::server`]), and Ruff's way of failing: `fastapi-lint failed` then `  Cause: ...` lines
//! on stderr, exit code 2; except when the reader of stdout went away (`| head`), where Ruff
//! stops quietly with exit code 0.

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
        // The protocol's exit codes: 0 after a shutdown request, 1 for an exit without one.
        Command::Server => crate::server::run().map(|clean| {
            if clean {
                exit::SUCCESS
            } else {
                exit::DIAGNOSTICS
            }
        }),
        Command::Version { output_format } => version::version(output_format),
    };
    result.unwrap_or_else(|error| {
        if is_broken_pipe(&error) {
            return exit::SUCCESS;
        }
        eprintln!("fastapi-lint failed");
        for cause in error.chain() {
            eprintln!("  Cause: {cause}");
        }
        exit::FAILURE
    })
}

/// Whether the run stopped because the output it was writing has no reader any more: a closed
/// pipe is where the reader wanted the output to end, not a failure (Ruff exits 0, silently).
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|error| error.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_pipe_anywhere_in_the_chain_is_recognized() {
        let pipe = std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        assert!(is_broken_pipe(&anyhow::Error::from(pipe)));
        let wrapped = anyhow::Error::from(std::io::Error::from(std::io::ErrorKind::BrokenPipe))
            .context("Failed to write the report");
        assert!(is_broken_pipe(&wrapped));
        let other = anyhow::Error::from(std::io::Error::from(std::io::ErrorKind::NotFound));
        assert!(!is_broken_pipe(&other));
        assert!(!is_broken_pipe(&anyhow::anyhow!("Broken pipe")));
    }
}
