//! FAPI505–FAPI506: validation that belongs in Pydantic models or dependencies.
//!
//! Both rules look at `if <condition>: raise HTTPException(<status>)` in a route and decide
//! from the condition what kind of check it is: one that reads only the request (FAPI505) or
//! one that compares a fetched object with the injected user (FAPI506).

pub mod ownership_check_in_route;
pub mod validation_in_route;

use ruff_python_ast::{self as ast, Expr, Stmt};

use crate::checker::{Checker, Frame};
use crate::fastapi::{DEPENDS, FunctionRole, SECURITY};
use crate::registry::{Rule, RuleSet};
use crate::semantic::{Binding, BindingKind, ScopeId, SemanticModel};

/// The rules of the models-and-validation family (their codes start with `FAPI5`; this module
/// checks some of them), for dispatch.
pub(crate) const RULES: RuleSet = RuleSet::with_code_prefix("FAPI5");

/// Where `FastAPI` and Starlette define `HTTPException`.
const HTTP_EXCEPTIONS: &[&str] = &[
    "fastapi.HTTPException",
    "fastapi.exceptions.HTTPException",
    "starlette.exceptions.HTTPException",
];

/// The modules whose `HTTP_<code>_<NAME>` constants spell status codes.
const STATUS_MODULES: &[&str] = &["fastapi.status.", "starlette.status."];

/// `http.HTTPStatus` members the rules care about.
const HTTP_STATUS_MEMBERS: &[(&str, u16)] = &[
    ("http.HTTPStatus.BAD_REQUEST", 400),
    ("http.HTTPStatus.UNAUTHORIZED", 401),
    ("http.HTTPStatus.FORBIDDEN", 403),
    ("http.HTTPStatus.NOT_FOUND", 404),
    ("http.HTTPStatus.UNPROCESSABLE_ENTITY", 422),
    ("http.HTTPStatus.UNPROCESSABLE_CONTENT", 422),
];

/// Called for every statement when a rule of this family is enabled.
pub(crate) fn check_stmt(checker: &mut Checker, stmt: &Stmt) {
    let Stmt::If(if_stmt) = stmt else { return };
    let Some(Frame::Function(route)) = checker.innermost_frame() else {
        return;
    };
    if !checker.fastapi().roles(route).contains(FunctionRole::Route) {
        return;
    }
    // `else:` has no condition of its own; every `if`/`elif` test is checked with its body.
    let branches = std::iter::once((if_stmt.test.as_ref(), if_stmt.body.as_slice())).chain(
        if_stmt
            .elif_else_clauses
            .iter()
            .filter_map(|clause| Some((clause.test.as_ref()?, clause.body.as_slice()))),
    );
    for (test, body) in branches {
        if checker.is_enabled(Rule::ValidationInRoute) {
            validation_in_route::check(checker, route, test, body);
        }
        if checker.is_enabled(Rule::OwnershipCheckInRoute) {
            ownership_check_in_route::check(checker, route, test, body);
        }
    }
}

/// The status code of `raise HTTPException(<status>, ...)`: an integer literal, a
/// `fastapi.status`/`starlette.status` constant or an `http.HTTPStatus` member.
fn raised_http_status(checker: &Checker, stmt: &Stmt) -> Option<u16> {
    let Stmt::Raise(raise) = stmt else {
        return None;
    };
    let Some(Expr::Call(call)) = raise.exc.as_deref() else {
        return None;
    };
    if !checker
        .qualified_name(&call.func)
        .is_some_and(|name| HTTP_EXCEPTIONS.contains(&name.as_str()))
    {
        return None;
    }
    match call.arguments.find_argument_value("status_code", 0)? {
        Expr::NumberLiteral(number) => number.value.as_int()?.as_u16(),
        status => {
            let name = checker.qualified_name(status)?;
            if let Some((_, code)) = HTTP_STATUS_MEMBERS
                .iter()
                .find(|(member, _)| *member == name)
            {
                return Some(*code);
            }
            let constant = STATUS_MODULES
                .iter()
                .find_map(|module| name.strip_prefix(module))?;
            constant.strip_prefix("HTTP_")?.get(..3)?.parse().ok()
        }
    }
}

/// The status of the first `raise HTTPException(...)` statement directly in `body`.
fn raised_status_in(checker: &Checker, body: &[Stmt]) -> Option<u16> {
    body.iter()
        .find_map(|stmt| raised_http_status(checker, stmt))
}

/// The parameter of `route` that `name` refers to where it is read (`scope` is the route's
/// body scope), with its binding.
fn route_parameter<'a>(
    semantic: &'a SemanticModel<'a>,
    name: &ast::ExprName,
    scope: ScopeId,
) -> Option<(&'a ast::Parameter, Option<&'a Expr>)> {
    let binding: &Binding =
        semantic.resolve_name(name.id.as_str(), scope, ruff_text_size::Ranged::start(name))?;
    match &binding.kind {
        BindingKind::Parameter { parameter, default } if binding.scope == scope => {
            Some((parameter, *default))
        }
        _ => None,
    }
}

/// Whether `FastAPI` injects the parameter through `Depends(...)`/`Security(...)`, as its default
/// or in `Annotated[..., Depends(...)]` metadata. `scope` is where the route is defined.
fn is_injected<'a>(
    semantic: &'a SemanticModel<'a>,
    parameter: &'a ast::Parameter,
    default: Option<&'a Expr>,
    scope: ScopeId,
) -> bool {
    let is_dependency_call = |expr: &Expr| match expr {
        Expr::Call(call) => semantic
            .qualified_name(&call.func, scope)
            .is_some_and(|name| {
                DEPENDS.contains(&name.as_str()) || SECURITY.contains(&name.as_str())
            }),
        _ => false,
    };
    if default.is_some_and(is_dependency_call) {
        return true;
    }
    annotation_metadata(semantic, parameter.annotation(), scope)
        .iter()
        .any(is_dependency_call)
}

/// The metadata of an `Annotated[T, m1, m2]` annotation (`m1`, `m2`), also through a name
/// bound to one (`CurrentUser = Annotated[User, Depends(get_user)]`); empty for other
/// annotations.
fn annotation_metadata<'a>(
    semantic: &'a SemanticModel<'a>,
    annotation: Option<&'a Expr>,
    scope: ScopeId,
) -> &'a [Expr] {
    let (annotation, scope) = match annotation {
        Some(name @ Expr::Name(_)) => match semantic.binding_of_name(name, scope) {
            Some(Binding {
                kind: BindingKind::Assignment { value },
                scope,
                ..
            }) => (Some(*value), *scope),
            _ => return &[],
        },
        other => (other, scope),
    };
    let Some(Expr::Subscript(subscript)) = annotation else {
        return &[];
    };
    let is_annotated = semantic
        .qualified_name(&subscript.value, scope)
        .is_some_and(|name| {
            matches!(
                name.as_str(),
                "typing.Annotated" | "typing_extensions.Annotated"
            )
        });
    match subscript.slice.as_ref() {
        Expr::Tuple(tuple) if is_annotated => tuple.elts.get(1..).unwrap_or_default(),
        _ => &[],
    }
}

/// The scope a route's parameters' defaults and annotations are evaluated in.
fn definition_scope(semantic: &SemanticModel, body_scope: ScopeId) -> ScopeId {
    semantic.scope(body_scope).parent.unwrap_or(ScopeId::MODULE)
}

/// The name an attribute chain (`post.owner.id`) starts from.
fn root_name(expr: &Expr) -> Option<&ast::ExprName> {
    match expr {
        Expr::Name(name) => Some(name),
        Expr::Attribute(attribute) => root_name(&attribute.value),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::registry::Rule;
    use crate::settings::LinterSettings;
    use crate::test_support::assert_fixture;

    #[test]
    fn fapi505() {
        assert_fixture!(
            "validation/FAPI505.py",
            LinterSettings::for_rules([Rule::ValidationInRoute])
        );
    }

    #[test]
    fn fapi506() {
        assert_fixture!(
            "validation/FAPI506.py",
            LinterSettings::for_rules([Rule::OwnershipCheckInRoute])
        );
    }
}
