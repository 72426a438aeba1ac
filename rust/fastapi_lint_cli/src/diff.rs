//! `--diff`: what fixing would change, as the unified diff Ruff prints.

use similar::TextDiff;

/// A unified diff of one file, with `--- name` / `+++ name` headers when the file has a name
/// (Ruff prints none for stdin without `--stdin-filename`), followed by a blank line.
pub(crate) fn unified_diff(before: &str, after: &str, name: Option<&str>) -> String {
    let diff = TextDiff::from_lines(before, after);
    let mut unified = diff.unified_diff();
    if let Some(name) = name {
        unified.header(name, name);
    }
    format!("{unified}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_ruffs_layout() {
        let diff = unified_diff("a\nb\n", "a\nc", Some("app.py"));
        assert_eq!(
            diff,
            "--- app.py\n+++ app.py\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n\\ No newline at end of file\n\n"
        );
        assert!(unified_diff("a\n", "b\n", None).starts_with("@@ -1 +1 @@\n"));
    }
}
