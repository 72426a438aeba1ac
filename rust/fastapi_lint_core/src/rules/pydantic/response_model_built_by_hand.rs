use ruff_python_ast::helpers::ReturnStatementVisitor;
use ruff_python_ast::token::parenthesized_range;
use ruff_python_ast::visitor::Visitor;
use ruff_python_ast::{self as ast, AnyNodeRef, Expr};
use ruff_text_size::Ranged;

use crate::checker::Checker;
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::registry::{Rule, rule_docs};
use crate::semantic::{BindingKind, ScopeId, SemanticModel, unwrap_annotation};

rule_docs! {
    /// ## What it does
    /// Checks for routes declared with `response_model=X` that build `X` themselves before
    /// returning it: `return X(...)`, `return X(**data)`, `return X.parse_obj(data)` or
    /// `return X.from_orm(obj)`, in projects that run Pydantic 1.
    ///
    /// Only Pydantic 1 projects are checked (the Pydantic version comes from the project's
    /// metadata or the `pydantic-version` setting): with Pydantic 2, FastAPI does not validate
    /// an instance of the response model a second time, so returning `X(...)` or the data costs
    /// one validation either way. Measured with a validator that counts its calls, on FastAPI
    /// 0.115 with Pydantic 2.11 and on current releases (SQLModel included): one call per
    /// request for both. On Pydantic 1 FastAPI serializes the returned model and validates the
    /// result again: two calls.
    ///
    /// `X` is compared by what it resolves to, not by spelling: an aliased import of the same
    /// class matches, a local that shadows the name does not.
    ///
    /// ## Why is this bad?
    /// On Pydantic 1, FastAPI validates and serializes whatever the route returns against the
    /// `response_model` anyway: it turns the returned value into plain data, validates that
    /// against `X` and encodes the result. Building `X` by hand runs the same validation a
    /// second time for nothing, and adds code to every route. Return the dictionary (or the
    /// ORM object: FastAPI reads attributes when validating the response) and let FastAPI do
    /// the rest.
    ///
    /// Only routes that declare `response_model=` are checked. A route whose return annotation
    /// is `X` (with or without `response_model=X`) must return an `X` for type checkers, so it
    /// is out of scope. `response_model=list[X]` and returns of a different class are not
    /// reported.
    ///
    /// ## Example
    /// ```python
    /// from fastapi import FastAPI
    /// from pydantic import BaseModel
    ///
    /// app = FastAPI()
    ///
    ///
    /// class UserOut(BaseModel):
    ///     id: int
    ///     name: str
    ///
    ///
    /// @app.get("/users/{user_id}", response_model=UserOut)
    /// async def get_user(user_id: int):
    ///     user = await load_user(user_id)
    ///     return UserOut(**user)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @app.get("/users/{user_id}", response_model=UserOut)
    /// async def get_user(user_id: int):
    ///     return await load_user(user_id)
    /// ```
    ///
    /// ## Fix safety
    /// For `return X(**data)` the fix returns `data` itself. It is unsafe: invalid data now
    /// fails FastAPI's response validation (a `ResponseValidationError`, a 500 response)
    /// instead of a `ValidationError` raised in the route, which the route's callers or
    /// exception handlers may have handled differently; code that used the returned value as
    /// an `X` (tests calling the route function directly) receives the dictionary.
    ///
    /// ## References
    /// - fastapi-lint practices, 8: "Don't manually construct response models in your FastAPI
    ///   endpoints"
    /// - [FastAPI: Response Model](https://fastapi.tiangolo.com/tutorial/response-model/)
    /// - [FastAPI: Return the same input data](https://fastapi.tiangolo.com/tutorial/response-model/#return-the-same-input-data)
    pub struct ResponseModelBuiltByHand;
}

/// Class methods that validate their argument into an instance, as `FastAPI` would.
const VALIDATING_CONSTRUCTORS: &[&str] = &["model_validate", "parse_obj", "from_orm"];

pub(super) fn check(checker: &mut Checker, function: &ast::StmtFunctionDef) {
    let semantic = checker.semantic();
    let Some(body_scope) = semantic.function_scope(function) else {
        return;
    };
    // One route can have several decorators; the first `response_model` of a class is the one.
    let Some(model) = checker
        .fastapi()
        .route_decorators(function)
        .iter()
        .find_map(|decorator| {
            decorator
                .keyword("response_model")
                .filter(|model| matches!(model, Expr::Name(_) | Expr::Attribute(_)))
        })
    else {
        return;
    };
    // `-> X` as well: type checkers then need the route to return an `X`.
    if function
        .returns
        .as_deref()
        .and_then(|returns| {
            unwrap_annotation(returns, |expr| {
                semantic.qualified_name(expr, checker.scope())
            })
        })
        .is_some_and(|returns| {
            is_same_class(semantic, returns, checker.scope(), model, checker.scope())
        })
    {
        return;
    }
    let mut visitor = ReturnStatementVisitor::default();
    visitor.visit_body(&function.body);
    for ret in visitor.returns {
        let Some(value) = ret.value.as_deref() else {
            continue;
        };
        let Expr::Call(call) = value else { continue };
        let built = if is_same_class(semantic, &call.func, body_scope, model, checker.scope()) {
            format!("`{}(...)`", checker.slice(call.func.range()))
        } else {
            match call.func.as_ref() {
                Expr::Attribute(attribute)
                    if VALIDATING_CONSTRUCTORS.contains(&attribute.attr.id.as_str())
                        && is_same_class(
                            semantic,
                            &attribute.value,
                            body_scope,
                            model,
                            checker.scope(),
                        ) =>
                {
                    format!("`{}`", checker.slice(call.func.range()))
                }
                _ => continue,
            }
        };
        let message = format!(
            "Route `{route}` builds its `response_model` with {built}, which FastAPI validates again; return the data (a dict or ORM object) and let FastAPI build `{model}`",
            route = function.name.id,
            model = checker.slice(model.range()),
        );
        let mut diagnostic =
            Diagnostic::new(Rule::ResponseModelBuiltByHand, message, value.range());
        if let Some(data) = only_double_star_argument(call) {
            let range = parenthesized_range(data.into(), AnyNodeRef::from(call), checker.tokens())
                .unwrap_or(data.range());
            let data_source = checker.slice(range);
            diagnostic = diagnostic.with_fix(
                format!("Return `{data_source}`"),
                Fix::unsafe_edit(Edit::range_replacement(
                    data_source.to_string(),
                    value.range(),
                )),
            );
        }
        checker.report(diagnostic);
    }
}

/// Whether `candidate` (read in `candidate_scope`) is the same class as `model` (read in
/// `model_scope`): the same imported name, or the same class binding.
fn is_same_class(
    semantic: &SemanticModel,
    candidate: &Expr,
    candidate_scope: ScopeId,
    model: &Expr,
    model_scope: ScopeId,
) -> bool {
    match (
        semantic.qualified_name(candidate, candidate_scope),
        semantic.qualified_name(model, model_scope),
    ) {
        (Some(candidate), Some(model)) => return candidate == model,
        (None, None) => {}
        _ => return false,
    }
    match (
        semantic.binding_of_name(candidate, candidate_scope),
        semantic.binding_of_name(model, model_scope),
    ) {
        (Some(candidate), Some(model)) => {
            std::ptr::eq(candidate, model) && matches!(candidate.kind, BindingKind::ClassDef(_))
        }
        _ => false,
    }
}

/// `d` in `X(**d)`, when it is the call's only argument.
fn only_double_star_argument(call: &ast::ExprCall) -> Option<&Expr> {
    match (
        call.arguments.args.as_ref(),
        call.arguments.keywords.as_ref(),
    ) {
        ([], [keyword]) if keyword.arg.is_none() => Some(&keyword.value),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::registry::Rule;
    use crate::settings::LinterSettings;
    use crate::test_support::apply_fixes;

    /// The fixes of the fixture, applied, leave a module that parses and returns the data.
    #[test]
    fn fixed_fixture_parses() {
        let fixed = apply_fixes(
            "pydantic/FAPI504.py",
            &LinterSettings::for_rules([Rule::ResponseModelBuiltByHand]),
        );
        assert!(fixed.contains("    return data  # error"), "{fixed}");
        assert!(
            fixed.contains("    return (base := load(user_id))  # error"),
            "{fixed}"
        );
        ruff_python_parser::parse_module(&fixed).unwrap_or_else(|err| panic!("{err}\n{fixed}"));
    }
}
