//! Fixture-based rule tests: lint a fixture file with chosen settings and render the findings
//! as a stable text for `insta` snapshots.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use ruff_text_size::Ranged;

use crate::diagnostic::applicability_name;
use crate::message::to_messages;
use crate::settings::LinterSettings;

pub(crate) fn fixture_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("resources/test/fixtures")
        .join(relative)
}

/// Lints `resources/test/fixtures/<relative>` and renders each finding with its source line,
/// its fix edits and its noqa row.
pub(crate) fn render_fixture(relative: &str, settings: &LinterSettings) -> String {
    let path = fixture_path(relative);
    let source = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    render_source(&source, Some(&path), relative, settings)
}

/// The diagnostics of `source` linted on its own (a file at `path`, when given), in the
/// context of [`fixture_context`].
pub(crate) fn diagnostics(
    source: &str,
    path: Option<&Path>,
    settings: &LinterSettings,
) -> Vec<crate::Diagnostic> {
    crate::lint(source, &fixture_context(path, source), settings).diagnostics
}

/// A fixture's file on its own, in a project that declares Pydantic 2, unless the source says
/// otherwise on a line of its own: `# fixture: pydantic=1` (or `pydantic=unknown`).
pub(crate) fn fixture_context(path: Option<&Path>, source: &str) -> crate::FileContext {
    let declared = source
        .lines()
        .find_map(|line| line.trim().strip_prefix("# fixture: pydantic="))
        .unwrap_or("2");
    let pydantic = crate::PydanticMajor::from_number(declared.parse().unwrap_or(0)).map(|major| {
        std::sync::Arc::new(crate::DeclaredPydantic {
            major,
            evidence: "the fixture".to_string(),
        })
    });
    crate::FileContext {
        pydantic,
        ..crate::FileContext::of_path(path)
    }
}

pub(crate) fn render_source(
    source: &str,
    path: Option<&Path>,
    display: &str,
    settings: &LinterSettings,
) -> String {
    let diagnostics = crate::test_support::diagnostics(source, path, settings);
    let messages = to_messages(diagnostics, display, source);
    let lines: Vec<&str> = source.lines().collect();
    let mut out = String::new();
    for message in &messages {
        let _ = writeln!(
            out,
            "{}:{}:{}: {} {}",
            display,
            message.location.row,
            message.location.column,
            message.code(),
            message.message
        );
        let _ = writeln!(
            out,
            "  range: {}:{}-{}:{}",
            message.location.row,
            message.location.column,
            message.end_location.row,
            message.end_location.column
        );
        if let Some(line) = lines.get(message.location.row - 1) {
            let _ = writeln!(out, "  | {line}");
        }
        if let Some(title) = &message.fix_title {
            let _ = writeln!(out, "  help: {title}");
        }
        if let Some(fix) = &message.fix {
            let _ = writeln!(out, "  fix ({}):", applicability_name(fix.applicability));
            for edit in &fix.edits {
                let _ = writeln!(
                    out,
                    "    {}:{}-{}:{} -> {:?}",
                    edit.location.row,
                    edit.location.column,
                    edit.end_location.row,
                    edit.end_location.column,
                    edit.content
                );
            }
        }
        if let Some(row) = message.noqa_row
            && row != message.location.row
        {
            let _ = writeln!(out, "  noqa row: {row}");
        }
    }
    if messages.is_empty() {
        out.push_str("(no findings)\n");
    }
    out
}

/// Checks what every fixture must satisfy whatever its snapshot says: each finding's fix
/// matches its rule's declared fix availability (no fix from a rule that declares none; a fix
/// on every finding of a rule that declares one always), and applying all fixes, safe and
/// unsafe, settles without breaking the syntax (for the rules of our own, `FAPI`).
pub(crate) fn check_fix_contract(relative: &str, settings: &LinterSettings) {
    let path = fixture_path(relative);
    let source = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    let context = fixture_context(Some(&path), &source);
    for diagnostic in crate::lint(&source, &context, settings).diagnostics {
        let Some(rule) = diagnostic.rule() else {
            continue;
        };
        match rule.fix_availability() {
            crate::FixAvailability::None => assert!(
                diagnostic.fix.is_none(),
                "{relative}: {rule:?} declares no fix but offers one"
            ),
            crate::FixAvailability::Always => assert!(
                diagnostic.fix.is_some() || !settings.fixable.contains(rule),
                "{relative}: {rule:?} declares a fix always but offers none at {:?}",
                diagnostic.range
            ),
            crate::FixAvailability::Sometimes => {}
        }
    }
    let result = crate::fix::fix_source(&source, &context, settings, true);
    assert!(result.converged, "{relative}: the fixes do not settle");
    // FAST001–FAST003 reproduce Ruff's fixes, including those that break the code in corner
    // cases (the fixer drops them, as the `rejected` list shows): held to Ruff, not to this.
    let broken: Vec<_> = result
        .rejected
        .iter()
        .filter(|rejected| rejected.rule.linter() != "FAST")
        .collect();
    assert!(
        broken.is_empty(),
        "{relative}: fixes broke the syntax: {broken:?}"
    );
}

/// Snapshot test of one fixture with the given rules enabled; also checks the fix contract
/// ([`check_fix_contract`]).
macro_rules! assert_fixture {
    ($fixture:expr, $settings:expr) => {{
        $crate::test_support::check_fix_contract($fixture, &$settings);
        let rendered = $crate::test_support::render_fixture($fixture, &$settings);
        insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!($fixture.replace('/', "__"), rendered);
        });
    }};
}
pub(crate) use assert_fixture;

/// Lints `resources/test/fixtures/<relative>` and applies its fixes (safe and unsafe) with the
/// real fixer, as `--fix --unsafe-fixes` does. Fails when a fix broke the syntax (the fixer
/// would have dropped it) or the fixes never settle.
pub(crate) fn apply_fixes(relative: &str, settings: &LinterSettings) -> String {
    let path = fixture_path(relative);
    let source = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    let result = crate::fix::fix_source(
        &source,
        &fixture_context(Some(&path), &source),
        settings,
        true,
    );
    assert!(
        result.rejected.is_empty(),
        "fixes broke the syntax: {:?}",
        result.rejected
    );
    assert!(result.converged, "fixes never settled");
    result.source
}

/// Applies every fix the rules offer on a fixture, one at a time, and returns the fixed
/// sources: fix tests re-parse them to prove the fixes produce valid Python.
pub(crate) fn fixed_sources(relative: &str, settings: &LinterSettings) -> Vec<String> {
    let path = fixture_path(relative);
    let source = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    crate::test_support::diagnostics(&source, Some(&path), settings)
        .into_iter()
        .filter_map(|diagnostic| diagnostic.fix)
        .map(|fix| apply_edits(&source, fix.edits()))
        .collect()
}

/// Splices sorted, non-overlapping edits into `source`.
pub(crate) fn apply_edits(source: &str, edits: &[crate::diagnostic::Edit]) -> String {
    let mut out = String::with_capacity(source.len());
    let mut cursor = 0;
    for edit in edits {
        let (start, end) = (
            edit.range().start().to_usize(),
            edit.range().end().to_usize(),
        );
        assert!(start >= cursor, "overlapping edits: {edits:?}");
        out.push_str(&source[cursor..start]);
        out.push_str(edit.content().unwrap_or_default());
        cursor = end;
    }
    out.push_str(&source[cursor..]);
    out
}

/// Asserts that each fix offered on the fixture yields code that parses, and returns how many
/// fixes were checked.
pub(crate) fn assert_fixes_parse(relative: &str, settings: &LinterSettings) -> usize {
    let fixed = fixed_sources(relative, settings);
    for source in &fixed {
        if let Err(error) = ruff_python_parser::parse_module(source) {
            panic!("fixed source does not parse: {error}\n{source}");
        }
    }
    fixed.len()
}
