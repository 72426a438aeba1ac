//! FAPI503's fix: `json_encoders` rewritten as `@field_serializer` methods, and the edits
//! that take the `json_encoders` entry out of a configuration.

use std::fmt::Write as _;

use ruff_python_ast::helpers::any_over_expr;
use ruff_python_ast::token::parenthesized_range;
use ruff_python_ast::{self as ast, AnyNodeRef, Expr, Stmt};
use ruff_source_file::LineRanges;
use ruff_text_size::{Ranged, TextRange};

use super::{LINE_LENGTH, is_pydantic_base};
use crate::checker::Checker;
use crate::diagnostic::{Edit, Fix};
use crate::rules::imports::import_member;
use crate::semantic::{BindingKind, ScopeId, SemanticModel};

const FIELD_SERIALIZERS: &[&str] = &[
    "pydantic.field_serializer",
    "pydantic.functional_serializers.field_serializer",
];
const MODEL_SERIALIZERS: &[&str] = &[
    "pydantic.model_serializer",
    "pydantic.functional_serializers.model_serializer",
];

/// One `@field_serializer` method to add.
struct Serializer<'a> {
    fields: Vec<&'a str>,
    name: String,
    parameter: &'a str,
    /// The source of the encoded type, for the parameter's annotation.
    annotation: &'a str,
    /// What the method returns: the encoder called on the parameter, or a lambda's body.
    returns: String,
}

/// The fix for `encoders` in `model`'s configuration (its `class Config` when `config` is
/// given), with the edit that removes the `json_encoders` entry; `None` when the rewrite would
/// not do what the encoders do (see the docs).
pub(super) fn fix(
    checker: &Checker,
    model: &ast::StmtClassDef,
    config: Option<&ast::StmtClassDef>,
    encoders: &Expr,
    removal: Edit,
) -> Option<Fix> {
    let Expr::Dict(encoders) = encoders else {
        return None;
    };
    if encoders.items.is_empty() {
        return None;
    }
    let semantic = checker.semantic();
    let model_scope = semantic.class_scope(model)?;
    let outer = semantic.scope(model_scope).parent?;
    // Fields inherited from a project's base would lose the encoding, and so would the fields
    // of a subclass.
    let bases = model.bases();
    if bases.is_empty()
        || !bases.iter().all(|base| {
            semantic
                .qualified_name(base, outer)
                .is_some_and(|name| is_pydantic_base(&name))
        })
        || has_subclass_in_module(semantic, model)
    {
        return None;
    }
    // The method is evaluated in the model's body but runs in a function scope: a name bound in
    // the class (or its `class Config`) would no longer be what the encoder referred to.
    let class_scopes: Vec<ScopeId> = std::iter::once(model_scope)
        .chain(config.and_then(|config| semantic.class_scope(config)))
        .collect();
    let bound_in_class = |name: &str| {
        class_scopes
            .iter()
            .any(|scope| !semantic.scope(*scope).bindings_of(name).is_empty())
    };
    let serialized = serialized_fields(checker, model)?;
    let fields: Vec<(&str, &Expr)> = model
        .body
        .iter()
        .filter_map(|stmt| {
            let Stmt::AnnAssign(assign) = stmt else {
                return None;
            };
            let Expr::Name(name) = assign.target.as_ref() else {
                return None;
            };
            // `_name: T` is a private attribute, not a field.
            let name = name.id.as_str();
            (!name.starts_with('_') && name != "model_config")
                .then_some((name, assign.annotation.as_ref()))
        })
        .collect();

    let mut serializers: Vec<Serializer> = Vec::new();
    for item in &encoders.items {
        let key = item.key.as_ref()?;
        let key_root = dotted_root(key)?;
        let annotation = one_line(checker.slice(key.range()))?;
        if bound_in_class(key_root) {
            return None;
        }
        let key_name = checker.qualified_name(key);
        let is_key = |expr: &Expr| {
            dotted_root(expr).is_some()
                && match (checker.qualified_name(expr), &key_name) {
                    (Some(name), Some(key_name)) => name == *key_name,
                    _ => checker.slice(expr.range()) == annotation,
                }
        };
        let last_segment = annotation.rsplit('.').next().unwrap_or(annotation);
        let mut plain = Vec::new();
        for (field, field_annotation) in &fields {
            if is_key(field_annotation) {
                plain.push(*field);
            } else if any_over_expr(field_annotation, |expr| match expr {
                Expr::StringLiteral(string) => string.value.to_str().contains(last_segment),
                _ => is_key(expr),
            }) {
                return None;
            }
        }
        if plain.is_empty()
            || plain.iter().any(|field| serialized.contains(field))
            || serializers
                .iter()
                .any(|other| other.annotation == annotation)
        {
            return None;
        }
        let (parameter, returns) = encoder_call(checker, &item.value, &bound_in_class)?;
        let name = method_name(last_segment, |name| {
            bound_in_class(name) || serializers.iter().any(|other| other.name == name)
        });
        serializers.push(Serializer {
            fields: plain,
            name,
            parameter,
            annotation,
            returns,
        });
    }

    let source = checker.source();
    let last = model.body.last()?;
    let indent = &source[TextRange::new(source.line_start(last.start()), last.start())];
    if indent.is_empty() || !indent.trim().is_empty() {
        return None;
    }
    let at = source.full_line_end(last.end());
    let (import, decorator) = import_member(checker, "pydantic", "field_serializer", at).ok()?;
    let newline = checker.stylist().line_ending().as_str();
    let mut methods = String::new();
    // A last line without a line break gets one, unless it is the line the fix removes.
    if removal.range().end() != at && !source[..at.to_usize()].ends_with(['\n', '\r']) {
        methods.push_str(newline);
    }
    // Each method comes after a blank line, unless the removed lines were the last of the class
    // and a blank line is left before them.
    let before = &source[..removal.range().start().to_usize()];
    let blank_before_removal = removal.range().end() == at
        && before
            .strip_suffix("\r\n")
            .or_else(|| before.strip_suffix(['\n', '\r']))
            .and_then(|above| above.rsplit(['\n', '\r']).next())
            .is_some_and(|line| line.trim().is_empty());
    for (index, serializer) in serializers.iter().enumerate() {
        if index > 0 || !blank_before_removal {
            methods.push_str(newline);
        }
        methods.push_str(&render(checker, &decorator, serializer, indent));
    }
    Some(Fix::unsafe_edits(
        removal,
        [Edit::insertion(methods, at), import],
    ))
}

/// The method:
/// ```python
///     @field_serializer("total", when_used="json")
///     def _serialize_decimal(self, value: Decimal):
///         return float(value)
/// ```
fn render(checker: &Checker, decorator: &str, serializer: &Serializer, indent: &str) -> String {
    let stylist = checker.stylist();
    let newline = stylist.line_ending().as_str();
    let quote = stylist.quote().as_char();
    let mut arguments: Vec<String> = serializer
        .fields
        .iter()
        .map(|field| format!("{quote}{field}{quote}"))
        .collect();
    arguments.push(format!("when_used={quote}json{quote}"));
    let one_line = format!("@{decorator}({})", arguments.join(", "));
    let mut out = String::new();
    if indent.len() + one_line.len() <= LINE_LENGTH {
        let _ = write!(out, "{indent}{one_line}{newline}");
    } else {
        let inner = format!("{indent}{}", stylist.indentation().as_str());
        let _ = write!(out, "{indent}@{decorator}({newline}");
        for argument in &arguments {
            let _ = write!(out, "{inner}{argument},{newline}");
        }
        let _ = write!(out, "{indent}){newline}");
    }
    let Serializer {
        name,
        parameter,
        annotation,
        returns,
        ..
    } = serializer;
    let body_indent = stylist.indentation().as_str();
    let _ = write!(
        out,
        "{indent}def {name}(self, {parameter}: {annotation}):{newline}{indent}{body_indent}return {returns}{newline}"
    );
    out
}

/// The parameter and the return expression of the method for an encoder: `float` gives
/// `value` and `float(value)`, `lambda v: str(v)` gives `v` and `str(v)`. `None` for other
/// encoders, or when the method could not refer to the same things.
fn encoder_call<'b>(
    checker: &Checker<'_>,
    encoder: &'b Expr,
    bound_in_class: &dyn Fn(&str) -> bool,
) -> Option<(&'b str, String)> {
    const PARAMETER: &str = "value";
    if let Expr::Lambda(lambda) = encoder {
        let parameters = lambda.parameters.as_deref()?;
        let [parameter] = parameters.args.as_slice() else {
            return None;
        };
        if !parameters.posonlyargs.is_empty()
            || !parameters.kwonlyargs.is_empty()
            || parameters.vararg.is_some()
            || parameters.kwarg.is_some()
            || parameter.default.is_some()
        {
            return None;
        }
        let name = parameter.parameter.name.id.as_str();
        let mentions_self = any_over_expr(
            &lambda.body,
            |expr| matches!(expr, Expr::Name(name) if name.id.as_str() == "self"),
        );
        if name == "self" || mentions_self {
            return None;
        }
        let body = with_parentheses(checker, &lambda.body, AnyNodeRef::from(lambda));
        return Some((name, one_line(checker.slice(body))?.to_string()));
    }
    let root = dotted_root(encoder)?;
    if root == "self" || root == PARAMETER || bound_in_class(root) {
        return None;
    }
    Some((
        PARAMETER,
        format!("{}({PARAMETER})", one_line(checker.slice(encoder.range()))?),
    ))
}

/// The fields the model's `@field_serializer` methods already cover (`"*"` for all); `None`
/// when it has a `model_serializer`, which the rewrite leaves alone, or serializer arguments
/// that are not plain strings.
fn serialized_fields<'b>(
    checker: &Checker<'_>,
    model: &'b ast::StmtClassDef,
) -> Option<Vec<&'b str>> {
    let mut fields = Vec::new();
    for stmt in &model.body {
        let Stmt::FunctionDef(function) = stmt else {
            continue;
        };
        for decorator in &function.decorator_list {
            let (callee, arguments) = match &decorator.expression {
                Expr::Call(call) => (call.func.as_ref(), Some(&call.arguments)),
                other => (other, None),
            };
            let is = |names: &[&str], name: &str| match checker.qualified_name(callee) {
                Some(qualified) => names.contains(&qualified.as_str()),
                None => checker.slice(callee.range()).ends_with(name),
            };
            if is(MODEL_SERIALIZERS, "model_serializer") {
                return None;
            }
            if is(FIELD_SERIALIZERS, "field_serializer") {
                for argument in arguments.map_or(&[][..], |arguments| &arguments.args) {
                    let Expr::StringLiteral(field) = argument else {
                        return None;
                    };
                    fields.push(field.value.to_str());
                }
            }
        }
    }
    if fields.contains(&"*") {
        return None;
    }
    Some(fields)
}

/// Whether a class of the module lists `model` among its bases.
fn has_subclass_in_module(semantic: &SemanticModel, model: &ast::StmtClassDef) -> bool {
    semantic.bindings().any(|(_, binding)| {
        let BindingKind::ClassDef(class) = binding.kind else { return false };
        class.bases().iter().any(|base| {
            let base = match base {
                Expr::Subscript(subscript) => subscript.value.as_ref(),
                other => other,
            };
            semantic
                .binding_of_name(base, binding.scope)
                .is_some_and(|parent| matches!(parent.kind, BindingKind::ClassDef(parent) if parent.range() == model.range()))
        })
    })
}

/// `_serialize_<snake_case type name>`, with a number added when the name is taken.
fn method_name(type_name: &str, taken: impl Fn(&str) -> bool) -> String {
    let base = format!("_serialize_{}", snake_case(type_name));
    if !taken(&base) {
        return base;
    }
    // A class has finitely many names, so one of these is free.
    let mut n = 2;
    loop {
        let name = format!("{base}_{n}");
        if !taken(&name) {
            return name;
        }
        n += 1;
    }
}

/// `Decimal` → `decimal`, `HttpUrl` → `http_url`, `UUID` → `uuid`.
fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() && i > 0 {
            let previous = chars[i - 1];
            let next_is_lower = chars.get(i + 1).is_some_and(|next| next.is_lowercase());
            if previous.is_lowercase()
                || previous.is_ascii_digit()
                || (previous.is_uppercase() && next_is_lower)
            {
                out.push('_');
            }
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// The root name of a plain dotted name (`Decimal`, `datetime.datetime`).
fn dotted_root(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Name(name) => Some(name.id.as_str()),
        Expr::Attribute(attribute) => dotted_root(&attribute.value),
        _ => None,
    }
}

/// The text when it fits on one line (the fix moves it into a `return` or an annotation).
fn one_line(text: &str) -> Option<&str> {
    (!text.contains(['\n', '\r'])).then_some(text)
}

/// The range of an expression with the parentheses around it.
pub(super) fn with_parentheses(checker: &Checker, expr: &Expr, parent: AnyNodeRef) -> TextRange {
    parenthesized_range(expr.into(), parent, checker.tokens()).unwrap_or_else(|| expr.range())
}

/// The lines `range` spans, when nothing but indentation precedes it and nothing but a comma
/// and a comment follows it on its lines: deleting them removes it without a blank line.
pub(super) fn whole_lines(source: &str, range: TextRange) -> Option<TextRange> {
    let start = source.line_start(range.start());
    let before = &source[TextRange::new(start, range.start())];
    let after = source[TextRange::new(range.end(), source.line_end(range.end()))].trim_start();
    let after = after.strip_prefix(',').unwrap_or(after).trim_start();
    (before.trim().is_empty() && (after.is_empty() || after.starts_with('#')))
        .then(|| TextRange::new(start, source.full_line_end(range.end())))
}

/// What to delete to remove the statement at `range` from `body`: its lines (see
/// [`whole_lines`]), and when it is the first statement the blank lines after it, so that the
/// block does not start with a blank line.
pub(super) fn statement_deletion(
    source: &str,
    body: &[Stmt],
    range: TextRange,
) -> Option<TextRange> {
    let lines = whole_lines(source, range)?;
    if body.first().is_none_or(|first| first.range() != range) {
        return Some(lines);
    }
    let mut end = lines.end();
    while end.to_usize() < source.len() {
        let next = source.full_line_end(end);
        if !source[TextRange::new(end, next)].trim().is_empty() {
            break;
        }
        end = next;
    }
    Some(TextRange::new(lines.start(), end))
}

/// What to delete to remove `elements[index]` from a comma-separated list of two or more (call
/// arguments, dictionary entries) with its comma: its lines when it has lines of its own, else
/// up to the next element, or from the previous one for the last.
pub(super) fn element_deletion(source: &str, elements: &[TextRange], index: usize) -> TextRange {
    let element = elements[index];
    if let Some(lines) = whole_lines(source, element) {
        return lines;
    }
    match (
        elements.get(index + 1),
        index.checked_sub(1).map(|previous| elements[previous]),
    ) {
        (Some(next), _) => TextRange::new(element.start(), next.start()),
        (None, Some(previous)) => TextRange::new(previous.end(), element.end()),
        (None, None) => element,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn snake_case_names() {
        assert_eq!(super::snake_case("Decimal"), "decimal");
        assert_eq!(super::snake_case("HttpUrl"), "http_url");
        assert_eq!(super::snake_case("UUID"), "uuid");
        assert_eq!(super::snake_case("datetime"), "datetime");
    }
}
