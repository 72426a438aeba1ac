//! Seeing through typing wrappers in annotations.

use ruff_python_ast::{Expr, Operator};

/// The type an annotation is about: `Annotated[T, ...]` → `T`, `Optional[T]` → `T`,
/// `T | None` / `None | T` → `T`. `qualify` resolves a subscript's value to its qualified name.
/// Returns the annotation itself when there is nothing to unwrap, `None` for a union of two
/// real types.
pub fn unwrap_annotation(
    annotation: &Expr,
    qualify: impl Fn(&Expr) -> Option<String> + Copy,
) -> Option<&Expr> {
    match annotation {
        Expr::Subscript(subscript) => {
            let name = qualify(&subscript.value);
            match name.as_deref() {
                Some("typing.Annotated" | "typing_extensions.Annotated") => {
                    match subscript.slice.as_ref() {
                        Expr::Tuple(tuple) => tuple
                            .elts
                            .first()
                            .and_then(|first| unwrap_annotation(first, qualify)),
                        other => unwrap_annotation(other, qualify),
                    }
                }
                Some("typing.Optional" | "typing_extensions.Optional") => {
                    unwrap_annotation(&subscript.slice, qualify)
                }
                _ => Some(annotation),
            }
        }
        Expr::BinOp(binop) if binop.op == Operator::BitOr => {
            if binop.left.is_none_literal_expr() {
                unwrap_annotation(&binop.right, qualify)
            } else if binop.right.is_none_literal_expr() {
                unwrap_annotation(&binop.left, qualify)
            } else {
                None
            }
        }
        _ => Some(annotation),
    }
}
