//! The one place where rule codes are declared.
//!
//! Everything that lists rules (the `rule` command, the Python `rules()` API, SARIF metadata, the
//! README table) reads this table; each rule's documentation is the doc comment in its own file.

use std::fmt::{self, Write as _};

use crate::roles::{CodeRole, Roles};
use crate::rules;
use crate::versions::PydanticMajor;

/// Whether a rule is on by default or needs `--preview`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RuleGroup {
    Stable,
    /// Only selected with `--preview` / `preview = true`: its precision on real code is unproven.
    Preview,
}

/// Whether the rule can offer a fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FixAvailability {
    None,
    Sometimes,
    Always,
}

impl FixAvailability {
    pub const fn as_str(self) -> &'static str {
        match self {
            FixAvailability::None => "None",
            FixAvailability::Sometimes => "Fix is sometimes available.",
            FixAvailability::Always => "Fix is always available.",
        }
    }
}

/// Declares a rule's documentation: the doc comment on the struct is captured as `DOCS`.
macro_rules! rule_docs {
    ($(#[doc = $doc:literal])+ pub struct $name:ident;) => {
        $(#[doc = $doc])+
        pub struct $name;
        impl $name {
            pub const DOCS: &'static str = concat!($($doc, "\n"),+);
        }
    };
}
pub(crate) use rule_docs;

macro_rules! declare_rules {
    ($($variant:ident => ($code:literal, $name:literal, $group:ident, $fix:ident, $roles:ident, $pydantic:ident, $docs:path);)+) => {
        /// Every rule fastapi-lint knows, in code order.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule {
            $($variant,)+
        }

        impl Rule {
            /// All rules in code order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)+];

            pub const fn code(self) -> &'static str {
                match self {
                    $(Rule::$variant => $code,)+
                }
            }

            /// The kebab-case name (`blocking-sleep-in-async`).
            pub const fn name(self) -> &'static str {
                match self {
                    $(Rule::$variant => $name,)+
                }
            }

            pub const fn group(self) -> RuleGroup {
                match self {
                    $(Rule::$variant => RuleGroup::$group,)+
                }
            }

            pub const fn fix_availability(self) -> FixAvailability {
                match self {
                    $(Rule::$variant => FixAvailability::$fix,)+
                }
            }

            /// The Pydantic major version whose code the rule's findings and fixes are true for
            /// (`None`: any); in a project whose version is another or unknown it is silent.
            pub const fn pydantic(self) -> Option<PydanticMajor> {
                match self {
                    $(Rule::$variant => PydanticFor::$pydantic,)+
                }
            }

            /// The code roles the rule applies to ([`crate::roles`]).
            pub const fn roles(self) -> Roles {
                match self {
                    $(Rule::$variant => RuleRoles::$roles,)+
                }
            }

            /// The rule's documentation in Markdown, taken from its doc comment.
            pub fn docs(self) -> String {
                let raw = match self {
                    $(Rule::$variant => { use $docs as Docs; Docs::DOCS },)+
                };
                unindent_doc(raw)
            }
        }
    };
}

declare_rules! {
    BlockingSleepInAsync => ("FAPI101", "blocking-sleep-in-async", Stable, Sometimes, APP, ANY, rules::blocking::sleep::BlockingSleepInAsync);
    BlockingHttpInAsync => ("FAPI102", "blocking-http-in-async", Stable, None, APP, ANY, rules::blocking::http::BlockingHttpInAsync);
    BlockingFileIoInAsync => ("FAPI103", "blocking-file-io-in-async", Preview, None, APP, ANY, rules::blocking::file_io::BlockingFileIoInAsync);
    BlockingDbInAsync => ("FAPI104", "blocking-db-in-async", Stable, None, APP, ANY, rules::blocking::db::BlockingDbInAsync);
    BlockingSubprocessInAsync => ("FAPI105", "blocking-subprocess-in-async", Stable, None, APP, ANY, rules::blocking::subprocess::BlockingSubprocessInAsync);
    BlockingCallThroughHelper => ("FAPI106", "blocking-call-through-helper", Preview, None, APP, ANY, rules::blocking::call_through_helper::BlockingCallThroughHelper);
    SyncPrimitiveInAsync => ("FAPI107", "sync-primitive-in-async", Stable, None, APP, ANY, rules::blocking::sync_primitive::SyncPrimitiveInAsync);
    CpuHeavyCallInRoute => ("FAPI201", "cpu-heavy-call-in-route", Stable, None, APP, ANY, rules::heavy::cpu_heavy_call::CpuHeavyCallInRoute);
    ModelLoadedPerRequest => ("FAPI202", "model-loaded-per-request", Stable, None, APP, ANY, rules::heavy::model_loaded_per_request::ModelLoadedPerRequest);
    SideEffectBeforeResponse => ("FAPI301", "side-effect-before-response", Preview, Sometimes, APP, ANY, rules::responsiveness::side_effect_before_response::SideEffectBeforeResponse);
    HeavyBackgroundTask => ("FAPI302", "heavy-background-task", Preview, None, APP, ANY, rules::responsiveness::heavy_background_task::HeavyBackgroundTask);
    OpenapiDocsAlwaysOn => ("FAPI401", "openapi-docs-always-on", Preview, None, APP, ANY, rules::production::openapi_docs_always_on::OpenapiDocsAlwaysOn);
    DebugEnabled => ("FAPI402", "debug-enabled", Stable, None, APP, ANY, rules::production::debug_enabled::DebugEnabled);
    CorsWildcardWithCredentials => ("FAPI403", "cors-wildcard-with-credentials", Stable, None, APP, ANY, rules::production::cors_wildcard_with_credentials::CorsWildcardWithCredentials);
    DirectBasemodelSubclass => ("FAPI501", "direct-basemodel-subclass", Preview, None, APP_AND_LIBRARY, ANY, rules::pydantic::direct_basemodel_subclass::DirectBasemodelSubclass);
    PydanticV1ConfigClass => ("FAPI502", "pydantic-v1-config-class", Stable, Sometimes, APP_AND_LIBRARY, V2, rules::pydantic::v1_config_class::PydanticV1ConfigClass);
    DeprecatedJsonEncoders => ("FAPI503", "deprecated-json-encoders", Stable, Sometimes, APP_AND_LIBRARY, V2, rules::pydantic::deprecated_json_encoders::DeprecatedJsonEncoders);
    ResponseModelBuiltByHand => ("FAPI504", "response-model-built-by-hand", Stable, Sometimes, APP, V1, rules::pydantic::response_model_built_by_hand::ResponseModelBuiltByHand);
    ValidationInRoute => ("FAPI505", "validation-in-route", Preview, None, APP, ANY, rules::validation::validation_in_route::ValidationInRoute);
    OwnershipCheckInRoute => ("FAPI506", "ownership-check-in-route", Preview, None, APP, ANY, rules::validation::ownership_check_in_route::OwnershipCheckInRoute);
    ClientCreatedPerRequest => ("FAPI601", "client-created-per-request", Stable, None, APP, ANY, rules::lifecycle::client_created_per_request::ClientCreatedPerRequest);
    GlobalPoolInLifespan => ("FAPI602", "global-pool-in-lifespan", Preview, None, APP, ANY, rules::lifecycle::global_pool_in_lifespan::GlobalPoolInLifespan);
    OnEventHandler => ("FAPI603", "on-event-handler", Stable, Sometimes, APP, ANY, rules::lifecycle::on_event_handler::OnEventHandler);
    YieldDependencyWithoutFinally => ("FAPI604", "yield-dependency-without-finally", Stable, None, APP, ANY, rules::lifecycle::yield_dependency_without_finally::YieldDependencyWithoutFinally);
    LifespanWithoutCleanup => ("FAPI605", "lifespan-without-cleanup", Preview, None, APP, ANY, rules::lifecycle::lifespan_without_cleanup::LifespanWithoutCleanup);
    HardcodedSecret => ("FAPI701", "hardcoded-secret", Preview, None, ALL_BUT_TESTS, ANY, rules::settings::hardcoded_secret::HardcodedSecret);
    EnvironOutsideSettings => ("FAPI702", "environ-outside-settings", Preview, None, APP, ANY, rules::settings::environ_outside_settings::EnvironOutsideSettings);
    PydanticV1BasesettingsImport => ("FAPI703", "pydantic-v1-basesettings-import", Stable, Sometimes, ALL_BUT_TESTS, V2, rules::settings::v1_basesettings_import::PydanticV1BasesettingsImport);
    DotenvNotGitignored => ("FAPI704", "dotenv-not-gitignored", Stable, None, ALL, ANY, rules::settings::dotenv_not_gitignored::DotenvNotGitignored);
    SettingsBuiltPerRequest => ("FAPI705", "settings-built-per-request", Stable, None, APP, ANY, rules::settings::settings_built_per_request::SettingsBuiltPerRequest);
    PrintInAppCode => ("FAPI801", "print-in-app-code", Stable, None, APP, ANY, rules::logging::print_in_app_code::PrintInAppCode);
    EagerLogFormatting => ("FAPI802", "eager-log-formatting", Preview, Sometimes, APP_AND_LIBRARY, ANY, rules::logging::eager_log_formatting::EagerLogFormatting);
    RootLoggerCall => ("FAPI803", "root-logger-call", Stable, None, APP, ANY, rules::logging::root_logger_call::RootLoggerCall);
    UnusedNoqa => ("FAPI900", "unused-noqa", Stable, Always, ALL, ANY, rules::noqa::unused_noqa::UnusedNoqa);
    FastApiRedundantResponseModel => ("FAST001", "fast-api-redundant-response-model", Stable, Always, ALL, ANY, rules::fast::redundant_response_model::FastApiRedundantResponseModel);
    FastApiNonAnnotatedDependency => ("FAST002", "fast-api-non-annotated-dependency", Stable, Sometimes, ALL, ANY, rules::fast::non_annotated_dependency::FastApiNonAnnotatedDependency);
    FastApiUnusedPathParameter => ("FAST003", "fast-api-unused-path-parameter", Stable, Sometimes, ALL, ANY, rules::fast::unused_path_parameter::FastApiUnusedPathParameter);
}

/// The role sets rules declare, by name (the table above names them).
struct RuleRoles;

impl RuleRoles {
    /// Request time and production: code that serves requests.
    const APP: Roles = Roles::APP;
    /// Code the app runs, and library code it may run: models, logging.
    const APP_AND_LIBRARY: Roles = Roles::APP.with(Roles::LIBRARY);
    /// What is wrong wherever it is written, except in tests, whose values are fixtures.
    const ALL_BUT_TESTS: Roles = Roles::APP.with(Roles::LIBRARY).with(Roles::SCRIPT);
    /// Ruff's rules, `# noqa` bookkeeping and files: everywhere, as in Ruff.
    const ALL: Roles = Roles::ALL;
}

/// The Pydantic versions rules declare, by name.
struct PydanticFor;

impl PydanticFor {
    const ANY: Option<PydanticMajor> = None;
    const V1: Option<PydanticMajor> = Some(PydanticMajor::V1);
    const V2: Option<PydanticMajor> = Some(PydanticMajor::V2);
}

/// A rule is stored by its code (the CLI's cache), so that a cache never maps a code to
/// another rule when rules are added.
impl serde::Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> serde::Deserialize<'de> for Rule {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = std::borrow::Cow::<str>::deserialize(deserializer)?;
        Rule::from_code(&code)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown rule code `{code}`")))
    }
}

/// Where a rule's documentation lives on the web.
const FAPI_DOCS_BASE: &str = "https://fastapi-lint.readthedocs.io/en/latest/rules/";
const RUFF_DOCS_BASE: &str = "https://docs.astral.sh/ruff/rules/";

impl Rule {
    /// The alphabetic part of the code: `FAST` or `FAPI`.
    pub fn linter(self) -> &'static str {
        let code = self.code();
        let digits = code
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(code.len());
        &code[..digits]
    }

    /// The numeric part of the code: `101`.
    pub fn code_digits(self) -> &'static str {
        &self.code()[self.linter().len()..]
    }

    /// The documentation URL: Ruff's own page for Ruff's FAST rules, ours for FAPI rules.
    pub fn url(self) -> String {
        if self.linter() == "FAST" {
            format!("{RUFF_DOCS_BASE}{}", self.name())
        } else {
            format!("{FAPI_DOCS_BASE}{}", self.name())
        }
    }

    /// Where the rule applies, for its documentation: the code roles (when not all) and the
    /// Pydantic version (when one). `None` for a rule that applies everywhere.
    pub fn scope_note(self) -> Option<String> {
        let roles = self.roles();
        let mut note = String::new();
        if roles != Roles::ALL {
            let names = roles.iter().map(crate::CodeRole::name).collect::<Vec<_>>();
            let names = match names.as_slice() {
                [one] => (*one).to_string(),
                [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
                [] => String::new(),
            };
            let _ = write!(
                note,
                "Applies to {names} code (see `fastapi-lint check --show-roles`)."
            );
        }
        if let Some(major) = self.pydantic() {
            if !note.is_empty() {
                note.push(' ');
            }
            let _ = write!(note, "Only in projects that run {major}.");
        }
        (!note.is_empty()).then_some(note)
    }

    pub fn from_code(code: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|rule| rule.code() == code)
    }

    /// The first sentence of "What it does", for one-line listings (the README table, SARIF's
    /// short description, `rules()`). A sentence that introduces a list ends with `:`; it is
    /// closed with a period instead.
    pub fn summary(self) -> String {
        let docs = self.docs();
        let body = docs.split("## What it does").nth(1).unwrap_or(&docs);
        let paragraph = body.trim_start().split("\n\n").next().unwrap_or_default();
        let words: Vec<&str> = paragraph.split_whitespace().collect();
        // A sentence ends at a word ending in `.` or `:` outside backticks (`time.sleep` has
        // its period inside a word, so it never ends one).
        let mut in_code = false;
        let mut end = words.len();
        for (i, word) in words.iter().enumerate() {
            in_code ^= word.matches('`').count() % 2 == 1;
            if !in_code
                && (word.ends_with('.') || word.ends_with(':'))
                && !matches!(*word, "e.g." | "i.e." | "etc.")
            {
                end = i + 1;
                break;
            }
        }
        let sentence = words[..end].join(" ");
        match sentence.strip_suffix(':') {
            Some(head) => format!("{head}."),
            None => sentence,
        }
    }

    pub const fn is_preview(self) -> bool {
        matches!(self.group(), RuleGroup::Preview)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// `///` comments arrive with one leading space per line; Markdown wants it gone.
fn unindent_doc(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for line in raw.lines() {
        out.push_str(line.strip_prefix(' ').unwrap_or(line));
        out.push('\n');
    }
    out.trim_end().to_string() + "\n"
}

/// A set of rules as a bit set (the registry stays well under 128 rules).
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct RuleSet(u128);

const _: () = assert!(Rule::ALL.len() <= 128, "RuleSet holds at most 128 rules");

impl RuleSet {
    pub const fn empty() -> Self {
        Self(0)
    }

    pub fn all() -> Self {
        Rule::ALL.iter().copied().collect()
    }

    pub fn insert(&mut self, rule: Rule) {
        self.0 |= 1u128 << (rule as u8);
    }

    pub fn remove(&mut self, rule: Rule) {
        self.0 &= !(1u128 << (rule as u8));
    }

    pub const fn contains(&self, rule: Rule) -> bool {
        self.0 & (1u128 << (rule as u8)) != 0
    }

    pub const fn is_empty(&self) -> bool {
        self.0 == 0
    }

    pub fn iter(&self) -> impl Iterator<Item = Rule> + '_ {
        Rule::ALL
            .iter()
            .copied()
            .filter(|rule| self.contains(*rule))
    }

    /// These rules less those whose findings hold for another Pydantic version than `major`
    /// (all of those when the version is unknown).
    #[must_use]
    pub fn for_pydantic(&self, major: Option<PydanticMajor>) -> Self {
        let mut rules = *self;
        for rule in self.iter() {
            if rule.pydantic().is_some_and(|wanted| Some(wanted) != major) {
                rules.remove(rule);
            }
        }
        rules
    }

    /// These rules less those that do not apply to files of `role`.
    #[must_use]
    pub fn for_role(&self, role: CodeRole) -> Self {
        let mut rules = *self;
        for rule in self.iter() {
            if !rule.roles().contains(role) {
                rules.remove(rule);
            }
        }
        rules
    }

    /// The rules whose codes start with `prefix` (`FAPI1`: the blocking family).
    /// A `const fn`, so that each family's set is a constant: dispatch asks for it at every
    /// node.
    pub const fn with_code_prefix(prefix: &str) -> Self {
        let prefix = prefix.as_bytes();
        let mut bits = 0u128;
        let mut index = 0;
        while index < Rule::ALL.len() {
            let rule = Rule::ALL[index];
            let code = rule.code().as_bytes();
            let mut matches = code.len() >= prefix.len();
            let mut byte = 0;
            while matches && byte < prefix.len() {
                matches = code[byte] == prefix[byte];
                byte += 1;
            }
            if matches {
                bits |= 1u128 << (rule as u8);
            }
            index += 1;
        }
        Self(bits)
    }

    pub const fn intersects(&self, other: &RuleSet) -> bool {
        self.0 & other.0 != 0
    }

    #[must_use]
    pub fn union(self, other: RuleSet) -> RuleSet {
        RuleSet(self.0 | other.0)
    }

    #[must_use]
    pub fn intersection(self, other: RuleSet) -> RuleSet {
        RuleSet(self.0 & other.0)
    }

    #[must_use]
    pub fn difference(self, other: RuleSet) -> RuleSet {
        RuleSet(self.0 & !other.0)
    }
}

impl FromIterator<Rule> for RuleSet {
    fn from_iter<T: IntoIterator<Item = Rule>>(iter: T) -> Self {
        let mut set = RuleSet::empty();
        for rule in iter {
            set.insert(rule);
        }
        set
    }
}

impl fmt::Debug for RuleSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter().map(Rule::code)).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_sorted() {
        let codes: Vec<&str> = Rule::ALL.iter().map(|rule| rule.code()).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(codes, sorted);
    }

    #[test]
    fn every_rule_documents_the_required_sections() {
        for rule in Rule::ALL {
            let docs = rule.docs();
            for section in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "Use instead:",
            ] {
                assert!(
                    docs.contains(section),
                    "{} docs lack {section:?}",
                    rule.code()
                );
            }
            if rule.fix_availability() != FixAvailability::None {
                assert!(
                    docs.contains("## Fix safety"),
                    "{} has a fix but no `## Fix safety`",
                    rule.code()
                );
            }
            assert!(!rule.summary().is_empty(), "{} has no summary", rule.code());
        }
    }

    #[test]
    fn summaries_are_one_sentence() {
        for rule in Rule::ALL {
            let summary = rule.summary();
            assert!(summary.ends_with('.'), "{}: {summary}", rule.code());
            assert!(
                !summary[..summary.len() - 1].contains(". "),
                "{}: {summary}",
                rule.code()
            );
        }
    }

    #[test]
    fn names_are_kebab_case() {
        for rule in Rule::ALL {
            assert!(
                rule.name()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}",
                rule.name()
            );
        }
    }

    #[test]
    fn rule_set_round_trips() {
        let mut set = RuleSet::empty();
        set.insert(Rule::BlockingSleepInAsync);
        assert!(set.contains(Rule::BlockingSleepInAsync));
        assert!(!set.contains(Rule::BlockingHttpInAsync));
        set.remove(Rule::BlockingSleepInAsync);
        assert!(set.is_empty());
    }
}
