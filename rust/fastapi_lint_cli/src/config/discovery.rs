//! Which settings govern a path: Ruff's discovery.
//!
//! `--isolated` uses the defaults and `--config FILE` one file for everything. Otherwise each
//! path is governed by the configuration in its closest ancestor directory that has one, and
//! paths with no such ancestor by the configuration found from the working directory (or the
//! defaults). Files never merge, except through `extend`. CLI overrides apply on top of each.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::Result;

use super::{Configuration, Settings, file};

/// Finds and caches the settings for paths.
pub struct Resolver {
    /// Settings for paths no configuration file governs (or for every path when fixed).
    default: Arc<Settings>,
    /// `None` when one configuration applies everywhere (`--isolated`, `--config`).
    hierarchical: Option<Hierarchy>,
}

struct Hierarchy {
    overrides: Configuration,
    /// Per directory: the settings of the configuration file it holds, if any.
    by_dir: Mutex<HashMap<PathBuf, Option<Arc<Settings>>>>,
}

/// How the run finds its configuration.
pub enum Discovery<'a> {
    Isolated,
    Fixed(&'a Path),
    Hierarchical,
}

impl Resolver {
    /// `overrides` is the CLI layer; `cwd` anchors the defaults.
    #[expect(
        clippy::needless_pass_by_value,
        reason = "the resolver keeps the overrides"
    )]
    pub fn new(discovery: Discovery<'_>, overrides: Configuration, cwd: &Path) -> Result<Self> {
        let (base, hierarchical) = match discovery {
            Discovery::Isolated => (Configuration::defaults(cwd), false),
            Discovery::Fixed(path) => (Configuration::load(path)?, false),
            Discovery::Hierarchical => {
                let found = cwd
                    .ancestors()
                    .find_map(|dir| file::config_in_dir(dir).transpose())
                    .transpose()?;
                (
                    found
                        .map(|path| Configuration::load(&path))
                        .transpose()?
                        .unwrap_or_else(|| Configuration::defaults(cwd)),
                    true,
                )
            }
        };
        let default = Arc::new(with_overrides(base, &overrides).into_settings()?);
        let hierarchical = hierarchical.then(|| Hierarchy {
            overrides,
            by_dir: Mutex::new(HashMap::new()),
        });
        Ok(Self {
            default,
            hierarchical,
        })
    }

    /// The settings used when no file is closer (also the run-wide ones, e.g. gitignore).
    pub fn default_settings(&self) -> &Arc<Settings> {
        &self.default
    }

    /// The settings for an absolute path: its closest ancestor directory with a configuration.
    pub fn settings_for(&self, path: &Path) -> Result<Arc<Settings>> {
        let Some(hierarchy) = &self.hierarchical else {
            return Ok(Arc::clone(&self.default));
        };
        for dir in path.ancestors().skip(1) {
            if let Some(settings) = hierarchy.settings_in_dir(dir)? {
                return Ok(settings);
            }
        }
        Ok(Arc::clone(&self.default))
    }

    /// Every distinct warning of the settings resolved so far, sorted.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings: BTreeSet<String> = self.default.warnings.iter().cloned().collect();
        if let Some(hierarchy) = &self.hierarchical {
            let by_dir = hierarchy
                .by_dir
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            warnings.extend(
                by_dir
                    .values()
                    .flatten()
                    .flat_map(|settings| settings.warnings.iter().cloned()),
            );
        }
        warnings.into_iter().collect()
    }
}

impl Hierarchy {
    fn settings_in_dir(&self, dir: &Path) -> Result<Option<Arc<Settings>>> {
        if let Some(cached) = self.lock().get(dir) {
            return Ok(cached.clone());
        }
        let settings = match file::config_in_dir(dir)? {
            Some(path) => Some(Arc::new(
                with_overrides(Configuration::load(&path)?, &self.overrides).into_settings()?,
            )),
            None => None,
        };
        self.lock().insert(dir.to_path_buf(), settings.clone());
        Ok(settings)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, Option<Arc<Settings>>>> {
        self.by_dir
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The CLI layer on top of a file's configuration, keeping the file's project root.
fn with_overrides(base: Configuration, overrides: &Configuration) -> Configuration {
    let project_root = base.project_root.clone();
    Configuration {
        project_root,
        ..overrides.clone().combine(base)
    }
}
