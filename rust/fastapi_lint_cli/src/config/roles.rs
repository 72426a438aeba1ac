//! Code roles the settings declare: `[lint.roles]` globs, and pytest's `testpaths`.
//!
//! ```toml
//! [tool.fastapi-lint.lint.roles]
//! test = ["qa/**"]
//! script = ["ops/*.py"]
//! library = ["packages/sdk/**"]
//! app = ["services/api/**"]
//! ```
//!
//! A file a glob matches has that role whatever its code says (globs are tried in the order
//! test, script, library, app). Otherwise a file under one of pytest's `testpaths` (from
//! `pytest.ini`, `pyproject.toml`'s `[tool.pytest.ini_options]`, `tox.ini` or `setup.cfg`,
//! found from the project root up) is a test. What neither says is inferred from the code.

use std::path::{Path, PathBuf};

use anyhow::Result;
use fastapi_lint_core::{CodeRole, RoleDecision};
use serde::Deserialize;

use super::patterns::{FilePattern, PathMatcher, normalize};

/// `[tool.fastapi-lint.lint.roles]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RolesTable {
    pub test: Option<Vec<String>>,
    pub script: Option<Vec<String>>,
    pub library: Option<Vec<String>>,
    pub app: Option<Vec<String>>,
}

impl RolesTable {
    /// The globs by role, in the order they are tried, anchored at `root`.
    pub fn patterns(&self, root: &Path) -> Vec<(CodeRole, String, FilePattern)> {
        [
            (CodeRole::Test, &self.test),
            (CodeRole::Script, &self.script),
            (CodeRole::Library, &self.library),
            (CodeRole::App, &self.app),
        ]
        .into_iter()
        .flat_map(|(role, globs)| {
            globs
                .iter()
                .flatten()
                .map(move |glob| (role, glob.clone(), FilePattern::new(glob, root)))
        })
        .collect()
    }
}

/// The roles the settings of one configuration declare.
#[derive(Clone, Debug, Default)]
pub struct DeclaredRoles {
    /// Each glob compiled on its own, with its role and its spelling.
    globs: Vec<(CodeRole, String, PathMatcher)>,
    /// pytest's `testpaths`, absolute, with the file that names them.
    testpaths: Vec<PathBuf>,
    testpaths_file: Option<PathBuf>,
}

impl DeclaredRoles {
    pub fn new(patterns: &[(CodeRole, String, FilePattern)], project_root: &Path) -> Result<Self> {
        let globs = patterns
            .iter()
            .map(|(role, glob, pattern)| Ok((*role, glob.clone(), PathMatcher::new([pattern])?)))
            .collect::<Result<_>>()?;
        let (testpaths_file, testpaths) = match pytest_testpaths(project_root) {
            Some((file, paths)) => (Some(file), paths),
            None => (None, Vec::new()),
        };
        Ok(Self {
            globs,
            testpaths,
            testpaths_file,
        })
    }

    /// The role the settings give the absolute `path`, if any.
    pub fn role_of(&self, path: &Path) -> Option<RoleDecision> {
        if let Some((role, glob, _)) = self
            .globs
            .iter()
            .find(|(_, _, matcher)| matcher.is_match(path))
        {
            return Some(RoleDecision::new(
                *role,
                format!("setting `lint.roles.{role}` (`{glob}`)"),
            ));
        }
        let testpath = self.testpaths.iter().find(|dir| path.starts_with(dir))?;
        let file = self
            .testpaths_file
            .as_deref()
            .and_then(Path::file_name)
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        Some(RoleDecision::new(
            CodeRole::Test,
            format!(
                "under pytest's `testpaths` (`{}` in `{file}`)",
                testpath.file_name().map_or_else(
                    || testpath.display().to_string(),
                    |name| name.to_string_lossy().into_owned()
                )
            ),
        ))
    }
}

/// pytest's `testpaths` from the first of its configuration files found in `root` or above
/// it, as pytest finds its `rootdir`: the file and the absolute directories.
fn pytest_testpaths(root: &Path) -> Option<(PathBuf, Vec<PathBuf>)> {
    root.ancestors().find_map(|dir| {
        ["pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg"]
            .into_iter()
            .find_map(|name| {
                let file = dir.join(name);
                let text = std::fs::read_to_string(&file).ok()?;
                let paths = if name == "pyproject.toml" {
                    pyproject_testpaths(&text)?
                } else {
                    ini_testpaths(
                        &text,
                        if name == "setup.cfg" {
                            "tool:pytest"
                        } else {
                            "pytest"
                        },
                    )?
                };
                Some((
                    file,
                    paths
                        .iter()
                        .map(|path| normalize(&dir.join(path)))
                        .collect(),
                ))
            })
    })
}

/// `[tool.pytest.ini_options] testpaths` (a list, or a space-separated string).
fn pyproject_testpaths(text: &str) -> Option<Vec<String>> {
    let value: toml::Table = toml::from_str(text).ok()?;
    let options = value.get("tool")?.get("pytest")?.get("ini_options")?;
    match options.get("testpaths")? {
        toml::Value::Array(items) => Some(
            items
                .iter()
                .filter_map(|item| item.as_str().map(str::to_string))
                .collect(),
        ),
        toml::Value::String(paths) => Some(paths.split_whitespace().map(str::to_string).collect()),
        _ => None,
    }
}

/// `testpaths = a b` (values may continue on indented lines) in the ini `section`.
fn ini_testpaths(text: &str, section: &str) -> Option<Vec<String>> {
    let mut in_section = false;
    let mut paths: Option<Vec<String>> = None;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            if paths.is_some() {
                return paths;
            }
            in_section = trimmed.trim_start_matches('[').trim_end_matches(']').trim() == section;
            continue;
        }
        if !in_section || trimmed.is_empty() || trimmed.starts_with(['#', ';']) {
            continue;
        }
        let continuation = line.starts_with([' ', '\t']);
        if continuation {
            if let Some(paths) = &mut paths {
                paths.extend(trimmed.split_whitespace().map(str::to_string));
            }
            continue;
        }
        match trimmed.split_once(['=', ':']) {
            Some((key, value)) if key.trim() == "testpaths" => {
                paths = Some(value.split_whitespace().map(str::to_string).collect());
            }
            _ if paths.is_some() => return paths,
            _ => {}
        }
    }
    paths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn testpaths_from_each_configuration_file() {
        assert_eq!(
            pyproject_testpaths(
                "[tool.pytest.ini_options]\ntestpaths = [\"tests\", \"integration\"]\n"
            ),
            Some(vec!["tests".to_string(), "integration".to_string()])
        );
        assert_eq!(
            ini_testpaths(
                "[pytest]\naddopts = -ra\ntestpaths =\n    qa\n    checks\n",
                "pytest"
            ),
            Some(vec!["qa".to_string(), "checks".to_string()])
        );
        assert_eq!(
            ini_testpaths(
                "[metadata]\ntestpaths = no\n[tool:pytest]\ntestpaths = qa\n",
                "tool:pytest"
            ),
            Some(vec!["qa".to_string()])
        );
        assert_eq!(ini_testpaths("[pytest]\naddopts = -ra\n", "pytest"), None);
    }

    #[test]
    fn globs_win_over_testpaths_and_say_which_setting() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("pytest.ini"), "[pytest]\ntestpaths = qa\n").unwrap();
        let table = RolesTable {
            script: Some(vec!["qa/tools/*.py".to_string()]),
            ..RolesTable::default()
        };
        let roles = DeclaredRoles::new(&table.patterns(dir.path()), dir.path()).unwrap();
        let tool = roles.role_of(&dir.path().join("qa/tools/seed.py")).unwrap();
        assert_eq!(tool.role, CodeRole::Script);
        assert_eq!(
            tool.evidence,
            "setting `lint.roles.script` (`qa/tools/*.py`)"
        );
        let test = roles.role_of(&dir.path().join("qa/test_users.py")).unwrap();
        assert_eq!(test.role, CodeRole::Test);
        assert_eq!(
            test.evidence,
            "under pytest's `testpaths` (`qa` in `pytest.ini`)"
        );
        assert_eq!(roles.role_of(&dir.path().join("app/main.py")), None);
    }
}
