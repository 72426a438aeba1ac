//! FAPI401–FAPI403: production configuration of the app (docs, debug, CORS).
//!
//! All three look at one call (`FastAPI(...)`, `uvicorn.run(...)`, `add_middleware(...)`) and
//! its literal keyword arguments: a setting passed as anything but a literal comes from
//! configuration, which is what the rules ask for, so it is never reported.

pub mod cors_wildcard_with_credentials;
pub mod debug_enabled;
pub mod openapi_docs_always_on;

use ruff_python_ast::{self as ast, Expr, Stmt};

use crate::checker::Checker;
use crate::registry::Rule;

/// The rules of this family, for dispatch.
pub(crate) const RULES: &[Rule] = &[
    Rule::OpenapiDocsAlwaysOn,
    Rule::DebugEnabled,
    Rule::CorsWildcardWithCredentials,
];

/// Called for every statement when a rule of this family is enabled.
pub(crate) fn check_stmt(_checker: &mut Checker, _stmt: &Stmt) {}

/// Called for every expression when a rule of this family is enabled.
pub(crate) fn check_expr(checker: &mut Checker, expr: &Expr) {
    let Expr::Call(call) = expr else { return };
    if checker.is_enabled(Rule::OpenapiDocsAlwaysOn) {
        openapi_docs_always_on::check(checker, call);
    }
    if checker.is_enabled(Rule::DebugEnabled) {
        debug_enabled::check(checker, call);
    }
    if checker.is_enabled(Rule::CorsWildcardWithCredentials) {
        cors_wildcard_with_credentials::check(checker, call);
    }
}

/// Whether the call passes `**kwargs`: any setting may then come from the mapping, so what the
/// call spells out proves nothing about the settings it does not.
fn has_keyword_splat(call: &ast::ExprCall) -> bool {
    call.arguments.keywords.iter().any(|keyword| keyword.arg.is_none())
}

/// The keyword argument `name=...` whose value is the literal `True`.
fn literal_true_keyword<'a>(call: &'a ast::ExprCall, name: &str) -> Option<&'a ast::Keyword> {
    call.arguments.find_keyword(name).filter(|keyword| is_literal_true(&keyword.value))
}

fn is_literal_true(expr: &Expr) -> bool {
    matches!(expr, Expr::BooleanLiteral(literal) if literal.value)
}
