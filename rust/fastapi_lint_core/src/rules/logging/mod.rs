//! FAPI801–FAPI803: logging.
//!
//! Shared here: which code counts as `FastAPI` app code (FAPI801 and FAPI803 only speak there),
//! and the logging methods with where their message goes (FAPI802 and FAPI803).

use std::sync::LazyLock;

pub mod eager_log_formatting;
pub mod print_in_app_code;
pub mod root_logger_call;

use std::fmt;

use ruff_python_ast::Expr;
use ruff_text_size::TextRange;

use crate::checker::{Checker, Frame};
use crate::fastapi::FunctionRole;
use crate::registry::{Rule, RuleSet};

/// The rules of this family (their codes start with `FAPI8`), for dispatch.
pub(crate) static RULES: LazyLock<RuleSet> = LazyLock::new(|| RuleSet::with_code_prefix("FAPI8"));

/// Called for every expression when a rule of this family is enabled.
pub(crate) fn check_expr(checker: &mut Checker, expr: &Expr) {
    let Expr::Call(call) = expr else { return };
    if checker.is_enabled(Rule::PrintInAppCode) {
        print_in_app_code::check(checker, call);
    }
    if checker.is_enabled(Rule::EagerLogFormatting) {
        eager_log_formatting::check(checker, call);
    }
    if checker.is_enabled(Rule::RootLoggerCall) {
        root_logger_call::check(checker, call);
    }
}

/// The position of the message among the arguments of a logging method (`logger.info(msg)`,
/// `logger.log(level, msg)`), or `None` when `method` does not log a message.
pub(crate) fn message_position(method: &str) -> Option<usize> {
    match method {
        "debug" | "info" | "warning" | "warn" | "error" | "exception" | "critical" | "fatal" => {
            Some(0)
        }
        "log" => Some(1),
        _ => None,
    }
}

/// The `FastAPI` code a node belongs to.
#[derive(Clone, Copy, Debug)]
pub(crate) enum AppCode<'a> {
    /// A route, dependency, middleware... (the innermost function's role).
    Callable(FunctionRole, &'a str),
    /// Elsewhere in a module that imports `FastAPI`.
    Module,
}

impl fmt::Display for AppCode<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppCode::Callable(role, name) => write!(f, "in {role} `{name}`"),
            AppCode::Module => f.write_str("in FastAPI app code"),
        }
    }
}

/// The role of the innermost function around the node being visited, with its name.
pub(crate) fn enclosing_callable<'a>(checker: &Checker<'a>) -> Option<AppCode<'a>> {
    let Some(Frame::Function(function)) = checker.innermost_frame() else {
        return None;
    };
    let role = checker.fastapi().roles(function).primary()?;
    Some(AppCode::Callable(role, function.name.as_str()))
}

/// Imports that make a module a test module: tests import `FastAPI` to build and call apps, but
/// are not app code.
const TEST_MODULES: &[&str] = &["pytest", "fastapi.testclient", "starlette.testclient"];

/// Whether `range` is `FastAPI` app code: inside a `FastAPI` callable, or anywhere in a module that
/// imports `FastAPI` (and no test tooling), except its `if __name__ == "__main__":` block (a
/// script entry point).
pub(crate) fn app_code<'a>(checker: &Checker<'a>, range: TextRange) -> Option<AppCode<'a>> {
    if checker.in_main_block(range) {
        return None;
    }
    enclosing_callable(checker).or_else(|| {
        let app_module = checker.fastapi().imports_fastapi()
            && !TEST_MODULES
                .iter()
                .any(|module| checker.semantic().imports_module(module));
        app_module.then_some(AppCode::Module)
    })
}

/// `" in route `x`"` when the node is in a `FastAPI` callable, else nothing: for messages of
/// rules that are not limited to app code.
pub(crate) fn context_suffix(checker: &Checker) -> String {
    enclosing_callable(checker)
        .map(|context| format!(" {context}"))
        .unwrap_or_default()
}
