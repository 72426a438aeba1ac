//! What a name is bound to.

use ruff_python_ast::{Expr, Parameter, StmtClassDef, StmtFunctionDef};
use ruff_text_size::{TextRange, TextSize};

use super::ScopeId;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BindingId(pub(crate) u32);

#[derive(Clone, Debug)]
pub enum BindingKind<'a> {
    /// `import a.b` binds `a` (qualified `a`); `import a.b as c` binds `c` (qualified `a.b`).
    Import {
        qualified: String,
    },
    /// `from a import b as c` binds `c` (qualified `a.b`); relative imports keep their dots
    /// (`.services.load`) unless the module's own name is known.
    FromImport {
        qualified: String,
    },
    /// `x = value`, `(x := value)`, or `x` unpacked from a literal (`x, y = value, other`).
    Assignment {
        value: &'a Expr,
    },
    /// `x: T = value` / `x: T`.
    AnnAssign {
        annotation: &'a Expr,
        value: Option<&'a Expr>,
    },
    /// A function parameter, with its annotation and default.
    Parameter {
        parameter: &'a Parameter,
        default: Option<&'a Expr>,
    },
    FunctionDef(&'a StmtFunctionDef),
    ClassDef(&'a StmtClassDef),
    /// `with ctx as x` / `async with ctx as x`.
    WithItem {
        context: &'a Expr,
    },
    /// A `global`/`nonlocal` declaration: the name lives in another scope.
    Declaration,
    /// Anything else that binds a name (loop targets, unpacking, `except ... as`, walrus,
    /// augmented assignment, `del`, match captures): known to exist, not what it holds.
    Other,
}

#[derive(Clone, Debug)]
pub struct Binding<'a> {
    pub name: &'a str,
    pub kind: BindingKind<'a>,
    /// The range of the bound name (or of the alias for imports).
    pub range: TextRange,
    /// Where the name starts to hold this value in its own scope: the end of the binding
    /// statement, since `x = f(x)` reads the old `x`.
    pub visible_from: TextSize,
    pub scope: ScopeId,
}
