use ruff_python_ast::statement_visitor::{self, StatementVisitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use super::catalogue;
use crate::checker::Checker;
use crate::diagnostic::Diagnostic;
use crate::registry::{Rule, rule_docs};
use crate::semantic::{BindingKind, SemanticModel};

rule_docs! {
    /// ## What it does
    /// Checks for models loaded inside a route or a dependency: `torch.load`, `joblib.load`,
    /// `pickle.load` (and `pickle.loads` of a file's contents), `from_pretrained` on
    /// `transformers`, `diffusers` and `peft` classes, `transformers.pipeline`,
    /// `tf.keras.models.load_model` / `keras.models.load_model`,
    /// `onnxruntime.InferenceSession`, `sentence_transformers.SentenceTransformer`,
    /// `spacy.load`, `whisper.load_model`, `ultralytics.YOLO` and similar loaders.
    ///
    /// A dependency cached with `@functools.lru_cache` / `@functools.cache` loads once and is
    /// not reported, nor is a route that stores the model in shared state on first use
    /// (`app.state.model = ...`, a `global` name).
    ///
    /// ## Why is this bad?
    /// FastAPI calls routes and their dependencies for every request. Loading a model reads
    /// megabytes to gigabytes from disk (or downloads them) and builds it in memory: seconds
    /// of work and a spike of memory on every request, before inference even starts. In an
    /// `async def` it also blocks the event loop, so every other request waits too.
    ///
    /// Load the model once when the application starts, in the lifespan, keep it on
    /// `app.state` and hand it to routes through a dependency.
    ///
    /// ## Example
    /// ```python
    /// import joblib
    /// from fastapi import FastAPI
    ///
    /// app = FastAPI()
    ///
    ///
    /// @app.post("/predict")
    /// def predict(features: list[float]):
    ///     model = joblib.load("model.joblib")
    ///     return {"prediction": model.predict([features]).tolist()}
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// from contextlib import asynccontextmanager
    /// from typing import Annotated
    ///
    /// import joblib
    /// from fastapi import Depends, FastAPI, Request
    ///
    ///
    /// @asynccontextmanager
    /// async def lifespan(app: FastAPI):
    ///     app.state.model = joblib.load("model.joblib")
    ///     yield
    ///
    ///
    /// app = FastAPI(lifespan=lifespan)
    ///
    ///
    /// def get_model(request: Request):
    ///     return request.app.state.model
    ///
    ///
    /// @app.post("/predict")
    /// def predict(features: list[float], model: Annotated[object, Depends(get_model)]):
    ///     return {"prediction": model.predict([features]).tolist()}
    /// ```
    ///
    /// ## References
    /// - fastapi-lint practices, 3: "Avoid heavy computation in endpoints", and 4: "Follow the
    ///   same rules in FastAPI dependencies"
    /// - [FastAPI: Lifespan events (loading an ML model)](https://fastapi.tiangolo.com/advanced/events/)
    /// - [FastAPI: Dependencies with yield](https://fastapi.tiangolo.com/tutorial/dependencies/dependencies-with-yield/)
    pub struct ModelLoadedPerRequest;
}

/// The request objects whose `state` lives only as long as the request.
const REQUEST_CLASSES: &[&str] = &[
    "fastapi.Request",
    "starlette.requests.Request",
    "fastapi.requests.Request",
];

/// Reports a model loader called in `function`, a route or dependency.
pub(super) fn check(checker: &mut Checker, call: &ast::ExprCall, function: &ast::StmtFunctionDef) {
    let semantic = checker.semantic();
    let Some(loader) = catalogue::loader(semantic, call) else {
        return;
    };
    if stored_in_shared_state(semantic, function, call) {
        return;
    }
    let context = super::context(checker, function);
    let blocks = if function.is_async {
        " and blocks the event loop while it loads"
    } else {
        ""
    };
    let message = format!(
        "`{}` in {context} loads the model on every request{blocks}; load it once in the lifespan, keep it on `app.state` and hand it out through a dependency",
        loader.name
    );
    checker.report(Diagnostic::new(
        Rule::ModelLoadedPerRequest,
        message,
        call.func.range(),
    ));
}

/// Whether the loaded model is assigned where it outlives the request, so it loads once:
/// `app.state.model = load(...)`, `self.model = ...`, `cache[key] = ...`, or a name declared
/// `global`/`nonlocal` (the lazy `if model is None: model = load(...)` pattern).
fn stored_in_shared_state(
    semantic: &SemanticModel,
    function: &ast::StmtFunctionDef,
    call: &ast::ExprCall,
) -> bool {
    let Some(targets) = assignment_targets(function, call.range()) else {
        return false;
    };
    let Some(scope) = semantic.function_scope(function) else {
        return false;
    };
    targets.iter().all(|target| match target {
        Expr::Name(name) => {
            semantic.scope(scope).bindings_of(name.id.as_str()).iter().any(|id| matches!(semantic.binding(*id).kind, BindingKind::Declaration))
        }
        // `request.state` lives only as long as the request.
        Expr::Attribute(attribute) => !matches!(attribute.value.as_ref(), Expr::Attribute(state)
            if state.attr.as_str() == "state" && semantic.instance_type(&state.value, scope).is_some_and(|class| REQUEST_CLASSES.contains(&class.as_str()))),
        Expr::Subscript(_) => true,
        _ => false,
    })
}

/// The targets of the assignment in `function`'s own body (not nested functions) whose value
/// is the call, possibly followed by method calls on the result (`load(...).to(device)`).
fn assignment_targets(function: &ast::StmtFunctionDef, call: TextRange) -> Option<Vec<&Expr>> {
    struct Finder<'a> {
        call: TextRange,
        targets: Option<Vec<&'a Expr>>,
    }
    impl<'a> StatementVisitor<'a> for Finder<'a> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if self.targets.is_some() || !stmt.range().contains_range(self.call) {
                return;
            }
            match stmt {
                Stmt::Assign(assign) if on_receiver_chain(&assign.value, self.call) => {
                    self.targets = Some(assign.targets.iter().collect());
                }
                Stmt::AnnAssign(assign)
                    if assign
                        .value
                        .as_deref()
                        .is_some_and(|value| on_receiver_chain(value, self.call)) =>
                {
                    self.targets = Some(vec![&assign.target]);
                }
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
                _ => statement_visitor::walk_stmt(self, stmt),
            }
        }
    }
    let mut finder = Finder {
        call,
        targets: None,
    };
    finder.visit_body(&function.body);
    finder.targets
}

/// Whether `value` is the call, or a method chain starting at it.
fn on_receiver_chain(mut value: &Expr, call: TextRange) -> bool {
    loop {
        if value.range() == call {
            return true;
        }
        match value {
            Expr::Call(outer) => match outer.func.as_ref() {
                Expr::Attribute(method) => value = &method.value,
                _ => return false,
            },
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::registry::Rule;
    use crate::settings::LinterSettings;
    use crate::test_support::assert_fixture;

    #[test]
    fn fixture() {
        assert_fixture!(
            "heavy/FAPI202.py",
            LinterSettings::for_rules([Rule::ModelLoadedPerRequest])
        );
    }
}
