use ruff_python_ast::helpers::any_over_body;
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextSize};

use super::body::OwnBody;
use super::catalogue::{self, Kind, Release};
use crate::checker::Checker;
use crate::diagnostic::Diagnostic;
use crate::fastapi::FunctionRole;
use crate::registry::{Rule, rule_docs};
use crate::semantic::{BindingKind, ScopeId, SemanticModel};

rule_docs! {
    /// ## What it does
    /// Checks for generator dependencies that acquire a resource and `yield` it outside a
    /// `try:` whose `finally:` releases it, and outside a `with` / `async with` block.
    ///
    /// A value counts as a resource when the code proves it: a client or pool of
    /// [FAPI601](FAPI601.md), a SQLAlchemy / SQLModel session
    /// (`SessionLocal()` from a `sessionmaker`, `Session(engine)`, `AsyncSession(engine)`), a
    /// connection taken from a pool (`await pool.acquire()`, `pool.getconn()`,
    /// `engine.connect()`), or any value the dependency releases after its `yield`
    /// (`db.close()`, `pool.release(conn)` after the `yield`).
    ///
    /// ## Why is this bad?
    /// When the route (or a later dependency) raises, FastAPI throws the exception into the
    /// dependency at its `yield`. Code after a bare `yield` then never runs: the session or
    /// connection is not closed and not returned to its pool. Under errors the pool drains and
    /// the application starts hanging on new requests.
    ///
    /// ## Example
    /// ```python
    /// from fastapi import Depends, FastAPI
    ///
    /// from .database import SessionLocal
    ///
    /// app = FastAPI()
    ///
    ///
    /// def get_db():
    ///     db = SessionLocal()
    ///     yield db
    ///     db.close()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// def get_db():
    ///     db = SessionLocal()
    ///     try:
    ///         yield db
    ///     finally:
    ///         db.close()
    /// ```
    ///
    /// or, when the resource is a context manager:
    /// ```python
    /// def get_db():
    ///     with SessionLocal() as db:
    ///         yield db
    /// ```
    ///
    /// ## References
    /// - fastapi-lint practices, 11: "Avoid creating a new DB connection in every endpoint"
    ///   (hand connections out through a dependency that releases them)
    /// - [FastAPI: Dependencies with yield](https://fastapi.tiangolo.com/tutorial/dependencies/dependencies-with-yield/)
    /// - [FastAPI: A database dependency with yield](https://fastapi.tiangolo.com/tutorial/dependencies/dependencies-with-yield/#a-database-dependency-with-yield)
    pub struct YieldDependencyWithoutFinally;
}

/// Factories whose call makes a `SQLAlchemy` session, and whether the session is async.
const SESSION_FACTORIES: &[(&str, bool)] = &[
    ("sqlalchemy.orm.sessionmaker", false),
    ("sqlalchemy.orm.session.sessionmaker", false),
    ("sqlalchemy.orm.scoped_session", false),
    ("sqlalchemy.ext.asyncio.async_sessionmaker", true),
    ("sqlalchemy.ext.asyncio.async_scoped_session", true),
];

/// Session classes, and whether the session is async.
const SESSION_CLASSES: &[(&str, bool)] = &[
    ("sqlalchemy.orm.Session", false),
    ("sqlalchemy.orm.session.Session", false),
    ("sqlmodel.Session", false),
    ("sqlmodel.orm.session.Session", false),
    ("sqlalchemy.ext.asyncio.AsyncSession", true),
    ("sqlalchemy.ext.asyncio.session.AsyncSession", true),
    ("sqlmodel.ext.asyncio.session.AsyncSession", true),
];

/// Methods that take a connection out of a pool, and those that put it back.
const POOL_CHECKOUTS: &[&str] = &["acquire", "getconn"];
const POOL_RETURNS: &[&str] = &["release", "putconn"];

pub(super) fn check(checker: &mut Checker, function: &ast::StmtFunctionDef) {
    if !checker
        .fastapi()
        .roles(function)
        .contains(FunctionRole::Dependency)
    {
        return;
    }
    let semantic = checker.semantic();
    let Some(scope) = semantic.function_scope(function) else {
        return;
    };
    let body = OwnBody::of(function);
    if !body.is_generator() {
        return;
    }
    let mut finder = YieldFinder::default();
    finder.visit_body(&function.body);
    for exposed in finder.exposed {
        let name = exposed.name.id.as_str();
        if exposed
            .finally_bodies
            .iter()
            .any(|finally| mentions(finally, name))
        {
            continue;
        }
        let Some(value) = assigned_value(semantic, exposed.name, scope) else {
            continue;
        };
        let close = acquired_resource(semantic, value, scope).or_else(|| {
            cleaned_up_after(&body, name, exposed.yield_expr.start()).then_some(Release::Nothing)
        });
        let Some(close) = close else { continue };
        let cleanup = close.statement(name).map_or_else(
            || format!("release `{name}`"),
            |statement| format!("call `{statement}`"),
        );
        let message = format!(
            "Dependency `{function}` yields `{name}` without releasing it in a `finally:`, so it leaks when the request fails; \
             wrap the `yield` in `try:` and {cleanup} in `finally:` (or acquire it with `with`)",
            function = function.name.as_str(),
        );
        checker.report(Diagnostic::new(
            Rule::YieldDependencyWithoutFinally,
            message,
            exposed.yield_expr.range(),
        ));
    }
}

/// The value `name` was assigned in the dependency itself (`db = SessionLocal()`).
fn assigned_value<'a>(
    semantic: &SemanticModel<'a>,
    name: &ast::ExprName,
    scope: ScopeId,
) -> Option<&'a Expr> {
    let binding = semantic.resolve_name(name.id.as_str(), scope, name.start())?;
    match binding.kind {
        BindingKind::Assignment { value } if binding.scope == scope => Some(value),
        _ => None,
    }
}

/// How to release what `value` acquires, when it is a resource the code proves
/// ([`Release::Nothing`] when the way to release it is not known).
fn acquired_resource(semantic: &SemanticModel, value: &Expr, scope: ScopeId) -> Option<Release> {
    if let Some(created) = catalogue::created_by_expr(semantic, value, scope) {
        return Some(created.release);
    }
    let call = match value {
        Expr::Await(awaited) => awaited.value.as_call_expr()?,
        other => other.as_call_expr()?,
    };
    let session = |is_async: bool| {
        if is_async {
            Release::AwaitClose
        } else {
            Release::Close
        }
    };
    if let Some(class) = semantic.qualified_name(&call.func, scope)
        && let Some((_, is_async)) = SESSION_CLASSES.iter().find(|(name, _)| *name == class)
    {
        return Some(session(*is_async));
    }
    // `SessionLocal()` where `SessionLocal = sessionmaker(...)`.
    if let Some(factory) = semantic.instance_type(&call.func, scope)
        && let Some((_, is_async)) = SESSION_FACTORIES.iter().find(|(name, _)| *name == factory)
    {
        return Some(session(*is_async));
    }
    let Expr::Attribute(method) = call.func.as_ref() else {
        return None;
    };
    let method_name = method.attr.as_str();
    if POOL_CHECKOUTS.contains(&method_name) {
        return Some(Release::Nothing);
    }
    // `engine.connect()` on an engine the code proves.
    let engine = semantic.instance_type(&method.value, scope)?;
    let engine =
        catalogue::constructor(&engine).filter(|constructor| constructor.kind == Kind::Engine)?;
    let is_async = engine.release == Release::AwaitDispose;
    (method_name == "connect").then_some(if is_async {
        Release::AwaitClose
    } else {
        Release::Close
    })
}

/// Whether code after the `yield` releases `name`: `db.close()`, `await conn.aclose()`,
/// `pool.release(conn)`, `pool.putconn(conn)`. The dependency means to clean it up, and that
/// cleanup is skipped when the request fails.
fn cleaned_up_after(body: &OwnBody, name: &str, after: TextSize) -> bool {
    let is_name = |expr: &Expr| matches!(expr, Expr::Name(found) if found.id.as_str() == name);
    let releases =
        |method: &str| Release::METHODS.contains(&method) || POOL_RETURNS.contains(&method);
    body.calls
        .iter()
        .filter(|call| call.start() > after)
        .any(|call| {
            let Expr::Attribute(method) = call.func.as_ref() else {
                return false;
            };
            releases(method.attr.as_str())
                && (is_name(&method.value) || call.arguments.args.iter().any(is_name))
        })
}

/// Whether `body` reads `name` anywhere.
fn mentions(body: &[Stmt], name: &str) -> bool {
    any_over_body(
        body,
        |expr| matches!(expr, Expr::Name(found) if found.id.as_str() == name),
    )
}

/// `yield <name>` outside any `with` block, with the `finally:` bodies around it.
struct Exposed<'a> {
    yield_expr: &'a Expr,
    name: &'a ast::ExprName,
    finally_bodies: Vec<&'a [Stmt]>,
}

/// Finds the `yield <name>` expressions of a function body that no `with` block encloses.
#[derive(Default)]
struct YieldFinder<'a> {
    finally_bodies: Vec<&'a [Stmt]>,
    with_depth: usize,
    exposed: Vec<Exposed<'a>>,
}

impl<'a> Visitor<'a> for YieldFinder<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
            Stmt::With(with) => {
                for item in &with.items {
                    self.visit_expr(&item.context_expr);
                }
                self.with_depth += 1;
                self.visit_body(&with.body);
                self.with_depth -= 1;
            }
            Stmt::Try(try_stmt) if !try_stmt.finalbody.is_empty() => {
                self.finally_bodies.push(&try_stmt.finalbody);
                self.visit_body(&try_stmt.body);
                for handler in &try_stmt.handlers {
                    self.visit_except_handler(handler);
                }
                self.visit_body(&try_stmt.orelse);
                self.finally_bodies.pop();
                self.visit_body(&try_stmt.finalbody);
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Lambda(_) => {}
            Expr::Yield(ast::ExprYield {
                value: Some(value), ..
            }) => {
                if let (Expr::Name(name), 0) = (value.as_ref(), self.with_depth) {
                    self.exposed.push(Exposed {
                        yield_expr: expr,
                        name,
                        finally_bodies: self.finally_bodies.clone(),
                    });
                }
                visitor::walk_expr(self, expr);
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::registry::Rule;
    use crate::settings::LinterSettings;
    use crate::test_support::assert_fixture;

    #[test]
    fn fixture() {
        assert_fixture!(
            "lifecycle/FAPI604.py",
            LinterSettings::for_rules([Rule::YieldDependencyWithoutFinally])
        );
    }
}
