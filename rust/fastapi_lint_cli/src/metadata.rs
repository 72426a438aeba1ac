//! What a run learns about directories once and asks of many files: the package root of each
//! directory (module paths) and the Pydantic version the nearest project metadata declares.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use fastapi_lint_core::project::PackageDirs;
use fastapi_lint_core::{DeclaredPydantic, PydanticMajor};

use crate::config::dependencies;

#[derive(Default)]
pub(crate) struct Directories {
    pub packages: PackageDirs,
    /// By directory: what the nearest directory with project metadata (this one or an
    /// ancestor) declares.
    pydantic: Mutex<HashMap<PathBuf, Option<Arc<DeclaredPydantic>>>>,
}

impl Directories {
    /// The Pydantic version the project of the directory `dir` declares: the metadata of the
    /// directory, else of the nearest ancestor that has any.
    pub(crate) fn declared_pydantic(&self, dir: &Path) -> Option<Arc<DeclaredPydantic>> {
        if let Some(known) = self.lock().get(dir) {
            return known.clone();
        }
        // Read outside the lock: other workers go on with other directories meanwhile. Most
        // directories are packages without metadata: one listing tells, where parsing would
        // try each kind of file in turn.
        let declared = if has_metadata(dir) {
            dependencies::declared_pydantic(dir)
        } else {
            None
        };
        let found = match declared {
            Some(declared) => declared.and_then(|declared| {
                Some(Arc::new(DeclaredPydantic {
                    major: PydanticMajor::from_number(declared.major)?,
                    evidence: declared.evidence,
                }))
            }),
            None => dir
                .parent()
                .and_then(|parent| self.declared_pydantic(parent)),
        };
        self.lock().insert(dir.to_path_buf(), found.clone());
        found
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, Option<Arc<DeclaredPydantic>>>> {
        self.pydantic.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Whether `dir` holds a file project metadata can be read from ([`dependencies`]).
fn has_metadata(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|entry| {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        matches!(
            name.as_ref(),
            "pyproject.toml"
                | "setup.py"
                | "setup.cfg"
                | "Pipfile"
                | "Pipfile.lock"
                | "uv.lock"
                | "poetry.lock"
                | "pdm.lock"
                | "requirements"
        ) || (name.starts_with("requirements") && name.ends_with(".txt"))
    })
}
