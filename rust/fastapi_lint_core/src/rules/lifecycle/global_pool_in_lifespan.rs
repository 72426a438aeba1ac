use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::Ranged;

use super::body::OwnBody;
use super::catalogue;
use crate::checker::{Checker, Frame};
use crate::diagnostic::Diagnostic;
use crate::fastapi::FunctionRole;
use crate::registry::{Rule, rule_docs};

rule_docs! {
    /// ## What it does
    /// Checks for lifespan functions and startup event handlers that store a connection pool
    /// or client (the clients of [FAPI601](FAPI601.md)) in a module-level
    /// variable through `global`.
    ///
    /// This rule is in preview: run with `--preview` to enable it.
    ///
    /// ## Why is this bad?
    /// A module global is shared by every application built in the process and outlives
    /// them: tests that create several apps, or run the lifespan twice, see each other's pool,
    /// and code that reads the global before startup gets `None`. It also hides the
    /// dependency: routes reach for the global instead of receiving the pool.
    ///
    /// Keep app-level resources on the app: assign them to `app.state`, or yield them as the
    /// lifespan state, and hand them to routes through a dependency.
    ///
    /// ## Example
    /// ```python
    /// from contextlib import asynccontextmanager
    ///
    /// import asyncpg
    /// from fastapi import FastAPI
    ///
    /// pool = None
    ///
    ///
    /// @asynccontextmanager
    /// async def lifespan(app: FastAPI):
    ///     global pool
    ///     pool = await asyncpg.create_pool("postgresql://db/app")
    ///     yield
    ///     await pool.close()
    ///
    ///
    /// app = FastAPI(lifespan=lifespan)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// from contextlib import asynccontextmanager
    ///
    /// import asyncpg
    /// from fastapi import FastAPI, Request
    ///
    ///
    /// @asynccontextmanager
    /// async def lifespan(app: FastAPI):
    ///     app.state.pool = await asyncpg.create_pool("postgresql://db/app")
    ///     yield
    ///     await app.state.pool.close()
    ///
    ///
    /// app = FastAPI(lifespan=lifespan)
    ///
    ///
    /// async def get_connection(request: Request):
    ///     async with request.app.state.pool.acquire() as connection:
    ///         yield connection
    /// ```
    ///
    /// ## References
    /// - fastapi-lint practices, 11: "Avoid creating a new DB connection in every endpoint"
    ///   (the `app.state` pool is the recommended way, the global-style pool the legacy one)
    /// - [FastAPI: Lifespan Events](https://fastapi.tiangolo.com/advanced/events/)
    /// - [Starlette: Lifespan state](https://www.starlette.io/lifespan/#lifespan-state)
    pub struct GlobalPoolInLifespan;
}

pub(super) fn check(checker: &mut Checker, assign: &ast::StmtAssign) {
    let Some(Frame::Function(function)) = checker.innermost_frame() else {
        return;
    };
    let roles = checker.fastapi().roles(function);
    let role = if roles.contains(FunctionRole::Lifespan) {
        "Lifespan"
    } else if roles.contains(FunctionRole::EventHandler) {
        "Event handler"
    } else {
        return;
    };
    let [Expr::Name(target)] = assign.targets.as_slice() else {
        return;
    };
    let name = target.id.as_str();
    if !declares_global(function, name) {
        return;
    }
    let Some(created) =
        catalogue::created_by_expr(checker.semantic(), &assign.value, checker.scope())
    else {
        return;
    };
    let message = format!(
        "{role} `{function}` stores the `{client}` {noun} in the module global `{name}`, which outlives the app \
         and is shared between apps and tests; set `app.state.{name}` (or yield it as lifespan state) and read it through a dependency",
        function = function.name.as_str(),
        client = created.name,
        noun = created.kind.noun(),
    );
    checker.report(Diagnostic::new(
        Rule::GlobalPoolInLifespan,
        message,
        assign.range(),
    ));
}

/// Whether `function`'s own body declares `global name`.
fn declares_global(function: &ast::StmtFunctionDef, name: &str) -> bool {
    OwnBody::of(function)
        .statements
        .iter()
        .any(|stmt| match stmt {
            Stmt::Global(global) => global
                .names
                .iter()
                .any(|declared| declared.id.as_str() == name),
            _ => false,
        })
}

#[cfg(test)]
mod tests {
    use crate::registry::Rule;
    use crate::settings::LinterSettings;
    use crate::test_support::assert_fixture;

    #[test]
    fn fixture() {
        assert_fixture!(
            "lifecycle/FAPI602.py",
            LinterSettings::for_rules([Rule::GlobalPoolInLifespan])
        );
    }
}
