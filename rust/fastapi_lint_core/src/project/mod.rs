//! Project-wide analysis: what one file needs to know about the others.
//!
//! Phase 1 (parallel, in the lint pass): each module yields a [`ModuleSummary`] from the same
//! parse: its functions (async or not, direct blocking/heavy calls, calls to project
//! functions), classes, imports, app/router objects, `Depends(...)` and `add_task(...)` targets.
//! Phase 2 ([`project_facts`], cheap): uses are matched to definitions across modules, "may
//! block" is propagated through sync functions, code roles follow an app's imports, and each
//! module gets its [`FileFacts`].
//! Phase 3: files with facts are linted again with them ([`crate::linter::FileContext::facts`]),
//! so `# noqa`, fixes and every output format work as for any other rule.

mod code_roles;
mod facts;
mod index;
mod module_path;
mod name_table;
pub(crate) mod names;
mod summary;

pub use facts::{BaseModelConvention, Chain, FileFacts};
pub use index::{IndexedModule, project_facts, project_roles};
pub use module_path::{PackageDirs, module_name, module_path};
pub use name_table::{Name, NameTable};
pub use summary::{ClassSummary, FunctionSummary, Import, Leaf, ModuleSummary};
pub(crate) use summary::{SummaryBuilder, handed_function, record_call};

#[cfg(test)]
mod tests;
