use ruff_python_ast::token::{Tokens, parenthesized_range};
use ruff_python_ast::{self as ast, Expr};
use ruff_python_stdlib::builtins::is_python_builtin;
use ruff_python_trivia::{SimpleTokenKind, SimpleTokenizer};
use ruff_text_size::{Ranged, TextRange};

use super::route_decorator_call;
use crate::checker::Checker;
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::registry::{Rule, rule_docs};
use crate::semantic::Binding;

rule_docs! {
    /// ## What it does
    /// Flags FastAPI route decorators whose `response_model=` argument names the same type as
    /// the function's return annotation.
    ///
    /// ## Why is this bad?
    /// FastAPI already derives the response model from the return annotation, so repeating it
    /// in the decorator adds noise and gives two places to keep in sync. `response_model` is
    /// meant for the cases where the response should be validated or documented as a type
    /// *different* from the annotated one.
    ///
    /// ## Example
    /// ```python
    /// from fastapi import FastAPI
    /// from pydantic import BaseModel
    ///
    /// app = FastAPI()
    ///
    ///
    /// class Order(BaseModel):
    ///     id: int
    ///
    ///
    /// @app.get("/orders/{order_id}", response_model=Order)
    /// async def read_order(order_id: int) -> Order:
    ///     return Order(id=order_id)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @app.get("/orders/{order_id}")
    /// async def read_order(order_id: int) -> Order:
    ///     return Order(id=order_id)
    /// ```
    ///
    /// ## Fix safety
    /// The fix deletes the `response_model` argument. It is unsafe: FastAPI treats an explicit
    /// `response_model` slightly differently from an inferred one (for instance in the generated
    /// OpenAPI schema), and comments inside the deleted argument are lost.
    ///
    /// ## References
    /// - [FastAPI: Response Model - Return Type](https://fastapi.tiangolo.com/tutorial/response-model/)
    /// - [Ruff: fast-api-redundant-response-model (FAST001)](https://docs.astral.sh/ruff/rules/fast-api-redundant-response-model/)
    pub struct FastApiRedundantResponseModel;
}

const MESSAGE: &str = "FastAPI route with redundant `response_model` argument";
const FIX_TITLE: &str = "Remove argument";

/// FAST001: one finding per route decorator whose `response_model` equals the return annotation.
pub(crate) fn check(checker: &mut Checker, function: &ast::StmtFunctionDef) {
    if !checker.fastapi().imports_fastapi() {
        return;
    }
    let Some(returns) = function.returns.as_deref() else {
        return;
    };
    for decorator in &function.decorator_list {
        let Some(call) = route_decorator_call(checker, decorator) else {
            continue;
        };
        let Some(keyword) = call.arguments.find_keyword("response_model") else {
            continue;
        };
        if !is_same_type(checker, &keyword.value, returns) {
            continue;
        }
        let mut diagnostic = Diagnostic::new(
            Rule::FastApiRedundantResponseModel,
            MESSAGE,
            keyword.range(),
        )
        .with_fix_title(FIX_TITLE);
        if let Some(edit) =
            remove_keyword(keyword, &call.arguments, checker.source(), checker.tokens())
        {
            diagnostic = diagnostic.with_fix(FIX_TITLE, Fix::unsafe_edit(edit));
        }
        checker.report(diagnostic);
    }
}

/// Whether the two type expressions are built the same way from names that resolve to the same
/// bindings: `Item` / `Item`, `list[Item]` / `list[Item]`, `Dict[str, Item]` / `Dict[str, Item]`.
fn is_same_type(checker: &Checker, response_model: &Expr, returns: &Expr) -> bool {
    match (response_model, returns) {
        (Expr::Name(left), Expr::Name(right)) => {
            let (Some(left), Some(right)) =
                (resolve(checker, left, false), resolve(checker, right, true))
            else {
                return false;
            };
            left.is_same(right)
        }
        (Expr::Subscript(left), Expr::Subscript(right)) => {
            is_same_type(checker, &left.value, &right.value)
                && is_same_type(checker, &left.slice, &right.slice)
        }
        (Expr::Tuple(left), Expr::Tuple(right)) => {
            left.len() == right.len()
                && left
                    .iter()
                    .zip(right)
                    .all(|(left, right)| is_same_type(checker, left, right))
        }
        _ => false,
    }
}

/// What a name in the decorator or the return annotation refers to.
enum Resolved<'a, 'n> {
    Binding(&'a Binding<'a>),
    Builtin(&'n str),
}

impl Resolved<'_, '_> {
    fn is_same(&self, other: Resolved) -> bool {
        match (self, other) {
            (Resolved::Binding(left), Resolved::Binding(right)) => std::ptr::eq(*left, right),
            (Resolved::Builtin(left), Resolved::Builtin(right)) => *left == right,
            _ => false,
        }
    }
}

/// Resolves a name where the `def` statement evaluates it. Ruff checks the route before it
/// resolves deferred annotations (`from __future__ import annotations`, Python 3.14+), so a
/// name in the return annotation is unresolved then.
fn resolve<'a, 'n>(
    checker: &Checker<'a>,
    name: &'n ast::ExprName,
    in_annotation: bool,
) -> Option<Resolved<'a, 'n>> {
    if in_annotation && checker.deferred_annotations() {
        return None;
    }
    let id = name.id.as_str();
    match checker
        .semantic()
        .resolve_name(id, checker.scope(), name.start())
    {
        Some(binding) => Some(Resolved::Binding(binding)),
        None => is_python_builtin(id, checker.target_version().minor, false)
            .then_some(Resolved::Builtin(id)),
    }
}

/// Deletes a keyword argument with its separating comma, keeping the call's parentheses.
fn remove_keyword(
    keyword: &ast::Keyword,
    arguments: &ast::Arguments,
    source: &str,
    tokens: &Tokens,
) -> Option<Edit> {
    let ranges: Vec<TextRange> = arguments
        .iter_source_order()
        .map(|argument| argument.range())
        .filter(|range| *range != keyword.range())
        .collect();
    // Like Ruff, the deletion starts at the value's parentheses when it has some.
    let removed = parenthesized_range((&keyword.value).into(), arguments.into(), tokens)
        .unwrap_or(keyword.range());
    if ranges.iter().any(|range| range.start() > keyword.start()) {
        // Not the last argument: delete up to the first token after the following comma.
        let mut tokens = SimpleTokenizer::starts_at(keyword.end(), source);
        tokens.find(|token| token.kind == SimpleTokenKind::Comma)?;
        let next = tokens.find(|token| {
            !matches!(
                token.kind,
                SimpleTokenKind::Whitespace | SimpleTokenKind::Newline
            )
        })?;
        Some(Edit::range_deletion(TextRange::new(
            removed.start(),
            next.start(),
        )))
    } else if let Some(previous) = ranges.iter().map(ruff_text_size::Ranged::end).max() {
        // The last argument: delete from the preceding comma.
        let comma = SimpleTokenizer::starts_at(previous, source)
            .find(|token| token.kind == SimpleTokenKind::Comma)?;
        Some(Edit::range_deletion(TextRange::new(
            comma.start(),
            removed.end(),
        )))
    } else {
        Some(Edit::range_replacement("()".to_string(), arguments.range()))
    }
}
