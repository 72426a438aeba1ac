//! FAPI801–FAPI803: logging.
//!
//! Shared here: which code counts as `FastAPI` app code (FAPI801 and FAPI803 only speak there),
//! the logging methods with where their message goes (FAPI802 and FAPI803), and the module's
//! own logger, which FAPI801 and FAPI803 name instead of proposing a new one.

pub mod eager_log_formatting;
pub mod print_in_app_code;
pub mod root_logger_call;

use std::fmt;

use ruff_python_ast::Expr;
use ruff_text_size::{TextRange, TextSize};

use crate::checker::{Checker, Frame};
use crate::fastapi::FunctionRole;
use crate::registry::{Rule, RuleSet};
use crate::semantic::{BindingKind, ScopeId};

/// The rules of this family (their codes start with `FAPI8`), for dispatch.
pub(crate) const RULES: RuleSet = RuleSet::with_code_prefix("FAPI8");

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

/// The logging library of a module logger: it decides which method names exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LoggerLibrary {
    Stdlib,
    Structlog,
    Loguru,
}

/// A logger the module already has, visible where a message is logged.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ModuleLogger<'a> {
    pub(crate) name: &'a str,
    pub(crate) library: LoggerLibrary,
}

impl ModuleLogger<'_> {
    /// The method of this logger that does what `method` does on a standard logger: loguru
    /// has no `warn` or `fatal`.
    pub(crate) fn method<'m>(&self, method: &'m str) -> &'m str {
        match (self.library, method) {
            (LoggerLibrary::Loguru, "warn") => "warning",
            (LoggerLibrary::Loguru, "fatal") => "critical",
            _ => method,
        }
    }
}

/// Factories whose result is a structlog logger for the module, whatever their arguments.
const STRUCTLOG_FACTORIES: &[&str] = &[
    "structlog.get_logger",
    "structlog.getLogger",
    "structlog.stdlib.get_logger",
];

/// The module's own logger, as the code at `offset` sees it: a module-level name bound to
/// `logging.getLogger(__name__)`, to `structlog.get_logger(...)` (or
/// `structlog.stdlib.get_logger(...)`), or imported as loguru's `logger`, that the name still
/// refers to at `offset` (not shadowed, rebound, or bound only later). The first in source
/// order wins.
pub(crate) fn module_logger<'a>(
    checker: &Checker<'a>,
    offset: TextSize,
) -> Option<ModuleLogger<'a>> {
    let semantic = checker.semantic();
    semantic.bindings().find_map(|(_, binding)| {
        if binding.scope != ScopeId::MODULE {
            return None;
        }
        let library = match &binding.kind {
            BindingKind::FromImport { qualified } if qualified == "loguru.logger" => {
                LoggerLibrary::Loguru
            }
            BindingKind::Assignment {
                value: Expr::Call(call),
            }
            | BindingKind::AnnAssign {
                value: Some(Expr::Call(call)),
                ..
            } => {
                let callee = semantic.qualified_name(&call.func, ScopeId::MODULE)?;
                if callee == "logging.getLogger" {
                    let named_for_module = call.arguments.keywords.is_empty()
                        && matches!(
                            call.arguments.args.as_ref(),
                            [Expr::Name(name)] if name.id.as_str() == "__name__"
                        );
                    if !named_for_module {
                        return None;
                    }
                    LoggerLibrary::Stdlib
                } else if STRUCTLOG_FACTORIES.contains(&callee.as_str()) {
                    LoggerLibrary::Structlog
                } else {
                    return None;
                }
            }
            _ => return None,
        };
        let seen = semantic.resolve_name(binding.name, checker.scope(), offset)?;
        std::ptr::eq(seen, binding).then_some(ModuleLogger {
            name: binding.name,
            library,
        })
    })
}
