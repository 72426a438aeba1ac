//! The pass that fills a [`SemanticModel`] with scopes and bindings.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, ExprContext, ModModule, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};

use super::attributes::AttributeAssignment;
use super::binding::{Binding, BindingId, BindingKind};
use super::model::{NodeTag, Scope, ScopeId, ScopeKind, SemanticModel};

pub(super) fn collect<'a>(model: &mut SemanticModel<'a>, module: &'a ModModule) {
    let mut builder = Builder {
        model,
        stack: vec![ScopeId::MODULE],
        statement_end: TextSize::default(),
    };
    builder.visit_body(&module.body);
}

struct Builder<'m, 'a> {
    model: &'m mut SemanticModel<'a>,
    stack: Vec<ScopeId>,
    /// End of the statement being visited: where plain bindings become visible.
    statement_end: TextSize,
}

impl<'a> Builder<'_, 'a> {
    fn current(&self) -> ScopeId {
        *self.stack.last().unwrap_or(&ScopeId::MODULE)
    }

    fn bind(
        &mut self,
        name: &'a str,
        kind: BindingKind<'a>,
        range: TextRange,
        visible_from: TextSize,
    ) {
        let scope = self.current();
        let id = BindingId(u32::try_from(self.model.bindings.len()).unwrap_or(u32::MAX));
        self.model.bindings.push(Binding {
            name,
            kind,
            range,
            visible_from,
            scope,
        });
        self.model.scopes[scope.0 as usize].bind(name, id);
    }

    fn push_scope(&mut self, kind: ScopeKind<'a>, key: (TextSize, NodeTag)) {
        let id = ScopeId(u32::try_from(self.model.scopes.len()).unwrap_or(u32::MAX));
        self.model
            .scopes
            .push(Scope::new(kind, Some(self.current())));
        self.model.scope_by_node.insert(key, id);
        self.stack.push(id);
    }

    fn pop_scope(&mut self) {
        self.stack.pop();
    }

    /// Binds the names of an assignment target; sub-expressions that are reads (`a.b = …`,
    /// `a[i] = …`) are visited as reads.
    fn bind_target(&mut self, target: &'a Expr, single: Option<BindingKind<'a>>) {
        match target {
            Expr::Name(name) => {
                let kind = single.unwrap_or(BindingKind::Other);
                self.bind(name.id.as_str(), kind, name.range, self.statement_end);
            }
            Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
                for elt in elts {
                    self.bind_target(elt, None);
                }
            }
            Expr::Starred(starred) => self.bind_target(&starred.value, None),
            Expr::Attribute(attribute) => {
                let (value, annotation) = match single {
                    Some(BindingKind::Assignment { value }) => (Some(value), None),
                    Some(BindingKind::AnnAssign { annotation, value }) => (value, Some(annotation)),
                    _ => (None, None),
                };
                self.record_attribute_assignment(attribute, value, annotation);
                self.visit_expr(target);
            }
            other => self.visit_expr(other),
        }
    }

    /// Records `name.attribute = value` made in a function, for [`SemanticModel::instance_attribute`].
    fn record_attribute_assignment(
        &mut self,
        attribute: &'a ast::ExprAttribute,
        value: Option<&'a Expr>,
        annotation: Option<&'a Expr>,
    ) {
        let scope = self.current();
        if !matches!(self.model.scope(scope).kind, ScopeKind::Function(_)) {
            return;
        }
        if let Expr::Name(receiver) = attribute.value.as_ref() {
            self.model.attribute_assignments.push(AttributeAssignment {
                scope,
                receiver: receiver.id.as_str(),
                attribute: attribute.attr.as_str(),
                value,
                annotation,
            });
        }
    }

    /// Binds an assignment target; names get the value they receive, also when unpacked
    /// position by position from a literal tuple, list or set (`app, router = FastAPI(), APIRouter()`).
    fn bind_assignment(&mut self, target: &'a Expr, value: &'a Expr) {
        match (target, value) {
            (Expr::Name(_) | Expr::Attribute(_), _) => {
                self.bind_target(target, Some(BindingKind::Assignment { value }));
            }
            (
                Expr::Tuple(ast::ExprTuple { elts: targets, .. })
                | Expr::List(ast::ExprList { elts: targets, .. }),
                Expr::Tuple(ast::ExprTuple { elts: values, .. })
                | Expr::List(ast::ExprList { elts: values, .. })
                | Expr::Set(ast::ExprSet { elts: values, .. }),
            ) if targets.len() == values.len() && !targets.iter().any(Expr::is_starred_expr) => {
                for (target, value) in targets.iter().zip(values) {
                    self.bind_assignment(target, value);
                }
            }
            _ => self.bind_target(target, None),
        }
    }

    fn bind_parameters(&mut self, parameters: &'a ast::Parameters, visible_from: TextSize) {
        for param in parameters.iter_non_variadic_params() {
            let parameter = &param.parameter;
            self.bind(
                parameter.name.id.as_str(),
                BindingKind::Parameter {
                    parameter,
                    default: param.default.as_deref(),
                },
                parameter.name.range,
                visible_from,
            );
        }
        for parameter in [parameters.vararg.as_deref(), parameters.kwarg.as_deref()]
            .into_iter()
            .flatten()
        {
            self.bind(
                parameter.name.id.as_str(),
                BindingKind::Parameter {
                    parameter,
                    default: None,
                },
                parameter.name.range,
                visible_from,
            );
        }
    }

    fn visit_parameter_defaults_and_annotations(&mut self, parameters: &'a ast::Parameters) {
        for param in parameters.iter_non_variadic_params() {
            if let Some(default) = &param.default {
                self.visit_expr(default);
            }
            if let Some(annotation) = &param.parameter.annotation {
                self.visit_expr(annotation);
            }
        }
        for parameter in [parameters.vararg.as_deref(), parameters.kwarg.as_deref()]
            .into_iter()
            .flatten()
        {
            if let Some(annotation) = &parameter.annotation {
                self.visit_expr(annotation);
            }
        }
    }

    fn visit_comprehension_expr(
        &mut self,
        expr: &'a Expr,
        generators: &'a [ast::Comprehension],
        elements: &[&'a Expr],
    ) {
        // The first iterable is evaluated in the enclosing scope.
        if let Some(first) = generators.first() {
            self.visit_expr(&first.iter);
        }
        self.push_scope(
            ScopeKind::Comprehension,
            (expr.start(), NodeTag::Comprehension),
        );
        let saved = std::mem::replace(&mut self.statement_end, expr.start());
        for (i, generator) in generators.iter().enumerate() {
            if i > 0 {
                self.visit_expr(&generator.iter);
            }
            self.bind_target(&generator.target, None);
            for condition in &generator.ifs {
                self.visit_expr(condition);
            }
        }
        for element in elements {
            self.visit_expr(element);
        }
        self.statement_end = saved;
        self.pop_scope();
    }
}

impl<'a> Visitor<'a> for Builder<'_, 'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        let saved = std::mem::replace(&mut self.statement_end, stmt.end());
        match stmt {
            Stmt::FunctionDef(function) => {
                self.model.functions.push((function, self.current()));
                for decorator in &function.decorator_list {
                    self.visit_decorator(decorator);
                }
                self.visit_parameter_defaults_and_annotations(&function.parameters);
                if let Some(returns) = &function.returns {
                    self.visit_expr(returns);
                }
                self.bind(
                    function.name.id.as_str(),
                    BindingKind::FunctionDef(function),
                    function.name.range,
                    stmt.end(),
                );
                self.push_scope(
                    ScopeKind::Function(function),
                    (function.start(), NodeTag::Function),
                );
                self.bind_parameters(&function.parameters, function.start());
                self.visit_body(&function.body);
                self.pop_scope();
            }
            Stmt::ClassDef(class) => {
                for decorator in &class.decorator_list {
                    self.visit_decorator(decorator);
                }
                if let Some(arguments) = &class.arguments {
                    self.visit_arguments(arguments);
                }
                self.push_scope(ScopeKind::Class(class), (class.start(), NodeTag::Class));
                self.visit_body(&class.body);
                self.pop_scope();
                self.bind(
                    class.name.id.as_str(),
                    BindingKind::ClassDef(class),
                    class.name.range,
                    stmt.end(),
                );
            }
            Stmt::Import(import) => {
                for alias in &import.names {
                    let full = alias.name.id.as_str();
                    match &alias.asname {
                        Some(asname) => self.bind(
                            asname.id.as_str(),
                            BindingKind::Import {
                                qualified: full.to_string(),
                            },
                            alias.range,
                            stmt.end(),
                        ),
                        None => {
                            let top = full.split('.').next().unwrap_or(full);
                            self.bind(
                                top,
                                BindingKind::Import {
                                    qualified: top.to_string(),
                                },
                                alias.range,
                                stmt.end(),
                            );
                        }
                    }
                }
            }
            Stmt::ImportFrom(import) => {
                let module = self
                    .model
                    .absolute_module(import.level, import.module.as_ref().map(|m| m.id.as_str()));
                for alias in &import.names {
                    let name = alias.name.id.as_str();
                    if name == "*" {
                        continue;
                    }
                    // `concat`, not `format!`: this runs for every imported name of every file.
                    let qualified = if module.is_empty() || module.ends_with('.') {
                        [module.as_str(), name].concat()
                    } else {
                        [module.as_str(), ".", name].concat()
                    };
                    let bound = alias
                        .asname
                        .as_ref()
                        .map_or(name, |asname| asname.id.as_str());
                    self.bind(
                        bound,
                        BindingKind::FromImport { qualified },
                        alias.range,
                        stmt.end(),
                    );
                }
            }
            Stmt::Assign(assign) => {
                self.visit_expr(&assign.value);
                for target in &assign.targets {
                    self.bind_assignment(target, &assign.value);
                }
            }
            Stmt::AnnAssign(assign) => {
                if let Some(value) = &assign.value {
                    self.visit_expr(value);
                }
                self.visit_expr(&assign.annotation);
                let kind = BindingKind::AnnAssign {
                    annotation: &assign.annotation,
                    value: assign.value.as_deref(),
                };
                // A bare `x: int` in a function declares a local but binds nothing at run time;
                // it still shadows outer names for the rest of the function, which is what we want.
                self.bind_target(&assign.target, Some(kind));
            }
            Stmt::AugAssign(assign) => {
                self.visit_expr(&assign.value);
                match assign.target.as_ref() {
                    Expr::Name(name) => {
                        self.bind(name.id.as_str(), BindingKind::Other, name.range, stmt.end());
                    }
                    target => self.bind_target(target, None),
                }
            }
            Stmt::For(for_stmt) => {
                self.visit_expr(&for_stmt.iter);
                self.statement_end = for_stmt.target.end();
                self.bind_target(&for_stmt.target, None);
                self.visit_body(&for_stmt.body);
                self.visit_body(&for_stmt.orelse);
            }
            Stmt::With(with) => {
                for item in &with.items {
                    self.visit_expr(&item.context_expr);
                    if let Some(vars) = &item.optional_vars {
                        self.statement_end = vars.end();
                        let single = matches!(vars.as_ref(), Expr::Name(_)).then_some(
                            BindingKind::WithItem {
                                context: &item.context_expr,
                            },
                        );
                        self.bind_target(vars, single);
                    }
                }
                self.visit_body(&with.body);
            }
            Stmt::Global(ast::StmtGlobal { names, .. })
            | Stmt::Nonlocal(ast::StmtNonlocal { names, .. }) => {
                for name in names {
                    self.bind(
                        name.id.as_str(),
                        BindingKind::Declaration,
                        name.range,
                        stmt.start(),
                    );
                    let scope = self.current();
                    self.model
                        .declaring_scopes
                        .entry(name.id.as_str())
                        .or_default()
                        .push(scope);
                }
            }
            _ => visitor::walk_stmt(self, stmt),
        }
        self.statement_end = saved;
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Lambda(lambda) => {
                if let Some(parameters) = &lambda.parameters {
                    self.visit_parameter_defaults_and_annotations(parameters);
                }
                self.push_scope(ScopeKind::Lambda, (lambda.start(), NodeTag::Lambda));
                if let Some(parameters) = &lambda.parameters {
                    self.bind_parameters(parameters, lambda.start());
                }
                self.visit_expr(&lambda.body);
                self.pop_scope();
            }
            Expr::ListComp(comp) => {
                self.visit_comprehension_expr(expr, &comp.generators, &[&comp.elt]);
            }
            Expr::SetComp(comp) => {
                self.visit_comprehension_expr(expr, &comp.generators, &[&comp.elt]);
            }
            Expr::Generator(comp) => {
                self.visit_comprehension_expr(expr, &comp.generators, &[&comp.elt]);
            }
            Expr::DictComp(comp) => {
                let elements: Vec<&Expr> = comp
                    .key
                    .as_deref()
                    .into_iter()
                    .chain([comp.value.as_ref()])
                    .collect();
                self.visit_comprehension_expr(expr, &comp.generators, &elements);
            }
            Expr::Named(named) => {
                self.visit_expr(&named.value);
                if let Expr::Name(name) = named.target.as_ref() {
                    self.bind(
                        name.id.as_str(),
                        BindingKind::Assignment {
                            value: &named.value,
                        },
                        name.range,
                        named.end(),
                    );
                }
            }
            Expr::Call(call) => {
                self.model.calls.push((call, self.current()));
                visitor::walk_expr(self, expr);
            }
            Expr::Name(name) if name.ctx == ExprContext::Store => {
                self.bind(
                    name.id.as_str(),
                    BindingKind::Other,
                    name.range,
                    self.statement_end,
                );
            }
            _ => visitor::walk_expr(self, expr),
        }
    }

    fn visit_except_handler(&mut self, handler: &'a ast::ExceptHandler) {
        let ast::ExceptHandler::ExceptHandler(handler_inner) = handler;
        if let Some(name) = &handler_inner.name {
            self.bind(name.id.as_str(), BindingKind::Other, name.range, name.end());
        }
        visitor::walk_except_handler(self, handler);
    }
}
