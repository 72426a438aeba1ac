//! Scopes and name resolution.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use hashbrown::hash_table::Entry;
use rustc_hash::{FxBuildHasher, FxHashMap};
use smallvec::SmallVec;

use ruff_python_ast::{self as ast, Expr, ModModule};
use ruff_python_stdlib::builtins::is_python_builtin;
use ruff_text_size::{Ranged, TextSize};

use super::attributes::{self, AttributeAssignment};
use super::binding::{Binding, BindingId, BindingKind};
use super::builder;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ScopeId(pub(crate) u32);

impl ScopeId {
    pub const MODULE: ScopeId = ScopeId(0);
}

#[derive(Clone, Copy, Debug)]
pub enum ScopeKind<'a> {
    Module,
    Class(&'a ast::StmtClassDef),
    Function(&'a ast::StmtFunctionDef),
    Lambda,
    Comprehension,
}

#[derive(Debug)]
pub struct Scope<'a> {
    pub kind: ScopeKind<'a>,
    pub parent: Option<ScopeId>,
    /// Each name with its bindings, by [`name_hash`]: a lookup that walks up the scopes hashes
    /// the name once. Most names are bound once or twice in a scope: held inline, not in an
    /// allocation each.
    bindings: HashTable<(&'a str, SmallVec<[BindingId; 2]>)>,
}

/// The hash names are kept under in every scope.
fn name_hash(name: &str) -> u64 {
    FxBuildHasher.hash_one(name)
}

impl<'a> Scope<'a> {
    pub(crate) fn new(kind: ScopeKind<'a>, parent: Option<ScopeId>) -> Self {
        Self {
            kind,
            parent,
            bindings: HashTable::new(),
        }
    }

    /// Bindings of `name` in this scope, in source order.
    pub fn bindings_of(&self, name: &str) -> &[BindingId] {
        self.bindings_hashed(name, name_hash(name))
    }

    /// [`Self::bindings_of`] with the name's [`name_hash`] already computed.
    fn bindings_hashed(&self, name: &str, hash: u64) -> &[BindingId] {
        self.bindings
            .find(hash, |(key, _)| *key == name)
            .map_or(&[], |(_, ids)| ids.as_slice())
    }

    /// Every name bound in this scope, with its bindings in source order.
    pub(crate) fn names(&self) -> impl Iterator<Item = (&'a str, &[BindingId])> {
        self.bindings
            .iter()
            .map(|(name, ids)| (*name, ids.as_slice()))
    }

    pub(crate) fn bind(&mut self, name: &'a str, id: BindingId) {
        match self.bindings.entry(
            name_hash(name),
            |(key, _)| *key == name,
            |(key, _)| name_hash(key),
        ) {
            Entry::Occupied(mut entry) => entry.get_mut().1.push(id),
            Entry::Vacant(entry) => {
                entry.insert((name, SmallVec::from_elem(id, 1)));
            }
        }
    }
}

/// Scopes and bindings of one module.
#[derive(Debug)]
pub struct SemanticModel<'a> {
    pub(crate) scopes: Vec<Scope<'a>>,
    pub(crate) bindings: Vec<Binding<'a>>,
    /// The scope each scope-creating node opens, keyed by the node's start offset (functions,
    /// classes, lambdas and comprehensions never start at the same offset with the same kind).
    pub(crate) scope_by_node: FxHashMap<(TextSize, NodeTag), ScopeId>,
    /// The dotted name of the module itself (`app.routes`), when known; relative imports
    /// resolve against it.
    module_path: Option<Vec<String>>,
    /// Every call in the module with the scope it is evaluated in, for context builders that
    /// must see all uses of a function (`Depends(f)`, `add_task(f)`) before rules run.
    pub(crate) calls: Vec<(&'a ast::ExprCall, ScopeId)>,
    /// Every function definition with the scope it is defined in.
    pub(crate) functions: Vec<(&'a ast::StmtFunctionDef, ScopeId)>,
    /// The qualified name of each call's callee, resolved once after the build, by the call's
    /// address: the `FastAPI` context, the project summary and most rule families ask for it.
    callee_names: FxHashMap<usize, Option<Box<str>>>,
    /// The scopes with a `global` or `nonlocal` declaration of each name, in source order.
    pub(crate) declaring_scopes: FxHashMap<&'a str, Vec<ScopeId>>,
    /// Every assignment to an attribute of a name in a function (`self.x = ...`).
    pub(crate) attribute_assignments: Vec<AttributeAssignment<'a>>,
    /// Those of [`Self::attribute_assignments`] made on a method's instance, by class scope
    /// and attribute.
    pub(crate) attribute_index: FxHashMap<(ScopeId, &'a str), SmallVec<[u32; 2]>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum NodeTag {
    Function,
    Class,
    Lambda,
    Comprehension,
}

impl<'a> SemanticModel<'a> {
    /// Builds the model for a module. `module_path` is the module's dotted name, when known.
    pub fn build(module: &'a ModModule, module_path: Option<Vec<String>>) -> Self {
        let mut model = Self {
            scopes: vec![Scope::new(ScopeKind::Module, None)],
            bindings: Vec::new(),
            scope_by_node: FxHashMap::default(),
            module_path,
            calls: Vec::new(),
            functions: Vec::new(),
            declaring_scopes: FxHashMap::default(),
            callee_names: FxHashMap::default(),
            attribute_assignments: Vec::new(),
            attribute_index: FxHashMap::default(),
        };
        builder::collect(&mut model, module);
        model.attribute_index = attributes::by_class(&model, &model.attribute_assignments);
        model.callee_names = model
            .calls
            .iter()
            .map(|(call, scope)| {
                (
                    address(call),
                    model
                        .qualified_name(&call.func, *scope)
                        .map(String::into_boxed_str),
                )
            })
            .collect();
        model
    }

    /// The qualified name of a call's callee, as [`Self::qualified_name`] gives it in the
    /// call's scope; `None` also for a call that is not part of this module.
    pub fn callee_name(&self, call: &ast::ExprCall) -> Option<&str> {
        self.callee_names
            .get(&address(call))
            .and_then(Option::as_deref)
    }

    pub fn scope(&self, id: ScopeId) -> &Scope<'a> {
        &self.scopes[id.0 as usize]
    }

    pub fn binding(&self, id: BindingId) -> &Binding<'a> {
        &self.bindings[id.0 as usize]
    }

    pub fn module_path(&self) -> Option<&[String]> {
        self.module_path.as_deref()
    }

    /// Every call with the scope it is evaluated in, in source order.
    pub fn calls(&self) -> &[(&'a ast::ExprCall, ScopeId)] {
        &self.calls
    }

    /// Every function definition with the scope it is defined in, in source order.
    pub fn functions(&self) -> &[(&'a ast::StmtFunctionDef, ScopeId)] {
        &self.functions
    }

    /// The scope a function definition opens.
    pub fn function_scope(&self, function: &ast::StmtFunctionDef) -> Option<ScopeId> {
        self.scope_by_node
            .get(&(function.start(), NodeTag::Function))
            .copied()
    }

    pub fn class_scope(&self, class: &ast::StmtClassDef) -> Option<ScopeId> {
        self.scope_by_node
            .get(&(class.start(), NodeTag::Class))
            .copied()
    }

    pub fn lambda_scope(&self, lambda: &ast::ExprLambda) -> Option<ScopeId> {
        self.scope_by_node
            .get(&(lambda.start(), NodeTag::Lambda))
            .copied()
    }

    /// The scope of a comprehension (list/set/dict/generator), keyed by the expression's start.
    pub fn comprehension_scope(&self, expr: &Expr) -> Option<ScopeId> {
        self.scope_by_node
            .get(&(expr.start(), NodeTag::Comprehension))
            .copied()
    }

    /// The binding `name` refers to when read at `offset` in `scope`, following Python's rules:
    /// class scopes are skipped from nested scopes; in the reading scope only bindings made
    /// before `offset` count; enclosing scopes are seen as they end up (function bodies run
    /// after the module has been executed); `global`/`nonlocal` jump scopes.
    pub fn resolve_name(
        &self,
        name: &str,
        scope: ScopeId,
        offset: TextSize,
    ) -> Option<&Binding<'a>> {
        let hash = name_hash(name);
        let mut current = Some(scope);
        let mut reading_scope = true;
        while let Some(id) = current {
            let scope_ref = self.scope(id);
            let skip = !reading_scope && matches!(scope_ref.kind, ScopeKind::Class(_));
            if !skip {
                let ids = scope_ref.bindings_hashed(name, hash);
                let chosen = if reading_scope {
                    ids.iter()
                        .rev()
                        .find(|b| self.binding(**b).visible_from <= offset)
                } else {
                    ids.last()
                };
                if let Some(binding_id) = chosen {
                    let binding = self.binding(*binding_id);
                    if matches!(binding.kind, BindingKind::Declaration) {
                        return self.resolve_declared(name, id);
                    }
                    return Some(binding);
                }
                if reading_scope
                    && !ids.is_empty()
                    && matches!(scope_ref.kind, ScopeKind::Function(_))
                {
                    // Bound later in the same function: a local read before assignment.
                    return None;
                }
            }
            reading_scope = false;
            current = scope_ref.parent;
        }
        None
    }

    /// A name declared `global`/`nonlocal`: its last binding at module level (global) or in an
    /// enclosing function (nonlocal).
    fn resolve_declared(&self, name: &str, from: ScopeId) -> Option<&Binding<'a>> {
        let mut current = self.scope(from).parent;
        while let Some(id) = current {
            let scope = self.scope(id);
            if let Some(last) = scope
                .bindings_of(name)
                .iter()
                .rev()
                .find(|b| !matches!(self.binding(**b).kind, BindingKind::Declaration))
            {
                return Some(self.binding(*last));
            }
            current = scope.parent;
        }
        None
    }

    /// The fully qualified name an expression refers to: `time.sleep`, `builtins.open`,
    /// `fastapi.Depends`. `None` when unresolved (a local variable, a call result, an unknown).
    pub fn qualified_name(&self, expr: &Expr, scope: ScopeId) -> Option<String> {
        // Built in one allocation (this runs for most calls and attributes of every file): the
        // root name resolved first, then the attributes from the root out.
        let mut root = expr;
        let mut attributes_length = 0;
        while let Expr::Attribute(attribute) = root {
            attributes_length += 1 + attribute.attr.len();
            root = &attribute.value;
        }
        let Expr::Name(name) = root else { return None };
        let id = name.id.as_str();
        let (prefix, base) = match self.resolve_name(id, scope, name.start()) {
            Some(binding) => match &binding.kind {
                BindingKind::Import { qualified } | BindingKind::FromImport { qualified } => {
                    ("", qualified.as_str())
                }
                _ => return None,
            },
            None if is_python_builtin(id, 14, false) => ("builtins.", id),
            None => return None,
        };
        let mut qualified = String::with_capacity(prefix.len() + base.len() + attributes_length);
        qualified.push_str(prefix);
        qualified.push_str(base);
        push_attributes(expr, &mut qualified);
        Some(qualified)
    }

    /// Like [`Self::qualified_name`], then tests membership in a list of dotted names.
    pub fn resolves_to(&self, expr: &Expr, scope: ScopeId, candidates: &[&str]) -> bool {
        self.qualified_name(expr, scope)
            .is_some_and(|name| candidates.contains(&name.as_str()))
    }

    /// The binding a plain name refers to (for `Depends(get_db)`, `add_task(send_email)` …).
    pub fn binding_of_name(&self, expr: &Expr, scope: ScopeId) -> Option<&Binding<'a>> {
        let Expr::Name(name) = expr else { return None };
        self.resolve_name(name.id.as_str(), scope, name.start())
    }

    /// The class (or factory) an expression is an instance of, when the code proves it:
    /// `requests.Session()`, a name bound to such a call, a `with X() as name` target, or a
    /// parameter/variable annotated with the type, or `self.<name>` when its class annotates it
    /// or assigns only such values. Returns the qualified name of the class.
    pub fn instance_type(&self, expr: &Expr, scope: ScopeId) -> Option<String> {
        match expr {
            Expr::Call(call) => self.qualified_name(&call.func, scope),
            Expr::Name(_) => {
                let binding = self.binding_of_name(expr, scope)?;
                let binding_scope = binding.scope;
                match &binding.kind {
                    BindingKind::Assignment {
                        value: Expr::Call(call),
                    }
                    | BindingKind::WithItem {
                        context: Expr::Call(call),
                    } => self.qualified_name(&call.func, binding_scope),
                    BindingKind::AnnAssign { annotation, value } => self
                        .annotation_type(annotation, binding_scope)
                        .or_else(|| match value {
                            Some(Expr::Call(call)) => {
                                self.qualified_name(&call.func, binding_scope)
                            }
                            _ => None,
                        }),
                    BindingKind::Parameter { parameter, .. } => {
                        // Annotations of a parameter are evaluated in the enclosing scope.
                        let outer = self.scope(binding_scope).parent.unwrap_or(ScopeId::MODULE);
                        parameter
                            .annotation()
                            .and_then(|annotation| self.annotation_type(annotation, outer))
                    }
                    _ => None,
                }
            }
            // `self.session`: one level only, so that `self.a = self.b` never loops.
            Expr::Attribute(attribute) => self.self_attribute(
                attribute,
                scope,
                |annotation, scope| self.annotation_type(annotation, scope),
                |value, scope| match value {
                    Expr::Attribute(_) => None,
                    value => self.instance_type(value, scope),
                },
            ),
            _ => None,
        }
    }

    /// The qualified type of an annotation, seeing through `Annotated[T, ...]`, `Optional[T]`
    /// and `T | None`.
    pub fn annotation_type(&self, annotation: &Expr, scope: ScopeId) -> Option<String> {
        let inner =
            super::typing::unwrap_annotation(annotation, |e| self.qualified_name(e, scope))?;
        self.qualified_name(inner, scope)
    }

    /// The qualified names of a class's ancestors that come from elsewhere (`pydantic.BaseModel`),
    /// following base classes defined in this module (`class User(Base)`, `class Base(BaseModel)`)
    /// a few levels deep (a cycle in broken code stops there). `Generic[T]` and `RootModel[int]`
    /// count as their subscripted class. `scope` is where the class statement is.
    pub fn external_ancestors(&self, class: &ast::StmtClassDef, scope: ScopeId) -> Vec<String> {
        const MAX_DEPTH: usize = 8;
        let mut found = Vec::new();
        let mut pending = vec![(class, scope, 0)];
        while let Some((class, scope, depth)) = pending.pop() {
            for base in class.bases() {
                let base = match base {
                    Expr::Subscript(subscript) => subscript.value.as_ref(),
                    other => other,
                };
                if let Some(name) = self.qualified_name(base, scope) {
                    found.push(name);
                } else if let Some(binding) = self.binding_of_name(base, scope)
                    && let BindingKind::ClassDef(parent) = binding.kind
                    && depth < MAX_DEPTH
                {
                    pending.push((parent, binding.scope, depth + 1));
                }
            }
        }
        found
    }

    /// Whether the module imports `module` (or a submodule of it) anywhere.
    pub fn imports_module(&self, module: &str) -> bool {
        self.bindings.iter().any(|binding| match &binding.kind {
            BindingKind::Import { qualified } | BindingKind::FromImport { qualified } => {
                qualified == module
                    || qualified
                        .strip_prefix(module)
                        .is_some_and(|rest| rest.starts_with('.'))
            }
            _ => false,
        })
    }

    /// The module-level function or class definitions and every other binding, for context
    /// builders.
    /// The scopes that declare `name` `global` (or `nonlocal`), so that their assignments
    /// bind it in an enclosing scope.
    pub fn declaring_scopes(&self, name: &str) -> &[ScopeId] {
        self.declaring_scopes.get(name).map_or(&[], Vec::as_slice)
    }

    pub fn bindings(&self) -> impl ExactSizeIterator<Item = (BindingId, &Binding<'a>)> {
        self.bindings
            .iter()
            .enumerate()
            .map(|(i, b)| (BindingId(u32::try_from(i).unwrap_or(u32::MAX)), b))
    }

    /// Resolves a relative import (`level` dots, then `module`) against this module's path.
    pub(crate) fn absolute_module(&self, level: u32, module: Option<&str>) -> String {
        if level == 0 {
            return module.unwrap_or_default().to_string();
        }
        if let Some(path) = &self.module_path {
            // `level` 1 is the package containing this module.
            let keep = path.len().checked_sub(level as usize);
            if let Some(keep) = keep {
                let mut parts: Vec<&str> = path[..keep].iter().map(String::as_str).collect();
                if let Some(module) = module {
                    parts.push(module);
                }
                if !parts.is_empty() {
                    return parts.join(".");
                }
            }
        }
        let dots = ".".repeat(level as usize);
        format!("{dots}{}", module.unwrap_or_default())
    }
}

/// Appends `.attr` for each attribute of `a.b.c`, from the root out.
fn push_attributes(expr: &Expr, qualified: &mut String) {
    if let Expr::Attribute(attribute) = expr {
        push_attributes(&attribute.value, qualified);
        qualified.push('.');
        qualified.push_str(attribute.attr.as_str());
    }
}

/// A call's identity: its address in the module's AST, which lives as long as the model.
fn address(call: &ast::ExprCall) -> usize {
    std::ptr::from_ref(call) as usize
}
