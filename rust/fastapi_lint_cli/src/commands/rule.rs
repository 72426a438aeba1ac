//! `fastapi-lint rule CODE` / `rule --all`: the rule documentation, as `ruff rule` prints it.

use std::io::Write;

use fastapi_lint_core::Rule;
use serde::Serialize;

use crate::args::{HelpFormat, RuleCommand};
use crate::output::{fix_sentence, linter_name, rule_text};

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
