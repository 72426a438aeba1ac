//! The per-file hot path: `lint_source` (parse, semantic model, `FastAPI` context, every stable
//! rule, `# noqa`) and `lint_and_summarize` (the same plus the project-index summary) on the
//! bundled example app's route module and on the largest rule fixtures.
//!
//!     cargo bench -p fastapi_lint_core --bench hot_path

use std::path::Path;

use fastapi_lint_core::{LinterSettings, lint_and_summarize, lint_source};

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
    bencher
        .counter(divan::counter::BytesCount::of_str(source))
        .bench(|| {
            lint_source(
                divan::black_box(source),
                Some(Path::new("app.py")),
                &settings,
            )
        });
}

#[divan::bench(args = [("routes", ROUTES), ("FAPI104 fixture", BLOCKING_DB)])]
fn lint_and_summarize_module(bencher: divan::Bencher, (_, source): (&str, &str)) {
    let settings = LinterSettings::default();
    bencher.bench(|| {
        lint_and_summarize(
            divan::black_box(source),
            Some(Path::new("app.py")),
            &settings,
        )
    });
}
