//! Which rule was at work when a lint panicked, so that the failure names it: the user can
//! then ignore that one rule for the file and report the bug with its code.
//!
//! The checker records every enabled rule it consults ([`crate::checker::Checker::is_enabled`]);
//! the last one is the rule whose code ran, or the one before the shared code that panicked.
//! Hence "last rule consulted" in the message, not a claim of certainty.

use std::any::Any;
use std::cell::Cell;

use crate::registry::Rule;

thread_local! {
    static LAST_CONSULTED: Cell<Option<Rule>> = const { Cell::new(None) };
    /// A rule whose consultation panics, for the tests of the failure path.
    #[cfg(test)]
    static PANIC_IN: Cell<Option<Rule>> = const { Cell::new(None) };
}

pub(crate) fn consulted(rule: Rule) {
    LAST_CONSULTED.set(Some(rule));
    #[cfg(test)]
    assert!(PANIC_IN.get() != Some(rule), "injected failure");
}

/// Runs one lint on this thread; a panic is raised again with the last rule consulted added to
/// its message.
pub(crate) fn attributing_panics<T>(lint: impl FnOnce() -> T) -> T {
    LAST_CONSULTED.set(None);
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(lint));
    let rule = LAST_CONSULTED.take();
    match outcome {
        Ok(value) => value,
        Err(payload) => match rule {
            Some(rule) => std::panic::resume_unwind(Box::new(format!(
                "{} (last rule consulted: {} {})",
                panic_text(payload.as_ref()),
                rule.code(),
                rule.name()
            ))),
            None => std::panic::resume_unwind(payload),
        },
    }
}

/// The message of a panic's payload (`panic!` makes a `&str` or a `String`).
pub fn panic_text(payload: &(dyn Any + Send)) -> &str {
    if let Some(message) = payload.downcast_ref::<&str>() {
        message
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message
    } else {
        "unknown panic"
    }
}

#[cfg(test)]
pub(crate) fn panic_in(rule: Option<Rule>) {
    PANIC_IN.set(rule);
}

#[cfg(test)]
mod tests {
    use crate::registry::Rule;
    use crate::settings::LinterSettings;
    use crate::{FileContext, lint};

    use super::{panic_in, panic_text};

    const ROUTE: &str = "import time\nfrom fastapi import FastAPI\napp = FastAPI()\n\n@app.get('/')\nasync def index():\n    time.sleep(1)\n";

    fn panic_message_of(rule: Rule) -> String {
        panic_in(Some(rule));
        let settings = LinterSettings::for_rules([rule]);
        let outcome = std::panic::catch_unwind(|| lint(ROUTE, &FileContext::default(), &settings));
        panic_in(None);
        let payload = outcome.expect_err("the injected failure panics");
        panic_text(payload.as_ref()).to_string()
    }

    #[test]
    fn a_panic_names_the_rule_at_work() {
        assert_eq!(
            panic_message_of(Rule::BlockingSleepInAsync),
            "injected failure (last rule consulted: FAPI101 blocking-sleep-in-async)"
        );
        assert_eq!(
            panic_message_of(Rule::PrintInAppCode),
            "injected failure (last rule consulted: FAPI801 print-in-app-code)"
        );
    }

    #[test]
    fn a_lint_after_a_panic_starts_afresh() {
        let _ = panic_message_of(Rule::BlockingSleepInAsync);
        let settings = LinterSettings::for_rules([Rule::BlockingSleepInAsync]);
        let found = lint(ROUTE, &FileContext::default(), &settings).diagnostics;
        assert_eq!(found.len(), 1);
    }
}
