//! Globs matched the way Ruff matches `exclude` and `per-file-ignores`: against a path's
//! basename, or against the absolute path once the glob is anchored at the project root.

use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result};
use globset::{Glob, GlobSet, GlobSetBuilder};

/// One glob in its two spellings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilePattern {
    /// As written: matched against basenames (and against paths, for absolute globs).
    written: String,
    /// Anchored at the project root: matched against absolute paths.
    anchored: String,
}

impl FilePattern {
    pub fn new(pattern: &str, project_root: &Path) -> Self {
        let anchored = normalize(&project_root.join(pattern));
        Self {
            written: pattern.to_string(),
            anchored: anchored.to_string_lossy().into_owned(),
        }
    }

    fn globs(&self) -> Result<[Glob; 2]> {
        let glob = |text: &str| {
            Glob::new(text).with_context(|| format!("Invalid glob `{}`", self.written))
        };
        Ok([glob(&self.written)?, glob(&self.anchored)?])
    }
}

/// A compiled set of [`FilePattern`]s.
#[derive(Clone, Debug)]
pub struct PathMatcher(GlobSet);

impl PathMatcher {
    pub fn new<'a>(patterns: impl IntoIterator<Item = &'a FilePattern>) -> Result<Self> {
        let mut builder = GlobSetBuilder::new();
        for pattern in patterns {
            for glob in pattern.globs()? {
                builder.add(glob);
            }
        }
        Ok(Self(builder.build()?))
    }

    pub fn empty() -> Self {
        Self(GlobSet::empty())
    }

    /// Whether the absolute `path` or its basename matches.
    pub fn is_match(&self, path: &Path) -> bool {
        self.0.is_match(path) || path.file_name().is_some_and(|name| self.0.is_match(name))
    }
}

/// Removes `.` and resolves `..` lexically, so globs compare with walked paths.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push(component);
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// `path` made absolute against `cwd`, without touching the file system.
pub fn absolute(path: &Path, cwd: &Path) -> PathBuf {
    normalize(&cwd.join(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(patterns: &[&str]) -> PathMatcher {
        let root = Path::new("/project");
        let patterns: Vec<FilePattern> =
            patterns.iter().map(|p| FilePattern::new(p, root)).collect();
        PathMatcher::new(&patterns).unwrap()
    }

    #[test]
    fn matches_basenames_and_anchored_paths() {
        let m = matcher(&["tests/*.py", "conftest.py", "./build"]);
        assert!(m.is_match(Path::new("/project/tests/test_a.py")));
        assert!(m.is_match(Path::new("/project/a/b/conftest.py")));
        assert!(m.is_match(Path::new("/project/build")));
        assert!(!m.is_match(Path::new("/elsewhere/tests/test_a.py")));
        assert!(!m.is_match(Path::new("/project/src/app.py")));
    }

    #[test]
    fn star_crosses_directories_like_ruff() {
        let m = matcher(&["src/*.py"]);
        assert!(m.is_match(Path::new("/project/src/deep/er/app.py")));
    }

    #[test]
    fn normalizes_dots() {
        assert_eq!(normalize(Path::new("/a/./b/../c")), PathBuf::from("/a/c"));
        assert_eq!(
            absolute(Path::new("x.py"), Path::new("/cwd")),
            PathBuf::from("/cwd/x.py")
        );
    }
}
