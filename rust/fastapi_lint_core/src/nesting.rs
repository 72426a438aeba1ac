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
/// keyword. Siblings are not nested in each other, so each bracket level counts such tokens
/// only since its last comma, and the logical line's own level only since its last `;` (the
/// simple statements of `a = 1; b = 2` are siblings in their block). The bound at a token is
/// the sum over the open brackets, plus the block (indentation) depth. This over-estimates,
/// never under-estimates.
pub(crate) fn too_deep(tokens: &Tokens) -> Option<TextRange> {
    let mut indent = 0usize;
    // Per open bracket level (the first is the logical line itself): tokens since its last comma.
    let mut levels: Vec<usize> = vec![0];
    let mut open_sum = 0usize;
    // Whether the logical line has had a `:` outside brackets: the simple statements after a
    // compound statement's header (`if x: a; b`) are one level deeper than the header's block.
    let mut header = false;
    // Whether the last significant token ended a string: an f-string right after it is another
    // part of the same implicitly concatenated string, not a new node.
    let mut after_string = false;
    for token in tokens {
        let kind = token.kind();
        let follows_string = after_string;
        after_string = match kind {
            TokenKind::String | TokenKind::FStringEnd | TokenKind::TStringEnd => true,
            TokenKind::Comment | TokenKind::NonLogicalNewline => after_string,
            _ => false,
        };
        match kind {
            TokenKind::Indent => indent += 1,
            TokenKind::Dedent => indent = indent.saturating_sub(1),
            TokenKind::Newline => {
                levels.clear();
                levels.push(0);
                open_sum = 0;
                header = false;
            }
            TokenKind::Semi if levels.len() == 1 => {
                // The next simple statement starts afresh, in the body of the line's compound
                // statement if it has one.
                levels[0] = usize::from(header);
                open_sum = levels[0];
            }
            TokenKind::Comma => {
                if let Some(current) = levels.last_mut() {
                    open_sum -= *current;
                    *current = 0;
                }
            }
            TokenKind::Rpar
            | TokenKind::Rsqb
            | TokenKind::Rbrace
            | TokenKind::FStringEnd
            | TokenKind::TStringEnd => {
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
                let concatenated = follows_string
                    && matches!(kind, TokenKind::FStringStart | TokenKind::TStringStart);
                if let Some(current) = levels.last_mut()
                    && !concatenated
                {
                    *current += 1;
                    open_sum += 1;
                }
                if kind == TokenKind::Colon && levels.len() == 1 {
                    header = true;
                }
                if matches!(
                    kind,
                    TokenKind::Lpar
                        | TokenKind::Lsqb
                        | TokenKind::Lbrace
                        | TokenKind::FStringStart
                        | TokenKind::TStringStart
                ) {
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
    fn simple_statements_joined_by_semicolons_are_flat() {
        let passes = format!("{}pass\n", "pass; ".repeat(1001));
        assert!(!deep(&passes));
        let assignments = format!(
            "{}\n",
            (0..500)
                .map(|i| format!("a{i} = {i}"))
                .collect::<Vec<_>>()
                .join("; ")
        );
        assert!(!deep(&assignments));
        // In the body of a one-line compound statement, and in an indented block.
        let header = format!("if x: {}\n", vec!["y = -a.b(c)"; 2_000].join("; "));
        assert!(!deep(&header));
        let block = format!("def f():\n    {}\n", vec!["a = b"; 2_000].join("; "));
        assert!(!deep(&block));
    }

    #[test]
    fn semicolons_do_not_hide_deep_statements() {
        let brackets = format!(
            "{}x = {}{}\n",
            "pass; ".repeat(10),
            "(".repeat(MAX_NESTING),
            ")".repeat(MAX_NESTING)
        );
        assert!(deep(&brackets));
        let chain = format!("a = 1; b = {}\n", vec!["a"; MAX_NESTING + 10].join(" + "));
        assert!(deep(&chain));
        // A `;` inside brackets (a syntax error) does not reset the count.
        let parsed = ruff_python_parser::parse_unchecked(
            &format!("x = ({})\n", vec!["-a"; MAX_NESTING + 10].join(";")),
            ruff_python_parser::ParseOptions::from(ruff_python_parser::Mode::Module),
        );
        assert!(too_deep(parsed.tokens()).is_some());
        // The simple statements after a compound statement's header on the same line are a
        // level deeper than the header: the `;` keeps that level. With 999 terms, the chain
        // after `y = ` is exactly at the limit on its own, and over it in the body of an `if`.
        let chain = vec!["a"; MAX_NESTING - 1].join(" + ");
        assert!(!deep(&format!("pass; y = {chain}\n")));
        assert!(deep(&format!("if x: pass; y = {chain}\n")));
    }

    #[test]
    fn ten_thousand_levels_of_brackets_are_too_deep() {
        for (open, close) in [("(", ")"), ("[", "]"), ("{", "}")] {
            let source = format!("x = {}1{}\n", open.repeat(10_000), close.repeat(10_000));
            let parsed = ruff_python_parser::parse_unchecked(
                &source,
                ruff_python_parser::ParseOptions::from(ruff_python_parser::Mode::Module),
            );
            assert!(too_deep(parsed.tokens()).is_some(), "{open}");
        }
    }

    #[test]
    fn concatenated_f_strings_are_one_node_but_nested_ones_count() {
        let concatenated = format!("x = ({})\n", "f\"{a}b\"\n".repeat(3_000));
        assert!(!deep(&concatenated));
        let levels = MAX_NESTING / 2 + 10;
        let nested = format!("x = {}1{}\n", "f\"{".repeat(levels), "}\"".repeat(levels));
        assert!(deep(&nested));
    }

    #[test]
    fn a_line_of_statements_is_linted() {
        let source = format!(
            "import time\n{}pass\n\nasync def f():\n    time.sleep(1)\n",
            "pass; ".repeat(1001)
        );
        let settings = crate::LinterSettings::for_rules([crate::Rule::BlockingSleepInAsync]);
        let diagnostics = crate::test_support::diagnostics(&source, None, &settings);
        let kinds: Vec<_> = diagnostics
            .iter()
            .map(|diagnostic| diagnostic.kind)
            .collect();
        assert_eq!(
            kinds,
            [crate::DiagnosticKind::Rule(
                crate::Rule::BlockingSleepInAsync
            )]
        );
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
