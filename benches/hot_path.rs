//! The per-file hot path: `lint` (parse, semantic model, `FastAPI` context, every stable rule,
//! `# noqa`), without and with the project-index summary, on the bundled example app's route
//! module and on the largest rule fixtures.
//!
//!     cargo bench -p fastapi_lint_core --bench hot_path

use std::path::Path;

use fastapi_lint_core::{FileContext, LinterSettings};

fn main() {
    divan::main();
}

const ROUTES: &str = include_str!("../examples/fastapi_app/routers/items.py");
const BLOCKING_DB: &str =
    include_str!("../rust/fastapi_lint_core/resources/test/fixtures/blocking/FAPI104.py");
const SECRETS: &str =
    include_str!("../rust/fastapi_lint_core/resources/test/fixtures/settings/FAPI701.py");

#[divan::bench(args = [("routes", ROUTES), ("FAPI104 fixture", BLOCKING_DB), ("FAPI701 fixture", SECRETS)])]
fn lint(bencher: divan::Bencher, (_, source): (&str, &str)) {
    let settings = LinterSettings::default();
    let context = FileContext::of_path(Some(Path::new("app.py")));
    bencher
        .counter(divan::counter::BytesCount::of_str(source))
        .bench(|| fastapi_lint_core::lint(divan::black_box(source), &context, &settings));
}

#[divan::bench(args = [("routes", ROUTES), ("FAPI104 fixture", BLOCKING_DB)])]
fn lint_and_summarize(bencher: divan::Bencher, (_, source): (&str, &str)) {
    let settings = LinterSettings::default();
    let context = FileContext {
        summarize: true,
        ..FileContext::of_path(Some(Path::new("app.py")))
    };
    bencher.bench(|| fastapi_lint_core::lint(divan::black_box(source), &context, &settings));
}
