//! FAPI101–FAPI105: blocking calls inside `async def`.

pub mod db;
pub mod file_io;
pub mod http;
pub mod sleep;
pub mod subprocess;

use ruff_python_ast as ast;

use crate::checker::Checker;
use crate::registry::Rule;

/// The rules of this family, for dispatch.
pub(crate) const RULES: &[Rule] = &[
    Rule::BlockingSleepInAsync,
    Rule::BlockingHttpInAsync,
    Rule::BlockingFileIoInAsync,
    Rule::BlockingDbInAsync,
    Rule::BlockingSubprocessInAsync,
];

/// Extra blocking calls a project declares (`[tool.fastapi-lint.lint.blocking]`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlockingOptions {
    /// Qualified names reported as blocking HTTP calls (FAPI102).
    pub extra_http_calls: Vec<String>,
    /// Qualified names reported as blocking file I/O (FAPI103).
    pub extra_file_calls: Vec<String>,
    /// Qualified names reported as blocking database calls (FAPI104).
    pub extra_db_calls: Vec<String>,
    /// Qualified names reported as blocking subprocess calls (FAPI105).
    pub extra_subprocess_calls: Vec<String>,
}

pub(crate) fn check_call(_checker: &mut Checker, _call: &ast::ExprCall) {}
