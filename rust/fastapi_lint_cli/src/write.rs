//! Writing fixed files so that a failure at any point leaves the original intact: the new
//! contents go to a temporary file in the same directory, which then replaces the original in
//! one rename.
//!
//! A rename asks only the directory for permission, so it would replace a file its owner made
//! read-only; a file is therefore replaced only when it could be written in place, as Ruff
//! writes it.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// The prefix and suffix of the temporary file a write leaves while it runs (the cache's
/// cleaner recognizes them).
pub(crate) const TEMP_PREFIX: &str = ".fastapi-lint-";
pub(crate) const TEMP_SUFFIX: &str = ".tmp";

/// Replaces the contents of `path`, keeping its permissions; fails if it does not exist, or
/// if it may not be written (see [`ensure_writable`]), leaving it as it was.
pub(crate) fn write_atomically(path: &Path, contents: &[u8]) -> io::Result<()> {
    let metadata = fs::metadata(path)?;
    ensure_writable(path, &metadata)?;
    persist(path, contents, Some(metadata.permissions()), Sync::ToDisk)
}

/// Fails with "Permission denied" unless `path` may be written in place: its permissions let
/// someone write it (a file without any write permission is refused even to a user whom the
/// system would let write it, such as root: it was made read-only on purpose), and the system
/// lets this process open it for writing (owner, group, ACLs, read-only mounts), as Ruff's
/// in-place write needs. The check neither truncates nor creates the file.
fn ensure_writable(path: &Path, metadata: &fs::Metadata) -> io::Result<()> {
    if metadata.permissions().readonly() {
        return Err(permission_denied());
    }
    fs::OpenOptions::new().write(true).open(path).map(drop)
}

/// The system's own "Permission denied" error, worded as Ruff reports it.
fn permission_denied() -> io::Error {
    if cfg!(unix) {
        io::Error::from_raw_os_error(13) // EACCES
    } else if cfg!(windows) {
        io::Error::from_raw_os_error(5) // ERROR_ACCESS_DENIED
    } else {
        io::Error::from(io::ErrorKind::PermissionDenied)
    }
}

/// Writes `path` whole, creating or replacing it, without waiting for the disk: the cache's
/// files, which a crash may lose but never tear.
pub(crate) fn write_whole(path: &Path, contents: &[u8]) -> io::Result<()> {
    persist(path, contents, None, Sync::No)
}

/// Whether a write waits until its contents are on disk before it replaces the target.
#[derive(Clone, Copy, PartialEq)]
enum Sync {
    ToDisk,
    No,
}

fn persist(
    path: &Path,
    contents: &[u8],
    permissions: Option<fs::Permissions>,
    sync: Sync,
) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)?;
    temp.write_all(contents)?;
    if sync == Sync::ToDisk {
        temp.as_file().sync_all()?;
    }
    if let Some(permissions) = permissions {
        temp.as_file().set_permissions(permissions)?;
    }
    temp.persist(path).map_err(|error| error.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_contents_and_keeps_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.py");
        fs::write(&path, "old\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o754)).unwrap();
        }
        write_atomically(&path, b"new\n").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o754
            );
        }
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file is left behind"
        );
    }

    #[test]
    fn whole_writes_create_a_missing_file_and_replacements_do_not() {
        let dir = tempfile::tempdir().unwrap();
        assert!(write_atomically(&dir.path().join("new"), b"contents").is_err());
        write_whole(&dir.path().join("new"), b"contents").unwrap();
        assert_eq!(fs::read(dir.path().join("new")).unwrap(), b"contents");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file is left behind"
        );
    }

    #[test]
    fn a_read_only_file_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.py");
        fs::write(&path, "old\n").unwrap();
        let mut permissions = fs::metadata(&path).unwrap().permissions();
        permissions.set_readonly(true);
        fs::set_permissions(&path, permissions).unwrap();
        // Refused even to root, whom the system would let write it.
        let error = write_atomically(&path, b"new\n").unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::PermissionDenied);
        #[cfg(unix)]
        assert_eq!(error.to_string(), "Permission denied (os error 13)");
        assert_eq!(fs::read_to_string(&path).unwrap(), "old\n");
        assert!(fs::metadata(&path).unwrap().permissions().readonly());
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file is left behind"
        );
    }

    #[test]
    fn a_failed_replacement_leaves_the_target_and_no_temporary_file() {
        // A directory cannot be replaced by a file, not even by root.
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("app.py");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("inside"), "kept").unwrap();
        assert!(write_atomically(&target, b"new\n").is_err());
        assert_eq!(fs::read_to_string(target.join("inside")).unwrap(), "kept");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
