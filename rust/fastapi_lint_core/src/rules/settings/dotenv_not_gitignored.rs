use ruff_text_size::TextRange;

use crate::diagnostic::Diagnostic;
use crate::registry::{Rule, rule_docs};

rule_docs! {
    /// ## What it does
    /// Checks for `.env` files (`.env`, `.env.local`, `.env.production`, …) inside the linted
    /// tree of a git repository that the repository's ignore files (`.gitignore`,
    /// `.git/info/exclude`) do not ignore. Templates meant to be committed (`.env.example`,
    /// `.env.sample`, `.env.template`, `.env.dist`) are not reported.
    ///
    /// The diagnostic is reported on the `.env` file itself, at 1:1; its content is never read.
    /// Outside a git repository, or with `respect-gitignore = false`, the rule is silent.
    ///
    /// ## Why is this bad?
    /// `.env` files hold the secrets `pydantic-settings` reads: database passwords, API keys,
    /// signing keys. One `git add .` commits them to the history, where they stay even after
    /// the file is deleted, and every clone of the repository has them.
    ///
    /// ## Example
    /// ```text
    /// # .gitignore
    /// __pycache__/
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// # .gitignore
    /// __pycache__/
    /// .env
    /// .env.*
    /// !.env.example
    /// ```
    ///
    /// ## References
    /// - fastapi-lint practices, 13: "Don't hardcode secrets"
    /// - [Pydantic Settings: Dotenv (.env) support](https://docs.pydantic.dev/latest/concepts/pydantic_settings/#dotenv-env-support)
    /// - [git: gitignore](https://git-scm.com/docs/gitignore)
    pub struct DotenvNotGitignored;
}

/// Suffixes of `.env` files meant to be committed.
const TEMPLATE_SUFFIXES: &[&str] = &["example", "sample", "template", "dist", "defaults"];

/// Whether a file name is a `.env` file that holds real values.
pub fn is_dotenv(file_name: &str) -> bool {
    match file_name.strip_prefix(".env") {
        Some("") => true,
        Some(rest) => rest.strip_prefix('.').is_some_and(|suffix| {
            !suffix.is_empty()
                && !TEMPLATE_SUFFIXES
                    .iter()
                    .any(|template| suffix.split('.').any(|part| part == *template))
        }),
        None => false,
    }
}

/// The diagnostic for a `.env` file found not ignored, at the start of the file (its content
/// is never read).
pub fn diagnostic(file_name: &str) -> Diagnostic {
    let message = format!(
        "`{file_name}` is not git-ignored; its secrets can be committed by accident, add it to `.gitignore`"
    );
    Diagnostic::new(Rule::DotenvNotGitignored, message, TextRange::default())
}

#[cfg(test)]
mod tests {
    use super::is_dotenv;

    #[test]
    fn templates_are_not_dotenv_files() {
        assert!(is_dotenv(".env"));
        assert!(is_dotenv(".env.local"));
        assert!(is_dotenv(".env.production"));
        assert!(!is_dotenv(".env.example"));
        assert!(!is_dotenv(".env.production.sample"));
        assert!(!is_dotenv(".envrc"));
        assert!(!is_dotenv("app.env"));
        assert!(!is_dotenv(".env."));
    }
}
