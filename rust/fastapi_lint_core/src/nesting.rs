//! A guard against pathologically deep code.
//!
//! The AST visitors recurse once per level of nesting, so a file nested deeply enough (a
//! generated chain of 200,000 `+`, thousands of nested blocks) would overflow the stack and
//! abort the whole run — Ruff itself crashes on such files. Before any rule runs, an upper
//! bound of the AST's depth is taken from the tokens in one linear pass; a file above the
//! limit is reported instead of linted.

use ruff_python_ast::token::{TokenKind, Tokens};
use ruff_text_size::{Ranged, TextRange};

/// Deeper than anything `CPython` itself compiles (its parser and compiler give up far earlier),
/// and shallow enough for the visitors on a 2 MiB thread stack.
pub(crate) const MAX_NESTING: usize = 1_000;

/// The first token where the depth bound passes [`MAX_NESTING`], if any.
///
/// Every level of an expression tree consumes at least one token that is not a leaf (name,
/// number, string), a comma or a closing bracket: an operator, a `.`, an opening bracket, a
/// keyword. Siblings separated by commas are not nested in each other, so each bracket level
/// counts such tokens only since its last comma; the bound at a token is the sum over the open
/// brackets, plus the block (indentation) depth. This over-estimates, never under-estimates.
pub(crate) fn too_deep(tokens: &Tokens) -> Option<TextRange> {
    let mut indent = 0usize;
    // Per open bracket level (the first is the logical line itself): tokens since its last comma.
    let mut levels: Vec<usize> = vec![0];
    let mut open_sum = 0usize;
    for token in tokens {
        match token.kind() {
            TokenKind::Indent => indent += 1,
            TokenKind::Dedent => indent = indent.saturating_sub(1),
            TokenKind::Newline => {
                levels.clear();
                levels.push(0);
                open_sum = 0;
            }
            TokenKind::Comma => {
                if let Some(current) = levels.last_mut() {
                    open_sum -= *current;
                    *current = 0;
                }
            }
            TokenKind::Rpar | TokenKind::Rsqb | TokenKind::Rbrace => {
                if levels.len() > 1 {
                    let closed = levels.pop().unwrap_or_default();
                    open_sum -= closed;
                }
            }
            TokenKind::Name
            | TokenKind::Int
            | TokenKind::Float
            | TokenKind::Complex
            | TokenKind::String
            | TokenKind::FStringMiddle
            | TokenKind::TStringMiddle
            | TokenKind::Comment
            | TokenKind::NonLogicalNewline
            | TokenKind::EndOfFile => {}
            kind => {
                if let Some(current) = levels.last_mut() {
                    *current += 1;
                    open_sum += 1;
                }
                if matches!(kind, TokenKind::Lpar | TokenKind::Lsqb | TokenKind::Lbrace) {
                    levels.push(0);
                }
                if open_sum + indent + levels.len() > MAX_NESTING {
                    return Some(token.range());
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use ruff_python_parser::parse_module;

    use super::{MAX_NESTING, too_deep};

    fn deep(source: &str) -> bool {
        let parsed = parse_module(source).unwrap_or_else(|err| panic!("{err}"));
        too_deep(parsed.tokens()).is_some()
    }

    #[test]
    fn long_operator_chains_and_deep_brackets_are_too_deep() {
        let chain = format!("x = {}\n", vec!["a"; MAX_NESTING + 10].join(" + "));
        assert!(deep(&chain));
        let brackets = format!(
            "x = {}{}\n",
            "[".repeat(MAX_NESTING),
            "]".repeat(MAX_NESTING)
        );
        assert!(deep(&brackets));
        let attributes = format!("x = a{}\n", ".b".repeat(MAX_NESTING + 10));
        assert!(deep(&attributes));
    }

    #[test]
    fn wide_literals_and_ordinary_code_are_not() {
        let wide = format!(
            "DATA = [{}]\n",
            (0..50_000)
                .map(|i| format!("-{i}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        assert!(!deep(&wide));
        let mapping = format!(
            "M = {{{}}}\n",
            (0..20_000)
                .map(|i| format!("'k{i}': f(x.y[{i}])"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        assert!(!deep(&mapping));
        let lines = "x = a + b * c\n".repeat(50_000);
        assert!(!deep(&lines));
    }

    #[test]
    fn a_huge_chain_is_reported_not_a_stack_overflow() {
        // Parsing and dropping this AST recurse 300,000 levels deep: it needs the large-file
        // thread of `lint_module`, and the rules must not run on it.
        let chain = format!("x = {}\n", vec!["a"; 300_000].join(" ** "));
        let diagnostics =
            crate::test_support::diagnostics(&chain, None, &crate::LinterSettings::default());
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert_eq!(diagnostics[0].kind, crate::DiagnosticKind::IoError);
        assert!(
            diagnostics[0]
                .message
                .contains("nested more than 1000 levels")
        );
    }
}
