//! FAPI701–FAPI705: settings and secrets.
//!
//! Shared here: the family's options, whether a class is a `BaseSettings` subclass (FAPI701
//! names settings fields in its message, FAPI702 is silent in their bodies), and the small glob
//! matcher behind secret name patterns (FAPI701) and settings module paths (FAPI702).

pub mod dotenv_not_gitignored;
pub mod environ_outside_settings;
pub mod hardcoded_secret;
pub mod settings_built_per_request;
pub mod v1_basesettings_import;

use std::path::Path;

use ruff_python_ast::{self as ast, Expr, Stmt};

use crate::checker::Checker;
use crate::registry::{Rule, RuleSet};
use crate::rules::name_glob::{self, ByteSet};
use crate::semantic::{ScopeId, SemanticModel};

/// The rules of this family (their codes start with `FAPI7`), for dispatch.
pub(crate) const RULES: RuleSet = RuleSet::with_code_prefix("FAPI7");

/// `[tool.fastapi-lint.lint.settings]`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct SettingsOptions {
    /// Glob patterns (`*` and `?`, case-insensitive) for names that hold secrets (FAPI701).
    /// Setting it replaces the defaults.
    pub secret_name_patterns: Vec<String>,
    /// More secret name patterns, added to `secret-name-patterns`.
    pub extend_secret_name_patterns: Vec<String>,
    /// Files where reading the environment is expected (FAPI702): globs matched against the
    /// end of the file's path. A pattern without `/` matches the file name (`config.py`,
    /// `*_settings.py`); with `/` it matches the last path components (`core/config/*.py`),
    /// `**` standing for any number of directories. Setting it replaces the defaults.
    pub settings_modules: Vec<String>,
}

impl Default for SettingsOptions {
    fn default() -> Self {
        let owned = |patterns: &[&str]| {
            patterns
                .iter()
                .map(|pattern| (*pattern).to_string())
                .collect()
        };
        Self {
            secret_name_patterns: owned(&[
                "*secret*",
                "*api_key*",
                "*apikey*",
                "*token*",
                "*password*",
                "*passwd*",
                "*private_key*",
                "*access_key*",
            ]),
            extend_secret_name_patterns: Vec::new(),
            settings_modules: owned(&[
                "config.py",
                "settings.py",
                "env.py",
                "conf.py",
                "configuration.py",
                "*_config.py",
                "*_settings.py",
                "config/**",
                "configs/**",
                "settings/**",
                "conf/**",
            ]),
        }
    }
}

impl SettingsOptions {
    /// Whether `name` (already lower-cased) matches a secret name pattern.
    pub(crate) fn is_secret_name(&self, name: &str) -> bool {
        // A pattern is matched only when the name holds every byte it spells out: most
        // patterns are ruled out by that alone, at a fraction of a match's backtracking.
        let bytes = ByteSet::of(name);
        self.secret_name_patterns()
            .any(|pattern| bytes.may_match(pattern) && name_glob::matches(pattern, name))
    }

    /// False when no name made of the bytes in `bytes` can match a secret name pattern.
    pub(crate) fn may_be_secret_name(&self, bytes: ByteSet) -> bool {
        self.secret_name_patterns()
            .any(|pattern| bytes.may_match(pattern))
    }

    /// Whether `name` (already lower-cased) matches a pattern the configuration adds to or puts
    /// in place of the defaults: the user says such a name holds a secret, whatever its last
    /// word.
    pub(crate) fn is_configured_secret_name(&self, name: &str) -> bool {
        let defaults = SettingsOptions::default().secret_name_patterns;
        self.secret_name_patterns()
            .filter(|pattern| !defaults.iter().any(|default| default == pattern))
            .any(|pattern| name_glob::matches(pattern, name))
    }

    fn secret_name_patterns(&self) -> impl Iterator<Item = &str> {
        self.secret_name_patterns
            .iter()
            .chain(&self.extend_secret_name_patterns)
            .map(String::as_str)
    }

    /// Whether the file at `path` is a settings module.
    pub(crate) fn is_settings_module(&self, path: &Path) -> bool {
        let components: Vec<&str> = path.iter().filter_map(|part| part.to_str()).collect();
        self.settings_modules.iter().any(|pattern| {
            let pattern: Vec<&str> = pattern.split('/').filter(|part| !part.is_empty()).collect();
            (0..components.len()).any(|start| path_match(&pattern, &components[start..]))
        })
    }
}

/// Called for every statement when a rule of this family is enabled.
pub(crate) fn check_stmt(checker: &mut Checker, stmt: &Stmt) {
    if checker.is_enabled(Rule::HardcodedSecret) {
        hardcoded_secret::check_stmt(checker, stmt);
    }
    if checker.is_enabled(Rule::PydanticV1BasesettingsImport)
        && let Stmt::ImportFrom(import) = stmt
    {
        v1_basesettings_import::check_import(checker, import);
    }
}

/// Called for every expression when a rule of this family is enabled.
pub(crate) fn check_expr(checker: &mut Checker, expr: &Expr) {
    if let Expr::Call(call) = expr
        && checker.is_enabled(Rule::SettingsBuiltPerRequest)
    {
        settings_built_per_request::check(checker, call);
    }
    if checker.is_enabled(Rule::HardcodedSecret) {
        hardcoded_secret::check_expr(checker, expr);
    }
    if checker.is_enabled(Rule::EnvironOutsideSettings) {
        environ_outside_settings::check(checker, expr);
    }
    if checker.is_enabled(Rule::PydanticV1BasesettingsImport)
        && let Expr::Attribute(attribute) = expr
    {
        v1_basesettings_import::check_attribute(checker, attribute);
    }
}

/// Where Pydantic defines `BaseSettings`: `pydantic-settings` for Pydantic 2, `pydantic` itself
/// (and its v1 compatibility module) before.
pub(crate) const BASE_SETTINGS: &[&str] = &[
    "pydantic_settings.BaseSettings",
    "pydantic_settings.main.BaseSettings",
    "pydantic.BaseSettings",
    "pydantic.env_settings.BaseSettings",
    "pydantic.v1.BaseSettings",
    "pydantic.v1.env_settings.BaseSettings",
];

/// Whether `class` derives from `BaseSettings`, directly or through classes of this module.
/// A base imported from another module counts when its name ends in `Settings`
/// (`from app.core.base import AppSettings`): the import cannot be followed, and the rules that
/// ask only use the answer to stay silent or to word their message.
pub(crate) fn is_settings_class(
    semantic: &SemanticModel,
    class: &ast::StmtClassDef,
    scope: ScopeId,
) -> bool {
    semantic
        .external_ancestors(class, scope)
        .iter()
        .any(|name| is_settings_base(name))
}

/// `BaseSettings`, or a class of another module whose name says it is one.
fn is_settings_base(name: &str) -> bool {
    BASE_SETTINGS.contains(&name) || name.ends_with("Settings")
}

/// Whether any class around the node being visited is a `BaseSettings` subclass.
pub(crate) fn in_settings_class(checker: &Checker, range: ruff_text_size::TextRange) -> bool {
    in_class_deriving_from(checker, range, is_settings_base)
}

/// Whether any class around the node derives, directly or through classes of this module, from
/// an outside class `is_base` accepts (by qualified name).
pub(crate) fn in_class_deriving_from(
    checker: &Checker,
    range: ruff_text_size::TextRange,
    is_base: impl Fn(&str) -> bool,
) -> bool {
    let semantic = checker.semantic();
    let mut scope = ScopeId::MODULE;
    for stmt in checker.enclosing_statements(range) {
        match stmt {
            Stmt::ClassDef(class) => {
                if semantic
                    .external_ancestors(class, scope)
                    .iter()
                    .any(|name| is_base(name))
                {
                    return true;
                }
                scope = semantic.class_scope(class).unwrap_or(scope);
            }
            Stmt::FunctionDef(function) => {
                scope = semantic.function_scope(function).unwrap_or(scope);
            }
            _ => {}
        }
    }
    false
}

/// Whether path components match pattern components exactly, `**` matching any number of them.
fn path_match(pattern: &[&str], components: &[&str]) -> bool {
    match pattern.split_first() {
        None => components.is_empty(),
        Some((&"**", rest)) => {
            (0..=components.len()).any(|skip| path_match(rest, &components[skip..]))
        }
        Some((first, rest)) => components.split_first().is_some_and(|(component, others)| {
            name_glob::matches(first, component) && path_match(rest, others)
        }),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::SettingsOptions;

    #[test]
    fn default_settings_modules() {
        let options = SettingsOptions::default();
        assert!(options.is_settings_module(Path::new("/p/app/core/config.py")));
        assert!(options.is_settings_module(Path::new("settings.py")));
        assert!(options.is_settings_module(Path::new("/p/app/settings/models/api.py")));
        assert!(options.is_settings_module(Path::new("/p/config/db.py")));
        assert!(!options.is_settings_module(Path::new("/p/app/main.py")));
        assert!(options.is_settings_module(Path::new("/p/app/my_config.py")));
        assert!(options.is_settings_module(Path::new("/p/app/env.py")));
        assert!(!options.is_settings_module(Path::new("/p/app/configure_logging.py")));
    }

    #[test]
    fn configured_settings_modules() {
        let options = SettingsOptions {
            settings_modules: vec![
                "*_conf.py".into(),
                "app/core/*.py".into(),
                "settings/**".into(),
            ],
            ..SettingsOptions::default()
        };
        assert!(options.is_settings_module(Path::new("/p/src/db_conf.py")));
        assert!(options.is_settings_module(Path::new("/p/src/app/core/env.py")));
        assert!(!options.is_settings_module(Path::new("/p/src/app/core/deep/env.py")));
        assert!(!options.is_settings_module(Path::new("/p/src/config.py")));
        assert!(options.is_settings_module(Path::new("/p/src/settings/prod/db.py")));
    }

    #[test]
    fn extended_secret_names() {
        let options = SettingsOptions {
            extend_secret_name_patterns: vec!["*DSN".into()],
            ..SettingsOptions::default()
        };
        assert!(options.is_secret_name("sentry_dsn"));
        assert!(options.is_secret_name("api_key"));
        assert!(!options.is_secret_name("username"));
    }
}
