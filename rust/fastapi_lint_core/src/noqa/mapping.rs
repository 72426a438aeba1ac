//! Which line a diagnostic's `# noqa` belongs on, exactly as Ruff maps it.
//!
//! A comment cannot sit inside a string or before a backslash, so Ruff moves the directive of a
//! diagnostic that starts on such a line to the line where the construct ends:
//! - a triple-quoted string spanning lines: its last line, for everything from the start of the
//!   string's first line (so `call(x, """` maps `x` too);
//! - an f-string or t-string spanning lines (triple-quoted, or a single-quoted one with a
//!   multi-line replacement field): the last line of the outermost one, likewise;
//! - backslash continuations: the last line of the continued statement.
//!
//! Overlapping or touching regions merge, so a continuation that runs into a multi-line string
//! maps to the string's last line. Ruff's extra mapping for a shebang line is left out: our
//! diagnostics never start inside a comment.

use ruff_python_ast::token::{TokenKind, Tokens};
use ruff_source_file::LineRanges;
use ruff_text_size::{Ranged, TextRange, TextSize};

/// Regions whose offsets are looked up at the region's end, sorted and disjoint.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct NoqaMapping {
    regions: Vec<TextRange>,
}

impl NoqaMapping {
    pub(crate) fn from_tokens(tokens: &Tokens, source: &str) -> Self {
        let mut regions = multi_line_strings(tokens, source);
        regions.extend(continuations(tokens, source));
        regions.sort_by_key(ruff_text_size::Ranged::start);

        let mut merged: Vec<TextRange> = Vec::with_capacity(regions.len());
        for region in regions {
            match merged.last_mut() {
                Some(last) if region.start() <= last.end() => *last = last.cover(region),
                _ => merged.push(region),
            }
        }
        Self { regions: merged }
    }

    /// The offset whose line holds the `# noqa` for a diagnostic starting at `offset`.
    pub(crate) fn resolve(&self, offset: TextSize) -> TextSize {
        let index = self
            .regions
            .partition_point(|region| region.end() <= offset);
        match self.regions.get(index) {
            Some(region) if region.contains(offset) => region.end(),
            _ => offset,
        }
    }
}

/// Triple-quoted strings and f/t-strings that span lines, each widened to the start of its first
/// line.
fn multi_line_strings(tokens: &Tokens, source: &str) -> Vec<TextRange> {
    let mut regions = Vec::new();
    // Starts of the f/t-strings still open; nested ones pop first.
    let mut open_interpolated = Vec::new();
    for token in tokens {
        let string = match token.kind() {
            TokenKind::String if token.is_triple_quoted_string() => token.range(),
            TokenKind::FStringStart | TokenKind::TStringStart => {
                open_interpolated.push(token.start());
                continue;
            }
            TokenKind::FStringEnd | TokenKind::TStringEnd => match open_interpolated.pop() {
                Some(start) => TextRange::new(start, token.end()),
                None => continue,
            },
            _ => continue,
        };
        if source.contains_line_break(string) {
            regions.push(TextRange::new(
                source.line_start(string.start()),
                string.end(),
            ));
        }
    }
    regions
}

/// Runs of lines ending in a backslash, each from the first continued line to the start of the
/// line that ends the run.
fn continuations(tokens: &Tokens, source: &str) -> Vec<TextRange> {
    let mut runs: Vec<TextRange> = Vec::new();
    for line_start in continued_line_starts(tokens, source) {
        let next_line = source.full_line_end(line_start);
        match runs.last_mut() {
            Some(run) if run.end() == line_start => *run = TextRange::new(run.start(), next_line),
            _ => runs.push(TextRange::new(line_start, next_line)),
        }
    }
    runs
}

/// Starts of the lines that end in a backslash continuation: a backslash right before a line
/// break, outside every token (strings and comments are tokens, and the lexer emits none for a
/// continuation). Backslashes are rare, so this looks at them rather than at every token.
fn continued_line_starts(tokens: &Tokens, source: &str) -> Vec<TextSize> {
    let bytes = source.as_bytes();
    source
        .match_indices('\\')
        .map(|(at, _)| at)
        .filter(|&at| matches!(bytes.get(at + 1), Some(b'\n' | b'\r')))
        .map(|at| TextSize::try_from(at).expect("source is shorter than 4 GiB"))
        .filter(|&at| {
            let next = tokens.partition_point(|token| token.end() <= at);
            tokens.get(next).is_none_or(|token| token.start() > at)
        })
        .map(|at| source.line_start(at))
        .collect()
}
