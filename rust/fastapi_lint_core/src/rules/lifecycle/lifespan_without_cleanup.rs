use ruff_python_ast::comparable::ComparableExpr;
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};

use super::body::OwnBody;
use super::catalogue::{self, Created, Release};
use crate::checker::Checker;
use crate::diagnostic::Diagnostic;
use crate::fastapi::FunctionRole;
use crate::registry::{Rule, rule_docs};
use crate::semantic::{ScopeId, SemanticModel};

rule_docs! {
    /// ## What it does
    /// Checks for lifespan functions that open a client or connection pool (those of
    /// [FAPI601](FAPI601.md)) before their `yield`, assign it to a variable
    /// or to `app.state`, and never close it after the `yield`.
    ///
    /// A resource counts as closed when the lifespan calls `close()`, `aclose()`, `dispose()`,
    /// `disconnect()`, `terminate()`, `closeall()`, `wait_closed()` or `shutdown()` on it (after
    /// the `yield`, including in a `finally:`, or already before it when it was only needed for
    /// setup), or passes it to a call after the `yield` (a helper that closes it). Resources opened with `with` / `async with` are closed by the block, and
    /// a lifespan that uses `contextlib.AsyncExitStack` / `ExitStack` is not checked.
    ///
    /// This rule is in preview: run with `--preview` to enable it.
    ///
    /// ## Why is this bad?
    /// The code after the lifespan's `yield` runs when the application shuts down. A pool or
    /// client that is not closed there keeps its connections open until the process dies: the
    /// database sees connections that were never closed cleanly, buffered data may be lost,
    /// and in tests, where apps start and stop many times in one process, connections and
    /// file descriptors pile up (often with `ResourceWarning: unclosed ...`).
    ///
    /// ## Example
    /// ```python
    /// from contextlib import asynccontextmanager
    ///
    /// import httpx
    /// from fastapi import FastAPI
    ///
    ///
    /// @asynccontextmanager
    /// async def lifespan(app: FastAPI):
    ///     app.state.http = httpx.AsyncClient()
    ///     yield
    ///
    ///
    /// app = FastAPI(lifespan=lifespan)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @asynccontextmanager
    /// async def lifespan(app: FastAPI):
    ///     app.state.http = httpx.AsyncClient()
    ///     yield
    ///     await app.state.http.aclose()
    /// ```
    ///
    /// ## References
    /// - fastapi-lint practices, 11: "Avoid creating a new DB connection in every endpoint", and
    ///   12: "Use the new lifespan event for managing app level resources" (close all resources
    ///   after the `yield`)
    /// - [FastAPI: Lifespan Events](https://fastapi.tiangolo.com/advanced/events/)
    pub struct LifespanWithoutCleanup;
}

const EXIT_STACKS: &[&str] = &["contextlib.AsyncExitStack", "contextlib.ExitStack"];

pub(super) fn check(checker: &mut Checker, function: &ast::StmtFunctionDef) {
    if !checker
        .fastapi()
        .roles(function)
        .contains(FunctionRole::Lifespan)
    {
        return;
    }
    let semantic = checker.semantic();
    let Some(scope) = semantic.function_scope(function) else {
        return;
    };
    let body = OwnBody::of(function);
    let Some(yield_start) = body.yields.first().map(Ranged::start) else {
        return;
    };
    if body
        .calls
        .iter()
        .any(|call| semantic.resolves_to(&call.func, scope, EXIT_STACKS))
    {
        return;
    }
    for opened in opened_before(semantic, &body, yield_start, scope) {
        if body
            .calls
            .iter()
            .any(|call| releases(call, &opened.handles, opened.range.end(), yield_start))
        {
            continue;
        }
        let handle = checker.slice(opened.handles[0].range());
        let close = opened.created.release.statement(handle).unwrap_or_default();
        let message = format!(
            "`{client}` {noun} opened in lifespan `{function}` is never closed after the `yield`, so its connections stay open \
             at shutdown; add `{close}` after the `yield`",
            client = opened.created.name,
            noun = opened.created.kind.noun(),
            function = function.name.as_str(),
        );
        checker.report(Diagnostic::new(
            Rule::LifespanWithoutCleanup,
            message,
            opened.range,
        ));
    }
}

/// A closable resource opened before the `yield`, with the expressions that hold it (the
/// assignment target first, then targets it is copied to: `app.state.pool = pool`).
struct Opened<'a> {
    created: Created,
    handles: Vec<&'a Expr>,
    range: TextRange,
}

fn opened_before<'a>(
    semantic: &SemanticModel,
    body: &OwnBody<'a>,
    yield_start: TextSize,
    scope: ScopeId,
) -> Vec<Opened<'a>> {
    let mut opened: Vec<Opened<'a>> = Vec::new();
    for stmt in body
        .statements
        .iter()
        .filter(|stmt| stmt.end() <= yield_start)
    {
        let (targets, value): (&[Expr], &Expr) = match stmt {
            Stmt::Assign(assign) => (&assign.targets, &assign.value),
            Stmt::AnnAssign(ast::StmtAnnAssign {
                target,
                value: Some(value),
                ..
            }) => (std::slice::from_ref(target.as_ref()), value),
            _ => continue,
        };
        let [target] = targets else { continue };
        if !matches!(target, Expr::Name(_) | Expr::Attribute(_)) {
            continue;
        }
        if let Some(created) = catalogue::created_by_expr(semantic, value, scope)
            .filter(|created| created.release != Release::Nothing)
        {
            opened.push(Opened {
                created,
                handles: vec![target],
                range: stmt.range(),
            });
        } else if let Some(copied) = opened
            .iter_mut()
            .find(|opened| is_handle(value, &opened.handles))
        {
            copied.handles.push(target);
        }
    }
    opened
}

/// Whether `call` closes one of `handles` after they are opened (`pool.close()`,
/// `await app.state.http.aclose()`, also before the `yield` when the resource was only needed
/// for setup), or hands one to a helper after the `yield` (`await close_pool(pool)`).
fn releases(
    call: &ast::ExprCall,
    handles: &[&Expr],
    opened: TextSize,
    yield_start: TextSize,
) -> bool {
    let closes = matches!(call.func.as_ref(), Expr::Attribute(method) if Release::METHODS.contains(&method.attr.as_str()) && is_handle(&method.value, handles));
    let handed_over = call.start() > yield_start
        && call
            .arguments
            .args
            .iter()
            .any(|argument| is_handle(argument, handles));
    (closes && call.start() > opened) || handed_over
}

fn is_handle(expr: &Expr, handles: &[&Expr]) -> bool {
    let expr = ComparableExpr::from(expr);
    handles
        .iter()
        .any(|handle| ComparableExpr::from(*handle) == expr)
}

#[cfg(test)]
mod tests {
    use crate::registry::Rule;
    use crate::settings::LinterSettings;
    use crate::test_support::assert_fixture;

    #[test]
    fn fixture() {
        assert_fixture!(
            "lifecycle/FAPI605.py",
            LinterSettings::for_rules([Rule::LifespanWithoutCleanup])
        );
    }
}
