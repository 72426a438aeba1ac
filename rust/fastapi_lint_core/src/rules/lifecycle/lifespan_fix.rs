//! FAPI603's fix: replace a module's `@app.on_event(...)` handlers with a `lifespan` that calls
//! them, when every event registration of the module is such a decorator on the same app.

use std::fmt::Write as _;

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};

use super::on_event_handler::{event_keywords, is_app_or_router_class, on_event_receiver};
use crate::checker::Checker;
use crate::diagnostic::{Edit, Fix};
use crate::fastapi::{APP_CLASSES, is_app_or_router};
use crate::rules::imports::import_member;
use crate::semantic::{Binding, BindingKind, ScopeId};

/// The name of the function the fix writes.
const LIFESPAN: &str = "lifespan";
/// The lifespan's parameter.
const APP_PARAMETER: &str = "app";

/// A handler the lifespan will call.
struct Handler<'a> {
    function: &'a ast::StmtFunctionDef,
    decorator: &'a ast::Decorator,
    startup: bool,
}

/// The fix for the `on_event` decorator `call`, when the module allows it.
pub(super) fn for_decorator(checker: &Checker, call: &ast::ExprCall) -> Option<Fix> {
    let semantic = checker.semantic();
    let receiver = on_event_receiver(semantic, call, checker.scope())?;
    let app = semantic.binding_of_name(receiver, checker.scope())?;
    let (app_statement, app_call) = app_creation(checker, app)?;
    if !semantic
        .scope(ScopeId::MODULE)
        .bindings_of(LIFESPAN)
        .is_empty()
    {
        return None;
    }
    let handlers = event_handlers(checker, app)?;
    if handlers
        .iter()
        .any(|handler| handler.function.name.as_str() == APP_PARAMETER)
    {
        return None;
    }
    let at = app_statement.start();
    let (import, decorator_name) =
        import_member(checker, "contextlib", "asynccontextmanager", at).ok()?;
    let lifespan = Edit::insertion(
        lifespan_source(
            checker,
            at,
            &handlers,
            &decorator_name,
            checker.slice(app_call.func.range()),
        ),
        at,
    );
    let pass_lifespan = pass_lifespan(app_call)?;
    let remove_decorators = handlers.iter().map(|handler| {
        Edit::range_deletion(whole_line(checker.source(), handler.decorator.range()))
    });
    Some(Fix::unsafe_edits(
        lifespan,
        [pass_lifespan, import].into_iter().chain(remove_decorators),
    ))
}

/// The module-level `app = FastAPI(...)` statement that binds `app`, and its call, when the call
/// leaves room for a lifespan: no `lifespan=`, no event keywords, no `**kwargs`.
fn app_creation<'a>(
    checker: &Checker<'a>,
    app: &Binding<'a>,
) -> Option<(&'a Stmt, &'a ast::ExprCall)> {
    let BindingKind::Assignment {
        value: Expr::Call(call),
    } = app.kind
    else {
        return None;
    };
    if app.scope != ScopeId::MODULE
        || !checker
            .semantic()
            .resolves_to(&call.func, ScopeId::MODULE, APP_CLASSES)
    {
        return None;
    }
    let keywords = &call.arguments.keywords;
    if keywords.iter().any(|keyword| {
        keyword
            .arg
            .as_ref()
            .is_none_or(|arg| arg.as_str() == LIFESPAN)
    }) || event_keywords(call).next().is_some()
    {
        return None;
    }
    let statement = checker.module_body().iter().find(|stmt| match stmt {
        Stmt::Assign(assign) => {
            assign.value.range() == call.range()
                && matches!(assign.targets.as_slice(), [Expr::Name(_)])
        }
        _ => false,
    })?;
    starts_line(checker.source(), statement.start()).then_some((statement, call))
}

/// Every event registration of the module, when all of them are `on_event` decorators on
/// `app` of plain module-level functions (so the lifespan replaces them all).
fn event_handlers<'a>(checker: &Checker<'a>, app: &Binding<'a>) -> Option<Vec<Handler<'a>>> {
    let semantic = checker.semantic();
    let mut decorators = Vec::new();
    for (call, scope) in semantic.calls() {
        if let Expr::Attribute(method) = call.func.as_ref() {
            let registers = matches!(method.attr.as_str(), "on_event" | "add_event_handler");
            if registers && is_app_or_router(semantic, &method.value, *scope) {
                if method.attr.as_str() == "add_event_handler" || *scope != ScopeId::MODULE {
                    return None;
                }
                let receiver = semantic.binding_of_name(&method.value, *scope)?;
                if receiver.range != app.range {
                    return None;
                }
                decorators.push(*call);
            }
        } else if semantic
            .qualified_name(&call.func, *scope)
            .is_some_and(|class| is_app_or_router_class(&class))
            && event_keywords(call).next().is_some()
        {
            return None;
        }
    }
    decorators
        .iter()
        .map(|call| module_handler(checker, call))
        .collect()
}

/// The module-level function `call` decorates, when it is its only decorator, the event is a
/// literal `"startup"`/`"shutdown"` and the function's name is bound once.
fn module_handler<'a>(checker: &Checker<'a>, call: &ast::ExprCall) -> Option<Handler<'a>> {
    let (function, decorator) = checker.module_body().iter().find_map(|stmt| match stmt {
        Stmt::FunctionDef(function) => match function.decorator_list.as_slice() {
            [decorator] if decorator.expression.range() == call.range() => {
                Some((function, decorator))
            }
            _ => None,
        },
        _ => None,
    })?;
    if checker
        .semantic()
        .scope(ScopeId::MODULE)
        .bindings_of(function.name.as_str())
        .len()
        != 1
        || call.arguments.len() != 1
    {
        return None;
    }
    let event = call
        .arguments
        .find_argument_value("event_type", 0)?
        .as_string_literal_expr()?;
    let startup = match event.value.to_str() {
        "startup" => true,
        "shutdown" => false,
        _ => return None,
    };
    Some(Handler {
        function,
        decorator,
        startup,
    })
}

/// ```python
/// @asynccontextmanager
/// async def lifespan(app: FastAPI):
///     await connect()
///     yield
///     close()
///
///
/// ```
fn lifespan_source(
    checker: &Checker,
    at: TextSize,
    handlers: &[Handler],
    decorator: &str,
    app_class: &str,
) -> String {
    let stylist = checker.stylist();
    let newline = stylist.line_ending().as_str();
    let indent = stylist.indentation().as_str();
    let mut source = blank_lines_before(checker.source(), at, newline);
    let _ = write!(
        source,
        "@{decorator}{newline}async def {LIFESPAN}({APP_PARAMETER}: {app_class}):{newline}"
    );
    let calls = |startup: bool| {
        handlers
            .iter()
            .filter(move |handler| handler.startup == startup)
            .map(move |handler| {
                let awaited = if handler.function.is_async {
                    "await "
                } else {
                    ""
                };
                format!(
                    "{indent}{awaited}{name}(){newline}",
                    name = handler.function.name.as_str()
                )
            })
    };
    source.extend(calls(true));
    let _ = write!(source, "{indent}yield{newline}");
    source.extend(calls(false));
    source.push_str(newline);
    source.push_str(newline);
    source
}

/// The line breaks that give the lifespan two blank lines above it, as PEP 8 asks for
/// top-level definitions.
fn blank_lines_before(source: &str, at: TextSize, newline: &str) -> String {
    let before = &source[..at.to_usize()];
    if before.trim().is_empty() {
        return String::new();
    }
    let blank = before
        .lines()
        .rev()
        .take_while(|line| line.trim().is_empty())
        .count();
    newline.repeat(2usize.saturating_sub(blank))
}

/// `lifespan=lifespan` added as the last argument of the `FastAPI(...)` call.
fn pass_lifespan(call: &ast::ExprCall) -> Option<Edit> {
    let argument = format!("{LIFESPAN}={LIFESPAN}");
    let last = call
        .arguments
        .args
        .iter()
        .map(Ranged::end)
        .chain(call.arguments.keywords.iter().map(Ranged::end))
        .max();
    Some(match last {
        Some(end) => Edit::insertion(format!(", {argument}"), end),
        None => Edit::insertion(
            argument,
            call.arguments.end().checked_sub(TextSize::from(1))?,
        ),
    })
}

/// `range` extended to the start of the next line, so deleting it leaves no blank line.
fn whole_line(source: &str, range: TextRange) -> TextRange {
    let rest = &source[range.end().to_usize()..];
    let to_next_line = rest.find('\n').map_or(rest.len(), |newline| newline + 1);
    TextRange::new(
        range.start(),
        range.end() + TextSize::try_from(to_next_line).unwrap_or_default(),
    )
}

fn starts_line(source: &str, offset: TextSize) -> bool {
    source[..offset.to_usize()]
        .chars()
        .next_back()
        .is_none_or(|previous| previous == '\n' || previous == '\r')
}
