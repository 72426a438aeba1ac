//! What a function's own body holds: the code that runs when the function runs, without nested
//! functions, classes and lambdas (they run at another time, if at all).

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};

/// Statements, calls and `yield`s of one function body, each in source order.
#[derive(Debug, Default)]
pub(super) struct OwnBody<'a> {
    pub(super) statements: Vec<&'a Stmt>,
    pub(super) calls: Vec<&'a ast::ExprCall>,
    /// `yield` and `yield from` expressions.
    pub(super) yields: Vec<&'a Expr>,
}

impl<'a> OwnBody<'a> {
    pub(super) fn of(function: &'a ast::StmtFunctionDef) -> Self {
        let mut body = Self::default();
        body.visit_body(&function.body);
        body
    }

    pub(super) fn is_generator(&self) -> bool {
        !self.yields.is_empty()
    }
}

impl<'a> Visitor<'a> for OwnBody<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        self.statements.push(stmt);
        if !matches!(stmt, Stmt::FunctionDef(_) | Stmt::ClassDef(_)) {
            visitor::walk_stmt(self, stmt);
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Lambda(_) => return,
            Expr::Call(call) => self.calls.push(call),
            Expr::Yield(_) | Expr::YieldFrom(_) => self.yields.push(expr),
            _ => {}
        }
        visitor::walk_expr(self, expr);
    }
}
