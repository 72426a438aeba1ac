//! The `fastapi-lint` binary at the edges of input and output: read-only files under `--fix`, a
//! reader that goes away, files that are not regular files, runs without Python files. Every
//! run that could hang has a deadline, so a regression fails instead of stalling the tests.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_mins(1);

/// FAST002 with an (unsafe) fix.
const NON_ANNOTATED: &str = "from fastapi import Depends, FastAPI\n\napp = FastAPI()\n\n\n@app.get(\"/users\")\nasync def users(db: int = Depends(dict)):\n    return db\n";

fn command(cwd: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_fastapi-lint"));
    command
        .args(args)
        .current_dir(cwd)
        .env("FASTAPI_LINT_CACHE_DIR", cwd.join(".test-cache"));
    command
}

/// Waits for `child` until the deadline, then kills it and fails.
fn wait(mut child: Child) -> ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("fastapi-lint did not finish within {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Runs to the end with `stdin`, under the deadline: exit code, stdout, stderr.
fn run(cwd: &Path, args: &[&str], stdin: Stdio) -> (Option<i32>, String, String) {
    let mut child = command(cwd, args)
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read on threads: a full pipe must not stop the child before the deadline is checked.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let stdout = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = out.read_to_string(&mut text);
        text
    });
    let stderr = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = err.read_to_string(&mut text);
        text
    });
    let status = wait(child);
    (
        status.code(),
        stdout.join().unwrap(),
        stderr.join().unwrap(),
    )
}

#[test]
fn fix_refuses_a_read_only_file_even_to_root() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.py");
    std::fs::write(&path, NON_ANNOTATED).unwrap();
    let mut permissions = std::fs::metadata(&path).unwrap().permissions();
    permissions.set_readonly(true);
    std::fs::set_permissions(&path, permissions).unwrap();
    let args = [
        "check",
        "--isolated",
        "--select",
        "FAST",
        "--fix",
        "--unsafe-fixes",
        "--output-format",
        "concise",
        "app.py",
    ];
    let (code, stdout, stderr) = run(dir.path(), &args, Stdio::null());
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stdout
            .contains("app.py:1:1: io-error: Failed to write the fixed source: Permission denied"),
        "{stdout}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), NON_ANNOTATED);
    assert!(std::fs::metadata(&path).unwrap().permissions().readonly());
}

#[test]
fn a_reader_that_goes_away_ends_the_run_quietly() {
    let dir = tempfile::tempdir().unwrap();
    // `rule --all` writes far more than a pipe holds: the write meets the closed pipe.
    let mut child = command(dir.path(), &["rule", "--all"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert!(line.starts_with("# "), "{line}");
    drop(stdout);
    let mut stderr = child.stderr.take().unwrap();
    let status = wait(child);
    let mut errors = String::new();
    stderr.read_to_string(&mut errors).unwrap();
    assert_eq!((status.code(), errors.as_str()), (Some(0), ""));
}

#[test]
fn a_directory_without_python_files_only_says_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("empty_dir")).unwrap();
    let (code, stdout, stderr) = run(dir.path(), &["check", "empty_dir"], Stdio::null());
    assert_eq!(code, Some(0));
    assert_eq!(stdout, "All checks passed!\n");
    assert_eq!(
        stderr,
        "warning: No Python files found under the given path(s)\n"
    );
    assert!(!dir.path().join(".test-cache").exists());
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success());
}

#[cfg(unix)]
#[test]
fn named_pipes_and_devices_are_refused_before_they_are_read() {
    let dir = tempfile::tempdir().unwrap();
    mkfifo(&dir.path().join("pipe.py"));
    let args = [
        "check",
        "--output-format",
        "concise",
        "pipe.py",
        "/dev/zero",
    ];
    let (code, stdout, stderr) = run(dir.path(), &args, Stdio::null());
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(
        stdout,
        "/dev/zero:1:1: io-error: Not a regular file but a character device: only regular files are read, since reading this could wait or never end\n\
         pipe.py:1:1: io-error: Not a regular file but a named pipe (FIFO): only regular files are read, since reading this could wait or never end\n\
         Found 2 errors.\n"
    );
}

#[cfg(unix)]
#[test]
fn a_device_as_stdin_is_refused_and_dev_null_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let zero = std::fs::File::open("/dev/zero").unwrap();
    let (code, _, stderr) = run(dir.path(), &["check", "-"], Stdio::from(zero));
    assert_eq!(code, Some(2));
    assert!(
        stderr.starts_with("fastapi-lint failed\n  Cause: Failed to read from stdin\n  Cause: stdin is a character device"),
        "{stderr}"
    );
    let (code, stdout, stderr) = run(dir.path(), &["check", "-"], Stdio::null());
    assert_eq!(
        (code, stdout.as_str()),
        (Some(0), "All checks passed!\n"),
        "{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn a_named_pipe_as_an_extend_target_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    mkfifo(&dir.path().join("base.toml"));
    std::fs::write(
        dir.path().join("fastapi-lint.toml"),
        "extend = \"base.toml\"\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("app.py"), "x = 1\n").unwrap();
    let (code, _, stderr) = run(dir.path(), &["check", "."], Stdio::null());
    assert_eq!(code, Some(2));
    let base = dir.path().join("base.toml");
    assert!(
        stderr.contains(&format!(
            "  Cause: Failed to read {}\n  Cause: Not a regular file but a named pipe (FIFO)",
            base.display()
        )),
        "{stderr}"
    );
}
