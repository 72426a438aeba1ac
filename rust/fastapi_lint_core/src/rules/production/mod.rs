//! FAPI401–FAPI403: production configuration of the app (docs, debug, CORS).
//!
//! All three look at one call (`FastAPI(...)`, `uvicorn.run(...)`, `add_middleware(...)`) and
//! its literal keyword arguments: a setting passed as anything but a literal comes from
//! configuration, which is what the rules ask for, so it is never reported. Test modules are
//! skipped: the apps they build are never deployed.

pub mod cors_wildcard_with_credentials;
pub mod debug_enabled;
pub mod openapi_docs_always_on;

use ruff_python_ast::{self as ast, Expr};

use crate::checker::Checker;
use crate::registry::{Rule, RuleSet};

/// The rules of this family (their codes start with `FAPI4`), for dispatch.
pub(crate) const RULES: RuleSet = RuleSet::with_code_prefix("FAPI4");

/// Called for every expression when a rule of this family is enabled.
pub(crate) fn check_expr(checker: &mut Checker, expr: &Expr) {
    let Expr::Call(call) = expr else { return };
    if checker.in_test_module() {
        return;
    }
    if checker.is_enabled(Rule::OpenapiDocsAlwaysOn) {
        openapi_docs_always_on::check(checker, call);
    }
    if checker.is_enabled(Rule::DebugEnabled) {
        debug_enabled::check(checker, call);
    }
    if checker.is_enabled(Rule::CorsWildcardWithCredentials) {
        cors_wildcard_with_credentials::check(checker, call);
    }
}

/// Whether the call passes `**kwargs`: any setting may then come from the mapping, so what the
/// call spells out proves nothing about the settings it does not.
fn has_keyword_splat(call: &ast::ExprCall) -> bool {
    call.arguments
        .keywords
        .iter()
        .any(|keyword| keyword.arg.is_none())
}

/// The keyword argument `name=...` whose value is the literal `True`.
fn literal_true_keyword<'a>(call: &'a ast::ExprCall, name: &str) -> Option<&'a ast::Keyword> {
    call.arguments
        .find_keyword(name)
        .filter(|keyword| is_literal_true(&keyword.value))
}

fn is_literal_true(expr: &Expr) -> bool {
    matches!(expr, Expr::BooleanLiteral(literal) if literal.value)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::settings::LinterSettings;
    use crate::test_support::render_source;

    #[test]
    fn apps_built_in_tests_are_not_reported() {
        let source = "from fastapi import FastAPI\n\napp = FastAPI(debug=True)\n";
        let settings = LinterSettings::for_rules(super::RULES.iter());
        assert_eq!(
            render_source(
                source,
                Some(Path::new("/p/tests/test_app.py")),
                "test_app.py",
                &settings
            ),
            "(no findings)\n"
        );
        let reported = render_source(
            source,
            Some(Path::new("/p/app/main.py")),
            "main.py",
            &settings,
        );
        assert!(
            reported.contains("FAPI401") && reported.contains("FAPI402"),
            "{reported}"
        );
    }
}
