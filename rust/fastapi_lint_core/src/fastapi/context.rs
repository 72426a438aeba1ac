//! Building the `FastAPI` context of one module from its semantic model.

use std::collections::HashMap;

use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::{Ranged, TextSize};

use super::role::{FunctionRole, Roles};
use super::{APP_CLASSES, BACKGROUND_TASKS, DEPENDS, HTTP_METHODS, ROUTER_CLASSES, SECURITY};
use crate::project::FileFacts;
use crate::project::names::{definition_name, module_name_or_main};
use crate::semantic::{BindingKind, ScopeId, SemanticModel};

/// A route decorator found on a function: `@router.get("/items/{id}", response_model=Item)`.
#[derive(Clone, Copy, Debug)]
pub struct RouteDecorator<'a> {
    pub call: &'a ast::ExprCall,
    /// The decorator's method name: `get`, `api_route`, `websocket`, …
    pub method: &'a str,
}

impl<'a> RouteDecorator<'a> {
    /// The path string, when given as a literal first argument or `path=`.
    pub fn path(&self) -> Option<&'a ast::ExprStringLiteral> {
        let path = self.call.arguments.find_argument_value("path", 0)?;
        path.as_string_literal_expr()
    }

    pub fn keyword(&self, name: &str) -> Option<&'a Expr> {
        self.call
            .arguments
            .find_keyword(name)
            .map(|keyword| &keyword.value)
    }
}

/// The `FastAPI` facts of one module.
#[derive(Debug, Default)]
pub struct FastApiContext<'a> {
    imports_fastapi: bool,
    roles: HashMap<TextSize, Roles>,
    route_decorators: HashMap<TextSize, Vec<RouteDecorator<'a>>>,
    /// Imported names that are apps or routers created in another module of the project.
    project_apps: Vec<String>,
}

impl<'a> FastApiContext<'a> {
    pub fn build(semantic: &SemanticModel<'a>) -> Self {
        Self::build_in_project(semantic, &FileFacts::default())
    }

    /// Like [`Self::build`], adding what other modules of the project say: roles of this
    /// module's functions (`Depends(f)` elsewhere) and routers imported from another module.
    pub fn build_in_project(semantic: &SemanticModel<'a>, facts: &FileFacts) -> Self {
        let mut context = Self {
            imports_fastapi: semantic.imports_module("fastapi"),
            ..Self::default()
        };
        context.project_apps = facts.apps.iter().cloned().collect();
        if !facts.roles.is_empty() {
            let module = module_name_or_main(semantic);
            for (function, scope) in semantic.functions() {
                let roles = definition_name(semantic, &module, function.name.as_str(), *scope)
                    .and_then(|name| facts.roles.get(&name));
                if let Some(roles) = roles {
                    context
                        .roles
                        .entry(function.start())
                        .or_default()
                        .extend(*roles);
                }
            }
        }
        if !context.imports_fastapi
            && !semantic.imports_module("starlette")
            && context.project_apps.is_empty()
        {
            return context;
        }
        for (function, scope) in semantic.functions() {
            context.classify_decorators(semantic, function, *scope);
        }
        for (call, scope) in semantic.calls() {
            context.classify_call(semantic, call, *scope);
        }
        context
    }

    /// Whether `expr` holds an app or router: proven here, or imported from the module that
    /// creates it.
    fn is_app_or_router(&self, semantic: &SemanticModel, expr: &Expr, scope: ScopeId) -> bool {
        is_app_or_router(semantic, expr, scope)
            || (!self.project_apps.is_empty()
                && semantic
                    .qualified_name(expr, scope)
                    .is_some_and(|name| self.project_apps.contains(&name)))
    }

    /// Whether the module imports `fastapi` (Ruff's FAST rules stay silent otherwise).
    pub const fn imports_fastapi(&self) -> bool {
        self.imports_fastapi
    }

    /// The roles a function plays in this module.
    pub fn roles(&self, function: &ast::StmtFunctionDef) -> Roles {
        self.roles
            .get(&function.start())
            .copied()
            .unwrap_or_default()
    }

    /// The route decorators on a function (`@app.get`, `@router.api_route`, `@app.websocket`).
    pub fn route_decorators(&self, function: &ast::StmtFunctionDef) -> &[RouteDecorator<'a>] {
        self.route_decorators
            .get(&function.start())
            .map_or(&[], Vec::as_slice)
    }

    fn mark(&mut self, function: &ast::StmtFunctionDef, role: FunctionRole) {
        self.roles.entry(function.start()).or_default().insert(role);
    }

    /// Marks the function a callback argument refers to (a plain name bound to a `def` here).
    fn mark_callback(
        &mut self,
        semantic: &SemanticModel<'a>,
        callback: &Expr,
        scope: ScopeId,
        role: FunctionRole,
    ) {
        match semantic
            .binding_of_name(callback, scope)
            .map(|binding| &binding.kind)
        {
            Some(BindingKind::FunctionDef(function)) => self.mark(function, role),
            // A callable class instance used as a dependency: its `__call__` plays the role.
            Some(BindingKind::Assignment {
                value: Expr::Call(call),
            }) => {
                if let Some(BindingKind::ClassDef(class)) =
                    semantic.binding_of_name(&call.func, scope).map(|b| &b.kind)
                    && let Some(method) = class_method(class, "__call__")
                {
                    self.mark(method, role);
                }
            }
            _ => {}
        }
    }

    fn classify_decorators(
        &mut self,
        semantic: &SemanticModel<'a>,
        function: &'a ast::StmtFunctionDef,
        scope: ScopeId,
    ) {
        for decorator in &function.decorator_list {
            let Expr::Call(call) = &decorator.expression else {
                continue;
            };
            let Expr::Attribute(attribute) = call.func.as_ref() else {
                continue;
            };
            if !self.is_app_or_router(semantic, &attribute.value, scope) {
                continue;
            }
            let method = attribute.attr.id.as_str();
            let role = match method {
                m if HTTP_METHODS.contains(&m) || m == "api_route" => FunctionRole::Route,
                "websocket" | "websocket_route" => FunctionRole::WebSocket,
                "middleware" => FunctionRole::Middleware,
                "exception_handler" => FunctionRole::ExceptionHandler,
                "on_event" => FunctionRole::EventHandler,
                _ => continue,
            };
            self.mark(function, role);
            if matches!(role, FunctionRole::Route | FunctionRole::WebSocket) {
                self.route_decorators
                    .entry(function.start())
                    .or_default()
                    .push(RouteDecorator { call, method });
            }
        }
    }

    fn classify_call(
        &mut self,
        semantic: &SemanticModel<'a>,
        call: &'a ast::ExprCall,
        scope: ScopeId,
    ) {
        let arguments = &call.arguments;
        // Starlette's word: a function handed over as `lifespan=` is one, whether to `FastAPI`
        // or to the project's own app factory (`create_app(lifespan=lifespan)`).
        if let Some(lifespan) = arguments.find_keyword("lifespan") {
            self.mark_callback(semantic, &lifespan.value, scope, FunctionRole::Lifespan);
        }
        if let Some(qualified) = semantic.callee_name(call) {
            if DEPENDS.contains(&qualified) || SECURITY.contains(&qualified) {
                if let Some(dependency) = arguments.find_argument_value("dependency", 0) {
                    self.mark_callback(semantic, dependency, scope, FunctionRole::Dependency);
                }
                return;
            }
            if APP_CLASSES.contains(&qualified) || ROUTER_CLASSES.contains(&qualified) {
                for key in ["on_startup", "on_shutdown"] {
                    if let Some(Expr::List(list)) = arguments.find_keyword(key).map(|k| &k.value) {
                        for handler in &list.elts {
                            self.mark_callback(
                                semantic,
                                handler,
                                scope,
                                FunctionRole::EventHandler,
                            );
                        }
                    }
                }
                return;
            }
            if qualified == "starlette.background.BackgroundTask" {
                if let Some(task) = arguments.find_argument_value("func", 0) {
                    self.mark_callback(semantic, task, scope, FunctionRole::BackgroundTask);
                }
                return;
            }
        }
        let Expr::Attribute(attribute) = call.func.as_ref() else {
            return;
        };
        let receiver = &attribute.value;
        match attribute.attr.id.as_str() {
            "add_task"
                if semantic
                    .instance_type(receiver, scope)
                    .is_some_and(|t| BACKGROUND_TASKS.contains(&t.as_str())) =>
            {
                if let Some(task) = arguments.find_argument_value("func", 0) {
                    self.mark_callback(semantic, task, scope, FunctionRole::BackgroundTask);
                }
            }
            method if self.is_app_or_router(semantic, receiver, scope) => {
                let (role, position, keyword) = match method {
                    "add_api_route" => (FunctionRole::Route, 1, "endpoint"),
                    "add_api_websocket_route" | "add_websocket_route" => {
                        (FunctionRole::WebSocket, 1, "endpoint")
                    }
                    "add_exception_handler" => (FunctionRole::ExceptionHandler, 1, "handler"),
                    "add_event_handler" => (FunctionRole::EventHandler, 1, "func"),
                    _ => return,
                };
                if let Some(callback) = arguments.find_argument_value(keyword, position) {
                    self.mark_callback(semantic, callback, scope, role);
                }
            }
            _ => {}
        }
    }
}

/// Whether `expr` is a name the code proves to hold a `FastAPI()` app or an `APIRouter()`:
/// bound to a call of the class, or annotated with it.
pub fn is_app_or_router(semantic: &SemanticModel, expr: &Expr, scope: ScopeId) -> bool {
    semantic.instance_type(expr, scope).is_some_and(|class| {
        APP_CLASSES.contains(&class.as_str()) || ROUTER_CLASSES.contains(&class.as_str())
    })
}

fn class_method<'a>(class: &'a ast::StmtClassDef, name: &str) -> Option<&'a ast::StmtFunctionDef> {
    class.body.iter().find_map(|stmt| match stmt {
        ast::Stmt::FunctionDef(function) if function.name.id.as_str() == name => Some(function),
        _ => None,
    })
}
