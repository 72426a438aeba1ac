use ruff_python_ast::{Expr, ExprContext};
use ruff_text_size::{Ranged, TextRange};

use super::{in_class_deriving_from, in_settings_class};
use crate::checker::{Checker, Frame};
use crate::diagnostic::Diagnostic;
use crate::registry::{Rule, rule_docs};

rule_docs! {
    /// ## What it does
    /// Checks for reads of environment variables outside the settings module(s):
    /// `os.environ[...]`, `os.environ.get(...)` and `os.getenv(...)`, however they are imported
    /// (`from os import environ, getenv`, `import os as _os`).
    ///
    /// Only app code is checked (not tests, scripts or library code), and only in projects that
    /// have a `BaseSettings` class to move the variables to: a project whose configuration is
    /// another system (Django settings, its own `conf`, JSON files) is not told to adopt one.
    ///
    /// Reading the environment is expected, and not reported:
    /// - in settings modules: files matching `settings-modules` (by default `config.py`,
    ///   `settings.py`, `env.py`, `conf.py`, `configuration.py`, `*_config.py`,
    ///   `*_settings.py`, and files in a `config/`, `configs/`, `settings/` or `conf/` package);
    /// - in the body of a `BaseSettings` subclass (validators, computed defaults), also when
    ///   the base is a project class imported from another module whose name ends in
    ///   `Settings`, and in the body of any other Pydantic model (a configuration model's field
    ///   defaults and default factories);
    /// - variables the platform or a tool sets, which are no application setting (`HOME`,
    ///   `PATH`, `TZ`, `OTEL_*`, `PYTEST_*`, `PYTHON*`, `KUBERNETES_*`, ...);
    /// - in an `if __name__ == "__main__":` block, the script entry point (`port=int(os.getenv("PORT", 8000))`
    ///   before `uvicorn.run`).
    ///
    /// Writing to `os.environ` (`os.environ["X"] = ...`) is not a read and is not reported.
    ///
    /// ## Why is this bad?
    /// Environment reads scattered over the code base are configuration nobody can list: a
    /// missing or misspelled variable shows up as a `KeyError` or a silent `None` wherever it
    /// is read, in the middle of a request when that is in a route. One `Settings(BaseSettings)` class declares
    /// every variable with its type, validates them all at startup and fails early, and is easy
    /// to override in tests.
    ///
    /// ## Example
    /// ```python
    /// import os
    ///
    /// from fastapi import FastAPI
    ///
    /// app = FastAPI()
    ///
    ///
    /// @app.get("/items")
    /// def list_items():
    ///     limit = int(os.environ.get("PAGE_LIMIT", "50"))
    ///     return {"limit": limit}
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// # config.py
    /// from pydantic_settings import BaseSettings
    ///
    ///
    /// class Settings(BaseSettings):
    ///     page_limit: int = 50
    ///
    ///
    /// settings = Settings()
    /// ```
    ///
    /// ```python
    /// # main.py
    /// from fastapi import FastAPI
    ///
    /// from .config import settings
    ///
    /// app = FastAPI()
    ///
    ///
    /// @app.get("/items")
    /// def list_items():
    ///     return {"limit": settings.page_limit}
    /// ```
    ///
    /// ## Options
    /// - `lint.settings.settings-modules`: file globs matched against the end of the path; a
    ///   pattern without `/` matches the file name (`config.py`, `*_settings.py`), one with `/`
    ///   the last path components (`core/env/*.py`), `**` standing for any number of
    ///   directories. Setting it replaces the defaults (`["config.py", "settings.py",
    ///   "env.py", "conf.py", "configuration.py", "*_config.py", "*_settings.py", "config/**",
    ///   "configs/**", "settings/**", "conf/**"]`).
    ///
    /// ## References
    /// - fastapi-lint practices, 13: "Avoid using `os.environ[]` all over your codebase"
    /// - [FastAPI: Settings and Environment Variables](https://fastapi.tiangolo.com/advanced/settings/)
    /// - [Pydantic: Settings Management](https://docs.pydantic.dev/latest/concepts/pydantic_settings/)
    pub struct EnvironOutsideSettings;
}

pub(super) fn check(checker: &mut Checker, expr: &Expr) {
    let Some(what) = environment_read(checker, expr) else {
        return;
    };
    if exempt(checker, expr.range()) || variable(expr).is_some_and(is_standard_variable) {
        return;
    }
    let context = match checker.innermost_frame() {
        Some(Frame::Function(function)) => match checker.fastapi().roles(function).primary() {
            Some(role) => format!(" in {role} `{}`", function.name.as_str()),
            None => String::new(),
        },
        _ => String::new(),
    };
    let message = format!(
        "Environment read `{what}`{context} outside the settings module: scattered reads are configuration nothing validates in one place (a missing or malformed variable shows up only where it is read); declare the variable as a field of the `Settings(BaseSettings)` class and use that"
    );
    checker.report(Diagnostic::new(
        Rule::EnvironOutsideSettings,
        message,
        expr.range(),
    ));
}

/// How the expression reads the environment (`os.environ[...]`, `os.environ.get`, `os.getenv`),
/// when it does.
fn environment_read(checker: &Checker, expr: &Expr) -> Option<&'static str> {
    match expr {
        Expr::Subscript(subscript) if subscript.ctx == ExprContext::Load => {
            (checker.qualified_name(&subscript.value).as_deref() == Some("os.environ"))
                .then_some("os.environ[...]")
        }
        Expr::Call(call) => match checker.callee_name(call) {
            Some("os.environ.get") => Some("os.environ.get"),
            Some("os.getenv") => Some("os.getenv"),
            _ => None,
        },
        _ => None,
    }
}

/// Settings modules, the bodies of `BaseSettings` and other Pydantic models (a configuration
/// model's field defaults and default factories) and `__main__` blocks read the environment by
/// design.
fn exempt(checker: &Checker, range: TextRange) -> bool {
    checker
        .path()
        .is_some_and(|path| checker.settings().settings.is_settings_module(path))
        || checker.in_main_block(range)
        || in_settings_class(checker, range)
        || in_model_class(checker, range)
}

/// The variable a read names, when it is a string literal: `os.getenv("HOME")`,
/// `os.environ["HOME"]`.
fn variable(expr: &Expr) -> Option<&str> {
    let key = match expr {
        Expr::Subscript(subscript) => &*subscript.slice,
        Expr::Call(call) => call.arguments.find_argument_value("key", 0)?,
        _ => return None,
    };
    key.as_string_literal_expr()
        .map(|literal| literal.value.to_str())
}

/// Variables the platform, the interpreter or a tool sets, which are no application setting:
/// `HOME`, `PATH`, `OTEL_EXPORTER_OTLP_ENDPOINT`, `PYTEST_CURRENT_TEST`, `KUBERNETES_SERVICE_HOST`.
fn is_standard_variable(name: &str) -> bool {
    const NAMES: &[&str] = &[
        "HOME",
        "PATH",
        "PWD",
        "USER",
        "USERNAME",
        "SHELL",
        "TERM",
        "LANG",
        "TZ",
        "TMPDIR",
        "HOSTNAME",
        "CI",
        "VIRTUAL_ENV",
        "PYTHONPATH",
    ];
    const PREFIXES: &[&str] = &[
        "OTEL_",
        "PYTEST_",
        "PYTHON",
        "XDG_",
        "LC_",
        "CONDA_",
        "GITHUB_",
        "GITLAB_",
        "KUBERNETES_",
        "AWS_LAMBDA_",
        "UV_",
        "PIP_",
    ];
    NAMES.contains(&name) || PREFIXES.iter().any(|prefix| name.starts_with(prefix))
}

/// Whether the node is in the body of a Pydantic model class (its field defaults, default
/// factories and validators): a model that reads the environment is a configuration layer.
fn in_model_class(checker: &Checker, range: TextRange) -> bool {
    in_class_deriving_from(checker, range, |base| MODEL_BASES.contains(&base))
}

/// Pydantic's model base classes.
const MODEL_BASES: &[&str] = &["pydantic.BaseModel", "pydantic.main.BaseModel"];

#[cfg(test)]
mod tests {
    use crate::registry::Rule;
    use crate::rules::settings::SettingsOptions;
    use crate::settings::LinterSettings;
    use std::path::Path;

    use crate::test_support::{fixture_path, render_source};

    #[test]
    fn fixture() {
        // The fixture lives in a `settings/` directory, itself a settings module by default: lint
        // it as the application module it stands for.
        let source = std::fs::read_to_string(fixture_path("settings/FAPI702.py")).unwrap();
        let settings = LinterSettings::for_rules([Rule::EnvironOutsideSettings]);
        let rendered = render_source(
            &source,
            Some(Path::new("/project/app/main.py")),
            "settings/FAPI702.py",
            &settings,
        );
        insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!("settings__FAPI702.py", rendered);
        });
    }

    const SOURCE: &str = "import os\nDEBUG = os.getenv('DEBUG')\n";

    fn render(path: &str, options: SettingsOptions) -> String {
        let settings = LinterSettings {
            settings: std::sync::Arc::new(options),
            ..LinterSettings::for_rules([Rule::EnvironOutsideSettings])
        };
        render_source(SOURCE, Some(Path::new(path)), path, &settings)
    }

    #[test]
    fn settings_modules_are_silent() {
        assert_eq!(
            render("/p/app/core/config.py", SettingsOptions::default()),
            "(no findings)\n"
        );
        assert_eq!(
            render("/p/app/settings/base.py", SettingsOptions::default()),
            "(no findings)\n"
        );
        assert!(render("/p/app/main.py", SettingsOptions::default()).contains("FAPI702"));
    }

    #[test]
    fn configured_settings_modules_replace_the_defaults() {
        let options = SettingsOptions {
            settings_modules: vec!["app/env.py".into()],
            ..SettingsOptions::default()
        };
        assert_eq!(render("/p/app/env.py", options.clone()), "(no findings)\n");
        assert!(render("/p/app/config.py", options).contains("FAPI702"));
    }
}
