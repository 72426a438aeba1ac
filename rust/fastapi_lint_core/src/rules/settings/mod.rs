//! FAPI701–FAPI705: settings and secrets.

pub mod environ_outside_settings;
pub mod hardcoded_secret;
pub mod settings_built_per_request;
pub mod v1_basesettings_import;

use ruff_python_ast::{Expr, Stmt};

use crate::checker::Checker;
use crate::registry::Rule;

/// The rules of this family, for dispatch.
pub(crate) const RULES: &[Rule] = &[
    Rule::HardcodedSecret,
    Rule::EnvironOutsideSettings,
    Rule::PydanticV1BasesettingsImport,
    Rule::SettingsBuiltPerRequest,
];

/// Called for every statement when a rule of this family is enabled.
pub(crate) fn check_stmt(_checker: &mut Checker, _stmt: &Stmt) {}

/// Called for every expression when a rule of this family is enabled.
pub(crate) fn check_expr(checker: &mut Checker, expr: &Expr) {
    if let Expr::Call(call) = expr
        && checker.is_enabled(Rule::SettingsBuiltPerRequest)
    {
        settings_built_per_request::check(checker, call);
    }
}
