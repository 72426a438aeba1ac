use std::collections::HashSet;

use ruff_python_trivia::PythonWhitespace;
use ruff_source_file::LineRanges;
use ruff_text_size::{TextLen, TextRange};

use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::noqa::{Code, Directive, DirectiveCodes, FileExemptions, LineDirective};
use crate::registry::{Rule, RuleSet, rule_docs};

rule_docs! {
    /// ## What it does
    /// Checks for `# noqa` directives listing a fastapi-lint code (`FAPI...`) that suppresses
    /// nothing: its rule is enabled but reported nothing on that line (for a file-level
    /// `# fastapi-lint: noqa: FAPI...`, `# ruff: noqa: ...` or `# flake8: noqa: ...`, nothing in
    /// the file), or the code is listed twice.
    ///
    /// Left alone, because fastapi-lint cannot tell whether they are needed:
    /// - codes of other tools, Ruff's `FAST` codes included: Ruff's `RUF100` judges those (tell
    ///   Ruff about ours with `lint.external = ["FAPI"]` so that it leaves them alone in turn);
    /// - codes of fastapi-lint rules that are not enabled for the file (not selected, ignored,
    ///   per-file-ignored, or preview rules without preview): a run with a subset of the rules
    ///   must not report, and `--fix` must not delete, suppressions the full configuration needs;
    /// - `FAPI` codes this version does not know, which may come from a newer version;
    /// - blanket `# noqa` directives, which may be there for another tool's diagnostics.
    ///
    /// A directive that lists `FAPI900` itself is never reported, and a file-level
    /// `# fastapi-lint: noqa: FAPI900` turns the rule off for the file.
    ///
    /// ## Why is this bad?
    /// A suppression that no longer matches anything misleads readers into thinking the line
    /// breaks a rule, and it will silently hide the next real problem on that line, such as a
    /// blocking call added to it later.
    ///
    /// ## Example
    /// ```python
    /// import asyncio
    ///
    ///
    /// async def refresh():
    ///     await asyncio.sleep(1)  # noqa: FAPI101
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import asyncio
    ///
    ///
    /// async def refresh():
    ///     await asyncio.sleep(1)
    /// ```
    ///
    /// ## Fix safety
    /// The fix is safe: the codes it removes suppress nothing, so the diagnostics reported stay
    /// the same. When other codes remain, the directive is rewritten as `# noqa: <remaining
    /// codes>` (file-level ones keep their `# <tool>: noqa: ` prefix), normalizing its spacing.
    /// When no code remains, the whole directive goes, together with any prose after its codes
    /// in the same comment; a separate comment after it (`# noqa: FAPI101  # type: ignore`) stays.
    ///
    /// ## References
    /// - [Ruff: error suppression](https://docs.astral.sh/ruff/linter/#error-suppression)
    /// - [Ruff: `unused-noqa` (RUF100)](https://docs.astral.sh/ruff/rules/unused-noqa/)
    pub struct UnusedNoqa;
}

/// The alphabetic part of the codes this rule judges.
const OWN_PREFIX: &str = "FAPI";

/// Reports the `# noqa: CODES` directives with unused FAPI codes. `lines` carry the rules each
/// end-of-line directive suppressed; file-level codes count as used when their rule reported
/// anything in the file (`reported`, before suppression).
pub(crate) fn check(
    source: &str,
    lines: &[LineDirective],
    exemptions: &FileExemptions,
    reported: &RuleSet,
    enabled: &RuleSet,
) -> Vec<Diagnostic> {
    let line_level = lines.iter().filter_map(|line| {
        check_directive(
            source,
            &line.directive,
            "# noqa: ",
            |rule| line.matches.contains(&rule),
            enabled,
        )
    });
    let file_level = exemptions.iter().filter_map(|exemption| {
        let prefix = format!("# {}: noqa: ", exemption.tool.prefix());
        check_directive(
            source,
            &exemption.directive,
            &prefix,
            |rule| reported.contains(rule),
            enabled,
        )
    });
    line_level.chain(file_level).collect()
}

fn check_directive(
    source: &str,
    directive: &Directive,
    prefix: &str,
    is_used: impl Fn(Rule) -> bool,
    enabled: &RuleSet,
) -> Option<Diagnostic> {
    let DirectiveCodes::Codes(codes) = &directive.codes else {
        return None;
    };
    let verdict = Verdict::of(codes, is_used, enabled);
    if verdict.lists_self || (verdict.unused.is_empty() && verdict.duplicated.is_empty()) {
        return None;
    }
    let edit = if verdict.kept.is_empty() {
        delete_directive(directive.range, source)
    } else {
        Edit::range_replacement(
            format!("{prefix}{}", verdict.kept.join(", ")),
            directive.range,
        )
    };
    Some(
        Diagnostic::new(Rule::UnusedNoqa, verdict.message(), directive.range)
            .with_fix("Remove unused `noqa` directive", Fix::safe_edit(edit)),
    )
}

/// The codes of one directive, sorted by what FAPI900 makes of them.
struct Verdict<'a> {
    /// Enabled FAPI rules that suppressed nothing.
    unused: Vec<&'a str>,
    /// Second and later listings of a FAPI code.
    duplicated: Vec<&'a str>,
    /// Everything else, in written order: what the fix keeps.
    kept: Vec<&'a str>,
    /// The directive lists FAPI900: the user keeps it as it is.
    lists_self: bool,
}

impl<'a> Verdict<'a> {
    fn of(codes: &[Code<'a>], is_used: impl Fn(Rule) -> bool, enabled: &RuleSet) -> Self {
        let mut verdict = Verdict {
            unused: Vec::new(),
            duplicated: Vec::new(),
            kept: Vec::new(),
            lists_self: false,
        };
        let mut seen = HashSet::new();
        for code in codes.iter().map(|code| code.code) {
            if !seen.insert(code) && is_own_code(code) {
                verdict.duplicated.push(code);
                continue;
            }
            verdict.lists_self |= code == Rule::UnusedNoqa.code();
            match Rule::from_code(code) {
                Some(rule) if is_own_code(code) && enabled.contains(rule) && !is_used(rule) => {
                    verdict.unused.push(code);
                }
                _ => verdict.kept.push(code),
            }
        }
        verdict
    }

    /// Ruff's RUF100 wording: `Unused `noqa` directive (unused: `A1`; duplicated: `B2`)`.
    fn message(&self) -> String {
        let listed = |codes: &[&str]| {
            codes
                .iter()
                .map(|code| format!("`{code}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut reasons = Vec::new();
        if !self.unused.is_empty() {
            reasons.push(format!("unused: {}", listed(&self.unused)));
        }
        if !self.duplicated.is_empty() {
            reasons.push(format!("duplicated: {}", listed(&self.duplicated)));
        }
        format!("Unused `noqa` directive ({})", reasons.join("; "))
    }
}

/// `FAPI` followed by digits only: a code of ours, known to this version or not.
fn is_own_code(code: &str) -> bool {
    code.strip_prefix(OWN_PREFIX).is_some_and(|digits| {
        !digits.is_empty() && digits.bytes().all(|byte| byte.is_ascii_digit())
    })
}

/// Removes a whole directive the way Ruff's RUF100 does: the line if the directive is all there
/// is on it; otherwise the directive with the space before it and any prose after it, keeping a
/// separate comment that follows.
fn delete_directive(range: TextRange, source: &str) -> Edit {
    let line = source.line_range(range.start());
    let before = &source[TextRange::new(line.start(), range.start())];
    let start = line.start() + before.trim_whitespace_end().text_len();
    let after = &source[TextRange::new(range.end(), line.end())];
    let end = line.end() - after.trim_whitespace_start().text_len();
    if start == line.start() && end == line.end() {
        Edit::range_deletion(TextRange::new(
            line.start(),
            source.full_line_end(line.end()),
        ))
    } else if source[TextRange::new(end, line.end())].starts_with('#') {
        Edit::range_deletion(TextRange::new(range.start(), end))
    } else {
        Edit::range_deletion(TextRange::new(start, line.end()))
    }
}
