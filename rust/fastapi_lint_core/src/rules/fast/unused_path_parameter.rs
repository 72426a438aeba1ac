use ruff_python_ast::{self as ast, Expr};
use ruff_python_stdlib::identifiers::is_identifier;
use ruff_python_trivia::{SimpleTokenKind, SimpleTokenizer};
use ruff_text_size::{Ranged, TextRange, TextSize};

use super::route_decorator_call;
use crate::checker::Checker;
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::registry::{Rule, rule_docs};
use crate::semantic::{Binding, BindingKind, ScopeId};

rule_docs! {
    /// ## What it does
    /// Flags path parameters of a FastAPI route (`{item_id}` in `"/items/{item_id}"`) that the
    /// route function neither takes as a parameter nor receives through a dependency defined
    /// in the same file.
    ///
    /// ## Why is this bad?
    /// FastAPI fills path parameters by name. A placeholder that matches no parameter is
    /// matched in the URL and then thrown away, which is almost always a typo or a forgotten
    /// argument. A positional-only parameter of that name does not help: FastAPI passes path
    /// parameters by keyword.
    ///
    /// ## Example
    /// ```python
    /// from fastapi import FastAPI
    ///
    /// app = FastAPI()
    ///
    ///
    /// @app.get("/users/{user_id}/posts/{post_id}")
    /// async def read_post(user_id: int): ...
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @app.get("/users/{user_id}/posts/{post_id}")
    /// async def read_post(user_id: int, post_id: int): ...
    /// ```
    ///
    /// Parameters declared as `Annotated[T, Path(alias="name")]` count under their alias, and
    /// the parameters of a same-file `Depends(...)` target (function, class constructor, a
    /// pydantic model's fields, or a callable instance's `__call__`) count as the route's. When
    /// a dependency cannot be analysed (imported, or several `Depends` on one parameter), the
    /// route is left alone.
    ///
    /// ## Fix safety
    /// The fix adds the missing name to the signature, without annotation. It is unsafe: the
    /// function's signature changes for anyone calling it directly, and the new parameter is
    /// untyped. No fix is offered for a positional-only parameter of that name, or when a
    /// required parameter cannot be placed without a syntax error.
    ///
    /// Nor is one offered when the name is already the function's `*args` or `**kwargs`
    /// (`async def read(*item_id)`), or a keyword-only parameter under another alias: the
    /// parameter would be declared twice. Ruff offers the fix there
    /// (`def read(item_id, *item_id)`, a duplicate-parameter syntax error). (A regular
    /// parameter of that name under a `Path` alias gets Ruff's fix, which `--fix` then drops
    /// for the syntax error it introduces.)
    ///
    /// After a `/` that ends the parameters, the name goes right after it. Ruff looks for a
    /// trailing comma beyond the closing parenthesis and, in `def read(a, /) -> list[int,]`,
    /// adds the name to the return annotation on every pass. These two are the places where
    /// fastapi-lint's FAST003 deliberately differs from Ruff's.
    ///
    /// ## References
    /// - [FastAPI: Path Parameters](https://fastapi.tiangolo.com/tutorial/path-params/)
    /// - [Ruff: fast-api-unused-path-parameter (FAST003)](https://docs.astral.sh/ruff/rules/fast-api-unused-path-parameter/)
    pub struct FastApiUnusedPathParameter;
}

/// FAST003: path placeholders of the first route decorator missing from the signature.
pub(crate) fn check(checker: &mut Checker, function: &ast::StmtFunctionDef) {
    if !checker.fastapi().imports_fastapi() {
        return;
    }
    let Some(route) = function
        .decorator_list
        .iter()
        .find_map(|decorator| route_decorator_call(checker, decorator))
    else {
        return;
    };
    // Only a literal first positional argument is read, not `path=`.
    let Some(Expr::StringLiteral(path_literal)) = route.arguments.args.first() else {
        return;
    };
    let Some(accepted) = accepted_names(checker, function) else {
        return;
    };
    let path = path_literal.value.to_str();
    for (name, placeholder) in path_parameters(path) {
        if accepted.contains(&name) {
            continue;
        }
        let Some(range) = placeholder_range(path_literal.range(), path.len(), placeholder) else {
            continue;
        };
        let positional_only = function
            .parameters
            .posonlyargs
            .iter()
            .any(|parameter| parameter.name().as_str() == name);
        let function_name = function.name.as_str();
        let diagnostic = if positional_only {
            let message = format!(
                "Parameter `{name}` appears in route path, but only as a positional-only argument in `{function_name}` signature"
            );
            Diagnostic::new(Rule::FastApiUnusedPathParameter, message, range)
        } else {
            let message = format!(
                "Parameter `{name}` appears in route path, but not in `{function_name}` signature"
            );
            let title = format!("Add `{name}` to function signature");
            let diagnostic = Diagnostic::new(Rule::FastApiUnusedPathParameter, message, range)
                .with_fix_title(title.clone());
            match (is_identifier(name)
                && name != "__debug__"
                && !is_variadic_or_keyword_only(&function.parameters, name))
            .then(|| add_parameter(name, &function.parameters, checker.source()))
            .flatten()
            {
                Some(edit) => diagnostic.with_fix(title, Fix::unsafe_edit(edit)),
                None => diagnostic,
            }
        };
        checker.report(diagnostic);
    }
}

/// The names under which the route receives values: its parameters (or their `Path` alias)
/// and the parameters of its same-file dependencies. `None` when a dependency cannot be read.
fn accepted_names<'a: 'f, 'f>(
    checker: &Checker<'a>,
    function: &'f ast::StmtFunctionDef,
) -> Option<Vec<&'f str>> {
    let mut names = Vec::new();
    for parameter in keyword_parameters(function) {
        names.push(path_alias(checker, &parameter.parameter).unwrap_or(parameter.name().as_str()));
        match Dependency::of_parameter(checker, parameter) {
            None => {}
            Some(Dependency::Parameters(parameters)) => names.extend(parameters),
            Some(Dependency::Unknown) => return None,
        }
    }
    Some(names)
}

/// The parameters `FastAPI` can fill by name: neither positional-only nor variadic.
fn keyword_parameters(
    function: &ast::StmtFunctionDef,
) -> impl Iterator<Item = &ast::ParameterWithDefault> {
    function
        .parameters
        .args
        .iter()
        .chain(&function.parameters.kwonlyargs)
}

/// `documentId` for `document_id: Annotated[str, Path(alias="documentId")]` (the `Path` call
/// must be the first metadata element).
fn path_alias<'a>(checker: &Checker, parameter: &'a ast::Parameter) -> Option<&'a str> {
    let subscript = parameter.annotation()?.as_subscript_expr()?;
    let Expr::Tuple(elements) = subscript.slice.as_ref() else {
        return None;
    };
    let Some(Expr::Call(path)) = elements.elts.get(1) else {
        return None;
    };
    let Expr::StringLiteral(alias) = &path.arguments.find_keyword("alias")?.value else {
        return None;
    };
    if !is_typing_annotated(checker, &subscript.value)
        || checker.qualified_name(&path.func).as_deref() != Some("fastapi.Path")
    {
        return None;
    }
    Some(alias.value.to_str())
}

fn is_typing_annotated(checker: &Checker, expr: &Expr) -> bool {
    matches!(
        checker.qualified_name(expr).as_deref(),
        Some("typing.Annotated" | "typing_extensions.Annotated" | "_typeshed.Annotated")
    )
}

/// What a parameter's `Depends(...)` tells about the names it receives.
enum Dependency<'a> {
    /// A same-file function or class: the names it takes.
    Parameters(Vec<&'a str>),
    /// Imported, unresolved, not a function or class, or several `Depends` on one parameter.
    Unknown,
}

impl<'f> Dependency<'f> {
    /// The dependency in the parameter's default (`= Depends(f)`), else in its `Annotated`
    /// metadata. `None` when there is none that can be followed.
    fn of_parameter<'a: 'f>(
        checker: &Checker<'a>,
        parameter: &'f ast::ParameterWithDefault,
    ) -> Option<Self> {
        if let Some(dependency) = parameter
            .default()
            .and_then(|default| depends_arguments(checker, default))
            .and_then(|arguments| Self::of_call(checker, arguments, false))
        {
            return Some(dependency);
        }
        let subscript = parameter.annotation()?.as_subscript_expr()?;
        if !is_typing_annotated(checker, &subscript.value) {
            return None;
        }
        let Expr::Tuple(elements) = subscript.slice.as_ref() else {
            return None;
        };
        let mut dependencies = elements.elts.iter().skip(1).filter_map(|metadata| {
            let arguments = depends_arguments(checker, metadata)?;
            if arguments.is_empty() {
                // `Annotated[Model, Depends()]`: FastAPI calls the annotated class itself.
                Self::of_name(checker, elements.elts.first()?.as_name_expr()?, true)
            } else {
                Self::of_call(checker, arguments, true)
            }
        });
        let first = dependencies.next()?;
        Some(if dependencies.next().is_some() {
            Dependency::Unknown
        } else {
            first
        })
    }

    /// `Depends(f)` names a function or class; `Depends(Factory())` passes an instance, whose
    /// `__call__` `FastAPI` invokes.
    fn of_call<'a: 'f>(
        checker: &Checker<'a>,
        arguments: &'f ast::Arguments,
        in_annotation: bool,
    ) -> Option<Self> {
        match arguments.find_argument_value("dependency", 0)? {
            Expr::Name(name) => Self::of_name(checker, name, in_annotation),
            Expr::Call(call) => {
                let name = call.func.as_name_expr()?;
                match only_binding(checker, name, in_annotation) {
                    Some(Binding {
                        kind: BindingKind::ClassDef(class),
                        scope,
                        ..
                    }) => class_parameters(checker, *scope, class, "__call__"),
                    _ => Some(Dependency::Unknown),
                }
            }
            _ => None,
        }
    }

    fn of_name<'a: 'f>(
        checker: &Checker<'a>,
        name: &ast::ExprName,
        in_annotation: bool,
    ) -> Option<Self> {
        match only_binding(checker, name, in_annotation) {
            Some(Binding {
                kind: BindingKind::FunctionDef(function),
                ..
            }) => Some(Dependency::Parameters(
                keyword_parameters(function)
                    .map(|parameter| parameter.name().as_str())
                    .collect(),
            )),
            Some(Binding {
                kind: BindingKind::ClassDef(class),
                scope,
                ..
            }) => class_parameters(checker, *scope, class, "__init__"),
            _ => Some(Dependency::Unknown),
        }
    }
}

/// The binding a dependency name refers to, when it is the first binding of that name in its
/// scope (a redefined name is not followed). Names in annotations are unresolved when Ruff
/// checks the route under deferred annotations.
fn only_binding<'a>(
    checker: &Checker<'a>,
    name: &ast::ExprName,
    in_annotation: bool,
) -> Option<&'a Binding<'a>> {
    if in_annotation && checker.deferred_annotations() {
        return None;
    }
    let semantic = checker.semantic();
    let binding = semantic.resolve_name(name.id.as_str(), checker.scope(), name.start())?;
    let first = *semantic
        .scope(binding.scope)
        .bindings_of(binding.name)
        .first()?;
    std::ptr::eq(semantic.binding(first), binding).then_some(binding)
}

/// The names a class dependency takes: a pydantic model's annotated fields, else the
/// parameters of `method` after `self`. `None` when the class has no such method.
/// `scope` is where the class statement is, in which its bases are evaluated.
fn class_parameters<'a>(
    checker: &Checker,
    scope: ScopeId,
    class: &'a ast::StmtClassDef,
    method: &str,
) -> Option<Dependency<'a>> {
    let is_model = class.bases().iter().any(|base| {
        checker.semantic().qualified_name(base, scope).as_deref() == Some("pydantic.BaseModel")
    });
    let names = if is_model {
        class
            .body
            .iter()
            .filter_map(|stmt| {
                stmt.as_ann_assign_stmt()?
                    .target
                    .as_name_expr()
                    .map(|name| name.id.as_str())
            })
            .collect()
    } else {
        let method = class
            .body
            .iter()
            .filter_map(ast::Stmt::as_function_def_stmt)
            .find(|function| function.name.as_str() == method)?;
        keyword_parameters(method)
            .skip(1)
            .map(|parameter| parameter.name().as_str())
            .collect()
    };
    Some(Dependency::Parameters(names))
}

/// The arguments of a `fastapi.Depends(...)` call.
fn depends_arguments<'a>(checker: &Checker, expr: &'a Expr) -> Option<&'a ast::Arguments> {
    let call = expr.as_call_expr()?;
    (checker.qualified_name(&call.func).as_deref() == Some("fastapi.Depends"))
        .then_some(&call.arguments)
}

/// The `{name}` / `{name:converter}` placeholders of a route path, as Starlette recognises
/// them, with the byte range of each placeholder including its braces.
fn path_parameters(path: &str) -> impl Iterator<Item = (&str, std::ops::Range<usize>)> {
    let bytes = path.as_bytes();
    let identifier_end = |from: usize| {
        let starts = bytes
            .get(from)
            .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_');
        starts.then(|| {
            from + bytes[from..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                .count()
        })
    };
    let mut at = 0;
    std::iter::from_fn(move || {
        while let Some(offset) = path[at..].find('{') {
            let open = at + offset;
            at = open + 1;
            let Some(name_end) = identifier_end(open + 1) else {
                continue;
            };
            let close = match bytes.get(name_end) {
                Some(b':') => match identifier_end(name_end + 1) {
                    Some(converter_end) => converter_end,
                    None => continue,
                },
                _ => name_end,
            };
            if bytes.get(close) == Some(&b'}') {
                at = close + 1;
                return Some((&path[open + 1..name_end], open..close + 1));
            }
        }
        None
    })
}

/// Where Ruff reports a placeholder: the literal's range, shrunk by the placeholder's offsets in
/// the string's *value* plus one quote character on each side. This is exact for plain
/// one-quote literals and shifted for prefixes, triple quotes, escapes or concatenations,
/// as in Ruff.
fn placeholder_range(
    literal: TextRange,
    value_len: usize,
    placeholder: std::ops::Range<usize>,
) -> Option<TextRange> {
    let start = literal.start() + TextSize::try_from(placeholder.start + 1).ok()?;
    let end = literal
        .end()
        .checked_sub(TextSize::try_from(value_len - placeholder.end + 1).ok()?)?;
    (start <= end).then(|| TextRange::new(start, end))
}

/// Whether `name` is the `*args` or `**kwargs` of the signature, or one of its keyword-only
/// parameters (under a `Path` alias): adding it again would repeat a parameter name.
fn is_variadic_or_keyword_only(parameters: &ast::Parameters, name: &str) -> bool {
    parameters
        .vararg
        .iter()
        .chain(&parameters.kwarg)
        .map(|parameter| parameter.name.as_str())
        .chain(
            parameters
                .kwonlyargs
                .iter()
                .map(|parameter| parameter.name().as_str()),
        )
        .any(|parameter| parameter == name)
}

/// Adds `name` to the signature as a parameter without default, where that is valid Python.
fn add_parameter(name: &str, parameters: &ast::Parameters, source: &str) -> Option<Edit> {
    if let Some(last) = parameters
        .args
        .iter()
        .rfind(|parameter| parameter.default.is_none())
    {
        return Some(Edit::insertion(format!(", {name}"), last.end()));
    }
    let posonly_default = parameters
        .posonlyargs
        .last()
        .is_some_and(|parameter| parameter.default.is_some());
    if let Some(first) = parameters.args.first() {
        // Every regular parameter has a default: the new one goes first, unless a default
        // before the `/` forces defaults on everything after it.
        return (!posonly_default).then(|| Edit::insertion(format!("{name}, "), first.start()));
    }
    if let Some(last) = parameters.posonlyargs.last() {
        if posonly_default {
            return None;
        }
        let mut tokens = SimpleTokenizer::starts_at(last.end(), source);
        let slash = tokens.find(|token| token.kind == SimpleTokenKind::Slash)?;
        // Only a comma right after the `/` is the signature's trailing comma (Ruff looks
        // further, into the return annotation, and never converges on `(a, /) -> [b,]`).
        let next = tokens.find(|token| !token.kind.is_trivia());
        return Some(match next {
            Some(comma) if comma.kind == SimpleTokenKind::Comma => {
                Edit::insertion(format!(" {name},"), comma.end())
            }
            _ => Edit::insertion(format!(", {name}"), slash.end()),
        });
    }
    let before_token = |kind: SimpleTokenKind| {
        let token = SimpleTokenizer::starts_at(parameters.start(), source)
            .find(|token| token.kind == kind)?;
        Some(Edit::insertion(format!("{name}, "), token.start()))
    };
    if parameters.vararg.is_some() || !parameters.kwonlyargs.is_empty() {
        before_token(SimpleTokenKind::Star)
    } else if parameters.kwarg.is_some() {
        before_token(SimpleTokenKind::DoubleStar)
    } else {
        Some(Edit::insertion(
            name.to_string(),
            parameters.start() + TextSize::from(1),
        ))
    }
}

#[cfg(test)]
mod tests {
    use crate::registry::Rule;
    use crate::settings::LinterSettings;
    use crate::test_support::{apply_edits, diagnostics};

    /// Ruff offers `def read(item_id, *item_id: int)`; fastapi-lint offers no fix.
    #[test]
    fn no_fix_repeats_a_variadic_or_keyword_only_name() {
        let settings = LinterSettings::for_rules([Rule::FastApiUnusedPathParameter]);
        for signature in [
            "*item_id: int",
            "**item_id",
            "a, /, *item_id",
            "*, item_id: Annotated[int, Path(alias=\"itemId\")]",
        ] {
            let source = format!(
                "from typing import Annotated\n\nfrom fastapi import FastAPI, Path\n\napp = FastAPI()\n\n\n@app.get(\"/items/{{item_id}}\")\nasync def read({signature}): ...\n"
            );
            let found = diagnostics(&source, None, &settings);
            let [diagnostic] = found.as_slice() else {
                panic!("{signature}: {found:?}");
            };
            assert_eq!(
                diagnostic.message,
                "Parameter `item_id` appears in route path, but not in `read` signature"
            );
            assert!(diagnostic.fix.is_none(), "{signature}");
            assert_eq!(
                diagnostic.fix_title.as_deref(),
                Some("Add `item_id` to function signature")
            );
        }
    }

    /// The parameter goes after the `/`, before the signature's own trailing comma if it has
    /// one, never into the return annotation (where Ruff's fix puts it, pass after pass).
    #[test]
    fn after_a_slash_the_parameter_stays_in_the_signature() {
        let settings = LinterSettings::for_rules([Rule::FastApiUnusedPathParameter]);
        for (signature, fixed) in [
            ("(t: int, /) -> list[int,]", "(t: int, /, d) -> list[int,]"),
            (
                "(t: int, /,) -> list[int,]",
                "(t: int, /, d,) -> list[int,]",
            ),
            (
                "(t: int, / # why\n) -> list",
                "(t: int, /, d # why\n) -> list",
            ),
        ] {
            let source = format!(
                "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get(\"/{{d}}\")\ndef read{signature}: ...\n"
            );
            let found = diagnostics(&source, None, &settings);
            let fix = found[0].fix.as_ref().expect("a fix");
            let after = apply_edits(&source, fix.edits());
            assert!(after.contains(&format!("def read{fixed}:")), "{after}");
        }
    }

    /// Other names in those places do not stop the fix.
    #[test]
    fn other_variadic_names_keep_the_fix() {
        let settings = LinterSettings::for_rules([Rule::FastApiUnusedPathParameter]);
        let source = "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get(\"/items/{item_id}\")\nasync def read(*args, other, **kwargs): ...\n";
        let found = diagnostics(source, None, &settings);
        assert_eq!(found.len(), 1);
        assert!(found[0].fix.is_some());
    }
}
