//! FAPI601–FAPI605, app-level resources and their lifecycle.
//!
//! The clients and pools these rules know are in [`catalogue`]; [`body`] reads what a function's
//! own body does (its statements, calls and `yield`s).

mod body;
mod catalogue;
pub mod client_created_per_request;
pub mod global_pool_in_lifespan;
mod lifespan_fix;
pub mod lifespan_without_cleanup;
pub mod on_event_handler;
pub mod yield_dependency_without_finally;

use ruff_python_ast::helpers::map_callable;
use ruff_python_ast::{self as ast, Expr, Stmt};

use crate::checker::{Checker, Frame};
use crate::registry::{Rule, RuleSet};
use crate::semantic::{ScopeId, SemanticModel};

/// The rules of this family (their codes start with `FAPI6`), for dispatch.
pub(crate) const RULES: RuleSet = RuleSet::with_code_prefix("FAPI6");

/// Called for every statement when a rule of this family is enabled.
pub(crate) fn check_stmt(checker: &mut Checker, stmt: &Stmt) {
    match stmt {
        Stmt::FunctionDef(function) => {
            if checker.is_enabled(Rule::OnEventHandler) {
                on_event_handler::check_decorators(checker, function);
            }
            if checker.is_enabled(Rule::YieldDependencyWithoutFinally) {
                yield_dependency_without_finally::check(checker, function);
            }
            if checker.is_enabled(Rule::LifespanWithoutCleanup) {
                lifespan_without_cleanup::check(checker, function);
            }
        }
        Stmt::Assign(assign) if checker.is_enabled(Rule::GlobalPoolInLifespan) => {
            global_pool_in_lifespan::check(checker, assign);
        }
        _ => {}
    }
}

/// Called for every expression when a rule of this family is enabled.
pub(crate) fn check_expr(checker: &mut Checker, expr: &Expr) {
    let Expr::Call(call) = expr else { return };
    if checker.is_enabled(Rule::ClientCreatedPerRequest) {
        client_created_per_request::check(checker, call);
    }
    if checker.is_enabled(Rule::OnEventHandler) {
        on_event_handler::check_call(checker, call);
    }
}

/// Decorators that make a function build its result once (`@lru_cache def get_client(): ...`).
const CACHE_DECORATORS: &[&str] = &[
    "functools.lru_cache",
    "functools.cache",
    "async_lru.alru_cache",
];

/// Whether `function` is decorated with a result cache, so its body runs once rather than per
/// call. `scope` is where the function is defined.
pub(crate) fn is_cached(
    semantic: &SemanticModel,
    function: &ast::StmtFunctionDef,
    scope: ScopeId,
) -> bool {
    function.decorator_list.iter().any(|decorator| {
        semantic.resolves_to(map_callable(&decorator.expression), scope, CACHE_DECORATORS)
    })
}

/// The route or dependency whose own body the node being visited is in (not a nested `def`,
/// lambda or class), unless it caches its result.
pub(crate) fn request_path_function<'a>(checker: &Checker<'a>) -> Option<&'a ast::StmtFunctionDef> {
    let Some(Frame::Function(function)) = checker.innermost_frame() else {
        return None;
    };
    if !checker.fastapi().roles(function).in_request_path() {
        return None;
    }
    let semantic = checker.semantic();
    let defined_in = semantic
        .function_scope(function)
        .and_then(|scope| semantic.scope(scope).parent)
        .unwrap_or(ScopeId::MODULE);
    (!is_cached(semantic, function, defined_in)).then_some(function)
}
