//! `per-file-ignores`: glob → rules switched off for the files it matches; `!glob` switches them
//! off for the files it does not match.

use std::path::Path;

use anyhow::Result;
use fastapi_lint_core::RuleSet;

use super::patterns::{FilePattern, PathMatcher};
use super::{Origin, parse_selectors};

/// One entry as configured.
#[derive(Clone, Debug)]
pub struct PerFileIgnore {
    pattern: FilePattern,
    negated: bool,
    rules: RuleSet,
}

impl PerFileIgnore {
    /// `pattern` anchored at `project_root`; `codes` are selectors (`FAST`, `FAPI101`).
    pub fn new(
        pattern: &str,
        codes: &[String],
        project_root: &Path,
        key: &str,
        origin: &Origin,
    ) -> Result<Self> {
        let (negated, pattern) = match pattern.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, pattern),
        };
        // Ignoring reaches preview rules too: ignoring one is never a surprise.
        let rules = parse_selectors(codes, key, origin)?
            .iter()
            .fold(RuleSet::empty(), |set, selector| {
                set.union(selector.rules(true))
            });
        Ok(Self {
            pattern: FilePattern::new(pattern, project_root),
            negated,
            rules,
        })
    }
}

/// The compiled entries of one settings set.
#[derive(Clone, Debug, Default)]
pub struct PerFileIgnores(Vec<(PathMatcher, bool, RuleSet)>);

impl PerFileIgnores {
    pub fn new(entries: Vec<PerFileIgnore>) -> Result<Self> {
        entries
            .into_iter()
            .map(|entry| {
                Ok((
                    PathMatcher::new([&entry.pattern])?,
                    entry.negated,
                    entry.rules,
                ))
            })
            .collect::<Result<_>>()
            .map(Self)
    }

    /// The rules ignored for the absolute `path`.
    pub fn ignored_rules(&self, path: &Path) -> RuleSet {
        self.0
            .iter()
            .filter(|(matcher, negated, _)| matcher.is_match(path) != *negated)
            .fold(RuleSet::empty(), |set, (_, _, rules)| set.union(*rules))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fastapi_lint_core::Rule;

    fn ignores(entries: &[(&str, &[&str])]) -> PerFileIgnores {
        let root = Path::new("/project");
        PerFileIgnores::new(
            entries
                .iter()
                .map(|(pattern, codes)| {
                    let codes: Vec<String> = codes.iter().map(ToString::to_string).collect();
                    PerFileIgnore::new(pattern, &codes, root, "per-file-ignores", &Origin::Cli)
                        .unwrap()
                })
                .collect(),
        )
        .unwrap()
    }

    #[test]
    fn globs_match_basename_or_project_relative_path() {
        let ignores = ignores(&[("tests/*", &["FAST"]), ("conftest.py", &["FAPI101"])]);
        let in_tests = ignores.ignored_rules(Path::new("/project/tests/test_api.py"));
        assert!(in_tests.contains(Rule::FastApiRedundantResponseModel));
        assert!(!in_tests.contains(Rule::BlockingSleepInAsync));
        let conftest = ignores.ignored_rules(Path::new("/project/pkg/conftest.py"));
        assert!(conftest.contains(Rule::BlockingSleepInAsync));
        assert!(!conftest.contains(Rule::FastApiRedundantResponseModel));
        assert!(
            ignores
                .ignored_rules(Path::new("/project/app.py"))
                .is_empty()
        );
    }

    #[test]
    fn negated_globs_apply_to_everything_else() {
        let ignores = ignores(&[("!app/**", &["FAPI1"])]);
        assert!(
            ignores
                .ignored_rules(Path::new("/project/app/main.py"))
                .is_empty()
        );
        assert!(
            ignores
                .ignored_rules(Path::new("/project/scripts/run.py"))
                .contains(Rule::BlockingHttpInAsync)
        );
    }

    #[test]
    fn unknown_codes_are_errors_naming_the_key() {
        let error = PerFileIgnore::new(
            "x.py",
            &["FAST9".to_string()],
            Path::new("/p"),
            "per-file-ignores",
            &Origin::Cli,
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "Unknown rule selector `FAST9` in `per-file-ignores` from the CLI"
        );
    }
}
