//! Linting one source text: parse, build the semantic model and `FastAPI` context, run the rules
//! in one pass, apply `# noqa`.

use std::path::Path;

use ruff_python_ast::{Mod, PySourceType, PythonVersion, Stmt};
use ruff_python_parser::{ParseOptions, Parsed, parse_unchecked};
use ruff_text_size::Ranged;

use crate::checker::Checker;
use crate::diagnostic::Diagnostic;
use crate::fastapi::FastApiContext;
use crate::nesting;
use crate::noqa::{self, NoqaWarning};
use crate::project::{ModuleSummary, SummaryBuilder, names};
use crate::semantic::SemanticModel;
use crate::settings::LinterSettings;

/// Lints one file's source. `path` decides the source type (`.pyi` is a stub) and appears in
/// nothing else here; the caller places the results on rows and columns.
///
/// Diagnostics come back sorted by position, syntax errors included.
pub fn lint_source(
    source: &str,
    path: Option<&Path>,
    settings: &LinterSettings,
) -> Vec<Diagnostic> {
    lint_module(source, path, None, settings)
}

/// Like [`lint_source`], with the module's dotted name (`app.routes`) so that relative imports
/// resolve to qualified names.
pub fn lint_module(
    source: &str,
    path: Option<&Path>,
    module_path: Option<Vec<String>>,
    settings: &LinterSettings,
) -> Vec<Diagnostic> {
    lint_module_with_warnings(source, path, module_path, settings).0
}

/// Like [`lint_module`], also returning the warnings about malformed `# noqa` directives that
/// Ruff prints on stderr, in the order Ruff prints them.
pub fn lint_module_with_warnings(
    source: &str,
    path: Option<&Path>,
    module_path: Option<Vec<String>>,
    settings: &LinterSettings,
) -> (Vec<Diagnostic>, Vec<NoqaWarning>) {
    let (diagnostics, warnings, _) = lint(source, path, module_path, settings, false);
    (diagnostics, warnings)
}

/// Like [`lint_source`], also extracting the module's summary for the project index from the
/// same parse (`None` when the file does not parse as a module). The module path comes from
/// `settings.project`; without one the module is named `__main__`.
pub fn lint_and_summarize(
    source: &str,
    path: Option<&Path>,
    settings: &LinterSettings,
) -> (Vec<Diagnostic>, Option<ModuleSummary>) {
    let (diagnostics, _, summary) = lint(source, path, None, settings, true);
    (diagnostics, summary)
}

/// What one lint produces: diagnostics, `# noqa` warnings and, when asked, the module summary.
type LintOutput = (Vec<Diagnostic>, Vec<NoqaWarning>, Option<ModuleSummary>);

fn lint(
    source: &str,
    path: Option<&Path>,
    module_path: Option<Vec<String>>,
    settings: &LinterSettings,
    summarize: bool,
) -> LintOutput {
    if source.len() < LARGE_FILE
        || (source.len() <= WORKER_STACK / STACK_BYTES_PER_SOURCE_BYTE && ON_WORKER.get())
    {
        return lint_on_this_thread(source, path, module_path, settings, summarize);
    }
    // Parsing and dropping a deeply nested AST recurse once per level (the rules are guarded by
    // `nesting`, the parser and `Drop` are not): a large file gets a thread whose stack grows
    // with its size, so no input can overflow it. The stack is reserved, not committed.
    let stack = source.len().saturating_mul(STACK_BYTES_PER_SOURCE_BYTE);
    let worker_module_path = module_path.clone();
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("fastapi-lint-large-file".to_string())
            .stack_size(stack)
            .spawn_scoped(scope, move || {
                lint_on_this_thread(source, path, worker_module_path, settings, summarize)
            });
        match worker {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            // No thread to be had (resource limits): lint here, as for any other file.
            Err(_) => lint_on_this_thread(source, path, module_path, settings, summarize),
        }
    })
}

/// Files smaller than this are linted on the caller's thread: too few tokens to nest deeper
/// than a default stack holds.
const LARGE_FILE: usize = 128 * 1024;
/// Every level of nesting takes at least a few bytes of source; a level of the parser's or
/// `Drop`'s recursion takes far less stack than this many times those bytes.
const STACK_BYTES_PER_SOURCE_BYTE: usize = 128;
/// The stack of the workers [`init_thread_pool`] starts, reserved rather than committed: files
/// up to half a MiB, the largest of real projects, are linted on the worker itself.
const WORKER_STACK: usize = 64 << 20;

thread_local! {
    /// Whether this thread is one of [`init_thread_pool`]'s workers, with [`WORKER_STACK`].
    static ON_WORKER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Starts rayon's global pool with workers whose stacks hold the large files of real projects,
/// unless the pool is running already (then large files get a thread of their own, as on any
/// other thread). A thread per large file would cost more than its start: under a per-thread
/// allocator its memory is fresh, while the worker's freed memory lies idle beside it.
pub fn init_thread_pool() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        // An error means the pool exists, without these workers.
        let _ = rayon::ThreadPoolBuilder::new()
            .stack_size(WORKER_STACK)
            .start_handler(|_| ON_WORKER.set(true))
            .build_global();
    });
}

fn lint_on_this_thread(
    source: &str,
    path: Option<&Path>,
    module_path: Option<Vec<String>>,
    settings: &LinterSettings,
    summarize: bool,
) -> LintOutput {
    let parsed = parse(source, path, settings);
    let mut diagnostics = syntax_diagnostics(&parsed);

    let Some(parsed) = parsed.try_into_module() else {
        return (diagnostics, Vec::new(), None);
    };
    let module = parsed.syntax();
    let mut warnings = Vec::new();
    let mut summary = None;
    if let Some(range) = nesting::too_deep(parsed.tokens()) {
        let message = format!(
            "File is nested more than {} levels deep here; it was not linted",
            nesting::MAX_NESTING
        );
        diagnostics.push(Diagnostic {
            range,
            ..Diagnostic::io_error(message)
        });
    } else if !settings.rules.is_empty() || summarize {
        // The summary is wanted even where per-file ignores leave no rule: other files call in.
        let module_path = module_path.or_else(|| {
            settings
                .project
                .as_ref()
                .and_then(|project| project.module_path.clone())
        });
        let semantic = SemanticModel::build(module, module_path);
        let facts = settings.project.as_ref().map(|project| &project.facts);
        let fastapi = FastApiContext::build_in_project(&semantic, facts);
        let deferred =
            settings.target_version >= PythonVersion::PY314 || has_future_annotations(&module.body);
        let mut checker = Checker::new(
            source, path, settings, &semantic, &fastapi, deferred, &parsed,
        );
        if summarize {
            checker = checker.with_summary(SummaryBuilder::new(
                &semantic,
                names::module_name_or_main(&semantic),
            ));
        }
        let (found, builder) = checker.check_module();
        summary = builder.map(|builder| builder.finish(&semantic, &module.body, source));
        let mut suppressed = noqa::apply(found, source, parsed.tokens(), &settings.rules);
        // As in Ruff, a rule the settings make unfixable reports no fix at all (its title stays),
        // and nothing is fixed in a file that does not parse.
        let parses = parsed.errors().is_empty();
        for diagnostic in &mut suppressed.diagnostics {
            if !parses
                || diagnostic
                    .rule()
                    .is_some_and(|rule| !settings.fixable.contains(rule))
            {
                diagnostic.fix = None;
            }
        }
        diagnostics.extend(suppressed.diagnostics);
        warnings = suppressed.warnings;
    }
    diagnostics.sort_by_key(|diagnostic| (diagnostic.range.start(), diagnostic.range.end()));
    (diagnostics, warnings, summary)
}

/// The syntax errors of a source, as [`lint_source`] reports them; the fixer checks its output
/// with this.
pub(crate) fn syntax_errors(
    source: &str,
    path: Option<&Path>,
    settings: &LinterSettings,
) -> Vec<Diagnostic> {
    syntax_diagnostics(&parse(source, path, settings))
}

pub(crate) fn parse(source: &str, path: Option<&Path>, settings: &LinterSettings) -> Parsed<Mod> {
    let source_type = path.map_or(PySourceType::Python, PySourceType::from);
    let options = ParseOptions::from(source_type).with_target_version(settings.parser_version);
    parse_unchecked(source, options)
}

/// Parse errors and syntax the target Python version does not support.
fn syntax_diagnostics(parsed: &Parsed<Mod>) -> Vec<Diagnostic> {
    parsed
        .errors()
        .iter()
        .map(|error| Diagnostic::syntax_error(error.error.to_string(), error.location))
        .chain(
            parsed
                .unsupported_syntax_errors()
                .iter()
                .map(|error| Diagnostic::syntax_error(error.to_string(), error.range())),
        )
        .collect()
}

/// `from __future__ import annotations` among the module's leading imports.
fn has_future_annotations(body: &[Stmt]) -> bool {
    body.iter().any(|stmt| match stmt {
        Stmt::ImportFrom(import) => {
            import
                .module
                .as_ref()
                .is_some_and(|module| module.id.as_str() == "__future__")
                && import
                    .names
                    .iter()
                    .any(|alias| alias.name.id.as_str() == "annotations")
        }
        _ => false,
    })
}
