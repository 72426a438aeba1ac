use ruff_python_ast::statement_visitor::{self, StatementVisitor};
use ruff_python_ast::{self as ast, Stmt};
use ruff_source_file::{LineRanges, UniversalNewlineIterator};
use ruff_text_size::{Ranged, TextLen, TextSize};

use crate::checker::Checker;
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::registry::rule_docs;
use crate::semantic::BindingKind;

rule_docs! {
    /// ## What it does
    /// Checks for `time.sleep` calls inside `async def` functions: routes, dependencies,
    /// middleware, background tasks and their async helpers.
    ///
    /// Lifespans and start-up or shutdown handlers are not checked, nor what only they call
    /// (across the project): they run once, while no request is served.
    ///
    /// ## Why is this bad?
    /// FastAPI runs `async def` routes and dependencies directly on the event loop.
    /// `time.sleep` suspends the whole thread, so while it waits the server cannot answer any
    /// other request: one slow endpoint makes the entire application unresponsive.
    ///
    /// `await asyncio.sleep(...)` waits without blocking: the event loop serves other requests
    /// meanwhile. If the function must stay synchronous, declare it with a plain `def`; FastAPI
    /// then runs it in its threadpool.
    ///
    /// The rule looks at the code of the `async def` itself; a function passed to
    /// `run_in_threadpool`, `asyncio.to_thread` or `loop.run_in_executor`, and code in nested
    /// `def`s and lambdas, is not reported.
    ///
    /// ## Example
    /// ```python
    /// import time
    ///
    /// from fastapi import FastAPI
    ///
    /// app = FastAPI()
    ///
    ///
    /// @app.get("/")
    /// async def endpoint():
    ///     time.sleep(1)
    ///     return {"status": "done"}
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import asyncio
    ///
    /// from fastapi import FastAPI
    ///
    /// app = FastAPI()
    ///
    ///
    /// @app.get("/")
    /// async def endpoint():
    ///     await asyncio.sleep(1)
    ///     return {"status": "done"}
    /// ```
    ///
    /// ## Fix safety
    /// The fix replaces `time.sleep(x)` with `await asyncio.sleep(x)` (adding `import asyncio`
    /// when needed). It is offered only when the call is a statement of its own, and it is
    /// unsafe: awaiting lets other tasks run during the pause, which can change the behaviour
    /// of code that relied on nothing else happening meanwhile, and tests that patch
    /// `time.sleep` no longer intercept the call.
    ///
    /// ## References
    /// - fastapi-lint practices, 1: "Never use `async def` for blocking operations", and 4:
    ///   "Follow the same rules in FastAPI dependencies"
    /// - [FastAPI: Concurrency and async / await](https://fastapi.tiangolo.com/async/)
    /// - [Python documentation: `asyncio.sleep`](https://docs.python.org/3/library/asyncio-task.html#asyncio.sleep)
    pub struct BlockingSleepInAsync;
}

const FIX_TITLE: &str = "Replace with `await asyncio.sleep(...)`";

/// Attaches the `await asyncio.sleep(...)` fix when the `time.sleep(...)` call is an
/// expression statement of `function`, where prefixing `await` keeps the code valid.
pub(super) fn with_fix(
    checker: &Checker,
    call: &ast::ExprCall,
    function: &ast::StmtFunctionDef,
    diagnostic: Diagnostic,
) -> Diagnostic {
    if !call.arguments.keywords.is_empty() || !is_expression_statement(function, call) {
        return diagnostic;
    }
    let semantic = checker.semantic();
    let import = match semantic
        .resolve_name("asyncio", checker.scope(), call.start())
        .map(|binding| &binding.kind)
    {
        Some(BindingKind::Import { qualified }) if qualified == "asyncio" => None,
        // `asyncio` names something else here: the fix cannot refer to the module.
        Some(_) => return diagnostic,
        None => Some(import_asyncio(checker)),
    };
    let replace_func = Edit::range_replacement("asyncio.sleep".to_string(), call.func.range());
    let add_await = Edit::insertion("await ".to_string(), call.start());
    diagnostic.with_fix(
        FIX_TITLE,
        Fix::unsafe_edits(add_await, [replace_func].into_iter().chain(import)),
    )
}

/// Whether `call` is the whole of an expression statement in `function`'s body.
fn is_expression_statement(function: &ast::StmtFunctionDef, call: &ast::ExprCall) -> bool {
    struct Finder {
        call: ruff_text_size::TextRange,
        found: bool,
    }
    impl StatementVisitor<'_> for Finder {
        fn visit_stmt(&mut self, stmt: &Stmt) {
            if self.found || !stmt.range().contains_range(self.call) {
                return;
            }
            match stmt {
                Stmt::Expr(expr) => self.found = expr.value.range() == self.call,
                _ => statement_visitor::walk_stmt(self, stmt),
            }
        }
    }
    let mut finder = Finder {
        call: call.range(),
        found: false,
    };
    finder.visit_body(&function.body);
    finder.found
}

/// `import asyncio` on its own line after the last top-level import, or, without any, after
/// the module docstring and leading comments; ended with the file's own line ending.
fn import_asyncio(checker: &Checker) -> Edit {
    let source = checker.source();
    let newline = checker.stylist().line_ending().as_str();
    let body = checker.module_body();
    let anchor = checker.top_level_imports().last().copied().or_else(|| {
        body.first()
            .filter(|stmt| matches!(stmt, Stmt::Expr(expr) if expr.value.is_string_literal_expr()))
    });
    match anchor {
        Some(stmt) => {
            let next_line = source.full_line_end(stmt.end());
            if next_line > source.line_end(stmt.end()) {
                Edit::insertion(format!("import asyncio{newline}"), next_line)
            } else {
                // The last line, without a line break.
                Edit::insertion(format!("{newline}import asyncio"), stmt.end())
            }
        }
        None => Edit::insertion(
            format!("import asyncio{newline}"),
            after_leading_comments(source),
        ),
    }
}

/// The offset of the first line that is neither blank nor a comment (shebang, encoding
/// pragma, license header), so the import goes below them.
fn after_leading_comments(source: &str) -> TextSize {
    UniversalNewlineIterator::from(source)
        .find(|line| {
            let trimmed = line.trim_start();
            !(trimmed.is_empty() || trimmed.starts_with('#'))
        })
        .map_or_else(|| source.text_len(), |line| line.start())
}

#[cfg(test)]
mod tests {
    use crate::registry::Rule;
    use crate::settings::LinterSettings;
    use crate::test_support::{assert_fixture, render_source};

    #[test]
    fn fixture() {
        assert_fixture!(
            "blocking/FAPI101.py",
            LinterSettings::for_rules([Rule::BlockingSleepInAsync])
        );
    }

    fn fix_edits(source: &str) -> String {
        render_source(
            source,
            None,
            "test.py",
            &LinterSettings::for_rules([Rule::BlockingSleepInAsync]),
        )
    }

    #[test]
    fn import_goes_after_the_docstring_without_imports_at_module_level() {
        let source = "#!/usr/bin/env python\n\"\"\"Docs.\"\"\"\n\nasync def f():\n    import time\n    time.sleep(1)\n";
        let rendered = fix_edits(source);
        assert!(
            rendered.contains("3:1-3:1 -> \"import asyncio\\n\""),
            "{rendered}"
        );
    }

    #[test]
    fn import_goes_below_leading_comments_in_a_file_without_docstring_or_imports() {
        let source = "# -*- coding: utf-8 -*-\n# header\nasync def f():\n    from time import sleep\n    sleep(1)\n";
        let rendered = fix_edits(source);
        assert!(
            rendered.contains("3:1-3:1 -> \"import asyncio\\n\""),
            "{rendered}"
        );
    }

    /// The fixed source of a file with `\r\n` or `\r` line endings.
    fn fixed(source: &str) -> String {
        let settings = LinterSettings::for_rules([Rule::BlockingSleepInAsync]);
        crate::fix_source(source, &crate::FileContext::default(), &settings, true).source
    }

    #[test]
    fn the_import_ends_with_the_files_line_ending() {
        for newline in ["\r\n", "\r", "\n"] {
            let lines = |lines: &[&str]| lines.join(newline) + newline;
            // After the last import, after a docstring, and below leading comments.
            let cases = [
                (
                    lines(&["import time", "", "async def f():", "    time.sleep(1)"]),
                    lines(&[
                        "import time",
                        "import asyncio",
                        "",
                        "async def f():",
                        "    await asyncio.sleep(1)",
                    ]),
                ),
                (
                    lines(&[
                        "\"\"\"Docs.\"\"\"",
                        "async def f():",
                        "    import time",
                        "    time.sleep(1)",
                    ]),
                    lines(&[
                        "\"\"\"Docs.\"\"\"",
                        "import asyncio",
                        "async def f():",
                        "    import time",
                        "    await asyncio.sleep(1)",
                    ]),
                ),
                (
                    lines(&[
                        "# header",
                        "async def f():",
                        "    from time import sleep",
                        "    sleep(1)",
                    ]),
                    lines(&[
                        "# header",
                        "import asyncio",
                        "async def f():",
                        "    from time import sleep",
                        "    await asyncio.sleep(1)",
                    ]),
                ),
            ];
            for (source, expected) in cases {
                assert_eq!(fixed(&source), expected, "{newline:?}");
            }
            // The last line without a line break.
            let source = ["async def f():", "    time.sleep(1)", "import time"].join(newline);
            let expected = [
                "async def f():",
                "    await asyncio.sleep(1)",
                "import time",
                "import asyncio",
            ]
            .join(newline);
            assert_eq!(fixed(&source), expected, "{newline:?}");
        }
    }

    #[test]
    fn import_after_a_last_line_without_newline() {
        let source = "async def f():\n    time.sleep(1)\nimport time";
        let rendered = fix_edits(source);
        assert!(rendered.contains("-> \"\\nimport asyncio\""), "{rendered}");
    }
}
