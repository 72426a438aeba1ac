//! Naming project functions and classes the same way where they are defined and where they are
//! used, so the index can match calls to definitions across modules.
//!
//! A definition is named `module.function` or `module.Class.method` (module-level classes
//! only). A use is named from what the code proves: an imported name (`from app.services import
//! users; users.load()` is `app.services.users.load`), a module-level `def`/`class` of the same
//! module, `self.method()` inside a method of a module-level class, or a method of an instance
//! whose class the code proves (`Repo(db).get()`, `repo.get()` for `repo: Repo`,
//! `self.repo.get()`). Anything else (a nested function, a call result of unknown type) has no
//! project name and stays unresolved.

use std::borrow::Cow;

use ruff_python_ast::{self as ast, Expr};

use crate::semantic::{BindingKind, ScopeId, ScopeKind, SemanticModel, unwrap_annotation};

/// The importable name of the module being checked (`app.routes`); `__main__` for a buffer
/// linted on its own, whose names only need to agree with themselves.
pub(crate) fn module_name_or_main(semantic: &SemanticModel) -> String {
    semantic
        .module_path()
        .map_or_else(|| "__main__".to_string(), super::module_path::module_name)
}

/// The project name of a function defined in `scope`: `module.f` at module level,
/// `module.Class.f` in a module-level class, `None` when nested in a function.
pub(crate) fn definition_name(
    semantic: &SemanticModel,
    module: &str,
    name: &str,
    scope: ScopeId,
) -> Option<String> {
    match semantic.scope(scope).kind {
        // `concat`, not `format!`: names are built for most definitions and calls of a file.
        ScopeKind::Module => Some([module, ".", name].concat()),
        ScopeKind::Class(class) if semantic.scope(scope).parent == Some(ScopeId::MODULE) => {
            Some([module, ".", class.name.as_str(), ".", name].concat())
        }
        _ => None,
    }
}

/// How many instances a name is followed through (`a = A(); b = a.make(); b.run()`): the
/// code may bind a name to its own method's result (`x = x.next()`) or two attributes to each
/// other's.
const MAX_DEPTH: u8 = 8;

/// The project name an expression refers to in `scope` (see the module docs).
pub(crate) fn reference_name(
    semantic: &SemanticModel,
    module: &str,
    expr: &Expr,
    scope: ScopeId,
) -> Option<String> {
    reference_name_within(semantic, module, expr, scope, MAX_DEPTH)
}

fn reference_name_within(
    semantic: &SemanticModel,
    module: &str,
    expr: &Expr,
    scope: ScopeId,
    depth: u8,
) -> Option<String> {
    match expr {
        Expr::Name(name) => {
            let binding = semantic.binding_of_name(expr, scope)?;
            match &binding.kind {
                BindingKind::Import { qualified } | BindingKind::FromImport { qualified } => {
                    Some(qualified.clone())
                }
                BindingKind::FunctionDef(_) | BindingKind::ClassDef(_)
                    if binding.scope == ScopeId::MODULE =>
                {
                    Some([module, ".", name.id.as_str()].concat())
                }
                _ => None,
            }
        }
        Expr::Attribute(attribute) => {
            let method = attribute.attr.as_str();
            if let Some(class) = self_class(semantic, &attribute.value, scope) {
                return Some([module, ".", class, ".", method].concat());
            }
            // An instance's class first: `self.repo.get()` is the method of the class
            // `self.repo` holds, not a function named `Class.repo.get`.
            let depth = depth.checked_sub(1)?;
            let mut name = instance_class_name(semantic, module, &attribute.value, scope, depth)
                .or_else(|| {
                    reference_name_within(semantic, module, &attribute.value, scope, depth)
                })?;
            name.push('.');
            name.push_str(method);
            Some(name)
        }
        _ => None,
    }
}

/// The project name of the class `expr` is an instance of: a call of the class (`Repo(db)`),
/// a name bound to one, a parameter or variable annotated with the class (`Optional[...]` and
/// `Annotated[...]` seen through), or `self.repo` when its class annotates or assigns it so.
/// A call of a function is named alike (`make_repo().get` is `app.make_repo.get`): no
/// function has that name, and the index leaves it unresolved.
fn instance_class_name(
    semantic: &SemanticModel,
    module: &str,
    expr: &Expr,
    scope: ScopeId,
    depth: u8,
) -> Option<String> {
    match expr {
        Expr::Call(call) => reference_name_within(semantic, module, &call.func, scope, depth),
        Expr::Name(_) => {
            let binding = semantic.binding_of_name(expr, scope)?;
            match &binding.kind {
                BindingKind::Assignment {
                    value: Expr::Call(call),
                } => reference_name_within(semantic, module, &call.func, binding.scope, depth),
                BindingKind::AnnAssign { annotation, .. } => {
                    annotation_class_name(semantic, module, annotation, binding.scope, depth)
                }
                BindingKind::Parameter { parameter, .. } => {
                    // A parameter's annotation is evaluated where the function is defined.
                    let outer = semantic.scope(binding.scope).parent?;
                    annotation_class_name(semantic, module, parameter.annotation()?, outer, depth)
                }
                _ => None,
            }
        }
        Expr::Attribute(attribute) => semantic.self_attribute(
            attribute,
            scope,
            |annotation, scope| annotation_class_name(semantic, module, annotation, scope, depth),
            // One level only: `self.a = self.b` never loops.
            |value, scope| match value {
                Expr::Attribute(_) => None,
                value => instance_class_name(semantic, module, value, scope, depth),
            },
        ),
        _ => None,
    }
}

/// The project name of the class a function's return annotation names (`-> Repo`,
/// `-> Optional[Repo]`), for the index to find the methods of what it returns.
pub(crate) fn returned_class_name(
    semantic: &SemanticModel,
    module: &str,
    function: &ast::StmtFunctionDef,
    scope: ScopeId,
) -> Option<String> {
    annotation_class_name(
        semantic,
        module,
        function.returns.as_deref()?,
        scope,
        MAX_DEPTH,
    )
}

fn annotation_class_name(
    semantic: &SemanticModel,
    module: &str,
    annotation: &Expr,
    scope: ScopeId,
    depth: u8,
) -> Option<String> {
    let class = unwrap_annotation(annotation, |expr| semantic.qualified_name(expr, scope))?;
    reference_name_within(semantic, module, class, scope, depth)
}

/// [`reference_name`] of a call's callee. A callee rooted in an import is named alike by both,
/// and the semantic model has resolved it once already: it is borrowed rather than built
/// again (this runs for every call in a function).
pub(crate) fn callee_reference_name<'s>(
    semantic: &'s SemanticModel,
    module: &str,
    call: &ast::ExprCall,
    scope: ScopeId,
) -> Option<Cow<'s, str>> {
    match semantic.callee_name(call) {
        Some(name) if !name.starts_with("builtins.") => Some(Cow::Borrowed(name)),
        _ => reference_name(semantic, module, &call.func, scope).map(Cow::Owned),
    }
}

/// The class `receiver` is an instance of when it is the first parameter (`self`) of a method
/// of a module-level class; static methods have no `self`.
fn self_class<'a>(
    semantic: &SemanticModel<'a>,
    receiver: &Expr,
    scope: ScopeId,
) -> Option<&'a str> {
    let binding = semantic.binding_of_name(receiver, scope)?;
    let BindingKind::Parameter { parameter, .. } = &binding.kind else {
        return None;
    };
    let ScopeKind::Function(function) = semantic.scope(binding.scope).kind else {
        return None;
    };
    let first = function
        .parameters
        .posonlyargs
        .iter()
        .chain(&function.parameters.args)
        .next()?;
    let class_scope = semantic.scope(binding.scope).parent?;
    if first.parameter.name.range != parameter.name.range
        || is_static(semantic, function, class_scope)
    {
        return None;
    }
    match semantic.scope(class_scope).kind {
        ScopeKind::Class(class) if semantic.scope(class_scope).parent == Some(ScopeId::MODULE) => {
            Some(class.name.as_str())
        }
        _ => None,
    }
}

/// `@staticmethod`, resolved in the class body where decorators are evaluated.
fn is_static(
    semantic: &SemanticModel,
    function: &ast::StmtFunctionDef,
    class_scope: ScopeId,
) -> bool {
    function.decorator_list.iter().any(|decorator| {
        semantic.resolves_to(
            &decorator.expression,
            class_scope,
            &["builtins.staticmethod"],
        )
    })
}
