//! FAPI401–FAPI403: production configuration of the app (docs, debug, CORS).

pub mod cors_wildcard_with_credentials;
pub mod debug_enabled;
pub mod openapi_docs_always_on;

use ruff_python_ast::{Expr, Stmt};

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
pub(crate) fn check_expr(_checker: &mut Checker, _expr: &Expr) {}
