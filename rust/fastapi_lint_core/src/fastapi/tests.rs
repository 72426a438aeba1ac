//! Which functions the context proves to be routes, dependencies, and so on.

use ruff_python_parser::parse_module;

use super::{FastApiContext, FunctionRole};
use crate::semantic::SemanticModel;

/// `(function name, primary role)` for every function, in source order.
fn roles(source: &str) -> Vec<(String, Option<FunctionRole>)> {
    let parsed = parse_module(source).expect("fixture parses");
    let semantic = SemanticModel::build(parsed.syntax(), None);
    let context = FastApiContext::build(&semantic);
    semantic
        .functions()
        .iter()
        .map(|(function, _)| {
            (
                function.name.id.to_string(),
                context.roles(function).primary(),
            )
        })
        .collect()
}

fn role_of(source: &str, name: &str) -> Option<FunctionRole> {
    roles(source)
        .into_iter()
        .find(|(n, _)| n == name)
        .and_then(|(_, role)| role)
}

#[test]
fn decorators_on_apps_and_routers_make_routes() {
    let source = r#"
from fastapi import FastAPI, APIRouter as Router
import fastapi
app = FastAPI()
router = Router(prefix="/x")
sub: fastapi.APIRouter = make_router()

@app.get("/")
async def index(): ...

@router.api_route("/a", methods=["GET"])
async def any_method(): ...

@sub.post("/b")
async def annotated_receiver(): ...

@app.websocket("/ws")
async def socket(ws): ...

@app.middleware("http")
async def timing(request, call_next): ...

@app.exception_handler(ValueError)
async def on_error(request, exc): ...

@app.on_event("startup")
async def startup(): ...
"#;
    assert_eq!(
        roles(source),
        vec![
            ("index".into(), Some(FunctionRole::Route)),
            ("any_method".into(), Some(FunctionRole::Route)),
            ("annotated_receiver".into(), Some(FunctionRole::Route)),
            ("socket".into(), Some(FunctionRole::WebSocket)),
            ("timing".into(), Some(FunctionRole::Middleware)),
            ("on_error".into(), Some(FunctionRole::ExceptionHandler)),
            ("startup".into(), Some(FunctionRole::EventHandler)),
        ]
    );
}

#[test]
fn look_alike_receivers_are_not_apps() {
    let source = r#"
import fastapi
class App:
    def get(self, path): ...
app = App()

@app.get("/")
async def not_a_route(): ...

def factory(router):
    @router.get("/")
    async def unknown_receiver(): ...
"#;
    assert_eq!(role_of(source, "not_a_route"), None);
    assert_eq!(role_of(source, "unknown_receiver"), None);
}

#[test]
fn depends_security_annotated_and_dependencies_lists_make_dependencies() {
    let source = r#"
from typing import Annotated
from fastapi import Depends, FastAPI, Security
from fastapi import params
app = FastAPI()

async def get_db(): ...
async def get_user(): ...
async def verify_key(): ...
async def audit(): ...
class Checker:
    async def __call__(self): ...
checker = Checker()
async def unused(): ...

@app.get("/", dependencies=[Depends(audit)])
async def index(db=Depends(get_db), user: Annotated[str, Security(get_user)] = "", k=params.Depends(dependency=verify_key), c=Depends(checker)): ...
"#;
    for name in ["get_db", "get_user", "verify_key", "audit", "__call__"] {
        assert_eq!(
            role_of(source, name),
            Some(FunctionRole::Dependency),
            "{name}"
        );
    }
    assert_eq!(role_of(source, "unused"), None);
}

#[test]
fn registrations_by_call_are_known() {
    let source = r#"
from contextlib import asynccontextmanager
from fastapi import BackgroundTasks, FastAPI

@asynccontextmanager
async def lifespan(app): yield

async def ping(): ...
async def boom(request, exc): ...
async def warm(): ...
async def send_email(to): ...

app = FastAPI(lifespan=lifespan, on_startup=[warm])
app.add_api_route("/ping", ping)
app.add_exception_handler(KeyError, boom)

@app.post("/register")
async def register(tasks: BackgroundTasks):
    tasks.add_task(send_email, "a@b")
"#;
    assert_eq!(role_of(source, "lifespan"), Some(FunctionRole::Lifespan));
    assert_eq!(role_of(source, "ping"), Some(FunctionRole::Route));
    assert_eq!(
        role_of(source, "boom"),
        Some(FunctionRole::ExceptionHandler)
    );
    assert_eq!(role_of(source, "warm"), Some(FunctionRole::EventHandler));
    assert_eq!(
        role_of(source, "send_email"),
        Some(FunctionRole::BackgroundTask)
    );
}

#[test]
fn modules_without_fastapi_have_no_context() {
    let source = r#"
from flask import Flask
app = Flask(__name__)
@app.get("/")
def index(): ...
"#;
    assert_eq!(role_of(source, "index"), None);
}
