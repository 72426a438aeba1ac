//! Shell-style patterns over names, as users write them in options (`send_*email*`,
//! `*api_key*`): `*` matches any run of characters, `?` one character, ASCII letters match
//! regardless of case. Matching allocates nothing: it runs for many names of every file.

/// Whether `name` matches `pattern`.
pub(crate) fn matches(pattern: &str, name: &str) -> bool {
    let (pattern, text) = (pattern.as_bytes(), name.as_bytes());
    // Greedy with backtracking to the last `*`: linear for the patterns people write.
    let (mut p, mut t) = (0, 0);
    let mut last_star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                last_star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == b'?' || c.eq_ignore_ascii_case(&text[t]) => {
                p += 1;
                t += 1;
            }
            _ => match last_star {
                Some((star, matched)) => {
                    p = star + 1;
                    t = matched + 1;
                    last_star = Some((star, matched + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|c| *c == b'*')
}

/// The bytes a text holds, ASCII letters case-folded: a set to test cheaply, for many patterns,
/// whether a text can match at all before matching it (or building the texts to match).
#[derive(Clone, Copy, Debug)]
pub(crate) struct ByteSet(u128);

impl ByteSet {
    pub(crate) fn of(text: &str) -> Self {
        Self(text.bytes().fold(0, |set, byte| set | bit(byte)))
    }

    pub(crate) fn with(self, byte: u8) -> Self {
        Self(self.0 | bit(byte))
    }

    /// False when [`matches`] is false for `pattern` and every text whose bytes are in this set:
    /// some byte the pattern spells out literally is missing.
    pub(crate) fn may_match(self, pattern: &str) -> bool {
        pattern
            .bytes()
            .filter(|byte| !matches!(byte, b'*' | b'?'))
            .all(|byte| self.0 & bit(byte) != 0)
    }
}

/// A byte's place in a [`ByteSet`]: bytes equal regardless of ASCII case share one. Non-ASCII
/// bytes share places with ASCII ones, which only makes `may_match` say yes more often.
fn bit(byte: u8) -> u128 {
    1 << (byte.to_ascii_lowercase() & 0x7f)
}

#[cfg(test)]
mod tests {
    use super::{ByteSet, matches};

    #[test]
    fn stars_question_marks_and_case() {
        assert!(matches("send_*email*", "send_email"));
        assert!(matches("send_*email*", "send_welcome_email_async"));
        assert!(!matches("send_*email*", "resend_email"));
        assert!(matches("*notify*", "notify"));
        assert!(matches("send_mail", "send_mail"));
        assert!(!matches("send_mail", "send_mails"));
        assert!(matches("track*", "track"));
        assert!(!matches("a*a", "a"));
        assert!(matches("a*b*c", "axxbyyc"));
        assert!(!matches("a*b*c", "axxcyyb"));
        assert!(matches("*API_KEY*", "stripe_api_key"));
        assert!(matches("*secret*", "CLIENT_SECRET"));
        assert!(matches("*_settings.py", "app_settings.py"));
        assert!(!matches("*secret", "secret_key"));
        assert!(!matches("private_key", "private_key_path"));
        assert!(matches("v?", "v1"));
        assert!(!matches("v?", "v"));
        assert!(matches("*", ""));
    }

    #[test]
    fn byte_sets_never_rule_out_a_match() {
        let cases = [
            ("*API_KEY*", "stripe_api_key"),
            ("*secret*", "CLIENT_SECRET"),
            ("v?", "v1"),
            ("*", ""),
            ("*é*", "café"),
        ];
        for (pattern, text) in cases {
            assert!(
                matches(pattern, text) && ByteSet::of(text).may_match(pattern),
                "{pattern} {text}"
            );
        }
        assert!(!ByteSet::of("username").may_match("*secret*"));
        assert!(!ByteSet::of("apikey").may_match("*api_key*"));
        assert!(ByteSet::of("apikey").with(b'_').may_match("*api_key*"));
    }
}
