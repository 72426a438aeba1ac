//! Ruff's `FastAPI` rules (FAST001–FAST003), reproducing Ruff 0.16.4's behaviour.
//!
//! These rules keep Ruff's own, narrower notion of a route: a decorator
//! `<name>.<http method>(...)` whose receiver is a plain name the code proves to be a
//! `fastapi.FastAPI` or `fastapi.APIRouter` (through its initializer or its annotation). The
//! broader [`crate::fastapi::FastApiContext`] is not used, so that findings match Ruff's.

pub mod non_annotated_dependency;
pub mod redundant_response_model;
pub mod unused_path_parameter;

use ruff_python_ast::{self as ast, Expr};

use crate::checker::Checker;
use crate::fastapi::HTTP_METHODS;
use crate::semantic::{BindingKind, ScopeKind};

/// The classes whose instances Ruff accepts as route receivers, spelled exactly so: Ruff does
/// not follow re-exports such as `fastapi.applications.FastAPI`.
const ROUTE_OWNERS: &[&str] = &["fastapi.FastAPI", "fastapi.APIRouter"];

/// The call of a route decorator (`@app.get("/items")`), when `decorator` is one.
pub(crate) fn route_decorator_call<'a>(
    checker: &Checker,
    decorator: &'a ast::Decorator,
) -> Option<&'a ast::ExprCall> {
    let call = decorator.expression.as_call_expr()?;
    let Expr::Attribute(attribute) = call.func.as_ref() else {
        return None;
    };
    if !HTTP_METHODS.contains(&attribute.attr.id.as_str()) {
        return None;
    }
    is_route_owner(checker, &attribute.value).then_some(call)
}

/// Whether any decorator of `function` makes it a route.
pub(crate) fn is_route(checker: &Checker, function: &ast::StmtFunctionDef) -> bool {
    function
        .decorator_list
        .iter()
        .any(|decorator| route_decorator_call(checker, decorator).is_some())
}

/// Whether `receiver` is a name bound to a `FastAPI()`/`APIRouter()` call, or declared with one
/// of those classes as its annotation (variable, parameter, `with ... as`, function return).
fn is_route_owner(checker: &Checker, receiver: &Expr) -> bool {
    let semantic = checker.semantic();
    let Some(binding) = semantic.binding_of_name(receiver, checker.scope()) else {
        return false;
    };
    let is_owner = |expr: &Expr, scope| {
        semantic
            .qualified_name(expr, scope)
            .is_some_and(|name| ROUTE_OWNERS.contains(&name.as_str()))
    };
    let is_owner_call = |expr: &Expr, scope| {
        expr.as_call_expr()
            .is_some_and(|call| is_owner(&call.func, scope))
    };
    match &binding.kind {
        BindingKind::Assignment { value } => is_owner_call(value, binding.scope),
        // Ruff trusts the annotation of `x: T = value` and ignores the value; a bare `x: T`
        // binds nothing at run time.
        BindingKind::AnnAssign {
            annotation,
            value: Some(_),
        } => is_owner(annotation, binding.scope),
        BindingKind::WithItem { context } => is_owner_call(context, binding.scope),
        BindingKind::Parameter { parameter, .. } => {
            let scope = semantic.scope(binding.scope);
            // Annotations of a `def`'s parameters are evaluated where the `def` is; lambda
            // parameters have no annotations.
            matches!(scope.kind, ScopeKind::Function(_))
                && parameter.annotation().is_some_and(|annotation| {
                    is_owner(annotation, scope.parent.unwrap_or(binding.scope))
                })
        }
        BindingKind::FunctionDef(function) => function
            .returns
            .as_deref()
            .is_some_and(|returns| is_owner(returns, binding.scope)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::PythonVersion;
    use crate::registry::Rule;
    use crate::settings::LinterSettings;
    use crate::test_support::{assert_fixture, render_fixture};

    fn settings(rule: Rule, target_version: PythonVersion) -> LinterSettings {
        LinterSettings {
            target_version,
            ..LinterSettings::for_rules([rule])
        }
    }

    /// Like `assert_fixture!`, for a second snapshot of the same fixture under other settings.
    fn assert_variant(fixture: &str, variant: &str, settings: &LinterSettings) {
        let rendered = render_fixture(fixture, settings);
        insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(format!("{}_{variant}", fixture.replace('/', "__")), rendered);
        });
    }

    #[test]
    fn fast001() {
        assert_fixture!(
            "fast/FAST001.py",
            settings(Rule::FastApiRedundantResponseModel, PythonVersion::PY310)
        );
    }

    /// Ruff checks the route before it resolves deferred annotations (3.14+), so the return
    /// annotation never matches and FAST001 goes silent.
    #[test]
    fn fast001_deferred_annotations() {
        let rendered = render_fixture(
            "fast/FAST001.py",
            &settings(Rule::FastApiRedundantResponseModel, PythonVersion::PY314),
        );
        assert_eq!(rendered, "(no findings)\n");
    }

    #[test]
    fn fast002() {
        for case in 0..=8 {
            let fixture = format!("fast/FAST002_{case}.py");
            assert_fixture!(
                &fixture,
                settings(Rule::FastApiNonAnnotatedDependency, PythonVersion::PY310)
            );
        }
    }

    /// Before 3.9, `Annotated` comes from `typing_extensions`.
    #[test]
    fn fast002_py38() {
        for fixture in [
            "fast/FAST002_0.py",
            "fast/FAST002_2.py",
            "fast/FAST002_3.py",
        ] {
            assert_variant(
                fixture,
                "py38",
                &settings(Rule::FastApiNonAnnotatedDependency, PythonVersion::PY38),
            );
        }
    }

    #[test]
    fn fast003() {
        for fixture in ["fast/FAST003.py", "fast/FAST003_1.py", "fast/FAST003_2.py"] {
            assert_fixture!(
                fixture,
                settings(Rule::FastApiUnusedPathParameter, PythonVersion::PY310)
            );
        }
    }

    /// Deferred annotations hide dependencies named in annotations: those routes go silent.
    #[test]
    fn fast003_py314() {
        assert_variant(
            "fast/FAST003.py",
            "py314",
            &settings(Rule::FastApiUnusedPathParameter, PythonVersion::PY314),
        );
    }

    #[test]
    fn silent_without_fastapi() {
        let all_fast = LinterSettings::for_rules([
            Rule::FastApiRedundantResponseModel,
            Rule::FastApiNonAnnotatedDependency,
            Rule::FastApiUnusedPathParameter,
        ]);
        for fixture in ["fast/FAST001_not_fastapi.py", "fast/FAST002_not_fastapi.py"] {
            assert_eq!(
                render_fixture(fixture, &all_fast),
                "(no findings)\n",
                "{fixture}"
            );
        }
    }
}
