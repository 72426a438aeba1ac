use crate::registry::rule_docs;

rule_docs! {
    /// ## What it does
    /// TODO(FAPI403): document.
    ///
    /// ## Why is this bad?
    ///
    /// ## Example
    ///
    /// Use instead:
    pub struct CorsWildcardWithCredentials;
}
