//! Which rules look at which kind of node. The checker calls these once per node, so a rule
//! only costs something on the nodes it cares about.

use ruff_python_ast::{Expr, Stmt};

use super::{blocking, fast};
use crate::checker::Checker;
use crate::registry::Rule;

pub(crate) fn statement(checker: &mut Checker, stmt: &Stmt) {
    if let Stmt::FunctionDef(function) = stmt {
        if checker.is_enabled(Rule::FastApiRedundantResponseModel) {
            fast::redundant_response_model::check(checker, function);
        }
        if checker.is_enabled(Rule::FastApiNonAnnotatedDependency) {
            fast::non_annotated_dependency::check(checker, function);
        }
        if checker.is_enabled(Rule::FastApiUnusedPathParameter) {
            fast::unused_path_parameter::check(checker, function);
        }
    }
}

pub(crate) fn expression(checker: &mut Checker, expr: &Expr) {
    if let Expr::Call(call) = expr {
        if checker.any_enabled(blocking::RULES) {
            blocking::check_call(checker, call);
        }
    }
}
