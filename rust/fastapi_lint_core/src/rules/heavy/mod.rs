//! FAPI201–FAPI202: heavy work (CPU-bound calls, model loading) in the request path.
//!
//! Both rules look at calls whose nearest enclosing function is a route or a dependency
//! (`async def` or `def`): code `FastAPI` runs for every request. A nested `def`, a lambda (as
//! handed to `run_in_threadpool`) or a dependency cached with `@lru_cache` is not.

mod catalogue;
pub mod cpu_heavy_call;
pub mod model_loaded_per_request;

use ruff_python_ast::{self as ast, Expr};

use crate::checker::{Checker, Frame};
use crate::registry::{Rule, RuleSet};

/// The rules of this family (their codes start with `FAPI2`), for dispatch.
pub(crate) const RULES: RuleSet = RuleSet::with_code_prefix("FAPI2");

/// Extra CPU-heavy calls a project declares (`[tool.fastapi-lint.lint.heavy]`), reported by
/// FAPI201. Entries follow the blocking family's convention: qualified names (`mylib.render`),
/// `Class.method` on proven instances (`mylib.Renderer.render`), or `module.*`.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct HeavyOptions {
    /// Qualified names reported as CPU-heavy calls (FAPI201).
    pub extra_heavy_calls: Vec<String>,
}

/// Called for every expression when a rule of this family is enabled.
pub(crate) fn check_expr(checker: &mut Checker, expr: &Expr) {
    let Expr::Call(call) = expr else { return };
    let Some(function) = request_function(checker) else {
        return;
    };
    if checker.is_enabled(Rule::ModelLoadedPerRequest) {
        model_loaded_per_request::check(checker, call, function);
    }
    if checker.is_enabled(Rule::CpuHeavyCallInRoute) {
        cpu_heavy_call::check(checker, call, function);
    }
}

/// The rule and the wording of heavy work a call does wherever it is made, for the project
/// index: CPU-heavy work (FAPI201, counted as if on the event loop) or a model load (FAPI202).
pub(crate) fn heavy_work(checker: &Checker, call: &ast::ExprCall) -> Option<(Rule, String)> {
    if let Some(what) = cpu_heavy_call::what_on_event_loop(checker, call) {
        return Some((Rule::CpuHeavyCallInRoute, what));
    }
    let loader = catalogue::loader(checker.semantic(), call)?;
    Some((Rule::ModelLoadedPerRequest, format!("`{}`", loader.name)))
}

/// Decorators that make a function run once per distinct arguments, not once per request.
const CACHE_DECORATORS: &[&str] = &[
    "functools.lru_cache",
    "functools.cache",
    "async_lru.alru_cache",
    "cachetools.cached",
];

/// The route or dependency the visited node runs in directly, unless its result is cached.
fn request_function<'a>(checker: &Checker<'a>) -> Option<&'a ast::StmtFunctionDef> {
    let Frame::Function(function) = checker.innermost_frame()? else {
        return None;
    };
    if !checker.fastapi().roles(function).in_request_path() {
        return None;
    }
    // Decorators are evaluated in the scope around the function.
    let semantic = checker.semantic();
    let outer = semantic
        .function_scope(function)
        .and_then(|scope| semantic.scope(scope).parent)?;
    let cached = function.decorator_list.iter().any(|decorator| {
        let callee = match &decorator.expression {
            Expr::Call(call) => &call.func,
            expression => expression,
        };
        semantic.resolves_to(callee, outer, CACHE_DECORATORS)
    });
    (!cached).then_some(function)
}

/// How a message names the function: "async route `predict`", "dependency `get_model`".
fn context(checker: &Checker, function: &ast::StmtFunctionDef) -> String {
    let role = checker
        .fastapi()
        .roles(function)
        .primary()
        .map_or("function", |role| role.noun());
    let asynchronous = if function.is_async { "async " } else { "" };
    format!("{asynchronous}{role} `{}`", function.name.as_str())
}
