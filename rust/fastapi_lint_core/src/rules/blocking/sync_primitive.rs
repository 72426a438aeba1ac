//! FAPI107: thread synchronisation and nested event loops inside `async def`.
//!
//! A primitive is recognised only when the code proves what it is: a name bound to
//! `threading.Lock()`, `queue.Queue()`, `executor.submit(...)`, … (assignment, `with … as`,
//! an annotated parameter), or such a call itself. `asyncio.Lock`, `asyncio.Queue` and friends
//! are different classes and never match.

use ruff_python_ast::{self as ast, Expr, Number};
use ruff_text_size::Ranged;

use super::catalogue::BlockingCall;
use crate::checker::Checker;
use crate::diagnostic::Diagnostic;
use crate::registry::{Rule, rule_docs};
use crate::semantic::{BindingKind, ScopeId, SemanticModel};

rule_docs! {
    /// ## What it does
    /// Checks for thread-level waits and nested event loops inside `async def` functions:
    /// `acquire()` on (or `with` over) a `threading.Lock`, `RLock`, `Semaphore`,
    /// `BoundedSemaphore` or `Condition`; `wait()` on a `threading.Event`, `Condition` or
    /// `Barrier`; `get()`, `put()` and `join()` on a `queue.Queue` (and `LifoQueue`,
    /// `PriorityQueue`, `SimpleQueue`); `join()` on a `threading.Thread`; `result()` on a
    /// `concurrent.futures` future returned by `executor.submit(...)` and
    /// `concurrent.futures.wait(...)`; and `asyncio.run(...)` or `loop.run_until_complete(...)`.
    ///
    /// Only objects the code proves are reported: a name bound to `threading.Lock()`,
    /// `queue.Queue()`, `executor.submit(...)` (where `executor` is a
    /// `ThreadPoolExecutor`/`ProcessPoolExecutor`) or `asyncio.new_event_loop()`, a
    /// `with … as` target, or a parameter annotated with the class. Calls that cannot wait
    /// (`acquire(blocking=False)`, `get(block=False)`, `get_nowait()`, `wait(timeout=0)`) are
    /// not reported, nor are `asyncio.Lock`, `asyncio.Queue` and other asyncio primitives, nor
    /// a lock the function itself has just made (no other thread can hold it yet).
    ///
    /// Lifespans and start-up or shutdown handlers are not checked, nor what only they call
    /// (across the project): they run once, while no request is served.
    ///
    /// ## Why is this bad?
    /// FastAPI runs `async def` routes and dependencies on the event loop's thread. A threading
    /// primitive waits by suspending that thread: until another thread releases the lock, puts
    /// an item or finishes, no other request is served. When the other side is itself a
    /// coroutine on the same loop, it can never run, and the application deadlocks.
    ///
    /// `asyncio.run(...)` and `loop.run_until_complete(...)` start a second event loop inside
    /// the running one: `asyncio.run` raises `RuntimeError`, and a loop driven from a
    /// coroutine blocks the running loop until it is done. `await` the coroutine instead.
    ///
    /// Use the asyncio equivalents (`asyncio.Lock`, `asyncio.Semaphore`, `asyncio.Event`,
    /// `asyncio.Queue`), hand the wait to a worker thread (`await asyncio.to_thread(thread.join)`,
    /// `await asyncio.wrap_future(future)`), or declare the route or dependency with a plain
    /// `def` so FastAPI runs it in its threadpool.
    ///
    /// ## Example
    /// ```python
    /// import threading
    ///
    /// from fastapi import FastAPI
    ///
    /// app = FastAPI()
    /// lock = threading.Lock()
    /// counter = 0
    ///
    ///
    /// @app.post("/increment")
    /// async def increment():
    ///     global counter
    ///     with lock:
    ///         counter += 1
    ///     return {"counter": counter}
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import asyncio
    ///
    /// from fastapi import FastAPI
    ///
    /// app = FastAPI()
    /// lock = asyncio.Lock()
    /// counter = 0
    ///
    ///
    /// @app.post("/increment")
    /// async def increment():
    ///     global counter
    ///     async with lock:
    ///         counter += 1
    ///     return {"counter": counter}
    /// ```
    ///
    /// ## References
    /// - fastapi-lint practices, 1: "Never use `async def` for blocking operations", 2: "Use
    ///   `async` friendly code", and 4: "Follow the same rules in FastAPI dependencies"
    /// - [FastAPI: Concurrency and async / await](https://fastapi.tiangolo.com/async/)
    /// - [Python documentation: Synchronization primitives](https://docs.python.org/3/library/asyncio-sync.html)
    /// - [Python documentation: `asyncio.to_thread`](https://docs.python.org/3/library/asyncio-task.html#asyncio.to_thread)
    pub struct SyncPrimitiveInAsync;
}

/// What a proven object is, which decides the methods that wait on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// `Lock`, `RLock`, `Semaphore`, `BoundedSemaphore`: `acquire` and `with`.
    Lock,
    /// `Condition`: a lock that can also `wait`.
    Condition,
    /// `Event`, `Barrier`: `wait`.
    Event,
    Queue,
    Thread,
    Executor,
    Future,
    EventLoop,
}

/// A class (or factory) whose instances are recognised, how the message names an instance
/// and what to use instead.
struct Class {
    name: &'static str,
    kind: Kind,
    noun: &'static str,
    alternative: &'static str,
}

const fn class(
    name: &'static str,
    kind: Kind,
    noun: &'static str,
    alternative: &'static str,
) -> Class {
    Class {
        name,
        kind,
        noun,
        alternative,
    }
}

const TO_THREAD: &str = "`await asyncio.to_thread(...)`";

const CLASSES: &[Class] = &[
    class(
        "threading.Lock",
        Kind::Lock,
        "a `threading.Lock`",
        "`asyncio.Lock` with `async with`",
    ),
    class(
        "threading.RLock",
        Kind::Lock,
        "a `threading.RLock`",
        "`asyncio.Lock` with `async with`",
    ),
    class(
        "threading.Semaphore",
        Kind::Lock,
        "a `threading.Semaphore`",
        "`asyncio.Semaphore` with `async with`",
    ),
    class(
        "threading.BoundedSemaphore",
        Kind::Lock,
        "a `threading.BoundedSemaphore`",
        "`asyncio.BoundedSemaphore` with `async with`",
    ),
    class(
        "threading.Condition",
        Kind::Condition,
        "a `threading.Condition`",
        "`asyncio.Condition`",
    ),
    class(
        "threading.Event",
        Kind::Event,
        "a `threading.Event`",
        "`asyncio.Event`",
    ),
    class(
        "threading.Barrier",
        Kind::Event,
        "a `threading.Barrier`",
        "`asyncio.Barrier`",
    ),
    class(
        "queue.Queue",
        Kind::Queue,
        "a `queue.Queue`",
        "`asyncio.Queue`",
    ),
    class(
        "queue.LifoQueue",
        Kind::Queue,
        "a `queue.LifoQueue`",
        "`asyncio.LifoQueue`",
    ),
    class(
        "queue.PriorityQueue",
        Kind::Queue,
        "a `queue.PriorityQueue`",
        "`asyncio.PriorityQueue`",
    ),
    class(
        "queue.SimpleQueue",
        Kind::Queue,
        "a `queue.SimpleQueue`",
        "`asyncio.Queue`",
    ),
    class(
        "threading.Thread",
        Kind::Thread,
        "a `threading.Thread`",
        "`await asyncio.to_thread(thread.join)`",
    ),
    class(
        "threading.Timer",
        Kind::Thread,
        "a `threading.Timer`",
        "`await asyncio.to_thread(timer.join)`",
    ),
    class(
        "concurrent.futures.ThreadPoolExecutor",
        Kind::Executor,
        "an executor",
        TO_THREAD,
    ),
    class(
        "concurrent.futures.ProcessPoolExecutor",
        Kind::Executor,
        "an executor",
        TO_THREAD,
    ),
    class(
        "concurrent.futures.thread.ThreadPoolExecutor",
        Kind::Executor,
        "an executor",
        TO_THREAD,
    ),
    class(
        "concurrent.futures.process.ProcessPoolExecutor",
        Kind::Executor,
        "an executor",
        TO_THREAD,
    ),
    class(
        "concurrent.futures.Future",
        Kind::Future,
        "a `concurrent.futures.Future`",
        FUTURE_ALTERNATIVE,
    ),
    class(
        "asyncio.new_event_loop",
        Kind::EventLoop,
        "an event loop",
        AWAIT,
    ),
    class(
        "asyncio.get_event_loop",
        Kind::EventLoop,
        "an event loop",
        AWAIT,
    ),
    class(
        "asyncio.get_running_loop",
        Kind::EventLoop,
        "an event loop",
        AWAIT,
    ),
    class(
        "asyncio.AbstractEventLoop",
        Kind::EventLoop,
        "an event loop",
        AWAIT,
    ),
];

/// What `executor.submit(...)` returns.
const SUBMITTED: Class = class(
    "concurrent.futures.Future",
    Kind::Future,
    "a `concurrent.futures.Future`",
    FUTURE_ALTERNATIVE,
);

const FUTURE_ALTERNATIVE: &str =
    "`await asyncio.wrap_future(future)` or `loop.run_in_executor(...)`";
const AWAIT: &str = "`await` the coroutine";

/// Module functions that wait.
const FUNCTIONS: &[(&str, &str)] = &[(
    "concurrent.futures.wait",
    "`await asyncio.wait(...)` on `asyncio.wrap_future(...)` futures",
)];

/// A method that waits, and the arguments that make it return at once (`block=False`,
/// `timeout=0`), by keyword and position.
#[derive(Clone, Copy)]
struct Wait {
    method: &'static str,
    block: Option<(&'static str, usize)>,
    timeout: Option<(&'static str, usize)>,
}

const fn wait(
    method: &'static str,
    block: Option<(&'static str, usize)>,
    timeout: Option<(&'static str, usize)>,
) -> Wait {
    Wait {
        method,
        block,
        timeout,
    }
}

const LOCK_WAITS: &[Wait] = &[wait("acquire", Some(("blocking", 0)), Some(("timeout", 1)))];
const CONDITION_WAITS: &[Wait] = &[
    LOCK_WAITS[0],
    wait("wait", None, Some(("timeout", 0))),
    wait("wait_for", None, Some(("timeout", 1))),
];
const EVENT_WAITS: &[Wait] = &[wait("wait", None, Some(("timeout", 0)))];
const QUEUE_WAITS: &[Wait] = &[
    wait("get", Some(("block", 0)), Some(("timeout", 1))),
    wait("put", Some(("block", 1)), Some(("timeout", 2))),
    wait("join", None, None),
];
const THREAD_WAITS: &[Wait] = &[wait("join", None, Some(("timeout", 0)))];
const FUTURE_WAITS: &[Wait] = &[
    wait("result", None, Some(("timeout", 0))),
    wait("exception", None, Some(("timeout", 0))),
];

impl Kind {
    const fn waits(self) -> &'static [Wait] {
        match self {
            Kind::Lock => LOCK_WAITS,
            Kind::Condition => CONDITION_WAITS,
            Kind::Event => EVENT_WAITS,
            Kind::Queue => QUEUE_WAITS,
            Kind::Thread => THREAD_WAITS,
            Kind::Future => FUTURE_WAITS,
            Kind::Executor | Kind::EventLoop => &[],
        }
    }

    /// Whether `with x:` acquires (and so may wait on) the object.
    const fn acquired_by_with(self) -> bool {
        matches!(self, Kind::Lock | Kind::Condition)
    }
}

/// How deep name bindings are followed (`a = b; b = threading.Lock()`).
const MAX_DEPTH: u8 = 8;

/// Reports a call in `function` (the enclosing `async def`) that waits on a thread primitive
/// or runs a nested event loop.
pub(super) fn check_call(
    checker: &mut Checker,
    call: &ast::ExprCall,
    function: &ast::StmtFunctionDef,
) {
    let semantic = checker.semantic();
    let scope = checker.scope();
    if let Some(qualified) = checker.callee_name(call) {
        if qualified == "asyncio.run" {
            report_nested_loop(
                checker,
                "`asyncio.run`",
                "fails because an event loop is already running",
                call.func.range(),
                function,
            );
            return;
        }
        if let Some((name, alternative)) = FUNCTIONS.iter().find(|(name, _)| *name == qualified) {
            let blocking = BlockingCall {
                rule: Rule::SyncPrimitiveInAsync,
                what: format!("`{name}`"),
                phrase: None,
                alternative,
            };
            super::report(checker, &blocking, call.func.range(), function);
            return;
        }
    }
    let Expr::Attribute(method) = call.func.as_ref() else {
        return;
    };
    let Some(class) = class_of(semantic, &method.value, scope, 0) else {
        return;
    };
    let name = method.attr.as_str();
    if class.kind == Kind::EventLoop {
        if name == "run_until_complete" {
            let why =
                "blocks the running loop until it finishes, or fails when it is the running loop";
            report_nested_loop(
                checker,
                "`run_until_complete` on an event loop",
                why,
                call.func.range(),
                function,
            );
        }
        return;
    }
    let Some(wait) = class.kind.waits().iter().find(|wait| wait.method == name) else {
        return;
    };
    if returns_at_once(call, wait)
        || (class.kind.acquired_by_with() && made_in_this_scope(semantic, &method.value, scope))
    {
        return;
    }
    let blocking = BlockingCall {
        rule: Rule::SyncPrimitiveInAsync,
        what: format!("`{name}` on {}", class.noun),
        phrase: None,
        alternative: class.alternative,
    };
    super::report(checker, &blocking, call.func.range(), function);
}

/// Reports `with lock:` over a threading lock or condition in `function`.
pub(super) fn check_with(
    checker: &mut Checker,
    with: &ast::StmtWith,
    function: &ast::StmtFunctionDef,
) {
    if with.is_async {
        return;
    }
    for item in &with.items {
        let (semantic, scope) = (checker.semantic(), checker.scope());
        let Some(class) = class_of(semantic, &item.context_expr, scope, 0) else {
            continue;
        };
        if class.kind.acquired_by_with() && !made_in_this_scope(semantic, &item.context_expr, scope)
        {
            let blocking = BlockingCall {
                rule: Rule::SyncPrimitiveInAsync,
                what: format!("`with` on {}", class.noun),
                phrase: None,
                alternative: class.alternative,
            };
            super::report(checker, &blocking, item.range(), function);
        }
    }
}

fn report_nested_loop(
    checker: &mut Checker,
    what: &str,
    why: &str,
    range: ruff_text_size::TextRange,
    function: &ast::StmtFunctionDef,
) {
    let context = super::context(function, checker.fastapi().roles(function).primary());
    let message = format!("{what} in {context} {why}; `await` the coroutine instead");
    checker.report(Diagnostic::new(Rule::SyncPrimitiveInAsync, message, range));
}

/// Whether `expr` is a new object (`threading.Lock()`) or a local name this function binds to
/// one (`lock = threading.Lock()`, not a `global`): no other thread can hold a lock made here
/// yet, so acquiring it does not wait.
fn made_in_this_scope(semantic: &SemanticModel, expr: &Expr, scope: ScopeId) -> bool {
    if expr.is_call_expr() {
        return true;
    }
    let Some(binding) = semantic.binding_of_name(expr, scope) else {
        return false;
    };
    let declared_elsewhere = semantic
        .scope(scope)
        .bindings_of(binding.name)
        .iter()
        .any(|id| matches!(semantic.binding(*id).kind, BindingKind::Declaration));
    binding.scope == scope
        && !declared_elsewhere
        && matches!(
            binding.kind,
            BindingKind::Assignment {
                value: Expr::Call(_)
            }
        )
}

/// Whether the call's arguments make the wait return immediately.
fn returns_at_once(call: &ast::ExprCall, wait: &Wait) -> bool {
    let arguments = &call.arguments;
    let block_off = wait
        .block
        .and_then(|(name, position)| arguments.find_argument_value(name, position))
        .is_some_and(is_falsy_literal);
    let no_timeout = wait
        .timeout
        .and_then(|(name, position)| arguments.find_argument_value(name, position))
        .is_some_and(is_falsy_literal);
    block_off || no_timeout
}

/// `False`, `0` or `0.0`.
fn is_falsy_literal(expr: &Expr) -> bool {
    match expr {
        Expr::BooleanLiteral(literal) => !literal.value,
        Expr::NumberLiteral(literal) => match &literal.value {
            Number::Int(int) => *int == ast::Int::ZERO,
            Number::Float(float) => *float == 0.0,
            Number::Complex { .. } => false,
        },
        _ => false,
    }
}

/// The recognised class `expr` is an instance of, when the code proves it.
fn class_of(
    semantic: &SemanticModel,
    expr: &Expr,
    scope: ScopeId,
    depth: u8,
) -> Option<&'static Class> {
    if depth > MAX_DEPTH {
        return None;
    }
    match expr {
        Expr::Call(call) => {
            if let Some(qualified) = semantic.qualified_name(&call.func, scope) {
                return known_class(&qualified);
            }
            match call.func.as_ref() {
                Expr::Attribute(method) if method.attr.as_str() == "submit" => {
                    (class_of(semantic, &method.value, scope, depth + 1)?.kind == Kind::Executor)
                        .then_some(&SUBMITTED)
                }
                _ => None,
            }
        }
        Expr::Name(_) => {
            let binding = semantic.binding_of_name(expr, scope)?;
            match &binding.kind {
                BindingKind::Assignment { value } | BindingKind::WithItem { context: value } => {
                    class_of(semantic, value, binding.scope, depth + 1)
                }
                BindingKind::AnnAssign { annotation, value } => semantic
                    .annotation_type(annotation, binding.scope)
                    .and_then(|class| known_class(&class))
                    .or_else(|| {
                        value.and_then(|value| class_of(semantic, value, binding.scope, depth + 1))
                    }),
                BindingKind::Parameter { .. } => semantic
                    .instance_type(expr, scope)
                    .and_then(|class| known_class(&class)),
                _ => None,
            }
        }
        _ => None,
    }
}

fn known_class(qualified: &str) -> Option<&'static Class> {
    CLASSES.iter().find(|class| class.name == qualified)
}

#[cfg(test)]
mod tests {
    use crate::registry::Rule;
    use crate::settings::LinterSettings;
    use crate::test_support::assert_fixture;

    #[test]
    fn fixture() {
        assert_fixture!(
            "blocking/FAPI107.py",
            LinterSettings::for_rules([Rule::SyncPrimitiveInAsync])
        );
    }
}
