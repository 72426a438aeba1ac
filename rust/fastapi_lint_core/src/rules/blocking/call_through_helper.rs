use ruff_python_ast::{self as ast, Stmt};
use ruff_text_size::Ranged;

use crate::checker::Checker;
use crate::diagnostic::Diagnostic;
use crate::project::FileFacts;
use crate::project::names::{callee_reference_name, module_name_or_main};
use crate::registry::{Rule, rule_docs};
use crate::rules::blocking::{context, runs_sync_in_threadpool};

rule_docs! {
    /// ## What it does
    /// Checks for `async def` functions that call a synchronous function of the project which,
    /// directly or through other sync functions, in any module, makes a blocking call: one that
    /// FAPI101–FAPI105 (sleep, HTTP, file I/O, database, subprocess) or FAPI201 (CPU-heavy work)
    /// would report if it were written in the async function itself.
    ///
    /// The message shows the whole chain, from the async function to the blocking call, and
    /// where that call is (`get_user -> app.services.users.load -> requests.get
    /// (app.services.users:7)`). The blocking call's file and range also come as the
    /// diagnostic's related location: an `info:` line in the `full` output format, SARIF's
    /// `relatedLocations`, `Diagnostic.related` in the Python API.
    ///
    /// Calls are followed where the code proves the callee: imported and module-level
    /// functions (through re-exports), methods of `self`, and methods of instances whose class
    /// the code proves (`Repo(db).get()`, a parameter annotated `Repo`, `self.repo.get()` for
    /// an attribute `__init__` stores, `get_repo().get()` for `def get_repo() -> Repo`),
    /// inherited methods and a class's `__init__` included. Calls in routes declared inside
    /// an app factory (`create_app()`) are followed too.
    ///
    /// Lifespans and start-up or shutdown handlers are not checked, nor what only they call
    /// (across the project): they run once, while no request is served.
    ///
    /// ## Why is this bad?
    /// Moving a blocking call into a helper does not make it less blocking. FastAPI runs
    /// `async def` routes and dependencies on the event loop; while the helper waits for the
    /// network or the disk, no other request is served. Per-file linters cannot see this: the
    /// route and the blocking call are in different functions, often in different modules.
    ///
    /// Calls are followed only where the code proves the target: imported functions
    /// (`from app.services.users import load`, with `as` aliases), module attributes
    /// (`users.load()`), functions of the same module and `self.method()` calls. Calls the
    /// index cannot resolve, and async helpers (which are checked on their own), are not
    /// reported.
    ///
    /// ## Example
    /// ```python
    /// # app/services/users.py
    /// import requests
    ///
    ///
    /// def load(user_id: int) -> dict:
    ///     return requests.get(f"https://users.example.com/{user_id}").json()
    ///
    ///
    /// # app/routes.py
    /// from fastapi import APIRouter
    ///
    /// from app.services import users
    ///
    /// router = APIRouter()
    ///
    ///
    /// @router.get("/users/{user_id}")
    /// async def get_user(user_id: int):
    ///     return users.load(user_id)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// # app/routes.py
    /// from fastapi import APIRouter
    /// from fastapi.concurrency import run_in_threadpool
    ///
    /// from app.services import users
    ///
    /// router = APIRouter()
    ///
    ///
    /// @router.get("/users/{user_id}")
    /// async def get_user(user_id: int):
    ///     return await run_in_threadpool(users.load, user_id)
    /// ```
    /// or make `load` async with an async client, or make the route a plain `def`.
    ///
    /// A helper entered as a context manager (`with open_session() as session:`, typically a
    /// `@contextmanager`) blocks when the `with` enters and leaves it, not when it is called,
    /// so `run_in_threadpool(open_session)` would not help: the message then suggests an async
    /// context manager (`@asynccontextmanager` with async calls, used with `async with`) or
    /// moving the blocking work out of the `with`. Likewise a sync generator blocks as it is
    /// iterated: the message suggests iterating it with Starlette's `iterate_in_threadpool`
    /// (`async for`) or an async generator.
    ///
    /// ## References
    /// - fastapi-lint practices, 1: "Never use `async def` for blocking operations", and 4:
    ///   "Follow the same rules in FastAPI dependencies"
    /// - [FastAPI: Concurrency and async / await](https://fastapi.tiangolo.com/async/)
    /// - [Starlette: `run_in_threadpool`](https://www.starlette.io/threadpool/)
    pub struct BlockingCallThroughHelper;
}

/// Whether `call` is the context manager of a plain `with` (`with helper():`,
/// `with helper() as value:`).
fn is_sync_with_item(checker: &Checker, call: &ast::ExprCall) -> bool {
    let Some(Stmt::With(with)) = checker.enclosing_statements(call.range()).last().copied() else {
        return false;
    };
    !with.is_async
        && with
            .items
            .iter()
            .any(|item| item.context_expr.range() == call.range())
}

/// Reports a call, in async code, of a project sync function that blocks.
pub(super) fn check(checker: &mut Checker, call: &ast::ExprCall, facts: &FileFacts) {
    let Some(function) = checker.enclosing_async_function() else {
        return;
    };
    let semantic = checker.semantic();
    let Some(callee) = callee_reference_name(
        semantic,
        &module_name_or_main(semantic),
        call,
        checker.scope(),
    ) else {
        return;
    };
    let Some(chain) = facts.blocking_helpers.get(callee.as_ref()) else {
        return;
    };
    let role = checker.fastapi().roles(function).primary();
    let written = checker.slice(call.func.range());
    let tail = match role {
        Some(role) if runs_sync_in_threadpool(role) => {
            format!(", or make the {role} a plain `def`")
        }
        _ => String::new(),
    };
    let context = context(function, role);
    let rendered = chain.render(Some(function.name.as_str()));
    let message = if is_sync_with_item(checker, call) {
        // `run_in_threadpool(helper)` would only build the context manager in a thread: the
        // blocking work runs when the `with` enters and exits it.
        format!(
            "Sync context manager `{written}` entered in {context} blocks: {rendered}; it stalls the event loop, make it an async context manager (`@asynccontextmanager` with async calls) or move the blocking work out of the `with`{tail}"
        )
    } else if chain.generator {
        // A generator runs as it is iterated: `run_in_threadpool` would only build it.
        format!(
            "Sync generator `{written}` used in {context} blocks as it is iterated: {rendered}; it stalls the event loop, iterate it with `async for ... in iterate_in_threadpool({written}(...))` (`starlette.concurrency`) or make it an async generator{tail}"
        )
    } else {
        format!(
            "Sync helper `{written}` called in {context} blocks: {rendered}; it stalls the event loop, use `await run_in_threadpool({written}, ...)` or make the helper async{tail}"
        )
    };
    checker.report(
        Diagnostic::new(Rule::BlockingCallThroughHelper, message, call.func.range())
            .with_related(chain.leaf_location()),
    );
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;
    use std::path::Path;

    use crate::linter::FileContext;
    use crate::message::to_messages;
    use crate::project::{IndexedModule, project_facts};
    use crate::registry::Rule;
    use crate::settings::LinterSettings;
    use crate::test_support::fixture_path;

    /// The fixture's modules, linted as one project: the routes, then their helpers.
    const PROJECT: &[(&str, &str)] = &[
        ("blocking/FAPI106.py", "app.routes"),
        ("blocking/FAPI106_helpers.py", "app.helpers"),
        ("blocking/FAPI106_repositories.py", "app.repositories"),
        ("blocking/FAPI106_package.py", "app.__init__"),
    ];

    fn context(relative: &str, module: &str) -> FileContext {
        FileContext {
            path: Some(fixture_path(relative)),
            module_path: Some(module.split('.').map(ToString::to_string).collect()),
            ..FileContext::default()
        }
    }

    fn read(relative: &str) -> String {
        std::fs::read_to_string(fixture_path(relative)).expect("fixture")
    }

    #[test]
    fn fixture() {
        let modules: Vec<IndexedModule> = PROJECT
            .iter()
            .map(|(relative, module)| {
                let context = FileContext {
                    summarize: true,
                    ..context(relative, module)
                };
                let summary = crate::lint(&read(relative), &context, &LinterSettings::default())
                    .summary
                    .expect("a summary");
                IndexedModule {
                    root: Path::new("/project").into(),
                    filename: format!("/project/{}.py", module.replace('.', "/")).into(),
                    summary,
                }
            })
            .collect();
        let mut facts = project_facts(&modules.iter().collect::<Vec<_>>());
        let (relative, module) = PROJECT[0];
        let source = read(relative);
        let context = FileContext {
            facts: std::sync::Arc::new(facts.swap_remove(0)),
            ..context(relative, module)
        };
        let settings = LinterSettings::for_rules([Rule::BlockingCallThroughHelper]);
        let diagnostics = crate::lint(&source, &context, &settings).diagnostics;
        let lines: Vec<&str> = source.lines().collect();
        let mut rendered = String::new();
        for message in to_messages(diagnostics, relative, &source) {
            let row = message.location.row;
            let _ = writeln!(
                rendered,
                "{relative}:{row}:{}: {} {}\n  | {}",
                message.location.column,
                message.code(),
                message.message,
                lines[row - 1]
            );
        }
        insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!("blocking__FAPI106.py", rendered);
        });
    }
}
