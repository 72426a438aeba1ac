use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::Ranged;

use super::{has_keyword_splat, literal_true_keyword};
use crate::checker::Checker;
use crate::diagnostic::Diagnostic;
use crate::registry::{Rule, rule_docs};
use crate::semantic::BindingKind;

rule_docs! {
    /// ## What it does
    /// Checks for `CORSMiddleware` configured to accept every origin, with
    /// `allow_origins=["*"]` or an `allow_origin_regex` that matches anything (`".*"`), together
    /// with `allow_credentials=True`.
    ///
    /// The middleware is recognised in `app.add_middleware(CORSMiddleware, ...)`,
    /// `Middleware(CORSMiddleware, ...)` (as in `FastAPI(middleware=[...])`) and
    /// `CORSMiddleware(app, ...)`, imported from `fastapi.middleware.cors` or
    /// `starlette.middleware.cors`.
    ///
    /// Test modules (`test_*.py`, `*_test.py`, `conftest.py`, anything under `tests/`) are not
    /// checked: the apps they build are never deployed.
    ///
    /// ## Why is this bad?
    /// The CORS specification forbids `Access-Control-Allow-Origin: *` on credentialed
    /// requests, so browsers reject it. Starlette works around that by echoing the caller's
    /// origin whenever the request carries cookies: any website a user visits can then call the
    /// API with the user's cookies and read the responses, which is cross-site request forgery
    /// with the answers included. List the origins your frontends are served from, from your
    /// settings; keep the wildcard only for APIs that do not use cookies or HTTP
    /// authentication, and then without `allow_credentials`.
    ///
    /// ## Example
    /// ```python
    /// from fastapi import FastAPI
    /// from fastapi.middleware.cors import CORSMiddleware
    ///
    /// app = FastAPI()
    /// app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// from fastapi import FastAPI
    /// from fastapi.middleware.cors import CORSMiddleware
    ///
    /// from .config import settings
    ///
    /// app = FastAPI()
    /// app.add_middleware(
    ///     CORSMiddleware,
    ///     allow_origins=settings.cors_origins,  # ["https://app.example.com"]
    ///     allow_credentials=True,
    /// )
    /// ```
    ///
    /// ## References
    /// - fastapi-lint practices, 6 (production configuration)
    /// - [FastAPI: CORS (Cross-Origin Resource Sharing)](https://fastapi.tiangolo.com/tutorial/cors/)
    /// - [MDN: CORS, credentialed requests and wildcards](https://developer.mozilla.org/en-US/docs/Web/HTTP/Guides/CORS#credentialed_requests_and_wildcards)
    pub struct CorsWildcardWithCredentials;
}

const CORS_MIDDLEWARE: &[&str] = &[
    "fastapi.middleware.cors.CORSMiddleware",
    "starlette.middleware.cors.CORSMiddleware",
];
const MIDDLEWARE_SPEC: &[&str] = &[
    "fastapi.middleware.Middleware",
    "starlette.middleware.Middleware",
];
/// Origin patterns that accept any origin (Starlette matches them with `fullmatch`).
const MATCH_ALL_REGEXES: &[&str] = &[".*", "^.*$", ".*$", "^.*", ".+", "^.+$", ".+$", "^.+"];

pub(super) fn check(checker: &mut Checker, call: &ast::ExprCall) {
    if !configures_cors_middleware(checker, call)
        || has_keyword_splat(call)
        || literal_true_keyword(call, "allow_credentials").is_none()
    {
        return;
    }
    let keyword = |name: &str| call.arguments.find_keyword(name);
    let wildcard = keyword("allow_origins")
        .filter(|origins| literal_value(checker, &origins.value).is_some_and(contains_wildcard))
        .map(|origins| (origins, "`allow_origins` contains `\"*\"`"))
        .or_else(|| {
            keyword("allow_origin_regex")
                .filter(|regex| matches_everything(&regex.value))
                .map(|regex| (regex, "`allow_origin_regex` matches every origin"))
        });
    let Some((wildcard, what)) = wildcard else {
        return;
    };
    checker.report(Diagnostic::new(
        Rule::CorsWildcardWithCredentials,
        format!(
            "CORS {what} with `allow_credentials=True`: browsers reject `*` with credentials and Starlette echoes any origin instead, \
             so any website can read responses to requests sent with your users' cookies; list the allowed origins"
        ),
        wildcard.range(),
    ));
}

/// `add_middleware(CORSMiddleware, ...)`, `Middleware(CORSMiddleware, ...)` or
/// `CORSMiddleware(app, ...)`.
fn configures_cors_middleware(checker: &Checker, call: &ast::ExprCall) -> bool {
    let semantic = checker.semantic();
    let callee = checker.callee_name(call);
    if callee.is_some_and(|callee| CORS_MIDDLEWARE.contains(&callee)) {
        return true;
    }
    let is_cors = |expr: &Expr| semantic.resolves_to(expr, checker.scope(), CORS_MIDDLEWARE);
    let class = call.arguments.find_positional(0);
    let is_add_middleware = matches!(call.func.as_ref(), Expr::Attribute(attribute) if attribute.attr.id.as_str() == "add_middleware");
    (is_add_middleware || callee.is_some_and(|callee| MIDDLEWARE_SPEC.contains(&callee)))
        && class.is_some_and(is_cors)
}

/// The expression itself, or for a name bound once in its scope (`origins = ["*"]`), the
/// value it is bound to; `None` when the name may hold something else.
fn literal_value<'e>(checker: &'e Checker<'_>, expr: &'e Expr) -> Option<&'e Expr> {
    let Expr::Name(name) = expr else {
        return Some(expr);
    };
    let semantic = checker.semantic();
    let binding = semantic.binding_of_name(expr, checker.scope())?;
    let BindingKind::Assignment { value } = binding.kind else {
        return None;
    };
    (semantic
        .scope(binding.scope)
        .bindings_of(name.id.as_str())
        .len()
        == 1)
        .then_some(value)
}

/// `["*"]`, `("*",)`, `{"*"}` (with other origins or not), or `"*"` itself: Starlette tests
/// `"*" in allow_origins`, which a string satisfies too.
fn contains_wildcard(origins: &Expr) -> bool {
    let is_star =
        |expr: &Expr| matches!(expr, Expr::StringLiteral(literal) if literal.value.to_str() == "*");
    match origins {
        Expr::List(ast::ExprList { elts, .. })
        | Expr::Tuple(ast::ExprTuple { elts, .. })
        | Expr::Set(ast::ExprSet { elts, .. }) => elts.iter().any(is_star),
        _ => is_star(origins),
    }
}

fn matches_everything(regex: &Expr) -> bool {
    matches!(regex, Expr::StringLiteral(literal) if MATCH_ALL_REGEXES.contains(&literal.value.to_str()))
}

#[cfg(test)]
mod tests {
    use crate::registry::Rule;
    use crate::settings::LinterSettings;
    use crate::test_support::assert_fixture;

    #[test]
    fn fixture() {
        assert_fixture!(
            "production/FAPI403.py",
            LinterSettings::for_rules([Rule::CorsWildcardWithCredentials])
        );
    }
}
