use ruff_text_size::{TextRange, TextSize};

use super::*;
use crate::diagnostic::Edit;
use crate::registry::RuleSet;

const NON_ANNOTATED: &str = r#"from fastapi import Depends, FastAPI

app = FastAPI()


@app.get("/users")
async def users(db: int = Depends(dict), q: str = Depends(str)):
    return db
"#;

fn settings(rules: impl IntoIterator<Item = Rule>) -> LinterSettings {
    LinterSettings::for_rules(rules)
}

#[test]
fn unsafe_fixes_apply_only_when_asked_and_share_their_import() {
    let settings = settings([Rule::FastApiNonAnnotatedDependency]);
    let safe_only = fix_source(NON_ANNOTATED, &FileContext::default(), &settings, false);
    assert_eq!(safe_only.source, NON_ANNOTATED);
    assert_eq!(safe_only.fixed_count(), 0);
    assert_eq!(safe_only.diagnostics.len(), 2);

    let result = fix_source(NON_ANNOTATED, &FileContext::default(), &settings, true);
    // Ruff 0.16.4's output for the same file (`ruff check --select FAST002 --fix --unsafe-fixes`).
    let expected = NON_ANNOTATED
        .replace(
            "from fastapi import Depends, FastAPI\n",
            "from fastapi import Depends, FastAPI\nfrom typing import Annotated\n",
        )
        .replace(
            "db: int = Depends(dict), q: str = Depends(str)",
            "db: Annotated[int, Depends(dict)], q: Annotated[str, Depends(str)]",
        );
    assert_eq!(result.source, expected);
    assert_eq!(
        result.fixed,
        FixTable::from([(Rule::FastApiNonAnnotatedDependency, 2)])
    );
    assert_eq!(result.diagnostics, []);
    assert!(result.converged && result.rejected.is_empty());
}

#[test]
fn touching_fixes_wait_for_the_next_pass() {
    let source = "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get(\"/things/{a}/{b}\")\nasync def things(q: int):\n    return q\n";
    let result = fix_source(
        source,
        &FileContext::default(),
        &settings([Rule::FastApiUnusedPathParameter]),
        true,
    );
    // Both insertions land at the end of the parameters: one per pass, as in Ruff.
    assert_eq!(result.source, source.replace("(q: int)", "(q: int, a, b)"));
    assert_eq!(
        result.fixed,
        FixTable::from([(Rule::FastApiUnusedPathParameter, 2)])
    );
}

#[test]
fn safe_fixes_remove_unused_noqa_codes_and_suppressed_findings_stay() {
    let source = "import time\n\n\nasync def f():\n    time.sleep(1)  # noqa: FAPI101\n    return 1  # noqa: FAPI101\n";
    let result = fix_source(
        source,
        &FileContext::default(),
        &settings([Rule::BlockingSleepInAsync, Rule::UnusedNoqa]),
        true,
    );
    assert_eq!(
        result.source,
        source.replace("return 1  # noqa: FAPI101", "return 1")
    );
    assert_eq!(result.fixed, FixTable::from([(Rule::UnusedNoqa, 1)]));
    assert_eq!(result.diagnostics, []);
}

#[test]
fn unfixable_rules_report_without_a_fix() {
    let settings = LinterSettings {
        fixable: RuleSet::all()
            .difference([Rule::FastApiNonAnnotatedDependency].into_iter().collect()),
        ..settings([Rule::FastApiNonAnnotatedDependency])
    };
    let result = fix_source(NON_ANNOTATED, &FileContext::default(), &settings, true);
    assert_eq!(result.source, NON_ANNOTATED);
    assert_eq!(result.diagnostics.len(), 2);
    assert!(
        result
            .diagnostics
            .iter()
            .all(|diagnostic| diagnostic.fix.is_none() && diagnostic.fix_title.is_some())
    );
}

#[test]
fn nothing_is_fixed_in_a_file_that_does_not_parse() {
    let source = "import time\n\n\nasync def f():\n    time.sleep(1)\n\ndef g(:\n";
    let result = fix_source(
        source,
        &FileContext::default(),
        &settings([Rule::BlockingSleepInAsync]),
        true,
    );
    assert_eq!(result.source, source);
    assert_eq!(result.fixed_count(), 0);
    let sleep = result
        .diagnostics
        .iter()
        .find(|diagnostic| diagnostic.rule().is_some())
        .unwrap();
    assert!(sleep.fix.is_none() && sleep.fix_title.is_some());
}

#[test]
fn breaking_fixes_are_dropped_and_the_rest_kept() {
    let source = "x = 1\ny = 2\nz = 3\n";
    let at = |offset: u32| TextSize::new(offset);
    let rename = Fix::safe_edit(Edit::range_replacement(
        "a".to_string(),
        TextRange::new(at(0), at(1)),
    ));
    let breaks = Fix::safe_edit(Edit::range_replacement(
        "(".to_string(),
        TextRange::new(at(10), at(11)),
    ));
    let renumber = Fix::safe_edit(Edit::range_replacement(
        "4".to_string(),
        TextRange::new(at(16), at(17)),
    ));
    let fixes = [&rename, &breaks, &renumber];
    let applied = apply_fixes(source, &fixes);
    let settings = LinterSettings::default();
    let breaks_syntax = |fixed: &str| {
        syntax_errors(fixed, None, &settings)
            .into_iter()
            .next()
            .map(|error| error.message)
    };
    assert!(breaks_syntax(&applied.source).is_some());

    let (kept, broken) = without_breaking_fixes(source, &fixes, &applied.fixes, breaks_syntax);
    assert_eq!(kept.source, "a = 1\ny = 2\nz = 4\n");
    assert_eq!(kept.fixes, [0, 2]);
    assert_eq!(broken.len(), 1);
    assert_eq!(broken[0].0, 1);
    assert!(!broken[0].1.is_empty());
}

/// FAST003's fix (Ruff's) for a path parameter a regular parameter takes under another alias:
/// it declares `item_id` twice.
const ALIASED_PATH_PARAMETER: &str = r#"from typing import Annotated

from fastapi import FastAPI, Path

app = FastAPI()


@app.get("/items/{item_id}")
async def read(item_id: Annotated[int, Path(alias="itemId")]): ...
"#;

#[test]
fn a_fix_that_introduces_a_semantic_syntax_error_is_dropped() {
    let result = fix_source(
        ALIASED_PATH_PARAMETER,
        &FileContext::default(),
        &settings([Rule::FastApiUnusedPathParameter]),
        true,
    );
    assert_eq!(result.source, ALIASED_PATH_PARAMETER);
    assert_eq!(result.fixed_count(), 0);
    assert_eq!(
        result.rejected,
        [RejectedFix {
            rule: Rule::FastApiUnusedPathParameter,
            message: "Parameter `item_id` appears in route path, but not in `read` signature"
                .to_string(),
            syntax_error: r#"Duplicate parameter "item_id""#.to_string(),
        }]
    );
    let [diagnostic] = result.diagnostics.as_slice() else {
        panic!("{:?}", result.diagnostics);
    };
    assert!(diagnostic.fix.is_none() && diagnostic.fix_title.is_some());
    // The checker of a pass's output sees it too.
    let fixed = ALIASED_PATH_PARAMETER.replace("\")]):", "\")], item_id):");
    let errors = syntax_errors(&fixed, None, &LinterSettings::default());
    assert_eq!(errors.len(), 1, "{errors:?}");
}

#[test]
fn a_file_with_a_semantic_syntax_error_is_still_fixed() {
    // As in Ruff: only parse errors stop fixing; the fixes must not add syntax errors.
    let source = "import time\n\n\ndef f(a, a): ...\n\n\nasync def g():\n    time.sleep(1)\n";
    let result = fix_source(
        source,
        &FileContext::default(),
        &settings([Rule::BlockingSleepInAsync]),
        true,
    );
    assert_eq!(
        result.source,
        source
            .replace("import time\n", "import time\nimport asyncio\n")
            .replace("time.sleep(1)", "await asyncio.sleep(1)")
    );
    assert!(result.rejected.is_empty());
    assert_eq!(result.diagnostics.len(), 1);
    assert_eq!(result.diagnostics[0].kind, DiagnosticKind::InvalidSyntax);
}

/// Found by the fuzzer (tests/fixtures/fuzz/api-fix-not-idempotent-83abc9e935): the FAST003
/// fix of `second` declares `item_id` twice and is dropped; `first`'s fix is the same
/// insertion of `, item_id`, deferred to the next pass by FAST002's fix (its edits reach
/// further), and must still apply then, not be taken for the dropped one.
#[test]
fn a_dropped_fix_does_not_drop_an_identical_edit_elsewhere() {
    let source = r#"from typing import Annotated

from fastapi import Depends, FastAPI, Path

app = FastAPI()


@app.get("/a/{item_id}")
async def first(q: str):
    return q


@app.get("/")
async def other(db: dict = Depends()):
    return db


@app.get("/b/{item_id}")
async def second(item_id: Annotated[int, Path(alias="id")]):
    return item_id
"#;
    let settings = settings([
        Rule::FastApiNonAnnotatedDependency,
        Rule::FastApiUnusedPathParameter,
    ]);
    let result = fix_source(source, &FileContext::default(), &settings, true);
    assert!(
        result.source.contains("async def first(q: str, item_id):"),
        "{}",
        result.source
    );
    assert_eq!(result.rejected.len(), 1);
    assert_eq!(
        result.fixed,
        FixTable::from([
            (Rule::FastApiNonAnnotatedDependency, 1),
            (Rule::FastApiUnusedPathParameter, 1)
        ])
    );
    let again = fix_source(&result.source, &FileContext::default(), &settings, true);
    assert_eq!(again.source, result.source);
}
