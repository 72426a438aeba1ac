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

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}
