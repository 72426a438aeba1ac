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
    pub struct BlockingDbInAsync;
}
