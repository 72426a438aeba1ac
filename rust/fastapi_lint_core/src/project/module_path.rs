//! The dotted name of a module from its file path, as Ruff finds it: walk up from the file while
//! directories hold an `__init__.py` to find the top package; a file outside any package is named
//! from the deepest source root (`src` setting) that contains it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rustc_hash::FxHashMap;

/// What a directory is, asked of the file system once per directory: files of one package
/// share all their ancestors, and files of one directory share the answer. Meant for one run; a
/// directory may gain or lose its `__init__.py` between runs. Roots are shared: every file of a
/// package keeps its root for the whole run.
#[derive(Debug, Default)]
pub struct PackageDirs(Mutex<FxHashMap<PathBuf, Option<Package>>>);

/// A directory with an `__init__.py`.
#[derive(Clone, Debug)]
struct Package {
    /// The directory above the outermost package containing it.
    root: Arc<Path>,
    /// Its module path below `root` (`["app", "api"]`); `None` when a directory's name is not
    /// a Python identifier, so that nothing in it can be imported.
    parts: Option<Arc<[String]>>,
}

impl PackageDirs {
    /// The package `directory` is, when it has an `__init__.py`.
    fn package(&self, directory: &Path) -> Option<Package> {
        if let Some(known) = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(directory)
        {
            return known.clone();
        }
        let is_package =
            directory.join("__init__.py").is_file() || directory.join("__init__.pyi").is_file();
        let package = directory.parent().filter(|_| is_package).map(|parent| {
            let name = directory
                .file_name()
                .and_then(|name| name.to_str())
                .filter(|name| is_identifier(name));
            match self.package(parent) {
                Some(Package { root, parts }) => {
                    let parts = parts.zip(name).map(|(parts, name)| {
                        parts.iter().cloned().chain([name.to_string()]).collect()
                    });
                    Package { root, parts }
                }
                None => Package {
                    root: Arc::from(parent),
                    parts: name.map(|name| Arc::from([name.to_string()])),
                },
            }
        });
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(directory.to_path_buf(), package.clone());
        package
    }
}

/// The module path of `file` (`["app", "routes"]`; a package's `__init__.py` keeps its
/// `"__init__"` component, which relative imports need) and the directory it is relative to.
/// `None` when a component is not a Python identifier (`my-scripts/run.py`): such a file cannot
/// be imported, so nothing can refer to it.
pub fn module_path(
    file: &Path,
    src_roots: &[PathBuf],
    packages: &PackageDirs,
) -> Option<(Vec<String>, Arc<Path>)> {
    let stem = file
        .file_stem()?
        .to_str()
        .filter(|stem| is_identifier(stem))?;
    let directory = file.parent()?;
    let (mut parts, root): (Vec<String>, Arc<Path>) = match packages.package(directory) {
        Some(Package { root, parts }) => (parts?.to_vec(), root),
        None => {
            let root = src_roots
                .iter()
                .filter(|root| directory.starts_with(root))
                .max_by_key(|root| root.components().count());
            let root = root.map_or_else(|| Arc::from(directory), |root| Arc::from(root.as_path()));
            let parts = directory
                .strip_prefix(&root)
                .ok()?
                .components()
                .map(|component| {
                    component
                        .as_os_str()
                        .to_str()
                        .filter(|part| is_identifier(part))
                        .map(str::to_string)
                });
            (parts.collect::<Option<_>>()?, root)
        }
    };
    parts.push(stem.to_string());
    Some((parts, root))
}

/// The module's importable name: its path without a trailing `__init__`.
pub fn module_name(path: &[String]) -> String {
    let parts = match path.split_last() {
        Some((last, rest)) if last == "__init__" => rest,
        _ => path,
    };
    parts.join(".")
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|first| first == '_' || first.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(path: &Path) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "").unwrap();
    }

    #[test]
    fn packages_are_found_by_their_init_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        touch(&root.join("services/users/app/__init__.py"));
        touch(&root.join("services/users/app/api/__init__.py"));
        touch(&root.join("services/users/app/api/routes.py"));
        let (path, base) = module_path(
            &root.join("services/users/app/api/routes.py"),
            &[root.to_path_buf()],
            &PackageDirs::default(),
        )
        .unwrap();
        assert_eq!(path, ["app", "api", "routes"]);
        assert_eq!(*base, *root.join("services/users"));
        let (init, _) = module_path(
            &root.join("services/users/app/__init__.py"),
            &[],
            &PackageDirs::default(),
        )
        .unwrap();
        assert_eq!(module_name(&init), "app");
    }

    #[test]
    fn files_outside_packages_are_named_from_the_deepest_source_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        touch(&root.join("src/tools/run.py"));
        let roots = [root.to_path_buf(), root.join("src")];
        assert_eq!(
            module_path(
                &root.join("src/tools/run.py"),
                &roots,
                &PackageDirs::default()
            )
            .unwrap()
            .0,
            ["tools", "run"]
        );
        assert_eq!(
            module_path(
                &root.join("my-scripts/run.py"),
                &roots,
                &PackageDirs::default()
            ),
            None
        );
        assert_eq!(
            module_path(&root.join("elsewhere/run.py"), &[], &PackageDirs::default())
                .unwrap()
                .0,
            ["run"]
        );
    }

    #[test]
    fn files_of_one_package_are_named_alike_from_what_its_directories_told_before() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for file in [
            "app/__init__.py",
            "app/api/__init__.py",
            "app/api/v1/__init__.py",
            "app/my-scripts/__init__.py",
            "app/my-scripts/sub/__init__.py",
        ] {
            touch(&root.join(file));
        }
        let packages = PackageDirs::default();
        let name = |file: &str| {
            module_path(&root.join(file), &[], &packages).map(|(path, base)| (path.join("."), base))
        };
        // The deepest first: the directories above it are known when the others are asked.
        assert_eq!(
            name("app/api/v1/users.py"),
            Some(("app.api.v1.users".to_string(), Arc::from(root)))
        );
        assert_eq!(
            name("app/api/routes.py"),
            Some(("app.api.routes".to_string(), Arc::from(root)))
        );
        assert_eq!(
            name("app/main.py"),
            Some(("app.main".to_string(), Arc::from(root)))
        );
        assert_eq!(name("app/api/my-module.py"), None);
        // A package below one whose name is not an identifier cannot be imported either.
        assert_eq!(name("app/my-scripts/sub/run.py"), None);
        assert_eq!(name("app/my-scripts/run.py"), None);
    }
}
