//! Byte offsets (the linter's) to and from LSP positions: a zero-based line and a character
//! counted in UTF-16 code units, the protocol's default encoding (the only one every client
//! supports), or in bytes when the client offers UTF-8. Lines end at `\n`, `\r\n` or `\r`, as
//! for the protocol and for Python.

use lsp_types::{Position, PositionEncodingKind, Range};
use ruff_text_size::TextRange;

/// What a position's character counts, agreed on at initialization.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) enum Encoding {
    /// Bytes: the linter's own offsets, nothing to convert.
    Utf8,
    #[default]
    Utf16,
}

impl Encoding {
    /// UTF-8 when the client offers it, else the protocol's default.
    pub(super) fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Self {
        if offered.is_some_and(|offered| offered.contains(&PositionEncodingKind::UTF8)) {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        }
    }

    pub(super) fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }

    fn width(self, character: char) -> usize {
        match self {
            Encoding::Utf8 => character.len_utf8(),
            Encoding::Utf16 => character.len_utf16(),
        }
    }
}

/// Where each line of one text starts.
pub(super) struct LineIndex {
    starts: Vec<usize>,
    encoding: Encoding,
}

impl LineIndex {
    pub(super) fn new(text: &str, encoding: Encoding) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (at, &byte) in bytes.iter().enumerate() {
            match byte {
                b'\n' => starts.push(at + 1),
                b'\r' if bytes.get(at + 1) != Some(&b'\n') => starts.push(at + 1),
                _ => {}
            }
        }
        Self { starts, encoding }
    }

    pub(super) fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// The byte offset where `line` (zero-based) starts; the end of the text past the last line.
    pub(super) fn line_start(&self, line: usize, text: &str) -> usize {
        self.starts.get(line).copied().unwrap_or(text.len())
    }

    /// The bytes of `line` without its line ending.
    pub(super) fn line_range(&self, line: usize, text: &str) -> std::ops::Range<usize> {
        let start = self.line_start(line, text);
        let next = self.line_start(line + 1, text);
        let content = text[start..next].trim_end_matches(['\n', '\r']);
        start..start + content.len()
    }

    /// The position of a byte offset (clamped to the text, and back to a character boundary).
    pub(super) fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&start| start <= offset) - 1;
        let start = self.starts[line];
        let character: usize = text[start..offset]
            .chars()
            .map(|character| self.encoding.width(character))
            .sum();
        Position::new(to_u32(line), to_u32(character))
    }

    /// The byte offset of a position. A character beyond the end of its line means the end of
    /// the line, a line beyond the last the end of the text (as the protocol asks).
    pub(super) fn offset(&self, text: &str, position: Position) -> usize {
        let line = position.line as usize;
        if line >= self.starts.len() {
            return text.len();
        }
        let range = self.line_range(line, text);
        let wanted = position.character as usize;
        let mut units = 0;
        for (at, character) in text[range.clone()].char_indices() {
            if units >= wanted {
                return range.start + at;
            }
            units += self.encoding.width(character);
        }
        range.end
    }

    pub(super) fn range(&self, text: &str, range: TextRange) -> Range {
        Range::new(
            self.position(text, usize::from(range.start())),
            self.position(text, usize::from(range.end())),
        )
    }

    /// The position of a 1-based row and 1-based column counted in characters (the messages'
    /// [`fastapi_lint_core::SourceLocation`]).
    pub(super) fn position_of_row_column(&self, text: &str, row: usize, column: usize) -> Position {
        let line = row.saturating_sub(1);
        let range = self.line_range(line, text);
        let character: usize = text[range]
            .chars()
            .take(column.saturating_sub(1))
            .map(|character| self.encoding.width(character))
            .sum();
        Position::new(to_u32(line), to_u32(character))
    }
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use ruff_text_size::TextSize;

    use super::*;

    #[test]
    fn characters_are_counted_in_utf16_code_units() {
        // `é` is 2 bytes and 1 unit, `𝄞` 4 bytes and 2 units: `time` is at byte 17 of its line,
        // character 13, UTF-16 unit 14.
        let text = "a = 1\nname = \"é𝄞\"; time.sleep(1)\n";
        let index = LineIndex::new(text, Encoding::Utf16);
        let sleep = text.find("time").unwrap();
        let position = index.position(text, sleep);
        assert_eq!(position, Position::new(1, 14));
        assert_eq!(index.offset(text, position), sleep);
        let range = TextRange::new(
            TextSize::try_from(sleep).unwrap(),
            TextSize::try_from(sleep + "time.sleep(1)".len()).unwrap(),
        );
        assert_eq!(
            index.range(text, range),
            Range::new(Position::new(1, 14), Position::new(1, 27))
        );
        assert_eq!(
            index.position_of_row_column(text, 2, "name = \"é𝄞\"; ".chars().count() + 1),
            position
        );
    }

    #[test]
    fn line_endings_and_positions_out_of_range() {
        let text = "a\r\nb\rc\nd";
        let index = LineIndex::new(text, Encoding::Utf16);
        assert_eq!(
            index.position(text, text.find('b').unwrap()),
            Position::new(1, 0)
        );
        assert_eq!(
            index.position(text, text.find('c').unwrap()),
            Position::new(2, 0)
        );
        assert_eq!(index.position(text, text.len()), Position::new(3, 1));
        assert_eq!(index.line_range(0, text), 0..1);
        // Past the end of a line: its end; past the last line: the end of the text.
        assert_eq!(index.offset(text, Position::new(0, 9)), 1);
        assert_eq!(index.offset(text, Position::new(9, 0)), text.len());
        // Inside a surrogate pair: the next character.
        let text = "𝄞x";
        let index = LineIndex::new(text, Encoding::Utf16);
        assert_eq!(index.offset(text, Position::new(0, 1)), 4);
        assert_eq!(index.offset(text, Position::new(0, 2)), 4);
        assert_eq!(index.position(text, 1), Position::new(0, 0));
    }

    #[test]
    fn characters_are_bytes_when_the_client_offers_utf8() {
        let text = "x = \"é𝄞\"; y\n";
        let index = LineIndex::new(text, Encoding::Utf8);
        let y = text.find('y').unwrap();
        // `y` is the 11th character, at byte 14.
        assert_eq!(index.position(text, y), Position::new(0, 14));
        assert_eq!(index.offset(text, Position::new(0, 14)), y);
        assert_eq!(
            index.position_of_row_column(text, 1, 11),
            Position::new(0, 14)
        );
        assert_eq!(
            Encoding::negotiate(Some(&[
                PositionEncodingKind::UTF16,
                PositionEncodingKind::UTF8
            ])),
            Encoding::Utf8
        );
        assert_eq!(
            Encoding::negotiate(Some(&[PositionEncodingKind::UTF32])),
            Encoding::Utf16
        );
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
    }
}
