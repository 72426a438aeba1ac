//! FAPI801–FAPI803: logging.

pub mod eager_log_formatting;
pub mod print_in_app_code;
pub mod root_logger_call;

use ruff_python_ast::{Expr, Stmt};

use crate::checker::Checker;
use crate::registry::Rule;

/// The rules of this family, for dispatch.
pub(crate) const RULES: &[Rule] = &[
    Rule::PrintInAppCode,
    Rule::EagerLogFormatting,
    Rule::RootLoggerCall,
];

/// Called for every statement when a rule of this family is enabled.
pub(crate) fn check_stmt(_checker: &mut Checker, _stmt: &Stmt) {}

/// Called for every expression when a rule of this family is enabled.
pub(crate) fn check_expr(_checker: &mut Checker, _expr: &Expr) {}
