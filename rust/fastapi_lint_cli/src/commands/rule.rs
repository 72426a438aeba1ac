//! `fastapi-lint rule CODE` / `rule --all`: the rule documentation, as `ruff rule` prints it.

use std::io::Write;

use fastapi_lint_core::{FixAvailability, Rule};
use serde::Serialize;

use crate::args::{HelpFormat, RuleCommand};
use crate::output::linter_name;

/// Ruff's sentence for a rule's fix availability.
fn fix_sentence(rule: Rule) -> &'static str {
    match rule.fix_availability() {
        FixAvailability::None => "Fix is not available.",
        availability => availability.as_str(),
    }
}

#[derive(Serialize)]
struct RuleJson {
    name: &'static str,
    code: &'static str,
    linter: &'static str,
    summary: String,
    fix: &'static str,
    fix_availability: String,
    explanation: String,
    preview: bool,
}

impl From<Rule> for RuleJson {
    fn from(rule: Rule) -> Self {
        Self {
            name: rule.name(),
            code: rule.code(),
            linter: linter_name(rule),
            summary: rule.summary(),
            fix: fix_sentence(rule),
            fix_availability: format!("{:?}", rule.fix_availability()),
            explanation: rule.docs(),
            preview: rule.is_preview(),
        }
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

pub(super) fn rule(command: &RuleCommand) -> anyhow::Result<i32> {
    let mut stdout = std::io::stdout().lock();
    match (command.rule, command.output_format) {
        (Some(rule), HelpFormat::Text) => write!(stdout, "{}", rule_text(rule))?,
        (Some(rule), HelpFormat::Json) => write!(
            stdout,
            "{}",
            serde_json::to_string_pretty(&RuleJson::from(rule))?
        )?,
        (None, HelpFormat::Text) => {
            for rule in Rule::ALL {
                writeln!(stdout, "{}", rule_text(*rule))?;
            }
        }
        (None, HelpFormat::Json) => {
            let rules: Vec<RuleJson> = Rule::ALL.iter().copied().map(RuleJson::from).collect();
            write!(stdout, "{}", serde_json::to_string_pretty(&rules)?)?;
        }
    }
    Ok(super::exit::SUCCESS)
}
