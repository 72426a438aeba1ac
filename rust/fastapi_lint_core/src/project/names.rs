//! Naming project functions and classes the same way where they are defined and where they are
//! used, so the index can match calls to definitions across modules.
//!
//! A definition is named `module.function` or `module.Class.method` (module-level classes
//! only). A use is named from what the code proves: an imported name (`from app.services import
//! users; users.load()` is `app.services.users.load`), a module-level `def`/`class` of the same
//! module, or `self.method()` inside a method of a module-level class. Anything else (a local
//! variable, a call result, a nested function) has no project name and stays unresolved.

use std::borrow::Cow;

use ruff_python_ast::{self as ast, Expr};

use crate::semantic::{BindingKind, ScopeId, ScopeKind, SemanticModel};

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

/// The project name an expression refers to in `scope` (see the module docs).
pub(crate) fn reference_name(
    semantic: &SemanticModel,
    module: &str,
    expr: &Expr,
    scope: ScopeId,
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
            let mut name = reference_name(semantic, module, &attribute.value, scope)?;
            name.push('.');
            name.push_str(method);
            Some(name)
        }
        _ => None,
    }
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
