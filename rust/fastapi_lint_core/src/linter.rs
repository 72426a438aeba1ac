//! Linting one source text: parse, build the semantic model and `FastAPI` context, run the rules
//! in one pass, apply `# noqa`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ruff_python_ast::{Mod, PySourceType};
use ruff_python_parser::{ParseOptions, Parsed, parse_unchecked};
use ruff_text_size::{Ranged, TextSize};

use crate::checker::Checker;
use crate::diagnostic::{Diagnostic, DiagnosticKind};
use crate::fastapi::FastApiContext;
use crate::nesting;
use crate::noqa::{self, NoqaWarning};
use crate::project::{FileFacts, ModuleSummary, SummaryBuilder, names};
use crate::roles::{self, RoleDecision};
use crate::rule_at_work;
use crate::semantic::SemanticModel;
use crate::settings::LinterSettings;
use crate::syntax_checks;
use crate::versions::DeclaredPydantic;

/// What the rest of the project knows about one file, for its lint: where it is, its place
/// among the project's modules, and the facts the project index derived for it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileContext {
    /// The file. Decides the source type (`.pyi` is a stub) and what rules read of the file's
    /// name (test modules, settings modules); `None` for a buffer without a name.
    pub path: Option<PathBuf>,
    /// The directory the project's settings are anchored at. What a file's directories say of
    /// it (`tests/`, `scripts/`) is read below it only: a checkout under `/home/ci/tests/` is
    /// not test code. `None`: the whole path is read.
    pub project_root: Option<Arc<Path>>,
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

    /// The file's path below [`Self::project_root`], or the whole path for a file outside it.
    pub fn path_in_project(&self) -> Option<&Path> {
        let path = self.path.as_deref()?;
        Some(
            self.project_root
                .as_deref()
                .and_then(|root| path.strip_prefix(root).ok())
                .unwrap_or(path),
        )
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
///
/// # Panics
///
/// Only on a bug; the panic's message then names the last rule consulted, for the caller to
/// report.
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
    rule_at_work::attributing_panics(|| lint_unguarded(source, context, settings))
}

fn lint_unguarded(source: &str, context: &FileContext, settings: &LinterSettings) -> LintResult {
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
        result.diagnostics.sort_by_key(sort_key);
        return result;
    }
    if parsed.errors().is_empty() {
        result
            .diagnostics
            .extend(syntax_checks::semantic_syntax_errors(
                module, source, path, settings,
            ));
    }
    if !settings.rules.is_empty() || context.summarize {
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
                &fastapi,
                source,
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
    result.diagnostics.sort_by_key(sort_key);
    result
}

/// Diagnostics go by position. At the same start, syntax errors come first, in the order they
/// were found (Ruff's order: the parser's, the unsupported syntax, then the semantic checks in
/// the order of its traversal); rule findings follow by their end.
fn sort_key(diagnostic: &Diagnostic) -> (TextSize, bool, TextSize) {
    let rule = diagnostic.kind != DiagnosticKind::InvalidSyntax;
    let end = if rule {
        diagnostic.range.end()
    } else {
        diagnostic.range.start()
    };
    (diagnostic.range.start(), rule, end)
}

/// The syntax errors of a source, as [`lint`] reports them; the fixer checks its output
/// with this.
pub(crate) fn syntax_errors(
    source: &str,
    path: Option<&Path>,
    settings: &LinterSettings,
) -> Vec<Diagnostic> {
    let parsed = parse(source, path, settings);
    let mut errors = syntax_diagnostics(&parsed);
    if let Some(parsed) = parsed.try_into_module()
        && parsed.errors().is_empty()
        && nesting::too_deep(parsed.tokens()).is_none()
    {
        errors.extend(syntax_checks::semantic_syntax_errors(
            parsed.syntax(),
            source,
            path,
            settings,
        ));
    }
    errors.sort_by_key(sort_key);
    errors
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

#[cfg(test)]
mod tests {
    use ruff_python_ast::PythonVersion;
    use ruff_text_size::Ranged;

    use crate::diagnostic::DiagnosticKind;
    use crate::settings::LinterSettings;
    use crate::{FileContext, RuleSet, lint};

    /// The syntax errors of `source` (a file at `path`), each as its message and the text it
    /// covers at its offset.
    fn syntax_errors_in(
        source: &str,
        path: &str,
        settings: &LinterSettings,
    ) -> Vec<(String, usize, String)> {
        let context = FileContext::of_path(Some(std::path::Path::new(path)));
        lint(source, &context, settings)
            .diagnostics
            .into_iter()
            .filter(|diagnostic| diagnostic.kind == DiagnosticKind::InvalidSyntax)
            .map(|diagnostic| {
                let text = source[diagnostic.range()].to_string();
                let offset = diagnostic.range.start().to_usize();
                (diagnostic.message, offset, text)
            })
            .collect()
    }

    fn errors(source: &str) -> Vec<(String, usize, String)> {
        syntax_errors_in(source, "test.py", &LinterSettings::default())
    }

    fn messages(source: &str) -> Vec<String> {
        errors(source)
            .into_iter()
            .map(|(message, ..)| message)
            .collect()
    }

    fn one(message: &str, offset: usize, text: &str) -> Vec<(String, usize, String)> {
        vec![(message.to_string(), offset, text.to_string())]
    }

    /// The reliability issue's cases: Ruff 0.16.4's messages and ranges.
    #[test]
    fn semantic_syntax_errors_are_reported_as_ruff_reports_them() {
        assert_eq!(
            errors("def f(a, a): pass\n"),
            one(r#"Duplicate parameter "a""#, 9, "a")
        );
        assert_eq!(
            errors("class C[T = int, *Ts]: pass\n"),
            one(
                "non default type parameter `Ts` follows default type parameter",
                17,
                "*Ts"
            )
        );
        assert_eq!(
            errors("def f[T, T](): pass\n"),
            one("duplicate type parameter", 9, "T")
        );
        assert_eq!(
            errors("nonlocal x\n"),
            one(
                "nonlocal declaration not allowed at module level",
                0,
                "nonlocal x"
            )
        );
        assert_eq!(
            errors("[y := 1 for y in z]\n"),
            one(
                "assignment expression cannot rebind comprehension variable",
                1,
                "y"
            )
        );
        assert_eq!(
            errors("match x:\n    case _:\n        pass\n    case 1:\n        pass\n"),
            one("wildcard makes remaining patterns unreachable", 18, "_")
        );
    }

    /// Ruff turns these into rules of its own (F706, F704, PLE1142, F701, F404, PLE0117, ...):
    /// never `invalid-syntax`.
    #[test]
    fn errors_ruff_reports_as_rules_are_not_syntax_errors() {
        let source = "\
import os
from __future__ import annotations
return 1
yield 1
break
def f():
    await x
    continue
    nonlocal unbound
    from os import *
async def g():
    yield 1
    return 2
(*a, *b) = (1, 2)
";
        assert_eq!(errors(source), []);
    }

    #[test]
    fn scopes_decide_as_in_ruff() {
        // `nonlocal` in a function is fine; a parameter cannot be `global` or `nonlocal`.
        assert_eq!(
            errors("def f():\n    x = 1\n    def g():\n        nonlocal x\n"),
            []
        );
        assert_eq!(
            messages(
                "def f(a):\n    global a\ndef g():\n    a = 1\n    def h(a):\n        nonlocal a\n"
            ),
            [
                "name `a` cannot refer to a parameter and a global variable",
                "name `a` cannot refer to a parameter and a nonlocal variable",
            ]
        );
        // An annotated name declared `global` anywhere in its scope (but not in a nested one),
        // or at module level before the declaration.
        assert_eq!(
            messages(
                "def f():\n    if y:\n        global x\n    x: int = 1\ndef g():\n    def h():\n        global x\n    x: int = 1\nglobal z\nz: int = 1\n"
            ),
            ["annotated name `x` can't be global"]
        );
        // A named expression in a comprehension in a class body, but not in a method.
        assert_eq!(
            messages(
                "class C:\n    [(x := y) for y in z]\n    def f(self):\n        [(x := y) for y in z]\n"
            ),
            ["assignment expression within a comprehension cannot be used in a class body"]
        );
        // `lazy` imports: the innermost function or class, else a module-level `try`.
        assert_eq!(
            messages("def f():\n    class C:\n        lazy import a\ntry:\n    lazy import b\nfinally:\n    pass\n")
                .into_iter()
                .filter(|message| !message.starts_with("Cannot use"))
                .collect::<Vec<_>>(),
            [
                "lazy import not allowed inside classes",
                "lazy import not allowed inside try/except blocks",
            ]
        );
    }

    #[test]
    fn the_python_version_is_the_parsers() {
        let source =
            "del __debug__\nasync def f():\n    return [[x async for x in y] for n in z]\n";
        let at = |version| LinterSettings {
            parser_version: version,
            ..LinterSettings::default()
        };
        let messages = |settings: &LinterSettings| -> Vec<String> {
            syntax_errors_in(source, "test.py", settings)
                .into_iter()
                .map(|(message, ..)| message)
                .collect()
        };
        assert_eq!(
            messages(&at(PythonVersion::PY310)),
            [
                "cannot delete `__debug__` on Python 3.10 (syntax was removed in 3.9)",
                "cannot use an asynchronous comprehension inside of a synchronous comprehension on Python 3.10 (syntax was added in 3.11)",
            ]
        );
        assert_eq!(messages(&at(PythonVersion::PY38)).len(), 1);
        assert_eq!(
            messages(&LinterSettings::default()),
            ["cannot delete `__debug__` on Python 3.14 (syntax was removed in 3.9)"]
        );
    }

    /// Ruff checks an annotation it does not evaluate when it defers it and again when it
    /// visits it: an error about the annotation's own node is reported twice.
    #[test]
    fn deferred_annotations_are_checked_twice_as_in_ruff() {
        let annotation = "def f(x: g(a=1, a=2)): pass\n";
        assert_eq!(messages(annotation).len(), 1);
        let future = format!("from __future__ import annotations\n{annotation}");
        assert_eq!(messages(&future).len(), 2);
        assert_eq!(
            syntax_errors_in(annotation, "test.pyi", &LinterSettings::default()).len(),
            2
        );
        let py314 = LinterSettings {
            target_version: PythonVersion::PY314,
            ..LinterSettings::default()
        };
        assert_eq!(syntax_errors_in(annotation, "test.py", &py314).len(), 2);
        // The `__future__` import counts from where it is, to the end of its block.
        let late = format!("{annotation}from __future__ import annotations\n");
        assert_eq!(messages(&late).len(), 1);
        let nested = format!("if x:\n    from __future__ import annotations\n{annotation}");
        assert_eq!(messages(&nested).len(), 1);
    }

    #[test]
    fn not_checked_in_a_file_that_does_not_parse() {
        assert_eq!(
            messages("def f(a, a): pass\nx = (\n"),
            ["unexpected EOF while parsing"]
        );
    }

    #[test]
    fn reported_whatever_the_rules_and_noqa() {
        let no_rules = LinterSettings {
            rules: RuleSet::empty(),
            ..LinterSettings::default()
        };
        assert_eq!(
            syntax_errors_in("def f(a, a): pass  # noqa\n", "test.py", &no_rules).len(),
            1
        );
    }

    #[test]
    fn syntax_errors_come_first_at_a_position_in_the_order_found() {
        // Ruff's order: the check of the statement, then those of its expressions.
        let source = "from __future__ import annotations\nx: [(a := 0) for a in b]\n";
        assert_eq!(
            messages(source),
            [
                "named expression cannot be used within a type annotation",
                "assignment expression cannot rebind comprehension variable",
                "assignment expression cannot rebind comprehension variable",
            ]
        );
    }
}
