//! The settings one lint of one file runs with, already resolved from configuration.

use std::sync::Arc;

use ruff_python_ast::PythonVersion;

use crate::registry::RuleSet;
use crate::rules::blocking::BlockingOptions;
use crate::rules::heavy::HeavyOptions;
use crate::rules::responsiveness::ResponsivenessOptions;
use crate::rules::settings::SettingsOptions;

/// Everything the linter needs to know about how to check one file. Cheap to clone (every file
/// of a run gets its own copy): the option tables are shared.
#[derive(Clone, Debug)]
pub struct LinterSettings {
    /// The rules to run for this file (after selection and per-file ignores).
    pub rules: RuleSet,
    /// Ruff's `target-version`; decides, for example, whether annotations are deferred (3.14+).
    pub target_version: PythonVersion,
    /// The Python version the parser checks syntax against. Ruff uses the configured
    /// `target-version` when one is set and the latest stable Python otherwise, so that newer
    /// syntax is not reported when the user never said which Python they target.
    pub parser_version: PythonVersion,
    pub preview: bool,
    /// The rules whose fixes are offered (`fixable` minus `unfixable`); others report no fix.
    pub fixable: RuleSet,
    /// Extra calls users declare blocking (`[lint.blocking]`).
    pub blocking: Arc<BlockingOptions>,
    /// Side-effect call names for FAPI301 (`[lint.responsiveness]`).
    pub responsiveness: Arc<ResponsivenessOptions>,
    /// Extra calls users declare CPU-heavy (`[lint.heavy]`).
    pub heavy: Arc<HeavyOptions>,
    /// Secret names and settings modules (`[lint.settings]`).
    pub settings: Arc<SettingsOptions>,
}

impl Default for LinterSettings {
    fn default() -> Self {
        Self {
            rules: crate::selector::RuleSelector::All.rules(false),
            target_version: PythonVersion::PY310,
            parser_version: PythonVersion::latest(),
            preview: false,
            fixable: RuleSet::all(),
            blocking: Arc::default(),
            responsiveness: Arc::default(),
            heavy: Arc::default(),
            settings: Arc::default(),
        }
    }
}

impl LinterSettings {
    /// Settings with exactly these rules enabled, as rule fixtures use them.
    pub fn for_rules(rules: impl IntoIterator<Item = crate::registry::Rule>) -> Self {
        Self {
            rules: rules.into_iter().collect(),
            ..Self::default()
        }
    }
}
