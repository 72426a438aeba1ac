//! The `fastapi-lint` binary end to end: exit codes, error reporting, discovery, stdin.
//! (Rule findings are covered by the core's fixtures; syntax errors stand in for them here.)

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const BROKEN: &str = "def f(:\n";

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn run(cwd: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fastapi-lint"))
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.unwrap_or_default().as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn exit_codes_follow_ruff() {
    let clean = project(&[("app.py", "x = 1\n")]);
    let output = run(clean.path(), &["check"], None);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), "All checks passed!\n");

    let broken = project(&[("app.py", BROKEN)]);
    assert_eq!(run(broken.path(), &["check"], None).status.code(), Some(1));
    assert_eq!(
        run(broken.path(), &["check", "--exit-zero"], None)
            .status
            .code(),
        Some(0)
    );

    let output = run(clean.path(), &["check", "--select", "NOPE1"], None);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "fastapi-lint failed\n  Cause: Unknown rule selector `NOPE1` in `select` from the CLI\n"
    );
    assert_eq!(
        run(clean.path(), &["check", "--output-format", "xml"], None)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        run(clean.path(), &["check", "--target-version", "py2"], None)
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn bad_configuration_fails_with_the_file_named() {
    let dir = project(&[
        ("pyproject.toml", "[tool.fastapi-lint.lint]\nselekt = []\n"),
        ("app.py", "x = 1\n"),
    ]);
    let output = run(dir.path(), &["check"], None);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.starts_with("fastapi-lint failed\n  Cause: Failed to parse "),
        "{message}"
    );
    assert!(message.contains("pyproject.toml"), "{message}");
    assert!(message.contains("unknown field `selekt`"), "{message}");
    // `--isolated` does not read it.
    assert_eq!(
        run(dir.path(), &["check", "--isolated"], None)
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn unreadable_files_are_diagnostics_not_crashes() {
    let dir = project(&[]);
    std::fs::write(dir.path().join("latin1.py"), b"x = '\xff'\n").unwrap();
    let output = run(
        dir.path(),
        &[
            "check",
            "--output-format",
            "concise",
            "latin1.py",
            "missing.py",
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output),
        "latin1.py:1:1: io-error: stream did not contain valid UTF-8\n\
         missing.py:1:1: io-error: No such file or directory (os error 2)\n\
         Found 2 errors.\n"
    );
}

#[test]
fn walking_honours_gitignore_and_excludes_but_not_for_explicit_files() {
    let dir = project(&[
        (".git/HEAD", ""),
        (".gitignore", "ignored/\n"),
        ("ignored/a.py", BROKEN),
        (".venv/b.py", BROKEN),
        ("pkg/c.py", "x = 1\n"),
        ("pkg/d.pyi", "x: int\n"),
        ("pkg/notes.txt", ""),
    ]);
    let root = dir.path().canonicalize().unwrap();
    let files = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["check", "--show-files"];
        all.extend_from_slice(args);
        let output = run(&root, &all, None);
        stdout(&output)
            .lines()
            .map(|line| {
                Path::new(line)
                    .strip_prefix(&root)
                    .unwrap()
                    .display()
                    .to_string()
            })
            .collect()
    };
    assert_eq!(files(&[]), ["pkg/c.py", "pkg/d.pyi"]);
    assert_eq!(
        files(&["--no-respect-gitignore"]),
        ["ignored/a.py", "pkg/c.py", "pkg/d.pyi"]
    );
    assert_eq!(
        files(&["ignored/a.py", ".venv/b.py"]),
        [".venv/b.py", "ignored/a.py"]
    );
    assert_eq!(
        files(&["--force-exclude", ".venv/b.py", "pkg/c.py"]),
        ["pkg/c.py"]
    );
    assert_eq!(files(&["--extend-exclude", "d.pyi"]), ["pkg/c.py"]);
}

#[test]
fn stdin_uses_the_given_filename() {
    let dir = project(&[]);
    let output = run(
        dir.path(),
        &[
            "check",
            "--output-format",
            "concise",
            "--stdin-filename",
            "sub/app.py",
        ],
        Some(BROKEN),
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).starts_with("sub/app.py:1:7: invalid-syntax: "),
        "{}",
        stdout(&output)
    );

    let output = run(
        dir.path(),
        &["check", "--output-format", "json-lines", "-"],
        Some(BROKEN),
    );
    assert!(
        stdout(&output).contains(r#""filename":"-""#),
        "{}",
        stdout(&output)
    );
}

#[test]
fn quiet_drops_the_summary_and_silent_everything() {
    let dir = project(&[("app.py", BROKEN)]);
    let quiet = run(
        dir.path(),
        &["check", "-q", "--output-format", "concise"],
        None,
    );
    assert_eq!(stdout(&quiet).lines().count(), 2);
    let silent = run(dir.path(), &["-s", "check"], None);
    assert_eq!(silent.status.code(), Some(1));
    assert!(stdout(&silent).is_empty());
}

#[test]
fn rule_and_version_commands() {
    let dir = project(&[]);
    let output = run(dir.path(), &["rule", "FAST001"], None);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).starts_with(
        "# fast-api-redundant-response-model (FAST001)\n\nDerived from the **FastAPI** linter.\n\n"
    ));
    let json: serde_json::Value = serde_json::from_str(&stdout(&run(
        dir.path(),
        &["rule", "--all", "--output-format", "json"],
        None,
    )))
    .unwrap();
    assert_eq!(
        json.as_array().unwrap().len(),
        fastapi_lint_core::Rule::ALL.len()
    );
    assert_eq!(json[0]["code"], "FAPI101");
    assert_eq!(
        run(dir.path(), &["rule", "FAST999"], None).status.code(),
        Some(2)
    );
    assert_eq!(
        stdout(&run(dir.path(), &["version"], None)),
        "fastapi-lint 0.1.0\n"
    );
    assert_eq!(
        stdout(&run(dir.path(), &["--version"], None)),
        "fastapi-lint 0.1.0\n"
    );
}

#[test]
fn syntax_is_checked_against_the_configured_target_or_the_latest_python() {
    let dir = project(&[("app.py", "type Alias = int\n")]);
    let output = run(dir.path(), &["check", "--output-format", "concise"], None);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let output = run(
        dir.path(),
        &[
            "check",
            "--output-format",
            "concise",
            "--target-version",
            "py311",
        ],
        None,
    );
    assert_eq!(
        stdout(&output),
        "app.py:1:1: invalid-syntax: Cannot use `type` alias statement on Python 3.11 (syntax was added in Python 3.12)\nFound 1 error.\n"
    );
}
