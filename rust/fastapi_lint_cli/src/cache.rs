//! The persistent cache of `check`, laid out like Ruff's: `<cache-dir>/<version>/<shard>-<bucket>`.
//!
//! One shard holds the files governed by one configuration (its project root and settings
//! fingerprint), so a change of settings starts a new shard and switching back finds the old
//! one. A shard is stored as [`BUCKETS`] files by a hash of the path, read in parallel; a run
//! rewrites only the buckets in which something changed. Each file's entry keeps what a lint of
//! it produced: the findings, the fingerprint of the project facts they were computed with, and
//! the module summary the project index needs. A warm run therefore parses only files that
//! changed, plus files whose facts changed.
//!
//! Beside the buckets, a small file records the fingerprint of the last whole-project run over
//! the same shards ([`project_fingerprint`]): when the files, their summaries and the facts their
//! entries were found with are all as that run left them, the project index need not be built
//! again, because its facts are a function of exactly those. An edit that leaves a file's
//! summary as it was (a comment, or one that changes no definition, import or call and moves
//! no blocking or heavy call) therefore costs the lint of that one file: it is linted with the
//! facts it had.
//!
//! A file is fresh when its modification time, size and permissions are those recorded (the
//! shortcut, as in Ruff) or, failing that, when its content hashes to the recorded hash.
//! Buckets are written whole, to a temporary file renamed into place: runs sharing a cache never
//! read a torn bucket, the last one to finish wins, and an unreadable bucket is an empty one.

use std::collections::HashMap;
use std::fs;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use fastapi_lint_core::project::{FileFacts, ModuleSummary};
use fastapi_lint_core::{FileContext, LinterSettings, Message};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::{Xxh3Default, xxh3_64};

use crate::config::Settings;
use crate::write::{self, write_whole};

/// Entries of files no run has seen for this long are dropped when their bucket is written.
const MAX_UNSEEN: Duration = Duration::from_hours(720);
/// The files a shard is split into.
const BUCKETS: u64 = 16;

/// The cache of one run: the buckets it read, and the directory it writes them back to.
pub(crate) struct Cache {
    /// `<cache-dir>/<version>`.
    dir: PathBuf,
    buckets: HashMap<Location, Bucket>,
    /// The file holding the fingerprint of the last whole-project run over these shards.
    project_file: PathBuf,
    project: Option<u64>,
}

/// Where a file's entry is kept: its shard and the bucket of the shard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Location {
    shard: u64,
    bucket: u64,
}

impl Location {
    pub(crate) fn of(shard: u64, path: &str) -> Self {
        Self {
            shard,
            bucket: xxh3_64(path.as_bytes()) % BUCKETS,
        }
    }

    fn file_name(self) -> String {
        format!("{:016x}-{:02}", self.shard, self.bucket)
    }
}

#[derive(Default, Serialize, Deserialize)]
struct Bucket {
    /// Keyed by absolute path.
    files: HashMap<String, FileEntry>,
}

/// What a lint of one file produced, and how to tell whether it still holds.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct FileEntry {
    pub freshness: Freshness,
    pub content_hash: u64,
    /// The [`summary_hash`] of `summary`.
    pub summary_hash: u64,
    /// The file's own settings (per-file ignores, module path) as [`file_key`] hashes them.
    pub key: u64,
    /// Seconds since the epoch of the last run that saw the file.
    last_seen: u64,
    /// The project facts the messages were computed with: a changed file is linted with them,
    /// so that when the index gives it the same facts again (it mostly does) it need not be
    /// linted a second time.
    pub facts: FileFacts,
    pub messages: Vec<Message>,
    pub summary: Option<PackedSummary>,
}

impl FileEntry {
    /// `summary_hash` is [`summary_hash`] of `summary`, which the caller has already taken.
    pub(crate) fn new(
        freshness: Freshness,
        content_hash: u64,
        key: u64,
        facts: FileFacts,
        messages: Vec<Message>,
        summary: Option<PackedSummary>,
        summary_hash: u64,
    ) -> Self {
        Self {
            freshness,
            content_hash,
            summary_hash,
            key,
            last_seen: now(),
            facts,
            messages,
            summary,
        }
    }
}

/// A module summary as an entry keeps it: encoded on its own, so that reading a bucket only
/// copies it. Only the project index reads summaries, and a warm run in which nothing changed
/// builds no index (most of what a bucket holds is summaries).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct PackedSummary(#[serde(with = "serde_bytes")] Vec<u8>);

impl PackedSummary {
    pub(crate) fn pack(summary: &ModuleSummary) -> Self {
        // Encoding into memory fails only for types bincode cannot encode, which a summary
        // has none of.
        Self(bincode::serialize(summary).unwrap_or_default())
    }

    /// The summary, when it decodes to one whose [`summary_hash`] is `expected`.
    pub(crate) fn unpack(&self, expected: u64) -> Option<ModuleSummary> {
        bincode::deserialize(&self.0)
            .ok()
            .filter(|summary| summary_hash(Some(summary)) == expected)
    }
}

/// What `stat` says of a file: when it changed, its size and its permissions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Freshness {
    modified_nanos: u128,
    size: u64,
    permissions: u32,
}

impl Freshness {
    pub(crate) fn of(metadata: &fs::Metadata) -> Self {
        let modified_nanos = metadata
            .modified()
            .ok()
            .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |since| since.as_nanos());
        Self {
            modified_nanos,
            size: metadata.len(),
            permissions: permission_bits(metadata),
        }
    }
}

#[cfg(unix)]
fn permission_bits(metadata: &fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    metadata.permissions().mode()
}

#[cfg(not(unix))]
fn permission_bits(metadata: &fs::Metadata) -> u32 {
    u32::from(metadata.permissions().readonly())
}

/// The hash a file's content is recognised by.
pub(crate) fn content_hash(bytes: &[u8]) -> u64 {
    xxh3_64(bytes)
}

/// The hash a file's summary is recognised by: what the project index reads of the file.
pub(crate) fn summary_hash(summary: Option<&ModuleSummary>) -> u64 {
    let mut hasher = Xxh3Default::new();
    summary.hash(&mut hasher);
    hasher.finish()
}

/// The shape of an entry, bumped when what an entry holds changes within a version (bincode
/// is not self-describing: an entry of another shape could read as garbage instead of failing).
const ENTRY_FORMAT: u32 = 10;

/// The shard of the files one configuration governs: its project root and settings.
pub(crate) fn shard_key(settings: &Settings) -> u64 {
    let mut hasher = Xxh3Default::new();
    ENTRY_FORMAT.hash(&mut hasher);
    settings.project_root.hash(&mut hasher);
    settings.fingerprint.hash(&mut hasher);
    hasher.finish()
}

/// What else one file's findings depend on besides its content and its configuration: the
/// rules left after per-file ignores, and its module path (relative imports resolve with it).
pub(crate) fn file_key(linter: &LinterSettings, context: &FileContext) -> u64 {
    let mut hasher = Xxh3Default::new();
    linter.rules.hash(&mut hasher);
    context.module_path.hash(&mut hasher);
    context.declared_role.hash(&mut hasher);
    context.pydantic.hash(&mut hasher);
    hasher.finish()
}

/// The fingerprint of a whole-project run: every file (by path) with its summary, its settings
/// and the facts its findings were made with. `None` when a file has no cache entry to speak of
/// (it could not be read). The files' hashes are summed, so the order they come in does not
/// matter and need not be sorted (a multiset hash: each file's hash covers its path).
pub(crate) fn project_fingerprint<'a>(
    files: impl IntoIterator<Item = Option<(&'a str, u64, u64, u64)>>,
) -> Option<u64> {
    let (sum, count) = files
        .into_iter()
        .try_fold((0u64, 0u64), |(sum, count), file| {
            let mut hasher = Xxh3Default::new();
            file?.hash(&mut hasher);
            Some((sum.wrapping_add(hasher.finish()), count + 1))
        })?;
    let mut hasher = Xxh3Default::new();
    (sum, count).hash(&mut hasher);
    Some(hasher.finish())
}

/// The fingerprint of the project facts a file is linted with (most files have none).
pub(crate) fn facts_key(facts: &FileFacts) -> u64 {
    if facts.is_empty() {
        return no_facts_key();
    }
    hash_facts(facts)
}

/// The fingerprint of no facts: what a first lint is done with.
pub(crate) fn no_facts_key() -> u64 {
    static NO_FACTS: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *NO_FACTS.get_or_init(|| hash_facts(&FileFacts::default()))
}

fn hash_facts(facts: &FileFacts) -> u64 {
    let mut hasher = Xxh3Default::new();
    facts.hash(&mut hasher);
    hasher.finish()
}

impl Cache {
    /// Opens the cache under `cache_dir` and reads the shards of `shard_keys` (their buckets in
    /// parallel). A bucket that is missing, unreadable or from an older layout reads as empty.
    pub(crate) fn open(cache_dir: &Path, shard_keys: impl IntoIterator<Item = u64>) -> Self {
        let dir = cache_dir.join(fastapi_lint_core::VERSION);
        let mut keys: Vec<u64> = shard_keys.into_iter().collect();
        keys.sort_unstable();
        keys.dedup();
        let locations: Vec<Location> = keys
            .iter()
            .flat_map(|&shard| (0..BUCKETS).map(move |bucket| Location { shard, bucket }))
            .collect();
        let buckets = locations
            .into_par_iter()
            .map(|location| (location, read_bucket(&dir.join(location.file_name()))))
            .collect();
        let mut hasher = Xxh3Default::new();
        keys.hash(&mut hasher);
        let project_file = dir.join(format!("project-{:016x}", hasher.finish()));
        let project = read_entry(&project_file)
            .and_then(|bytes| Some(u64::from_le_bytes(bytes.try_into().ok()?)));
        Self {
            dir,
            buckets,
            project_file,
            project,
        }
    }

    /// The fingerprint the last whole-project run over these shards ended with.
    pub(crate) fn project(&self) -> Option<u64> {
        self.project
    }

    /// Takes the entry of `path` out of its bucket, if it has one; a [`Cache::write`] puts
    /// back what the run found.
    pub(crate) fn take(&mut self, location: Location, path: &str) -> Option<FileEntry> {
        self.buckets.get_mut(&location)?.files.remove(path)
    }

    /// Writes the buckets of `entries` back, with those entries (location, path, entry)
    /// replacing what was there; entries no run has seen for a month are dropped. Then, for a
    /// whole-project run, its final fingerprint, once the entries it describes are written.
    pub(crate) fn write(
        mut self,
        entries: Vec<(Location, String, FileEntry)>,
        project: Option<u64>,
    ) -> Result<(), String> {
        let fingerprint = project.filter(|_| project != self.project);
        if entries.is_empty() && fingerprint.is_none() {
            return Ok(());
        }
        self.create_dirs()?;
        self.write_buckets(entries)?;
        if let Some(fingerprint) = fingerprint {
            write_file(&self.project_file, &fingerprint.to_le_bytes())?;
        }
        Ok(())
    }

    /// The cache directory with its markers, and the directory of this version.
    fn create_dirs(&self) -> Result<(), String> {
        let dir = &self.dir;
        let root = dir.parent().unwrap_or(dir);
        init_cache_dir(root).map_err(|error| {
            format!(
                "Failed to create the cache directory `{}`: {error}",
                root.display()
            )
        })?;
        fs::create_dir_all(dir).map_err(|error| {
            format!(
                "Failed to create the cache directory `{}`: {error}",
                dir.display()
            )
        })
    }

    fn write_buckets(&mut self, entries: Vec<(Location, String, FileEntry)>) -> Result<(), String> {
        if entries.is_empty() {
            return Ok(());
        }
        let mut touched: HashMap<Location, Bucket> = HashMap::new();
        for (location, path, entry) in entries {
            let bucket = touched
                .entry(location)
                .or_insert_with(|| self.buckets.remove(&location).unwrap_or_default());
            bucket.files.insert(path, entry);
        }
        let dir = &self.dir;
        let oldest = now().saturating_sub(MAX_UNSEEN.as_secs());
        touched
            .into_par_iter()
            .map(|(location, mut bucket)| {
                bucket.files.retain(|_, entry| entry.last_seen >= oldest);
                write_bucket(&dir.join(location.file_name()), &bucket)
            })
            .collect::<Result<Vec<()>, String>>()
            .map(drop)
    }
}

/// A cache file's bytes, when it is a regular file: the cache sits inside the project, where
/// a checkout may have planted a named pipe (a read would wait forever) or a link to
/// `/dev/zero` (one that never ends) under a cache file's name.
fn read_entry(path: &Path) -> Option<Vec<u8>> {
    if !fs::metadata(path).ok()?.is_file() {
        return None;
    }
    fs::read(path).ok()
}

fn read_bucket(path: &Path) -> Bucket {
    let Some(bytes) = read_entry(path) else {
        return Bucket::default();
    };
    bincode::deserialize(&bytes).unwrap_or_default()
}

fn write_bucket(path: &Path, bucket: &Bucket) -> Result<(), String> {
    let bytes = bincode::serialize(bucket).map_err(|error| {
        format!(
            "Failed to write the cache file `{}`: {error}",
            path.display()
        )
    })?;
    write_file(path, &bytes)
}

/// Writes a cache file whole, as fixed files are written: a reader sees the old file or the new one.
fn write_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    write_whole(path, bytes).map_err(|error| {
        format!(
            "Failed to write the cache file `{}`: {error}",
            path.display()
        )
    })
}

/// The cache directory's tag (<https://bford.info/cachedir/>), as this tool writes it.
const TAG_NAME: &str = "CACHEDIR.TAG";
const TAG: &str = "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by fastapi-lint.\n";
const GITIGNORE: &str = "# Automatically created by fastapi-lint.\n*\n";

/// Creates the cache directory with Ruff's two markers: `CACHEDIR.TAG`, which backup tools
/// honour, and a `.gitignore` of `*`, so the cache is never committed.
fn init_cache_dir(root: &Path) -> std::io::Result<()> {
    fs::create_dir_all(root)?;
    let tag = root.join(TAG_NAME);
    if !tag.exists() {
        fs::write(tag, TAG)?;
    }
    let gitignore = root.join(".gitignore");
    if !gitignore.exists() {
        fs::write(gitignore, GITIGNORE)?;
    }
    Ok(())
}

/// What [`remove`] did with a directory.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Removal {
    Removed,
    /// Left alone: the directory is not (only) a cache this tool made, for the reason given.
    Kept(String),
}

/// Removes `root` when it is provably a cache this tool made: a real directory holding this
/// tool's `CACHEDIR.TAG`, at most its `.gitignore`, and version directories of cache files,
/// nothing else. Only the files recognized are deleted, and directories are removed only once
/// empty, so a file that appears meanwhile makes the removal fail rather than be lost. A
/// setting can name any directory (`cache-dir = "."`), so nothing else is ever deleted.
pub(crate) fn remove(root: &Path) -> std::io::Result<Removal> {
    let layout = match layout(root)? {
        Ok(layout) => layout,
        Err(reason) => return Ok(Removal::Kept(reason)),
    };
    for file in &layout.files {
        fs::remove_file(file)?;
    }
    for dir in &layout.dirs {
        fs::remove_dir(dir)?;
    }
    fs::remove_dir(root)?;
    Ok(Removal::Removed)
}

/// The files of a cache directory and its version directories (not the directory itself).
struct Layout {
    files: Vec<PathBuf>,
    dirs: Vec<PathBuf>,
}

/// The cache files under `root`, or why `root` is not a cache directory.
fn layout(root: &Path) -> std::io::Result<Result<Layout, String>> {
    if fs::symlink_metadata(root)?.file_type().is_symlink() {
        return Ok(Err("it is a symbolic link".to_string()));
    }
    let tag = root.join(TAG_NAME);
    if !fs::symlink_metadata(&tag).is_ok_and(|metadata| metadata.is_file())
        || fs::read(&tag)? != TAG.as_bytes()
    {
        return Ok(Err(format!(
            "it has no `{TAG_NAME}` written by fastapi-lint"
        )));
    }
    let mut layout = Layout {
        files: Vec::new(),
        dirs: Vec::new(),
    };
    for entry in fs::read_dir(root)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let kind = entry.file_type()?;
        let path = entry.path();
        let known = match name.as_ref() {
            TAG_NAME => true,
            ".gitignore" => kind.is_file() && fs::read(&path)? == GITIGNORE.as_bytes(),
            _ if kind.is_dir() && is_version(&name) => {
                for file in fs::read_dir(&path)? {
                    let file = file?;
                    let file_name = file.file_name();
                    let file_name = file_name.to_string_lossy();
                    if !file.file_type()?.is_file() || !is_cache_file_name(&file_name) {
                        return Ok(Err(format!(
                            "`{}` is not a cache file",
                            Path::new(name.as_ref()).join(file_name.as_ref()).display()
                        )));
                    }
                    layout.files.push(file.path());
                }
                layout.dirs.push(path);
                continue;
            }
            _ => false,
        };
        if !known {
            return Ok(Err(format!("`{name}` is not part of a cache")));
        }
        layout.files.push(path);
    }
    Ok(Ok(layout))
}

/// A version directory's name: `0.1.0`, `1.2.3-rc.1`.
fn is_version(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'))
}

/// The names of the files in a version directory: buckets ([`Location::file_name`]), project
/// fingerprints and the temporary files of writes in progress.
fn is_cache_file_name(name: &str) -> bool {
    let hex16 = |text: &str| text.len() == 16 && text.bytes().all(|byte| byte.is_ascii_hexdigit());
    if let Some(fingerprint) = name.strip_prefix("project-") {
        return hex16(fingerprint);
    }
    if name.starts_with(write::TEMP_PREFIX) && name.ends_with(write::TEMP_SUFFIX) {
        return true;
    }
    name.split_once('-').is_some_and(|(shard, bucket)| {
        hex16(shard) && bucket.len() == 2 && bucket.bytes().all(|byte| byte.is_ascii_digit())
    })
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An entry of `content` whose facts are, when given, that `app` is an app.
    fn entry(content: &str, app: Option<&str>) -> FileEntry {
        let freshness = Freshness {
            modified_nanos: 1,
            size: content.len() as u64,
            permissions: 0o644,
        };
        let facts = FileFacts {
            apps: app.into_iter().map(String::from).collect(),
            ..FileFacts::default()
        };
        let summary = ModuleSummary {
            module: "app".to_string(),
            ..ModuleSummary::default()
        };
        let summary_hash = summary_hash(Some(&summary));
        FileEntry::new(
            freshness,
            content_hash(content.as_bytes()),
            7,
            facts,
            Vec::new(),
            Some(PackedSummary::pack(&summary)),
            summary_hash,
        )
    }

    fn update(shard: u64, path: &str, entry: FileEntry) -> (Location, String, FileEntry) {
        (Location::of(shard, path), path.to_string(), entry)
    }

    #[test]
    fn entries_survive_a_write_and_a_read_with_their_markers() {
        let dir = tempfile::tempdir().unwrap();
        let mut cache = Cache::open(dir.path(), [1]);
        assert!(
            cache
                .take(Location::of(1, "/p/app.py"), "/p/app.py")
                .is_none()
        );
        let written = entry("x = 1\n", Some("api"));
        let facts = written.facts.clone();
        cache
            .write(vec![update(1, "/p/app.py", written)], None)
            .unwrap();
        let mut cache = Cache::open(dir.path(), [1, 2]);
        let read = cache
            .take(Location::of(1, "/p/app.py"), "/p/app.py")
            .expect("the entry was written");
        assert_eq!(
            (&read.facts, read.key, read.content_hash),
            (&facts, 7, content_hash(b"x = 1\n"))
        );
        assert!(
            read.facts.apps.contains("api"),
            "the facts themselves are kept"
        );
        let summary = read
            .summary
            .as_ref()
            .and_then(|summary| summary.unpack(read.summary_hash))
            .expect("the summary reads back");
        assert_eq!(summary.module, "app");
        assert!(
            cache
                .take(Location::of(2, "/p/app.py"), "/p/app.py")
                .is_none(),
            "another shard does not see it"
        );
        assert_eq!(
            fs::read_to_string(dir.path().join(".gitignore"))
                .unwrap()
                .lines()
                .last(),
            Some("*")
        );
        assert!(
            fs::read_to_string(dir.path().join("CACHEDIR.TAG"))
                .unwrap()
                .starts_with("Signature: 8a477f597d28d172789f06886806bc55")
        );
    }

    /// A cache as a run leaves it, with the temporary file of a write in progress.
    fn written_cache(root: &Path) {
        let cache = Cache::open(root, [1]);
        cache
            .write(
                vec![update(1, "/p/app.py", entry("x = 1\n", None))],
                Some(9),
            )
            .unwrap();
        fs::write(
            root.join(fastapi_lint_core::VERSION)
                .join(".fastapi-lint-abc123.tmp"),
            b"",
        )
        .unwrap();
    }

    #[test]
    fn a_cache_as_a_run_leaves_it_is_removed_whole() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("cache");
        written_cache(&root);
        assert_eq!(remove(&root).unwrap(), Removal::Removed);
        assert!(!root.exists());
    }

    #[test]
    fn a_directory_that_is_not_only_a_cache_is_left_whole() {
        // What `cache-dir = "."` makes of a project: the tag and buckets beside its files.
        let dir = tempfile::tempdir().unwrap();
        written_cache(dir.path());
        fs::write(dir.path().join("app.py"), "x = 1\n").unwrap();
        assert_eq!(
            remove(dir.path()).unwrap(),
            Removal::Kept("`app.py` is not part of a cache".to_string())
        );
        assert!(dir.path().join("app.py").is_file());
        assert!(
            dir.path().join(TAG_NAME).is_file(),
            "nothing is removed when anything is foreign"
        );

        let stray = dir.path().join("nested");
        written_cache(&stray);
        fs::write(
            stray.join(fastapi_lint_core::VERSION).join("notes.txt"),
            "mine",
        )
        .unwrap();
        assert!(
            matches!(remove(&stray).unwrap(), Removal::Kept(reason) if reason.contains("notes.txt"))
        );
        assert!(
            stray
                .join(fastapi_lint_core::VERSION)
                .join("notes.txt")
                .is_file()
        );
    }

    #[test]
    fn a_directory_without_this_tools_tag_is_left_whole() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("0.1.0")).unwrap();
        assert!(
            matches!(remove(dir.path()).unwrap(), Removal::Kept(reason) if reason.contains("CACHEDIR.TAG"))
        );
        fs::write(
            dir.path().join(TAG_NAME),
            "Signature: 8a477f597d28d172789f06886806bc55\n# another tool's\n",
        )
        .unwrap();
        assert!(
            matches!(remove(dir.path()).unwrap(), Removal::Kept(_)),
            "another tool's cache"
        );
        assert!(dir.path().join("0.1.0").is_dir());
    }

    #[cfg(unix)]
    #[test]
    fn a_link_to_a_cache_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("cache");
        written_cache(&root);
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&root, &link).unwrap();
        assert!(
            matches!(remove(&link).unwrap(), Removal::Kept(reason) if reason.contains("symbolic link"))
        );
        assert!(root.join(TAG_NAME).is_file());
    }

    #[test]
    fn cache_file_names() {
        for name in [
            "00000000000000ab-07",
            "project-0123456789abcdef",
            ".fastapi-lint-Xy12.tmp",
        ] {
            assert!(is_cache_file_name(name), "{name}");
        }
        for name in [
            "app.py",
            "00000000000000ab-7",
            "0000000000000g0b-07",
            "project-12",
            "00000000000000ab-07.bak",
        ] {
            assert!(!is_cache_file_name(name), "{name}");
        }
        assert_eq!(
            Location {
                shard: 0xab,
                bucket: 7
            }
            .file_name(),
            "00000000000000ab-07",
            "the names buckets are written under"
        );
    }

    #[test]
    fn a_summary_is_read_only_when_it_is_the_one_its_hash_describes() {
        let summary = ModuleSummary {
            module: "app.routes".to_string(),
            ..ModuleSummary::default()
        };
        let packed = PackedSummary::pack(&summary);
        let hash = summary_hash(Some(&summary));
        assert_eq!(
            packed.unpack(hash).map(|summary| summary.module),
            Some("app.routes".to_string())
        );
        assert!(packed.unpack(hash ^ 1).is_none(), "another summary's hash");
        let mut cut = packed;
        cut.0.truncate(cut.0.len() / 2);
        assert!(cut.unpack(hash).is_none(), "bytes that do not decode");
    }

    #[test]
    fn a_write_keeps_the_entries_it_does_not_replace() {
        // Enough files that some share a bucket with `a.py` and some do not.
        let others: Vec<String> = (0..40).map(|n| format!("/p/{n}.py")).collect();
        let dir = tempfile::tempdir().unwrap();
        let all = others
            .iter()
            .map(String::as_str)
            .chain(["/p/a.py"])
            .map(|path| update(1, path, entry(path, None)))
            .collect();
        Cache::open(dir.path(), [1]).write(all, None).unwrap();
        let replacement = entry("a2", Some("api"));
        let facts = replacement.facts.clone();
        Cache::open(dir.path(), [1])
            .write(vec![update(1, "/p/a.py", replacement)], None)
            .unwrap();
        let mut cache = Cache::open(dir.path(), [1]);
        assert_eq!(
            cache
                .take(Location::of(1, "/p/a.py"), "/p/a.py")
                .map(|entry| entry.facts),
            Some(facts)
        );
        for path in &others {
            assert!(
                cache.take(Location::of(1, path), path).is_some(),
                "{path} was kept"
            );
        }
    }

    #[test]
    fn a_corrupt_or_foreign_bucket_reads_as_empty() {
        let dir = tempfile::tempdir().unwrap();
        let versioned = dir.path().join(fastapi_lint_core::VERSION);
        let location = Location::of(1, "/p/a.py");
        fs::create_dir_all(&versioned).unwrap();
        fs::write(
            versioned.join(location.file_name()),
            b"\xff\xff not a bucket",
        )
        .unwrap();
        let mut cache = Cache::open(dir.path(), [1]);
        assert!(cache.take(location, "/p/a.py").is_none());
        cache
            .write(vec![update(1, "/p/a.py", entry("a", None))], None)
            .unwrap();
        assert!(
            Cache::open(dir.path(), [1])
                .take(location, "/p/a.py")
                .is_some(),
            "the corrupt bucket was replaced"
        );
    }

    #[test]
    fn the_project_fingerprint_is_kept_for_the_same_shards_only() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Cache::open(dir.path(), [1, 2]).project(), None);
        let fingerprint = project_fingerprint([Some(("/p/a.py", 1, 2, 3))]);
        Cache::open(dir.path(), [2, 1])
            .write(vec![update(1, "/p/a.py", entry("a", None))], fingerprint)
            .unwrap();
        assert_eq!(Cache::open(dir.path(), [1, 2]).project(), fingerprint);
        assert_eq!(
            Cache::open(dir.path(), [1]).project(),
            None,
            "another set of shards is another project"
        );
        assert_ne!(
            project_fingerprint([Some(("/p/a.py", 1, 2, 4))]),
            fingerprint,
            "other facts, another fingerprint"
        );
        assert_eq!(
            project_fingerprint([Some(("/p/a.py", 1, 2, 3)), None]),
            None,
            "a file without an entry"
        );
        let both = project_fingerprint([Some(("/p/a.py", 1, 2, 3)), Some(("/p/b.py", 1, 2, 3))]);
        assert_eq!(
            project_fingerprint([Some(("/p/b.py", 1, 2, 3)), Some(("/p/a.py", 1, 2, 3))]),
            both,
            "in any order"
        );
        assert_ne!(both, fingerprint, "another file, another fingerprint");
        assert_ne!(
            project_fingerprint([Some(("/p/a.py", 1, 2, 3)), Some(("/p/b.py", 1, 3, 2))]),
            both,
            "the summary and settings of b swapped"
        );
    }

    #[test]
    fn facts_fingerprints_ignore_map_order_and_see_changes() {
        let mut one = FileFacts::default();
        let mut two = FileFacts::default();
        for name in ["a", "b", "c", "d", "e"] {
            one.apps.insert(name.to_string());
        }
        for name in ["e", "d", "c", "b", "a"] {
            two.apps.insert(name.to_string());
        }
        assert_eq!(facts_key(&one), facts_key(&two));
        two.role = Some(fastapi_lint_core::RoleDecision::new(
            fastapi_lint_core::CodeRole::Library,
            "no app module imports it",
        ));
        assert_ne!(facts_key(&one), facts_key(&two));
        assert_ne!(facts_key(&one), facts_key(&FileFacts::default()));
    }

    #[test]
    fn a_run_without_entries_creates_no_cache_but_keeps_its_fingerprint() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("cache");
        Cache::open(&root, [1]).write(Vec::new(), None).unwrap();
        assert!(!root.exists(), "nothing to write, nothing created");
        Cache::open(&root, [1]).write(Vec::new(), Some(7)).unwrap();
        assert_eq!(Cache::open(&root, [1]).project(), Some(7));
        assert!(
            root.join(TAG_NAME).is_file(),
            "the directory is marked when it is created"
        );
    }
}
