//! Lexing one comment into a `# noqa` directive, with Ruff's grammar and Ruff's tolerance:
//!
//! - `#`, optional whitespace, `noqa` in any case. Nothing after it, another `#`, or whitespace
//!   not followed by `:` makes a blanket directive (`# noqa`, `# noqa because`, `# noqa E501`).
//! - `:` (optionally after whitespace) starts a list of codes `[A-Z]+[0-9]+` separated by commas
//!   and/or whitespace. Lexing stops quietly at the first word that is not a code, so prose may
//!   follow the codes (`# noqa: FAPI101 sleeping on purpose`).
//! - Malformed directives (`#noqaFAPI101`, `# noqa:`, `# noqa: FAST`, `# noqa: FAPI101;`) are
//!   errors: the comment suppresses nothing and the caller reports a warning.
//!
//! File-level exemptions (`# ruff: noqa`, `# flake8: noqa`, `# fastapi-lint: noqa`) use the same
//! grammar after the tool prefix.

use std::fmt;

use ruff_text_size::{TextRange, TextSize};

/// A parsed directive. Ranges are absolute offsets in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Directive<'a> {
    /// From the directive's `#` to the end of `noqa` (blanket) or of the last code.
    pub(crate) range: TextRange,
    pub(crate) codes: DirectiveCodes<'a>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum DirectiveCodes<'a> {
    /// `# noqa`: every code.
    All,
    /// `# noqa: A1, B2`, in written order, duplicates kept (FAPI900 reports them).
    Codes(Vec<Code<'a>>),
}

/// One code as written in a directive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Code<'a> {
    pub(crate) code: &'a str,
    pub(crate) range: TextRange,
}

impl Directive<'_> {
    /// Whether the directive suppresses `code`: blanket, or exact equality with a listed code.
    pub(crate) fn suppresses(&self, code: &str) -> bool {
        match &self.codes {
            DirectiveCodes::All => true,
            DirectiveCodes::Codes(codes) => codes.iter().any(|listed| listed.code == code),
        }
    }
}

/// A directive that Ruff rejects: the comment suppresses nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LexError {
    /// `# noqa:` or `# noqa: FAST`: a colon without any code.
    MissingCodes,
    /// `#noqaFAPI101`, `# noqa; FAPI101`: `noqa` followed by something other than `:`.
    InvalidSuffix,
    /// `# noqa: FAPI101;`, `# noqa: FAPI101Fabc`: a code glued to other characters.
    InvalidCodeSuffix,
}

impl fmt::Display for LexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Ruff's wording, so that users of both tools read the same warning.
        f.write_str(match self {
            LexError::MissingCodes => "expected a comma-separated list of codes (e.g., `# noqa: F401, F841`).",
            LexError::InvalidSuffix => "expected `:` followed by a comma-separated list of codes (e.g., `# noqa: F401, F841`).",
            LexError::InvalidCodeSuffix => "expected code to consist of uppercase letters followed by digits only (e.g. `F401`)",
        })
    }
}

/// A directive that is still honoured but looks like a typo.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LexWarning {
    /// `# noqa: FAPI101,,FAPI102` or `# noqa: FAPI101 , FAPI102`.
    MissingItem,
    /// `# noqa: FAPI101FAPI102`: both codes count.
    MissingDelimiter,
}

impl fmt::Display for LexWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LexWarning::MissingItem => "expected rule code between commas",
            LexWarning::MissingDelimiter => "expected comma or space delimiter between codes",
        })
    }
}

/// A successfully lexed directive and the typos noticed on the way.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Lexed<'a> {
    pub(crate) directive: Directive<'a>,
    pub(crate) warnings: Vec<LexWarning>,
}

/// The tools whose file-level exemption comments (`# <tool>: noqa`) we honour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ExemptionTool {
    FastapiLint,
    Ruff,
    Flake8,
}

impl ExemptionTool {
    /// Written exactly like this (case-sensitive, as Ruff reads `ruff` and `flake8`).
    pub(crate) const fn prefix(self) -> &'static str {
        match self {
            ExemptionTool::FastapiLint => "fastapi-lint",
            ExemptionTool::Ruff => "ruff",
            ExemptionTool::Flake8 => "flake8",
        }
    }

    const ALL: [ExemptionTool; 3] = [
        ExemptionTool::FastapiLint,
        ExemptionTool::Ruff,
        ExemptionTool::Flake8,
    ];
}

/// Lexes an end-of-line directive (`# noqa`, `# noqa: FAPI101`) from one comment token. The
/// directive may follow other text in the same comment (`# type: ignore # noqa: FAPI101`); the
/// first `#` that is followed by `noqa` decides.
pub(crate) fn lex_line_directive(
    comment: &str,
    comment_start: TextSize,
) -> Option<Result<Lexed<'_>, LexError>> {
    let mut cursor = Cursor::new(comment, comment_start);
    while let Some(hash) = cursor.find_hash() {
        cursor.skip_whitespace();
        if cursor.eat_noqa() {
            return Some(cursor.lex_directive(hash));
        }
    }
    None
}

/// Lexes a file-level exemption (`# ruff: noqa`, `# fastapi-lint: noqa: FAPI101`) from one
/// comment token, returning the tool it names.
pub(crate) fn lex_file_exemption(
    comment: &str,
    comment_start: TextSize,
) -> Option<(ExemptionTool, Result<Lexed<'_>, LexError>)> {
    let mut cursor = Cursor::new(comment, comment_start);
    while let Some(hash) = cursor.find_hash() {
        cursor.skip_whitespace();
        let Some(tool) = ExemptionTool::ALL
            .into_iter()
            .find(|tool| cursor.eat_str(tool.prefix()))
        else {
            continue;
        };
        cursor.skip_whitespace();
        if !cursor.eat_char(':') {
            continue;
        }
        cursor.skip_whitespace();
        if cursor.eat_noqa() {
            return Some((tool, cursor.lex_directive(hash)));
        }
    }
    None
}

/// A position in one comment's text; `base` turns it into a file offset.
struct Cursor<'a> {
    text: &'a str,
    base: TextSize,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str, base: TextSize) -> Self {
        Self { text, base, pos: 0 }
    }

    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn eat_char(&mut self, expected: char) -> bool {
        self.eat_if(|c| c == expected)
    }

    fn eat_if(&mut self, predicate: impl Fn(char) -> bool) -> bool {
        if self.peek().is_some_and(predicate) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn eat_while(&mut self, predicate: impl Fn(char) -> bool) {
        while self.eat_if(&predicate) {}
    }

    fn eat_str(&mut self, expected: &str) -> bool {
        let found = self.rest().starts_with(expected);
        if found {
            self.pos += expected.len();
        }
        found
    }

    /// `noqa` in any case (Ruff compares the four bytes case-insensitively).
    fn eat_noqa(&mut self) -> bool {
        let found = self
            .rest()
            .get(..4)
            .is_some_and(|word| word.eq_ignore_ascii_case("noqa"));
        if found {
            self.pos += 4;
        }
        found
    }

    fn skip_whitespace(&mut self) {
        self.eat_while(char::is_whitespace);
    }

    fn skip_to_end(&mut self) {
        self.pos = self.text.len();
    }

    /// Moves past the next `#` and returns its file offset.
    fn find_hash(&mut self) -> Option<TextSize> {
        let hash = self.pos + self.rest().find('#')?;
        self.pos = hash + 1;
        Some(self.offset(hash))
    }

    fn offset(&self, pos: usize) -> TextSize {
        self.base + TextSize::try_from(pos).expect("comments are shorter than 4 GiB")
    }

    /// After `noqa`: decides between blanket and codes. `start` is the directive's `#`.
    fn lex_directive(mut self, start: TextSize) -> Result<Lexed<'a>, LexError> {
        let blanket = Lexed {
            directive: Directive {
                range: TextRange::new(start, self.offset(self.pos)),
                codes: DirectiveCodes::All,
            },
            warnings: Vec::new(),
        };
        let has_codes = match self.bump() {
            None | Some('#') => false,
            Some(':') => true,
            Some(c) if c.is_whitespace() => {
                self.skip_whitespace();
                self.bump() == Some(':')
            }
            Some(_) => return Err(LexError::InvalidSuffix),
        };
        if !has_codes {
            return Ok(blanket);
        }
        let mut codes = CodeList::default();
        while self.peek().is_some() {
            self.lex_code(&mut codes)?;
        }
        let last = codes.codes.last().ok_or(LexError::MissingCodes)?;
        Ok(Lexed {
            directive: Directive {
                range: TextRange::new(start, last.range.end()),
                codes: DirectiveCodes::Codes(codes.codes),
            },
            warnings: codes.warnings,
        })
    }

    /// Lexes one item of the code list; every call consumes at least one character.
    fn lex_code(&mut self, list: &mut CodeList<'a>) -> Result<(), LexError> {
        self.skip_whitespace();
        if self.eat_char(',') {
            // Ruff counts whitespace as a delimiter, so `A1 , B2` has an empty item too.
            list.warnings.push(LexWarning::MissingItem);
            return Ok(());
        }
        let start = self.pos;
        match self.bump() {
            Some(c) if c.is_ascii_uppercase() => {
                self.eat_while(|c| c.is_ascii_uppercase());
                if !self.eat_if(|c| c.is_ascii_digit()) {
                    if list.missing_delimiter {
                        // `FAPI101Fabc`: the glued part is not a code either.
                        return Err(LexError::InvalidCodeSuffix);
                    }
                    // The first word that is not a code starts the prose.
                    self.skip_to_end();
                    return Ok(());
                }
                self.eat_while(|c| c.is_ascii_digit());
                list.codes.push(Code {
                    code: &self.text[start..self.pos],
                    range: TextRange::new(self.offset(start), self.offset(self.pos)),
                });
                list.missing_delimiter = match self.peek() {
                    None | Some('#') => false,
                    Some(',') => {
                        self.bump();
                        false
                    }
                    Some(c) if c.is_whitespace() => false,
                    Some(c) if c.is_ascii_uppercase() => {
                        list.warnings.push(LexWarning::MissingDelimiter);
                        true
                    }
                    Some(_) => return Err(LexError::InvalidCodeSuffix),
                };
            }
            // Prose (or a nested `#`) after the codes.
            Some(_) => self.skip_to_end(),
            None => {}
        }
        Ok(())
    }
}

#[derive(Default)]
struct CodeList<'a> {
    codes: Vec<Code<'a>>,
    warnings: Vec<LexWarning>,
    /// The previous code was glued to this one (`FAPI101FAPI102`).
    missing_delimiter: bool,
}
