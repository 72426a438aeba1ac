//! `JUnit` XML: one `<testsuite>` per file, one failing `<testcase>` per diagnostic.

use std::io::{self, Write};

use fastapi_lint_core::Message;

use super::{TOOL_NAME, by_file};

pub(super) fn write(messages: &[Message], out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    let package = format!("org.{TOOL_NAME}");
    if messages.is_empty() {
        writeln!(
            out,
            r#"<testsuites name="{TOOL_NAME}" tests="1" failures="0" errors="0">"#
        )?;
        writeln!(
            out,
            r#"    <testsuite name="{TOOL_NAME}" tests="1" disabled="0" errors="0" failures="0" package="{package}">"#
        )?;
        writeln!(
            out,
            r#"        <testcase name="No errors found" classname="{TOOL_NAME}">"#
        )?;
        writeln!(out, "        </testcase>")?;
        writeln!(out, "    </testsuite>")?;
        return writeln!(out, "</testsuites>");
    }
    let total = messages.len();
    writeln!(
        out,
        r#"<testsuites name="{TOOL_NAME}" tests="{total}" failures="{total}" errors="0">"#
    )?;
    for file in by_file(messages) {
        let filename = escape(&file[0].filename);
        let count = file.len();
        writeln!(
            out,
            r#"    <testsuite name="{filename}" tests="{count}" disabled="0" errors="0" failures="{count}" package="{package}">"#
        )?;
        // Ruff names the class after the path without its extension.
        let classname = escape(
            file[0]
                .filename
                .rsplit_once('.')
                .map_or(file[0].filename.as_str(), |(stem, _)| stem),
        );
        for message in file {
            let (row, column) = (message.location.row, message.location.column);
            let text = escape(&message.message);
            writeln!(
                out,
                r#"        <testcase name="{package}.{}" classname="{classname}" line="{row}" column="{column}">"#,
                message.code()
            )?;
            writeln!(out, "            <properties>")?;
            writeln!(
                out,
                r#"                <property name="severity" value="error"/>"#
            )?;
            writeln!(out, "            </properties>")?;
            writeln!(
                out,
                r#"            <failure message="{text}">line {row}, col {column}, {text}</failure>"#
            )?;
            writeln!(out, "        </testcase>")?;
        }
        writeln!(out, "    </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

/// `text` as XML attribute or element content: markup characters escaped, and characters XML
/// 1.0 does not allow in a document left out (a control character in a file name would make
/// the report unreadable). Ruff leaves out the same control characters (every C0 control but
/// the line feed, even the tab and carriage return XML allows, and every C1 control), so the
/// two reports agree; it keeps U+FFFE and U+FFFF, which no XML parser accepts, and this does
/// not.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push(c),
            c if (c.is_control() && c != '\u{7f}') || matches!(c, '\u{fffe}' | '\u{ffff}') => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn characters_xml_forbids_are_left_out_as_ruff_leaves_them_out() {
        assert_eq!(escape("a\u{1}b.py"), "ab.py");
        assert_eq!(escape("\t\r\u{b}\u{c}\u{1b}\u{1f}x"), "x");
        assert_eq!(escape("c1\u{80}\u{85}\u{9f}"), "c1");
        assert_eq!(escape("\u{fffe}\u{ffff}"), "");
        // Allowed, and kept as Ruff keeps them.
        assert_eq!(
            escape("line\nbreak\u{7f}\u{a0}\u{fffd}\u{1fffe}"),
            "line\nbreak\u{7f}\u{a0}\u{fffd}\u{1fffe}"
        );
        assert_eq!(escape(r#"<&'">"#), "&lt;&amp;&apos;&quot;&gt;");
    }
}
