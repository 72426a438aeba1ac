//! The code frame of the `full` format, drawn as Ruff draws it: two lines of context each side
//! (blank edge lines trimmed), right-aligned line numbers, `^` under single-line ranges and
//! `/ | |_^` rails for ranges spanning lines.

use unicode_width::UnicodeWidthChar;

use fastapi_lint_core::SourceLocation;

/// Lines of context shown before and after the annotated lines.
const CONTEXT: usize = 2;
const BOM: &str = "\u{feff}";

/// A source split into lines (terminators removed) with their byte offsets. Split once per
/// file: a file's messages all draw their frames from it.
pub(super) struct Lines<'a> {
    /// The source without its byte order mark: Ruff draws the text without it, and counts
    /// columns without it too.
    source: &'a str,
    /// Length of the byte order mark removed from the front (0 or 3).
    bom: usize,
    /// Byte offset where each line starts.
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub(super) fn new(source: &'a str) -> Self {
        let (source, bom) = match source.strip_prefix(BOM) {
            Some(rest) => (rest, BOM.len()),
            None => (source, 0),
        };
        let mut starts = vec![0];
        starts.extend(
            source
                .match_indices('\n')
                .map(|(at, _)| at + 1)
                .filter(|&at| at < source.len()),
        );
        Self {
            source,
            bom,
            starts,
        }
    }

    fn len(&self) -> usize {
        self.starts.len()
    }

    /// The text of the 0-based line `row`, without its terminator.
    fn text(&self, row: usize) -> &'a str {
        let end = self
            .starts
            .get(row + 1)
            .copied()
            .unwrap_or(self.source.len());
        self.source[self.starts[row]..end].trim_end_matches(['\n', '\r'])
    }

    /// The 0-based row and byte column of an offset.
    fn position(&self, offset: usize) -> (usize, usize) {
        let row = self.starts.partition_point(|&start| start <= offset) - 1;
        (row, offset - self.starts[row])
    }
}

/// A rendered frame: the position to print in the ` --> ` line and the lines under it.
pub(super) struct CodeFrame {
    pub location: SourceLocation,
    pub gutter: usize,
    pub lines: Vec<String>,
}

/// What is drawn under or beside one row.
enum Mark {
    /// Carets from display column `start` (0-based), `width` wide.
    Carets { start: usize, width: usize },
    /// A range spanning rows `first..=last`; `start`/`end` are the display columns of its first
    /// and last characters.
    Span {
        first: usize,
        last: usize,
        start: usize,
        end: usize,
        opens_line: bool,
    },
}

/// Draws the frame for the byte range `start..end` of the source `lines` were split from.
pub(super) fn render(lines: &Lines<'_>, start: usize, end: usize) -> CodeFrame {
    let (source, start, end) = (
        lines.source,
        start.saturating_sub(lines.bom),
        end.saturating_sub(lines.bom),
    );
    // A range at the very end of a file that ends with a newline sits on the virtual line after
    // it; Ruff draws it just after the last line's text and reports the column one further on.
    let at_virtual_line = start >= source.len() && source.ends_with('\n');
    let (start_row, start_col, end_row, end_col, location) = if at_virtual_line {
        let row = lines.len() - 1;
        let text = lines.text(row);
        let location = SourceLocation {
            row: row + 1,
            column: text.chars().count() + 2,
        };
        (row, text.len(), row, text.len(), location)
    } else {
        let (start_row, start_col) = lines.position(start);
        let (mut end_row, mut end_col) = lines.position(end.max(start));
        // A range that ends right after a newline ends with the line's text.
        if end_row > start_row && end_col == 0 {
            end_row -= 1;
            end_col = lines.text(end_row).len();
        }
        let text = lines.text(start_row);
        let column = text[..start_col.min(text.len())].chars().count()
            + 1
            + start_col.saturating_sub(text.len());
        (
            start_row,
            start_col,
            end_row,
            end_col,
            SourceLocation {
                row: start_row + 1,
                column,
            },
        )
    };

    let anchor_row = if at_virtual_line {
        lines.len()
    } else {
        start_row
    };
    let mut first = anchor_row.saturating_sub(CONTEXT);
    let mut last = (end_row + CONTEXT).min(lines.len() - 1);
    while first < start_row && lines.text(first).trim().is_empty() {
        first += 1;
    }
    while last > end_row && lines.text(last).trim().is_empty() {
        last -= 1;
    }

    let mark = if start_row == end_row {
        let text = lines.text(start_row);
        let from = display_width(&text[..start_col.min(text.len())]);
        let to = display_width(&text[..end_col.min(text.len())]);
        // An empty range (or one covering only the newline) still gets one caret.
        Mark::Carets {
            start: from,
            width: to.saturating_sub(from).max(1),
        }
    } else {
        let first_text = lines.text(start_row);
        let last_text = lines.text(end_row);
        let end_display = display_width(&last_text[..end_col.min(last_text.len())]);
        Mark::Span {
            first: start_row,
            last: end_row,
            start: display_width(&first_text[..start_col]),
            end: end_display.saturating_sub(1),
            opens_line: first_text[..start_col].trim().is_empty(),
        }
    };

    let gutter = (last + 1).to_string().len();
    let blank = " ".repeat(gutter + 1);
    let mut out = vec![format!("{blank}|")];
    let mut ends_with_source = true;
    for row in first..=last {
        let text = expand_tabs(lines.text(row));
        let rail = match &mark {
            Mark::Carets { .. } => "",
            Mark::Span {
                first,
                opens_line: true,
                ..
            } if row == *first => "/ ",
            Mark::Span { first, last, .. } if row > *first && row <= *last => "| ",
            Mark::Span { .. } => "  ",
        };
        out.push(
            format!("{:>gutter$} | {rail}{text}", row + 1)
                .trim_end()
                .to_string(),
        );
        ends_with_source = true;
        let marker = match &mark {
            Mark::Carets { start, width } if row == start_row => {
                Some(format!("{}{}", " ".repeat(*start), "^".repeat(*width)))
            }
            Mark::Span {
                first,
                start,
                opens_line: false,
                ..
            } if row == *first => Some(format!(" {}^", "_".repeat(start + 1))),
            Mark::Span { last, end, .. } if row == *last => {
                Some(format!("|{}^", "_".repeat(end + 1)))
            }
            _ => None,
        };
        if let Some(marker) = marker {
            out.push(format!("{blank}| {marker}"));
            ends_with_source = false;
        }
    }
    if ends_with_source {
        out.push(format!("{blank}|"));
    }
    CodeFrame {
        location,
        gutter,
        lines: out,
    }
}

/// Tabs are drawn as four spaces, as Ruff's renderer does.
fn expand_tabs(text: &str) -> String {
    text.replace('\t', "    ")
}

/// Terminal columns of `text` with tabs as four spaces.
fn display_width(text: &str) -> usize {
    text.chars()
        .map(|c| if c == '\t' { 4 } else { c.width().unwrap_or(0) })
        .sum()
}
