//! The single AST pass: walks the module once, keeps track of scope and enclosing function, and
//! hands each node to the rules registered for its kind (see `rules::dispatch`).

use std::cell::OnceCell;
use std::path::Path;

use ruff_python_ast::token::Tokens;
use ruff_python_codegen::Stylist;
use ruff_python_parser::Parsed;

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, PythonVersion, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::diagnostic::Diagnostic;
use crate::fastapi::FastApiContext;
use crate::linter::FileContext;
use crate::project::{FileFacts, SummaryBuilder};
use crate::registry::{Rule, RuleSet};
use crate::roles::{self, CodeRole, RoleDecision};
use crate::rules::dispatch;
use crate::semantic::{ScopeId, SemanticModel};
use crate::settings::LinterSettings;
use crate::versions::{self, PydanticMajor};

/// What encloses the node being visited, innermost last.
#[derive(Clone, Copy, Debug)]
pub enum Frame<'a> {
    Function(&'a ast::StmtFunctionDef),
    Class(&'a ast::StmtClassDef),
    Lambda(&'a ast::ExprLambda),
}

pub struct Checker<'a> {
    source: &'a str,
    context: &'a FileContext,
    settings: &'a LinterSettings,
    /// The file's role, and the settings' rules less those that do not apply to it.
    role: &'a RoleDecision,
    rules: RuleSet,
    /// The Pydantic version the file runs, when known.
    pydantic: Option<PydanticMajor>,
    semantic: &'a SemanticModel<'a>,
    fastapi: &'a FastApiContext<'a>,
    scope: ScopeId,
    frames: Vec<Frame<'a>>,
    diagnostics: Vec<Diagnostic>,
    deferred_annotations: bool,
    /// Start of the call directly under the innermost `await` being visited.
    awaited_call: Option<TextSize>,
    parsed: &'a Parsed<ast::ModModule>,
    /// Built on first use: only fixes that insert code need the file's quoting and line endings.
    stylist: OnceCell<Stylist<'a>>,
    /// The module's top-level imports, found on first use (fixes that add an import ask for
    /// them at every finding).
    top_level_imports: OnceCell<Vec<&'a Stmt>>,
    /// The module summary for the project index, when one is being extracted.
    summary: Option<SummaryBuilder>,
    /// Whether the file is a test module: known from its path, asked about for every call.
    test_module: OnceCell<bool>,
    /// The call being dispatched: asked for its callee's name, rules get the one the semantic
    /// model resolved (see [`SemanticModel::callee_name`]).
    call: Option<&'a ast::ExprCall>,
}

impl<'a> Checker<'a> {
    pub(crate) fn new(
        source: &'a str,
        context: &'a FileContext,
        settings: &'a LinterSettings,
        role: &'a RoleDecision,
        semantic: &'a SemanticModel<'a>,
        fastapi: &'a FastApiContext<'a>,
        parsed: &'a Parsed<ast::ModModule>,
    ) -> Self {
        let deferred_annotations = settings.target_version >= PythonVersion::PY314
            || has_future_annotations(&parsed.syntax().body);
        Self {
            source,
            context,
            settings,
            role,
            rules: settings
                .rules
                .for_pydantic(pydantic_major(context, semantic))
                .intersection(context.facts.active_rules(role.role)),
            pydantic: pydantic_major(context, semantic),
            semantic,
            fastapi,
            scope: ScopeId::MODULE,
            frames: Vec::new(),
            diagnostics: Vec::new(),
            deferred_annotations,
            awaited_call: None,
            parsed,
            stylist: OnceCell::new(),
            top_level_imports: OnceCell::new(),
            summary: None,
            test_module: OnceCell::new(),
            call: None,
        }
    }

    /// Also extract the module's summary for the project index during the pass.
    pub(crate) fn with_summary(mut self, summary: SummaryBuilder) -> Self {
        self.summary = Some(summary);
        self
    }

    pub(crate) fn check_module(mut self) -> (Vec<Diagnostic>, Option<SummaryBuilder>) {
        let module = self.parsed.syntax();
        self.visit_body(&module.body);
        (self.diagnostics, self.summary)
    }

    pub(crate) fn summary(&self) -> Option<&SummaryBuilder> {
        self.summary.as_ref()
    }

    pub(crate) fn summary_mut(&mut self) -> Option<&mut SummaryBuilder> {
        self.summary.as_mut()
    }

    /// The module's top-level statements (fixes that add imports look for where to put them).
    pub fn module_body(&self) -> &'a [Stmt] {
        &self.parsed.syntax().body
    }

    pub fn tokens(&self) -> &'a Tokens {
        self.parsed.tokens()
    }

    /// The file's code style (line endings, indentation, quotes), for fixes that insert code.
    pub fn stylist(&self) -> &Stylist<'a> {
        self.stylist
            .get_or_init(|| Stylist::from_tokens(self.parsed.tokens(), self.source))
    }

    /// The module's top-level `import` and `from ... import` statements, in source order.
    pub fn top_level_imports(&self) -> &[&'a Stmt] {
        self.top_level_imports.get_or_init(|| {
            self.module_body()
                .iter()
                .filter(|stmt| matches!(stmt, Stmt::Import(_) | Stmt::ImportFrom(_)))
                .collect()
        })
    }

    pub fn source(&self) -> &'a str {
        self.source
    }

    /// The source text of a range.
    pub fn slice(&self, range: TextRange) -> &'a str {
        &self.source[range]
    }

    pub fn path(&self) -> Option<&'a Path> {
        self.context.path.as_deref()
    }

    /// The rules that run on this file: the settings' less those that do not apply to its role.
    pub(crate) fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// The Pydantic version the file runs, when known ([`crate::versions`]).
    pub fn pydantic(&self) -> Option<PydanticMajor> {
        self.pydantic
    }

    /// The file's role: app, test, script or library code.
    pub fn role(&self) -> CodeRole {
        self.role.role
    }

    /// What the project index found for this file (empty without one).
    pub fn facts(&self) -> &'a FileFacts {
        &self.context.facts
    }

    /// Whether the file is a test module (`test_*.py`, `conftest.py`, under `tests/` ...).
    pub fn in_test_module(&self) -> bool {
        *self.test_module.get_or_init(|| {
            self.context
                .path_in_project()
                .and_then(roles::test_path)
                .is_some()
        })
    }

    pub fn settings(&self) -> &'a LinterSettings {
        self.settings
    }

    pub fn target_version(&self) -> PythonVersion {
        self.settings.target_version
    }

    /// Whether annotations are evaluated lazily (`from __future__ import annotations`, or a
    /// target of Python 3.14+), in which case Ruff does not resolve them for some rules.
    pub fn deferred_annotations(&self) -> bool {
        self.deferred_annotations
    }

    pub fn semantic(&self) -> &'a SemanticModel<'a> {
        self.semantic
    }

    pub fn fastapi(&self) -> &'a FastApiContext<'a> {
        self.fastapi
    }

    /// The scope of the node being visited.
    pub fn scope(&self) -> ScopeId {
        self.scope
    }

    /// Whether `call` is the operand of an `await` (`await session.execute(q)`): its result is
    /// awaitable, so whatever the annotations say, the call itself does not block.
    pub fn is_awaited(&self, call: &ast::ExprCall) -> bool {
        self.awaited_call == Some(call.start())
    }

    /// Whether the settings enable `rule` for this file. An enabled rule is remembered as the
    /// one at work, so that a panic can name it ([`crate::linter::lint`]).
    pub fn is_enabled(&self, rule: Rule) -> bool {
        let enabled = self.rules.contains(rule);
        if enabled {
            crate::rule_at_work::consulted(rule);
        }
        enabled
    }

    pub fn any_enabled(&self, rules: &RuleSet) -> bool {
        self.rules.intersects(rules)
    }

    pub fn report(&mut self, diagnostic: Diagnostic) {
        debug_assert!(
            diagnostic.rule().is_none_or(|rule| self.is_enabled(rule)),
            "{:?} reported while disabled",
            diagnostic.rule()
        );
        self.diagnostics.push(diagnostic);
    }

    /// The qualified name of an expression in the current scope.
    pub fn qualified_name(&self, expr: &Expr) -> Option<String> {
        if let Some(call) = self.call
            && std::ptr::eq(call.func.as_ref(), expr)
        {
            return self.semantic.callee_name(call).map(ToString::to_string);
        }
        self.semantic.qualified_name(expr, self.scope)
    }

    /// The qualified name of a call's callee (`requests.get`), without an allocation.
    pub fn callee_name(&self, call: &ast::ExprCall) -> Option<&'a str> {
        self.semantic.callee_name(call)
    }

    /// The innermost function, lambda or class around the node being visited.
    pub fn innermost_frame(&self) -> Option<Frame<'a>> {
        self.frames.last().copied()
    }

    /// The nearest enclosing function when it is `async def`; a nested `def`, lambda or class
    /// in between stops it.
    pub fn enclosing_async_function(&self) -> Option<&'a ast::StmtFunctionDef> {
        match self.innermost_frame()? {
            Frame::Function(function) if function.is_async => Some(function),
            _ => None,
        }
    }

    /// The statements that contain `range`, outermost first: the compound statements around a
    /// node and, last, the statement it belongs to. Rules use it for facts the single pass does
    /// not track (an `if __name__ == "__main__":` guard, a `try`/`except ImportError`).
    pub fn enclosing_statements(&self, range: TextRange) -> Vec<&'a Stmt> {
        let mut chain = Vec::new();
        let mut blocks: Vec<&'a [Stmt]> = vec![self.module_body()];
        while let Some(stmt) = blocks
            .iter()
            .find_map(|block| statement_containing(block, range))
        {
            chain.push(stmt);
            blocks = nested_blocks(stmt);
        }
        chain
    }

    /// Whether `range` lies in the body of a module-level `if __name__ == "__main__":` block:
    /// code that only runs when the file is executed as a script.
    pub fn in_main_block(&self, range: TextRange) -> bool {
        let Some(Stmt::If(guard)) = statement_containing(self.module_body(), range) else {
            return false;
        };
        is_main_guard(&guard.test)
            && guard
                .body
                .iter()
                .any(|stmt| stmt.range().contains_range(range))
    }

    fn with_scope(
        &mut self,
        scope: Option<ScopeId>,
        frame: Option<Frame<'a>>,
        f: impl FnOnce(&mut Self),
    ) {
        let saved = self.scope;
        if let Some(scope) = scope {
            self.scope = scope;
        }
        if let Some(frame) = frame {
            self.frames.push(frame);
        }
        f(self);
        if frame.is_some() {
            self.frames.pop();
        }
        self.scope = saved;
    }
}

impl<'a> Visitor<'a> for Checker<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        dispatch::statement(self, stmt);
        match stmt {
            Stmt::FunctionDef(function) => {
                for decorator in &function.decorator_list {
                    self.visit_decorator(decorator);
                }
                if let Some(type_params) = &function.type_params {
                    self.visit_type_params(type_params);
                }
                self.visit_parameters(&function.parameters);
                if let Some(returns) = &function.returns {
                    self.visit_annotation(returns);
                }
                let scope = self.semantic.function_scope(function);
                self.with_scope(scope, Some(Frame::Function(function)), |checker| {
                    checker.visit_body(&function.body);
                });
            }
            Stmt::ClassDef(class) => {
                for decorator in &class.decorator_list {
                    self.visit_decorator(decorator);
                }
                if let Some(arguments) = &class.arguments {
                    self.visit_arguments(arguments);
                }
                let scope = self.semantic.class_scope(class);
                self.with_scope(scope, Some(Frame::Class(class)), |checker| {
                    checker.visit_body(&class.body);
                });
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Await(await_expr) = expr
            && let Expr::Call(call) = await_expr.value.as_ref()
        {
            self.awaited_call = Some(call.start());
        }
        if let Expr::Call(call) = expr {
            self.call = Some(call);
        }
        dispatch::expression(self, expr);
        match expr {
            Expr::Lambda(lambda) => {
                if let Some(parameters) = &lambda.parameters {
                    self.visit_parameters(parameters);
                }
                let scope = self.semantic.lambda_scope(lambda);
                self.with_scope(scope, Some(Frame::Lambda(lambda)), |checker| {
                    checker.visit_expr(&lambda.body);
                });
            }
            Expr::ListComp(_) | Expr::SetComp(_) | Expr::DictComp(_) | Expr::Generator(_) => {
                let scope = self.semantic.comprehension_scope(expr);
                self.with_scope(scope, None, |checker| visitor::walk_expr(checker, expr));
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

impl Ranged for Frame<'_> {
    fn range(&self) -> TextRange {
        match self {
            Frame::Function(function) => function.range(),
            Frame::Class(class) => class.range(),
            Frame::Lambda(lambda) => lambda.range(),
        }
    }
}

/// The statement blocks directly nested in a compound statement.
/// The statement of `block` that contains `range`, found by bisection: the statements of a
/// block are in source order and do not overlap, and a module of 100,000 functions asks this
/// for every call in them.
pub(crate) fn statement_containing(block: &[Stmt], range: TextRange) -> Option<&Stmt> {
    let after = block.partition_point(|stmt| stmt.start() <= range.start());
    block[..after]
        .last()
        .filter(|stmt| stmt.range().contains_range(range))
}

fn nested_blocks(stmt: &Stmt) -> Vec<&[Stmt]> {
    match stmt {
        Stmt::FunctionDef(function) => vec![&function.body],
        Stmt::ClassDef(class) => vec![&class.body],
        Stmt::If(if_stmt) => std::iter::once(if_stmt.body.as_slice())
            .chain(
                if_stmt
                    .elif_else_clauses
                    .iter()
                    .map(|clause| clause.body.as_slice()),
            )
            .collect(),
        Stmt::For(for_stmt) => vec![&for_stmt.body, &for_stmt.orelse],
        Stmt::While(while_stmt) => vec![&while_stmt.body, &while_stmt.orelse],
        Stmt::With(with) => vec![&with.body],
        Stmt::Try(try_stmt) => std::iter::once(try_stmt.body.as_slice())
            .chain(try_stmt.handlers.iter().map(|handler| {
                let ast::ExceptHandler::ExceptHandler(handler) = handler;
                handler.body.as_slice()
            }))
            .chain([try_stmt.orelse.as_slice(), try_stmt.finalbody.as_slice()])
            .collect(),
        Stmt::Match(match_stmt) => match_stmt
            .cases
            .iter()
            .map(|case| case.body.as_slice())
            .collect(),
        _ => Vec::new(),
    }
}

/// `__name__ == "__main__"`, either way round.
fn is_main_guard(test: &Expr) -> bool {
    let Expr::Compare(compare) = test else {
        return false;
    };
    let ([ast::CmpOp::Eq], [right]) = (&*compare.ops, &*compare.comparators) else {
        return false;
    };
    let is_name = |expr: &Expr| matches!(expr, Expr::Name(name) if name.id.as_str() == "__name__");
    let is_main = |expr: &Expr| matches!(expr, Expr::StringLiteral(literal) if literal.value.to_str() == "__main__");
    (is_name(&compare.left) && is_main(right)) || (is_main(&compare.left) && is_name(right))
}

/// The Pydantic version the file runs: the project's declared one, else what its imports prove.
fn pydantic_major(context: &FileContext, semantic: &SemanticModel) -> Option<PydanticMajor> {
    context
        .pydantic
        .as_ref()
        .map(|declared| declared.major)
        .or_else(|| versions::imported_version(semantic))
}

/// `from __future__ import annotations` among the module's leading imports.
fn has_future_annotations(body: &[Stmt]) -> bool {
    body.iter().any(|stmt| match stmt {
        Stmt::ImportFrom(import) => {
            import
                .module
                .as_ref()
                .is_some_and(|module| module.id.as_str() == "__future__")
                && import
                    .names
                    .iter()
                    .any(|alias| alias.name.id.as_str() == "annotations")
        }
        _ => false,
    })
}
