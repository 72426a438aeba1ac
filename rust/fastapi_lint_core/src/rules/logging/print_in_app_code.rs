use ruff_python_ast::{self as ast};
use ruff_text_size::Ranged;

use super::{AppCode, enclosing_callable, module_logger};
use crate::checker::Checker;
use crate::diagnostic::Diagnostic;
use crate::fastapi::FunctionRole;
use crate::registry::{Rule, rule_docs};

rule_docs! {
    /// ## What it does
    /// Checks for the builtin `print(...)` in code that runs while requests are served: FastAPI
    /// callables (routes, websocket routes, dependencies, middleware, exception handlers,
    /// background tasks) of app code.
    ///
    /// Not reported:
    /// - tests, scripts and library code (see `fastapi-lint check --show-roles`);
    /// - code that runs once, at import or start-up (module level, lifespans, event handlers,
    ///   a server's `main()`): a start-up banner or a launcher's output is meant for the
    ///   console;
    /// - the `if __name__ == "__main__":` block, which only runs when the file is a script;
    /// - `print(..., file=f)` writing to a file; writing to `sys.stdout` or `sys.stderr` is still
    ///   reported;
    /// - a local function or variable named `print`.
    ///
    /// When the module already has a logger (`logger = logging.getLogger(__name__)`,
    /// `log = structlog.get_logger()`, `from loguru import logger`, bound at module level and
    /// not shadowed where `print` is called), the message says to log through it
    /// (`log.info(...)`) instead of proposing a new one.
    ///
    /// ## Why is this bad?
    /// `print` writes bare text to stdout: it has no level, no timestamp, no logger name, cannot
    /// be filtered or routed by the logging configuration (uvicorn's included), and is easily
    /// lost or interleaved between worker processes. A module logger gives every line a level
    /// and a source, and the deployment decides where it goes and in which format (JSON for a
    /// log aggregator, plain text locally).
    ///
    /// ## Example
    /// ```python
    /// from fastapi import FastAPI
    ///
    /// app = FastAPI()
    ///
    ///
    /// @app.post("/users")
    /// async def create_user(name: str):
    ///     print(f"creating user {name}")
    ///     return {"name": name}
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import logging
    ///
    /// from fastapi import FastAPI
    ///
    /// logger = logging.getLogger(__name__)
    /// app = FastAPI()
    ///
    ///
    /// @app.post("/users")
    /// async def create_user(name: str):
    ///     logger.info("creating user %s", name)
    ///     return {"name": name}
    /// ```
    ///
    /// ## References
    /// - fastapi-lint practices, 14: "Use structured logging"
    /// - [Python documentation: Logging HOWTO](https://docs.python.org/3/howto/logging.html)
    /// - [FastAPI: Deployment concepts](https://fastapi.tiangolo.com/deployment/concepts/)
    pub struct PrintInAppCode;
}

pub(super) fn check(checker: &mut Checker, call: &ast::ExprCall) {
    if checker.callee_name(call) != Some("builtins.print") || writes_to_a_file(checker, call) {
        return;
    }
    let Some(context) = request_time_callable(checker) else {
        return;
    };
    let instead = match module_logger(checker, call.start()) {
        Some(logger) => format!(
            "use the module logger: `{name}.info(...)`",
            name = logger.name
        ),
        None => {
            "use a module logger: `logger = logging.getLogger(__name__)`, then `logger.info(...)`"
                .to_string()
        }
    };
    let message = format!(
        "`print` {context} writes bare text to stdout that log levels, handlers and formatters never see; {instead}"
    );
    checker.report(Diagnostic::new(
        Rule::PrintInAppCode,
        message,
        call.func.range(),
    ));
}

/// The FastAPI callable the call is in, when it runs per request (not once at start-up).
fn request_time_callable<'a>(checker: &Checker<'a>) -> Option<AppCode<'a>> {
    enclosing_callable(checker).filter(|context| {
        !matches!(
            context,
            AppCode::Callable(FunctionRole::Lifespan | FunctionRole::EventHandler, _)
                | AppCode::Module
        )
    })
}

/// `print(..., file=f)` with a file other than the standard streams: output, not logging.
fn writes_to_a_file(checker: &Checker, call: &ast::ExprCall) -> bool {
    call.arguments.find_keyword("file").is_some_and(|file| {
        !checker
            .semantic()
            .resolves_to(&file.value, checker.scope(), &["sys.stdout", "sys.stderr"])
            && !file.value.is_none_literal_expr()
    })
}

#[cfg(test)]
mod tests {
    use crate::registry::Rule;
    use crate::settings::LinterSettings;
    use crate::test_support::assert_fixture;

    #[test]
    fn fixture() {
        assert_fixture!(
            "logging/FAPI801.py",
            LinterSettings::for_rules([Rule::PrintInAppCode])
        );
    }

    #[test]
    fn script_without_fastapi() {
        assert_fixture!(
            "logging/FAPI801_script.py",
            LinterSettings::for_rules([Rule::PrintInAppCode])
        );
    }

    #[test]
    fn module_logger() {
        assert_fixture!(
            "logging/FAPI801_module_logger.py",
            LinterSettings::for_rules([Rule::PrintInAppCode])
        );
    }

    #[test]
    fn test_module() {
        assert_fixture!(
            "logging/FAPI801_test_module.py",
            LinterSettings::for_rules([Rule::PrintInAppCode])
        );
    }
}
