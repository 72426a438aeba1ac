use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_python_trivia::{SimpleTokenKind, SimpleTokenizer};
use ruff_source_file::LineRanges;
use ruff_text_size::{Ranged, TextRange};

use crate::checker::Checker;
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::registry::{Rule, rule_docs};

rule_docs! {
    /// ## What it does
    /// Checks for `BaseSettings` imported from Pydantic itself: `from pydantic import
    /// BaseSettings`, `from pydantic.env_settings import BaseSettings`, or `pydantic.BaseSettings`
    /// through `import pydantic`.
    ///
    /// Imports in a `try` statement that handles `ImportError` (compatibility code supporting
    /// both Pydantic versions) and the explicit `pydantic.v1` namespace are not reported.
    ///
    /// ## Why is this bad?
    /// Pydantic 2 moved `BaseSettings` to the separate `pydantic-settings` package; importing it
    /// from `pydantic` raises `PydanticImportError` as soon as the module is imported, so the
    /// application does not start. Current FastAPI releases require Pydantic 2.
    ///
    /// ## Example
    /// ```python
    /// from pydantic import BaseSettings, Field
    ///
    ///
    /// class Settings(BaseSettings):
    ///     api_key: str = Field(min_length=10)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// from pydantic import Field
    /// from pydantic_settings import BaseSettings
    ///
    ///
    /// class Settings(BaseSettings):
    ///     api_key: str = Field(min_length=10)
    /// ```
    ///
    /// ## Fix safety
    /// For `from pydantic import BaseSettings` (and `from pydantic.env_settings import ...`), the
    /// fix imports `BaseSettings` from `pydantic_settings` instead, keeping any `as` alias: the
    /// statement's module is rewritten when `BaseSettings` is its only name; otherwise the
    /// name is removed from the list and a `from pydantic_settings import BaseSettings` statement
    /// is added after it. The fix is safe: with Pydantic 2 the old import cannot succeed, and
    /// `pydantic_settings.BaseSettings` is its replacement. The project must depend on
    /// `pydantic-settings`. `pydantic.BaseSettings` attribute uses are reported without a fix;
    /// no fix is offered when removing the name would delete a comment.
    ///
    /// ## References
    /// - fastapi-lint practices, 13: "centralize everything in a config class, like Pydantic's
    ///   `BaseSettings` class"
    /// - [Pydantic: Migration guide, `BaseSettings` has moved to `pydantic-settings`](https://docs.pydantic.dev/latest/migration/#basesettings-has-moved-to-pydantic-settings)
    /// - [FastAPI: Settings and Environment Variables](https://fastapi.tiangolo.com/advanced/settings/)
    pub struct PydanticV1BasesettingsImport;
}

const MESSAGE: &str = "`BaseSettings` imported from `pydantic`: Pydantic 2 moved it to the `pydantic-settings` package and this import fails at startup; import it from `pydantic_settings`";
const FIX_TITLE: &str = "Import `BaseSettings` from `pydantic_settings`";

/// The Pydantic 1 modules that export `BaseSettings`.
const V1_MODULES: &[&str] = &["pydantic", "pydantic.env_settings"];

pub(super) fn check_import(checker: &mut Checker, import: &ast::StmtImportFrom) {
    if import.level != 0
        || !import
            .module
            .as_ref()
            .is_some_and(|module| V1_MODULES.contains(&module.id.as_str()))
    {
        return;
    }
    let Some(alias) = import
        .names
        .iter()
        .find(|alias| alias.name.id.as_str() == "BaseSettings")
    else {
        return;
    };
    if in_import_fallback(checker, import.range()) {
        return;
    }
    let diagnostic = Diagnostic::new(Rule::PydanticV1BasesettingsImport, MESSAGE, alias.range());
    let diagnostic = match fix(checker, import, alias) {
        Some(fix) => diagnostic.with_fix(FIX_TITLE, fix),
        None => diagnostic,
    };
    checker.report(diagnostic);
}

pub(super) fn check_attribute(checker: &mut Checker, attribute: &ast::ExprAttribute) {
    if attribute.attr.as_str() != "BaseSettings" {
        return;
    }
    let Some(module) = checker.qualified_name(&attribute.value) else {
        return;
    };
    if V1_MODULES.contains(&module.as_str()) && !in_import_fallback(checker, attribute.range()) {
        checker.report(Diagnostic::new(
            Rule::PydanticV1BasesettingsImport,
            MESSAGE,
            attribute.range(),
        ));
    }
}

/// Whether `range` is in a `try` statement that handles `ImportError`: code that supports both
/// Pydantic versions on purpose.
fn in_import_fallback(checker: &Checker, range: TextRange) -> bool {
    checker
        .enclosing_statements(range)
        .iter()
        .any(|stmt| match stmt {
            Stmt::Try(try_stmt) => try_stmt.handlers.iter().any(|handler| {
                let ast::ExceptHandler::ExceptHandler(handler) = handler;
                handler
                    .type_
                    .as_deref()
                    .is_none_or(|type_| catches_import_error(checker, type_))
            }),
            _ => false,
        })
}

fn catches_import_error(checker: &Checker, type_: &Expr) -> bool {
    match type_ {
        Expr::Tuple(tuple) => tuple
            .elts
            .iter()
            .any(|elt| catches_import_error(checker, elt)),
        _ => checker.semantic().resolves_to(
            type_,
            checker.scope(),
            &[
                "builtins.ImportError",
                "builtins.ModuleNotFoundError",
                "builtins.Exception",
            ],
        ),
    }
}

/// Rewrites the module when `BaseSettings` is the only name, else moves the name to a new
/// `from pydantic_settings import ...` statement after this one.
fn fix(checker: &Checker, import: &ast::StmtImportFrom, alias: &ast::Alias) -> Option<Fix> {
    let module = import.module.as_ref()?;
    if import.names.len() == 1 {
        return Some(Fix::safe_edit(Edit::range_replacement(
            "pydantic_settings".to_string(),
            module.range(),
        )));
    }
    let removal = alias_removal(checker.source(), import, alias)?;
    let statement = format!(
        "from pydantic_settings import {}",
        checker.slice(alias.range())
    );
    Some(Fix::safe_edits(
        removal,
        [statement_after(checker, import.range(), &statement)],
    ))
}

/// Deletes `alias` and one comma next to it from the import's name list; `None` when that
/// would delete a comment.
fn alias_removal(source: &str, import: &ast::StmtImportFrom, alias: &ast::Alias) -> Option<Edit> {
    let index = import
        .names
        .iter()
        .position(|name| name.range() == alias.range())?;
    let range = match import.names.get(index + 1) {
        // `A, BaseSettings, C` -> `A, C`: up to the next name.
        Some(next) => TextRange::new(alias.start(), next.start()),
        // `A, BaseSettings` -> `A`: from the end of the previous name (keeps a trailing comma).
        None => {
            let previous = &import.names[index.checked_sub(1)?];
            let comma = SimpleTokenizer::starts_at(previous.end(), source)
                .skip_trivia()
                .next()?;
            (comma.kind == SimpleTokenKind::Comma).then_some(())?;
            TextRange::new(previous.end(), alias.end())
        }
    };
    (!source[range].contains('#')).then(|| Edit::range_deletion(range))
}

/// Inserts `statement` after the import: on its own line with the same indentation when the
/// import ends its line, else after a `;` on the same line.
fn statement_after(checker: &Checker, import: TextRange, statement: &str) -> Edit {
    let source = checker.source();
    let line_start = source.line_start(import.start());
    let indentation = &source[TextRange::new(line_start, import.start())];
    let rest_of_line = &source[TextRange::new(import.end(), source.line_end(import.end()))];
    let ends_line =
        rest_of_line.trim_start().is_empty() || rest_of_line.trim_start().starts_with('#');
    if !indentation.trim().is_empty() || !ends_line {
        return Edit::insertion(format!("; {statement}"), import.end());
    }
    let newline = checker.stylist().line_ending().as_str();
    let next_line = source.full_line_end(import.end());
    if next_line == source.line_end(import.end()) {
        // The last line of a file without a final newline.
        return Edit::insertion(format!("{newline}{indentation}{statement}"), next_line);
    }
    Edit::insertion(format!("{indentation}{statement}{newline}"), next_line)
}

#[cfg(test)]
mod tests {
    use crate::registry::Rule;
    use crate::settings::LinterSettings;
    use crate::test_support::{assert_fixes_parse, assert_fixture, fixed_sources};

    fn settings() -> LinterSettings {
        LinterSettings::for_rules([Rule::PydanticV1BasesettingsImport])
    }

    #[test]
    fn fixture() {
        assert_fixture!("settings/FAPI703.py", settings());
    }

    #[test]
    fn fixes_produce_valid_python() {
        assert!(assert_fixes_parse("settings/FAPI703.py", &settings()) >= 4);
    }

    #[test]
    fn fixed_imports_resolve_to_pydantic_settings() {
        for fixed in fixed_sources("settings/FAPI703.py", &settings()) {
            assert!(
                fixed.contains("from pydantic_settings import BaseSettings"),
                "{fixed}"
            );
        }
    }
}
