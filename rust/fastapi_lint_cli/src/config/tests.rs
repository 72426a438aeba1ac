//! Configuration files, `extend`, discovery and CLI layering.

use std::path::{Path, PathBuf};

use fastapi_lint_core::{PythonVersion, Rule, RuleSelection};

use super::discovery::{Discovery, Resolver};
use super::*;

/// A temporary project tree.
struct Project(tempfile::TempDir);

impl Project {
    fn new() -> Self {
        Self(tempfile::tempdir().unwrap())
    }

    fn root(&self) -> &Path {
        self.0.path()
    }

    fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.root().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    fn resolver(&self, discovery: Discovery<'_>) -> anyhow::Result<Resolver> {
        Resolver::new(discovery, Configuration::defaults(self.root()), self.root())
    }
}

fn load_settings(path: &Path) -> Settings {
    Configuration::load(path).unwrap().into_settings().unwrap()
}

fn error_chain(error: &anyhow::Error) -> String {
    format!("{error:#}")
}

#[test]
fn pyproject_table_with_lint_subtable() {
    let project = Project::new();
    let path = project.write(
        "pyproject.toml",
        r#"
[project]
requires-python = ">=3.12"

[tool.fastapi-lint]
preview = true
src = ["src"]

[tool.fastapi-lint.lint]
select = ["FAPI"]
ignore = ["FAPI1"]
extend-select = ["FAPI101"]

[tool.fastapi-lint.lint.blocking]
extra-http-calls = ["mylib.fetch"]
extra-db-calls = ["mydb.query"]
"#,
    );
    let settings = load_settings(&path);
    assert!(settings.linter.rules.contains(Rule::BlockingSleepInAsync));
    assert!(!settings.linter.rules.contains(Rule::BlockingHttpInAsync));
    assert!(
        !settings
            .linter
            .rules
            .contains(Rule::FastApiRedundantResponseModel)
    );
    assert_eq!(settings.linter.target_version, PythonVersion::PY312);
    assert!(settings.linter.preview);
    assert_eq!(settings.linter.blocking.extra_http_calls, ["mylib.fetch"]);
    assert_eq!(settings.linter.blocking.extra_db_calls, ["mydb.query"]);
    assert!(settings.linter.blocking.extra_file_calls.is_empty());
    assert_eq!(settings.src, [project.root().join("src")]);
    assert_eq!(settings.project_root, project.root());
}

#[test]
fn heavy_table_sets_extra_heavy_calls_and_extend_inherits_it() {
    let project = Project::new();
    let base = project.write(
        "pyproject.toml",
        "[tool.fastapi-lint.lint.heavy]\nextra-heavy-calls = [\"mylib.render\", \"pdf.*\"]\n",
    );
    assert_eq!(
        load_settings(&base).linter.heavy.extra_heavy_calls,
        ["mylib.render", "pdf.*"]
    );
    let child = project.write("app/fastapi-lint.toml", "extend = \"../pyproject.toml\"\n");
    assert_eq!(
        load_settings(&child).linter.heavy.extra_heavy_calls,
        ["mylib.render", "pdf.*"]
    );
    let defaults = Configuration::defaults(project.root())
        .into_settings()
        .unwrap();
    assert!(defaults.linter.heavy.extra_heavy_calls.is_empty());

    let path = project.write(
        "other/fastapi-lint.toml",
        "[lint.heavy]\nextra-calls = []\n",
    );
    let message = error_chain(&Configuration::load(&path).unwrap_err());
    assert!(message.contains("unknown field `extra-calls`"), "{message}");
}

#[test]
fn settings_table_configures_secret_names_and_settings_modules() {
    let project = Project::new();
    let path = project.write(
        "pyproject.toml",
        r#"
[tool.fastapi-lint.lint.settings]
extend-secret-name-patterns = ["*_dsn"]
settings-modules = ["app/core/*.py"]
"#,
    );
    let settings = load_settings(&path).linter.settings;
    assert_eq!(settings.extend_secret_name_patterns, ["*_dsn"]);
    assert_eq!(settings.settings_modules, ["app/core/*.py"]);
    // Keys left out keep their defaults.
    assert!(
        settings
            .secret_name_patterns
            .contains(&"*password*".to_string())
    );

    let path = project.write(
        "fastapi-lint.toml",
        "[lint.settings]
secret-names = []
",
    );
    let message = error_chain(&Configuration::load(&path).unwrap_err());
    assert!(
        message.contains("unknown field `secret-names`"),
        "{message}"
    );
}

#[test]
fn defaults_select_all_stable_rules_for_py310() {
    let settings = Configuration::defaults(Path::new("/p"))
        .into_settings()
        .unwrap();
    assert!(
        Rule::ALL
            .iter()
            .filter(|rule| !rule.is_preview())
            .all(|rule| settings.linter.rules.contains(*rule))
    );
    assert_eq!(settings.linter.target_version, PythonVersion::PY310);
    // Without a configured target, syntax is checked against the latest Python, as in Ruff.
    assert_eq!(settings.linter.parser_version, PythonVersion::latest());
    assert!(settings.respect_gitignore);
    assert!(!settings.force_exclude);
}

#[test]
fn explicit_target_version_beats_requires_python() {
    let project = Project::new();
    let path = project.write(
        "pyproject.toml",
        "[project]\nrequires-python = \">=3.9\"\n[tool.fastapi-lint]\ntarget-version = \"py313\"\n",
    );
    assert_eq!(
        load_settings(&path).linter.target_version,
        PythonVersion::PY313
    );
    assert_eq!(
        load_settings(&path).linter.parser_version,
        PythonVersion::PY313
    );
    // A dedicated file reads `requires-python` from the `pyproject.toml` beside it.
    let dedicated = project.write("fastapi-lint.toml", "");
    assert_eq!(
        load_settings(&dedicated).linter.target_version,
        PythonVersion::PY39
    );
}

#[test]
fn unknown_keys_name_the_file_and_key() {
    let project = Project::new();
    let path = project.write("fastapi-lint.toml", "[lint]\nselct = [\"FAST\"]\n");
    let message = error_chain(&Configuration::load(&path).unwrap_err());
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("unknown field `selct`"), "{message}");

    let project = Project::new();
    let path = project.write(
        "pyproject.toml",
        "[tool.fastapi-lint]\ntarget-version = \"py2\"\n",
    );
    let message = error_chain(&project.resolver(Discovery::Hierarchical).err().unwrap());
    assert!(message.contains("Failed to parse"), "{message}");
    assert!(message.contains("unknown variant `py2`"), "{message}");
    assert!(message.contains(&path.display().to_string()), "{message}");
}

#[test]
fn unknown_selectors_name_the_key_and_file() {
    let project = Project::new();
    let path = project.write(
        "fastapi-lint.toml",
        "[lint.per-file-ignores]\n\"tests/*\" = [\"FAST9\"]\n",
    );
    let message = Configuration::load(&path).unwrap_err().to_string();
    assert_eq!(
        message,
        format!(
            "Unknown rule selector `FAST9` in `per-file-ignores` from `{}`",
            path.display()
        )
    );
    let path = project.write("fastapi-lint.toml", "select = [\"E501\"]\n");
    let message = Configuration::load(&path).unwrap_err().to_string();
    assert_eq!(
        message,
        format!(
            "Unknown rule selector `E501` in `select` from `{}`",
            path.display()
        )
    );
}

#[test]
fn extend_inherits_relative_to_the_file_and_layers_selection() {
    let project = Project::new();
    project.write(
        "base/fastapi-lint.toml",
        "target-version = \"py311\"\n[lint]\nselect = [\"FAST\"]\n",
    );
    let child = project.write("app/fastapi-lint.toml", "extend = \"../base/fastapi-lint.toml\"\n[lint]\nextend-select = [\"FAPI101\"]\nignore = [\"FAST002\"]\n");
    let settings = load_settings(&child);
    let enabled: Vec<Rule> = settings.linter.rules.iter().collect();
    assert_eq!(
        enabled,
        [
            Rule::BlockingSleepInAsync,
            Rule::FastApiRedundantResponseModel,
            Rule::FastApiUnusedPathParameter
        ]
    );
    assert_eq!(settings.linter.target_version, PythonVersion::PY311);
    assert_eq!(settings.project_root, project.root().join("app"));
}

#[test]
fn a_long_extend_chain_loads_without_recursion() {
    // Each link extends the next; the last one is the base. Deep enough to overflow the
    // stack when loaded recursively (737 links did, on the main thread).
    let project = Project::new();
    let links = 3000;
    project.write(
        &format!("c{links}.toml"),
        "target-version = \"py311\"\n[lint]\nselect = [\"FAST\"]\n",
    );
    for link in (0..links).rev() {
        let extra = if link == 0 {
            "[lint]\nextend-select = [\"FAPI101\"]\n"
        } else {
            ""
        };
        project.write(
            &format!("c{link}.toml"),
            &format!("extend = \"c{}.toml\"\n{extra}", link + 1),
        );
    }
    let settings = load_settings(&project.root().join("c0.toml"));
    assert_eq!(
        settings.linter.target_version,
        PythonVersion::PY311,
        "the base's value reaches the first link"
    );
    assert!(
        settings.linter.rules.contains(Rule::BlockingSleepInAsync),
        "the first link's selection is layered last"
    );
    assert!(
        settings
            .linter
            .rules
            .contains(Rule::FastApiRedundantResponseModel)
    );
}

#[test]
fn a_broken_link_names_the_file_that_extends_it() {
    let project = Project::new();
    project.write("a.toml", "extend = \"b.toml\"\n");
    let b = project.write("b.toml", "extend = \"c.toml\"\n");
    let c = project.write("c.toml", "select = [\n");
    let message = error_chain(&Configuration::load(&project.root().join("a.toml")).unwrap_err());
    assert!(
        message.starts_with(&format!(
            "Failed to load extended configuration `{}` (`{}` extends `{}`)",
            c.display(),
            b.display(),
            c.display()
        )),
        "{message}"
    );
}

#[test]
fn circular_extend_is_an_error() {
    let project = Project::new();
    project.write("a.toml", "extend = \"b.toml\"\n");
    let b = project.write("b.toml", "extend = \"a.toml\"\n");
    let message = error_chain(&Configuration::load(&b).unwrap_err());
    assert!(
        message.contains("Circular configuration detected"),
        "{message}"
    );
}

#[test]
fn closest_configuration_wins_without_merging() {
    let project = Project::new();
    project.write(
        "pyproject.toml",
        "[tool.fastapi-lint.lint]\nignore = [\"FAPI\"]\n",
    );
    project.write("pkg/.fastapi-lint.toml", "[lint]\nselect = [\"FAPI101\"]\n");
    project.write("pkg/fastapi-lint.toml", "[lint]\nselect = [\"FAST\"]\n");
    // A pyproject.toml without our table does not stop the search.
    project.write("pkg/sub/pyproject.toml", "[tool.ruff]\nline-length = 100\n");
    let resolver = project.resolver(Discovery::Hierarchical).unwrap();

    let root_file = resolver
        .settings_for(&project.root().join("main.py"))
        .unwrap();
    assert!(!root_file.linter.rules.contains(Rule::BlockingSleepInAsync));
    assert!(
        root_file
            .linter
            .rules
            .contains(Rule::FastApiRedundantResponseModel)
    );

    // `.fastapi-lint.toml` beats `fastapi-lint.toml`, and nothing is inherited from the root.
    let nested = resolver
        .settings_for(&project.root().join("pkg/sub/deep.py"))
        .unwrap();
    assert_eq!(
        nested.linter.rules.iter().collect::<Vec<_>>(),
        [Rule::BlockingSleepInAsync]
    );
}

#[test]
fn configuration_is_found_from_an_ancestor_of_the_working_directory() {
    let project = Project::new();
    project.write("fastapi-lint.toml", "[lint]\nselect = [\"FAST001\"]\n");
    std::fs::create_dir_all(project.root().join("sub")).unwrap();
    let resolver = Resolver::new(
        Discovery::Hierarchical,
        Configuration::defaults(project.root()),
        &project.root().join("sub"),
    )
    .unwrap();
    assert_eq!(
        resolver
            .default_settings()
            .linter
            .rules
            .iter()
            .collect::<Vec<_>>(),
        [Rule::FastApiRedundantResponseModel]
    );
    assert_eq!(resolver.default_settings().project_root, project.root());
}

#[test]
fn fixed_and_isolated_discovery_ignore_nearby_files() {
    let project = Project::new();
    project.write("pkg/fastapi-lint.toml", "[lint]\nselect = [\"FAST\"]\n");
    let fixed = project.write("ci.toml", "[lint]\nselect = [\"FAPI105\"]\n");
    let file = project.root().join("pkg/app.py");

    let resolver = project.resolver(Discovery::Fixed(&fixed)).unwrap();
    assert_eq!(
        resolver
            .settings_for(&file)
            .unwrap()
            .linter
            .rules
            .iter()
            .collect::<Vec<_>>(),
        [Rule::BlockingSubprocessInAsync]
    );

    let resolver = project.resolver(Discovery::Isolated).unwrap();
    assert_eq!(
        resolver.settings_for(&file).unwrap().linter.rules,
        Configuration::defaults(project.root())
            .into_settings()
            .unwrap()
            .linter
            .rules
    );
}

#[test]
fn cli_layer_applies_on_top_of_every_file() {
    let project = Project::new();
    project.write(
        "pkg/fastapi-lint.toml",
        "target-version = \"py39\"\n[lint]\nselect = [\"FAST\"]\n",
    );
    let cli = Configuration {
        selections: vec![RuleSelection {
            select: None,
            extend_select: vec!["FAPI101".parse().unwrap()],
            ignore: vec!["FAST001".parse().unwrap()],
        }],
        target_version: Some(options::TargetVersion::Py314),
        ..Configuration::defaults(project.root())
    };
    let resolver = Resolver::new(Discovery::Hierarchical, cli, project.root()).unwrap();
    let settings = resolver
        .settings_for(&project.root().join("pkg/app.py"))
        .unwrap();
    assert_eq!(
        settings.linter.rules.iter().collect::<Vec<_>>(),
        [
            Rule::BlockingSleepInAsync,
            Rule::FastApiNonAnnotatedDependency,
            Rule::FastApiUnusedPathParameter
        ]
    );
    assert_eq!(settings.linter.target_version, PythonVersion::PY314);
    // The file's directory stays the project root, for its globs.
    assert_eq!(settings.project_root, project.root().join("pkg"));
}

#[test]
fn per_file_ignores_are_anchored_at_the_configuration_and_extendable() {
    let project = Project::new();
    let path = project.write(
        "fastapi-lint.toml",
        "[lint.per-file-ignores]\n\"tests/*\" = [\"FAST\"]\n[lint.extend-per-file-ignores]\n\"scripts/*.py\" = [\"FAPI101\"]\n",
    );
    let settings = load_settings(&path);
    let in_tests = settings.linter_for(&project.root().join("tests/test_app.py"));
    assert!(!in_tests.rules.contains(Rule::FastApiRedundantResponseModel));
    assert!(in_tests.rules.contains(Rule::BlockingSleepInAsync));
    let script = settings.linter_for(&project.root().join("scripts/run.py"));
    assert!(!script.rules.contains(Rule::BlockingSleepInAsync));
    // Anchored at the project root: another tree's `tests/` is not matched by path.
    let elsewhere = settings.linter_for(Path::new("/elsewhere/tests/test_app.py"));
    assert!(
        elsewhere
            .rules
            .contains(Rule::FastApiRedundantResponseModel)
    );
}

#[test]
fn default_excludes_and_extend_exclude() {
    let project = Project::new();
    let path = project.write(
        "fastapi-lint.toml",
        "extend-exclude = [\"generated\", \"legacy/*.py\"]\n",
    );
    let settings = load_settings(&path);
    for excluded in [".venv", "node_modules", "generated", "legacy/old.py"] {
        assert!(
            settings.is_excluded(&project.root().join(excluded)),
            "{excluded}"
        );
    }
    assert!(!settings.is_excluded(&project.root().join("app.py")));
    // `exclude` replaces the defaults.
    let path = project.write("fastapi-lint.toml", "exclude = [\"only_this\"]\n");
    let settings = load_settings(&path);
    assert!(!settings.is_excluded(&project.root().join(".venv")));
    assert!(settings.is_excluded(&project.root().join("only_this")));
}

#[test]
fn responsiveness_patterns_replace_or_extend_the_defaults() {
    let project = Project::new();
    let defaults = load_settings(&project.write(
        "defaults/pyproject.toml",
        "[tool.fastapi-lint.lint]\nselect = [\"FAPI\"]\n",
    ));
    assert_eq!(
        *defaults.linter.responsiveness,
        fastapi_lint_core::rules::responsiveness::ResponsivenessOptions::default()
    );
    let extended = load_settings(&project.write(
        "extended/pyproject.toml",
        "[tool.fastapi-lint.lint.responsiveness]\nextend-side-effect-patterns = [\"publish_*\"]\n",
    ));
    let patterns: Vec<&str> = extended
        .linter
        .responsiveness
        .side_effect_patterns()
        .collect();
    assert!(
        patterns.contains(&"send_*email*") && patterns.contains(&"publish_*"),
        "{patterns:?}"
    );
    let replaced = load_settings(&project.write(
        "replaced/fastapi-lint.toml",
        "[lint.responsiveness]\nside-effect-patterns = [\"publish_*\"]\n",
    ));
    assert_eq!(
        replaced
            .linter
            .responsiveness
            .side_effect_patterns()
            .collect::<Vec<_>>(),
        ["publish_*"]
    );
    let error = Configuration::load(&project.write(
        "typo/pyproject.toml",
        "[tool.fastapi-lint.lint.responsiveness]\npatterns = []\n",
    ))
    .unwrap_err();
    assert!(
        error_chain(&error).contains("unknown field `patterns`"),
        "{}",
        error_chain(&error)
    );
}
