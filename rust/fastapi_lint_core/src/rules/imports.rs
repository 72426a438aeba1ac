//! Making a module member (`typing.Annotated`, `pydantic.ConfigDict`,
//! `contextlib.asynccontextmanager`) available to a
//! fix, the way Ruff's importer does it: reuse an import already in scope, else add the member to
//! an existing top-level `from <module> import ...`, else add a new `from <module> import <member>`
//! after the last top-level import. Shared by the rules whose fixes add imports.

use ruff_python_ast::{self as ast, Stmt};
use ruff_python_importer::Insertion;
use ruff_python_trivia::{SimpleTokenKind, SimpleTokenizer};
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::checker::{Checker, statement_containing};
use crate::diagnostic::Edit;
use crate::semantic::{Binding, BindingKind, ScopeId};

/// Ruff gives up on the import (and so on the fix) when the member's name is taken by something
/// else, or when the import it would reuse comes after the use or only exists for type checkers.
#[derive(Debug)]
pub(crate) struct Unavailable;

/// An edit that makes `module.member` usable at `at`, and the expression to use it with
/// (`Annotated`, `t.Annotated`, an alias).
///
/// When an import is reused, the edit rewrites that import to itself: it changes nothing but
/// makes the fix conflict with any other fix that would remove the import.
pub(crate) fn import_member(
    checker: &Checker,
    module: &str,
    member: &str,
    at: TextSize,
) -> Result<(Edit, String), Unavailable> {
    if let Some((name, binding)) = imported_in_scope(checker, module, member, at) {
        let (statement, type_checking_only) =
            find_import_statement(checker.module_body(), binding.range, false)
                .ok_or(Unavailable)?;
        if statement.start() > at || type_checking_only {
            return Err(Unavailable);
        }
        let edit = Edit::range_replacement(
            checker.slice(statement.range()).to_string(),
            statement.range(),
        );
        return Ok((edit, name));
    }
    if checker
        .semantic()
        .resolve_name(member, checker.scope(), at)
        .is_some()
    {
        return Err(Unavailable);
    }
    let imports = checker.top_level_imports();
    let top_level_imports = &imports[..imports.partition_point(|stmt| stmt.start() < at)];
    let existing_from = top_level_imports.iter().rev().find_map(|stmt| match stmt {
        Stmt::ImportFrom(import)
            if import.level == 0
                && import
                    .module
                    .as_ref()
                    .is_some_and(|name| name.id.as_str() == module)
                && import
                    .names
                    .iter()
                    .all(|alias| alias.name.id.as_str() != "*") =>
        {
            Some(import)
        }
        _ => None,
    });
    let edit = match existing_from {
        Some(import) => add_member(import, member, checker.source()),
        None => {
            let statement = format!("from {module} import {member}");
            let insertion = match top_level_imports.last() {
                Some(last) => {
                    Insertion::end_of_statement(last, checker.source(), checker.stylist())
                }
                None => Insertion::start_of_file(
                    checker.module_body(),
                    checker.source(),
                    checker.stylist(),
                    None,
                ),
            };
            let edit = insertion.into_edit(&statement);
            Edit::range_replacement(edit.content().unwrap_or_default().to_string(), edit.range())
        }
    };
    Ok((edit, member.to_string()))
}

/// An import of `module.member` visible where the fix applies, with the expression that names
/// the member: `from typing import Annotated as A` gives `A`, `import typing as t` gives
/// `t.Annotated`. Scopes are searched from the innermost out; within a scope the latest import
/// wins; a name rebound in an inner scope does not count.
fn imported_in_scope<'a>(
    checker: &Checker<'a>,
    module: &str,
    member: &str,
    at: TextSize,
) -> Option<(String, &'a Binding<'a>)> {
    let semantic = checker.semantic();
    let chain: Vec<ScopeId> =
        std::iter::successors(Some(checker.scope()), |id| semantic.scope(*id).parent).collect();
    // The scope being read only holds the bindings made before `at`; enclosing scopes are
    // complete by the time a function body runs.
    let current = |scope: ScopeId, ids: &[crate::semantic::BindingId]| {
        let mut bindings = ids.iter().map(|id| semantic.binding(*id));
        if scope == checker.scope() {
            bindings.rfind(|binding| binding.visible_from <= at)
        } else {
            bindings.next_back()
        }
    };
    let is_bound = |scope: ScopeId, name: &str| {
        current(scope, semantic.scope(scope).bindings_of(name)).is_some()
    };
    let member_path = format!("{module}.{member}");
    chain.iter().enumerate().find_map(|(depth, &scope)| {
        semantic
            .scope(scope)
            .names()
            .filter_map(|(name, ids)| {
                let binding = current(scope, ids)?;
                let reference = match &binding.kind {
                    BindingKind::Import { qualified } if qualified == module => {
                        format!("{name}.{member}")
                    }
                    BindingKind::FromImport { qualified } if *qualified == member_path => {
                        name.to_string()
                    }
                    _ => return None,
                };
                chain[..depth]
                    .iter()
                    .all(|inner| !is_bound(*inner, name))
                    .then_some((reference, binding))
            })
            .max_by_key(|(_, binding)| binding.range.start())
    })
}

/// The import statement whose alias spans `alias`, and whether it sits in an
/// `if TYPE_CHECKING:` block.
fn find_import_statement(
    body: &[Stmt],
    alias: TextRange,
    type_checking: bool,
) -> Option<(&Stmt, bool)> {
    let stmt = statement_containing(body, alias)?;
    if matches!(stmt, Stmt::Import(_) | Stmt::ImportFrom(_)) {
        return Some((stmt, type_checking));
    }
    child_bodies(stmt)
        .into_iter()
        .find_map(|(body, in_type_checking)| {
            find_import_statement(body, alias, type_checking || in_type_checking)
        })
}

/// The statement blocks nested in a compound statement, each with whether it is the body of an
/// `if TYPE_CHECKING:` test (spelled `TYPE_CHECKING` or `<module>.TYPE_CHECKING`, as Ruff reads it).
fn child_bodies(stmt: &Stmt) -> Vec<(&[Stmt], bool)> {
    fn plain(body: &[Stmt]) -> (&[Stmt], bool) {
        (body, false)
    }
    match stmt {
        Stmt::If(if_stmt) => {
            let type_checking = match if_stmt.test.as_ref() {
                ast::Expr::Name(name) => name.id.as_str() == "TYPE_CHECKING",
                ast::Expr::Attribute(attribute) => attribute.attr.id.as_str() == "TYPE_CHECKING",
                _ => false,
            };
            std::iter::once((if_stmt.body.as_slice(), type_checking))
                .chain(
                    if_stmt
                        .elif_else_clauses
                        .iter()
                        .map(|clause| plain(&clause.body)),
                )
                .collect()
        }
        Stmt::FunctionDef(function) => vec![plain(&function.body)],
        Stmt::ClassDef(class) => vec![plain(&class.body)],
        Stmt::For(for_stmt) => vec![plain(&for_stmt.body), plain(&for_stmt.orelse)],
        Stmt::While(while_stmt) => vec![plain(&while_stmt.body), plain(&while_stmt.orelse)],
        Stmt::With(with) => vec![plain(&with.body)],
        Stmt::Try(try_stmt) => std::iter::once(plain(&try_stmt.body))
            .chain(try_stmt.handlers.iter().map(|handler| {
                let ast::ExceptHandler::ExceptHandler(handler) = handler;
                plain(&handler.body)
            }))
            .chain([plain(&try_stmt.orelse), plain(&try_stmt.finalbody)])
            .collect(),
        Stmt::Match(match_stmt) => match_stmt
            .cases
            .iter()
            .map(|case| plain(&case.body))
            .collect(),
        _ => Vec::new(),
    }
}

/// Rewrites `from <module> import a, b` to also import `member`, keeping the statement's layout
/// as Ruff's CST rewrite does: with a trailing comma, the new name is written before the closing
/// parenthesis followed by a copy of the last name's comma and the whitespace after it.
fn add_member(import: &ast::StmtImportFrom, member: &str, source: &str) -> Edit {
    let statement = import.range();
    let text = &source[statement];
    let Some(last) = import.names.last() else {
        return Edit::range_replacement(text.to_string(), statement);
    };
    let relative = |offset: TextSize| (offset - statement.start()).to_usize();
    let mut after_last = SimpleTokenizer::starts_at(last.end(), source).skip_trivia();
    let rewritten = match (after_last.next().map(|token| token.kind), after_last.next()) {
        (Some(SimpleTokenKind::Comma), Some(close)) if close.kind == SimpleTokenKind::RParen => {
            let (head, tail) = text.split_at(relative(close.start()));
            let separator = &source[TextRange::new(last.end(), close.start())];
            format!("{head}{member}{separator}{tail}")
        }
        _ => {
            let (head, tail) = text.split_at(relative(last.end()));
            format!("{head}, {member}{tail}")
        }
    };
    Edit::range_replacement(rewritten, statement)
}

#[cfg(test)]
mod tests {
    use crate::registry::Rule;
    use crate::settings::LinterSettings;
    use crate::{FileContext, fix_source};

    /// A new import statement ends with the file's line ending, `\r\n` and `\r` included
    /// (Ruff's `Insertion` takes it from the stylist).
    #[test]
    fn a_new_import_ends_with_the_files_line_ending() {
        let settings = LinterSettings::for_rules([Rule::FastApiNonAnnotatedDependency]);
        for newline in ["\r\n", "\r", "\n"] {
            let source = [
                "from fastapi import Depends, FastAPI  # the app",
                "",
                "app = FastAPI()",
                "",
                "",
                "@app.get(\"/users\")",
                "async def users(db: int = Depends(dict)):",
                "    return db",
                "",
            ]
            .join(newline);
            let fixed = fix_source(&source, &FileContext::default(), &settings, true).source;
            let expected = source
                .replacen(
                    &format!("# the app{newline}"),
                    &format!("# the app{newline}from typing import Annotated{newline}"),
                    1,
                )
                .replace(
                    "db: int = Depends(dict)",
                    "db: Annotated[int, Depends(dict)]",
                );
            assert_eq!(fixed, expected, "{newline:?}");
        }
    }

    /// Adding the member to an existing `from` import copies the last name's comma and the
    /// whitespace after it, the file's line ending included (Ruff 0.16.4's output, byte for
    /// byte).
    #[test]
    fn a_member_added_to_an_import_keeps_its_lines() {
        let settings = LinterSettings::for_rules([Rule::FastApiNonAnnotatedDependency]);
        for newline in ["\r\n", "\r"] {
            let source = [
                "from typing import (",
                "    Any,",
                ")",
                "from fastapi import Depends, FastAPI",
                "",
                "app = FastAPI()",
                "",
                "",
                "@app.get(\"/users\")",
                "async def users(db: Any = Depends(dict)):",
                "    return db",
                "",
            ]
            .join(newline);
            let fixed = fix_source(&source, &FileContext::default(), &settings, true).source;
            let expected = source
                .replace(
                    &format!("    Any,{newline})"),
                    &format!("    Any,{newline}Annotated,{newline})"),
                )
                .replace(
                    "db: Any = Depends(dict)",
                    "db: Annotated[Any, Depends(dict)]",
                );
            assert_eq!(fixed, expected, "{newline:?}");
        }
    }
}
