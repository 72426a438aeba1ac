use ruff_python_ast::statement_visitor::{self, StatementVisitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use crate::checker::{Checker, Frame};
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::fastapi::{BACKGROUND_TASKS, FunctionRole};
use crate::registry::{Rule, rule_docs};
use crate::rules::name_glob;

rule_docs! {
    /// ## What it does
    /// Checks for side effects the client does not need to wait for, such as sending an
    /// email or a notification, calling a webhook or recording an analytics event, done in a
    /// route before it returns its response.
    ///
    /// A call is reported when it is a statement of its own (its result is not used) in a
    /// route, awaited or not, and the last segment of its name matches a side-effect pattern:
    /// `send_*email*`, `send_mail`, `*notify*`, `send_sms`, `send_push*`, `*webhook*`,
    /// `log_event`, `track*` (case-insensitive). Not reported: calls whose result is used;
    /// `add_task(...)` itself; code in functions scheduled as background tasks; calls a `try`
    /// with `except` clauses wraps on their own (at most two statements: the route handles the
    /// failure, so the outcome is part of the response); logging calls (`logger.*`, `logging.*`); calls handed the route's
    /// `BackgroundTasks`; and names that manage or defer rather than perform the side effect
    /// (`create_webhook`, `verify_webhook_signature`, `enqueue_webhook_event`,
    /// `send_email_in_background`, `get_*`, …).
    ///
    /// The rule goes by names, so it is in preview while its precision is measured on real
    /// code.
    ///
    /// ## Why is this bad?
    /// Everything a route awaits happens before the response is sent: a confirmation email
    /// that takes two seconds to hand over to the SMTP server makes every sign-up take two
    /// seconds longer, and an outage of the mail provider turns into failed sign-ups. FastAPI's
    /// `BackgroundTasks` runs such work right after the response has been sent. Keep them for
    /// small fire-and-forget work: background tasks are not retried and are lost when the
    /// process stops, so anything that must happen belongs in a task queue.
    ///
    /// ## Example
    /// ```python
    /// from fastapi import FastAPI
    ///
    /// app = FastAPI()
    ///
    ///
    /// @app.post("/register")
    /// async def register(user: UserCreate):
    ///     await send_welcome_email(user.email)
    ///     return {"message": "OK"}
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// from fastapi import BackgroundTasks, FastAPI
    ///
    /// app = FastAPI()
    ///
    ///
    /// @app.post("/register")
    /// async def register(user: UserCreate, background_tasks: BackgroundTasks):
    ///     background_tasks.add_task(send_welcome_email, user.email)
    ///     return {"message": "OK"}
    /// ```
    ///
    /// ## Fix safety
    /// When the route already has a `BackgroundTasks` parameter, the fix turns the call into
    /// `background_tasks.add_task(callee, <same arguments>)`. It is unsafe: the side effect
    /// then happens after the response, so its failures no longer reach the client and code
    /// later in the route no longer sees its effect.
    ///
    /// ## Options
    /// - `lint.responsiveness.side-effect-patterns`: replaces the built-in patterns
    /// - `lint.responsiveness.extend-side-effect-patterns`: adds patterns
    ///
    /// ## References
    /// - fastapi-lint practices, 5: "Don't make your users wait"
    /// - [FastAPI: Background Tasks](https://fastapi.tiangolo.com/tutorial/background-tasks/)
    pub struct SideEffectBeforeResponse;
}

/// First words of names that configure, inspect or defer a side effect rather than perform
/// it: `create_webhook` stores a webhook, `verify_webhook_signature` must finish before
/// answering, `enqueue_webhook_event` already hands the work to a queue.
const NOT_PERFORMING_VERBS: &[&str] = &[
    "get",
    "fetch",
    "load",
    "read",
    "list",
    "find",
    "create",
    "update",
    "delete",
    "remove",
    "register",
    "unregister",
    "add",
    "save",
    "set",
    "verify",
    "validate",
    "check",
    "parse",
    "subscribe",
    "unsubscribe",
    "enqueue",
    "queue",
    "schedule",
];
/// Receivers whose `notify` wakes up a waiting task: synchronisation, not a message.
const CONDITIONS: &[&str] = &[
    "asyncio.Condition",
    "asyncio.locks.Condition",
    "threading.Condition",
];
/// Modules whose functions log (`logging.info`, `structlog.get_logger().info`).
const LOGGING_MODULES: &[&str] = &["logging", "structlog", "loguru"];

pub(super) fn check(checker: &mut Checker, statement: &ast::StmtExpr) {
    let Some(Frame::Function(route)) = checker.innermost_frame() else {
        return;
    };
    let roles = checker.fastapi().roles(route);
    if !roles.contains(FunctionRole::Route) || roles.contains(FunctionRole::BackgroundTask) {
        return;
    }
    let call = match statement.value.as_ref() {
        Expr::Call(call) => call,
        Expr::Await(awaited) => match awaited.value.as_ref() {
            Expr::Call(call) => call,
            _ => return,
        },
        _ => return,
    };
    let Some(name) = last_segment(&call.func) else {
        return;
    };
    if !is_side_effect_name(checker, name)
        || is_logging_call(checker, &call.func)
        || is_condition_notify(checker, &call.func)
        || is_in_try_with_handlers(route, statement)
        || passes_background_tasks(checker, call)
    {
        return;
    }
    let callee = checker.slice(call.func.range());
    let tasks = background_tasks_parameter(checker, route);
    let scheduler = tasks.unwrap_or("background_tasks");
    let parameter_hint = if tasks.is_some() {
        ""
    } else {
        " and a `BackgroundTasks` parameter"
    };
    let diagnostic = Diagnostic::new(
        Rule::SideEffectBeforeResponse,
        format!(
            "Side effect `{callee}(...)` in route `{route}` delays the response: the client waits for work it does not need; \
             schedule it with `{scheduler}.add_task({callee}, ...)`{parameter_hint}",
            route = route.name.as_str(),
        ),
        call.func.range(),
    );
    let diagnostic = match tasks {
        Some(tasks) => with_fix(checker, diagnostic, statement.value.range(), call, tasks),
        None => diagnostic,
    };
    checker.report(diagnostic);
}

/// Replaces `[await] callee(args)` with `tasks.add_task(callee, args)`. Not offered when the
/// call passes `func=`, which `add_task` would take as its own parameter.
fn with_fix(
    checker: &Checker,
    diagnostic: Diagnostic,
    statement: TextRange,
    call: &ast::ExprCall,
    tasks: &str,
) -> Diagnostic {
    if call.arguments.find_keyword("func").is_some() {
        return diagnostic;
    }
    let callee = checker.slice(call.func.range());
    // The text between the parentheses, comments and trailing comma included.
    let inner = checker.slice(call.arguments.inner_range());
    let replacement = if inner.trim().is_empty() {
        format!("{tasks}.add_task({callee})")
    } else {
        // Arguments on their own lines keep their layout: no space before the line break.
        let separator = if inner.starts_with(char::is_whitespace) {
            ","
        } else {
            ", "
        };
        format!("{tasks}.add_task({callee}{separator}{inner})")
    };
    diagnostic.with_fix(
        format!("Schedule with `{tasks}.add_task(...)`"),
        Fix::unsafe_edit(Edit::range_replacement(replacement, statement)),
    )
}

/// `send_verification(background_tasks, email)`: the callee receives the request's
/// `BackgroundTasks` and schedules the work itself.
fn passes_background_tasks(checker: &Checker, call: &ast::ExprCall) -> bool {
    let semantic = checker.semantic();
    call.arguments.iter_source_order().any(|argument| {
        semantic
            .instance_type(argument.value(), checker.scope())
            .is_some_and(|class| BACKGROUND_TASKS.contains(&class.as_str()))
    })
}

/// Whether the statement is one of at most two statements of a `try` with `except` clauses:
/// a `try` that wraps the side effect itself means the route reacts to it failing (often with
/// an `HTTPException`), so its outcome is part of the response. A `try` around a whole route
/// body is generic error handling and does not count.
fn is_in_try_with_handlers(route: &ast::StmtFunctionDef, statement: &ast::StmtExpr) -> bool {
    struct Finder {
        target: TextRange,
        found: bool,
    }
    impl StatementVisitor<'_> for Finder {
        fn visit_stmt(&mut self, stmt: &Stmt) {
            if self.found || !stmt.range().contains_range(self.target) {
                return;
            }
            if let Stmt::Try(try_stmt) = stmt
                && !try_stmt.handlers.is_empty()
                && try_stmt.body.len() <= 2
                && try_stmt
                    .body
                    .iter()
                    .any(|inner| inner.range() == self.target)
            {
                self.found = true;
                return;
            }
            // Nested functions are other scopes: the rule never reports inside them.
            if !matches!(stmt, Stmt::FunctionDef(_) | Stmt::ClassDef(_)) {
                statement_visitor::walk_stmt(self, stmt);
            }
        }
    }
    let mut finder = Finder {
        target: statement.range(),
        found: false,
    };
    finder.visit_body(&route.body);
    finder.found
}

/// `send_email` in `send_email(...)`, `mailer.send_email(...)` and `get_mailer().send_email(...)`.
fn last_segment(callee: &Expr) -> Option<&str> {
    match callee {
        Expr::Name(name) => Some(name.id.as_str()),
        Expr::Attribute(attribute) => Some(attribute.attr.id.as_str()),
        _ => None,
    }
}

fn is_side_effect_name(checker: &Checker, name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    if name == "add_task" {
        return false;
    }
    let first_word = name
        .trim_start_matches('_')
        .split('_')
        .next()
        .unwrap_or_default();
    // `send_email_in_background(...)`: the helper defers the work itself.
    if NOT_PERFORMING_VERBS.contains(&first_word) || name.contains("background") {
        return false;
    }
    checker
        .settings()
        .responsiveness
        .side_effect_patterns()
        .any(|pattern| name_glob::matches(pattern, &name))
}

/// `logger.info(...)`, `self.log.track(...)`, `logging.log_event(...)`: a logging call, which
/// only hands a record to a handler. Receivers are recognised by their name too, since
/// silencing a logger costs nothing in precision.
fn is_logging_call(checker: &Checker, callee: &Expr) -> bool {
    let Expr::Attribute(attribute) = callee else {
        return false;
    };
    let receiver = &attribute.value;
    let from_logging_module = |qualified: String| {
        LOGGING_MODULES
            .iter()
            .any(|module| qualified == *module || qualified.starts_with(&format!("{module}.")))
    };
    if checker
        .qualified_name(receiver)
        .is_some_and(from_logging_module)
        || checker
            .semantic()
            .instance_type(receiver, checker.scope())
            .is_some_and(from_logging_module)
    {
        return true;
    }
    last_segment(receiver).is_some_and(|name| {
        let name = name.trim_start_matches('_').to_ascii_lowercase();
        name == "log" || name.ends_with("logger") || name == "logging"
    })
}

/// `condition.notify()` on an `asyncio.Condition` / `threading.Condition`.
fn is_condition_notify(checker: &Checker, callee: &Expr) -> bool {
    let Expr::Attribute(attribute) = callee else {
        return false;
    };
    checker
        .semantic()
        .instance_type(&attribute.value, checker.scope())
        .is_some_and(|class| CONDITIONS.contains(&class.as_str()))
}

/// The name of the route's `BackgroundTasks` parameter, when it has one.
fn background_tasks_parameter<'a>(
    checker: &Checker,
    route: &'a ast::StmtFunctionDef,
) -> Option<&'a str> {
    let semantic = checker.semantic();
    // Parameter annotations are evaluated where the `def` statement is.
    let outer = semantic
        .function_scope(route)
        .and_then(|scope| semantic.scope(scope).parent)?;
    route
        .parameters
        .iter_non_variadic_params()
        .find_map(|parameter| {
            let annotation = parameter.annotation()?;
            let class = semantic.annotation_type(annotation, outer)?;
            BACKGROUND_TASKS
                .contains(&class.as_str())
                .then(|| parameter.name().as_str())
        })
}

#[cfg(test)]
mod tests {
    use crate::registry::Rule;
    use crate::rules::responsiveness::ResponsivenessOptions;
    use crate::settings::LinterSettings;
    use crate::test_support::{assert_fixture, fixture_path, render_source};
    use ruff_text_size::Ranged;

    fn settings() -> LinterSettings {
        LinterSettings::for_rules([Rule::SideEffectBeforeResponse])
    }

    #[test]
    fn fixture() {
        assert_fixture!("responsiveness/FAPI301.py", settings());
    }

    const CONFIGURED: &str = r#"
from fastapi import FastAPI

app = FastAPI()


@app.post("/orders")
async def create_order(order: dict):
    await publish_order_created(order)
    await send_email(order)
    return order
"#;

    #[test]
    fn configured_patterns_replace_or_extend_the_defaults() {
        let render = |responsiveness| {
            render_source(
                CONFIGURED,
                None,
                "test.py",
                &LinterSettings {
                    responsiveness: std::sync::Arc::new(responsiveness),
                    ..settings()
                },
            )
        };
        let replaced = render(ResponsivenessOptions {
            side_effect_patterns: vec!["PUBLISH_*".to_string()],
            extend_side_effect_patterns: Vec::new(),
        });
        assert!(
            replaced.contains("`publish_order_created(...)`")
                && !replaced.contains("`send_email(...)`"),
            "{replaced}"
        );
        let extended = render(ResponsivenessOptions {
            extend_side_effect_patterns: vec!["publish_*".to_string()],
            ..ResponsivenessOptions::default()
        });
        assert!(
            extended.contains("`publish_order_created(...)`")
                && extended.contains("`send_email(...)`"),
            "{extended}"
        );
    }

    /// The fixes applied to the fixture must leave a module that parses.
    #[test]
    fn fixed_fixture_parses() {
        let source = std::fs::read_to_string(fixture_path("responsiveness/FAPI301.py")).unwrap();
        let diagnostics = crate::test_support::diagnostics(&source, None, &settings());
        let mut edits: Vec<_> = diagnostics
            .iter()
            .filter_map(|diagnostic| diagnostic.fix.as_ref())
            .flat_map(|fix| fix.edits().iter())
            .collect();
        assert!(!edits.is_empty());
        edits.sort_by_key(|edit| std::cmp::Reverse(edit.range().start()));
        let mut fixed = source;
        for edit in edits {
            fixed.replace_range(
                edit.range().start().to_usize()..edit.range().end().to_usize(),
                edit.content().unwrap_or_default(),
            );
        }
        assert!(ruff_python_parser::parse_module(&fixed).is_ok(), "{fixed}");
        assert!(
            fixed.contains("tasks.add_task(send_email, user.email)"),
            "{fixed}"
        );
    }
}
