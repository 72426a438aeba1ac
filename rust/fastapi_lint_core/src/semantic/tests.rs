//! Name resolution cases the rules rely on.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, ExprCall, ModModule};
use ruff_python_parser::parse_module;

use super::SemanticModel;

/// The qualified name of every call's callee, in source order, resolved in the scope where the
/// call is evaluated (`None` when unresolved).
fn callee_names(source: &str) -> Vec<Option<String>> {
    callee_names_in(source, None)
}

fn callee_names_in(source: &str, module_path: Option<&str>) -> Vec<Option<String>> {
    let parsed = parse_module(source).expect("fixture parses");
    let module: &ModModule = parsed.syntax();
    let path = module_path.map(|p| p.split('.').map(str::to_string).collect());
    let semantic = SemanticModel::build(module, path);
    semantic
        .calls()
        .iter()
        .map(|(call, scope)| semantic.qualified_name(&call.func, *scope))
        .collect()
}

#[test]
fn imports_resolve_through_aliases() {
    let source = "
import time
import os.path
import urllib.request as ur
from time import sleep as nap
time.sleep(1)
nap(1)
os.path.join('a')
ur.urlopen('x')
";
    assert_eq!(
        callee_names(source),
        vec![
            Some("time.sleep".into()),
            Some("time.sleep".into()),
            Some("os.path.join".into()),
            Some("urllib.request.urlopen".into())
        ]
    );
}

#[test]
fn builtins_resolve_unless_shadowed() {
    let source = "
open('a')
def f():
    open('b')
def g(open):
    open('c')
def open(x): ...
open('d')
";
    // Inside `f`, the module's later `def open` is what the name holds when `f` runs.
    assert_eq!(
        callee_names(source),
        vec![Some("builtins.open".into()), None, None, None]
    );
}

#[test]
fn local_variable_named_like_a_library_is_not_the_library() {
    let source = "
async def route(requests):
    requests.get('x')
async def other():
    import requests
    requests.get('y')
";
    assert_eq!(
        callee_names(source),
        vec![None, Some("requests.get".into())]
    );
}

#[test]
fn rebinding_in_the_same_scope_is_flow_sensitive() {
    let source = "
import requests
requests.get('a')
requests = None
requests.get('b')
";
    assert_eq!(
        callee_names(source),
        vec![Some("requests.get".into()), None]
    );
}

#[test]
fn class_scope_is_not_visible_from_methods() {
    let source = "
import time
class A:
    time = None
    def m(self):
        time.sleep(1)
";
    assert_eq!(callee_names(source), vec![Some("time.sleep".into())]);
}

#[test]
fn relative_imports_resolve_against_the_module_path() {
    let source = "
from .services import load
from ..core import util
load()
util.run()
";
    assert_eq!(
        callee_names_in(source, Some("app.api.routes")),
        vec![
            Some("app.api.services.load".into()),
            Some("app.core.util.run".into())
        ]
    );
    assert_eq!(
        callee_names(source),
        vec![
            Some(".services.load".into()),
            Some("..core.util.run".into())
        ]
    );
}

#[test]
fn instance_types_come_from_constructors_annotations_and_with_items() {
    let source = "
import requests
from typing import Annotated, Optional
from sqlalchemy.orm import Session
s = requests.Session()
def f(db: Session, maybe: Optional[Session], ann: Annotated[Session, 1], other: 'Session | None' = None):
    s.get('x')
    db.execute(1)
    maybe.execute(1)
    ann.execute(1)
    with requests.Session() as inner:
        inner.get('y')
";
    let parsed = parse_module(source).expect("parses");
    let semantic = SemanticModel::build(parsed.syntax(), None);
    let receivers: Vec<Option<String>> = semantic
        .calls()
        .iter()
        .filter_map(|(call, scope)| match call.func.as_ref() {
            Expr::Attribute(attribute) => Some(semantic.instance_type(&attribute.value, *scope)),
            _ => None,
        })
        .collect();
    assert_eq!(
        receivers,
        vec![
            // `requests.Session()`: the receiver is the module, not an instance.
            None,
            Some("requests.Session".into()),
            Some("sqlalchemy.orm.Session".into()),
            Some("sqlalchemy.orm.Session".into()),
            Some("sqlalchemy.orm.Session".into()),
            None,
            // The `with` target is an instance of the context expression's class.
            Some("requests.Session".into()),
        ]
    );
}

#[test]
fn global_declarations_resolve_to_module_bindings() {
    let source = "
import time as t
def f():
    global t
    t.sleep(1)
";
    assert_eq!(callee_names(source), vec![Some("time.sleep".into())]);
}

#[test]
fn comprehension_and_lambda_parameters_shadow() {
    let source = "
import time
[time.sleep(x) for time in range(3)]
(lambda time: time.sleep(1))
";
    assert_eq!(
        callee_names(source),
        vec![Some("builtins.range".into()), None, None]
    );
}

/// Counts call expressions independently of the model, to check none is missed or repeated.
struct CountCalls(usize);

impl<'a> Visitor<'a> for CountCalls {
    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Call(ExprCall { .. }) = expr {
            self.0 += 1;
        }
        visitor::walk_expr(self, expr);
    }
}

#[test]
fn every_call_is_recorded_once() {
    let source = "f(g(1), [h(x) for x in y], lambda: k())";
    let parsed = parse_module(source).expect("parses");
    let mut counter = CountCalls(0);
    counter.visit_body(&parsed.syntax().body);
    let semantic = SemanticModel::build(parsed.syntax(), None);
    assert_eq!(semantic.calls().len(), counter.0);
}

#[test]
fn external_ancestors_follow_classes_of_the_module() {
    let source = "
from typing import Generic, TypeVar
import pydantic
T = TypeVar('T')
class Base(pydantic.BaseModel): ...
class Page(Base, Generic[T]): ...
class Loop(Loop): ...
class Unknown(mystery): ...
";
    let parsed = parse_module(source).expect("parses");
    let semantic = SemanticModel::build(parsed.syntax(), None);
    let ancestors = |name: &str| {
        let class = parsed
            .syntax()
            .body
            .iter()
            .find_map(|stmt| {
                stmt.as_class_def_stmt()
                    .filter(|class| class.name.as_str() == name)
            })
            .unwrap();
        let mut found = semantic.external_ancestors(class, super::ScopeId::MODULE);
        found.sort();
        found
    };
    assert_eq!(ancestors("Page"), ["pydantic.BaseModel", "typing.Generic"]);
    // Its own name is not bound yet when the bases are evaluated: unresolved, so silent.
    assert!(ancestors("Loop").is_empty());
    assert!(ancestors("Unknown").is_empty());
}

/// The class of each call's receiver (`x` in `x.m()`), as [`SemanticModel::instance_type`]
/// proves it, in source order.
fn receiver_types(source: &str) -> Vec<Option<String>> {
    let parsed = parse_module(source).expect("fixture parses");
    let semantic = SemanticModel::build(parsed.syntax(), None);
    semantic
        .calls()
        .iter()
        .filter_map(|(call, scope)| match call.func.as_ref() {
            Expr::Attribute(method) => Some(semantic.instance_type(&method.value, *scope)),
            _ => None,
        })
        .collect()
}

#[test]
fn instance_attributes_have_the_type_their_class_gives_them() {
    let source = "
from sqlalchemy.orm import Session
import requests

class Repo:
    http: requests.Session

    def __init__(self, session: Session, flag, other: int):
        self.session = session
        self.unknown = flag
        self.either = session if flag else other
        self.later = None
        self.mixed = session

    def load(self):
        self.later = requests.Session()
        self.mixed = other_value()

    def get(self):
        self.session.execute()
        self.http.get()
        self.unknown.run()
        self.later.get()
        self.mixed.run()

    @staticmethod
    def free(self):
        self.session.execute()

def outside(self):
    self.session.execute()
";
    assert_eq!(
        receiver_types(source),
        [
            None,
            Some("sqlalchemy.orm.Session".to_string()),
            Some("requests.Session".to_string()),
            None,
            Some("requests.Session".to_string()),
            None,
            None,
            None,
        ]
    );
}
