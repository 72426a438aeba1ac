//! Applying fixes as Ruff does: lint, apply every applicable fix that fits with the others,
//! re-lint, and repeat until nothing is left to fix.
//!
//! Unlike Ruff, which gives up on the whole file when a pass breaks the syntax, the fixer
//! undoes that pass, drops the fixes that broke it (reporting them) and goes on with the rest.
//! Breaking the syntax is adding any `invalid-syntax` error the linter reports: a parse error,
//! or one `CPython` finds after parsing (a duplicate parameter, `nonlocal` at module level, ...),
//! which Ruff's fixer does not look for.

mod add_noqa;
mod apply;

use std::collections::{BTreeMap, HashSet};

use ruff_text_size::{Ranged, TextRange};

use crate::diagnostic::{Applicability, Diagnostic, DiagnosticKind, Fix};
use crate::linter::{FileContext, lint, syntax_errors};
use crate::registry::Rule;
use crate::settings::LinterSettings;
pub use add_noqa::{AddedNoqa, add_noqa, add_noqa_to_line};
use apply::{Applied, apply_fixes};

/// Ruff's escape hatch: a file still offering fixes after this many passes is left as it is.
pub const MAX_ITERATIONS: usize = 100;

/// How many fixes were applied, per rule.
pub type FixTable = BTreeMap<Rule, usize>;

/// The outcome of fixing one source.
#[derive(Clone, Debug)]
pub struct FixResult {
    /// The fixed source (the input itself when nothing applied).
    pub source: String,
    pub fixed: FixTable,
    /// The diagnostics of the fixed source. Those whose fix was rejected no longer carry it.
    pub diagnostics: Vec<Diagnostic>,
    /// Fixes not applied because they introduced a syntax error.
    pub rejected: Vec<RejectedFix>,
    /// `false` when fixes still applied after [`MAX_ITERATIONS`] passes (a bug in a rule).
    pub converged: bool,
}

impl FixResult {
    /// The number of fixes applied.
    pub fn fixed_count(&self) -> usize {
        self.fixed.values().sum()
    }
}

/// A fix that broke the syntax, with the diagnostic it belonged to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RejectedFix {
    pub rule: Rule,
    pub message: String,
    /// The first syntax error the fix introduced.
    pub syntax_error: String,
}

/// Lints `source` and applies its fixes until it stabilises: safe fixes, and unsafe ones too
/// when `unsafe_fixes`; never display-only ones, nor fixes of rules `settings.fixable` leaves
/// out (the linter strips those). `# noqa`-suppressed diagnostics are never fixed.
pub fn fix_source(
    source: &str,
    context: &FileContext,
    settings: &LinterSettings,
    unsafe_fixes: bool,
) -> FixResult {
    // Each pass's lint is only for its diagnostics.
    let context = &FileContext {
        summarize: false,
        ..context.clone()
    };
    let path = context.path.as_deref();
    let required = if unsafe_fixes {
        Applicability::Unsafe
    } else {
        Applicability::Safe
    };
    let mut source = source.to_string();
    let mut diagnostics = lint(&source, context, settings).diagnostics;
    // A file that does not parse can still be fixed, as long as no pass adds syntax errors.
    let allowed_syntax_errors = count_syntax_errors(&diagnostics);
    let mut fixed = FixTable::new();
    let mut rejected = Vec::new();
    let mut rejected_keys: HashSet<FixKey> = HashSet::new();

    let mut passes = 0;
    loop {
        let candidates: Vec<&Diagnostic> = diagnostics
            .iter()
            .filter(|diagnostic| {
                diagnostic
                    .fix
                    .as_ref()
                    .is_some_and(|fix| fix.applicability() >= required)
                    && !rejected_keys.contains(&FixKey::new(diagnostic, &source))
            })
            .collect();
        if candidates.is_empty() || passes == MAX_ITERATIONS {
            let converged = candidates.is_empty();
            for diagnostic in &mut diagnostics {
                if rejected_keys.contains(&FixKey::new(diagnostic, &source)) {
                    diagnostic.fix = None;
                }
            }
            return FixResult {
                source,
                fixed,
                diagnostics,
                rejected,
                converged,
            };
        }
        passes += 1;

        let fixes: Vec<&Fix> = candidates
            .iter()
            .filter_map(|diagnostic| diagnostic.fix.as_ref())
            .collect();
        let mut pass = apply_fixes(&source, &fixes);
        let mut relinted = lint(&pass.source, context, settings).diagnostics;
        if count_syntax_errors(&relinted) > allowed_syntax_errors {
            let breaks_syntax = |fixed: &str| {
                let errors = syntax_errors(fixed, path, settings);
                (errors.len() > allowed_syntax_errors).then(|| {
                    errors
                        .into_iter()
                        .next()
                        .map(|error| error.message)
                        .unwrap_or_default()
                })
            };
            let (kept, broken) =
                without_breaking_fixes(&source, &fixes, &pass.fixes, breaks_syntax);
            for (index, syntax_error) in broken {
                let diagnostic = candidates[index];
                rejected_keys.insert(FixKey::new(diagnostic, &source));
                rejected.push(RejectedFix {
                    rule: diagnostic
                        .rule()
                        .expect("only rule diagnostics carry fixes"),
                    message: diagnostic.message.clone(),
                    syntax_error,
                });
            }
            pass = kept;
            relinted = lint(&pass.source, context, settings).diagnostics;
        }
        for &index in &pass.fixes {
            if let Some(rule) = candidates[index].rule() {
                *fixed.entry(rule).or_default() += 1;
            }
        }
        source = pass.source;
        diagnostics = relinted;
    }
}

fn count_syntax_errors(diagnostics: &[Diagnostic]) -> usize {
    diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.kind == DiagnosticKind::InvalidSyntax)
        .count()
}

/// Re-applies a pass's fixes one at a time, keeping each that leaves the syntax intact
/// together with those kept before it. Returns the pass without the breaking fixes, and the
/// breaking ones (indexes into `fixes`) with the error each introduced.
fn without_breaking_fixes(
    source: &str,
    fixes: &[&Fix],
    applied: &[usize],
    breaks_syntax: impl Fn(&str) -> Option<String>,
) -> (Applied, Vec<(usize, String)>) {
    let mut kept: Vec<usize> = Vec::new();
    let mut broken = Vec::new();
    for &index in applied {
        let trial: Vec<&Fix> = kept
            .iter()
            .chain([&index])
            .map(|&kept| fixes[kept])
            .collect();
        match breaks_syntax(&apply_fixes(source, &trial).source) {
            Some(error) => broken.push((index, error)),
            None => kept.push(index),
        }
    }
    let kept_fixes: Vec<&Fix> = kept.iter().map(|&index| fixes[index]).collect();
    let pass = apply_fixes(source, &kept_fixes);
    let pass = Applied {
        fixes: pass.fixes.iter().map(|&index| kept[index]).collect(),
        source: pass.source,
    };
    (pass, broken)
}

/// A fix identified by what it does rather than where, so that it is still recognised after
/// other fixes have moved it: its rule, and for each edit the lines it touches with the text
/// it replaces and its replacement. (The replaced text alone is not enough: `, item_id` added
/// to two functions is one edit's text, and rejecting it for one would drop the other's.)
#[derive(PartialEq, Eq, Hash)]
struct FixKey {
    rule: Option<Rule>,
    edits: Vec<(String, String, String)>,
}

impl FixKey {
    fn new(diagnostic: &Diagnostic, source: &str) -> Self {
        let edits = diagnostic.fix.iter().flat_map(ruff_diagnostics::Fix::edits);
        Self {
            rule: diagnostic.rule(),
            edits: edits
                .map(|edit| {
                    (
                        lines_around(source, edit.range()).to_string(),
                        source[edit.range()].to_string(),
                        edit.content().unwrap_or_default().to_string(),
                    )
                })
                .collect(),
        }
    }
}

/// The whole lines `range` lies on.
fn lines_around(source: &str, range: TextRange) -> &str {
    let start = source[..range.start().to_usize()]
        .rfind(['\n', '\r'])
        .map_or(0, |line_break| line_break + 1);
    let end = source[range.end().to_usize()..]
        .find(['\n', '\r'])
        .map_or(source.len(), |line_break| {
            range.end().to_usize() + line_break
        });
    &source[start..end]
}

#[cfg(test)]
mod tests;
