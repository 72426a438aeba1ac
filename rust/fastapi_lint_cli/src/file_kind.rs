//! Which files are read: only regular files, since reading anything else could wait forever (a
//! named pipe without a writer) or never end (`/dev/zero`). Shared by the walk, configuration
//! loading and stdin.

/// Why a path that exists but is not a regular file is not read, or `None` for a regular file
/// (or a directory, which is walked).
pub(crate) fn not_a_regular_file(metadata: &std::fs::Metadata) -> Option<String> {
    let kind = metadata.file_type();
    if kind.is_file() || kind.is_dir() {
        return None;
    }
    Some(format!(
        "Not a regular file but {}: only regular files are read, since reading this could wait or never end",
        describe(kind)
    ))
}

/// What kind of file, other than a regular file or a directory, this is.
pub(crate) fn describe(kind: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    let _ = kind;
    "a special file"
}
