//! One pass of edits over a source text, with Ruff's rules for which fixes fit together.

use std::collections::HashSet;

use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::diagnostic::{Edit, Fix};

/// The text after one pass, and which of the offered fixes it holds.
#[derive(Debug)]
pub(super) struct Applied {
    pub(super) source: String,
    /// Indexes into the offered fixes, in the order they were applied.
    pub(super) fixes: Vec<usize>,
}

/// Applies as many of `fixes` as fit, in order of their first edit (ties keep the given order).
///
/// As in Ruff: an edit already applied by an earlier fix is not applied again (several fixes
/// adding the same `import` add it once, and a fix whose every edit is already in counts as
/// applied); a fix with a new edit starting at or before the end of the last applied edit is
/// skipped, to be retried by the next pass on the re-linted text.
pub(super) fn apply_fixes(source: &str, fixes: &[&Fix]) -> Applied {
    let mut order: Vec<usize> = (0..fixes.len()).collect();
    order.sort_by_key(|&index| {
        fixes[index]
            .edits()
            .iter()
            .map(|edit| edit.range().start())
            .min()
    });

    let mut output = String::with_capacity(source.len());
    let mut last_end: Option<TextSize> = None;
    let mut applied_edits: HashSet<&Edit> = HashSet::new();
    let mut applied_fixes = Vec::new();
    for index in order {
        let new_edits: Vec<&Edit> = fixes[index]
            .edits()
            .iter()
            .filter(|edit| !applied_edits.contains(edit))
            .collect();
        if let (Some(first), Some(last_end)) = (new_edits.first(), last_end)
            && first.range().start() <= last_end
        {
            continue;
        }
        for edit in new_edits {
            output.push_str(
                &source[TextRange::new(last_end.unwrap_or_default(), edit.range().start())],
            );
            output.push_str(edit.content().unwrap_or_default());
            last_end = Some(edit.range().end());
            applied_edits.insert(edit);
        }
        applied_fixes.push(index);
    }
    output.push_str(&source[usize::from(last_end.unwrap_or_default())..]);
    Applied {
        source: output,
        fixes: applied_fixes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(offset: u32) -> TextSize {
        TextSize::new(offset)
    }

    fn replace(start: u32, end: u32, content: &str) -> Edit {
        Edit::range_replacement(content.to_string(), TextRange::new(at(start), at(end)))
    }

    #[test]
    fn applies_fixes_in_position_order() {
        let later = Fix::safe_edit(replace(4, 5, "B"));
        let earlier = Fix::safe_edit(replace(0, 1, "A"));
        let applied = apply_fixes("a = b", &[&later, &earlier]);
        assert_eq!(applied.source, "A = B");
        assert_eq!(applied.fixes, [1, 0]);
    }

    #[test]
    fn skips_fixes_that_overlap_or_touch_an_applied_edit() {
        let first = Fix::safe_edit(replace(0, 3, "xyz"));
        let overlapping = Fix::safe_edit(replace(2, 4, "!"));
        let touching = Fix::safe_edit(Edit::insertion("?".to_string(), at(3)));
        let applied = apply_fixes("abcdef", &[&first, &overlapping, &touching]);
        assert_eq!(applied.source, "xyzdef");
        assert_eq!(applied.fixes, [0]);
    }

    #[test]
    fn a_shared_edit_is_applied_once() {
        let import = Edit::insertion("import asyncio\n".to_string(), at(0));
        let one = Fix::unsafe_edits(import.clone(), [replace(8, 9, "1")]);
        let two = Fix::unsafe_edits(import.clone(), [replace(11, 12, "2")]);
        let only_import = Fix::unsafe_edit(import);
        let applied = apply_fixes("x = (\n  a, b, c)\n", &[&one, &two, &only_import]);
        assert_eq!(applied.source, "import asyncio\nx = (\n  1, 2, c)\n");
        assert_eq!(applied.fixes, [0, 1, 2]);
    }
}
