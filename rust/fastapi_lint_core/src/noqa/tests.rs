//! Directive grammar, line mapping, file exemptions and suppression, checked against what
//! `ruff==0.16.4` does with the same comments (F401/F821/W605 stood in for our rules when asking
//! Ruff where its `noqa_row` lands).

use ruff_python_ast::PySourceType;
use ruff_python_parser::{ParseOptions, parse_unchecked};
use ruff_text_size::{Ranged, TextLen, TextRange, TextSize};

use super::directive::{
    DirectiveCodes, ExemptionTool, LexError, LexWarning, Lexed, lex_file_exemption,
    lex_line_directive,
};
use super::{NoqaWarningKind, Suppressed, apply, noqa_codes};
use crate::diagnostic::{Diagnostic, DiagnosticKind};
use crate::message::to_messages;
use crate::registry::{Rule, RuleSet};

// ---------------------------------------------------------------- directive grammar

/// The codes of a directive, `None` for blanket.
type Listed = Option<Vec<&'static str>>;

/// What a comment means as an end-of-line directive: `None` (not one), `Err` (malformed), or
/// its codes and warnings.
type Reading = Option<Result<(Listed, Vec<LexWarning>), LexError>>;

fn read(comment: &'static str) -> Reading {
    lex_line_directive(comment, TextSize::default()).map(|lexed| lexed.map(summarize))
}

fn summarize(lexed: Lexed<'static>) -> (Listed, Vec<LexWarning>) {
    let codes = match lexed.directive.codes {
        DirectiveCodes::All => None,
        DirectiveCodes::Codes(codes) => Some(codes.iter().map(|code| code.code).collect()),
    };
    (codes, lexed.warnings)
}

#[expect(
    clippy::unnecessary_wraps,
    reason = "the reading `read` gives for a blanket directive"
)]
fn blanket() -> Reading {
    Some(Ok((None, vec![])))
}

#[expect(
    clippy::unnecessary_wraps,
    reason = "the reading `read` gives for a list of codes"
)]
fn codes(codes: &[&'static str]) -> Reading {
    Some(Ok((Some(codes.to_vec()), vec![])))
}

#[test]
fn blanket_directives() {
    for comment in [
        "# noqa",
        "# NOQA",
        "#noqa",
        "# NoQa",
        "#   noqa",
        "# noqa because it is fine",
        "# noqa# another",
        "# noqa   ",
    ] {
        assert_eq!(read(comment), blanket(), "{comment:?}");
    }
}

#[test]
fn whitespace_then_a_code_without_colon_is_blanket() {
    // Ruff: `import os  # noqa E501` suppresses F401.
    assert_eq!(read("# noqa FAPI101"), blanket());
}

#[test]
fn code_lists() {
    assert_eq!(read("# noqa: FAPI101"), codes(&["FAPI101"]));
    assert_eq!(
        read("# noqa:FAPI101,FAPI102"),
        codes(&["FAPI101", "FAPI102"])
    );
    assert_eq!(read("#noqa : FAPI101"), codes(&["FAPI101"]));
    assert_eq!(read("# NOQA: FAPI101"), codes(&["FAPI101"]));
    assert_eq!(
        read("# noqa: FAPI101 FAPI102"),
        codes(&["FAPI101", "FAPI102"])
    );
    assert_eq!(
        read("# noqa: FAPI101, FAPI102  E501"),
        codes(&["FAPI101", "FAPI102", "E501"])
    );
    assert_eq!(read("# noqa:\tFAPI101"), codes(&["FAPI101"]));
    assert_eq!(
        read("# noqa: FAPI101, FAPI101"),
        codes(&["FAPI101", "FAPI101"])
    );
}

#[test]
fn lexing_stops_quietly_at_prose() {
    assert_eq!(read("# noqa: FAPI101 trailing prose"), codes(&["FAPI101"]));
    assert_eq!(
        read("# noqa: FAPI101 sleeping on purpose, see FAPI102"),
        codes(&["FAPI101"])
    );
    assert_eq!(read("# noqa: FAPI101 Because"), codes(&["FAPI101"]));
    assert_eq!(read("# noqa: FAPI101#E501"), codes(&["FAPI101"]));
    assert_eq!(read("# noqa: FAPI101 # type: ignore"), codes(&["FAPI101"]));
}

#[test]
fn directive_after_other_comment_text() {
    assert_eq!(read("# type: ignore # noqa: FAPI101"), codes(&["FAPI101"]));
    assert_eq!(read("## noqa: FAPI101"), codes(&["FAPI101"]));
    // The first directive wins.
    assert_eq!(read("# noqa: FAPI101 # noqa: FAPI102"), codes(&["FAPI101"]));
    let lexed = lex_line_directive("# type: ignore # noqa: FAPI101 why", TextSize::new(100))
        .unwrap()
        .unwrap();
    assert_eq!(
        lexed.directive.range,
        TextRange::new(TextSize::new(115), TextSize::new(130))
    );
}

#[test]
fn directive_ranges() {
    let blanket = lex_line_directive("# noqa because", TextSize::new(10))
        .unwrap()
        .unwrap();
    assert_eq!(
        blanket.directive.range,
        TextRange::new(TextSize::new(10), TextSize::new(16))
    );
    let listed = lex_line_directive("# noqa: A1,  B22 prose", TextSize::new(10))
        .unwrap()
        .unwrap();
    assert_eq!(
        listed.directive.range,
        TextRange::new(TextSize::new(10), TextSize::new(26))
    );
    let DirectiveCodes::Codes(codes) = listed.directive.codes else {
        panic!("codes expected")
    };
    assert_eq!(
        codes[1].range,
        TextRange::new(TextSize::new(23), TextSize::new(26))
    );
}

#[test]
fn not_directives() {
    for comment in [
        "# a comment",
        "# This is noqa",
        "# fastapi-lint: noqa",
        "# ruff: noqa: FAPI101",
        "#",
    ] {
        assert_eq!(read(comment), None, "{comment:?}");
    }
}

#[test]
fn malformed_directives_are_errors() {
    assert_eq!(read("#noqaFAPI101"), Some(Err(LexError::InvalidSuffix)));
    assert_eq!(read("# noqa; FAPI101"), Some(Err(LexError::InvalidSuffix)));
    assert_eq!(read("# noqa-ish"), Some(Err(LexError::InvalidSuffix)));
    assert_eq!(read("# noqa: FAST"), Some(Err(LexError::MissingCodes)));
    assert_eq!(read("# noqa:"), Some(Err(LexError::MissingCodes)));
    assert_eq!(read("# noqa: fapi101"), Some(Err(LexError::MissingCodes)));
    assert_eq!(
        read("# noqa: unused-noqa"),
        Some(Err(LexError::MissingCodes))
    );
    assert_eq!(
        read("# noqa: FAPI101;"),
        Some(Err(LexError::InvalidCodeSuffix))
    );
    assert_eq!(
        read("# noqa:FAPI101:reason"),
        Some(Err(LexError::InvalidCodeSuffix))
    );
    assert_eq!(
        read("# noqa: FAPI101Fabc"),
        Some(Err(LexError::InvalidCodeSuffix))
    );
    assert_eq!(
        read("# noqa: FAPI101abc"),
        Some(Err(LexError::InvalidCodeSuffix))
    );
}

#[test]
fn typos_that_are_still_honoured() {
    assert_eq!(
        read("# noqa: FAPI101FAPI102"),
        Some(Ok((
            Some(vec!["FAPI101", "FAPI102"]),
            vec![LexWarning::MissingDelimiter]
        )))
    );
    assert_eq!(
        read("# noqa: FAPI101,,FAPI102"),
        Some(Ok((
            Some(vec!["FAPI101", "FAPI102"]),
            vec![LexWarning::MissingItem]
        )))
    );
    // Whitespace already delimits, so the comma stands for an empty item.
    assert_eq!(
        read("# noqa: FAPI101 , FAPI102"),
        Some(Ok((
            Some(vec!["FAPI101", "FAPI102"]),
            vec![LexWarning::MissingItem]
        )))
    );
    assert_eq!(
        read("# noqa: ,FAPI101"),
        Some(Ok((Some(vec!["FAPI101"]), vec![LexWarning::MissingItem])))
    );
}

fn read_file(comment: &'static str) -> Option<(ExemptionTool, Result<Listed, LexError>)> {
    lex_file_exemption(comment, TextSize::default())
        .map(|(tool, lexed)| (tool, lexed.map(|lexed| summarize(lexed).0)))
}

#[test]
fn file_exemption_grammar() {
    assert_eq!(
        read_file("# fastapi-lint: noqa"),
        Some((ExemptionTool::FastapiLint, Ok(None)))
    );
    assert_eq!(
        read_file("# ruff: noqa"),
        Some((ExemptionTool::Ruff, Ok(None)))
    );
    assert_eq!(
        read_file("# ruff: NOQA"),
        Some((ExemptionTool::Ruff, Ok(None)))
    );
    assert_eq!(
        read_file("# ruff : noqa"),
        Some((ExemptionTool::Ruff, Ok(None)))
    );
    assert_eq!(
        read_file("# flake8: noqa"),
        Some((ExemptionTool::Flake8, Ok(None)))
    );
    assert_eq!(
        read_file("# ruff: noqa: FAPI101, E501"),
        Some((ExemptionTool::Ruff, Ok(Some(vec!["FAPI101", "E501"]))))
    );
    assert_eq!(
        read_file("#fastapi-lint:noqa:FAPI101"),
        Some((ExemptionTool::FastapiLint, Ok(Some(vec!["FAPI101"]))))
    );
    // Ruff 0.16.4 reads flake8's form with codes as those codes only.
    assert_eq!(
        read_file("# flake8: noqa: FAPI101"),
        Some((ExemptionTool::Flake8, Ok(Some(vec!["FAPI101"]))))
    );
    assert_eq!(
        read_file("# note # ruff: noqa"),
        Some((ExemptionTool::Ruff, Ok(None)))
    );
    assert_eq!(
        read_file("# ruff: noqa: FAPI101abc"),
        Some((ExemptionTool::Ruff, Err(LexError::InvalidCodeSuffix)))
    );
    for comment in [
        "# noqa",
        "# Ruff: noqa",
        "# fastapi_lint: noqa",
        "# ruff noqa",
        "# ruff: isort: skip",
    ] {
        assert_eq!(read_file(comment), None, "{comment:?}");
    }
}

// ---------------------------------------------------------------- suppression over a whole file

/// A synthetic diagnostic starting at the first occurrence of `marker`.
fn at(source: &str, rule: Rule, marker: &str) -> Diagnostic {
    let start = source
        .find(marker)
        .unwrap_or_else(|| panic!("{marker:?} not in source"));
    let start = TextSize::try_from(start).unwrap();
    Diagnostic::new(
        rule,
        format!("at {marker}"),
        TextRange::at(start, marker.text_len()),
    )
}

fn run(source: &str, diagnostics: Vec<Diagnostic>, enabled: &[Rule]) -> Suppressed {
    let parsed = parse_unchecked(source, ParseOptions::from(PySourceType::Python));
    apply(
        diagnostics,
        source,
        parsed.tokens(),
        &enabled.iter().copied().collect::<RuleSet>(),
    )
}

/// `(code, row, noqa_row, message)` of what survives.
fn survivors(
    source: &str,
    diagnostics: Vec<Diagnostic>,
    enabled: &[Rule],
) -> Vec<(&'static str, usize, Option<usize>, String)> {
    let mut kept = run(source, diagnostics, enabled).diagnostics;
    kept.sort_by_key(|diagnostic| diagnostic.range.start());
    to_messages(kept, "test.py", source)
        .into_iter()
        .map(|message| {
            (
                message.code(),
                message.location.row,
                message.noqa_row,
                message.message,
            )
        })
        .collect()
}

fn surviving_messages(source: &str, diagnostics: Vec<Diagnostic>) -> Vec<String> {
    survivors(source, diagnostics, &[])
        .into_iter()
        .map(|(.., message)| message)
        .collect()
}

const SLEEP: Rule = Rule::BlockingSleepInAsync;
const HTTP: Rule = Rule::BlockingHttpInAsync;
const UNUSED: Rule = Rule::UnusedNoqa;

#[test]
fn codes_match_exactly() {
    let source = "a = 1  # noqa: FAPI101\nb = 2  # noqa: FAPI10\nc = 3  # noqa: FAPI1\nd = 4  # noqa: FAPI102\ne = 5  # noqa\n";
    let diagnostics = ["a =", "b =", "c =", "d =", "e ="]
        .map(|marker| at(source, SLEEP, marker))
        .to_vec();
    assert_eq!(
        surviving_messages(source, diagnostics),
        ["at b =", "at c =", "at d ="]
    );
}

#[test]
fn noqa_inside_a_string_is_not_a_directive() {
    let source = "a = '# noqa'\nb = \"\"\"\n# noqa\n\"\"\"\nc = 1  # noqa: FAPI101\n";
    let diagnostics = vec![
        at(source, SLEEP, "a ="),
        at(source, SLEEP, "b ="),
        at(source, SLEEP, "c ="),
    ];
    assert_eq!(
        surviving_messages(source, diagnostics),
        ["at a =", "at b ="]
    );
}

#[test]
fn malformed_directives_suppress_nothing_and_warn() {
    let source = "a = 1  #noqaFAPI101\nb = 2  # noqa: FAPI101FAPI102\nc = 3  # noqa:\n";
    let diagnostics = vec![
        at(source, SLEEP, "a ="),
        at(source, HTTP, "b ="),
        at(source, SLEEP, "c ="),
    ];
    let suppressed = run(source, diagnostics, &[]);
    let messages: Vec<&str> = suppressed
        .diagnostics
        .iter()
        .map(|diagnostic| diagnostic.message.as_str())
        .collect();
    assert_eq!(messages, ["at a =", "at c ="]);
    let warnings: Vec<String> = suppressed
        .warnings
        .iter()
        .map(|warning| warning.message("test.py"))
        .collect();
    assert_eq!(
        warnings,
        [
            "Invalid `# noqa` directive on test.py:1: expected `:` followed by a comma-separated list of codes (e.g., `# noqa: F401, F841`).",
            "Missing or joined rule code(s) at test.py:2: expected comma or space delimiter between codes",
            "Invalid `# noqa` directive on test.py:3: expected a comma-separated list of codes (e.g., `# noqa: F401, F841`).",
        ]
    );
}

/// The rows Ruff reports as `noqa_row` for F821 at each `fooN` and W605 at `\d` in this file
/// (`ruff check --select F821,W605 --target-version py312 --output-format json`).
const MULTI_LINE: &str = r#"a = """
\d
"""
b = foo1, """
x
"""
c = f"""
{foo2}
"""
d = foo3 + \
    1 + \
    2
e = foo4 + \
    """
y
"""
f = f"{
foo5
}"
g = f"""{f'''
{foo6}
'''}
"""
h = foo7 if f"""
""" else """
"""
i = (foo8,
     """
""")
"#;

#[test]
fn noqa_rows_match_ruff_for_strings_and_continuations() {
    let markers = [
        "\\d", "foo1", "foo2", "foo3", "foo4", "foo5", "foo6", "foo7", "foo8",
    ];
    let diagnostics = markers
        .iter()
        .map(|marker| at(MULTI_LINE, SLEEP, marker))
        .collect();
    let rows: Vec<(usize, Option<usize>)> = survivors(MULTI_LINE, diagnostics, &[])
        .into_iter()
        .map(|(_, row, noqa_row, _)| (row, noqa_row))
        .collect();
    assert_eq!(
        rows,
        [
            (2, Some(3)),
            (4, Some(6)),
            (8, Some(9)),
            (10, Some(12)),
            (13, Some(16)),
            (18, Some(19)),
            (21, Some(23)),
            (24, Some(26)),
            (27, Some(27))
        ]
    );
}

#[test]
fn directive_on_the_mapped_line_suppresses() {
    let source = "x = foo(1, \"\"\"\ntext\n\"\"\")  # noqa: FAPI101\ny = 1 + \\\n    2  # noqa: FAPI101\nz = f\"\"\"\n{bar}\n\"\"\"  # noqa\n";
    let diagnostics = vec![
        at(source, SLEEP, "foo"),
        at(source, SLEEP, "y ="),
        at(source, HTTP, "bar"),
    ];
    assert!(survivors(source, diagnostics, &[]).is_empty());
}

#[test]
fn lines_outside_the_mapped_regions_keep_their_own_directive() {
    // The string starts on the second line, so the first line keeps its own directive, and the
    // string's last line does not speak for it.
    let source = "x = (foo,  # noqa: FAPI101\n     \"\"\"\n\"\"\")\ny = (bar,\n     \"\"\"\n\"\"\")  # noqa: FAPI101\n";
    let diagnostics = vec![at(source, SLEEP, "foo"), at(source, SLEEP, "bar")];
    assert_eq!(surviving_messages(source, diagnostics), ["at bar"]);
}

#[test]
fn continuations_with_crlf_line_endings() {
    let source = "y = foo + \\\r\n    1 + \\\r\n    2  # noqa: FAPI101\r\nz = 1\r\n";
    assert!(survivors(source, vec![at(source, SLEEP, "foo")], &[]).is_empty());
    let rows = survivors(source, vec![at(source, SLEEP, "z =")], &[]);
    assert_eq!(rows[0].2, Some(4));
}

#[test]
fn backslashes_ending_a_comment_or_inside_a_string_continue_nothing() {
    let source = "x = foo  # see \\\ny = bar\nz = 'a\\\nb' + baz\nw = qux\n";
    let diagnostics = vec![
        at(source, SLEEP, "foo"),
        at(source, SLEEP, "bar"),
        at(source, SLEEP, "baz"),
        at(source, SLEEP, "qux"),
    ];
    let rows: Vec<(usize, Option<usize>)> = survivors(source, diagnostics, &[])
        .into_iter()
        .map(|(_, row, noqa_row, _)| (row, noqa_row))
        .collect();
    assert_eq!(
        rows,
        [(1, Some(1)), (2, Some(2)), (4, Some(4)), (5, Some(5))]
    );
}

#[test]
fn directive_on_the_last_line_without_line_break() {
    let source = "x = 1  # noqa: FAPI101";
    let end = source.text_len();
    let diagnostic = Diagnostic::new(SLEEP, "at end", TextRange::empty(end));
    assert!(survivors(source, vec![diagnostic], &[]).is_empty());
}

#[test]
fn file_exemptions() {
    let body = "a = 1\nb = 2\n";
    let cases: [(&str, &[&str]); 8] = [
        ("# fastapi-lint: noqa\n", &[]),
        ("# ruff: noqa\n", &[]),
        ("# flake8: noqa\n", &[]),
        ("# fastapi-lint: noqa: FAPI101\n", &["at b ="]),
        ("# ruff: noqa: FAPI101, E501\n", &["at b ="]),
        ("# flake8: noqa: FAPI101\n", &["at b ="]),
        ("    # fastapi-lint: noqa: FAPI102\n", &["at a ="]),
        ("# ruff: noqa: FAPI1\n", &["at a =", "at b ="]),
    ];
    for (exemption, expected) in cases {
        // Anywhere in the file: at the end here.
        let source = format!("{body}{exemption}");
        let diagnostics = vec![at(&source, SLEEP, "a ="), at(&source, HTTP, "b =")];
        assert_eq!(
            surviving_messages(&source, diagnostics),
            expected,
            "{exemption:?}"
        );
    }
}

#[test]
fn file_exemption_after_code_is_ignored_with_a_warning() {
    let source = "a = 1  # fastapi-lint: noqa\n";
    let suppressed = run(source, vec![at(source, SLEEP, "a =")], &[]);
    assert_eq!(suppressed.diagnostics.len(), 1);
    assert_eq!(suppressed.warnings.len(), 1);
    assert_eq!(
        suppressed.warnings[0].kind,
        NoqaWarningKind::MisplacedFileExemption(ExemptionTool::FastapiLint)
    );
    assert_eq!(
        suppressed.warnings[0].message("test.py"),
        "Unexpected `# fastapi-lint: noqa` directive at test.py:1. File-level suppression comments must appear on their own line. For line-level suppression, omit the `fastapi-lint:` prefix."
    );
}

#[test]
fn syntax_errors_are_never_suppressed() {
    let source = "# ruff: noqa\nx = (  # noqa\n";
    let error = Diagnostic::syntax_error(
        "unexpected EOF",
        TextRange::at(TextSize::new(17), TextSize::new(1)),
    );
    let kept = run(source, vec![error], &[UNUSED]).diagnostics;
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].kind, DiagnosticKind::InvalidSyntax);
    assert_eq!(kept[0].noqa_offset, None);
}

// ---------------------------------------------------------------- FAPI900

/// A FAPI900 finding: row, message and fix edits.
type Finding = (usize, String, Vec<(TextRange, String)>);

fn unused_noqa(source: &str, diagnostics: Vec<Diagnostic>, enabled: &[Rule]) -> Vec<Finding> {
    run(source, diagnostics, enabled)
        .diagnostics
        .into_iter()
        .filter(|diagnostic| diagnostic.rule() == Some(UNUSED))
        .map(|diagnostic| {
            let row = source[..diagnostic.range.start().to_usize()]
                .matches('\n')
                .count()
                + 1;
            let edits = diagnostic
                .fix
                .expect("FAPI900 always has a fix")
                .edits()
                .iter()
                .map(|edit| (edit.range(), edit.content().unwrap_or_default().to_string()))
                .collect();
            (row, diagnostic.message, edits)
        })
        .collect()
}

fn messages_of(found: &[Finding]) -> Vec<(usize, &str)> {
    found
        .iter()
        .map(|(row, message, _)| (*row, message.as_str()))
        .collect()
}

#[test]
fn used_codes_are_not_reported() {
    let source = "a = 1  # noqa: FAPI101\nb = 2  # noqa: FAPI101, FAPI102\n";
    let diagnostics = vec![
        at(source, SLEEP, "a ="),
        at(source, SLEEP, "b ="),
        at(source, HTTP, "b ="),
    ];
    assert!(unused_noqa(source, diagnostics, &[SLEEP, HTTP, UNUSED]).is_empty());
}

#[test]
fn unused_codes_of_enabled_fapi_rules_are_reported() {
    let source = "a = 1  # noqa: FAPI101\nb = 2  # noqa: FAPI101, FAPI102\n";
    let found = unused_noqa(
        source,
        vec![at(source, SLEEP, "b =")],
        &[SLEEP, HTTP, UNUSED],
    );
    assert_eq!(
        messages_of(&found),
        [
            (1, "Unused `noqa` directive (unused: `FAPI101`)"),
            (2, "Unused `noqa` directive (unused: `FAPI102`)")
        ]
    );
}

#[test]
fn codes_left_alone() {
    // FAPI102 is not enabled, FAST001 and E501 belong to Ruff, FAPI199 is unknown to this version.
    let source = "a = 1  # noqa: FAPI102, FAST001, E501, FAPI199\n";
    assert!(
        unused_noqa(
            source,
            vec![],
            &[SLEEP, Rule::FastApiRedundantResponseModel, UNUSED]
        )
        .is_empty()
    );
}

#[test]
fn blanket_directives_are_left_alone() {
    assert!(unused_noqa("a = 1  # noqa\n", vec![], &[SLEEP, UNUSED]).is_empty());
}

#[test]
fn only_when_enabled() {
    assert!(unused_noqa("a = 1  # noqa: FAPI101\n", vec![], &[SLEEP]).is_empty());
}

#[test]
fn duplicated_codes() {
    let source = "a = 1  # noqa: FAPI101, FAPI101, E501, E501\n";
    let found = unused_noqa(source, vec![at(source, SLEEP, "a =")], &[SLEEP, UNUSED]);
    assert_eq!(
        messages_of(&found),
        [(1, "Unused `noqa` directive (duplicated: `FAPI101`)")]
    );
    assert_eq!(
        found[0].2,
        [(
            TextRange::new(TextSize::new(7), TextSize::new(43)),
            "# noqa: FAPI101, E501, E501".to_string()
        )]
    );
}

#[test]
fn listing_fapi900_keeps_the_directive() {
    let source = "a = 1  # noqa: FAPI101, FAPI900\n";
    assert!(unused_noqa(source, vec![], &[SLEEP, UNUSED]).is_empty());
}

#[test]
fn file_level_exemption_of_fapi900() {
    let source = "a = 1  # noqa: FAPI101\n# fastapi-lint: noqa: FAPI900\n";
    assert!(unused_noqa(source, vec![], &[SLEEP, UNUSED]).is_empty());
    let source = "a = 1  # noqa: FAPI101\n# ruff: noqa\n";
    assert!(unused_noqa(source, vec![], &[SLEEP, UNUSED]).is_empty());
}

#[test]
fn line_code_is_unused_when_a_file_exemption_already_suppressed_the_diagnostic() {
    // As Ruff's RUF100 does: the file-level exemption is applied first.
    let source = "# fastapi-lint: noqa: FAPI101\na = 1  # noqa: FAPI101\n";
    let found = unused_noqa(source, vec![at(source, SLEEP, "a =")], &[SLEEP, UNUSED]);
    assert_eq!(
        messages_of(&found),
        [(2, "Unused `noqa` directive (unused: `FAPI101`)")]
    );
}

#[test]
fn file_level_codes_count_every_report_in_the_file() {
    let source = "# ruff: noqa: FAPI101, FAPI102, E501\na = 1\n";
    let found = unused_noqa(
        source,
        vec![at(source, SLEEP, "a =")],
        &[SLEEP, HTTP, UNUSED],
    );
    assert_eq!(
        messages_of(&found),
        [(1, "Unused `noqa` directive (unused: `FAPI102`)")]
    );
    assert_eq!(
        found[0].2,
        [(
            TextRange::new(TextSize::new(0), TextSize::new(36)),
            "# ruff: noqa: FAPI101, E501".to_string()
        )]
    );
}

/// Applies the single edit of the only FAPI900 finding.
fn fixed(source: &str, enabled: &[Rule]) -> String {
    let found = unused_noqa(source, vec![], enabled);
    assert_eq!(found.len(), 1, "{source:?}");
    let [(range, content)] = found[0].2.as_slice() else {
        panic!("one edit expected")
    };
    format!(
        "{}{content}{}",
        &source[..range.start().to_usize()],
        &source[range.end().to_usize()..]
    )
}

#[test]
fn fix_removes_the_unused_code_or_the_directive() {
    let enabled = [SLEEP, UNUSED];
    assert_eq!(
        fixed("a = 1  # noqa: FAPI101\nb = 2\n", &enabled),
        "a = 1\nb = 2\n"
    );
    assert_eq!(
        fixed("a = 1  # noqa: FAPI101 sleeping on purpose\n", &enabled),
        "a = 1\n"
    );
    assert_eq!(
        fixed("a = 1  # noqa: FAPI101  # type: ignore\n", &enabled),
        "a = 1  # type: ignore\n"
    );
    assert_eq!(
        fixed("a = 1  # type: ignore # noqa: FAPI101\n", &enabled),
        "a = 1  # type: ignore\n"
    );
    assert_eq!(
        fixed("a = 1  #noqa:E501,FAPI101 why\n", &enabled),
        "a = 1  # noqa: E501 why\n"
    );
    assert_eq!(
        fixed("a = 1\n    # noqa: FAPI101\nb = 2\n", &enabled),
        "a = 1\nb = 2\n"
    );
    assert_eq!(
        fixed("a = 1\n# fastapi-lint: noqa: FAPI101\n", &enabled),
        "a = 1\n"
    );
    assert_eq!(
        fixed("# flake8: noqa: E501, FAPI101\n", &enabled),
        "# flake8: noqa: E501\n"
    );
}

#[test]
fn fapi900_gets_its_noqa_row() {
    let source = "x = 1  # noqa: FAPI101\n";
    let kept = run(source, vec![], &[SLEEP, UNUSED]).diagnostics;
    assert_eq!(kept[0].noqa_offset, Some(TextSize::new(7)));
}

#[test]
fn noqa_codes_are_listed_with_their_ranges_in_the_line() {
    let line = "    time.sleep(1)  # noqa: FAPI101, FAST002 because";
    let codes = noqa_codes(line);
    let found: Vec<&str> = codes
        .iter()
        .map(|(range, code)| {
            assert_eq!(&line[*range], *code);
            *code
        })
        .collect();
    assert_eq!(found, ["FAPI101", "FAST002"]);
    assert_eq!(
        noqa_codes("# ruff: noqa: FAPI101")
            .into_iter()
            .map(|(_, code)| code)
            .collect::<Vec<_>>(),
        ["FAPI101"]
    );
    assert!(noqa_codes("x = 1  # noqa").is_empty());
    assert!(noqa_codes("x = 1  # noqa:").is_empty());
    assert!(noqa_codes("x = 1").is_empty());
}
