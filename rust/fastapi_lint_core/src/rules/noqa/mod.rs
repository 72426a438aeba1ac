//! `FAPI9xx`: rules about fastapi-lint's own suppression comments. They run inside the `# noqa`
//! step (`crate::noqa`), after every other rule, because they judge what was suppressed.

pub mod unused_noqa;

#[cfg(test)]
mod tests {
    use crate::registry::Rule;
    use crate::settings::LinterSettings;
    use crate::test_support::assert_fixture;

    #[test]
    fn unused_noqa() {
        let settings = LinterSettings::for_rules([
            Rule::BlockingSleepInAsync,
            Rule::BlockingHttpInAsync,
            Rule::BlockingSubprocessInAsync,
            Rule::UnusedNoqa,
        ]);
        assert_fixture!("noqa/FAPI900.py", settings);
    }
}
