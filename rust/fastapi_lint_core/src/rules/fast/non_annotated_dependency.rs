use ruff_python_ast::helpers::map_callable;
use ruff_python_ast::{self as ast, Expr, PythonVersion};
use ruff_text_size::Ranged;

use super::is_route;
use crate::checker::Checker;
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::registry::{Rule, rule_docs};
use crate::rules::imports::import_member;

rule_docs! {
    /// ## What it does
    /// Flags parameters of FastAPI routes that declare a dependency or a request parameter
    /// (`Depends`, `Security`, `Query`, `Path`, `Body`, `Cookie`, `Header`, `File`, `Form`) as
    /// their default value instead of inside `Annotated`.
    ///
    /// ## Why is this bad?
    /// FastAPI recommends `Annotated` for these declarations. With the marker in the
    /// annotation, the default value is a real default again, the function can be called
    /// directly (in tests, or from other code) with the same meaning, and the same annotated
    /// type can be reused across routes as an alias.
    ///
    /// ## Example
    /// ```python
    /// from fastapi import Depends, FastAPI, Query
    ///
    /// app = FastAPI()
    ///
    ///
    /// def get_session(): ...
    ///
    ///
    /// @app.get("/search")
    /// async def search(session=Depends(get_session), term: str = Query("")):
    ///     ...
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// from typing import Annotated
    ///
    /// from fastapi import Depends, FastAPI, Query
    ///
    /// app = FastAPI()
    ///
    ///
    /// def get_session(): ...
    ///
    ///
    /// @app.get("/search")
    /// async def search(session: Annotated[object, Depends(get_session)], term: Annotated[str, Query()] = ""):
    ///     ...
    /// ```
    ///
    /// Only annotated parameters are reported, since the fix needs a type to wrap.
    ///
    /// ## Fix safety
    /// The fix is unsafe: it moves the default value of `Query("")`-style markers out of the
    /// call, drops extra positional arguments of the marker, and changes the function's
    /// signature for direct callers. It is withheld when it would put a required parameter
    /// after one with a default. On targets before Python 3.9 the fix imports `Annotated` from
    /// `typing_extensions`.
    ///
    /// ## References
    /// - [FastAPI: Query Parameters and String Validations](https://fastapi.tiangolo.com/tutorial/query-params-str-validations/)
    /// - [FastAPI: Dependencies](https://fastapi.tiangolo.com/tutorial/dependencies/)
    /// - [Ruff: fast-api-non-annotated-dependency (FAST002)](https://docs.astral.sh/ruff/rules/fast-api-non-annotated-dependency/)
    pub struct FastApiNonAnnotatedDependency;
}

const MESSAGE: &str = "FastAPI dependency without `Annotated`";

/// The `FastAPI` markers this rule recognises as default values, by their `fastapi.` name.
const PARAMETER_MARKERS: &[&str] = &["Query", "Path", "Body", "Cookie", "Header", "File", "Form"];
const DEPENDENCY_MARKERS: &[&str] = &["Depends", "Security"];

/// What a parameter's default declares.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Marker {
    /// `Query(...)` and friends: their first argument is the parameter's default value.
    Parameter,
    /// `Depends(...)` / `Security(...)`: kept whole inside `Annotated`.
    Dependency,
}

/// FAST002: every annotated parameter of a route whose default is a `FastAPI` marker.
pub(crate) fn check(checker: &mut Checker, function: &ast::StmtFunctionDef) {
    if !checker.fastapi().imports_fastapi() || !is_route(checker, function) {
        return;
    }
    // Whether a parameter with a default precedes: a fix must not make a later parameter
    // required then. Positional-only parameters are not looked at, as in Ruff.
    let mut seen_default = false;
    for parameter in function
        .parameters
        .args
        .iter()
        .chain(&function.parameters.kwonlyargs)
    {
        let (Some(annotation), Some(default)) = (parameter.annotation(), parameter.default())
        else {
            seen_default |= parameter.default.is_some();
            continue;
        };
        match marker(checker, default) {
            Some(marker) => {
                seen_default = report(
                    checker,
                    parameter,
                    annotation,
                    default,
                    marker,
                    seen_default,
                );
            }
            None => seen_default = true,
        }
    }
}

fn marker(checker: &Checker, default: &Expr) -> Option<Marker> {
    let qualified = checker.qualified_name(map_callable(default))?;
    let name = qualified.strip_prefix("fastapi.")?;
    if PARAMETER_MARKERS.contains(&name) {
        Some(Marker::Parameter)
    } else if DEPENDENCY_MARKERS.contains(&name) {
        Some(Marker::Dependency)
    } else {
        None
    }
}

/// Reports one parameter and returns the updated `seen_default`.
fn report(
    checker: &mut Checker,
    parameter: &ast::ParameterWithDefault,
    annotation: &Expr,
    default: &Expr,
    marker: Marker,
    mut seen_default: bool,
) -> bool {
    let (module, title) = if checker.target_version() >= PythonVersion::PY39 {
        ("typing", "Replace with `typing.Annotated`")
    } else {
        (
            "typing_extensions",
            "Replace with `typing_extensions.Annotated`",
        )
    };
    let mut diagnostic = Diagnostic::new(
        Rule::FastApiNonAnnotatedDependency,
        MESSAGE,
        parameter.range(),
    )
    .with_fix_title(title);
    match import_member(checker, module, "Annotated", parameter.start()) {
        // Ruff counts a failed fix as a default seen, to stay on the safe side.
        Err(_) => seen_default = true,
        Ok((import_edit, annotated)) => {
            let annotation = checker.slice(annotation.range());
            let name = parameter.name().as_str();
            let replacement = match (
                marker,
                default.as_call_expr().and_then(split_default_argument),
            ) {
                (Marker::Parameter, Some((value, keywords))) => {
                    // `...` keeps the parameter required; a real value stays its default.
                    let required = value.is_ellipsis_literal_expr();
                    if required && seen_default {
                        None
                    } else {
                        seen_default |= !required;
                        let keywords: Vec<&str> = keywords
                            .iter()
                            .map(|keyword| checker.slice(keyword.range()))
                            .collect();
                        let marker_call = format!(
                            "{}({})",
                            checker.slice(map_callable(default).range()),
                            keywords.join(", ")
                        );
                        let annotated = format!("{name}: {annotated}[{annotation}, {marker_call}]");
                        Some(if required {
                            annotated
                        } else {
                            format!("{annotated} = {}", checker.slice(value.range()))
                        })
                    }
                }
                // The whole default moves into `Annotated`, leaving the parameter required.
                _ => (!seen_default).then(|| {
                    format!(
                        "{name}: {annotated}[{annotation}, {}]",
                        checker.slice(default.range())
                    )
                }),
            };
            if let Some(replacement) = replacement {
                diagnostic = diagnostic.with_fix(
                    title,
                    Fix::unsafe_edits(
                        import_edit,
                        [Edit::range_replacement(replacement, parameter.range())],
                    ),
                );
            }
        }
    }
    checker.report(diagnostic);
    seen_default
}

/// The default value given to a marker call (first positional argument or `default=`) and its
/// other keyword arguments; `None` without a default value.
fn split_default_argument(call: &ast::ExprCall) -> Option<(&Expr, Vec<&ast::Keyword>)> {
    let value = call.arguments.find_argument_value("default", 0)?;
    let keywords = call
        .arguments
        .keywords
        .iter()
        .filter(|keyword| {
            keyword
                .arg
                .as_ref()
                .is_some_and(|arg| arg.as_str() != "default")
        })
        .collect();
    Some((value, keywords))
}
