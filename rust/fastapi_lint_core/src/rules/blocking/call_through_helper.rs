use ruff_python_ast as ast;
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
    /// ## References
    /// - fastapi-lint practices, 1: "Never use `async def` for blocking operations", and 4:
    ///   "Follow the same rules in FastAPI dependencies"
    /// - [FastAPI: Concurrency and async / await](https://fastapi.tiangolo.com/async/)
    /// - [Starlette: `run_in_threadpool`](https://www.starlette.io/threadpool/)
    pub struct BlockingCallThroughHelper;
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
    let message = format!(
        "Sync helper `{written}` called in {context} blocks: {chain}; it stalls the event loop, use `await run_in_threadpool({written}, ...)` or make the helper async{tail}",
        context = context(function, role),
        chain = chain.render(Some(function.name.as_str())),
    );
    checker.report(
        Diagnostic::new(Rule::BlockingCallThroughHelper, message, call.func.range())
            .with_related(chain.leaf_location()),
    );
}
