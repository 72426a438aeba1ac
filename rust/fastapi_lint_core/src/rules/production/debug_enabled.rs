use ruff_python_ast::{self as ast, ArgOrKeyword, CmpOp, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use super::{has_keyword_splat, literal_true_keyword};
use crate::checker::{Checker, Frame};
use crate::diagnostic::Diagnostic;
use crate::fastapi::APP_CLASSES;
use crate::registry::{Rule, rule_docs};
use crate::semantic::BindingKind;

rule_docs! {
    /// ## What it does
    /// Checks for debug mode switched on in code: `FastAPI(debug=True)`,
    /// `Starlette(debug=True)`, and `uvicorn.run(..., reload=True)` or
    /// `uvicorn.run(..., debug=True)`.
    ///
    /// `uvicorn.run` inside `if __name__ == "__main__":` (or in a function that block calls)
    /// is the usual way to start a development server with `python main.py` and is not
    /// reported: production servers import the app instead of running the module.
    ///
    /// Test modules (`test_*.py`, `*_test.py`, `conftest.py`, anything under `tests/`) are not
    /// checked: the apps they build are never deployed.
    ///
    /// ## Why is this bad?
    /// With `debug=True`, an unhandled exception returns the full traceback, with source lines
    /// and local values, to whoever made the request. The reloader watches the file system and
    /// restarts the server on every change: slow, memory hungry, and it runs a single worker.
    /// Both are development conveniences; hard-coded, they ship to production. Read them from
    /// your settings so each environment decides.
    ///
    /// ## Example
    /// ```python
    /// from fastapi import FastAPI
    ///
    /// app = FastAPI(debug=True)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// from fastapi import FastAPI
    ///
    /// from .config import settings
    ///
    /// app = FastAPI(debug=settings.debug)
    /// ```
    ///
    /// ## References
    /// - fastapi-lint practices, 6: "Disable Swagger and ReDoc in production" (production
    ///   configuration from settings)
    /// - [FastAPI: Settings and Environment Variables](https://fastapi.tiangolo.com/advanced/settings/)
    /// - [FastAPI: Debugging](https://fastapi.tiangolo.com/tutorial/debugging/)
    /// - [Uvicorn: Settings, development](https://www.uvicorn.org/settings/#development)
    pub struct DebugEnabled;
}

/// Application classes whose `debug` argument returns tracebacks to clients.
const STARLETTE_APP: &str = "starlette.applications.Starlette";
const UVICORN_RUN: &[&str] = &["uvicorn.run", "uvicorn.main.run"];

pub(super) fn check(checker: &mut Checker, call: &ast::ExprCall) {
    let Some(callee) = checker.callee_name(call) else {
        return;
    };
    if APP_CLASSES.contains(&callee) || callee == STARLETTE_APP {
        // `Starlette(debug, routes, ...)` also takes `debug` as its first positional argument.
        let debug = if callee == STARLETTE_APP {
            call.arguments.find_argument("debug", 0)
        } else {
            call.arguments.find_keyword("debug").map(ArgOrKeyword::from)
        };
        // Under an `if` the switch already depends on something (`if settings.DEBUG:`): that
        // is configuration, not debug mode left on.
        let conditional = checker
            .enclosing_statements(call.range())
            .iter()
            .any(|stmt| matches!(stmt, Stmt::If(_)));
        if let Some(debug) =
            debug.filter(|debug| super::is_literal_true(debug.value()) && !conditional)
        {
            let class = callee.rsplit('.').next().unwrap_or_default();
            checker.report(Diagnostic::new(
                Rule::DebugEnabled,
                format!(
                    "`{class}(debug=True)` returns tracebacks with source and local values to clients when a request fails; \
                     pass `debug` from settings"
                ),
                debug.range(),
            ));
        }
        return;
    }
    if !UVICORN_RUN.contains(&callee)
        || has_keyword_splat(call)
        || is_development_entry(checker, call)
    {
        return;
    }
    for (name, consequence) in [
        (
            "reload",
            "restarts the server on every file change and runs a single worker",
        ),
        ("debug", "returns tracebacks to clients"),
    ] {
        if let Some(keyword) = literal_true_keyword(call, name) {
            checker.report(Diagnostic::new(
                Rule::DebugEnabled,
                format!(
                    "`uvicorn.run(..., {name}=True)` outside the `__main__` guard {consequence}; \
                     pass `{name}` from settings, or call it under `if __name__ == \"__main__\":` for development"
                ),
                keyword.range(),
            ));
        }
    }
}

/// Whether the call runs only when the module is executed as a script: it sits in a
/// top-level `if __name__ == "__main__":` block, or in a module-level function such a block
/// calls.
fn is_development_entry(checker: &Checker, call: &ast::ExprCall) -> bool {
    let guards: Vec<TextRange> = checker
        .module_body()
        .iter()
        .filter_map(|stmt| match stmt {
            Stmt::If(guard) if is_main_guard(&guard.test) => Some(guard.range()),
            _ => None,
        })
        .collect();
    let in_guard = |range: TextRange| guards.iter().any(|guard| guard.contains_range(range));
    if in_guard(call.range()) {
        return true;
    }
    let Some(Frame::Function(function)) = checker.innermost_frame() else {
        return false;
    };
    let semantic = checker.semantic();
    semantic.calls().iter().any(|(caller, scope)| {
        in_guard(caller.range())
            && matches!(
                semantic.binding_of_name(&caller.func, *scope).map(|binding| &binding.kind),
                Some(BindingKind::FunctionDef(called)) if called.range() == function.range()
            )
    })
}

/// `__name__ == "__main__"`, either way round.
fn is_main_guard(test: &Expr) -> bool {
    let Expr::Compare(compare) = test else {
        return false;
    };
    let ([CmpOp::Eq], [right]) = (&*compare.ops, &*compare.comparators) else {
        return false;
    };
    let is_name = |expr: &Expr| matches!(expr, Expr::Name(name) if name.id.as_str() == "__name__");
    let is_main = |expr: &Expr| matches!(expr, Expr::StringLiteral(literal) if literal.value.to_str() == "__main__");
    (is_name(&compare.left) && is_main(right)) || (is_main(&compare.left) && is_name(right))
}

#[cfg(test)]
mod tests {
    use crate::registry::Rule;
    use crate::settings::LinterSettings;
    use crate::test_support::assert_fixture;

    #[test]
    fn fixture() {
        assert_fixture!(
            "production/FAPI402.py",
            LinterSettings::for_rules([Rule::DebugEnabled])
        );
    }
}
