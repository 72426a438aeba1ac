use ruff_python_ast::{Expr, ExprContext};
use ruff_text_size::{Ranged, TextRange};

use super::in_settings_class;
use crate::checker::{Checker, Frame};
use crate::diagnostic::Diagnostic;
use crate::registry::{Rule, rule_docs};

rule_docs! {
    /// ## What it does
    /// Checks for reads of environment variables outside the settings module(s):
    /// `os.environ[...]`, `os.environ.get(...)` and `os.getenv(...)`, however they are imported
    /// (`from os import environ, getenv`, `import os as _os`).
    ///
    /// Reading the environment is expected, and not reported:
    /// - in settings modules: files matching `settings-modules` (by default files named
    ///   `config.py` or `settings.py`, and files in a `config/` or `settings/` package);
    /// - in the body of a `BaseSettings` subclass (validators, computed defaults), also when
    ///   the base is a project class imported from another module whose name ends in
    ///   `Settings`;
    /// - in an `if __name__ == "__main__":` block, the script entry point (`port=int(os.getenv("PORT", 8000))`
    ///   before `uvicorn.run`).
    ///
    /// Writing to `os.environ` (`os.environ["X"] = ...`) is not a read and is not reported.
    ///
    /// ## Why is this bad?
    /// Environment reads scattered over the code base are configuration nobody can list: a
    /// missing or misspelled variable shows up as a `KeyError` or a silent `None` in the middle
    /// of a request, long after the server started. One `Settings(BaseSettings)` class declares
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
    ///   directories. Setting it replaces the defaults
    ///   (`["config.py", "settings.py", "config/**", "settings/**"]`).
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
    if exempt(checker, expr.range()) {
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
        "Environment read `{what}`{context} outside the settings module: scattered reads are unvalidated configuration that fails late, mid-request; declare the variable as a field of one `Settings(BaseSettings)` class and use that"
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

/// Settings modules, `BaseSettings` bodies and `__main__` blocks read the environment by design.
fn exempt(checker: &Checker, range: TextRange) -> bool {
    checker
        .path()
        .is_some_and(|path| checker.settings().settings.is_settings_module(path))
        || checker.in_main_block(range)
        || in_settings_class(checker, range)
}

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
