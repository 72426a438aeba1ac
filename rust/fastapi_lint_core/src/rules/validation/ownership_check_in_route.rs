use ruff_python_ast::helpers::any_over_expr;
use ruff_python_ast::{self as ast, CmpOp, Expr, Stmt};
use ruff_text_size::Ranged;

use super::{definition_scope, is_injected, raised_status_in, root_name, route_parameter};
use crate::checker::Checker;
use crate::diagnostic::Diagnostic;
use crate::registry::{Rule, rule_docs};
use crate::semantic::{BindingKind, ScopeId, SemanticModel};

rule_docs! {
    /// ## What it does
    /// Checks for routes that fetch an object and then check inline that it belongs to the
    /// current user:
    ///
    /// ```python
    /// post = await db.get(Post, post_id)
    /// if post.owner_id != current_user.id:
    ///     raise HTTPException(status_code=403)
    /// ```
    ///
    /// The rule reports an `if` (or `elif`) whose condition compares, with `!=` or `is not`
    /// (possibly inside `and`/`or`), an attribute of a local fetched in the route with an
    /// injected user (or an attribute of it), and whose body raises `HTTPException` with status
    /// 400, 401, 403 or 404. A local counts as fetched when it is bound to a call that is
    /// awaited or that involves one of the route's parameters (`db.query(...).first()`,
    /// `crud.get(db, id)`); the user is a route parameter injected with `Depends(...)` or
    /// `Security(...)`, as a default or in `Annotated` metadata. Checks in dependencies are
    /// what the rule recommends and are not reported.
    ///
    /// ## Preview
    /// This rule is in preview: the pinned corpus of real FastAPI code (FastAPI's ~700 example
    /// apps, fastapi-users, fastapi-pagination, SQLModel, LiteLLM's proxy, Prefect's server) has
    /// no instance of the pattern, so its precision on real code is unproven.
    ///
    /// ## Why is this bad?
    /// Every route that touches the resource repeats the same fetch, the same comparison and
    /// the same error, and a route that forgets it is an authorization hole. A dependency that
    /// fetches the object, checks ownership and returns it is written once, declared on each
    /// route in one line, and FastAPI caches it per request, so there is no extra cost.
    ///
    /// ## Example
    /// ```python
    /// @app.put("/posts/{post_id}")
    /// async def update_post(post_id: int, data: PostUpdate, db: DB, user: User = Depends(get_user)):
    ///     post = await db.get(Post, post_id)
    ///     if post.user_id != user.id:
    ///         raise HTTPException(status_code=403)
    ///     ...
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// async def owned_post(post_id: int, db: DB, user: User = Depends(get_user)) -> Post:
    ///     post = await db.get(Post, post_id)
    ///     if post is None or post.user_id != user.id:
    ///         raise HTTPException(status_code=404)
    ///     return post
    ///
    ///
    /// @app.put("/posts/{post_id}")
    /// async def update_post(data: PostUpdate, post: Post = Depends(owned_post)):
    ///     ...
    /// ```
    ///
    /// ## References
    /// - fastapi-lint practices, 10: "Use dependencies for DB-based validation"
    /// - [FastAPI: Dependencies](https://fastapi.tiangolo.com/tutorial/dependencies/)
    /// - [FastAPI: Using the same dependency multiple times (caching)](https://fastapi.tiangolo.com/tutorial/dependencies/sub-dependencies/#using-the-same-dependency-multiple-times)
    pub struct OwnershipCheckInRoute;
}

/// The statuses an ownership check rejects with: 403 (or 401), 404 to hide the object's
/// existence, and 400, which `FastAPI`'s full-stack template uses for "not enough permissions".
const OWNERSHIP_STATUSES: &[u16] = &[400, 401, 403, 404];

pub(super) fn check(
    checker: &mut Checker,
    route: &ast::StmtFunctionDef,
    test: &Expr,
    body: &[Stmt],
) {
    if !raised_status_in(checker, body).is_some_and(|status| OWNERSHIP_STATUSES.contains(&status)) {
        return;
    }
    let semantic = checker.semantic();
    let scope = checker.scope();
    let Some((fetched, user)) = ownership_comparison(semantic, test, scope) else {
        return;
    };
    let message = format!(
        "Route `{route}` checks inline that `{fetched}` belongs to `{user}`; move the fetch and the check into a dependency that returns the object, reusable across routes and cached per request",
        route = route.name.id,
    );
    checker.report(Diagnostic::new(
        Rule::OwnershipCheckInRoute,
        message,
        test.range(),
    ));
}

/// The fetched local and the user compared in `test`, looking through `and`/`or`.
fn ownership_comparison<'a>(
    semantic: &SemanticModel,
    test: &'a Expr,
    scope: ScopeId,
) -> Option<(&'a str, &'a str)> {
    match test {
        Expr::BoolOp(bool_op) => bool_op
            .values
            .iter()
            .find_map(|value| ownership_comparison(semantic, value, scope)),
        Expr::Compare(compare) => {
            let ([CmpOp::NotEq | CmpOp::IsNot], [right]) =
                (compare.ops.as_ref(), compare.comparators.as_ref())
            else {
                return None;
            };
            let left = compare.left.as_ref();
            [(left, right), (right, left)]
                .into_iter()
                .find_map(|(object, user)| {
                    let object = fetched_attribute(semantic, object, scope)?;
                    let user = injected_user(semantic, user, scope)?;
                    Some((object, user))
                })
        }
        _ => None,
    }
}

/// `post` in `post.owner_id`, when `post` is a local of the route bound to a storage fetch.
fn fetched_attribute<'a>(
    semantic: &SemanticModel,
    expr: &'a Expr,
    scope: ScopeId,
) -> Option<&'a str> {
    let Expr::Attribute(attribute) = expr else {
        return None;
    };
    let name = root_name(&attribute.value)?;
    let binding = semantic.resolve_name(name.id.as_str(), scope, name.start())?;
    let value = match &binding.kind {
        BindingKind::Assignment { value }
        | BindingKind::AnnAssign {
            value: Some(value), ..
        } if binding.scope == scope => *value,
        _ => return None,
    };
    is_storage_fetch(semantic, value, scope).then_some(name.id.as_str())
}

/// A call whose result is awaited, or that involves a route parameter (the session, the id):
/// `await db.get(Post, id)`, `db.query(Post).filter(Post.id == id).first()`, `crud.get(db, id)`.
fn is_storage_fetch(semantic: &SemanticModel, value: &Expr, scope: ScopeId) -> bool {
    match value {
        Expr::Await(awaited) => awaited.value.is_call_expr(),
        Expr::Call(_) => any_over_expr(
            value,
            |expr| matches!(expr, Expr::Name(name) if route_parameter(semantic, name, scope).is_some()),
        ),
        _ => false,
    }
}

/// `user` in `user` or `user.id`, when `user` is a route parameter injected by
/// `Depends(...)`/`Security(...)`.
fn injected_user<'a>(semantic: &SemanticModel, expr: &'a Expr, scope: ScopeId) -> Option<&'a str> {
    let name = root_name(expr)?;
    let (parameter, default) = route_parameter(semantic, name, scope)?;
    is_injected(
        semantic,
        parameter,
        default,
        definition_scope(semantic, scope),
    )
    .then_some(name.id.as_str())
}
