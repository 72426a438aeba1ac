use ruff_python_ast::statement_visitor::{self, StatementVisitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use super::{
    annotation_metadata, definition_scope, is_injected, raised_http_status, root_name,
    route_parameter,
};
use crate::checker::Checker;
use crate::diagnostic::Diagnostic;
use crate::registry::{Rule, rule_docs};
use crate::semantic::{BindingKind, ScopeId, SemanticModel};
use crate::versions::PydanticMajor;

rule_docs! {
    /// ## What it does
    /// Checks for routes that validate their request by hand:
    /// `if <condition>: raise HTTPException(status_code=400)` (or 422), where the condition
    /// reads only the route's own request parameters (and their attributes), literals,
    /// module-level constants and pure built-ins: comparisons, `not`/`and`/`or`, `in`, `len`,
    /// `isinstance`, `re.match`/`fullmatch`/`search`, and string tests such as `.startswith()`
    /// or `.isdigit()`.
    ///
    /// A condition that calls anything else (a database lookup, an `await`, a helper), reads a
    /// local computed in the route, or reads a parameter injected with `Depends(...)`/
    /// `Security(...)`, or reads a parameter the route stored into before (`data.x = ...`) is
    /// not request validation and is not reported. Parameters FastAPI cannot
    /// constrain declaratively (`Request`, `UploadFile`, `File(...)`, `BackgroundTasks`, …) are
    /// not request parameters here either, nor are `Header(...)` and `Cookie(...)` parameters:
    /// checks on them are mostly authentication (`if x_token != SECRET`), which belongs in a
    /// dependency. A check nested under an `if` whose condition reads more than the request
    /// (`if not user.is_admin: if len(data.models) == 0: raise ...`) depends on more than the
    /// request and is not reported.
    ///
    /// ## Why is this bad?
    /// Pydantic and FastAPI's parameter declarations are built for this. Checks scattered in
    /// route bodies are repeated from route to route, return ad-hoc 400 errors instead of
    /// FastAPI's uniform 422 validation errors (which say which field failed and why), and do
    /// not appear in the OpenAPI schema, so clients cannot know the constraint.
    ///
    /// ## Example
    /// ```python
    /// from fastapi import FastAPI, HTTPException
    /// from pydantic import BaseModel
    ///
    /// app = FastAPI()
    ///
    ///
    /// class UserCreate(BaseModel):
    ///     username: str
    ///
    ///
    /// @app.post("/users")
    /// async def create_user(user: UserCreate, page: int = 1):
    ///     if len(user.username) < 3:
    ///         raise HTTPException(status_code=400, detail="username too short")
    ///     if page < 1:
    ///         raise HTTPException(status_code=400, detail="page must be positive")
    ///     ...
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// from typing import Annotated
    ///
    /// from fastapi import FastAPI, Query
    /// from pydantic import BaseModel, Field
    ///
    /// app = FastAPI()
    ///
    ///
    /// class UserCreate(BaseModel):
    ///     username: str = Field(min_length=3)
    ///
    ///
    /// @app.post("/users")
    /// async def create_user(user: UserCreate, page: Annotated[int, Query(ge=1)] = 1):
    ///     ...
    /// ```
    ///
    /// Checks Pydantic cannot express as constraints go in a `field_validator` (one field) or a
    /// `model_validator` (several fields) on the model.
    ///
    /// ## References
    /// - fastapi-lint practices, 9: "Validate with Pydantic, not in endpoints"
    /// - [FastAPI: Query parameters and string validations](https://fastapi.tiangolo.com/tutorial/query-params-str-validations/)
    /// - [FastAPI: Path parameters and numeric validations](https://fastapi.tiangolo.com/tutorial/path-params-numeric-validations/)
    /// - [Pydantic: Fields](https://docs.pydantic.dev/latest/concepts/fields/)
    /// - [Pydantic: Validators](https://docs.pydantic.dev/latest/concepts/validators/)
    pub struct ValidationInRoute;
}

/// The statuses a failed request validation is reported with.
const VALIDATION_STATUSES: &[u16] = &[400, 422];

/// Functions that compute without side effects, whose arguments the condition may pass on.
const PURE_FUNCTIONS: &[&str] = &[
    "builtins.len",
    "builtins.isinstance",
    "builtins.abs",
    "builtins.min",
    "builtins.max",
    "builtins.any",
    "builtins.all",
    "builtins.sum",
    "builtins.bool",
    "builtins.str",
    "builtins.int",
    "builtins.float",
    "builtins.set",
    "builtins.list",
    "builtins.tuple",
    "re.match",
    "re.fullmatch",
    "re.search",
];

/// Built-in types a condition may name (`isinstance(x, int)`).
const BUILTIN_TYPES: &[&str] = &[
    "builtins.int",
    "builtins.str",
    "builtins.float",
    "builtins.bool",
    "builtins.bytes",
    "builtins.list",
    "builtins.dict",
    "builtins.tuple",
    "builtins.set",
];

/// String methods that only inspect or transform the string.
const STR_METHODS: &[&str] = &[
    "startswith",
    "endswith",
    "isdigit",
    "isalpha",
    "isalnum",
    "isnumeric",
    "isdecimal",
    "isspace",
    "islower",
    "isupper",
    "isascii",
    "isidentifier",
    "strip",
    "lstrip",
    "rstrip",
    "lower",
    "upper",
    "count",
];

/// Methods of a compiled pattern (`PATTERN = re.compile(...)` at module level).
const PATTERN_METHODS: &[&str] = &["match", "fullmatch", "search"];

/// Parameter types that are not request data `FastAPI` could validate declaratively.
const NON_REQUEST_TYPES: &[&str] = &[
    "fastapi.Request",
    "fastapi.requests.Request",
    "starlette.requests.Request",
    "starlette.requests.HTTPConnection",
    "fastapi.WebSocket",
    "fastapi.websockets.WebSocket",
    "starlette.websockets.WebSocket",
    "fastapi.Response",
    "fastapi.responses.Response",
    "starlette.responses.Response",
    "fastapi.BackgroundTasks",
    "fastapi.background.BackgroundTasks",
    "starlette.background.BackgroundTasks",
    "fastapi.UploadFile",
    "fastapi.datastructures.UploadFile",
    "starlette.datastructures.UploadFile",
    "fastapi.security.SecurityScopes",
];

/// Parameter declarations whose values are not validated by the rule's suggestions: uploaded
/// files (`File(...)`, whose size or content checks have no declarative form) and headers and
/// cookies (`Header(...)`, `Cookie(...)`), which mostly carry credentials: a check on them is
/// authentication, which belongs in a dependency.
const NON_REQUEST_PARAMS: &[&str] = &[
    "fastapi.File",
    "fastapi.params.File",
    "fastapi.param_functions.File",
    "fastapi.Header",
    "fastapi.params.Header",
    "fastapi.param_functions.Header",
    "fastapi.Cookie",
    "fastapi.params.Cookie",
    "fastapi.param_functions.Cookie",
];

pub(super) fn check(
    checker: &mut Checker,
    route: &ast::StmtFunctionDef,
    test: &Expr,
    body: &[Stmt],
) {
    let [raise] = body else { return };
    let Some(status) =
        raised_http_status(checker, raise).filter(|status| VALIDATION_STATUSES.contains(status))
    else {
        return;
    };
    let semantic = checker.semantic();
    let body_scope = checker.scope();
    let mut condition = Condition {
        semantic,
        route,
        body_scope,
        definition_scope: definition_scope(semantic, body_scope),
        reads_parameter: false,
    };
    if !condition.reads_only_request(test) || !condition.reads_parameter {
        return;
    }
    // Under `if user.is_admin: ... else: <check>` the check depends on more than the request.
    let mut enclosing = Vec::new();
    enclosing_tests(&route.body, test.range(), &mut enclosing);
    if !enclosing
        .into_iter()
        .all(|outer| condition.reads_only_request(outer))
    {
        return;
    }
    // The validator Pydantic has in the project's version.
    let validator = match checker.pydantic() {
        Some(PydanticMajor::V2) => "a `field_validator`",
        Some(PydanticMajor::V1) => "a `@validator`",
        None => "a validator",
    };
    let message = format!(
        "Route `{route}` validates its request by hand with `HTTPException({status})`, which clients get as an ad-hoc error missing from OpenAPI; declare it with `Field(...)` constraints or {validator} on the model, or with `Query(...)`/`Path(...)` constraints",
        route = route.name.id,
    );
    checker.report(Diagnostic::new(
        Rule::ValidationInRoute,
        message,
        test.range(),
    ));
}

/// Walks a condition, deciding whether it reads only request data.
struct Condition<'a> {
    semantic: &'a SemanticModel<'a>,
    route: &'a ast::StmtFunctionDef,
    /// The route's body scope, where the condition is evaluated.
    body_scope: ScopeId,
    /// Where the route is defined: its parameters' annotations and defaults are read there.
    definition_scope: ScopeId,
    /// Set when the condition reads at least one request parameter.
    reads_parameter: bool,
}

impl Condition<'_> {
    fn reads_only_request(&mut self, expr: &Expr) -> bool {
        match expr {
            Expr::Name(name) => self.is_known_name(expr, name),
            Expr::Attribute(attribute) => self.reads_only_request(&attribute.value),
            Expr::Subscript(subscript) => {
                self.reads_only_request(&subscript.value)
                    && self.reads_only_request(&subscript.slice)
            }
            Expr::Slice(slice) => [&slice.lower, &slice.upper, &slice.step]
                .into_iter()
                .flatten()
                .all(|part| self.reads_only_request(part)),
            Expr::Compare(compare) => {
                self.reads_only_request(&compare.left) && self.all(&compare.comparators)
            }
            Expr::BoolOp(bool_op) => self.all(&bool_op.values),
            Expr::UnaryOp(unary) => self.reads_only_request(&unary.operand),
            Expr::BinOp(binop) => {
                self.reads_only_request(&binop.left) && self.reads_only_request(&binop.right)
            }
            Expr::Tuple(tuple) => self.all(&tuple.elts),
            Expr::List(list) => self.all(&list.elts),
            Expr::Set(set) => self.all(&set.elts),
            Expr::Call(call) => self.is_pure_call(call),
            _ => is_literal(expr),
        }
    }

    fn all(&mut self, exprs: &[Expr]) -> bool {
        exprs.iter().all(|expr| self.reads_only_request(expr))
    }

    fn is_pure_call(&mut self, call: &ast::ExprCall) -> bool {
        let pure_callee = match self.semantic.qualified_name(&call.func, self.body_scope) {
            Some(name) => PURE_FUNCTIONS.contains(&name.as_str()),
            None => match call.func.as_ref() {
                Expr::Attribute(attribute) if STR_METHODS.contains(&attribute.attr.id.as_str()) => {
                    self.reads_only_request(&attribute.value)
                }
                Expr::Attribute(attribute)
                    if PATTERN_METHODS.contains(&attribute.attr.id.as_str()) =>
                {
                    matches!(attribute.value.as_ref(), Expr::Name(name) if self.is_compiled_pattern(name))
                }
                _ => false,
            },
        };
        pure_callee
            && self.all(&call.arguments.args)
            && call
                .arguments
                .keywords
                .iter()
                .all(|keyword| self.reads_only_request(&keyword.value))
    }

    /// A request parameter of the route, a built-in type or a module-level literal constant.
    fn is_known_name(&mut self, expr: &Expr, name: &ast::ExprName) -> bool {
        if let Some((parameter, default)) = route_parameter(self.semantic, name, self.body_scope) {
            let is_request = self.is_request_parameter(parameter, default)
                && !is_modified_before(self.route, name);
            self.reads_parameter |= is_request;
            return is_request;
        }
        if self
            .semantic
            .qualified_name(expr, self.body_scope)
            .is_some_and(|name| BUILTIN_TYPES.contains(&name.as_str()))
        {
            return true;
        }
        self.module_constant(name).is_some_and(is_literal)
    }

    /// Whether `FastAPI` fills the parameter from the request (path, query, header, cookie, body)
    /// rather than injecting it.
    fn is_request_parameter(&self, parameter: &ast::Parameter, default: Option<&Expr>) -> bool {
        let semantic = self.semantic;
        let scope = self.definition_scope;
        if is_injected(semantic, parameter, default, scope) {
            return false;
        }
        if parameter
            .annotation()
            .and_then(|annotation| semantic.annotation_type(annotation, scope))
            .is_some_and(|name| NON_REQUEST_TYPES.contains(&name.as_str()))
        {
            return false;
        }
        let is_excluded = |expr: &Expr| {
            expr.as_call_expr().is_some_and(|call| {
                semantic
                    .qualified_name(&call.func, scope)
                    .is_some_and(|name| NON_REQUEST_PARAMS.contains(&name.as_str()))
            })
        };
        !(default.is_some_and(is_excluded)
            || annotation_metadata(semantic, parameter.annotation(), scope)
                .iter()
                .any(is_excluded))
    }

    /// `PATTERN` bound once at module level to `re.compile(<literals>)`.
    fn is_compiled_pattern(&self, name: &ast::ExprName) -> bool {
        match self.module_constant(name) {
            Some(Expr::Call(call)) => {
                self.semantic
                    .qualified_name(&call.func, ScopeId::MODULE)
                    .is_some_and(|callee| callee == "re.compile")
                    && call.arguments.args.iter().all(is_literal)
                    && call.arguments.keywords.is_empty()
            }
            _ => false,
        }
    }

    /// The value of a name bound exactly once, at module level, by a plain assignment.
    fn module_constant(&self, name: &ast::ExprName) -> Option<&Expr> {
        let binding =
            self.semantic
                .resolve_name(name.id.as_str(), self.body_scope, name.start())?;
        if binding.scope != ScopeId::MODULE
            || self
                .semantic
                .scope(ScopeId::MODULE)
                .bindings_of(name.id.as_str())
                .len()
                != 1
        {
            return None;
        }
        match &binding.kind {
            BindingKind::Assignment { value }
            | BindingKind::AnnAssign {
                value: Some(value), ..
            } => Some(value),
            _ => None,
        }
    }
}

/// Whether the route stores into the parameter before reading it here
/// (`payload.values = load(...)`): the value is then no longer the request's alone.
fn is_modified_before(route: &ast::StmtFunctionDef, name: &ast::ExprName) -> bool {
    struct Stores<'n> {
        name: &'n ast::ExprName,
        found: bool,
    }
    impl Stores<'_> {
        fn check_target(&mut self, target: &Expr) {
            let root = match target {
                Expr::Attribute(attribute) => root_name(&attribute.value),
                Expr::Subscript(subscript) => root_name(&subscript.value),
                _ => None,
            };
            self.found |= root.is_some_and(|root| root.id == self.name.id);
        }
    }
    impl StatementVisitor<'_> for Stores<'_> {
        fn visit_stmt(&mut self, stmt: &Stmt) {
            if self.found || stmt.start() >= self.name.start() {
                return;
            }
            match stmt {
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
                Stmt::Assign(assign) => assign
                    .targets
                    .iter()
                    .for_each(|target| self.check_target(target)),
                Stmt::AugAssign(assign) => self.check_target(&assign.target),
                Stmt::AnnAssign(assign) => self.check_target(&assign.target),
                _ => statement_visitor::walk_stmt(self, stmt),
            }
        }
    }
    let mut stores = Stores { name, found: false };
    stores.visit_body(&route.body);
    stores.found
}

/// The tests of the `if`/`elif` branches that lead to `target` inside `body`: for a branch of
/// an `if` statement, its own test and the tests of the branches before it.
fn enclosing_tests<'a>(body: &'a [Stmt], target: TextRange, tests: &mut Vec<&'a Expr>) {
    let Some(stmt) = body
        .iter()
        .find(|stmt| stmt.range().contains_range(target) && stmt.range() != target)
    else {
        return;
    };
    match stmt {
        Stmt::If(if_stmt) => {
            if if_stmt.test.range().contains_range(target) {
                return;
            }
            tests.push(&if_stmt.test);
            if if_stmt
                .body
                .iter()
                .any(|inner| inner.range().contains_range(target))
            {
                return enclosing_tests(&if_stmt.body, target, tests);
            }
            for clause in &if_stmt.elif_else_clauses {
                if clause
                    .test
                    .as_ref()
                    .is_some_and(|test| test.range().contains_range(target))
                {
                    return;
                }
                tests.extend(clause.test.as_ref());
                if clause.range().contains_range(target) {
                    return enclosing_tests(&clause.body, target, tests);
                }
            }
        }
        Stmt::For(for_stmt) => {
            enclosing_tests(&for_stmt.body, target, tests);
            enclosing_tests(&for_stmt.orelse, target, tests);
        }
        Stmt::While(while_stmt) => {
            tests.push(&while_stmt.test);
            enclosing_tests(&while_stmt.body, target, tests);
            enclosing_tests(&while_stmt.orelse, target, tests);
        }
        Stmt::With(with) => enclosing_tests(&with.body, target, tests),
        Stmt::Try(try_stmt) => {
            enclosing_tests(&try_stmt.body, target, tests);
            for handler in &try_stmt.handlers {
                let ast::ExceptHandler::ExceptHandler(handler) = handler;
                enclosing_tests(&handler.body, target, tests);
            }
            enclosing_tests(&try_stmt.orelse, target, tests);
            enclosing_tests(&try_stmt.finalbody, target, tests);
        }
        Stmt::Match(match_stmt) => {
            // A `case` pattern is a condition on the subject: read the subject as the test.
            tests.push(&match_stmt.subject);
            for case in &match_stmt.cases {
                enclosing_tests(&case.body, target, tests);
            }
        }
        _ => {}
    }
}

/// A literal, or a tuple/list/set/dict made of literals.
fn is_literal(expr: &Expr) -> bool {
    match expr {
        Expr::StringLiteral(_)
        | Expr::BytesLiteral(_)
        | Expr::NumberLiteral(_)
        | Expr::BooleanLiteral(_)
        | Expr::NoneLiteral(_)
        | Expr::EllipsisLiteral(_) => true,
        Expr::UnaryOp(unary) => is_literal(&unary.operand),
        Expr::Tuple(tuple) => tuple.elts.iter().all(is_literal),
        Expr::List(list) => list.elts.iter().all(is_literal),
        Expr::Set(set) => set.elts.iter().all(is_literal),
        Expr::Dict(dict) => dict
            .items
            .iter()
            .all(|item| item.key.as_ref().is_some_and(is_literal) && is_literal(&item.value)),
        _ => false,
    }
}
