//! FAST001–FAST003 must report exactly what Ruff 0.16.4 reports: same diagnostics, ranges,
//! messages and fixes, for every fixture in `resources/test/fixtures/fast/` and for the target
//! versions that change the rules' behaviour (`typing_extensions` before 3.9, deferred
//! annotations from 3.14).
//!
//! Runs the real `ruff` (from `$RUFF`, else `PATH`). Without it the test is skipped with a
//! message, unless `$FASTAPI_LINT_REQUIRE_RUFF` is set (as `scripts/test` does).

use std::path::{Path, PathBuf};
use std::process::Command;

use fastapi_lint_core::{FileContext, LinterSettings, PythonVersion, Rule, lint, to_messages};
use serde_json::Value;

const TARGET_VERSIONS: &[(&str, PythonVersion)] = &[
    ("py38", PythonVersion::PY38),
    ("py310", PythonVersion::PY310),
    ("py314", PythonVersion::PY314),
];

/// One diagnostic reduced to what both tools must agree on, printed one per line so that a
/// mismatch shows as a readable diff.
type Finding = String;

/// Set, a missing `ruff` fails the test instead of skipping it.
const REQUIRE_RUFF: &str = "FASTAPI_LINT_REQUIRE_RUFF";

#[test]
fn fast_rules_match_ruff() {
    let ruff = std::env::var("RUFF").unwrap_or_else(|_| "ruff".to_string());
    let version = Command::new(&ruff).arg("--version").output();
    let version = match version {
        Ok(output) if output.status.success() => {
            String::from_utf8_lossy(&output.stdout).trim().to_string()
        }
        _ if std::env::var_os(REQUIRE_RUFF).is_some() => panic!(
            "`{ruff}` was not found and ${REQUIRE_RUFF} is set: install the reference with `pip install ruff==0.16.4`, or point $RUFF at it"
        ),
        _ => {
            // A plain `cargo test` on a machine without Ruff: say so rather than fail.
            // `scripts/test` sets the variable, so CI cannot skip this silently.
            #[expect(clippy::print_stderr, reason = "the only way to show a skipped test")]
            {
                eprintln!(
                    "skipped: `{ruff}` was not found (`pip install ruff==0.16.4`, or point $RUFF at it); the FAST rules were not compared with Ruff"
                );
            }
            return;
        }
    };
    assert_eq!(
        version, "ruff 0.16.4",
        "the parity reference is Ruff 0.16.4 (`pip install ruff==0.16.4`)"
    );

    let fixtures = fixtures();
    assert!(!fixtures.is_empty(), "no FAST fixtures found");
    let mut failures = Vec::new();
    for fixture in &fixtures {
        let deliberate = deliberate_differences(fixture);
        for (name, version) in TARGET_VERSIONS {
            let expected: Vec<Finding> = ruff_findings(&ruff, fixture, name)
                .into_iter()
                .map(|finding| without_deliberate_fix(finding, &deliberate))
                .collect();
            let actual = our_findings(fixture, *version);
            if expected != actual {
                failures.push(format!(
                    "{} --target-version {name}\n  ruff:\n{}\n  fastapi-lint:\n{}",
                    fixture.display(),
                    indent(&expected),
                    indent(&actual)
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "FAST findings differ from Ruff's:\n\n{}",
        failures.join("\n\n")
    );
}

/// Where a fixture marks a line `# deliberately unlike Ruff: no fix`: the findings there are
/// Ruff's, without Ruff's fix (FAST003 does not offer a fix that repeats a parameter name).
const DELIBERATE_NO_FIX: &str = "# deliberately unlike Ruff: no fix";

/// The rows (1-based) of the fixture marked with [`DELIBERATE_NO_FIX`].
fn deliberate_differences(fixture: &Path) -> Vec<u64> {
    let source = std::fs::read_to_string(fixture).expect("read fixture");
    (1..)
        .zip(source.lines())
        .filter(|(_, line)| line.ends_with(DELIBERATE_NO_FIX))
        .map(|(row, _)| row)
        .collect()
}

/// Ruff's finding as fastapi-lint reports it on a row marked [`DELIBERATE_NO_FIX`].
fn without_deliberate_fix(finding: Finding, rows: &[u64]) -> Finding {
    let row = finding
        .split_whitespace()
        .nth(1)
        .and_then(|position| position.split(':').next())
        .and_then(|row| row.parse::<u64>().ok());
    match (row, finding.split_once(" | fix ")) {
        (Some(row), Some((head, _))) if rows.contains(&row) => format!("{head} | no fix"),
        _ => finding,
    }
}

fn fixtures() -> Vec<PathBuf> {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("resources/test/fixtures/fast");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&directory)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", directory.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "py"))
        .collect();
    files.sort();
    files
}

fn ruff_findings(ruff: &str, fixture: &Path, target_version: &str) -> Vec<Finding> {
    let output = Command::new(ruff)
        .args([
            "check",
            "--no-cache",
            "--isolated",
            "--select",
            "FAST",
            "--output-format",
            "json",
            "--target-version",
            target_version,
        ])
        .arg(fixture)
        .output()
        .expect("run ruff");
    let diagnostics: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "ruff's JSON for {}: {err}\n{}",
            fixture.display(),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let mut findings: Vec<Finding> = diagnostics
        .iter()
        .filter(|diagnostic| {
            diagnostic["code"]
                .as_str()
                .is_some_and(|code| code.starts_with("FAST"))
        })
        .map(|diagnostic| {
            let position = |value: &Value| {
                (
                    value["row"].as_u64().unwrap_or(0),
                    value["column"].as_u64().unwrap_or(0),
                )
            };
            let fix = match &diagnostic["fix"] {
                Value::Null => String::from("no fix"),
                fix => {
                    let edits: Vec<String> = fix["edits"]
                        .as_array()
                        .map(|edits| {
                            edits
                                .iter()
                                .map(|edit| {
                                    render_edit(
                                        position(&edit["location"]),
                                        position(&edit["end_location"]),
                                        edit["content"].as_str().unwrap_or(""),
                                    )
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    format!(
                        "fix {:?} ({}): {}",
                        fix["message"].as_str().unwrap_or(""),
                        fix["applicability"].as_str().unwrap_or(""),
                        edits.join(" ")
                    )
                }
            };
            render(
                diagnostic["code"].as_str().unwrap_or(""),
                position(&diagnostic["location"]),
                position(&diagnostic["end_location"]),
                diagnostic["message"].as_str().unwrap_or(""),
                &fix,
            )
        })
        .collect();
    findings.sort();
    findings
}

fn our_findings(fixture: &Path, target_version: PythonVersion) -> Vec<Finding> {
    let source = std::fs::read_to_string(fixture).expect("read fixture");
    let fast_rules = Rule::ALL
        .iter()
        .copied()
        .filter(|rule| rule.linter() == "FAST");
    let settings = LinterSettings {
        target_version,
        ..LinterSettings::for_rules(fast_rules)
    };
    let diagnostics = lint(&source, &FileContext::of_path(Some(fixture)), &settings).diagnostics;
    let mut findings: Vec<Finding> =
        to_messages(diagnostics, &fixture.display().to_string(), &source)
            .iter()
            .filter(|message| message.code().starts_with("FAST"))
            .map(|message| {
                let at = |location: fastapi_lint_core::SourceLocation| {
                    (location.row as u64, location.column as u64)
                };
                let fix = match &message.fix {
                    None => String::from("no fix"),
                    Some(fix) => {
                        let edits: Vec<String> = fix
                            .edits
                            .iter()
                            .map(|edit| {
                                render_edit(at(edit.location), at(edit.end_location), &edit.content)
                            })
                            .collect();
                        format!(
                            "fix {:?} ({}): {}",
                            message.fix_title.as_deref().unwrap_or(""),
                            fastapi_lint_core::applicability_name(fix.applicability),
                            edits.join(" ")
                        )
                    }
                };
                render(
                    message.code(),
                    at(message.location),
                    at(message.end_location),
                    &message.message,
                    &fix,
                )
            })
            .collect();
    findings.sort();
    findings
}

fn render(code: &str, start: (u64, u64), end: (u64, u64), message: &str, fix: &str) -> Finding {
    format!(
        "{code} {:>4}:{:<3}-{:>4}:{:<3} {message} | {fix}",
        start.0, start.1, end.0, end.1
    )
}

fn render_edit(start: (u64, u64), end: (u64, u64), content: &str) -> String {
    format!("[{}:{}-{}:{} {content:?}]", start.0, start.1, end.0, end.1)
}

fn indent(findings: &[Finding]) -> String {
    if findings.is_empty() {
        return "    (none)".to_string();
    }
    findings
        .iter()
        .map(|finding| format!("    {finding}"))
        .collect::<Vec<_>>()
        .join("\n")
}
