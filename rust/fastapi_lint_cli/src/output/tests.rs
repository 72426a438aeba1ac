//! Every output format against Ruff 0.16.4's own output for the same diagnostics.
//!
//! `resources/test/ruff/sources` holds small files Ruff was run on (in `/tmp/rf5`, with
//! `--select FAST`); `resources/test/ruff/output` holds what Ruff printed. The diagnostics are
//! rebuilt from Ruff's `json-lines` output, rendered by our formats and compared byte for byte.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use fastapi_lint_core::message::{MessageEdit, MessageFix};
use fastapi_lint_core::{
    Applicability, DiagnosticKind, FixTable, Message, RelatedLocation, Rule, SourceLocation,
};
use ruff_text_size::{TextRange, TextSize};
use serde_json::Value;

use super::*;

/// Where Ruff ran; message filenames are absolute paths below it.
const RUFF_CWD: &str = "/tmp/rf5";

fn resources() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("resources/test/ruff")
}

fn expected(name: &str) -> String {
    let text = std::fs::read_to_string(resources().join("output").join(name)).unwrap();
    known_divergences(&text)
}

/// Where we deliberately differ from Ruff: our tool name.
fn known_divergences(ruff: &str) -> String {
    let text = ruff.replace("title=ruff (", &format!("title={TOOL_NAME} ("));
    text.replace("\"ruff\"", &format!("\"{TOOL_NAME}\""))
        .replace("org.ruff", &format!("org.{TOOL_NAME}"))
}

fn sources() -> Sources {
    std::fs::read_dir(resources().join("sources"))
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = format!("{RUFF_CWD}/{}", path.file_name().unwrap().to_string_lossy());
            (name, Arc::from(std::fs::read_to_string(&path).unwrap()))
        })
        .collect()
}

/// The byte offset of a 1-based row and character column.
fn offset(source: &str, location: SourceLocation) -> TextSize {
    let line_start: usize = source
        .split_inclusive('\n')
        .take(location.row - 1)
        .map(str::len)
        .sum();
    let in_line: usize = source[line_start..]
        .chars()
        .take(location.column - 1)
        .map(char::len_utf8)
        .sum();
    TextSize::try_from(line_start + in_line).unwrap()
}

fn location(value: &Value) -> SourceLocation {
    SourceLocation {
        row: usize::try_from(value["row"].as_u64().unwrap()).unwrap(),
        column: usize::try_from(value["column"].as_u64().unwrap()).unwrap(),
    }
}

/// Ruff's diagnostics as our messages.
fn ruff_messages(sources: &Sources) -> Vec<Message> {
    std::fs::read_to_string(resources().join("output/json-lines.txt"))
        .unwrap()
        .lines()
        .map(|line| {
            let json: Value = serde_json::from_str(line).unwrap();
            let filename = json["filename"].as_str().unwrap().to_string();
            let source = &sources[&filename];
            let range = |start: SourceLocation, end: SourceLocation| {
                TextRange::new(offset(source, start), offset(source, end))
            };
            let code = json["code"].as_str().unwrap();
            let (start, end) = (location(&json["location"]), location(&json["end_location"]));
            let fix = &json["fix"];
            Message {
                kind: Rule::from_code(code)
                    .map_or(DiagnosticKind::InvalidSyntax, DiagnosticKind::Rule),
                message: json["message"].as_str().unwrap().to_string(),
                filename,
                location: start,
                end_location: end,
                range: range(start, end),
                fix_title: fix["message"].as_str().map(ToString::to_string),
                fix: (!fix.is_null()).then(|| MessageFix {
                    applicability: match fix["applicability"].as_str().unwrap() {
                        "safe" => Applicability::Safe,
                        "unsafe" => Applicability::Unsafe,
                        _ => Applicability::DisplayOnly,
                    },
                    edits: fix["edits"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|edit| {
                            let (start, end) =
                                (location(&edit["location"]), location(&edit["end_location"]));
                            MessageEdit {
                                content: edit["content"].as_str().unwrap().to_string(),
                                location: start,
                                end_location: end,
                                range: range(start, end),
                            }
                        })
                        .collect(),
                }),
                noqa_row: json["noqa_row"]
                    .as_u64()
                    .map(|row| usize::try_from(row).unwrap()),
                related: Vec::new(),
            }
        })
        .collect()
}

/// Our rendering of Ruff's diagnostics, with the summary for human formats, as the CLI prints.
fn render(format: OutputFormat, unsafe_fixes: bool) -> String {
    let sources = sources();
    let messages = ruff_messages(&sources);
    let context = Context {
        cwd: Path::new(RUFF_CWD),
        unsafe_fixes,
        sources: &sources,
    };
    let mut out = Vec::new();
    write_messages(format, &messages, &context, &mut out).unwrap();
    if format.is_human() {
        write_summary(&messages, 0, hint_or_enabled(unsafe_fixes), &mut out).unwrap();
    }
    String::from_utf8(out).unwrap()
}

/// `--unsafe-fixes` given, or not given at all.
fn hint_or_enabled(unsafe_fixes: bool) -> UnsafeFixes {
    UnsafeFixes::from_setting(unsafe_fixes.then_some(true))
}

fn assert_same(ours: &str, ruff: &str) {
    if ours != ruff {
        let diff = similar::TextDiff::from_lines(ruff, ours)
            .unified_diff()
            .header("ruff", "fastapi-lint")
            .to_string();
        panic!("output differs from Ruff's:\n{diff}");
    }
}

macro_rules! matches_ruff {
    ($($test:ident: $format:expr, $unsafe_fixes:expr => $file:literal;)+) => {
        $(
            #[test]
            fn $test() {
                assert_same(&render($format, $unsafe_fixes), &expected($file));
            }
        )+
    };
}

matches_ruff! {
    concise_matches_ruff: OutputFormat::Concise, false => "concise.txt";
    concise_with_unsafe_fixes_matches_ruff: OutputFormat::Concise, true => "concise-unsafe.txt";
    full_matches_ruff: OutputFormat::Full, false => "full.txt";
    full_with_unsafe_fixes_matches_ruff: OutputFormat::Full, true => "full-unsafe.txt";
    grouped_matches_ruff: OutputFormat::Grouped, false => "grouped.txt";
    grouped_with_unsafe_fixes_matches_ruff: OutputFormat::Grouped, true => "grouped-unsafe.txt";
    json_matches_ruff: OutputFormat::Json, false => "json.txt";
    json_lines_matches_ruff: OutputFormat::JsonLines, false => "json-lines.txt";
    github_matches_ruff: OutputFormat::Github, false => "github.txt";
    pylint_matches_ruff: OutputFormat::Pylint, false => "pylint.txt";
    azure_matches_ruff: OutputFormat::Azure, false => "azure.txt";
    junit_matches_ruff: OutputFormat::Junit, false => "junit.txt";
}

#[test]
fn gitlab_matches_ruff_but_for_fingerprints() {
    let mask = |text: &str| -> String {
        text.lines()
            .map(|line| {
                if line.trim_start().starts_with("\"fingerprint\"") {
                    "    \"fingerprint\": \"…\","
                } else {
                    line
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_same(
        &mask(&render(OutputFormat::Gitlab, false)),
        &mask(&expected("gitlab.txt")),
    );
}

#[test]
fn gitlab_fingerprints_are_unique() {
    let report: Value = serde_json::from_str(&render(OutputFormat::Gitlab, false)).unwrap();
    let mut fingerprints: Vec<&str> = report
        .as_array()
        .unwrap()
        .iter()
        .map(|issue| issue["fingerprint"].as_str().unwrap())
        .collect();
    let count = fingerprints.len();
    fingerprints.sort_unstable();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), count);
}

/// SARIF and rdjson describe the tool (ours) and the rules (our documentation); the results must
/// match Ruff's.
#[test]
fn sarif_results_match_ruff() {
    let ours: Value = serde_json::from_str(&render(OutputFormat::Sarif, false)).unwrap();
    let ruff: Value = serde_json::from_str(&expected("sarif.txt")).unwrap();
    assert_eq!(ours["runs"][0]["results"], ruff["runs"][0]["results"]);
    assert_eq!(ours["version"], ruff["version"]);
    let ids = |report: &Value| -> Vec<String> {
        report["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|rule| rule["id"].to_string())
            .collect()
    };
    assert_eq!(ids(&ours), ids(&ruff));
}

#[test]
fn rdjson_diagnostics_match_ruff() {
    let ours: Value = serde_json::from_str(&render(OutputFormat::Rdjson, false)).unwrap();
    let ruff: Value = serde_json::from_str(&expected("rdjson.txt")).unwrap();
    assert_eq!(ours["diagnostics"], ruff["diagnostics"]);
    assert_eq!(ours["severity"], ruff["severity"]);
}

#[test]
fn statistics_match_ruff() {
    let sources = sources();
    let messages = ruff_messages(&sources);
    for (format, unsafe_fixes, file) in [
        (OutputFormat::Full, false, "statistics.txt"),
        (OutputFormat::Concise, true, "statistics-unsafe.txt"),
        (OutputFormat::Json, false, "statistics-json.txt"),
    ] {
        let mut out = Vec::new();
        write_statistics(&messages, format, unsafe_fixes, &mut out).unwrap();
        if format != OutputFormat::Json {
            write_summary(&messages, 0, hint_or_enabled(unsafe_fixes), &mut out).unwrap();
        }
        assert_same(&String::from_utf8(out).unwrap(), &expected(file));
    }
}

#[test]
fn statistics_reject_other_formats_and_stay_silent_when_clean() {
    let error = write_statistics(&[], OutputFormat::JsonLines, false, &mut Vec::new()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "Unsupported serialization format for statistics: JsonLines"
    );
    let mut out = Vec::new();
    write_statistics(&[], OutputFormat::Json, false, &mut out).unwrap();
    assert!(out.is_empty());
}

#[test]
fn message_to_json_is_one_element_of_the_json_output() {
    let sources = sources();
    let messages = ruff_messages(&sources);
    let array: Value = serde_json::from_str(&render(OutputFormat::Json, false)).unwrap();
    let elements: Vec<Value> = messages.iter().map(message_to_json).collect();
    assert_eq!(Value::Array(elements), array);
}

#[test]
fn summary_wording() {
    let summary = |messages: &[Message], unsafe_fixes: bool| {
        let mut out = Vec::new();
        write_summary(messages, 0, hint_or_enabled(unsafe_fixes), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    };
    assert_eq!(summary(&[], false), "All checks passed!\n");
    let mut safe = Message::io_error("/x.py", "boom");
    assert_eq!(
        summary(std::slice::from_ref(&safe), false),
        "Found 1 error.\n"
    );
    safe.fix = Some(MessageFix {
        applicability: Applicability::Safe,
        edits: Vec::new(),
    });
    let mut unsafe_one = safe.clone();
    unsafe_one.fix = Some(MessageFix {
        applicability: Applicability::Unsafe,
        edits: Vec::new(),
    });
    assert_eq!(
        summary(&[safe.clone(), unsafe_one.clone()], false),
        "Found 2 errors.\n[*] 1 fixable with the `--fix` option (1 hidden fix can be enabled with the `--unsafe-fixes` option).\n"
    );
    assert_eq!(
        summary(&[safe, unsafe_one.clone()], true),
        "Found 2 errors.\n[*] 2 fixable with the `--fix` option.\n"
    );
    assert_eq!(
        summary(&[unsafe_one.clone(), unsafe_one], false),
        "Found 2 errors.\nNo fixes available (2 hidden fixes can be enabled with the `--unsafe-fixes` option).\n"
    );
}

#[test]
fn fix_summaries_word_what_was_fixed() {
    let mut unsafe_one = Message::io_error("/x.py", "boom");
    unsafe_one.fix = Some(MessageFix {
        applicability: Applicability::Unsafe,
        edits: Vec::new(),
    });
    let render = |write: &dyn Fn(&mut Vec<u8>) -> io::Result<()>| {
        let mut out = Vec::new();
        write(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    };
    let hidden = std::slice::from_ref(&unsafe_one);
    assert_eq!(
        render(&|out| write_summary(&[], 3, UnsafeFixes::Hint, out)),
        "Found 3 errors (3 fixed, 0 remaining).\n"
    );
    assert_eq!(
        render(&|out| write_summary(hidden, 0, UnsafeFixes::Disabled, out)),
        "Found 1 error.\n"
    );
    assert_eq!(
        render(&|out| write_fix_only_summary(&[], 1, UnsafeFixes::Hint, true, out)),
        "Fixed 1 error.\n"
    );
    assert_eq!(
        render(&|out| write_fix_only_summary(&[], 0, UnsafeFixes::Hint, true, out)),
        ""
    );
    assert_eq!(
        render(&|out| write_fix_only_summary(hidden, 2, UnsafeFixes::Hint, false, out)),
        "Would fix 2 errors (1 additional fix available with `--unsafe-fixes`).\n"
    );
    assert_eq!(
        render(&|out| write_fix_only_summary(hidden, 0, UnsafeFixes::Disabled, true, out)),
        "No errors fixed (1 fix available with `--unsafe-fixes`).\n"
    );
    let table = FixTable::from([
        (Rule::FastApiUnusedPathParameter, 1),
        (Rule::FastApiNonAnnotatedDependency, 12),
    ]);
    assert_eq!(
        render(&|out| write_fix_table([("app.py".to_string(), &table)], out)),
        "\nFixed 13 errors:\n- app.py:\n    12 × FAST002 (fast-api-non-annotated-dependency)\n     1 × FAST003 (fast-api-unused-path-parameter)\n\n"
    );
}

#[test]
fn io_errors_render_without_a_frame() {
    let sources = Sources::new();
    let context = Context {
        cwd: Path::new("/p"),
        unsafe_fixes: false,
        sources: &sources,
    };
    let messages = [Message::io_error(
        "/p/a.py",
        "No such file or directory (os error 2)",
    )];
    let mut out = Vec::new();
    write_messages(OutputFormat::Full, &messages, &context, &mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "io-error: No such file or directory (os error 2)\n--> a.py:1:1\n\n"
    );
    let mut out = Vec::new();
    write_messages(OutputFormat::Concise, &messages, &context, &mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "a.py:1:1: io-error: No such file or directory (os error 2)\n"
    );
}

#[test]
fn paths_outside_the_working_directory_stay_absolute() {
    let sources = Sources::new();
    let context = Context {
        cwd: Path::new("/p"),
        unsafe_fixes: false,
        sources: &sources,
    };
    assert_eq!(context.relative_path("/p/sub/a.py"), "sub/a.py");
    assert_eq!(context.relative_path("/elsewhere/a.py"), "/elsewhere/a.py");
    assert_eq!(context.relative_path("-"), "-");
    // A sibling whose name starts like the working directory's is outside it.
    assert_eq!(context.relative_path("/pkg/a.py"), "/pkg/a.py");
    // What the text does not show plainly, `Path` decides.
    assert_eq!(context.relative_path("/p//sub/a.py"), "sub/a.py");
    assert_eq!(context.relative_path("/p/"), "");
}

/// A related location (FAPI106's leaf call in another file) shows as an `info:` line in the full
/// format and as SARIF `relatedLocations`, and stays out of Ruff's JSON.
#[test]
fn related_locations() {
    let sources = Sources::new();
    let context = Context {
        cwd: Path::new("/p"),
        unsafe_fixes: false,
        sources: &sources,
    };
    let mut message = Message::io_error("/p/app/routes.py", "Sync helper `load` blocks");
    message.kind = DiagnosticKind::Rule(Rule::BlockingCallThroughHelper);
    message.related.push(RelatedLocation {
        message: "`app.services.load` calls `requests.get`".to_string(),
        filename: "/p/app/services.py".to_string(),
        location: SourceLocation { row: 7, column: 12 },
        end_location: SourceLocation { row: 7, column: 30 },
    });
    let messages = [message];
    let mut out = Vec::new();
    write_messages(OutputFormat::Full, &messages, &context, &mut out).unwrap();
    let full = String::from_utf8(out).unwrap();
    assert!(
        full.contains("\ninfo: `app.services.load` calls `requests.get` at app/services.py:7:12\n"),
        "{full}"
    );

    let mut out = Vec::new();
    write_messages(OutputFormat::Sarif, &messages, &context, &mut out).unwrap();
    let sarif: Value = serde_json::from_slice(&out).unwrap();
    let related = &sarif["runs"][0]["results"][0]["relatedLocations"][0];
    assert_eq!(
        related["message"]["text"],
        "`app.services.load` calls `requests.get`"
    );
    assert_eq!(
        related["physicalLocation"]["artifactLocation"]["uri"],
        "file:///p/app/services.py"
    );
    assert_eq!(
        related["physicalLocation"]["region"],
        serde_json::json!({"startLine": 7, "startColumn": 12, "endLine": 7, "endColumn": 30})
    );

    let json = message_to_json(&messages[0]);
    assert!(json.get("related").is_none(), "{json}");
}

/// A report does not keep the sources it linted: the full format reads each quoted file from
/// disk, and a range the file no longer holds (it changed since) is shown without a frame.
#[test]
fn full_format_reads_quoted_files_from_disk() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.py");
    std::fs::write(&path, "x = 1\né = 2\n").unwrap();
    let sources = Sources::new();
    let context = Context {
        cwd: dir.path(),
        unsafe_fixes: false,
        sources: &sources,
    };
    let filename = path.to_string_lossy().into_owned();
    let mut message = Message::io_error(&filename, "something");
    message.kind = DiagnosticKind::Rule(Rule::BlockingCallThroughHelper);
    message.range = TextRange::new(TextSize::new(4), TextSize::new(5));
    message.location = SourceLocation { row: 1, column: 5 };
    let mut stale = message.clone();
    // Inside the two bytes of `é`: the file is not the one that was linted.
    stale.range = TextRange::new(TextSize::new(7), TextSize::new(8));
    let mut out = Vec::new();
    write_messages(OutputFormat::Full, &[message, stale], &context, &mut out).unwrap();
    let full = String::from_utf8(out).unwrap();
    assert!(
        full.contains(" --> a.py:1:5\n  |\n1 | x = 1\n  |     ^\n"),
        "{full}"
    );
    assert!(full.contains("\n--> a.py:1:5\n"), "{full}");
}
