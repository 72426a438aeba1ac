//! The floor the benchmark compares `check` with: the same gitignore-aware parallel walk,
//! then read and parse every Python file, and nothing else (no semantic model, no rules).
//!
//!     cargo run --release --example parse_only -- PATH...
//!
//! Prints the number of files parsed and of syntax errors found, so the work cannot be elided.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line tool"
)]

use std::sync::atomic::{AtomicUsize, Ordering};

use ruff_python_ast::PySourceType;
use ruff_python_parser::{ParseOptions, parse_unchecked};

// The allocator of the real binary: parsing is allocation-heavy, so a floor measured with
// another allocator would not be the same work.
#[global_allocator]
static GLOBAL: fastapi_lint_cli::allocator::Allocator = fastapi_lint_cli::allocator::ALLOCATOR;

fn main() {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    let Some((first, rest)) = paths.split_first() else {
        eprintln!("usage: parse_only PATH...");
        std::process::exit(2);
    };
    let mut builder = ignore::WalkBuilder::new(first);
    for path in rest {
        builder.add(path);
    }
    let files = AtomicUsize::new(0);
    let errors = AtomicUsize::new(0);
    builder.build_parallel().run(|| {
        Box::new(|entry| {
            let Ok(entry) = entry else {
                return ignore::WalkState::Continue;
            };
            let path = entry.path();
            let is_python = path
                .extension()
                .is_some_and(|extension| extension == "py" || extension == "pyi");
            if is_python
                && entry.file_type().is_some_and(|kind| kind.is_file())
                && let Ok(source) = std::fs::read_to_string(path)
            {
                let parsed = parse_unchecked(&source, ParseOptions::from(PySourceType::from(path)));
                files.fetch_add(1, Ordering::Relaxed);
                errors.fetch_add(parsed.errors().len(), Ordering::Relaxed);
            }
            ignore::WalkState::Continue
        })
    });
    println!(
        "{} files parsed, {} syntax errors",
        files.into_inner(),
        errors.into_inner()
    );
}
