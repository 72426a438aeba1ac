use ruff_python_ast::{self as ast, Expr, Operator};
use ruff_text_size::Ranged;

use super::has_keyword_splat;
use crate::checker::Checker;
use crate::diagnostic::Diagnostic;
use crate::fastapi::APP_CLASSES;
use crate::registry::{Rule, rule_docs};

rule_docs! {
    /// ## What it does
    /// Checks for `FastAPI(...)` applications whose interactive documentation and OpenAPI
    /// schema cannot be turned off: `openapi_url` is not passed or is a fixed string, and
    /// `docs_url` and `redoc_url` are not both turned off.
    ///
    /// FastAPI serves a URL only when it is truthy (`if self.openapi_url:`), so an empty
    /// string turns a page off just as `None` does. Passing `openapi_url` as any other
    /// expression (a settings attribute, a conditional, a variable, an f-string made only of
    /// replacement fields, which may be empty) counts as switchable and is not reported; so
    /// is `openapi_url=None` or `openapi_url=""`, which turns off the schema and both
    /// documentation pages (they are served only with the schema). `docs_url` and
    /// `redoc_url` are off when `None` or `""`; with both off only the schema is left, which
    /// clients and code generators may need, and the call is not reported. A call that passes
    /// `**kwargs` is not reported either, since the settings may be in the mapping.
    ///
    /// Only app code is checked: the apps tests and scripts build are never deployed. Nor
    /// are apps that show their docs on purpose: one built in an `if __name__ == "__main__":`
    /// block, one that configures Swagger UI (`swagger_ui_parameters`,
    /// `swagger_ui_init_oauth`), and the apps of a module that serves its own docs pages
    /// (`get_swagger_ui_html`, `get_redoc_html`).
    ///
    /// ## Why is this bad?
    /// FastAPI serves `/openapi.json`, Swagger UI at `/docs` and ReDoc at `/redoc` by default.
    /// In production they publish every endpoint, parameter and schema, including endpoints
    /// that are unfinished, internal or not meant to be discovered, which makes the attack
    /// surface easy to map. Let the deployment decide: read the URLs from your settings and set
    /// them to `None` in production.
    ///
    /// ## Example
    /// ```python
    /// from fastapi import FastAPI
    ///
    /// app = FastAPI(title="Shop")
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// from fastapi import FastAPI
    ///
    /// from .config import settings
    ///
    /// app = FastAPI(
    ///     title="Shop",
    ///     openapi_url=None if settings.production else "/openapi.json",
    ///     docs_url=None if settings.production else "/docs",
    ///     redoc_url=None if settings.production else "/redoc",
    /// )
    /// ```
    ///
    /// ## References
    /// - fastapi-lint practices, 6: "Disable Swagger and ReDoc in production"
    /// - [FastAPI: Metadata and Docs URLs](https://fastapi.tiangolo.com/tutorial/metadata/#docs-urls)
    /// - [FastAPI: OpenAPI URL](https://fastapi.tiangolo.com/tutorial/metadata/#openapi-url)
    /// - [FastAPI: Settings and Environment Variables](https://fastapi.tiangolo.com/advanced/settings/)
    pub struct OpenapiDocsAlwaysOn;
}

pub(super) fn check(checker: &mut Checker, call: &ast::ExprCall) {
    if !checker
        .callee_name(call)
        .is_some_and(|callee| APP_CLASSES.contains(&callee))
        || has_keyword_splat(call)
    {
        return;
    }
    let keyword = |name: &str| {
        call.arguments
            .find_keyword(name)
            .map(|keyword| &keyword.value)
    };
    let openapi_url = keyword("openapi_url");
    // `None`, `""` and anything configurable: the schema (and with it both pages) can be off.
    if openapi_url.is_some_and(|url| !is_fixed_url(url)) {
        return;
    }
    if keyword("docs_url").is_some_and(is_off) && keyword("redoc_url").is_some_and(is_off) {
        return;
    }
    // The docs on purpose: an app built only to run as a script, Swagger UI configured, or
    // the project serving its own docs pages (`get_swagger_ui_html`).
    if checker.in_main_block(call.range())
        || keyword("swagger_ui_parameters").is_some()
        || keyword("swagger_ui_init_oauth").is_some()
        || CUSTOM_DOCS
            .iter()
            .any(|name| checker.semantic().imports_module(name))
    {
        return;
    }
    let served = if openapi_url.is_some() {
        "at a fixed URL"
    } else {
        "by default"
    };
    // With both pages configured (`docs_url=settings.docs_url`), only the schema is always on.
    let configured = |name: &str| keyword(name).is_some_and(|url| !is_fixed_url(url));
    let what = if configured("docs_url") && configured("redoc_url") {
        "OpenAPI schema"
    } else {
        "OpenAPI schema and docs"
    };
    checker.report(Diagnostic::new(
        Rule::OpenapiDocsAlwaysOn,
        format!(
            "FastAPI app serves its {what} {served}, exposing every endpoint in production; \
             pass `openapi_url`, `docs_url` and `redoc_url` from settings (`None` in production)"
        ),
        call.func.range(),
    ));
}

/// FastAPI's helpers for serving the docs pages from a route of one's own.
const CUSTOM_DOCS: &[&str] = &[
    "fastapi.openapi.docs.get_swagger_ui_html",
    "fastapi.openapi.docs.get_redoc_html",
];

/// Whether the URL is a non-empty string whatever the configuration: a non-empty literal, an
/// f-string with literal text, or a concatenation with one (`settings.PREFIX + "/openapi.json"`
/// still always serves a schema). An empty string is falsy, and FastAPI serves nothing for it;
/// an f-string of replacement fields only (`f"{settings.openapi_url}"`) may be empty.
fn is_fixed_url(url: &Expr) -> bool {
    match url {
        Expr::StringLiteral(literal) => !literal.value.is_empty(),
        Expr::FString(fstring) => fstring.value.iter().any(|part| match part {
            ast::FStringPart::Literal(literal) => !literal.value.is_empty(),
            ast::FStringPart::FString(fstring) => fstring
                .elements
                .literals()
                .any(|literal| !literal.value.is_empty()),
        }),
        Expr::BinOp(binary) if binary.op == Operator::Add => {
            is_fixed_url(&binary.left) || is_fixed_url(&binary.right)
        }
        _ => false,
    }
}

/// `None` or `""`: FastAPI does not serve a page whose URL is falsy.
fn is_off(url: &Expr) -> bool {
    match url {
        Expr::NoneLiteral(_) => true,
        Expr::StringLiteral(literal) => literal.value.is_empty(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::registry::Rule;
    use crate::settings::LinterSettings;
    use crate::test_support::assert_fixture;

    #[test]
    fn fixture() {
        assert_fixture!(
            "production/FAPI401.py",
            LinterSettings::for_rules([Rule::OpenapiDocsAlwaysOn])
        );
    }

    #[test]
    fn custom_docs() {
        assert_fixture!(
            "production/FAPI401_custom_docs.py",
            LinterSettings::for_rules([Rule::OpenapiDocsAlwaysOn])
        );
    }
}
