//! FAPI201–FAPI202: heavy work (CPU-bound calls, model loading) in the request path.

pub mod cpu_heavy_call;
pub mod model_loaded_per_request;

use ruff_python_ast::{Expr, Stmt};

use crate::checker::Checker;
use crate::registry::Rule;

/// The rules of this family, for dispatch.
pub(crate) const RULES: &[Rule] = &[
    Rule::CpuHeavyCallInRoute,
    Rule::ModelLoadedPerRequest,
];

/// Called for every statement when a rule of this family is enabled.
pub(crate) fn check_stmt(_checker: &mut Checker, _stmt: &Stmt) {}

/// Called for every expression when a rule of this family is enabled.
pub(crate) fn check_expr(_checker: &mut Checker, _expr: &Expr) {}
