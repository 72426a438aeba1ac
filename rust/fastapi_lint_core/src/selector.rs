//! Rule selectors as Ruff reads them: `ALL`, a linter (`FAPI`), a code prefix (`FAPI1`), a code.

use std::fmt;
use std::str::FromStr;

use crate::registry::{Rule, RuleSet};

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RuleSelector {
    All,
    /// A code prefix, from a whole linter (`FAPI`) down to a code (`FAPI101`).
    Prefix(String),
}

/// The selector matched no rule we know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownSelector(pub String);

impl fmt::Display for UnknownSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Unknown rule selector: `{}`", self.0)
    }
}

impl std::error::Error for UnknownSelector {}

impl FromStr for RuleSelector {
    type Err = UnknownSelector;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "ALL" {
            return Ok(RuleSelector::All);
        }
        // A selector must be a linter's letters followed by a prefix of a code's digits.
        if !s.is_empty()
            && Rule::ALL
                .iter()
                .any(|rule| rule.code().starts_with(s) && s.len() >= rule.linter().len())
        {
            Ok(RuleSelector::Prefix(s.to_string()))
        } else {
            Err(UnknownSelector(s.to_string()))
        }
    }
}

impl fmt::Display for RuleSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RuleSelector::All => f.write_str("ALL"),
            RuleSelector::Prefix(prefix) => f.write_str(prefix),
        }
    }
}

/// How specific a selector is: the more specific one wins within a layer, as in Ruff.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Specificity(u8);

impl RuleSelector {
    pub fn specificity(&self) -> Specificity {
        match self {
            RuleSelector::All => Specificity(0),
            RuleSelector::Prefix(prefix) => {
                let digits = prefix.chars().filter(char::is_ascii_digit).count();
                Specificity(1 + u8::try_from(digits).unwrap_or(u8::MAX - 1))
            }
        }
    }

    /// Whether the selector names exactly one rule by its full code.
    pub fn exact_rule(&self) -> Option<Rule> {
        match self {
            RuleSelector::All => None,
            RuleSelector::Prefix(prefix) => Rule::from_code(prefix),
        }
    }

    /// The rules this selector names. Preview rules are only reached through a prefix when
    /// preview is on; an exact code reaches a preview rule only with preview on, too (Ruff warns
    /// about that case and so does our CLI).
    pub fn rules(&self, preview: bool) -> RuleSet {
        Rule::ALL
            .iter()
            .copied()
            .filter(|rule| preview || !rule.is_preview())
            .filter(|rule| match self {
                RuleSelector::All => true,
                RuleSelector::Prefix(prefix) => rule.code().starts_with(prefix.as_str()),
            })
            .collect()
    }
}

/// One configuration layer's selection (`select` replaces, `extend-select`/`ignore` adjust).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleSelection {
    pub select: Option<Vec<RuleSelector>>,
    pub extend_select: Vec<RuleSelector>,
    pub ignore: Vec<RuleSelector>,
}

/// Applies layers in order (extended configs, then the config file, then the CLI) to the default
/// selection, as Ruff does: within a layer, selectors apply from least to most specific, and at
/// equal specificity `ignore` wins over `select`.
pub fn resolve_rules(default: &[RuleSelector], layers: &[RuleSelection], preview: bool) -> RuleSet {
    let mut enabled: RuleSet = default.iter().fold(RuleSet::empty(), |set, selector| {
        set.union(selector.rules(preview))
    });
    for layer in layers {
        let mut selects: Vec<&RuleSelector> = layer.extend_select.iter().collect();
        if let Some(select) = &layer.select {
            enabled = RuleSet::empty();
            selects.extend(select.iter());
        }
        let mut levels: Vec<Specificity> = selects
            .iter()
            .chain(layer.ignore.iter().collect::<Vec<_>>().iter())
            .map(|s| s.specificity())
            .collect();
        levels.sort_unstable();
        levels.dedup();
        for level in levels {
            for selector in selects.iter().filter(|s| s.specificity() == level) {
                enabled = enabled.union(selector.rules(preview));
            }
            for selector in layer.ignore.iter().filter(|s| s.specificity() == level) {
                enabled = enabled.difference(selector.rules(true));
            }
        }
    }
    enabled
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sel(s: &str) -> RuleSelector {
        s.parse().unwrap()
    }

    #[test]
    fn parses_known_selectors_and_rejects_unknown() {
        assert_eq!(sel("ALL"), RuleSelector::All);
        assert!("FAPI".parse::<RuleSelector>().is_ok());
        assert!("FAPI1".parse::<RuleSelector>().is_ok());
        assert!("FAST001".parse::<RuleSelector>().is_ok());
        assert!("FAPI9999".parse::<RuleSelector>().is_err());
        assert!("FA".parse::<RuleSelector>().is_err());
        assert!("E501".parse::<RuleSelector>().is_err());
        assert!("".parse::<RuleSelector>().is_err());
    }

    #[test]
    fn more_specific_selector_wins_within_a_layer() {
        let layer = RuleSelection {
            select: Some(vec![sel("FAPI")]),
            extend_select: vec![sel("FAPI101")],
            ignore: vec![sel("FAPI1")],
        };
        let rules = resolve_rules(&[RuleSelector::All], &[layer], false);
        assert!(rules.contains(Rule::BlockingSleepInAsync));
        assert!(!rules.contains(Rule::BlockingHttpInAsync));
        assert!(!rules.contains(Rule::FastApiRedundantResponseModel));
    }

    #[test]
    fn ignore_wins_at_equal_specificity_and_later_layers_override() {
        let file = RuleSelection {
            select: None,
            extend_select: vec![],
            ignore: vec![sel("FAST002")],
        };
        let cli = RuleSelection {
            select: None,
            extend_select: vec![sel("FAST002")],
            ignore: vec![],
        };
        let rules = resolve_rules(&[RuleSelector::All], std::slice::from_ref(&file), false);
        assert!(!rules.contains(Rule::FastApiNonAnnotatedDependency));
        let rules = resolve_rules(&[RuleSelector::All], &[file, cli], false);
        assert!(rules.contains(Rule::FastApiNonAnnotatedDependency));
    }
}
