//! FAPI106, FAPI302, FAPI501, FAPI704: rules that need the whole project.
//!
//! The first three read the facts the project index derived for the file
//! ([`crate::project::FileFacts`], in the file's [`crate::linter::FileContext`]) and stay silent without them;
//! FAPI704 is about files, not code, and is checked where the tree is walked.

pub mod blocking_call_through_helper;
pub mod direct_basemodel_subclass;
pub mod dotenv_not_gitignored;
pub mod heavy_background_task;

use ruff_python_ast::{self as ast, Stmt};

use crate::checker::Checker;
use crate::registry::Rule;

/// The rules of this family checked on code, for dispatch.
pub(crate) const RULES: &[Rule] = &[
    Rule::BlockingCallThroughHelper,
    Rule::HeavyBackgroundTask,
    Rule::DirectBasemodelSubclass,
];

pub(crate) fn check_call(checker: &mut Checker, call: &ast::ExprCall) {
    let facts = checker.facts();
    if !facts.blocking_helpers.is_empty() && checker.is_enabled(Rule::BlockingCallThroughHelper) {
        blocking_call_through_helper::check(checker, call, facts);
    }
    if !facts.heavy_tasks.is_empty() && checker.is_enabled(Rule::HeavyBackgroundTask) {
        heavy_background_task::check(checker, call, facts);
    }
}

pub(crate) fn check_stmt(checker: &mut Checker, stmt: &Stmt) {
    let facts = checker.facts();
    if let Stmt::ClassDef(class) = stmt
        && !facts.base_models.is_empty()
        && checker.is_enabled(Rule::DirectBasemodelSubclass)
    {
        direct_basemodel_subclass::check(checker, class, facts);
    }
}
