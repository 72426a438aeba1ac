//! The syntax errors `CPython` reports after parsing, which the parser alone does not see:
//! duplicate parameters, `nonlocal` at module level, an irrefutable `case` before others, ...
//! The parser crate's `SemanticSyntaxChecker` finds them; this module gives it the context it
//! asks for (scopes, the Python version) and keeps the errors Ruff reports as
//! `invalid-syntax` (the others it turns into rules of its own).

use std::cell::{OnceCell, RefCell};
use std::path::Path;

use ruff_python_ast::helpers::any_over_expr;
use ruff_python_ast::statement_visitor::{self, StatementVisitor};
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, PySourceType, PythonVersion, Stmt};
use ruff_python_parser::semantic_errors::{
    LazyImportContext, SemanticSyntaxChecker, SemanticSyntaxContext, SemanticSyntaxError,
    SemanticSyntaxErrorKind,
};
use ruff_text_size::{Ranged, TextRange};
use rustc_hash::FxHashMap;

use crate::diagnostic::Diagnostic;
use crate::settings::LinterSettings;

/// The syntax errors `CPython` reports after parsing (duplicate parameters, `nonlocal` at module
/// level, an irrefutable `case` before others, ...): the parser crate's
/// [`SemanticSyntaxChecker`], driven over the module as Ruff's checker drives it, keeping the
/// errors Ruff reports as `invalid-syntax`.
///
/// Ruff runs these checks only on a module without parse errors; the caller does the same.
pub(crate) fn semantic_syntax_errors(
    module: &ast::ModModule,
    source: &str,
    path: Option<&Path>,
    settings: &LinterSettings,
) -> Vec<Diagnostic> {
    let source_type = path.map_or(PySourceType::Python, PySourceType::from);
    let mut visitor = SyntaxVisitor {
        checker: SemanticSyntaxChecker::new(),
        context: SyntaxContext {
            source,
            // As Ruff: the parser's version (the latest Python without a configured target), so
            // that a user who never chose a target is not told about version-specific syntax.
            python_version: settings.parser_version,
            source_type,
            deferred_annotations: settings.target_version >= PythonVersion::PY314,
            future_annotations: false,
            scopes: vec![SyntaxScope::new(SyntaxScopeKind::Module, &module.body)],
            try_depth: 0,
            errors: RefCell::new(Vec::new()),
        },
    };
    visitor.visit_body(&module.body);
    visitor
        .context
        .errors
        .into_inner()
        .into_iter()
        .map(|error| Diagnostic::syntax_error(error.to_string(), error.range))
        .collect()
}

/// Whether Ruff reports a semantic syntax error as `invalid-syntax`. The others Ruff turns into
/// rules of its own, reported only when selected (`return` outside a function is F706, a late
/// `__future__` import F404, two starred targets F622, ...), rules fastapi-lint does not have,
/// or does not report at all (`return` with a value in an async generator).
fn reported_as_invalid_syntax(kind: &SemanticSyntaxErrorKind) -> bool {
    match kind {
        SemanticSyntaxErrorKind::LazyImportNotAllowed { .. }
        | SemanticSyntaxErrorKind::LazyImportStar
        | SemanticSyntaxErrorKind::LazyFutureImport
        | SemanticSyntaxErrorKind::NamedExpressionInComprehensionIterable
        | SemanticSyntaxErrorKind::NamedExpressionInClassBodyComprehension
        | SemanticSyntaxErrorKind::ReboundComprehensionVariable
        | SemanticSyntaxErrorKind::DuplicateTypeParameter
        | SemanticSyntaxErrorKind::MultipleCaseAssignment(_)
        | SemanticSyntaxErrorKind::MultipleStarredNamesInSequencePattern
        | SemanticSyntaxErrorKind::IrrefutableCasePattern(_)
        | SemanticSyntaxErrorKind::SingleStarredAssignment
        | SemanticSyntaxErrorKind::WriteToDebug(_)
        | SemanticSyntaxErrorKind::InvalidExpression(..)
        | SemanticSyntaxErrorKind::DuplicateMatchKey(_)
        | SemanticSyntaxErrorKind::DuplicateMatchClassAttribute(_)
        | SemanticSyntaxErrorKind::InvalidStarExpression
        | SemanticSyntaxErrorKind::AsyncComprehensionInSyncComprehension(_)
        | SemanticSyntaxErrorKind::DuplicateParameter(_)
        | SemanticSyntaxErrorKind::DuplicateKeywordArgument(_)
        | SemanticSyntaxErrorKind::NonlocalDeclarationAtModuleLevel
        | SemanticSyntaxErrorKind::AnnotatedGlobal(_)
        | SemanticSyntaxErrorKind::GlobalParameter(_)
        | SemanticSyntaxErrorKind::NonlocalParameter(_)
        | SemanticSyntaxErrorKind::DifferentMatchPatternBindings
        | SemanticSyntaxErrorKind::TypeParameterDefaultOrder(_) => true,
        SemanticSyntaxErrorKind::LateFutureImport
        | SemanticSyntaxErrorKind::LoadBeforeGlobalDeclaration { .. }
        | SemanticSyntaxErrorKind::LoadBeforeNonlocalDeclaration { .. }
        | SemanticSyntaxErrorKind::YieldOutsideFunction(_)
        | SemanticSyntaxErrorKind::ReturnOutsideFunction
        | SemanticSyntaxErrorKind::AwaitOutsideAsyncFunction(_)
        | SemanticSyntaxErrorKind::NonlocalAndGlobal(_)
        | SemanticSyntaxErrorKind::AnnotatedNonlocal(_)
        | SemanticSyntaxErrorKind::YieldFromInAsyncFunction
        | SemanticSyntaxErrorKind::NonModuleImportStar(_)
        | SemanticSyntaxErrorKind::MultipleStarredExpressions
        | SemanticSyntaxErrorKind::FutureFeatureNotDefined(_)
        | SemanticSyntaxErrorKind::BreakOutsideLoop
        | SemanticSyntaxErrorKind::ContinueOutsideLoop
        | SemanticSyntaxErrorKind::NonlocalWithoutBinding(_)
        | SemanticSyntaxErrorKind::ReturnInGenerator => false,
    }
}

/// Whether [`SemanticSyntaxChecker::visit_stmt`] can find an error Ruff reports as
/// `invalid-syntax` in the statement itself (its nested statements and expressions are checked
/// on their own). The checker looks at nothing else of the statements left out here, or only for
/// errors Ruff reports as rules (`break` outside a loop, `return` outside a function, a late
/// `__future__` import), and most statements are these: the pass costs less without the calls.
fn may_have_syntax_error(stmt: &Stmt) -> bool {
    match stmt {
        Stmt::Expr(_)
        | Stmt::AugAssign(_)
        | Stmt::Pass(_)
        | Stmt::Break(_)
        | Stmt::Continue(_)
        | Stmt::If(_)
        | Stmt::While(_)
        | Stmt::With(_)
        | Stmt::Raise(_)
        | Stmt::Assert(_)
        | Stmt::Delete(_)
        | Stmt::IpyEscapeCommand(_) => false,
        // A starred target or value (`*a = b`, `a = *b`, `return *a`, `for *a in *b`).
        Stmt::Assign(assign) => {
            matches!(assign.targets.as_slice(), [Expr::Starred(_)])
                || assign.value.is_starred_expr()
        }
        Stmt::Return(ret) => ret.value.as_deref().is_some_and(Expr::is_starred_expr),
        Stmt::For(for_stmt) => for_stmt.target.is_starred_expr() || for_stmt.iter.is_starred_expr(),
        // Its signature: type parameters, repeated or `__debug__` names, annotations holding a
        // named, `yield` or `await` expression. (The checker also walks an async function's
        // body, for a `return` with a value in an async generator, which Ruff leaves out.)
        Stmt::FunctionDef(function) => {
            function.type_params.is_some()
                || function.name.as_str() == "__debug__"
                || parameters_may_have_syntax_error(&function.parameters)
                || function
                    .parameters
                    .iter()
                    .filter_map(ast::AnyParameterRef::annotation)
                    .chain(function.returns.as_deref())
                    .any(|annotation| {
                        any_over_expr(annotation, |expr| {
                            matches!(
                                expr,
                                Expr::Named(_)
                                    | Expr::Yield(_)
                                    | Expr::YieldFrom(_)
                                    | Expr::Await(_)
                            )
                        })
                    })
        }
        // Type parameters, a `__debug__` name, repeated keywords among the bases.
        Stmt::ClassDef(class) => {
            class.type_params.is_some()
                || class.name.as_str() == "__debug__"
                || class
                    .arguments
                    .as_ref()
                    .is_some_and(|arguments| arguments.keywords.len() > 1)
        }
        _ => true,
    }
}

/// Whether a signature repeats a name or names one `__debug__`.
fn parameters_may_have_syntax_error(parameters: &ast::Parameters) -> bool {
    if parameters.len() > 32 {
        // The checker's own set does better than comparing pairs.
        return true;
    }
    let names: smallvec::SmallVec<[&str; 8]> = parameters
        .iter()
        .map(|parameter| parameter.name().as_str())
        .collect();
    names
        .iter()
        .enumerate()
        .any(|(index, name)| *name == "__debug__" || names[..index].contains(name))
}

/// Whether [`SemanticSyntaxChecker::visit_expr`] can find an error Ruff reports as
/// `invalid-syntax` in the expression itself: as for statements, the others are left out (most
/// expressions: names, attributes, literals, operators, calls with fewer than two keywords).
fn may_be_syntax_error(expr: &Expr) -> bool {
    match expr {
        Expr::ListComp(_) | Expr::SetComp(_) | Expr::DictComp(_) | Expr::Generator(_) => true,
        Expr::Lambda(lambda) => lambda
            .parameters
            .as_deref()
            .is_some_and(parameters_may_have_syntax_error),
        // Assigning or deleting `__debug__`; any other name only for a rule (PLE0118).
        Expr::Name(name) => name.id == "__debug__",
        // Repeated keyword arguments.
        Expr::Call(call) => call.arguments.keywords.len() > 1,
        // `yield *x`; `yield`, `yield from` and `await` outside functions are rules (F704, ...).
        Expr::Yield(yield_expr) => yield_expr
            .value
            .as_deref()
            .is_some_and(Expr::is_starred_expr),
        // Two starred targets (`*a, *b = c`) is a rule too (F622).
        _ => false,
    }
}

/// The scopes the checks ask about, as Ruff's semantic model has them.
#[derive(Clone, Copy)]
enum SyntaxScopeKind<'a> {
    Module,
    Class,
    Function {
        parameters: &'a ast::Parameters,
        is_async: bool,
    },
    Lambda(Option<&'a ast::Parameters>),
    /// A comprehension or generator expression (`generator`), from its first `for` target on.
    Comprehension {
        generator: bool,
        is_async: bool,
    },
    /// The type parameters and annotations of a function, the type parameters and bases of a
    /// class, a `type` statement.
    Type,
}

struct SyntaxScope<'a> {
    kind: SyntaxScopeKind<'a>,
    /// The statements of a module, class or function: where its `global` declarations are.
    body: &'a [Stmt],
    /// The names declared `global` anywhere in `body` (outside nested functions and classes),
    /// each at its last declaration; read on demand.
    globals: OnceCell<FxHashMap<&'a str, TextRange>>,
}

impl<'a> SyntaxScope<'a> {
    fn new(kind: SyntaxScopeKind<'a>, body: &'a [Stmt]) -> Self {
        Self {
            kind,
            body,
            globals: OnceCell::new(),
        }
    }

    fn globals(&self) -> &FxHashMap<&'a str, TextRange> {
        #[derive(Default)]
        struct Globals<'a>(FxHashMap<&'a str, TextRange>);
        impl<'a> StatementVisitor<'a> for Globals<'a> {
            fn visit_stmt(&mut self, stmt: &'a Stmt) {
                match stmt {
                    Stmt::Global(global) => {
                        for name in &global.names {
                            self.0.insert(name.as_str(), name.range());
                        }
                    }
                    Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
                    _ => statement_visitor::walk_stmt(self, stmt),
                }
            }
        }
        self.globals.get_or_init(|| {
            let mut globals = Globals::default();
            globals.visit_body(self.body);
            globals.0
        })
    }
}

/// What [`SemanticSyntaxChecker`] asks of the code around the node it checks.
struct SyntaxContext<'a> {
    source: &'a str,
    python_version: PythonVersion,
    source_type: PySourceType,
    /// Annotations are not evaluated from Python 3.14 on (as in a stub, or after
    /// `from __future__ import annotations`).
    deferred_annotations: bool,
    /// A `from __future__ import annotations` came before, in this block or an enclosing one
    /// (Ruff's flag is set by the statement and restored after each enclosing statement).
    future_annotations: bool,
    scopes: Vec<SyntaxScope<'a>>,
    /// How many `try` statements enclose the node.
    try_depth: u32,
    errors: RefCell<Vec<SemanticSyntaxError>>,
}

impl<'a> SyntaxContext<'a> {
    fn scope(&self) -> &SyntaxScope<'a> {
        self.scopes.last().expect("the module scope is never left")
    }

    fn scope_kinds(&self) -> impl Iterator<Item = SyntaxScopeKind<'a>> + '_ {
        self.scopes.iter().rev().map(|scope| scope.kind)
    }
}

impl SemanticSyntaxContext for SyntaxContext<'_> {
    fn future_annotations_or_stub(&self) -> bool {
        self.source_type.is_stub() || self.deferred_annotations || self.future_annotations
    }

    fn lazy_import_context(&self) -> Option<LazyImportContext> {
        for kind in self.scope_kinds() {
            match kind {
                SyntaxScopeKind::Function { .. } => return Some(LazyImportContext::Function),
                SyntaxScopeKind::Class => return Some(LazyImportContext::Class),
                _ => {}
            }
        }
        // At module level: any `try` around the import is the module's.
        (self.try_depth > 0).then_some(LazyImportContext::TryExceptBlocks)
    }

    fn python_version(&self) -> PythonVersion {
        self.python_version
    }

    fn source(&self) -> &str {
        self.source
    }

    fn global(&self, name: &str) -> Option<TextRange> {
        self.scope().globals().get(name).copied()
    }

    fn has_nonlocal_binding(&self, _name: &str) -> bool {
        // Asked only for an error Ruff reports as its rule PLE0117, never as a syntax error.
        true
    }

    fn in_async_context(&self) -> bool {
        for kind in self.scope_kinds() {
            match kind {
                SyntaxScopeKind::Class | SyntaxScopeKind::Lambda(_) => return false,
                SyntaxScopeKind::Function { is_async, .. } => return is_async,
                _ => {}
            }
        }
        false
    }

    fn in_await_allowed_context(&self) -> bool {
        for kind in self.scope_kinds() {
            match kind {
                SyntaxScopeKind::Class => return false,
                SyntaxScopeKind::Function { .. } | SyntaxScopeKind::Lambda(_) => return true,
                _ => {}
            }
        }
        false
    }

    fn in_yield_allowed_context(&self) -> bool {
        for kind in self.scope_kinds() {
            match kind {
                SyntaxScopeKind::Class | SyntaxScopeKind::Comprehension { .. } => return false,
                SyntaxScopeKind::Function { .. } | SyntaxScopeKind::Lambda(_) => return true,
                _ => {}
            }
        }
        false
    }

    fn in_sync_comprehension(&self) -> bool {
        self.scope_kinds().any(|kind| {
            matches!(
                kind,
                SyntaxScopeKind::Comprehension {
                    generator: false,
                    is_async: false
                }
            )
        })
    }

    fn in_class_body_comprehension(&self) -> bool {
        for kind in self.scope_kinds() {
            match kind {
                SyntaxScopeKind::Comprehension { .. } => {}
                SyntaxScopeKind::Class => return true,
                _ => return false,
            }
        }
        false
    }

    fn in_module_scope(&self) -> bool {
        matches!(self.scope().kind, SyntaxScopeKind::Module)
    }

    fn in_function_scope(&self) -> bool {
        matches!(
            self.scope().kind,
            SyntaxScopeKind::Function { .. } | SyntaxScopeKind::Lambda(_)
        )
    }

    fn in_generator_context(&self) -> bool {
        matches!(
            self.scope().kind,
            SyntaxScopeKind::Comprehension {
                generator: true,
                ..
            }
        )
    }

    fn in_notebook(&self) -> bool {
        self.source_type.is_ipynb()
    }

    fn report_semantic_error(&self, error: SemanticSyntaxError) {
        if reported_as_invalid_syntax(&error.kind) {
            self.errors.borrow_mut().push(error);
        }
    }

    fn in_loop_context(&self) -> bool {
        // Asked only about `break` and `continue`, which are errors Ruff reports as rules (F701,
        // F702) and which are not handed to the checker.
        true
    }

    fn is_bound_parameter(&self, name: &str) -> bool {
        for kind in self.scope_kinds() {
            match kind {
                SyntaxScopeKind::Function { parameters, .. }
                | SyntaxScopeKind::Lambda(Some(parameters)) => return parameters.includes(name),
                SyntaxScopeKind::Class | SyntaxScopeKind::Lambda(None) => return false,
                _ => {}
            }
        }
        false
    }
}

/// Walks the module as Ruff's checker does for these checks: every statement and expression,
/// in the scope Ruff visits it in (a function's defaults and decorators outside it, its
/// annotations in its type scope; a comprehension's first iterable outside it).
struct SyntaxVisitor<'a> {
    checker: SemanticSyntaxChecker,
    context: SyntaxContext<'a>,
}

impl<'a> SyntaxVisitor<'a> {
    #[inline]
    fn check_stmt(&mut self, stmt: &'a Stmt) {
        if may_have_syntax_error(stmt) {
            self.checker_visit_stmt(stmt);
        }
    }

    #[inline]
    fn check_expr(&mut self, expr: &'a Expr) {
        if may_be_syntax_error(expr) {
            self.checker_visit_expr(expr);
        }
    }

    // Out of line: most nodes need no check, and their visit stays small.
    #[inline(never)]
    fn checker_visit_stmt(&mut self, stmt: &'a Stmt) {
        self.checker.visit_stmt(stmt, &self.context);
    }

    #[inline(never)]
    fn checker_visit_expr(&mut self, expr: &'a Expr) {
        self.checker.visit_expr(expr, &self.context);
    }

    fn in_scope(&mut self, scope: SyntaxScope<'a>, visit: impl FnOnce(&mut Self)) {
        self.context.scopes.push(scope);
        visit(self);
        self.context.scopes.pop();
    }

    fn visit_function(&mut self, stmt: &'a Stmt, function: &'a ast::StmtFunctionDef) {
        for decorator in &function.decorator_list {
            self.visit_decorator(decorator);
        }
        for parameter in &function.parameters {
            if let Some(default) = parameter.default() {
                self.visit_expr(default);
            }
        }
        self.in_scope(SyntaxScope::new(SyntaxScopeKind::Type, &[]), |visitor| {
            if let Some(type_params) = &function.type_params {
                visitor.visit_type_params(type_params);
            }
            for parameter in &function.parameters {
                if let Some(annotation) = parameter.annotation() {
                    visitor.visit_annotation(annotation);
                }
            }
            if let Some(returns) = &function.returns {
                visitor.visit_annotation(returns);
            }
            let kind = SyntaxScopeKind::Function {
                parameters: &function.parameters,
                is_async: function.is_async,
            };
            visitor.in_scope(SyntaxScope::new(kind, &function.body), |visitor| {
                // Ruff checks a function when it visits its body, after the enclosing scope.
                visitor.check_stmt(stmt);
                visitor.visit_body(&function.body);
            });
        });
    }

    fn visit_class(&mut self, class: &'a ast::StmtClassDef) {
        for decorator in &class.decorator_list {
            self.visit_decorator(decorator);
        }
        self.in_scope(SyntaxScope::new(SyntaxScopeKind::Type, &[]), |visitor| {
            if let Some(type_params) = &class.type_params {
                visitor.visit_type_params(type_params);
            }
            if let Some(arguments) = &class.arguments {
                // Ruff defers the bases of a class in a stub.
                let stub = visitor.context.source_type.is_stub();
                for base in &arguments.args {
                    visitor.visit_deferred(base, stub);
                }
                for keyword in &arguments.keywords {
                    visitor.visit_deferred(&keyword.value, stub);
                }
            }
            visitor.in_scope(
                SyntaxScope::new(SyntaxScopeKind::Class, &class.body),
                |visitor| visitor.visit_body(&class.body),
            );
        });
    }

    /// An expression Ruff visits later (an annotation it does not evaluate, a stub's class
    /// base): its checker sees the expression itself once when deferring it and again on the
    /// later visit, so errors about the expression itself are reported twice, as by Ruff.
    fn visit_deferred(&mut self, expr: &'a Expr, deferred: bool) {
        if deferred {
            self.check_expr(expr);
        }
        self.visit_expr(expr);
    }

    fn visit_comprehension_scope(
        &mut self,
        generators: &'a [ast::Comprehension],
        generator: bool,
        elements: [Option<&'a Expr>; 2],
    ) {
        let Some((first, rest)) = generators.split_first() else {
            elements
                .into_iter()
                .flatten()
                .for_each(|expr| self.visit_expr(expr));
            return;
        };
        // The first iterable is evaluated in the enclosing scope.
        self.visit_expr(&first.iter);
        let kind = SyntaxScopeKind::Comprehension {
            generator,
            is_async: generators
                .iter()
                .any(|comprehension| comprehension.is_async),
        };
        self.in_scope(SyntaxScope::new(kind, &[]), |visitor| {
            visitor.visit_expr(&first.target);
            for condition in &first.ifs {
                visitor.visit_expr(condition);
            }
            for comprehension in rest {
                visitor.visit_comprehension(comprehension);
            }
            for element in elements.into_iter().flatten() {
                visitor.visit_expr(element);
            }
        });
    }
}

impl<'a> Visitor<'a> for SyntaxVisitor<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        let future_annotations = self.context.future_annotations;
        match stmt {
            Stmt::FunctionDef(function) => self.visit_function(stmt, function),
            Stmt::ClassDef(class) => {
                self.check_stmt(stmt);
                self.visit_class(class);
            }
            Stmt::TypeAlias(alias) => {
                self.check_stmt(stmt);
                self.in_scope(SyntaxScope::new(SyntaxScopeKind::Type, &[]), |visitor| {
                    if let Some(type_params) = &alias.type_params {
                        visitor.visit_type_params(type_params);
                    }
                    visitor.visit_expr(&alias.value);
                });
                self.visit_expr(&alias.name);
            }
            Stmt::AnnAssign(assign) => {
                self.check_stmt(stmt);
                self.visit_annotation(&assign.annotation);
                if let Some(value) = &assign.value {
                    self.visit_expr(value);
                }
                self.visit_expr(&assign.target);
            }
            Stmt::Try(_) => {
                self.check_stmt(stmt);
                self.context.try_depth += 1;
                visitor::walk_stmt(self, stmt);
                self.context.try_depth -= 1;
            }
            Stmt::ImportFrom(import) => {
                self.check_stmt(stmt);
                // The flag outlives the statement that sets it (up to the end of the block).
                if import.module.as_deref() == Some("__future__")
                    && import
                        .names
                        .iter()
                        .any(|alias| alias.name.as_str() == "annotations")
                {
                    self.context.future_annotations = true;
                }
                return;
            }
            _ => {
                self.check_stmt(stmt);
                visitor::walk_stmt(self, stmt);
            }
        }
        self.context.future_annotations = future_annotations;
    }

    fn visit_annotation(&mut self, expr: &'a Expr) {
        let deferred = self.context.future_annotations_or_stub();
        self.visit_deferred(expr, deferred);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        self.check_expr(expr);
        match expr {
            Expr::Lambda(lambda) => {
                if let Some(parameters) = &lambda.parameters {
                    for parameter in parameters {
                        if let Some(default) = parameter.default() {
                            self.visit_expr(default);
                        }
                    }
                }
                let kind = SyntaxScopeKind::Lambda(lambda.parameters.as_deref());
                self.in_scope(SyntaxScope::new(kind, &[]), |visitor| {
                    visitor.visit_expr(&lambda.body);
                });
            }
            Expr::ListComp(ast::ExprListComp {
                elt, generators, ..
            })
            | Expr::SetComp(ast::ExprSetComp {
                elt, generators, ..
            }) => self.visit_comprehension_scope(generators, false, [Some(elt), None]),
            Expr::Generator(ast::ExprGenerator {
                elt, generators, ..
            }) => self.visit_comprehension_scope(generators, true, [Some(elt), None]),
            Expr::DictComp(ast::ExprDictComp {
                key,
                value,
                generators,
                ..
            }) => self.visit_comprehension_scope(generators, false, [key.as_deref(), Some(value)]),
            _ => visitor::walk_expr(self, expr),
        }
    }
}
