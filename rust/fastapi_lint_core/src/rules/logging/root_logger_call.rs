use ruff_python_ast as ast;
use ruff_text_size::Ranged;

use super::{app_code, message_position, module_logger};
use crate::checker::Checker;
use crate::diagnostic::Diagnostic;
use crate::registry::{Rule, rule_docs};

rule_docs! {
    /// ## What it does
    /// Checks for calls to the `logging` module's own functions (`logging.info`,
    /// `logging.debug`, `logging.warning`, `logging.warn`, `logging.error`,
    /// `logging.exception`, `logging.critical`, `logging.fatal`, `logging.log`), however they are
    /// imported (`from logging import info`), in FastAPI app code: modules that import FastAPI
    /// (except test modules, which import `pytest` or a `TestClient`) and FastAPI callables,
    /// outside `if __name__ == "__main__":` blocks.
    ///
    /// When the module already has a logger (`logger = logging.getLogger(__name__)`,
    /// `log = structlog.get_logger()`, `from loguru import logger`, bound at module level and
    /// not shadowed where the call is), the message says to log through it
    /// (`log.info(...)`) instead of proposing a new one.
    ///
    /// ## Why is this bad?
    /// These functions log through the root logger: every record carries the name `root`
    /// instead of the module it came from, so levels and handlers cannot be set per module,
    /// and when the root logger has no handler yet they call `logging.basicConfig()` behind
    /// your back, overriding the logging set up by uvicorn or your deployment. A module logger
    /// (`logging.getLogger(__name__)`) names its source and follows the configuration.
    ///
    /// ## Example
    /// ```python
    /// import logging
    ///
    /// from fastapi import FastAPI
    ///
    /// app = FastAPI()
    ///
    ///
    /// @app.get("/health")
    /// def health():
    ///     logging.info("health check")
    ///     return {"status": "ok"}
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
    /// @app.get("/health")
    /// def health():
    ///     logger.info("health check")
    ///     return {"status": "ok"}
    /// ```
    ///
    /// ## References
    /// - fastapi-lint practices, 14: "Use structured logging"
    /// - [Python documentation: Advanced logging tutorial, module-level loggers](https://docs.python.org/3/howto/logging.html#advanced-logging-tutorial)
    /// - [Python documentation: `logging.info`](https://docs.python.org/3/library/logging.html#logging.info)
    pub struct RootLoggerCall;
}

pub(super) fn check(checker: &mut Checker, call: &ast::ExprCall) {
    let Some(qualified) = checker.callee_name(call) else {
        return;
    };
    let Some(method) = qualified.strip_prefix("logging.") else {
        return;
    };
    if message_position(method).is_none() {
        return;
    }
    let Some(context) = app_code(checker, call.range()) else {
        return;
    };
    let instead = match module_logger(checker, call.start()) {
        Some(logger) => format!(
            "use the module logger: `{name}.{method}(...)`",
            name = logger.name,
            method = logger.method(method)
        ),
        None => format!(
            "use a module logger: `logger = logging.getLogger(__name__)`, then `logger.{method}(...)`"
        ),
    };
    let message = format!(
        "Root-logger call `logging.{method}` {context} logs as `root`, so it cannot be configured per module and may call `basicConfig()` behind your back; {instead}"
    );
    checker.report(Diagnostic::new(
        Rule::RootLoggerCall,
        message,
        call.func.range(),
    ));
}

#[cfg(test)]
mod tests {
    use crate::registry::Rule;
    use crate::settings::LinterSettings;
    use crate::test_support::assert_fixture;

    #[test]
    fn fixture() {
        assert_fixture!(
            "logging/FAPI803.py",
            LinterSettings::for_rules([Rule::RootLoggerCall])
        );
    }

    #[test]
    fn module_logger() {
        assert_fixture!(
            "logging/FAPI803_module_logger.py",
            LinterSettings::for_rules([Rule::RootLoggerCall])
        );
    }

    #[test]
    fn no_module_logger() {
        assert_fixture!(
            "logging/FAPI803_no_module_logger.py",
            LinterSettings::for_rules([Rule::RootLoggerCall])
        );
    }

    #[test]
    fn module_without_fastapi() {
        assert_fixture!(
            "logging/FAPI803_script.py",
            LinterSettings::for_rules([Rule::RootLoggerCall])
        );
    }
}
