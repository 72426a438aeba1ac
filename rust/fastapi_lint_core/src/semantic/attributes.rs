//! Instance attributes: what methods assign to `self.<name>`, and what the class body declares,
//! so that `self.session.execute(...)` can be traced to the `Session` that `__init__` stored.

use ruff_python_ast::{self as ast, Expr};
use rustc_hash::FxHashMap;
use smallvec::SmallVec;

use super::binding::BindingKind;
use super::model::{ScopeId, ScopeKind, SemanticModel};

/// One assignment to an attribute of a name, made in a function (`self.session = session`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct AttributeAssignment<'a> {
    /// The function the assignment is made in.
    pub(crate) scope: ScopeId,
    pub(crate) receiver: &'a str,
    pub(crate) attribute: &'a str,
    /// The value assigned; `None` when the target is unpacked (`self.a, self.b = pair`) or
    /// augmented, which says nothing of the value.
    pub(crate) value: Option<&'a Expr>,
    /// `self.session: Session = ...`.
    pub(crate) annotation: Option<&'a Expr>,
}

/// What a class says of one instance attribute.
#[derive(Debug, Default)]
pub struct InstanceAttribute<'a> {
    /// A class-level annotation (`session: Session`) or an annotated assignment in a method,
    /// with the scope it is evaluated in: the attribute's declared type.
    pub declared: Option<(&'a Expr, ScopeId)>,
    /// Every value a method assigns, with the method's scope; `None` for an assignment whose
    /// value is unknown.
    pub assigned: SmallVec<[(Option<&'a Expr>, ScopeId); 2]>,
}

/// The assignments of each class's instance attributes, by class scope and attribute name:
/// those made through a method's first parameter.
pub(crate) fn by_class<'a>(
    model: &SemanticModel<'a>,
    assignments: &[AttributeAssignment<'a>],
) -> FxHashMap<(ScopeId, &'a str), SmallVec<[u32; 2]>> {
    let mut index: FxHashMap<(ScopeId, &'a str), SmallVec<[u32; 2]>> = FxHashMap::default();
    for (position, assignment) in assignments.iter().enumerate() {
        let Some(class) = method_class(model, assignment.scope, assignment.receiver) else {
            continue;
        };
        let position = u32::try_from(position).unwrap_or(u32::MAX);
        index
            .entry((class, assignment.attribute))
            .or_default()
            .push(position);
    }
    index
}

/// The class scope of the method `function` when `receiver` is its first parameter.
fn method_class(model: &SemanticModel, function: ScopeId, receiver: &str) -> Option<ScopeId> {
    let scope = model.scope(function);
    let ScopeKind::Function(definition) = scope.kind else {
        return None;
    };
    let class = scope.parent?;
    if !matches!(model.scope(class).kind, ScopeKind::Class(_)) {
        return None;
    }
    let first = first_parameter(definition)?;
    (first == receiver).then_some(class)
}

fn first_parameter(function: &ast::StmtFunctionDef) -> Option<&str> {
    function
        .parameters
        .posonlyargs
        .iter()
        .chain(&function.parameters.args)
        .next()
        .map(|parameter| parameter.parameter.name.as_str())
}

impl<'a> SemanticModel<'a> {
    /// The class scope whose instance `receiver` is when it is the first parameter of a method
    /// (`self`), not of a static or class method.
    pub fn instance_class_scope(&self, receiver: &Expr, scope: ScopeId) -> Option<ScopeId> {
        let binding = self.binding_of_name(receiver, scope)?;
        let BindingKind::Parameter { parameter, .. } = &binding.kind else {
            return None;
        };
        let class = method_class(self, binding.scope, parameter.name.as_str())?;
        let ScopeKind::Function(function) = self.scope(binding.scope).kind else {
            return None;
        };
        let bound_to_class = function.decorator_list.iter().any(|decorator| {
            self.resolves_to(
                &decorator.expression,
                class,
                &["builtins.staticmethod", "builtins.classmethod"],
            )
        });
        (!bound_to_class).then_some(class)
    }

    /// What the class of scope `class` declares and assigns for the attribute `name` of its
    /// instances.
    pub fn instance_attribute(&self, class: ScopeId, name: &str) -> InstanceAttribute<'a> {
        let mut attribute = InstanceAttribute::default();
        if let Some(binding) = self.scope(class).bindings_of(name).first() {
            if let BindingKind::AnnAssign { annotation, .. } = self.binding(*binding).kind {
                attribute.declared = Some((annotation, class));
            }
        }
        for position in self
            .attribute_index
            .get(&(class, name))
            .map_or(&[][..], SmallVec::as_slice)
        {
            let assignment = &self.attribute_assignments[*position as usize];
            if attribute.declared.is_none()
                && let Some(annotation) = assignment.annotation
            {
                // Evaluated where the method is defined: the class body.
                attribute.declared = Some((annotation, class));
            }
            attribute
                .assigned
                .push((assignment.value, assignment.scope));
        }
        attribute
    }
}

impl<'a> SemanticModel<'a> {
    /// What `self.<name>` is inside a method, when its class proves it: `declared` reads the
    /// attribute's annotation, `assigned` each value a method assigns to it. The annotation
    /// wins; otherwise every assigned value must give the same answer (a `None` placeholder is
    /// skipped), and a value that gives none, or an assignment whose value is unknown
    /// (`self.a, self.b = pair`), proves nothing.
    pub fn self_attribute<T: PartialEq>(
        &self,
        attribute: &ast::ExprAttribute,
        scope: ScopeId,
        declared: impl Fn(&'a Expr, ScopeId) -> Option<T>,
        assigned: impl Fn(&'a Expr, ScopeId) -> Option<T>,
    ) -> Option<T> {
        let class = self.instance_class_scope(&attribute.value, scope)?;
        let found = self.instance_attribute(class, attribute.attr.as_str());
        if let Some((annotation, scope)) = found.declared {
            return declared(annotation, scope);
        }
        let mut agreed = None;
        for (value, scope) in found.assigned {
            let value = value?;
            if value.is_none_literal_expr() {
                continue;
            }
            let answer = assigned(value, scope)?;
            if agreed.as_ref().is_some_and(|agreed| *agreed != answer) {
                return None;
            }
            agreed = Some(answer);
        }
        agreed
    }
}
