//! The documentation page of a rule, as `ruff rule` prints it (`fastapi-lint rule CODE`, and
//! the language server's hover on a code in a `# noqa` comment).

use fastapi_lint_core::{FixAvailability, Rule};

use super::linter_name;

/// Ruff's sentence for a rule's fix availability.
pub(crate) fn fix_sentence(rule: Rule) -> &'static str {
    match rule.fix_availability() {
        FixAvailability::None => "Fix is not available.",
        availability => availability.as_str(),
    }
}

/// The Markdown page of one rule.
pub(crate) fn rule_text(rule: Rule) -> String {
    let mut text = format!(
        "# {} ({})\n\nDerived from the **{}** linter.\n\n",
        rule.name(),
        rule.code(),
        linter_name(rule)
    );
    if let Some(note) = rule.scope_note() {
        text.push_str(&note);
        text.push_str("\n\n");
    }
    if rule.fix_availability() != FixAvailability::None {
        text.push_str(fix_sentence(rule));
        text.push_str("\n\n");
    }
    if rule.is_preview() {
        text.push_str("This rule is in preview and is not stable. The `--preview` flag is required for use.\n\n");
    }
    text.push_str(&rule.docs());
    text
}
