//! `--add-noqa`: a `# noqa: CODE` for every finding, written as Ruff writes it.

use std::collections::{BTreeMap, BTreeSet};

use ruff_python_ast::token::TokenKind;
use ruff_source_file::LineRanges;
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::diagnostic::DiagnosticKind;
use crate::linter::{FileContext, lint, parse};
use crate::noqa::{Directive, DirectiveCodes, lex_line_directive};
use crate::registry::Rule;
use crate::settings::LinterSettings;

/// A source with directives added, and how many lines got one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddedNoqa {
    pub source: String,
    pub directives: usize,
}

/// Adds `# noqa: CODE` at each finding's noqa line; `None` for a file with syntax errors, which
/// is left alone.
///
/// As in Ruff: codes join an existing `# noqa: X` on the line (sorted, each once), whatever
/// follows that directive on the line is dropped, and a blanket `# noqa` is never touched. FAPI900
/// findings get no directive: they point at a directive, not at code.
pub fn add_noqa(
    source: &str,
    context: &FileContext,
    settings: &LinterSettings,
) -> Option<AddedNoqa> {
    let path = context.path.as_deref();
    let diagnostics = lint(source, context, settings).diagnostics;
    if diagnostics
        .iter()
        .any(|diagnostic| diagnostic.kind == DiagnosticKind::InvalidSyntax)
    {
        return None;
    }
    let mut codes_by_line: BTreeMap<TextSize, BTreeSet<&str>> = BTreeMap::new();
    for diagnostic in &diagnostics {
        if let Some(rule) = diagnostic.rule().filter(|&rule| rule != Rule::UnusedNoqa) {
            let line =
                source.line_start(diagnostic.noqa_offset.unwrap_or(diagnostic.range.start()));
            codes_by_line.entry(line).or_default().insert(rule.code());
        }
    }
    if codes_by_line.is_empty() {
        return Some(AddedNoqa {
            source: source.to_string(),
            directives: 0,
        });
    }
    Some(write_directives(source, path, settings, codes_by_line))
}

/// Adds `# noqa: CODE` to the line holding `offset`, as [`add_noqa`] writes it (joining a
/// `# noqa: X` already there): an editor's "disable this rule for this line". A line under a
/// blanket `# noqa` is left as it is (`directives` is 0).
pub fn add_noqa_to_line(
    source: &str,
    context: &FileContext,
    settings: &LinterSettings,
    offset: TextSize,
    code: &str,
) -> AddedNoqa {
    let line = source.line_start(offset.min(TextSize::of(source)));
    let codes_by_line = BTreeMap::from([(line, BTreeSet::from([code]))]);
    write_directives(source, context.path.as_deref(), settings, codes_by_line)
}

/// Writes each line's codes into its directive, or a new directive at the end of the line.
fn write_directives(
    source: &str,
    path: Option<&std::path::Path>,
    settings: &LinterSettings,
    codes_by_line: BTreeMap<TextSize, BTreeSet<&str>>,
) -> AddedNoqa {
    let parsed = parse(source, path, settings);
    let existing: BTreeMap<TextSize, Directive> = parsed
        .tokens()
        .iter()
        .filter(|token| token.kind() == TokenKind::Comment)
        .filter_map(|token| {
            Some((
                source.line_start(token.start()),
                lex_line_directive(&source[token.range()], token.start())?
                    .ok()?
                    .directive,
            ))
        })
        .collect();
    // Ruff writes the file's line ending (that of its first line) after every directive.
    let line_ending = match source.find('\n') {
        Some(at) if source[..at].ends_with('\r') => "\r\n",
        _ => "\n",
    };

    let mut output = String::with_capacity(source.len());
    let mut last_end = TextSize::default();
    let mut directives = 0;
    for (line_start, mut codes) in codes_by_line {
        let line = source.full_line_range(line_start);
        let (replaced_from, own_line) = match existing.get(&line_start) {
            Some(Directive {
                codes: DirectiveCodes::All,
                ..
            }) => continue,
            Some(Directive {
                range,
                codes: DirectiveCodes::Codes(listed),
            }) => {
                codes.extend(listed.iter().map(|code| code.code));
                let before = &source[TextRange::new(line.start(), range.start())];
                if before.trim().is_empty() {
                    (range.start(), true)
                } else {
                    (line.start() + TextSize::of(before.trim_end()), false)
                }
            }
            None => {
                let kept = source[line].trim_end();
                (
                    line.start() + TextSize::of(kept),
                    kept.trim_start().is_empty(),
                )
            }
        };
        output.push_str(&source[TextRange::new(last_end, replaced_from)]);
        output.push_str(if own_line { "# noqa: " } else { "  # noqa: " });
        output.push_str(&codes.into_iter().collect::<Vec<_>>().join(", "));
        output.push_str(line_ending);
        last_end = line.end();
        directives += 1;
    }
    output.push_str(&source[usize::from(last_end)..]);
    AddedNoqa {
        source: output,
        directives,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add(source: &str) -> Option<AddedNoqa> {
        add_noqa(
            source,
            &FileContext::default(),
            &LinterSettings::for_rules([
                Rule::FastApiNonAnnotatedDependency,
                Rule::FastApiUnusedPathParameter,
                Rule::UnusedNoqa,
            ]),
        )
    }

    #[test]
    fn merges_codes_and_keeps_blanket_directives_as_they_are() {
        // Expected output: Ruff 0.16.4's `--add-noqa` on the same file.
        let source = r#"from fastapi import Depends, FastAPI

app = FastAPI()


@app.get("/a")
async def a(db: int = Depends(dict)):  # noqa: Z999,A1 trailing words
    return db

@app.get("/b")
async def b(db: int = Depends(dict)):  # noqa
    return db

@app.get("/c")
async def c(db: int = Depends(dict)):  # type: ignore # noqa: E501
    return db

@app.get("""/d/{x}
""")
async def d(q: int = Depends(dict)):  # some comment
    return q"#;
        let added = add(source).unwrap();
        let expected = source
            .replace(
                "# noqa: Z999,A1 trailing words",
                "# noqa: A1, FAST002, Z999",
            )
            .replace(
                "# type: ignore # noqa: E501",
                "# type: ignore  # noqa: E501, FAST002",
            )
            .replace("# some comment", "# some comment  # noqa: FAST002");
        assert_eq!(added.source, expected);
        assert_eq!(added.directives, 3);
        assert_eq!(
            add(&added.source).unwrap(),
            AddedNoqa {
                source: added.source.clone(),
                directives: 0
            }
        );
    }

    #[test]
    fn multi_line_strings_get_the_directive_on_their_last_line() {
        let source = "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get(\"\"\"/d/{x}\n\"\"\")\nasync def d(q: int):\n    return q";
        let added = add(source).unwrap();
        assert_eq!(
            added.source,
            source.replace("\"\"\")\n", "\"\"\")  # noqa: FAST003\n")
        );
    }

    #[test]
    fn one_line_gets_one_code_joined_with_its_directive() {
        let settings = LinterSettings::for_rules([Rule::FastApiUnusedPathParameter]);
        let source = "x = 1\ny = 2  # noqa: B1\nz = 3\n";
        let at = |line: &str| TextSize::try_from(source.find(line).unwrap()).unwrap();
        let context = FileContext::default();
        let added = add_noqa_to_line(
            source,
            &context,
            &settings,
            at("x = 1") + TextSize::new(2),
            "FAPI101",
        );
        assert_eq!(
            added.source,
            source.replace("x = 1", "x = 1  # noqa: FAPI101")
        );
        assert_eq!(added.directives, 1);
        let joined = add_noqa_to_line(source, &context, &settings, at("y = 2"), "FAPI101");
        assert_eq!(
            joined.source,
            source.replace("# noqa: B1", "# noqa: B1, FAPI101")
        );
        let blanket = "z = 3  # noqa\n";
        let kept = add_noqa_to_line(blanket, &context, &settings, TextSize::new(0), "FAPI101");
        assert_eq!((kept.source.as_str(), kept.directives), (blanket, 0));
    }

    #[test]
    fn files_with_syntax_errors_are_left_alone() {
        assert_eq!(add("def f(:\n"), None);
    }
}
