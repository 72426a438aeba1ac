//! Code roles: what a file is for. Rules about request time and production apply to code
//! that serves requests (`app`), not to tests, scripts or library code that no app imports;
//! each rule declares the roles it applies to (see [`crate::registry`]).
//!
//! A file's role comes, in this order, from the settings (`[lint.roles]` globs, pytest's
//! `testpaths`, `[project.scripts]` targets: [`FileContext::declared_role`]), from its path
//! (test conventions), from its own code (it builds a `FastAPI` app or router; it is a
//! command-line entry point), and, across the project, from the project index: a module an app
//! module imports (transitively) serves requests too, and a module no app imports and that is
//! neither a test nor a script is library code. Without a project index (a file on its own) a
//! file with no evidence either way is taken as app code.

use std::borrow::Cow;
use std::fmt;
use std::path::Path;

use ruff_python_ast::statement_visitor::{StatementVisitor, walk_stmt};
use ruff_python_ast::{self as ast, Expr, Stmt};
use serde::{Deserialize, Serialize};

use crate::fastapi::{APP_CLASSES, ROUTER_CLASSES};
use crate::linter::FileContext;
use crate::semantic::SemanticModel;

/// What a file is for.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub enum CodeRole {
    /// Code that serves requests: it builds an app or router, or an app module imports it.
    #[default]
    App,
    /// Tests: pytest/unittest conventions, `testpaths`.
    Test,
    /// Command-line scripts, migrations, maintenance tools: run by hand, not by the server.
    Script,
    /// Code no app of the project imports, that is neither a test nor a script.
    Library,
}

impl CodeRole {
    pub const ALL: [CodeRole; 4] = [
        CodeRole::App,
        CodeRole::Test,
        CodeRole::Script,
        CodeRole::Library,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            CodeRole::App => "app",
            CodeRole::Test => "test",
            CodeRole::Script => "script",
            CodeRole::Library => "library",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.name() == name)
    }

    const fn bit(self) -> u8 {
        1 << self as u8
    }
}

impl fmt::Display for CodeRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The roles a rule applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Roles(u8);

impl Roles {
    pub const APP: Roles = Roles(CodeRole::App.bit());
    pub const TEST: Roles = Roles(CodeRole::Test.bit());
    pub const SCRIPT: Roles = Roles(CodeRole::Script.bit());
    pub const LIBRARY: Roles = Roles(CodeRole::Library.bit());
    pub const ALL: Roles = Roles(0b1111);

    #[must_use]
    pub const fn with(self, other: Roles) -> Roles {
        Roles(self.0 | other.0)
    }

    pub const fn contains(self, role: CodeRole) -> bool {
        self.0 & role.bit() != 0
    }

    /// Whether every role of `self` is one of `other`'s.
    pub const fn is_subset(self, other: Roles) -> bool {
        self.0 & !other.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = CodeRole> {
        CodeRole::ALL
            .into_iter()
            .filter(move |role| self.contains(*role))
    }

    /// `app, library`, or `all`.
    pub fn names(self) -> String {
        if self == Roles::ALL {
            return "all".to_string();
        }
        self.iter()
            .map(CodeRole::name)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A role and why the file has it (`--show-roles` prints both).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RoleDecision {
    pub role: CodeRole,
    /// Why, in words: "builds `FastAPI()`", "under a `tests/` directory", "imported by app
    /// module `app.main`".
    pub evidence: Cow<'static, str>,
}

impl RoleDecision {
    pub fn new(role: CodeRole, evidence: impl Into<Cow<'static, str>>) -> Self {
        Self {
            role,
            evidence: evidence.into(),
        }
    }
}

/// What a file's own code and path say of its role, before the project index is asked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LocalRole {
    /// The role the file is linted with when the project says nothing more.
    pub decision: RoleDecision,
    /// Whether the role is settled here (settings, test conventions, an app built here): the
    /// project index keeps it.
    pub settled: bool,
    /// Whether the file looks like a command-line program (the decision says why): a script
    /// unless an app module imports it.
    pub script: bool,
}

impl Default for RoleDecision {
    fn default() -> Self {
        RoleDecision::new(CodeRole::App, "no evidence: taken as app code")
    }
}

/// The role a file's settings, path and code give it.
pub(crate) fn local_role(
    context: &FileContext,
    semantic: &SemanticModel,
    body: &[Stmt],
) -> LocalRole {
    if let Some(declared) = &context.declared_role {
        return LocalRole {
            decision: declared.clone(),
            settled: true,
            script: false,
        };
    }
    if let Some(evidence) = context.path_in_project().and_then(test_path) {
        return settled(CodeRole::Test, evidence);
    }
    for (module, evidence) in [
        ("pytest", "imports `pytest`"),
        ("fastapi.testclient", "imports `fastapi.testclient`"),
        ("starlette.testclient", "imports `starlette.testclient`"),
    ] {
        if semantic.imports_module(module) {
            return settled(CodeRole::Test, evidence);
        }
    }
    if let Some(evidence) = builds_app(semantic) {
        return settled(CodeRole::App, evidence);
    }
    match script_evidence(context.path_in_project(), semantic, body) {
        Some(evidence) => LocalRole {
            decision: RoleDecision::new(CodeRole::Script, evidence),
            settled: false,
            script: true,
        },
        None => LocalRole::default(),
    }
}

fn settled(role: CodeRole, evidence: impl Into<Cow<'static, str>>) -> LocalRole {
    LocalRole {
        decision: RoleDecision::new(role, evidence),
        settled: true,
        script: false,
    }
}

/// pytest's and unittest's conventions: `test_*.py`, `*_test.py`, `conftest.py`, or a module
/// under a `tests` directory. (Not `test`: it is too common a name for other things, such as
/// `resources/test/fixtures`.)
pub fn test_path(path: &Path) -> Option<&'static str> {
    let in_tests = path
        .parent()
        .is_some_and(|parent| parent.components().any(|part| part.as_os_str() == "tests"));
    if in_tests {
        return Some("under a `tests/` directory");
    }
    let stem = path
        .file_stem()
        .and_then(|stem| stem.to_str())
        .unwrap_or_default();
    if stem == "conftest" {
        return Some("`conftest.py`");
    }
    (stem.starts_with("test_") || stem.ends_with("_test"))
        .then_some("named like a test module (`test_*.py`, `*_test.py`)")
}

/// Whether the module builds a `FastAPI()` or an `APIRouter()`, anywhere in it.
fn builds_app(semantic: &SemanticModel) -> Option<&'static str> {
    semantic.calls().iter().find_map(|(call, _)| {
        let name = semantic.callee_name(call)?;
        if APP_CLASSES.contains(&name) {
            Some("builds `FastAPI()`")
        } else if ROUTER_CLASSES.contains(&name) {
            Some("builds `APIRouter()`")
        } else {
            None
        }
    })
}

/// Calls that make a module a command-line program.
const CLI_CALLS: &[(&str, &str)] = &[
    ("click.command", "defines a `click` command"),
    ("click.group", "defines a `click` command group"),
    ("typer.Typer", "defines a `typer` application"),
    ("typer.run", "defines a `typer` program"),
    ("argparse.ArgumentParser", "defines an `argparse` parser"),
    ("fire.Fire", "defines a `fire` program"),
];

/// Directories whose modules are run by hand (when no app imports them).
const SCRIPT_DIRECTORIES: &[(&str, &str)] = &[
    ("scripts", "under a `scripts/` directory"),
    ("script", "under a `script/` directory"),
    ("bin", "under a `bin/` directory"),
    ("dev", "under a `dev/` directory"),
    ("tools", "under a `tools/` directory"),
    ("migrations", "under a `migrations/` directory"),
    ("alembic", "under an `alembic/` directory"),
];

/// Why the module looks like a command-line program, a migration or a maintenance script.
fn script_evidence(
    path: Option<&Path>,
    semantic: &SemanticModel,
    body: &[Stmt],
) -> Option<&'static str> {
    if let Some((_, evidence)) = semantic.calls().iter().find_map(|(call, _)| {
        let name = semantic.callee_name(call)?;
        CLI_CALLS.iter().find(|(cli, _)| *cli == name)
    }) {
        return Some(evidence);
    }
    if body.iter().any(is_main_guard) {
        return Some("runs under `if __name__ == \"__main__\":`");
    }
    if body.iter().any(|stmt| is_asyncio_run(semantic, stmt)) {
        return Some("calls `asyncio.run(...)` at module level");
    }
    path?.parent()?.components().find_map(|part| {
        let name = part.as_os_str().to_str()?;
        SCRIPT_DIRECTORIES
            .iter()
            .find(|(directory, _)| *directory == name)
            .map(|(_, evidence)| *evidence)
    })
}

/// `if __name__ == "__main__":`.
fn is_main_guard(stmt: &Stmt) -> bool {
    let Stmt::If(ast::StmtIf { test, .. }) = stmt else {
        return false;
    };
    let Expr::Compare(compare) = test.as_ref() else {
        return false;
    };
    let operands = [
        &*compare.left,
        compare.comparators.first().unwrap_or(&compare.left),
    ];
    let names_main = operands
        .iter()
        .any(|operand| matches!(operand, Expr::Name(name) if name.id.as_str() == "__name__"));
    let main_string = operands.iter().any(|operand| {
        matches!(operand, Expr::StringLiteral(literal) if literal.value.to_str() == "__main__")
    });
    names_main && main_string
}

/// `asyncio.run(main())` as a module-level statement.
fn is_asyncio_run(semantic: &SemanticModel, stmt: &Stmt) -> bool {
    let Stmt::Expr(ast::StmtExpr { value, .. }) = stmt else {
        return false;
    };
    let Expr::Call(call) = value.as_ref() else {
        return false;
    };
    semantic.callee_name(call) == Some("asyncio.run")
}

/// The modules the file imports that its module-level `from` imports (the summary's imports)
/// do not name: `import a.b` (which binds only `a`), star imports, and every import inside a
/// function or class (`create_app()` importing its routers is how many apps are put
/// together). Relative imports are resolved against the module's own name. With the
/// module-level imports, these are what an app's imports reach ([`crate::project`]).
pub(crate) fn other_imports(semantic: &SemanticModel, body: &[Stmt]) -> Vec<String> {
    struct Imports<'m, 'a> {
        semantic: &'m SemanticModel<'a>,
        /// Whether the statements visited are inside a function or class body.
        nested: bool,
        modules: Vec<String>,
    }
    impl StatementVisitor<'_> for Imports<'_, '_> {
        fn visit_stmt(&mut self, stmt: &Stmt) {
            match stmt {
                Stmt::Import(import) => self.modules.extend(
                    import
                        .names
                        .iter()
                        .filter(|alias| self.nested || alias.name.id.contains('.'))
                        .map(|alias| alias.name.id.to_string()),
                ),
                Stmt::ImportFrom(import) => {
                    let star = import
                        .names
                        .iter()
                        .any(|alias| alias.name.id.as_str() == "*");
                    if !self.nested && !star {
                        return;
                    }
                    let module = self.semantic.absolute_module(
                        import.level,
                        import.module.as_ref().map(|module| module.id.as_str()),
                    );
                    if module.starts_with('.') {
                        // Relative to a module whose own name is unknown: unresolved.
                        return;
                    }
                    for alias in &import.names {
                        if alias.name.id.as_str() != "*" {
                            self.modules
                                .push([module.as_str(), ".", alias.name.id.as_str()].concat());
                        }
                    }
                    self.modules.push(module);
                }
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {
                    let nested = std::mem::replace(&mut self.nested, true);
                    walk_stmt(self, stmt);
                    self.nested = nested;
                }
                _ => walk_stmt(self, stmt),
            }
        }
    }
    let mut imports = Imports {
        semantic,
        nested: false,
        modules: Vec::new(),
    };
    imports.visit_body(body);
    imports.modules.sort_unstable();
    imports.modules.dedup();
    imports.modules
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};
    use std::sync::Arc;

    use super::{CodeRole, test_path};
    use crate::settings::LinterSettings;
    use crate::{FileContext, lint};

    #[test]
    fn test_modules() {
        for path in [
            "/p/tests/main.py",
            "/p/tests/api/app.py",
            "test_app.py",
            "/p/app_test.py",
            "/p/conftest.py",
        ] {
            assert!(test_path(Path::new(path)).is_some(), "{path}");
        }
        for path in [
            "/p/app/main.py",
            "/p/contest.py",
            "/p/testing.py",
            "/p/resources/test/fixtures/app.py",
            "/p/latest_app.py",
        ] {
            assert!(test_path(Path::new(path)).is_none(), "{path}");
        }
    }

    /// The directories above the project say nothing of its files: a checkout under
    /// `/home/ci/tests/` (or `/srv/scripts/`) is app code, its own `tests/` test code.
    #[test]
    fn directories_count_below_the_project_root_only() {
        let role = |path: &str, root: Option<&str>| {
            let context = FileContext {
                path: Some(PathBuf::from(path)),
                project_root: root.map(|root| Arc::from(Path::new(root))),
                ..FileContext::default()
            };
            lint("import os\n", &context, &LinterSettings::default())
                .role
                .role
        };
        let root = Some("/home/ci/tests/shop");
        assert_eq!(role("/home/ci/tests/shop/app/main.py", root), CodeRole::App);
        assert_eq!(
            role("/home/ci/tests/shop/tests/test_main.py", root),
            CodeRole::Test
        );
        assert_eq!(
            role("/home/ci/tests/shop/tests/helpers.py", root),
            CodeRole::Test
        );
        assert_eq!(
            role("/srv/scripts/shop/app/main.py", Some("/srv/scripts/shop")),
            CodeRole::App
        );
        assert_eq!(
            role(
                "/srv/scripts/shop/scripts/seed.py",
                Some("/srv/scripts/shop")
            ),
            CodeRole::Script
        );
        // Outside the root, or without one, the whole path is read.
        assert_eq!(role("/elsewhere/tests/app.py", root), CodeRole::Test);
        assert_eq!(
            role("/home/ci/tests/shop/app/main.py", None),
            CodeRole::Test
        );
    }
}
