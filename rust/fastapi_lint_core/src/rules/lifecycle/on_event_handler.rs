use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::Ranged;

use super::lifespan_fix;
use crate::checker::Checker;
use crate::diagnostic::Diagnostic;
use crate::fastapi::{APP_CLASSES, ROUTER_CLASSES, is_app_or_router};
use crate::registry::{Rule, rule_docs};
use crate::semantic::{BindingKind, ScopeId, SemanticModel};

rule_docs! {
    /// ## What it does
    /// Checks for FastAPI's deprecated startup and shutdown event handlers, which a `lifespan`
    /// replaces.
    ///
    /// It reports `@app.on_event("startup")` / `@app.on_event("shutdown")` on a FastAPI app or
    /// `APIRouter`, `app.add_event_handler(...)`, and `FastAPI(on_startup=[...],
    /// on_shutdown=[...])` / `APIRouter(on_startup=...)`.
    ///
    /// An `on_event` handler on an app that was given a `lifespan` is reported as dead code:
    /// FastAPI never calls it.
    ///
    /// The message points handlers of an app to `FastAPI(lifespan=...)` and handlers of a
    /// router to `APIRouter(lifespan=...)`: FastAPI runs a router's lifespan with the app's
    /// when the router is included.
    ///
    /// ## Why is this bad?
    /// FastAPI deprecated event handlers in favour of a `lifespan` context manager. With
    /// separate startup and shutdown functions, whatever startup creates (a database pool, an
    /// HTTP client, a loaded model) must be passed to shutdown through globals. A lifespan is
    /// one function: resources are opened before its `yield`, closed after it, and can be
    /// handed to requests through the lifespan state. An app that is given a `lifespan` also
    /// ignores its event handlers, so the two do not mix.
    ///
    /// ## Example
    /// ```python
    /// from fastapi import FastAPI
    ///
    /// app = FastAPI()
    ///
    ///
    /// @app.on_event("startup")
    /// async def connect():
    ///     await database.connect()
    ///
    ///
    /// @app.on_event("shutdown")
    /// async def disconnect():
    ///     await database.disconnect()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// from contextlib import asynccontextmanager
    ///
    /// from fastapi import FastAPI
    ///
    ///
    /// @asynccontextmanager
    /// async def lifespan(app: FastAPI):
    ///     await database.connect()
    ///     yield
    ///     await database.disconnect()
    ///
    ///
    /// app = FastAPI(lifespan=lifespan)
    /// ```
    ///
    /// ## Fix safety
    /// For `@app.on_event(...)` decorators, a fix writes a `lifespan` that calls the handlers
    /// (startup handlers before the `yield`, shutdown handlers after it, each in source order,
    /// awaiting the `async` ones), removes the decorators, passes `lifespan=lifespan` to the
    /// `FastAPI(...)` call and imports `contextlib.asynccontextmanager`. It is offered only when
    /// every event handler of the module is a module-level function decorated with nothing
    /// but `on_event` of the same app, the app is created in the same module by a
    /// `FastAPI(...)` call without `lifespan=`, `on_startup=` or `**kwargs`, and the name
    /// `lifespan` is free.
    ///
    /// The fix is unsafe: once the app has a lifespan, Starlette ignores event handlers that
    /// other modules add to it (for example through routers with `on_event` handlers that are
    /// included into the app), and a shutdown handler no longer runs when a startup handler
    /// fails.
    ///
    /// ## References
    /// - fastapi-lint practices, 12: "Use the new lifespan event for managing app level resources"
    /// - [FastAPI: Lifespan Events](https://fastapi.tiangolo.com/advanced/events/)
    /// - [FastAPI: Alternative Events (deprecated)](https://fastapi.tiangolo.com/advanced/events/#alternative-events-deprecated)
    /// - [Starlette discussion #2192: a lifespan silently disables startup and shutdown handlers](https://github.com/encode/starlette/discussions/2192)
    pub struct OnEventHandler;
}

/// What to do instead, for handlers of an app or of a router (`APIRouter(lifespan=...)`,
/// whose lifespan runs with the app's once the router is included).
const fn advice(router: bool) -> &'static str {
    if router {
        "move the code into a `lifespan` context manager passed to `APIRouter(lifespan=...)`"
    } else {
        "move the code into a `lifespan` context manager passed to `FastAPI(lifespan=...)`"
    }
}

/// Whether `expr` is an `APIRouter`, not an app.
fn is_router(semantic: &SemanticModel, expr: &Expr, scope: ScopeId) -> bool {
    semantic
        .instance_type(expr, scope)
        .is_some_and(|class| ROUTER_CLASSES.contains(&class.as_str()))
}

/// `@app.on_event(...)` decorators.
pub(super) fn check_decorators(checker: &mut Checker, function: &ast::StmtFunctionDef) {
    for decorator in &function.decorator_list {
        let Some(call) = decorator.expression.as_call_expr() else {
            continue;
        };
        let Some(receiver) = on_event_receiver(checker.semantic(), call, checker.scope()) else {
            continue;
        };
        if has_lifespan(checker.semantic(), receiver, checker.scope()) {
            let message = format!(
                "`{function}` never runs: its app has a `lifespan`, and FastAPI then ignores `on_event` handlers; \
                 move the code into the lifespan",
                function = function.name.as_str(),
            );
            checker.report(Diagnostic::new(
                Rule::OnEventHandler,
                message,
                decorator.range(),
            ));
            continue;
        }
        let message = format!(
            "`{decorator}` registers `{function}` as a deprecated event handler, which cannot share resources between \
             startup and shutdown; {advice}",
            decorator = checker.slice(decorator.range()),
            function = function.name.as_str(),
            advice = advice(is_router(checker.semantic(), receiver, checker.scope())),
        );
        let diagnostic = Diagnostic::new(Rule::OnEventHandler, message, decorator.range());
        let diagnostic = match lifespan_fix::for_decorator(checker, call) {
            Some(fix) => diagnostic.with_fix("Replace the event handlers with a `lifespan`", fix),
            None => diagnostic,
        };
        checker.report(diagnostic);
    }
}

/// `app.add_event_handler(...)` and `FastAPI(on_startup=...)` / `APIRouter(on_shutdown=...)`.
pub(super) fn check_call(checker: &mut Checker, call: &ast::ExprCall) {
    let semantic = checker.semantic();
    let scope = checker.scope();
    if let Expr::Attribute(method) = call.func.as_ref() {
        if method.attr.as_str() == "add_event_handler"
            && is_app_or_router(semantic, &method.value, scope)
        {
            let message = format!(
                "`{method}` registers a deprecated event handler, which cannot share resources between startup and shutdown; {advice}",
                method = checker.slice(call.func.range()),
                advice = advice(is_router(semantic, &method.value, scope)),
            );
            checker.report(Diagnostic::new(
                Rule::OnEventHandler,
                message,
                call.func.range(),
            ));
        }
        return;
    }
    let Some(class) = semantic.qualified_name(&call.func, scope) else {
        return;
    };
    if !is_app_or_router_class(&class) {
        return;
    }
    let router = ROUTER_CLASSES.contains(&class.as_str());
    for keyword in event_keywords(call) {
        let message = format!(
            "`{argument}=` registers deprecated event handlers, which cannot share resources between startup and shutdown; {advice}",
            argument = keyword.arg.as_ref().map_or("", |arg| arg.as_str()),
            advice = advice(router),
        );
        checker.report(Diagnostic::new(
            Rule::OnEventHandler,
            message,
            keyword.range(),
        ));
    }
}

/// The receiver of `<app or router>.on_event(...)`.
pub(super) fn on_event_receiver<'a>(
    semantic: &SemanticModel,
    call: &'a ast::ExprCall,
    scope: ScopeId,
) -> Option<&'a Expr> {
    let Expr::Attribute(method) = call.func.as_ref() else {
        return None;
    };
    (method.attr.as_str() == "on_event" && is_app_or_router(semantic, &method.value, scope))
        .then_some(&method.value)
}

/// Whether `app` is bound to a `FastAPI(lifespan=...)` call: Starlette then runs only the
/// lifespan, never the event handlers.
fn has_lifespan(semantic: &SemanticModel, app: &Expr, scope: ScopeId) -> bool {
    let Some(binding) = semantic.binding_of_name(app, scope) else {
        return false;
    };
    let BindingKind::Assignment {
        value: Expr::Call(call),
    } = binding.kind
    else {
        return false;
    };
    semantic.resolves_to(&call.func, binding.scope, APP_CLASSES)
        && call
            .arguments
            .find_keyword("lifespan")
            .is_some_and(|keyword| !keyword.value.is_none_literal_expr())
}

pub(super) fn is_app_or_router_class(qualified: &str) -> bool {
    APP_CLASSES.contains(&qualified) || ROUTER_CLASSES.contains(&qualified)
}

/// The `on_startup=` / `on_shutdown=` keywords of an app or router constructor that register
/// something (not `None` or an empty list).
pub(super) fn event_keywords(call: &ast::ExprCall) -> impl Iterator<Item = &ast::Keyword> {
    call.arguments.keywords.iter().filter(|keyword| {
        let is_event = keyword
            .arg
            .as_ref()
            .is_some_and(|arg| matches!(arg.as_str(), "on_startup" | "on_shutdown"));
        let registers = match &keyword.value {
            Expr::NoneLiteral(_) => false,
            Expr::List(ast::ExprList { elts, .. }) | Expr::Tuple(ast::ExprTuple { elts, .. }) => {
                !elts.is_empty()
            }
            _ => true,
        };
        is_event && registers
    })
}

#[cfg(test)]
mod tests {
    use ruff_python_parser::parse_module;
    use ruff_text_size::Ranged;

    use crate::registry::Rule;
    use crate::settings::LinterSettings;
    use crate::test_support::{assert_fixture, fixture_path};

    fn settings() -> LinterSettings {
        LinterSettings::for_rules([Rule::OnEventHandler])
    }

    #[test]
    fn fixture() {
        assert_fixture!("lifecycle/FAPI603.py", settings());
    }

    #[test]
    fn fix_fixture() {
        assert_fixture!("lifecycle/FAPI603_fix.py", settings());
    }

    /// The source with the first fix of its findings applied (edits spliced from the end, as
    /// Ruff applies them), checked to parse; `None` when no finding has a fix.
    fn apply_first_fix(source: &str) -> Option<String> {
        let diagnostics = crate::test_support::diagnostics(source, None, &settings());
        let fix = diagnostics
            .iter()
            .find_map(|diagnostic| diagnostic.fix.as_ref())?;
        let mut fixed = source.to_string();
        for edit in fix.edits().iter().rev() {
            fixed.replace_range(
                edit.range().start().to_usize()..edit.range().end().to_usize(),
                edit.content().unwrap_or_default(),
            );
        }
        parse_module(&fixed).unwrap_or_else(|error| panic!("{error}\n{fixed}"));
        Some(fixed)
    }

    #[test]
    fn fixed_fixture_parses_and_has_no_event_handlers_left() {
        let source =
            std::fs::read_to_string(fixture_path("lifecycle/FAPI603_fix.py")).expect("fixture");
        let fixed = apply_first_fix(&source).expect("a fix");
        assert!(
            crate::test_support::diagnostics(&fixed, None, &settings()).is_empty(),
            "{fixed}"
        );
        insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!("lifecycle__FAPI603_fix.py.fixed", fixed);
        });
    }

    #[test]
    fn fix_without_arguments_reuses_the_contextlib_import() {
        let source = "\
from contextlib import contextmanager
import fastapi

app = fastapi.FastAPI()


@app.on_event(\"shutdown\")
def close():
    pass
";
        let expected = "\
from contextlib import contextmanager, asynccontextmanager
import fastapi


@asynccontextmanager
async def lifespan(app: fastapi.FastAPI):
    yield
    close()


app = fastapi.FastAPI(lifespan=lifespan)


def close():
    pass
";
        assert_eq!(apply_first_fix(source).as_deref(), Some(expected));
    }

    #[test]
    fn no_fix_when_the_module_cannot_take_a_lifespan() {
        let header = "from fastapi import FastAPI\nimport functools\n";
        let handler = "\n@app.on_event(\"startup\")\ndef start():\n    pass\n";
        let cases = [
            // `lifespan` is taken.
            format!("{header}lifespan = None\napp = FastAPI(){handler}"),
            // The app already has a lifespan (and silently ignores the handler).
            format!("{header}app = FastAPI(lifespan=None){handler}"),
            // `**options` may hold a lifespan.
            format!("{header}options = {{}}\napp = FastAPI(**options){handler}"),
            // Another decorator on the handler.
            format!("{header}app = FastAPI()\n@functools.wraps(print){handler}"),
            // A second registration the lifespan would not replace.
            format!("{header}app = FastAPI(){handler}app.add_event_handler(\"shutdown\", start)\n"),
            // The handler's name is rebound, so the lifespan would call something else.
            format!("{header}app = FastAPI(){handler}start = None\n"),
            // An event name FastAPI does not know.
            format!("{header}app = FastAPI()\n@app.on_event(\"ready\")\ndef start():\n    pass\n"),
        ];
        for source in cases {
            assert_eq!(apply_first_fix(&source), None, "{source}");
        }
    }
}
