use ruff_python_ast as ast;

use crate::checker::Checker;
use crate::registry::rule_docs;

rule_docs! {
    /// ## What it does
    /// TODO(helper): document.
    ///
    /// ## Why is this bad?
    ///
    /// ## Example
    ///
    /// Use instead:
    ///
    /// ## Fix safety
    pub struct FastApiRedundantResponseModel;
}

pub(crate) fn check(_checker: &mut Checker, _function: &ast::StmtFunctionDef) {}
