use ruff_python_ast as ast;
use ruff_text_size::Ranged;

use super::catalogue;
use crate::checker::Checker;
use crate::diagnostic::Diagnostic;
use crate::registry::{Rule, rule_docs};
use crate::rules::extra_calls;

rule_docs! {
    /// ## What it does
    /// Checks for CPU-heavy calls inside a route or a dependency:
    /// - password hashing: `bcrypt.hashpw` / `checkpw` / `kdf`, `hash` / `verify` on a passlib
    ///   `CryptContext(...)` (also after `.using(...)`) and on `passlib.hash.<scheme>`
    ///   handlers, on an argon2 `PasswordHasher()` or a pwdlib `PasswordHash`,
    ///   `hashlib.pbkdf2_hmac` and `hashlib.scrypt`;
    /// - image and video work: the pixel work on images from `PIL.Image.open(...)` (`resize`,
    ///   `thumbnail`, `filter`, `convert`, `save`, `rotate`, …; opening an image only reads
    ///   its header and is not reported), `PIL.ImageOps` functions, any `cv2` call, `moviepy`
    ///   clips and their rendering;
    /// - model inference on a model loaded anywhere in the module by a loader of
    ///   `model-loaded-per-request` (FAPI202): `.predict`, `.generate`, `.encode`,
    ///   `.transcribe`, … or calling the object (`pipe = pipeline(...)`; `pipe(text)`).
    ///   Loading the model at module level or in the lifespan is right; running it in the
    ///   route is still heavy.
    ///
    /// In `async def` routes and dependencies every such call is reported: it blocks the event
    /// loop. In plain `def` ones, which FastAPI already runs in a worker thread, only work that
    /// is heavy even there is reported (image and video processing, inference on
    /// deep-learning models); password hashing and inference on classic estimators loaded with
    /// `joblib`, `pickle` or `spacy.load` are light enough for a worker thread. The message
    /// says which context applies. Calls handed to `run_in_threadpool(...)` or made in a nested
    /// function or lambda are not reported.
    ///
    /// ## Why is this bad?
    /// FastAPI is built for I/O-bound work. A CPU-bound call in an `async def` route runs on the
    /// event loop's thread: no other request is served until it returns. In a `def` route it
    /// holds one of the threadpool's few worker threads (40 by default) and, for pure-Python
    /// work, the GIL, so a handful of concurrent requests starves the application.
    ///
    /// Light work (a password hash, a small image) can run in a worker thread with
    /// `await run_in_threadpool(...)`. Heavier models belong on a dedicated inference server
    /// (Triton, TorchServe), with FastAPI validating and routing the request; long-running
    /// jobs belong in a queue and a worker (Celery, RQ, arq, Dramatiq) that stores the result.
    ///
    /// ## Example
    /// ```python
    /// import joblib
    /// from fastapi import FastAPI
    ///
    /// app = FastAPI()
    /// model = joblib.load("model.joblib")
    ///
    ///
    /// @app.post("/predict")
    /// async def predict(features: list[float]):
    ///     return {"prediction": model.predict([features]).tolist()}
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import joblib
    /// from fastapi import FastAPI
    /// from fastapi.concurrency import run_in_threadpool
    ///
    /// app = FastAPI()
    /// model = joblib.load("model.joblib")
    ///
    ///
    /// @app.post("/predict")
    /// async def predict(features: list[float]):
    ///     prediction = await run_in_threadpool(model.predict, [features])
    ///     return {"prediction": prediction.tolist()}
    /// ```
    ///
    /// ## Options
    /// - `lint.heavy.extra-heavy-calls`: more qualified names to report (`mylib.render`,
    ///   `mylib.Renderer.render` on proven instances, `mylib.*`)
    ///
    /// ## References
    /// - fastapi-lint practices, 3: "Avoid heavy computation in endpoints", and 4: "Follow the
    ///   same rules in FastAPI dependencies"
    /// - [FastAPI: Concurrency and async / await](https://fastapi.tiangolo.com/async/)
    /// - [FastAPI: Background tasks (and when to use Celery instead)](https://fastapi.tiangolo.com/tutorial/background-tasks/)
    pub struct CpuHeavyCallInRoute;
}

/// The kinds of heavy work, which decide the wording and the advice.
#[derive(Clone, Copy)]
enum Work {
    PasswordHashing,
    Media,
    Inference,
    Configured,
}

impl Work {
    const fn noun(self) -> &'static str {
        match self {
            Work::PasswordHashing => "Password hashing",
            Work::Media => "Image/video processing",
            Work::Inference => "Model inference",
            Work::Configured => "CPU-heavy call",
        }
    }

    /// What to do instead; in a `def` route the work already runs in a worker thread (password
    /// hashing is only reported in `async def`).
    const fn advice(self, asynchronous: bool) -> &'static str {
        match (self, asynchronous) {
            (Work::PasswordHashing, _) => {
                "offload it with `await run_in_threadpool(...)` or use a plain `def`"
            }
            (Work::Inference, true) => {
                "serve the model from a dedicated inference server (Triton, TorchServe) or a queue + worker, or `await run_in_threadpool(...)` for light models"
            }
            (Work::Inference, false) => {
                "serve the model from a dedicated inference server (Triton, TorchServe) or a queue + worker"
            }
            (Work::Media | Work::Configured, true) => {
                "move it to a queue + worker (Celery, RQ, arq), or `await run_in_threadpool(...)` for light work"
            }
            (Work::Media | Work::Configured, false) => {
                "move it to a queue + worker (Celery, RQ, arq)"
            }
        }
    }
}

/// Reports a CPU-heavy call in `function`, a route or dependency.
pub(super) fn check(checker: &mut Checker, call: &ast::ExprCall, function: &ast::StmtFunctionDef) {
    let Some((work, what)) = classify(checker, call, function.is_async) else {
        return;
    };
    let context = super::context(checker, function);
    let effect = if function.is_async {
        "blocks the event loop"
    } else {
        "holds a threadpool worker while it runs"
    };
    let message = format!(
        "{} {what} in {context} {effect}; {}",
        work.noun(),
        work.advice(function.is_async)
    );
    checker.report(Diagnostic::new(
        Rule::CpuHeavyCallInRoute,
        message,
        call.func.range(),
    ));
}

/// The wording of the heavy work a call does, as if it ran on the event loop.
pub(super) fn what_on_event_loop(checker: &Checker, call: &ast::ExprCall) -> Option<String> {
    classify(checker, call, true).map(|(_, what)| what)
}

/// The heavy work a call does. In a plain `def` the call already runs in a worker thread, the
/// place the practices recommend for blocking and light work: password hashing (which
/// releases the GIL) and classic estimators (`joblib`/`pickle` models, spaCy) are fine there.
fn classify(checker: &Checker, call: &ast::ExprCall, asynchronous: bool) -> Option<(Work, String)> {
    let semantic = checker.semantic();
    let scope = checker.scope();
    let qualified = checker.callee_name(call);
    if let Some(what) = catalogue::password_hashing(semantic, call, scope, qualified) {
        return asynchronous.then_some((Work::PasswordHashing, what));
    }
    if let Some(what) = catalogue::media_work(semantic, call, scope, qualified) {
        return Some((Work::Media, what));
    }
    if let Some((model, what)) = catalogue::inference(semantic, call, scope) {
        return (asynchronous || model.deep).then_some((Work::Inference, what));
    }
    let extra = &checker.settings().heavy.extra_heavy_calls;
    if extra.is_empty() {
        return None;
    }
    let name = extra_calls::names_of(checker, call, qualified.map(ToString::to_string))
        .find(|name| extra_calls::any_matches(extra, name))?;
    Some((Work::Configured, format!("`{name}`")))
}

#[cfg(test)]
mod tests {
    use super::super::HeavyOptions;
    use crate::registry::Rule;
    use crate::settings::LinterSettings;
    use crate::test_support::{assert_fixture, render_source};

    #[test]
    fn fixture() {
        assert_fixture!(
            "heavy/FAPI201.py",
            LinterSettings::for_rules([Rule::CpuHeavyCallInRoute])
        );
    }

    const SOURCE: &str = r#"
from fastapi import FastAPI
import render
from render import Renderer

app = FastAPI()


@app.get("/")
async def page(renderer: Renderer):
    render.pdf("x")
    renderer.draw()
    Renderer().close()
    render.other("x")
"#;

    fn render(extra: &[&str]) -> String {
        let heavy = HeavyOptions {
            extra_heavy_calls: extra.iter().map(ToString::to_string).collect(),
        };
        let settings = LinterSettings {
            heavy: std::sync::Arc::new(heavy),
            ..LinterSettings::for_rules([Rule::CpuHeavyCallInRoute])
        };
        render_source(SOURCE, None, "test.py", &settings)
    }

    #[test]
    fn configured_extra_calls_are_reported() {
        insta::assert_snapshot!(render(&["render.pdf", "render.Renderer.draw"]), @r#"
        test.py:11:5: FAPI201 CPU-heavy call `render.pdf` in async route `page` blocks the event loop; move it to a queue + worker (Celery, RQ, arq), or `await run_in_threadpool(...)` for light work
          range: 11:5-11:15
          |     render.pdf("x")
        test.py:12:5: FAPI201 CPU-heavy call `render.Renderer.draw` in async route `page` blocks the event loop; move it to a queue + worker (Celery, RQ, arq), or `await run_in_threadpool(...)` for light work
          range: 12:5-12:18
          |     renderer.draw()
        "#);
    }

    #[test]
    fn wildcards_match_names_under_the_module() {
        let rendered = render(&["render.*"]);
        // `render.pdf`, `renderer.draw`, `Renderer()`, `Renderer().close`, `render.other`.
        assert_eq!(rendered.matches("FAPI201").count(), 5, "{rendered}");
    }

    #[test]
    fn nothing_is_reported_without_configuration() {
        assert_eq!(render(&[]), "(no findings)\n");
    }
}
