//! The index on summaries of small modules: propagation, cycles, async callees, re-exports.

use std::fmt::Write as _;

use super::{FileFacts, IndexedModule, project_facts};
use crate::linter::FileContext;
use crate::message::SourceLocation;
use crate::settings::LinterSettings;

fn module(path: &str, source: &str) -> IndexedModule {
    let module_path = path.split('.').map(ToString::to_string).collect();
    let filename = format!("/project/{}.py", path.replace('.', "/"));
    let context = FileContext {
        path: Some(filename.clone().into()),
        module_path: Some(module_path),
        summarize: true,
        ..FileContext::default()
    };
    let summary = crate::lint(source, &context, &LinterSettings::default())
        .summary
        .unwrap();
    IndexedModule {
        root: std::path::Path::new("/project").into(),
        filename: filename.into(),
        summary,
    }
}

fn facts(modules: &[IndexedModule]) -> Vec<FileFacts> {
    project_facts(&modules.iter().collect::<Vec<_>>())
}

/// The rows of `rule`'s findings in `source`, linted as the module `path` with `facts`.
fn rows(path: &str, source: &str, facts: FileFacts, rule: crate::Rule) -> Vec<usize> {
    let context = FileContext {
        path: Some(format!("/project/{}.py", path.replace('.', "/")).into()),
        module_path: Some(path.split('.').map(ToString::to_string).collect()),
        facts: std::sync::Arc::new(facts),
        ..FileContext::default()
    };
    let settings = LinterSettings::for_rules([rule]);
    crate::message::to_messages(
        crate::lint(source, &context, &settings).diagnostics,
        "file.py",
        source,
    )
    .iter()
    .map(|message| message.location.row)
    .collect()
}

const HELPERS: &str = "
import time

def nap():
    time.sleep(1)

def a():
    return b()

def b():
    return a() or nap()

def loop_x():
    return loop_y()

def loop_y():
    return loop_x()

async def sleeper():
    nap()
";

#[test]
fn may_block_propagates_through_sync_functions_and_survives_cycles() {
    let caller = "
from pkg import helpers
from pkg.helpers import a, loop_x, sleeper

async def route():
    a()
    loop_x()
    await sleeper()
    helpers.nap()
";
    let modules = [module("pkg.helpers", HELPERS), module("pkg.routes", caller)];
    let facts = facts(&modules);
    let blocking = &facts[1].blocking_helpers;
    let mut names: Vec<&str> = blocking.keys().map(String::as_str).collect();
    names.sort_unstable();
    // `loop_x` never blocks; `sleeper` is async and checked on its own.
    assert_eq!(names, ["pkg.helpers.a", "pkg.helpers.nap"]);
    let chain = &blocking["pkg.helpers.a"];
    assert_eq!(
        chain.functions,
        ["pkg.helpers.a", "pkg.helpers.b", "pkg.helpers.nap"]
    );
    assert_eq!(
        (
            chain.what.as_str(),
            chain.module.as_str(),
            chain.filename.as_str()
        ),
        ("`time.sleep`", "pkg.helpers", "/project/pkg/helpers.py")
    );
    // The whole `time.sleep(1)` call, on its line of `HELPERS`.
    assert_eq!(
        (chain.location, chain.end_location),
        (
            SourceLocation { row: 5, column: 5 },
            SourceLocation { row: 5, column: 18 }
        )
    );
    // The helpers module's own async function calls `nap` too.
    assert!(facts[0].blocking_helpers.contains_key("pkg.helpers.nap"));
}

#[test]
fn re_exports_are_followed_by_the_name_they_bind() {
    // A package scanned for the import of a name, and one that re-exports many (looked up in
    // a table): the same names lead on.
    for padding in [0, 40] {
        // `nap` binds the last part of its qualified name; `a as renamed` binds an alias. The
        // first import of a name is the one followed (the second is a fallback's, as after
        // `except ImportError:`).
        let others = (0..padding).fold(String::new(), |mut others, n| {
            let _ = writeln!(others, "from pkg.others import name{n}");
            others
        });
        let init = format!(
            "from pkg.helpers import nap\n{others}from pkg.helpers import a as renamed\nfrom pkg.quiet import nap\n"
        );
        let caller = "from pkg import nap, renamed, a\n\nasync def route():\n    nap()\n    renamed()\n    a()\n";
        let modules = [
            module("pkg.helpers", HELPERS),
            module("pkg.__init__", &init),
            module("app.routes", caller),
            module("pkg.quiet", "def nap():\n    return 1\n"),
        ];
        let facts = facts(&modules);
        let mut names: Vec<&str> = facts[2]
            .blocking_helpers
            .keys()
            .map(String::as_str)
            .collect();
        names.sort_unstable();
        // `pkg.a` is not bound in the package: only the names it binds lead on.
        assert_eq!(
            names,
            ["pkg.nap", "pkg.renamed"],
            "with {padding} other imports"
        );
        assert_eq!(
            facts[2].blocking_helpers["pkg.renamed"].functions,
            ["pkg.helpers.a", "pkg.helpers.b", "pkg.helpers.nap"]
        );
    }
}

#[test]
fn dependencies_used_elsewhere_get_their_role() {
    let deps = "async def get_db():\n    return None\n";
    let routes = "from fastapi import Depends\nfrom pkg.deps import get_db\n\nasync def route(db=Depends(get_db)):\n    return db\n";
    let modules = [module("pkg.deps", deps), module("pkg.routes", routes)];
    let facts = facts(&modules);
    assert!(facts[0].roles["pkg.deps.get_db"].contains(crate::fastapi::FunctionRole::Dependency));
    assert!(facts[1].is_empty());
}

/// A package `app` with its base `app.base.AppModel`, `users` models that subclass it, and
/// `direct` other modules each with one model that subclasses `BaseModel` directly.
fn base_model_project(users: usize, direct: usize) -> Vec<IndexedModule> {
    let base = "from pydantic import BaseModel, ConfigDict\n\nclass AppModel(BaseModel):\n    model_config = ConfigDict(populate_by_name=True)\n\nclass Mixin(BaseModel):\n    def as_dict(self): ...\n";
    let mut models = String::from("from app.base import AppModel, Mixin\n");
    for n in 0..users {
        let _ = write!(models, "\nclass User{n}(AppModel, Mixin):\n    name: str\n");
    }
    let mut modules = vec![module("app.base", base), module("app.models", &models)];
    for n in 0..direct {
        let source =
            format!("from pydantic import BaseModel\n\nclass Direct{n}(BaseModel):\n    x: int\n");
        modules.push(module(&format!("app.other{n}"), &source));
    }
    modules
}

#[test]
fn a_base_model_most_of_a_packages_models_use_is_its_convention() {
    let mut modules = base_model_project(5, 1);
    let direct = "from pydantic import BaseModel\n\nclass Direct(BaseModel):\n    x: int\n";
    modules.push(module("tests.test_models", direct));
    let facts = facts(&modules);
    let convention = facts[2]
        .base_model
        .as_ref()
        .expect("app.other0 bypasses the convention");
    assert_eq!(
        (
            convention.name.as_str(),
            convention.users,
            convention.models
        ),
        ("app.base.AppModel", 5, 6)
    );
    // `Mixin` is extended five times too, but it shares behaviour, not configuration. The
    // project's tests are another top-level package: their models owe the base nothing.
    assert!(facts[3].base_model.is_none());
    assert!(facts[1].base_model.is_none(), "app.models follows it");
}

#[test]
fn a_base_few_models_use_is_no_convention() {
    // Four users: a helper base.
    assert!(
        facts(&base_model_project(4, 1))
            .iter()
            .all(|facts| facts.base_model.is_none())
    );
    // Six users against three models that subclass `BaseModel` directly: no convention.
    assert!(
        facts(&base_model_project(6, 3))
            .iter()
            .all(|facts| facts.base_model.is_none())
    );
    // Six against two: a quarter or fewer bypass it.
    assert!(
        facts(&base_model_project(6, 2))
            .iter()
            .any(|facts| facts.base_model.is_some())
    );
}

/// Each module's role and the evidence for it, as `module: role (evidence)`.
fn roles(modules: &[IndexedModule]) -> Vec<String> {
    let refs: Vec<&IndexedModule> = modules.iter().collect();
    super::project_roles(&refs)
        .into_iter()
        .zip(modules)
        .map(|(role, module)| {
            format!(
                "{}: {} ({})",
                module.summary.module, role.role, role.evidence
            )
        })
        .collect()
}

#[test]
fn an_apps_imports_serve_requests_and_what_no_app_imports_is_library() {
    let main = "from fastapi import FastAPI\n\ndef create_app():\n    from app import routes\n    app = FastAPI()\n    app.include_router(routes.router)\n    return app\n\nif __name__ == '__main__':\n    import uvicorn\n    uvicorn.run(create_app())\n";
    let routes =
        "from fastapi import APIRouter\nfrom app.services import users\n\nrouter = APIRouter()\n";
    let users = "import app.db.session\n\ndef load(): ...\n";
    let session = "x = 1\n";
    let cli = "import click\nfrom app.services import users\n\n@click.command()\ndef seed():\n    users.load()\n";
    let unused = "import os\n\ndef helper():\n    return os.environ['X']\n";
    let test = "from app.services import users\n\ndef test_load():\n    users.load()\n";
    let only_tests_use = "def fixture_data(): ...\n";
    let modules = [
        module("app.main", main),
        module("app.routes", routes),
        module("app.services.users", users),
        module("app.db.session", session),
        module("app.cli", cli),
        module("app.unused", unused),
        module("tests.test_users", test),
        module("testing_data", only_tests_use),
    ];
    assert_eq!(
        roles(&modules),
        [
            "app.main: app (builds `FastAPI()`)",
            "app.routes: app (builds `APIRouter()`)",
            "app.services.users: app (imported by app module `app.routes`)",
            "app.db.session: app (imported by app module `app.services.users`)",
            "app.cli: script (defines a `click` command)",
            "app.unused: library (no app module imports it)",
            "tests.test_users: test (under a `tests/` directory)",
            "testing_data: library (no app module imports it)",
        ]
    );
    let facts = facts(&modules);
    assert!(
        facts[0].role.is_none() && facts[1].role.is_none(),
        "settled by their own code"
    );
    assert!(
        facts[2].role.is_none(),
        "app by reach, as its own code guessed: no fact to relint with"
    );
    assert_eq!(
        facts[5].role.as_ref().map(|role| role.role),
        Some(crate::CodeRole::Library)
    );
    assert!(facts[4].role.is_none() && facts[6].role.is_none());
}

#[test]
fn without_an_app_in_the_index_modules_keep_the_role_their_code_gives() {
    // A run over some files of a project (the app module not among them) must not turn its
    // helpers into library code.
    let helpers = "import time\n\nasync def nap():\n    time.sleep(1)\n";
    let script = "import asyncio\n\nasync def main(): ...\n\nasyncio.run(main())\n";
    let modules = [
        module("app.helpers", helpers),
        module("jobs.nightly", script),
    ];
    assert_eq!(
        roles(&modules),
        [
            "app.helpers: app (no evidence: taken as app code)",
            "jobs.nightly: script (calls `asyncio.run(...)` at module level)",
        ]
    );
    assert!(facts(&modules).iter().all(FileFacts::is_empty));
}

#[test]
fn a_script_an_app_imports_serves_requests() {
    let main = "from fastapi import FastAPI\nfrom app import worker\n\napp = FastAPI()\n";
    let worker = "def run(): ...\n\nif __name__ == '__main__':\n    run()\n";
    let modules = [module("app.main", main), module("app.worker", worker)];
    assert_eq!(
        roles(&modules)[1],
        "app.worker: app (imported by app module `app.main`)"
    );
    let facts = facts(&modules);
    assert_eq!(
        facts[1].role.as_ref().map(|role| role.role),
        Some(crate::CodeRole::App),
        "its own code said script: linted again as app code"
    );
}

#[test]
fn a_helper_whose_result_is_cached_blocks_once_per_process_not_per_request() {
    let helpers = "import functools\nfrom functools import lru_cache\nimport requests\n\n@functools.cache\ndef settings():\n    return requests.get('/config').json()\n\n@lru_cache(maxsize=1)\ndef token():\n    return load()\n\ndef load():\n    return requests.get('/token').text\n\ndef fresh():\n    return requests.get('/now').json()\n";
    let routes = "from app.helpers import settings, token, fresh\n\nasync def route():\n    settings()\n    token()\n    fresh()\n";
    let modules = [module("app.helpers", helpers), module("app.routes", routes)];
    let facts = facts(&modules);
    let helpers: Vec<&str> = facts[1]
        .blocking_helpers
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        helpers,
        ["app.helpers.fresh"],
        "cached helpers pass nothing on"
    );
}

#[test]
fn what_only_lifespans_and_startup_handlers_call_runs_once() {
    let startup = "
import time

async def warm_up():
    await load_models()

async def load_models():
    time.sleep(1)

async def shared():
    time.sleep(1)

async def dependency():
    time.sleep(1)
";
    let app = "
from contextlib import asynccontextmanager
from fastapi import Depends, FastAPI
from app.startup import dependency, shared, warm_up

@asynccontextmanager
async def lifespan(app):
    await warm_up()
    await shared()
    await dependency()
    yield

app = FastAPI(lifespan=lifespan)

@app.get('/')
async def index(value=Depends(dependency)):
    await shared()
";
    let test = "
import pytest
from app.startup import load_models

async def test_load_models():
    await load_models()
";
    let modules = [
        module("app.startup", startup),
        module("app.main", app),
        module("tests.test_startup", test),
    ];
    let facts = facts(&modules);
    let once: Vec<&str> = facts[0].runs_once.iter().map(String::as_str).collect();
    // `shared` serves a route too, and `FastAPI` calls `dependency` per request; a test's
    // call serves nothing.
    assert_eq!(once, ["app.startup.load_models", "app.startup.warm_up"]);
    assert!(
        facts[1].runs_once.is_empty(),
        "the lifespan knows it itself"
    );

    let rows = rows(
        "app.startup",
        startup,
        facts[0].clone(),
        crate::Rule::BlockingSleepInAsync,
    );
    assert_eq!(
        rows,
        [11, 14],
        "only `shared` and `dependency` are reported"
    );
}

#[test]
fn a_dependency_of_another_module_provides_its_session() {
    let db = "
from sqlalchemy.orm import sessionmaker
from sqlalchemy.ext.asyncio import async_sessionmaker

SessionLocal = sessionmaker()
AsyncLocal = async_sessionmaker()

def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()

async def get_async_db():
    async with AsyncLocal() as session:
        yield session
";
    let routes = "
from fastapi import Depends, FastAPI
from app.db import get_db, get_async_db

app = FastAPI()

@app.get('/')
async def index(db=Depends(get_db), adb=Depends(get_async_db)):
    db.execute('select 1')
    await adb.execute('select 1')
";
    let modules = [module("app.db", db), module("app.routes", routes)];
    let facts = facts(&modules);
    assert_eq!(
        facts[1].resources.keys().collect::<Vec<_>>(),
        ["app.db.get_db"],
        "what a dependency of another module yields"
    );
    let rows = |facts| rows("app.routes", routes, facts, crate::Rule::BlockingDbInAsync);
    assert_eq!(rows(facts[1].clone()), [9]);
    assert_eq!(rows(FileFacts::default()), [], "unknown without the index");
}

#[test]
fn settings_of_another_module_hold_their_paths() {
    let config = "
from functools import lru_cache
from pathlib import Path
from pydantic_settings import BaseSettings

class Settings(BaseSettings):
    upload_dir: Path = Path('uploads')
    title: str = 'app'

settings = Settings()

@lru_cache
def get_settings() -> Settings:
    return Settings()

cached = get_settings()
";
    let routes = "
from fastapi import Depends, FastAPI
from app.config import Settings, cached, get_settings, settings

app = FastAPI()

@app.post('/')
async def upload(data: bytes, config: Settings = Depends(get_settings)):
    (settings.upload_dir / 'a').write_bytes(data)
    config.upload_dir.mkdir()
    cached.upload_dir.iterdir()
    settings.title.upper()
";
    let modules = [module("app.config", config), module("app.routes", routes)];
    let facts = facts(&modules);
    let rows = rows(
        "app.routes",
        routes,
        facts[1].clone(),
        crate::Rule::BlockingFileIoInAsync,
    );
    assert_eq!(rows, [9, 10, 11]);
}
