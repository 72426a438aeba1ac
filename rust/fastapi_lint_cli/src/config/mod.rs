//! Configuration: the file schema, discovery of the file that governs each path, and the
//! resolved [`Settings`] one file is linted with.
//!
//! Layers, as in Ruff: defaults, then each file of an `extend` chain (base first), then the CLI.
//! A [`Configuration`] is one layer (or several already folded); [`Settings`] is the result.

pub mod dependencies;
pub mod discovery;
pub mod file;
pub mod options;
pub mod patterns;
mod per_file_ignores;
pub mod roles;

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use fastapi_lint_core::rules::blocking::BlockingOptions;
use fastapi_lint_core::rules::heavy::HeavyOptions;
use fastapi_lint_core::rules::responsiveness::ResponsivenessOptions;
use fastapi_lint_core::rules::settings::SettingsOptions;
use fastapi_lint_core::{
    CodeRole, DeclaredPydantic, LinterSettings, PydanticMajor, PythonVersion, Rule, RuleSelection,
    RuleSelector, resolve_rules,
};

use self::options::{BlockingTable, Options, TargetVersion};
use self::patterns::{FilePattern, PathMatcher};
pub use self::per_file_ignores::{PerFileIgnore, PerFileIgnores};
use self::roles::DeclaredRoles;

/// Ruff's default `exclude`: directories no one wants linted.
pub const DEFAULT_EXCLUDES: &[&str] = &[
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".git-rewrite",
    ".hg",
    ".ipynb_checkpoints",
    ".mypy_cache",
    ".nox",
    ".pants.d",
    ".pyenv",
    ".pytest_cache",
    ".pytype",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    ".vscode",
    "__pypackages__",
    "_build",
    "buck-out",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
];

const DEFAULT_TARGET_VERSION: TargetVersion = TargetVersion::Py310;

/// The default cache directory, in the project root (Ruff's is `.ruff_cache`).
pub(crate) const DEFAULT_CACHE_DIR: &str = ".fastapi_lint_cache";
/// The environment variable that sets the cache directory, below `--cache-dir`.
pub(crate) const CACHE_DIR_ENV: &str = "FASTAPI_LINT_CACHE_DIR";

/// Where a layer came from, for error messages: ``from `/p/pyproject.toml` `` or `from the CLI`.
#[derive(Clone, Debug)]
pub enum Origin {
    Cli,
    File(PathBuf),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Cli => f.write_str("the CLI"),
            Origin::File(path) => write!(f, "`{}`", path.display()),
        }
    }
}

/// Parses selectors, naming the key and origin of an unknown one as Ruff does.
pub fn parse_selectors(values: &[String], key: &str, origin: &Origin) -> Result<Vec<RuleSelector>> {
    values
        .iter()
        .map(|value| {
            value.parse().map_err(|_| {
                anyhow::anyhow!("Unknown rule selector `{value}` in `{key}` from {origin}")
            })
        })
        .collect()
}

/// One or more configuration layers folded together; `None` means "not set here".
#[derive(Clone, Debug, Default)]
pub struct Configuration {
    /// The directory relative globs were anchored at; the project root for files it governs.
    pub project_root: PathBuf,
    /// Selection layers, oldest first.
    pub selections: Vec<RuleSelection>,
    pub per_file_ignores: Option<Vec<PerFileIgnore>>,
    pub extend_per_file_ignores: Vec<PerFileIgnore>,
    pub exclude: Option<Vec<FilePattern>>,
    pub extend_exclude: Vec<FilePattern>,
    pub respect_gitignore: Option<bool>,
    pub force_exclude: Option<bool>,
    pub target_version: Option<TargetVersion>,
    pub preview: Option<bool>,
    pub blocking: Option<BlockingOptions>,
    pub responsiveness: Option<ResponsivenessOptions>,
    pub heavy: Option<HeavyOptions>,
    /// `[lint.roles]`: globs by role, anchored at their file's directory.
    pub roles: Option<Vec<(CodeRole, String, FilePattern)>>,
    /// `lint.pydantic-version`, with the file that sets it.
    pub pydantic_version: Option<DeclaredPydantic>,
    pub settings: Option<SettingsOptions>,
    pub src: Option<Vec<PathBuf>>,
    pub cache_dir: Option<PathBuf>,
    /// `fixable` / `extend-fixable` / `unfixable` layers, resolved like `select`, oldest first.
    pub fixable: Vec<RuleSelection>,
    pub fix: Option<bool>,
    pub unsafe_fixes: Option<bool>,
    pub show_fixes: Option<bool>,
}

impl Configuration {
    /// The defaults, anchored at `project_root`.
    pub fn defaults(project_root: &Path) -> Self {
        Self {
            project_root: project_root.to_path_buf(),
            ..Self::default()
        }
    }

    /// Loads a configuration file and the chain of files it `extend`s.
    pub fn load(path: &Path) -> Result<Self> {
        load_chain(path)
    }

    /// One file's options as a layer; relative paths are anchored at the file's directory.
    pub fn from_options(options: &Options, config_path: &Path) -> Result<Self> {
        let root = config_path.parent().unwrap_or(Path::new("/"));
        let origin = Origin::File(config_path.to_path_buf());
        let lint = options.lint_options();
        let per_file = |table: &Option<std::collections::BTreeMap<String, Vec<String>>>,
                        key: &str|
         -> Result<Option<Vec<PerFileIgnore>>> {
            table
                .as_ref()
                .map(|table| {
                    table
                        .iter()
                        .map(|(pattern, codes)| {
                            PerFileIgnore::new(pattern, codes, root, key, &origin)
                        })
                        .collect()
                })
                .transpose()
        };
        let patterns = |globs: &Option<Vec<String>>| {
            globs.as_ref().map(|globs| {
                globs
                    .iter()
                    .map(|glob| FilePattern::new(glob, root))
                    .collect::<Vec<_>>()
            })
        };
        Ok(Self {
            project_root: root.to_path_buf(),
            selections: vec![RuleSelection {
                select: lint
                    .select
                    .as_deref()
                    .map(|values| parse_selectors(values, "select", &origin))
                    .transpose()?,
                extend_select: parse_selectors(
                    lint.extend_select.as_deref().unwrap_or_default(),
                    "extend-select",
                    &origin,
                )?,
                ignore: parse_selectors(
                    lint.ignore.as_deref().unwrap_or_default(),
                    "ignore",
                    &origin,
                )?,
            }],
            per_file_ignores: per_file(&lint.per_file_ignores, "per-file-ignores")?,
            extend_per_file_ignores: per_file(
                &lint.extend_per_file_ignores,
                "extend-per-file-ignores",
            )?
            .unwrap_or_default(),
            exclude: patterns(&options.exclude),
            extend_exclude: patterns(&options.extend_exclude).unwrap_or_default(),
            respect_gitignore: options.respect_gitignore,
            force_exclude: options.force_exclude,
            target_version: options.target_version,
            preview: lint.preview,
            blocking: lint.blocking.as_ref().map(blocking_options),
            responsiveness: lint.responsiveness,
            heavy: lint.heavy,
            roles: lint.roles.as_ref().map(|table| table.patterns(root)),
            pydantic_version: lint
                .pydantic_version
                .map(|major| {
                    let major = PydanticMajor::from_number(major).ok_or_else(|| {
                        anyhow::anyhow!(
                            "Invalid `pydantic-version` {major} in `{}`: expected 1 or 2",
                            config_path.display()
                        )
                    })?;
                    Ok::<_, anyhow::Error>(DeclaredPydantic {
                        major,
                        evidence: format!(
                            "setting `lint.pydantic-version` in `{}`",
                            config_path.display()
                        ),
                    })
                })
                .transpose()?,
            settings: lint.settings.clone(),
            src: options.src.as_ref().map(|dirs| {
                dirs.iter()
                    .map(|dir| patterns::normalize(&root.join(dir)))
                    .collect()
            }),
            cache_dir: options
                .cache_dir
                .as_ref()
                .map(|dir| patterns::normalize(&root.join(dir))),
            fixable: vec![RuleSelection {
                select: lint
                    .fixable
                    .as_deref()
                    .map(|values| parse_selectors(values, "fixable", &origin))
                    .transpose()?,
                extend_select: parse_selectors(
                    lint.extend_fixable.as_deref().unwrap_or_default(),
                    "extend-fixable",
                    &origin,
                )?,
                ignore: parse_selectors(
                    lint.unfixable.as_deref().unwrap_or_default(),
                    "unfixable",
                    &origin,
                )?,
            }],
            fix: options.fix,
            unsafe_fixes: options.unsafe_fixes,
            show_fixes: options.show_fixes,
        })
    }

    /// `self` layered on top of `base`: set values win, selections and `extend-*` lists append.
    #[must_use]
    pub fn combine(self, base: Configuration) -> Configuration {
        let mut selections = base.selections;
        selections.extend(self.selections);
        let mut extend_per_file_ignores = base.extend_per_file_ignores;
        extend_per_file_ignores.extend(self.extend_per_file_ignores);
        let mut extend_exclude = base.extend_exclude;
        extend_exclude.extend(self.extend_exclude);
        let mut fixable = base.fixable;
        fixable.extend(self.fixable);
        Configuration {
            project_root: self.project_root,
            selections,
            per_file_ignores: self.per_file_ignores.or(base.per_file_ignores),
            extend_per_file_ignores,
            exclude: self.exclude.or(base.exclude),
            extend_exclude,
            respect_gitignore: self.respect_gitignore.or(base.respect_gitignore),
            force_exclude: self.force_exclude.or(base.force_exclude),
            target_version: self.target_version.or(base.target_version),
            preview: self.preview.or(base.preview),
            blocking: self.blocking.or(base.blocking),
            responsiveness: self.responsiveness.or(base.responsiveness),
            roles: self.roles.or(base.roles),
            pydantic_version: self.pydantic_version.or(base.pydantic_version),
            heavy: self.heavy.or(base.heavy),
            settings: self.settings.or(base.settings),
            src: self.src.or(base.src),
            cache_dir: self.cache_dir.or(base.cache_dir),
            fixable,
            fix: self.fix.or(base.fix),
            unsafe_fixes: self.unsafe_fixes.or(base.unsafe_fixes),
            show_fixes: self.show_fixes.or(base.show_fixes),
        }
    }

    /// Resolves the layers into the settings files are linted with.
    pub fn into_settings(self) -> Result<Settings> {
        let preview = self.preview.unwrap_or(false);
        let rules = resolve_rules(&[RuleSelector::All], &self.selections, preview);
        let warnings = preview_warnings(&self.selections, preview);
        let exclude = match &self.exclude {
            Some(patterns) => PathMatcher::new(patterns.iter().chain(&self.extend_exclude))?,
            None => {
                let defaults: Vec<FilePattern> = DEFAULT_EXCLUDES
                    .iter()
                    .map(|name| FilePattern::new(name, &self.project_root))
                    .collect();
                PathMatcher::new(defaults.iter().chain(&self.extend_exclude))?
            }
        };
        let mut per_file_ignores = self.per_file_ignores.unwrap_or_default();
        per_file_ignores.extend(self.extend_per_file_ignores);
        let linter = LinterSettings {
            rules,
            target_version: self
                .target_version
                .unwrap_or(DEFAULT_TARGET_VERSION)
                .python_version(),
            parser_version: self
                .target_version
                .map_or_else(PythonVersion::latest, TargetVersion::python_version),
            preview,
            fixable: resolve_rules(&[RuleSelector::All], &self.fixable, preview),
            blocking: Arc::new(self.blocking.unwrap_or_default()),
            responsiveness: Arc::new(self.responsiveness.unwrap_or_default()),
            heavy: Arc::new(self.heavy.unwrap_or_default()),
            settings: Arc::new(self.settings.unwrap_or_default()),
        };
        // Everything in the linter settings can change a finding; the per-file part (ignores,
        // module path) is keyed per file by the cache.
        let fingerprint = xxhash_rust::xxh3::xxh3_64(format!("{linter:?}").as_bytes());
        let roles = DeclaredRoles::new(
            self.roles.as_deref().unwrap_or_default(),
            &self.project_root,
        )?;
        Ok(Settings {
            linter,
            fingerprint,
            roles,
            pydantic: self.pydantic_version.map(Arc::new),
            per_file_ignores: PerFileIgnores::new(per_file_ignores)?,
            exclude,
            respect_gitignore: self.respect_gitignore.unwrap_or(true),
            force_exclude: self.force_exclude.unwrap_or(false),
            // Ruff's default: the project root and `src/` under it.
            src: self
                .src
                .unwrap_or_else(|| vec![self.project_root.clone(), self.project_root.join("src")]),
            cache_dir: self
                .cache_dir
                .unwrap_or_else(|| self.project_root.join(DEFAULT_CACHE_DIR)),
            project_root: self.project_root,
            warnings,
            fix: self.fix.unwrap_or(false),
            unsafe_fixes: self.unsafe_fixes,
            show_fixes: self.show_fixes.unwrap_or(false),
        })
    }
}

/// Loads `path` and the files it `extend`s, one after the other (a chain is as long as the
/// files make it, so no recursion), then layers them base first.
fn load_chain(path: &Path) -> Result<Configuration> {
    let mut chain: Vec<PathBuf> = Vec::new();
    let mut seen: HashSet<PathBuf> = HashSet::new();
    let mut layers = Vec::new();
    let mut next = Some(path.to_path_buf());
    while let Some(path) = next.take() {
        let extended_by = chain.last().cloned();
        chain.push(path.clone());
        seen.insert(path.clone());
        let link = load_link(&path);
        let (configuration, extend) = match extended_by {
            Some(child) => link.with_context(|| {
                format!(
                    "Failed to load extended configuration `{}` (`{}` extends `{}`)",
                    path.display(),
                    child.display(),
                    path.display()
                )
            })?,
            None => link?,
        };
        if let Some(extend) = extend {
            let base_path = patterns::normalize(&configuration.project_root.join(extend));
            if seen.contains(&base_path) {
                let cycle: Vec<String> = chain
                    .iter()
                    .chain([&base_path])
                    .map(|path| format!("`{}`", path.display()))
                    .collect();
                bail!(
                    "Circular configuration detected: {}",
                    cycle.join(" extends ")
                );
            }
            next = Some(base_path);
        }
        layers.push(configuration);
    }
    let base = layers.pop().expect("the chain starts with `path`");
    Ok(layers
        .into_iter()
        .rev()
        .fold(base, |base, layer| layer.combine(base)))
}

/// One file of a chain as a layer, and the file it extends.
fn load_link(path: &Path) -> Result<(Configuration, Option<String>)> {
    let options = file::load_options(path)
        .with_context(|| format!("Failed to load configuration `{}`", path.display()))?;
    let mut configuration = Configuration::from_options(&options, path)?;
    if configuration.target_version.is_none() {
        configuration.target_version = file::requires_python_near(path)?;
    }
    Ok((configuration, options.extend))
}

fn blocking_options(table: &BlockingTable) -> BlockingOptions {
    let list = |values: &Option<Vec<String>>| values.clone().unwrap_or_default();
    BlockingOptions {
        extra_http_calls: list(&table.extra_http_calls),
        extra_file_calls: list(&table.extra_file_calls),
        extra_db_calls: list(&table.extra_db_calls),
        extra_subprocess_calls: list(&table.extra_subprocess_calls),
    }
}

/// Ruff warns when a preview rule is selected by its exact code while preview is off.
fn preview_warnings(selections: &[RuleSelection], preview: bool) -> Vec<String> {
    if preview {
        return Vec::new();
    }
    selections
        .iter()
        .flat_map(|layer| layer.select.iter().flatten().chain(&layer.extend_select))
        .filter(|selector| selector.exact_rule().is_some_and(Rule::is_preview))
        .map(|selector| {
            format!("Selection `{selector}` has no effect because preview is not enabled.")
        })
        .collect()
}

/// Everything one file is checked with, resolved.
#[derive(Clone, Debug)]
#[expect(clippy::struct_excessive_bools, reason = "the settings' own switches")]
pub struct Settings {
    pub project_root: PathBuf,
    /// The settings before per-file ignores.
    pub linter: LinterSettings,
    /// A hash of `linter`: the cache keeps findings per configuration.
    pub fingerprint: u64,
    pub per_file_ignores: PerFileIgnores,
    /// The code roles the settings declare ([`roles`]).
    pub roles: DeclaredRoles,
    /// The Pydantic version the settings state, which wins over the project's metadata.
    pub pydantic: Option<Arc<DeclaredPydantic>>,
    pub exclude: PathMatcher,
    pub respect_gitignore: bool,
    pub force_exclude: bool,
    /// Source roots, absolute (first-party module resolution will use them).
    pub src: Vec<PathBuf>,
    /// `cache-dir`, absolute; a run uses the one of its working directory's settings.
    pub cache_dir: PathBuf,
    /// Printed once per run as `warning: ...`.
    pub warnings: Vec<String>,
    /// `fix`, `unsafe-fixes` (unset: hint at them) and `show-fixes`; a run reads them from the
    /// settings of its working directory, as Ruff does.
    pub fix: bool,
    pub unsafe_fixes: Option<bool>,
    pub show_fixes: bool,
}

impl Settings {
    /// The linter settings for one file: the selection minus its per-file ignores.
    pub fn linter_for(&self, path: &Path) -> LinterSettings {
        let ignored = self.per_file_ignores.ignored_rules(path);
        LinterSettings {
            rules: self.linter.rules.difference(ignored),
            ..self.linter.clone()
        }
    }

    /// Whether `exclude`/`extend-exclude` match this absolute path.
    pub fn is_excluded(&self, path: &Path) -> bool {
        self.exclude.is_match(path)
    }
}

#[cfg(test)]
mod tests;
