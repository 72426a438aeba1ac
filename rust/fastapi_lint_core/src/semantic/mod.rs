//! A small semantic model: scopes, bindings and qualified names.
//!
//! Built in one pass before the rules run, so a rule can ask "what does this name refer to
//! here?" without guessing from spellings: `from time import sleep as nap; nap(1)` resolves to
//! `time.sleep`, and a local variable called `requests` resolves to that variable.

mod attributes;
mod binding;
mod builder;
mod model;
mod typing;

pub use attributes::InstanceAttribute;
pub use binding::{Binding, BindingId, BindingKind};
pub use model::{Scope, ScopeId, ScopeKind, SemanticModel};
pub use typing::unwrap_annotation;

#[cfg(test)]
mod tests;
