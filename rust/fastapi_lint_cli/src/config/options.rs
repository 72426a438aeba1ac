//! The configuration file schema (`[tool.fastapi-lint]`, `fastapi-lint.toml`), as written.
//!
//! Unknown keys are errors (`deny_unknown_fields`), as in Ruff. Selectors stay strings here;
//! `config::Configuration` parses them so the error can name the key and the file.

use super::roles::RolesTable;
use std::collections::BTreeMap;

use fastapi_lint_core::PythonVersion;
use fastapi_lint_core::rules::heavy::HeavyOptions;
use fastapi_lint_core::rules::responsiveness::ResponsivenessOptions;
use fastapi_lint_core::rules::settings::SettingsOptions;
use serde::Deserialize;

/// Ruff's `target-version` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum TargetVersion {
    Py37,
    Py38,
    Py39,
    Py310,
    Py311,
    Py312,
    Py313,
    Py314,
    Py315,
}

impl TargetVersion {
    /// Every value, oldest first.
    const ALL: [TargetVersion; 9] = [
        TargetVersion::Py37,
        TargetVersion::Py38,
        TargetVersion::Py39,
        TargetVersion::Py310,
        TargetVersion::Py311,
        TargetVersion::Py312,
        TargetVersion::Py313,
        TargetVersion::Py314,
        TargetVersion::Py315,
    ];

    pub fn python_version(self) -> PythonVersion {
        PythonVersion {
            major: 3,
            minor: self.minor(),
        }
    }

    fn minor(self) -> u8 {
        7 + self as u8
    }

    /// The closest supported version to `3.minor` (older ones clamp to py37, newer to py315).
    pub fn from_minor(minor: u8) -> TargetVersion {
        Self::ALL
            .iter()
            .copied()
            .rev()
            .find(|version| version.minor() <= minor)
            .unwrap_or(TargetVersion::Py37)
    }

    pub fn parse(value: &str) -> Option<TargetVersion> {
        Self::ALL
            .iter()
            .copied()
            .find(|version| version.name() == value)
    }

    pub fn name(self) -> String {
        format!("py3{}", self.minor())
    }
}

/// The top level of the configuration table.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Options {
    /// Another configuration file to inherit from, relative to this one.
    pub extend: Option<String>,
    pub target_version: Option<TargetVersion>,
    pub preview: Option<bool>,
    pub exclude: Option<Vec<String>>,
    pub extend_exclude: Option<Vec<String>>,
    pub respect_gitignore: Option<bool>,
    pub force_exclude: Option<bool>,
    /// Source roots (kept for first-party module resolution).
    pub src: Option<Vec<String>>,
    /// Where `check` keeps its cache, relative to this file (default `.fastapi_lint_cache`).
    pub cache_dir: Option<String>,
    // Ruff still reads the selection keys at the top level (its pre-`lint` spelling); serde
    // cannot flatten with `deny_unknown_fields`, so they are declared here as well.
    pub select: Option<Vec<String>>,
    pub extend_select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    pub per_file_ignores: Option<BTreeMap<String, Vec<String>>>,
    pub extend_per_file_ignores: Option<BTreeMap<String, Vec<String>>>,
    pub fixable: Option<Vec<String>>,
    pub unfixable: Option<Vec<String>>,
    pub extend_fixable: Option<Vec<String>>,
    /// Fix settings Ruff reads at the top level only.
    pub fix: Option<bool>,
    pub unsafe_fixes: Option<bool>,
    pub show_fixes: Option<bool>,
    pub lint: Option<LintOptions>,
}

/// `[tool.fastapi-lint.lint]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LintOptions {
    pub preview: Option<bool>,
    pub select: Option<Vec<String>>,
    pub extend_select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    pub per_file_ignores: Option<BTreeMap<String, Vec<String>>>,
    pub extend_per_file_ignores: Option<BTreeMap<String, Vec<String>>>,
    pub fixable: Option<Vec<String>>,
    pub unfixable: Option<Vec<String>>,
    pub extend_fixable: Option<Vec<String>>,
    pub blocking: Option<BlockingTable>,
    pub responsiveness: Option<ResponsivenessOptions>,
    pub heavy: Option<HeavyOptions>,
    pub settings: Option<SettingsOptions>,
    pub roles: Option<RolesTable>,
    /// The Pydantic major version the project runs (1 or 2), when its metadata does not say.
    pub pydantic_version: Option<u8>,
}

impl Options {
    /// The lint keys with the `lint` table taking precedence over top-level spellings.
    pub fn lint_options(&self) -> LintOptions {
        let lint = self.lint.clone().unwrap_or_default();
        LintOptions {
            preview: lint.preview.or(self.preview),
            select: lint.select.or_else(|| self.select.clone()),
            extend_select: lint.extend_select.or_else(|| self.extend_select.clone()),
            ignore: lint.ignore.or_else(|| self.ignore.clone()),
            per_file_ignores: lint
                .per_file_ignores
                .or_else(|| self.per_file_ignores.clone()),
            extend_per_file_ignores: lint
                .extend_per_file_ignores
                .or_else(|| self.extend_per_file_ignores.clone()),
            fixable: lint.fixable.or_else(|| self.fixable.clone()),
            unfixable: lint.unfixable.or_else(|| self.unfixable.clone()),
            extend_fixable: lint.extend_fixable.or_else(|| self.extend_fixable.clone()),
            blocking: lint.blocking,
            responsiveness: lint.responsiveness,
            heavy: lint.heavy,
            settings: lint.settings,
            roles: lint.roles,
            pydantic_version: lint.pydantic_version,
        }
    }
}

/// `[tool.fastapi-lint.lint.blocking]`: calls a project declares blocking, by qualified name.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BlockingTable {
    pub extra_http_calls: Option<Vec<String>>,
    pub extra_file_calls: Option<Vec<String>>,
    pub extra_db_calls: Option<Vec<String>>,
    pub extra_subprocess_calls: Option<Vec<String>>,
}

/// The parts of `pyproject.toml` we read.
#[derive(Debug, Default, Deserialize)]
pub struct Pyproject {
    pub tool: Option<Tools>,
    pub project: Option<Project>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Tools {
    #[serde(rename = "fastapi-lint")]
    pub fastapi_lint: Option<Options>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Project {
    #[serde(rename = "requires-python")]
    pub requires_python: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_versions_map_to_python_versions() {
        assert_eq!(TargetVersion::Py310.python_version(), PythonVersion::PY310);
        assert_eq!(TargetVersion::Py315.python_version(), PythonVersion::PY315);
        assert_eq!(TargetVersion::from_minor(12), TargetVersion::Py312);
        assert_eq!(TargetVersion::from_minor(2), TargetVersion::Py37);
        assert_eq!(TargetVersion::from_minor(40), TargetVersion::Py315);
        assert_eq!(TargetVersion::parse("py39"), Some(TargetVersion::Py39));
        assert_eq!(TargetVersion::Py39.name(), "py39");
    }

    #[test]
    fn lint_table_wins_over_top_level_keys() {
        let options: Options = toml::from_str(
            "select = [\"FAST\"]\nignore = [\"FAPI\"]\n[lint]\nselect = [\"FAPI\"]\n",
        )
        .unwrap();
        let lint = options.lint_options();
        assert_eq!(lint.select, Some(vec!["FAPI".to_string()]));
        assert_eq!(lint.ignore, Some(vec!["FAPI".to_string()]));
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let error = toml::from_str::<Options>("[lint]\nselct = []\n").unwrap_err();
        assert!(
            error.to_string().contains("unknown field `selct`"),
            "{error}"
        );
        let error = toml::from_str::<Options>("[lint.blocking]\nextra-calls = []\n").unwrap_err();
        assert!(
            error.to_string().contains("unknown field `extra-calls`"),
            "{error}"
        );
    }
}
