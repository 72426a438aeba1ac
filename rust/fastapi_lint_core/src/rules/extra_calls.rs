//! Calls a project adds to a catalogue in configuration (`extra-http-calls`,
//! `extra-heavy-calls`, …), shared by the families that accept them.
//!
//! Entries are qualified names as the code imports them (`mylib.fetch`), or a class and a
//! method (`mylib.Client.fetch`, matched on instances the code proves: `c = mylib.Client()`,
//! a parameter annotated `mylib.Client`). An entry ending in `.*` matches every name under the
//! module or class (`mylib.*` matches `mylib.fetch` and `mylib.sub.fetch`).

use ruff_python_ast::{self as ast, Expr};

use crate::checker::Checker;

/// The names a configuration entry can match a call by: the callee's qualified name, and
/// `Class.method` when the call is a method on an instance of a known class.
pub(crate) fn names_of(
    checker: &Checker,
    call: &ast::ExprCall,
    qualified: Option<String>,
) -> impl Iterator<Item = String> {
    let method = match call.func.as_ref() {
        Expr::Attribute(method) => checker
            .semantic()
            .instance_type(&method.value, checker.scope())
            .map(|class| format!("{class}.{}", method.attr.as_str())),
        _ => None,
    };
    qualified.into_iter().chain(method)
}

/// Whether any of `entries` matches the qualified `name`.
pub(crate) fn any_matches(entries: &[String], name: &str) -> bool {
    entries.iter().any(|entry| entry_matches(entry, name))
}

fn entry_matches(entry: &str, qualified: &str) -> bool {
    match entry.strip_suffix(".*") {
        Some(module) => qualified
            .strip_prefix(module)
            .is_some_and(|rest| rest.starts_with('.')),
        None => entry == qualified,
    }
}

#[cfg(test)]
mod tests {
    use super::entry_matches;

    #[test]
    fn wildcard_entries_match_names_under_the_module_only() {
        assert!(entry_matches("mylib.*", "mylib.fetch"));
        assert!(entry_matches("mylib.*", "mylib.sub.fetch"));
        assert!(!entry_matches("mylib.*", "mylib"));
        assert!(!entry_matches("mylib.*", "mylibrary.fetch"));
        assert!(entry_matches("mylib.fetch", "mylib.fetch"));
        assert!(!entry_matches("mylib.fetch", "mylib.fetch_all"));
    }
}
