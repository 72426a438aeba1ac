use ruff_python_ast as ast;
use ruff_text_size::Ranged;

use crate::checker::Checker;
use crate::diagnostic::Diagnostic;
use crate::fastapi::FunctionRole;
use crate::project::names::{module_name_or_main, reference_name};
use crate::project::{FileFacts, handed_function};
use crate::registry::{Rule, rule_docs};

rule_docs! {
    /// ## What it does
    /// Checks for `BackgroundTasks.add_task(f, ...)` (and `BackgroundTask(f)`) where `f`, a
    /// function of the project, does heavy work, directly or through the project functions it
    /// calls: CPU-heavy calls (FAPI201), model loading (FAPI202), or `time.sleep` /
    /// `asyncio.sleep` inside a loop (polling, retrying).
    ///
    /// The message shows the chain from the task to the heavy call; the heavy call's file and
    /// range come as the diagnostic's related location (as in FAPI106).
    ///
    /// ## Why is this bad?
    /// Background tasks run in the web server's process after the response is sent. Heavy
    /// work there competes with requests for the same CPU and event loop; a task dies with the
    /// process on a deploy or crash, is never retried, and cannot be scaled on its own. Long
    /// or heavy jobs belong in a task queue with workers.
    ///
    /// Only functions the project index resolves are checked; light tasks (sending one email,
    /// writing a log line) are not reported.
    ///
    /// ## Example
    /// ```python
    /// # app/tasks.py
    /// import torch
    ///
    ///
    /// def retrain(dataset_id: int) -> None:
    ///     model = torch.load("model.pt")
    ///     ...
    ///
    ///
    /// # app/routes.py
    /// from fastapi import APIRouter, BackgroundTasks
    ///
    /// from app.tasks import retrain
    ///
    /// router = APIRouter()
    ///
    ///
    /// @router.post("/datasets/{dataset_id}/retrain")
    /// async def start_retraining(dataset_id: int, background_tasks: BackgroundTasks):
    ///     background_tasks.add_task(retrain, dataset_id)
    ///     return {"status": "started"}
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// # app/routes.py
    /// from fastapi import APIRouter
    ///
    /// from app.worker import retrain  # a Celery task
    ///
    /// router = APIRouter()
    ///
    ///
    /// @router.post("/datasets/{dataset_id}/retrain")
    /// async def start_retraining(dataset_id: int):
    ///     retrain.delay(dataset_id)
    ///     return {"status": "started"}
    /// ```
    ///
    /// ## References
    /// - fastapi-lint practices, 5: "Don't make your users wait"
    /// - [FastAPI: Background Tasks (caveat)](https://fastapi.tiangolo.com/tutorial/background-tasks/#caveat)
    /// - [Celery](https://docs.celeryq.dev/)
    pub struct HeavyBackgroundTask;
}

/// Reports a background task whose function does heavy work.
pub(super) fn check(checker: &mut Checker, call: &ast::ExprCall, facts: &FileFacts) {
    let semantic = checker.semantic();
    let Some((target, FunctionRole::BackgroundTask)) =
        handed_function(semantic, call, checker.scope())
    else {
        return;
    };
    let Some(task) = reference_name(
        semantic,
        &module_name_or_main(semantic),
        target,
        checker.scope(),
    ) else {
        return;
    };
    let Some(chain) = facts.heavy_tasks.get(&task) else {
        return;
    };
    let message = format!(
        "Background task `{written}` does heavy work: {chain}; background tasks share the web process and die with it, without retries; use a task queue with workers (Celery, RQ, arq, Dramatiq)",
        written = checker.slice(target.range()),
        chain = chain.render(None),
    );
    checker.report(
        Diagnostic::new(Rule::HeavyBackgroundTask, message, target.range())
            .with_related(chain.leaf_location()),
    );
}
