//! Which rules look at which kind of node. The checker calls these once per node, so a rule
//! only costs something on the nodes it cares about.

use ruff_python_ast::{Expr, Stmt};

use super::{
    blocking, fast, heavy, lifecycle, logging, production, pydantic, responsiveness, settings,
    validation,
};
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
    if checker.any_enabled(&blocking::RULES) {
        blocking::check_stmt(checker, stmt);
    }
    if checker.any_enabled(&lifecycle::RULES) {
        lifecycle::check_stmt(checker, stmt);
    }
    if checker.any_enabled(&pydantic::RULES) {
        pydantic::check_stmt(checker, stmt);
    }
    if checker.any_enabled(&responsiveness::RULES) {
        responsiveness::check_stmt(checker, stmt);
    }
    if checker.any_enabled(&settings::RULES) {
        settings::check_stmt(checker, stmt);
    }
    if checker.any_enabled(&validation::RULES) {
        validation::check_stmt(checker, stmt);
    }
}

pub(crate) fn expression(checker: &mut Checker, expr: &Expr) {
    if let Expr::Call(call) = expr {
        if checker.any_enabled(&blocking::RULES) {
            blocking::check_call(checker, call);
        }
        if checker.is_enabled(Rule::HeavyBackgroundTask) {
            responsiveness::check_call(checker, call);
        }
        if checker.summary().is_some() {
            crate::project::record_call(checker, call);
        }
    }
    if checker.any_enabled(&heavy::RULES) {
        heavy::check_expr(checker, expr);
    }
    if checker.any_enabled(&lifecycle::RULES) {
        lifecycle::check_expr(checker, expr);
    }
    if checker.any_enabled(&logging::RULES) {
        logging::check_expr(checker, expr);
    }
    if checker.any_enabled(&production::RULES) {
        production::check_expr(checker, expr);
    }
    if checker.any_enabled(&pydantic::RULES) {
        pydantic::check_expr(checker, expr);
    }
    if checker.any_enabled(&settings::RULES) {
        settings::check_expr(checker, expr);
    }
}
