//! The fastapi-lint engine: parse Python with Ruff's parser, resolve names, know `FastAPI`'s
//! context, run the rules, honour `# noqa`. Free of pyo3 so it tests with plain `cargo test`.

pub mod checker;
pub mod diagnostic;
pub mod fastapi;
pub mod fix;
pub mod linter;
pub mod message;
mod nesting;
mod noqa;
pub mod project;
pub mod registry;
pub mod roles;
pub mod rule_at_work;
pub mod rules;
pub mod selector;
pub mod semantic;
pub mod settings;
mod syntax_checks;
#[cfg(test)]
mod test_support;
pub mod versions;

pub use diagnostic::{Applicability, Diagnostic, DiagnosticKind, Edit, Fix, applicability_name};
pub use fix::{
    AddedNoqa, FixResult, FixTable, RejectedFix, add_noqa, add_noqa_to_line, fix_source,
};
pub use linter::{FileContext, LintResult, init_thread_pool, lint};
pub use message::{Message, RelatedLocation, SourceLocation, to_messages};
pub use noqa::{NoqaWarning, noqa_codes};
pub use registry::{FixAvailability, Rule, RuleGroup, RuleSet};
pub use roles::{CodeRole, RoleDecision, Roles};
pub use ruff_python_ast::PythonVersion;
pub use selector::{RuleSelection, RuleSelector, resolve_rules};
pub use settings::LinterSettings;
pub use versions::{DeclaredPydantic, PydanticMajor};

/// The version of fastapi-lint, shared by the CLI, the Python package and the cache key.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
