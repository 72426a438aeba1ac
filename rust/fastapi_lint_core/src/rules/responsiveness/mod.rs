//! FAPI301: work the client should not wait for.

pub mod heavy_background_task;
pub mod side_effect_before_response;

use ruff_python_ast::{self as ast, Stmt};
use serde::Deserialize;

use crate::checker::Checker;
use crate::registry::{Rule, RuleSet};

/// The rules of this family (their codes start with `FAPI3`), for dispatch.
pub(crate) const RULES: RuleSet = RuleSet::with_code_prefix("FAPI3");

/// Side-effect names `[tool.fastapi-lint.lint.responsiveness]` declares.
///
/// Patterns are matched against the last segment of the called name (`send_email` in
/// `mailer.send_email(...)`), case-insensitively; `*` matches any run of characters.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ResponsivenessOptions {
    /// The patterns of FAPI301; setting it replaces the built-in list.
    pub side_effect_patterns: Vec<String>,
    /// Patterns added to `side-effect-patterns`.
    pub extend_side_effect_patterns: Vec<String>,
}

/// Sending mail, messages and notifications, calling webhooks, recording analytics events.
pub const DEFAULT_SIDE_EFFECT_PATTERNS: &[&str] = &[
    "send_*email*",
    "send_mail",
    "*notify*",
    "send_sms",
    "send_push*",
    "*webhook*",
    "log_event",
    "track*",
];

impl Default for ResponsivenessOptions {
    fn default() -> Self {
        Self {
            side_effect_patterns: DEFAULT_SIDE_EFFECT_PATTERNS
                .iter()
                .map(ToString::to_string)
                .collect(),
            extend_side_effect_patterns: Vec::new(),
        }
    }
}

impl ResponsivenessOptions {
    /// Every pattern in effect: the base list and the extensions.
    pub fn side_effect_patterns(&self) -> impl Iterator<Item = &str> {
        self.side_effect_patterns
            .iter()
            .chain(&self.extend_side_effect_patterns)
            .map(String::as_str)
    }
}

/// Called for every statement when a rule of this family is enabled.
pub(crate) fn check_stmt(checker: &mut Checker, stmt: &Stmt) {
    if let Stmt::Expr(statement) = stmt
        && checker.is_enabled(Rule::SideEffectBeforeResponse)
    {
        side_effect_before_response::check(checker, statement);
    }
}

/// FAPI302: calls that hand a background task its work.
pub(crate) fn check_call(checker: &mut Checker, call: &ast::ExprCall) {
    let facts = checker.facts();
    if !facts.heavy_tasks.is_empty() {
        heavy_background_task::check(checker, call, facts);
    }
}
