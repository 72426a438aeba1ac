//! Linting one source text: parse, build the semantic model and `FastAPI` context, run the rules
//! in one pass, apply `# noqa`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ruff_python_ast::{Mod, PySourceType};
use ruff_python_parser::{ParseOptions, Parsed, parse_unchecked};
use ruff_text_size::Ranged;

use crate::checker::Checker;
use crate::diagnostic::Diagnostic;
use crate::fastapi::FastApiContext;
use crate::nesting;
use crate::noqa::{self, NoqaWarning};
use crate::project::{FileFacts, ModuleSummary, SummaryBuilder, names};
use crate::roles::{self, RoleDecision};
use crate::semantic::SemanticModel;
use crate::settings::LinterSettings;
use crate::versions::DeclaredPydantic;

/// What the rest of the project knows about one file, for its lint: where it is, its place
/// among the project's modules, and the facts the project index derived for it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileContext {
    /// The file. Decides the source type (`.pyi` is a stub) and what rules read of the file's
    /// name (test modules, settings modules); `None` for a buffer without a name.
    pub path: Option<PathBuf>,
    /// `["app", "routes"]` (`["app", "__init__"]` for a package): relative imports resolve with
    /// it. `None` for a file that cannot be imported (a buffer, a script in `my-scripts/`): its
    /// module is `__main__`.
    pub module_path: Option<Vec<String>>,
    /// What other modules say of this one (empty before the project index is built, and for a
    /// file linted on its own).
    pub facts: Arc<FileFacts>,
    /// The role the settings give the file (`[lint.roles]`, pytest's `testpaths`), which no
    /// evidence in the code overrides.
    pub declared_role: Option<RoleDecision>,
    /// The Pydantic version the project declares (its metadata, or a setting): shared by
    /// the files of a project.
    pub pydantic: Option<Arc<DeclaredPydantic>>,
    /// Whether the project index wants the module's summary from this lint.
    pub summarize: bool,
}

impl FileContext {
    /// A file on its own: its path only.
    pub fn of_path(path: Option<&Path>) -> Self {
        Self {
            path: path.map(Path::to_path_buf),
            ..Self::default()
        }
    }
}

/// What one lint of one file produces.
#[derive(Debug, Default)]
pub struct LintResult {
    /// Sorted by position, syntax errors included; the caller places them on rows and columns.
    pub diagnostics: Vec<Diagnostic>,
    /// The malformed `# noqa` directives Ruff warns about on stderr, in Ruff's order.
    pub noqa_warnings: Vec<NoqaWarning>,
    /// The module's summary for the project index, when [`FileContext::summarize`] asked for
    /// it and the file parses as a module.
    pub summary: Option<ModuleSummary>,
    /// The role the file was linted with (app code for a file that does not parse).
    pub role: RoleDecision,
}

/// Lints one file's source in its context: parse, build the semantic model and the `FastAPI`
/// context, run the rules in one pass, apply `# noqa`.
pub fn lint(source: &str, context: &FileContext, settings: &LinterSettings) -> LintResult {
    if source.len() < LARGE_FILE
        || (source.len() <= WORKER_STACK / STACK_BYTES_PER_SOURCE_BYTE && ON_WORKER.get())
    {
        return lint_on_this_thread(source, context, settings);
    }
    // Parsing and dropping a deeply nested AST recurse once per level (the rules are guarded by
    // `nesting`, the parser and `Drop` are not): a large file gets a thread whose stack grows
    // with its size, so no input can overflow it. The stack is reserved, not committed.
    let stack = source.len().saturating_mul(STACK_BYTES_PER_SOURCE_BYTE);
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("fastapi-lint-large-file".to_string())
            .stack_size(stack)
            .spawn_scoped(scope, || lint_on_this_thread(source, context, settings));
        match worker {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            // No thread to be had (resource limits): lint here, as for any other file.
            Err(_) => lint_on_this_thread(source, context, settings),
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
    context: &FileContext,
    settings: &LinterSettings,
) -> LintResult {
    let path = context.path.as_deref();
    let parsed = parse(source, path, settings);
    let mut result = LintResult {
        diagnostics: syntax_diagnostics(&parsed),
        ..LintResult::default()
    };

    let Some(parsed) = parsed.try_into_module() else {
        return result;
    };
    let module = parsed.syntax();
    if let Some(range) = nesting::too_deep(parsed.tokens()) {
        let message = format!(
            "File is nested more than {} levels deep here; it was not linted",
            nesting::MAX_NESTING
        );
        result.diagnostics.push(Diagnostic {
            range,
            ..Diagnostic::io_error(message)
        });
    } else if !settings.rules.is_empty() || context.summarize {
        // The summary is wanted even where per-file ignores leave no rule: other files call in.
        let semantic = SemanticModel::build(module, context.module_path.clone());
        let fastapi = FastApiContext::build_in_project(&semantic, &context.facts);
        let local_role = roles::local_role(context, &semantic, &module.body);
        // What the project says of the file's role wins over its own evidence.
        let role = context
            .facts
            .role
            .clone()
            .unwrap_or_else(|| local_role.decision.clone());
        let mut checker = Checker::new(
            source, context, settings, &role, &semantic, &fastapi, &parsed,
        );
        if context.summarize {
            checker = checker.with_summary(SummaryBuilder::new(
                &semantic,
                names::module_name_or_main(&semantic),
            ));
        }
        let rules = *checker.rules();
        let (found, builder) = checker.check_module();
        result.summary = builder.map(|builder| {
            let imported = roles::other_imports(&semantic, &module.body);
            builder.finish(&semantic, &module.body, source, local_role, &imported)
        });
        result.role = role;
        let mut suppressed = noqa::apply(found, source, parsed.tokens(), &rules);
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
        result.diagnostics.extend(suppressed.diagnostics);
        result.noqa_warnings = suppressed.warnings;
    }
    result
        .diagnostics
        .sort_by_key(|diagnostic| (diagnostic.range.start(), diagnostic.range.end()));
    result
}

/// The syntax errors of a source, as [`lint`] reports them; the fixer checks its output
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
