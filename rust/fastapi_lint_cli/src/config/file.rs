//! Reading one configuration file: which file a directory holds, its options, `requires-python`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::options::{Options, Pyproject, TargetVersion};

/// Configuration files in the order a directory is searched, as Ruff searches
/// `.ruff.toml`, `ruff.toml`, `pyproject.toml`.
const DEDICATED_FILES: [&str; 2] = [".fastapi-lint.toml", "fastapi-lint.toml"];
const PYPROJECT: &str = "pyproject.toml";

/// Whether a file of this name can hold configuration (a `pyproject.toml` may): what an editor
/// watches to know when the settings must be read again.
pub fn is_config_file_name(name: &str) -> bool {
    DEDICATED_FILES.contains(&name) || name == PYPROJECT
}

/// The configuration file that governs `dir` itself, if it holds one: a dedicated file, or a
/// `pyproject.toml` with a `[tool.fastapi-lint]` table.
pub fn config_in_dir(dir: &Path) -> Result<Option<PathBuf>> {
    for name in DEDICATED_FILES {
        let candidate = dir.join(name);
        if candidate.is_file() {
            return Ok(Some(candidate));
        }
    }
    let pyproject = dir.join(PYPROJECT);
    if pyproject.is_file()
        && read_pyproject(&pyproject)?
            .tool
            .and_then(|tool| tool.fastapi_lint)
            .is_some()
    {
        return Ok(Some(pyproject));
    }
    Ok(None)
}

/// The options a configuration file holds (`[tool.fastapi-lint]` for a `pyproject.toml`).
pub fn load_options(path: &Path) -> Result<Options> {
    if is_pyproject(path) {
        Ok(read_pyproject(path)?
            .tool
            .and_then(|tool| tool.fastapi_lint)
            .unwrap_or_default())
    } else {
        let text = read(path)?;
        toml::from_str(&text).with_context(|| format!("Failed to parse {}", path.display()))
    }
}

/// The lower bound of `[project] requires-python` in the `pyproject.toml` next to `config`.
pub fn requires_python_near(config: &Path) -> Result<Option<TargetVersion>> {
    let pyproject = config.with_file_name(PYPROJECT);
    if !pyproject.is_file() {
        return Ok(None);
    }
    let requires = read_pyproject(&pyproject)?
        .project
        .and_then(|project| project.requires_python);
    Ok(requires.as_deref().and_then(lower_bound))
}

fn is_pyproject(path: &Path) -> bool {
    path.file_name().is_some_and(|name| name == PYPROJECT)
}

/// A configuration file's text. Only a regular file is read: a named pipe or a device given
/// as `--config` or an `extend` target could make the read wait or never end.
fn read(path: &Path) -> Result<String> {
    let context = || format!("Failed to read {}", path.display());
    let metadata = std::fs::metadata(path).with_context(context)?;
    if let Some(why) = crate::file_kind::not_a_regular_file(&metadata) {
        return Err(anyhow::anyhow!(why).context(context()));
    }
    std::fs::read_to_string(path).with_context(context)
}

fn read_pyproject(path: &Path) -> Result<Pyproject> {
    let text = read(path)?;
    toml::from_str(&text).with_context(|| format!("Failed to parse {}", path.display()))
}

/// The oldest Python a PEP 440 specifier set admits (`>=3.11,<4` → py311), looking at the
/// clauses that bound it from below.
fn lower_bound(specifiers: &str) -> Option<TargetVersion> {
    specifiers
        .split(',')
        .filter_map(|clause| {
            let clause = clause.trim();
            let version = ["~=", ">=", "==", ">"]
                .iter()
                .find_map(|operator| clause.strip_prefix(operator))?;
            let mut parts = version.trim().split('.');
            let major: u8 = parts.next()?.trim().parse().ok()?;
            let minor: u8 = parts
                .next()
                .map_or(Some(0), |minor| minor.trim().parse().ok())?;
            (major == 3).then(|| TargetVersion::from_minor(minor))
        })
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requires_python_lower_bounds() {
        assert_eq!(lower_bound(">=3.11"), Some(TargetVersion::Py311));
        assert_eq!(lower_bound(">=3.9, <4"), Some(TargetVersion::Py39));
        assert_eq!(lower_bound("~=3.12.1"), Some(TargetVersion::Py312));
        assert_eq!(lower_bound("==3.13.*"), Some(TargetVersion::Py313));
        assert_eq!(lower_bound("<3.12"), None);
        assert_eq!(lower_bound(">=3.6"), Some(TargetVersion::Py37));
    }

    #[test]
    fn dedicated_files_win_and_pyproject_needs_our_table() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("pyproject.toml"),
            "[tool.ruff]\nline-length = 1\n",
        )
        .unwrap();
        assert_eq!(config_in_dir(dir.path()).unwrap(), None);
        std::fs::write(dir.path().join("pyproject.toml"), "[tool.fastapi-lint]\n").unwrap();
        assert_eq!(
            config_in_dir(dir.path()).unwrap(),
            Some(dir.path().join("pyproject.toml"))
        );
        std::fs::write(dir.path().join("fastapi-lint.toml"), "").unwrap();
        assert_eq!(
            config_in_dir(dir.path()).unwrap(),
            Some(dir.path().join("fastapi-lint.toml"))
        );
        std::fs::write(dir.path().join(".fastapi-lint.toml"), "").unwrap();
        assert_eq!(
            config_in_dir(dir.path()).unwrap(),
            Some(dir.path().join(".fastapi-lint.toml"))
        );
    }
}
