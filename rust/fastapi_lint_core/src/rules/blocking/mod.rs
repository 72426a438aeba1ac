//! FAPI101–FAPI105, FAPI107: blocking calls inside `async def`.
//!
//! One classifier ([`catalogue`]) decides whether a call blocks and which rule it belongs to;
//! the rule files hold the documentation (and FAPI101 its fix). Only calls whose nearest
//! enclosing function is `async def` are looked at: a nested `def`, lambda or class body runs
//! elsewhere, and a function passed to `run_in_threadpool(fn, ...)` is not called here.

pub mod call_through_helper;
mod catalogue;
pub mod db;
pub mod file_io;
pub mod http;
pub(crate) mod resource;
pub mod sleep;
pub mod subprocess;
pub mod sync_primitive;

use ruff_python_ast::{self as ast, Stmt};
use ruff_text_size::{Ranged, TextRange};

use crate::checker::Checker;
use crate::diagnostic::Diagnostic;
use crate::fastapi::{FunctionRole, Roles};
use crate::project::names::{definition_name, module_name_or_main};
use crate::registry::{Rule, RuleSet};

/// The rules of this family (their codes start with `FAPI1`), for dispatch.
pub(crate) const RULES: RuleSet = RuleSet::with_code_prefix("FAPI1");

/// Extra blocking calls a project declares (`[tool.fastapi-lint.lint.blocking]`).
///
/// Entries are qualified names as the code imports them (`mylib.fetch`), or a class and a
/// method (`mylib.Client.fetch`, matched on instances the code proves: `c = mylib.Client()`,
/// a parameter annotated `mylib.Client`). An entry ending in `.*` matches every name under the
/// module or class (`mylib.*` matches `mylib.fetch` and `mylib.sub.fetch`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlockingOptions {
    /// Qualified names reported as blocking HTTP calls (FAPI102).
    pub extra_http_calls: Vec<String>,
    /// Qualified names reported as blocking file I/O (FAPI103).
    pub extra_file_calls: Vec<String>,
    /// Qualified names reported as blocking database calls (FAPI104).
    pub extra_db_calls: Vec<String>,
    /// Qualified names reported as blocking subprocess calls (FAPI105).
    pub extra_subprocess_calls: Vec<String>,
}

pub(crate) fn check_call(checker: &mut Checker, call: &ast::ExprCall) {
    // A lifespan or a start-up or shutdown handler runs once, while no request is served:
    // what it waits for stalls nobody.
    if checker
        .enclosing_async_function()
        .is_some_and(|function| runs_once(checker, function))
    {
        return;
    }
    let facts = checker.facts();
    if !facts.blocking_helpers.is_empty() && checker.is_enabled(Rule::BlockingCallThroughHelper) {
        call_through_helper::check(checker, call, facts);
    }
    let Some(function) = checker.enclosing_async_function() else {
        return;
    };
    if checker.is_enabled(Rule::SyncPrimitiveInAsync) {
        sync_primitive::check_call(checker, call, function);
    }
    if checker.is_awaited(call) {
        return;
    }
    let Some(blocking) = catalogue::classify(checker, call) else {
        return;
    };
    if !checker.is_enabled(blocking.rule) {
        return;
    }
    let roles = checker.fastapi().roles(function);
    let diagnostic = Diagnostic::new(
        blocking.rule,
        message(&blocking, function, roles),
        call.func.range(),
    );
    let diagnostic = if blocking.rule == Rule::BlockingSleepInAsync {
        sleep::with_fix(checker, call, function, diagnostic)
    } else {
        diagnostic
    };
    checker.report(diagnostic);
}

/// Whether the function runs once, outside requests: a lifespan or an event handler and
/// nothing that runs per request (a route, a dependency, ...), or, as the project index
/// found, a function only those call (`await run_database_startup()` in a lifespan).
fn runs_once(checker: &Checker, function: &ast::StmtFunctionDef) -> bool {
    if handles_lifecycle(checker.fastapi().roles(function)) {
        return true;
    }
    let facts = checker.facts();
    !facts.runs_once.is_empty()
        && checker
            .semantic()
            .function_scope(function)
            .and_then(|body| checker.semantic().scope(body).parent)
            .and_then(|scope| {
                let module = module_name_or_main(checker.semantic());
                definition_name(checker.semantic(), &module, function.name.as_str(), scope)
            })
            .is_some_and(|name| facts.runs_once.contains(&name))
}

/// Whether roles make a function run once, outside requests: a lifespan or an event handler,
/// and nothing that runs per request (a route, a dependency, ...).
pub(crate) fn handles_lifecycle(roles: Roles) -> bool {
    (roles.contains(FunctionRole::Lifespan) || roles.contains(FunctionRole::EventHandler))
        && [
            FunctionRole::Route,
            FunctionRole::WebSocket,
            FunctionRole::Middleware,
            FunctionRole::ExceptionHandler,
            FunctionRole::Dependency,
            FunctionRole::BackgroundTask,
        ]
        .into_iter()
        .all(|role| !roles.contains(role))
}

/// The rule and the wording (`` `requests.get` ``) of a call the FAPI101–105 catalogues
/// classify as blocking, wherever it is made: the project index records these in sync helpers.
pub(crate) fn blocking_call(checker: &Checker, call: &ast::ExprCall) -> Option<(Rule, String)> {
    catalogue::classify(checker, call).map(|blocking| (blocking.rule, blocking.what))
}

/// Called for every statement when a rule of this family is enabled: `with lock:` waits too.
pub(crate) fn check_stmt(checker: &mut Checker, stmt: &Stmt) {
    if let Stmt::With(with) = stmt
        && let Some(function) = checker
            .enclosing_async_function()
            .filter(|_| checker.is_enabled(Rule::SyncPrimitiveInAsync))
    {
        sync_primitive::check_with(checker, with, function);
    }
}

/// Reports a blocking call classified outside the catalogue (FAPI107), at `range`.
fn report(
    checker: &mut Checker,
    blocking: &catalogue::BlockingCall,
    range: TextRange,
    function: &ast::StmtFunctionDef,
) {
    let roles = checker.fastapi().roles(function);
    checker.report(Diagnostic::new(
        blocking.rule,
        message(blocking, function, roles),
        range,
    ));
}

/// ``Blocking HTTP call `requests.get` in async route `get_user` stalls the event loop; use
/// `httpx.AsyncClient`, or make the route a plain `def` ``. In a background task, the advice
/// does not send the work to `BackgroundTasks`, where it already is.
fn message(
    blocking: &catalogue::BlockingCall,
    function: &ast::StmtFunctionDef,
    roles: Roles,
) -> String {
    let role = roles.primary();
    let alternative = if roles.contains(FunctionRole::BackgroundTask) {
        catalogue::alternative_in_background_task(blocking)
    } else {
        blocking.alternative
    };
    let phrase = blocking
        .phrase
        .or_else(|| default_phrase(blocking.rule))
        .map(|phrase| format!("{phrase} "))
        .unwrap_or_default();
    let context = context(function, role);
    let tail = match role {
        Some(role) if runs_sync_in_threadpool(role) => {
            format!(", or make the {role} a plain `def`")
        }
        _ => String::new(),
    };
    format!(
        "Blocking {phrase}{what} in {context} stalls the event loop; use {alternative}{tail}",
        what = blocking.what,
    )
}

/// How a message names the function: "async route `get_user`", "async function `helper`".
pub(crate) fn context(function: &ast::StmtFunctionDef, role: Option<FunctionRole>) -> String {
    let name = function.name.as_str();
    match role {
        Some(role) => format!("async {role} `{name}`"),
        None => format!("async function `{name}`"),
    }
}

/// How a rule's message names the blocking call, before its name (`time.sleep` needs none).
const fn default_phrase(rule: Rule) -> Option<&'static str> {
    match rule {
        Rule::BlockingHttpInAsync => Some("HTTP call"),
        Rule::BlockingFileIoInAsync => Some("file I/O"),
        Rule::BlockingDbInAsync => Some("database call"),
        Rule::BlockingSubprocessInAsync => Some("subprocess call"),
        _ => None,
    }
}

/// Whether `FastAPI` (Starlette) runs a plain `def` in this role in its threadpool, so that
/// dropping `async` is a fix. Middleware, lifespans, websocket routes and startup handlers
/// must stay async or would run on the event loop anyway.
pub(crate) const fn runs_sync_in_threadpool(role: FunctionRole) -> bool {
    matches!(
        role,
        FunctionRole::Route
            | FunctionRole::Dependency
            | FunctionRole::BackgroundTask
            | FunctionRole::ExceptionHandler
    )
}

#[cfg(test)]
mod tests {
    use super::BlockingOptions;
    use crate::registry::Rule;
    use crate::settings::LinterSettings;
    use crate::test_support::render_source;

    const SOURCE: &str = r#"
import mylib
from mylib import Client
from storage import blobs


async def handler(client: Client):
    mylib.fetch('x')
    client.get('x')
    Client().close()
    blobs.sub.upload('x')
    mylib.parse('x')


def sync_handler():
    mylib.fetch('x')
"#;

    fn render(options: BlockingOptions) -> String {
        let settings = LinterSettings {
            blocking: std::sync::Arc::new(options),
            ..LinterSettings::for_rules(super::RULES.iter())
        };
        render_source(SOURCE, None, "test.py", &settings)
    }

    #[test]
    fn configured_extra_calls_are_reported() {
        let rendered = render(BlockingOptions {
            extra_http_calls: vec!["mylib.fetch".to_string(), "mylib.Client.get".to_string()],
            extra_file_calls: vec!["storage.*".to_string()],
            extra_db_calls: vec!["mylib.Client.close".to_string()],
            extra_subprocess_calls: Vec::new(),
        });
        insta::assert_snapshot!(rendered, @r"
        test.py:8:5: FAPI102 Blocking HTTP call `mylib.fetch` in async function `handler` stalls the event loop; use an async HTTP client such as `httpx.AsyncClient`
          range: 8:5-8:16
          |     mylib.fetch('x')
        test.py:9:5: FAPI102 Blocking HTTP call `mylib.Client.get` in async function `handler` stalls the event loop; use an async HTTP client such as `httpx.AsyncClient`
          range: 9:5-9:15
          |     client.get('x')
        test.py:10:5: FAPI104 Blocking database call `mylib.Client.close` in async function `handler` stalls the event loop; use an async client or `await run_in_threadpool(...)`
          range: 10:5-10:19
          |     Client().close()
        test.py:11:5: FAPI103 Blocking file I/O `storage.blobs.sub.upload` in async function `handler` stalls the event loop; use `aiofiles`, `anyio.Path` or `await run_in_threadpool(...)`
          range: 11:5-11:21
          |     blobs.sub.upload('x')
        ");
    }

    #[test]
    fn nothing_is_reported_without_configuration() {
        assert_eq!(render(BlockingOptions::default()), "(no findings)\n");
    }

    #[test]
    fn disabled_rules_stay_silent() {
        let settings = LinterSettings {
            blocking: std::sync::Arc::new(BlockingOptions {
                extra_http_calls: vec!["mylib.fetch".to_string()],
                ..BlockingOptions::default()
            }),
            ..LinterSettings::for_rules([Rule::BlockingSleepInAsync])
        };
        assert_eq!(
            render_source(SOURCE, None, "test.py", &settings),
            "(no findings)\n"
        );
    }
}
