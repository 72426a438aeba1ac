//! FAPI601–FAPI605, app-level resources and their lifecycle.

pub mod client_created_per_request;
pub mod global_pool_in_lifespan;
pub mod lifespan_without_cleanup;
pub mod on_event_handler;
pub mod yield_dependency_without_finally;

use ruff_python_ast::{Expr, Stmt};

use crate::checker::Checker;
use crate::registry::Rule;

/// The rules of this family, for dispatch.
pub(crate) const RULES: &[Rule] = &[
    Rule::ClientCreatedPerRequest,
    Rule::GlobalPoolInLifespan,
    Rule::OnEventHandler,
    Rule::YieldDependencyWithoutFinally,
    Rule::LifespanWithoutCleanup,
];

/// Called for every statement when a rule of this family is enabled.
pub(crate) fn check_stmt(_checker: &mut Checker, _stmt: &Stmt) {}

/// Called for every expression when a rule of this family is enabled.
pub(crate) fn check_expr(_checker: &mut Checker, _expr: &Expr) {}
