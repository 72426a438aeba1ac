use ruff_python_ast as ast;
use ruff_text_size::Ranged;

use super::BASE_SETTINGS;
use crate::checker::Checker;
use crate::diagnostic::Diagnostic;
use crate::fastapi::FunctionRole;
use crate::registry::{Rule, rule_docs};
use crate::rules::lifecycle::request_path_function;
use crate::semantic::BindingKind;

rule_docs! {
    /// ## What it does
    /// Checks for Pydantic settings objects built inside a route or a dependency, including a
    /// `get_settings()` dependency without `@lru_cache`.
    ///
    /// A settings class is a class of the same module that subclasses
    /// `pydantic_settings.BaseSettings` (or Pydantic v1's `pydantic.BaseSettings`), directly or
    /// through another class of the module; classes imported from other modules are not known.
    ///
    /// A dependency decorated with `@functools.lru_cache` or `@functools.cache` builds the
    /// settings once and is not reported; neither are settings built at module level.
    ///
    /// ## Why is this bad?
    /// Building a `BaseSettings` object reads and validates every environment variable, and
    /// parses the `.env` file from disk when one is configured. Done per request, that is file
    /// I/O and validation on the hot path (blocking I/O when the dependency is `async`), and a
    /// configuration error surfaces on some request instead of at startup.
    ///
    /// ## Example
    /// ```python
    /// from typing import Annotated
    ///
    /// from fastapi import Depends, FastAPI
    /// from pydantic_settings import BaseSettings
    ///
    ///
    /// class Settings(BaseSettings):
    ///     app_name: str = "Awesome API"
    ///
    ///
    /// app = FastAPI()
    ///
    ///
    /// def get_settings():
    ///     return Settings()
    ///
    ///
    /// @app.get("/info")
    /// async def info(settings: Annotated[Settings, Depends(get_settings)]):
    ///     return {"app_name": settings.app_name}
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// from functools import lru_cache
    ///
    ///
    /// @lru_cache
    /// def get_settings():
    ///     return Settings()
    /// ```
    ///
    /// ## References
    /// - fastapi-lint practices, 13: "Don't hardcode secrets" (centralise configuration in one
    ///   `BaseSettings` class that is validated once, at startup)
    /// - [FastAPI: Settings and Environment Variables, `lru_cache`](https://fastapi.tiangolo.com/advanced/settings/#creating-the-settings-only-once-with-lru-cache)
    /// - [Pydantic: Settings Management](https://docs.pydantic.dev/latest/concepts/pydantic_settings/)
    pub struct SettingsBuiltPerRequest;
}

pub(super) fn check(checker: &mut Checker, call: &ast::ExprCall) {
    let Some(function) = request_path_function(checker) else {
        return;
    };
    let semantic = checker.semantic();
    let Some(binding) = semantic.binding_of_name(&call.func, checker.scope()) else {
        return;
    };
    let BindingKind::ClassDef(class) = binding.kind else {
        return;
    };
    let is_settings = semantic
        .external_ancestors(class, binding.scope)
        .iter()
        .any(|name| BASE_SETTINGS.contains(&name.as_str()));
    if !is_settings {
        return;
    }
    let roles = checker.fastapi().roles(function);
    let name = function.name.as_str();
    let built = checker.slice(call.range());
    let message = if roles.contains(FunctionRole::Route) || roles.contains(FunctionRole::WebSocket)
    {
        format!(
            "Route `{name}` builds `{built}` on every request, re-reading the environment and `.env` each time; \
             take the settings from a cached dependency (`@lru_cache def get_settings()`)"
        )
    } else {
        // `@lru_cache` on an `async def` would cache a coroutine, which can be awaited once.
        let plain = if function.is_async {
            "make it a plain `def` and "
        } else {
            ""
        };
        format!(
            "Dependency `{name}` builds `{built}` on every request, re-reading the environment and `.env` each time; \
             {plain}decorate it with `@lru_cache` so the settings are built once"
        )
    };
    checker.report(Diagnostic::new(
        Rule::SettingsBuiltPerRequest,
        message,
        call.range(),
    ));
}

#[cfg(test)]
mod tests {
    use crate::registry::Rule;
    use crate::settings::LinterSettings;
    use crate::test_support::assert_fixture;

    #[test]
    fn fixture() {
        assert_fixture!(
            "settings/FAPI705.py",
            LinterSettings::for_rules([Rule::SettingsBuiltPerRequest])
        );
    }
}
