//! `check --fix`, `--diff` and `--add-noqa` end to end, on FAST002 (an unsafe fix that also adds
//! an import) and FAPI900 (a safe one). Expected texts are Ruff 0.16.4's for the same input.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const APP: &str = r#"from fastapi import Depends, FastAPI

app = FastAPI()


@app.get("/users")
async def users(db: int = Depends(dict)):
    return db
"#;

fn fixed_app() -> String {
    APP.replace(
        "from fastapi import Depends, FastAPI\n",
        "from fastapi import Depends, FastAPI\nfrom typing import Annotated\n",
    )
    .replace(
        "db: int = Depends(dict)",
        "db: Annotated[int, Depends(dict)]",
    )
}

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        std::fs::write(dir.path().join(path), text).unwrap();
    }
    dir
}

fn run(cwd: &Path, args: &[&str], stdin: &str) -> Output {
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
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

#[test]
fn fix_settings_from_the_configuration_file() {
    let dir = project(&[
        ("app.py", APP),
        (
            "fastapi-lint.toml",
            "fix = true\nunsafe-fixes = true\n[lint]\nselect = [\"FAST\"]\n",
        ),
    ]);
    let output = run(dir.path(), &["check", "--show-fixes"], "");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        text(&output.stdout),
        "\nFixed 1 error:\n- app.py:\n    1 × FAST002 (fast-api-non-annotated-dependency)\n\nFound 1 error (1 fixed, 0 remaining).\n"
    );
    assert_eq!(read(dir.path(), "app.py"), fixed_app());
    // Nothing is left to fix, and the file is not rewritten.
    let output = run(dir.path(), &["check", "--exit-non-zero-on-fix"], "");
    assert_eq!(
        (output.status.code(), text(&output.stdout)),
        (Some(0), "All checks passed!\n".to_string())
    );
}

#[test]
fn unfixable_rules_are_reported_but_left_alone() {
    let config =
        "fix = true\nunsafe-fixes = true\n[lint]\nselect = [\"FAST\"]\nunfixable = [\"FAST002\"]\n";
    let dir = project(&[("app.py", APP), ("fastapi-lint.toml", config)]);
    let output = run(dir.path(), &["check", "--output-format", "concise"], "");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        text(&output.stdout),
        "app.py:7:17: FAST002 FastAPI dependency without `Annotated`\nFound 1 error.\n"
    );
    assert_eq!(read(dir.path(), "app.py"), APP);
    let output = run(
        dir.path(),
        &[
            "check",
            "--extend-fixable",
            "FAST002",
            "--output-format",
            "concise",
        ],
        "",
    );
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(read(dir.path(), "app.py"), fixed_app());
}

#[test]
fn diff_shows_and_writes_nothing() {
    let dir = project(&[("app.py", APP)]);
    let output = run(
        dir.path(),
        &[
            "check",
            "--isolated",
            "--select",
            "FAST",
            "--diff",
            "--unsafe-fixes",
            "app.py",
        ],
        "",
    );
    assert_eq!(output.status.code(), Some(1));
    let expected = "--- app.py\n+++ app.py\n@@ -1,8 +1,9 @@\n from fastapi import Depends, FastAPI\n+from typing import Annotated\n \n app = FastAPI()\n \n \n @app.get(\"/users\")\n-async def users(db: int = Depends(dict)):\n+async def users(db: Annotated[int, Depends(dict)]):\n     return db\n\nWould fix 1 error.\n";
    assert_eq!(text(&output.stdout), expected);
    assert_eq!(read(dir.path(), "app.py"), APP);
}

#[test]
fn fixing_stdin_prints_the_source_and_reports_on_stderr() {
    let dir = project(&[]);
    let output = run(
        dir.path(),
        &[
            "check",
            "--isolated",
            "--select",
            "FAST",
            "--fix",
            "--unsafe-fixes",
            "-",
        ],
        APP,
    );
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(text(&output.stdout), fixed_app());
    assert_eq!(
        text(&output.stderr),
        "Found 1 error (1 fixed, 0 remaining).\n"
    );
}

#[test]
fn add_noqa_suppresses_every_finding() {
    let dir = project(&[("app.py", APP)]);
    let output = run(
        dir.path(),
        &["check", "--isolated", "--select", "FAST", "--add-noqa"],
        "",
    );
    assert_eq!(
        (output.status.code(), text(&output.stderr)),
        (Some(0), "Added 1 noqa directive.\n".to_string())
    );
    assert_eq!(
        read(dir.path(), "app.py"),
        APP.replace("Depends(dict)):", "Depends(dict)):  # noqa: FAST002")
    );
    let output = run(
        dir.path(),
        &["check", "--isolated", "--select", "FAST,FAPI900"],
        "",
    );
    assert_eq!(output.status.code(), Some(0));
}

#[cfg(unix)]
#[test]
fn a_failed_write_leaves_the_file_intact() {
    use std::os::unix::fs::PermissionsExt;
    let dir = project(&[]);
    let sub = dir.path().join("locked");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(sub.join("app.py"), APP).unwrap();
    std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Permissions do not bind root: nothing to test then.
    let writable = std::fs::write(sub.join("probe"), "").is_ok();
    if !writable {
        let output = run(
            dir.path(),
            &[
                "check",
                "--isolated",
                "--select",
                "FAST",
                "--fix",
                "--unsafe-fixes",
                "--output-format",
                "concise",
            ],
            "",
        );
        assert_eq!(output.status.code(), Some(1));
        let stdout = text(&output.stdout);
        assert!(
            stdout.contains("app.py:7:17: FAST002 [*] FastAPI dependency without `Annotated`"),
            "{stdout}"
        );
        assert!(
            stdout.contains("io-error: Failed to write the fixed source: "),
            "{stdout}"
        );
        assert!(
            stdout.ends_with("Found 2 errors.\n[*] 1 fixable with the `--fix` option.\n"),
            "{stdout}"
        );
        assert_eq!(read(&sub, "app.py"), APP);
    }
    std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o755)).unwrap();
}
