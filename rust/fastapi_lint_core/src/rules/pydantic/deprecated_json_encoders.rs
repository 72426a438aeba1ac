use std::fmt::Write as _;

use ruff_python_ast::helpers::any_over_expr;
use ruff_python_ast::token::parenthesized_range;
use ruff_python_ast::{self as ast, AnyNodeRef, ArgOrKeyword, Expr, Stmt};
use ruff_source_file::LineRanges;
use ruff_text_size::{Ranged, TextRange};

use super::{LINE_LENGTH, enclosing_model, is_pydantic_base, simple_assignment};
use crate::checker::Checker;
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::registry::{Rule, rule_docs};
use crate::rules::imports::import_member;
use crate::semantic::{BindingKind, ScopeId, SemanticModel};

rule_docs! {
    /// ## What it does
    /// Checks for `json_encoders` in a Pydantic model's configuration: in a nested
    /// `class Config:`, in `model_config = ConfigDict(json_encoders=...)` (any `ConfigDict` or
    /// `SettingsConfigDict` call), or as a `"json_encoders"` key of a `model_config = {...}`
    /// dictionary in a model. As in FAPI502, a `class Config` of a `pydantic.v1` model or under
    /// an `if`/`else` of the class body (the v1 branch of version-conditional code) is left
    /// alone.
    ///
    /// ## Why is this bad?
    /// `json_encoders` is a Pydantic v1 option that v2 keeps only for compatibility: the
    /// Pydantic documentation marks it deprecated and likely to be removed. It also only applies
    /// to JSON output (`model_dump_json`), not to `model_dump()`, and does not show in the JSON
    /// schema, so the serialized type and the documented type drift apart.
    ///
    /// Pydantic v2 expresses custom serialization on the field type instead: an `Annotated`
    /// type with a `PlainSerializer` (reusable across models, which suits a project's base
    /// model), or a `@field_serializer` method on the model.
    ///
    /// ## Example
    /// ```python
    /// from datetime import datetime
    /// from decimal import Decimal
    ///
    /// from pydantic import BaseModel, ConfigDict
    ///
    ///
    /// class Invoice(BaseModel):
    ///     model_config = ConfigDict(json_encoders={Decimal: float, datetime: datetime.isoformat})
    ///
    ///     total: Decimal
    ///     issued_at: datetime
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// from datetime import datetime
    /// from decimal import Decimal
    /// from typing import Annotated
    ///
    /// from pydantic import BaseModel, PlainSerializer
    ///
    /// FloatDecimal = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]
    ///
    ///
    /// class Invoice(BaseModel):
    ///     total: FloatDecimal
    ///     issued_at: datetime  # Pydantic v2 already serializes datetimes as ISO 8601
    /// ```
    ///
    /// ## Fix safety
    /// The fix rewrites what Pydantic v2 does with the encoders for the model's own fields: it
    /// removes the `json_encoders` entry (the whole `model_config` line or `class Config` when
    /// nothing else is left in it) and, for each encoded type, appends to the class a
    /// `@field_serializer(..., when_used="json")` method for the fields annotated with exactly
    /// that type, which calls the encoder on the value (a one-parameter `lambda` is inlined),
    /// and imports `field_serializer` from `pydantic`:
    ///
    /// ```python
    /// class Invoice(BaseModel):
    ///     total: Decimal
    ///
    ///     @field_serializer("total", when_used="json")
    ///     def _serialize_decimal(self, value: Decimal):
    ///         return float(value)
    /// ```
    ///
    /// The fix is offered only when `json_encoders` is a dictionary literal in the model's own
    /// configuration (a statement of the class body, not a shared `ConfigDict(...)` assigned
    /// elsewhere, nor one under an `if`), whose keys are plain type names (`Decimal`,
    /// `datetime.datetime`) and whose values are names, attributes or one-parameter lambdas
    /// (not names bound in the class body, which the method could not see);
    /// when every encoded type annotates at least one field of the class body as exactly that
    /// type and no field there uses it inside another annotation (`Optional[Decimal]`,
    /// `list[Decimal]`, `Decimal | None`, `Annotated[Decimal, ...]`), since Pydantic applies
    /// `json_encoders` to such nested values and the serializer would not; when the model's
    /// bases are Pydantic's own classes (fields inherited from a project's base class would lose
    /// the encoding) and no class of the module subclasses it; and when the model has no
    /// `model_serializer` and no `field_serializer` for those fields yet.
    ///
    /// The fix is unsafe: Pydantic also applies a model's `json_encoders` to the fields of its
    /// subclasses, which may live in other modules, to fields whose type is a subclass of the
    /// encoded type (a `date` encoder also encodes `datetime` fields), and to the encoded type
    /// nested in fields of other types; the generated serializers cover none of those. The
    /// comments on removed lines are dropped.
    ///
    /// ## References
    /// - fastapi-lint practices, 7: "Create a custom Pydantic BaseModel" (its `json_encoders`
    ///   example predates Pydantic v2)
    /// - [Pydantic: `ConfigDict.json_encoders`](https://docs.pydantic.dev/latest/api/config/#pydantic.config.ConfigDict.json_encoders)
    /// - [Pydantic: Custom serializers](https://docs.pydantic.dev/latest/concepts/serialization/#custom-serializers)
    pub struct DeprecatedJsonEncoders;
}

/// Where Pydantic and pydantic-settings define their configuration dictionaries.
const CONFIG_DICTS: &[&str] = &[
    "pydantic.ConfigDict",
    "pydantic.config.ConfigDict",
    "pydantic_settings.SettingsConfigDict",
    "pydantic_settings.main.SettingsConfigDict",
];

const FIELD_SERIALIZERS: &[&str] = &["pydantic.field_serializer", "pydantic.functional_serializers.field_serializer"];
const MODEL_SERIALIZERS: &[&str] = &["pydantic.model_serializer", "pydantic.functional_serializers.model_serializer"];

const KEY: &str = "json_encoders";

/// `json_encoders = {...}` in `model`'s `class Config`.
pub(super) fn check_config_class(checker: &mut Checker, model: &ast::StmtClassDef, config: &ast::StmtClassDef) {
    for stmt in &config.body {
        if let Stmt::Assign(assign) = stmt
            && let [Expr::Name(target)] = assign.targets.as_slice()
            && target.id.as_str() == KEY
        {
            // The line goes, or the whole `class Config` when nothing else is left in it.
            let alone = config.body.iter().all(|other| other.range() == stmt.range());
            let removed = if alone {
                statement_deletion(checker.source(), &model.body, config.range())
            } else {
                statement_deletion(checker.source(), &config.body, stmt.range())
            };
            let fix = removed.and_then(|removed| fix(checker, model, Some(config), &assign.value, Edit::deletion(removed)));
            report(checker, target.range(), fix);
        }
    }
}

/// `ConfigDict(json_encoders=...)`, wherever the call is.
pub(super) fn check_config_dict_call(checker: &mut Checker, call: &ast::ExprCall) {
    let Some(keyword) = call.arguments.find_keyword(KEY) else { return };
    if !checker.qualified_name(&call.func).is_some_and(|name| CONFIG_DICTS.contains(&name.as_str())) {
        return;
    }
    let fix = model_config_statement(checker, call.range()).and_then(|(model, stmt)| {
        let source = checker.source();
        let removed = if call.arguments.len() == 1 {
            statement_deletion(source, &model.body, stmt.range())?
        } else {
            let arguments = AnyNodeRef::from(&call.arguments);
            let elements: Vec<TextRange> = call
                .arguments
                .iter_source_order()
                .map(|argument| match argument {
                    ArgOrKeyword::Arg(expr) => with_parentheses(checker, expr, arguments),
                    ArgOrKeyword::Keyword(keyword) => {
                        keyword.range().cover(with_parentheses(checker, &keyword.value, AnyNodeRef::from(keyword)))
                    }
                })
                .collect();
            let index = elements.iter().position(|element| element.contains_range(keyword.range()))?;
            element_deletion(source, &elements, index)
        };
        fix(checker, model, None, &keyword.value, Edit::deletion(removed))
    });
    report(checker, keyword.arg.as_ref().map_or(keyword.range(), Ranged::range), fix);
}

/// `model_config = {"json_encoders": ...}` in a model's body.
pub(super) fn check_model_config_dict(checker: &mut Checker, stmt: &Stmt) {
    let Some(("model_config", Expr::Dict(dict))) = simple_assignment(stmt) else { return };
    if enclosing_model(checker).is_none() {
        return;
    }
    let is_key = |item: &ast::DictItem| matches!(&item.key, Some(Expr::StringLiteral(key)) if key.value.to_str() == KEY);
    for (index, item) in dict.items.iter().enumerate() {
        let Some(key) = item.key.as_ref().filter(|_| is_key(item)) else { continue };
        let fix = model_config_statement(checker, dict.range()).and_then(|(model, stmt)| {
            // `**base` entries would need their `**` found; a repeated key, two fixes.
            if dict.items.iter().any(|item| item.key.is_none()) || dict.items.iter().filter(|item| is_key(item)).count() > 1 {
                return None;
            }
            let source = checker.source();
            let removed = if dict.items.len() == 1 {
                statement_deletion(source, &model.body, stmt.range())?
            } else {
                let parent = AnyNodeRef::from(dict);
                let elements: Vec<TextRange> = dict
                    .items
                    .iter()
                    .filter_map(|item| Some(with_parentheses(checker, item.key.as_ref()?, parent).cover(with_parentheses(checker, &item.value, parent))))
                    .collect();
                element_deletion(source, &elements, index)
            };
            fix(checker, model, None, &item.value, Edit::deletion(removed))
        });
        report(checker, key.range(), fix);
    }
}

fn report(checker: &mut Checker, range: TextRange, fix: Option<Fix>) {
    let diagnostic = Diagnostic::new(
        Rule::DeprecatedJsonEncoders,
        "`json_encoders` is deprecated in Pydantic v2 and only applies to JSON output; serialize on the field type with `PlainSerializer` in an `Annotated` type or a `@field_serializer`",
        range,
    );
    checker.report(match fix {
        Some(fix) => diagnostic.with_fix("Replace `json_encoders` with `@field_serializer` methods", fix),
        None => diagnostic,
    });
}

/// The model whose body holds `model_config = <value>` as one of its own statements (not under
/// an `if`), with that statement. `value` is the range of the configuration expression.
fn model_config_statement<'a>(checker: &Checker<'a>, value: TextRange) -> Option<(&'a ast::StmtClassDef, &'a Stmt)> {
    let (model, _) = enclosing_model(checker)?;
    let stmt = model.body.iter().find(|stmt| matches!(simple_assignment(stmt), Some(("model_config", config)) if config.range() == value))?;
    Some((model, stmt))
}

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
fn fix(checker: &Checker, model: &ast::StmtClassDef, config: Option<&ast::StmtClassDef>, encoders: &Expr, removal: Edit) -> Option<Fix> {
    let Expr::Dict(encoders) = encoders else { return None };
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
        || !bases.iter().all(|base| semantic.qualified_name(base, outer).is_some_and(|name| is_pydantic_base(&name)))
        || has_subclass_in_module(semantic, model)
    {
        return None;
    }
    // The method is evaluated in the model's body but runs in a function scope: a name bound in
    // the class (or its `class Config`) would no longer be what the encoder referred to.
    let class_scopes: Vec<ScopeId> = std::iter::once(model_scope).chain(config.and_then(|config| semantic.class_scope(config))).collect();
    let bound_in_class = |name: &str| class_scopes.iter().any(|scope| !semantic.scope(*scope).bindings_of(name).is_empty());
    let serialized = serialized_fields(checker, model)?;
    let fields: Vec<(&str, &Expr)> = model
        .body
        .iter()
        .filter_map(|stmt| {
            let Stmt::AnnAssign(assign) = stmt else { return None };
            let Expr::Name(name) = assign.target.as_ref() else { return None };
            // `_name: T` is a private attribute, not a field.
            let name = name.id.as_str();
            (!name.starts_with('_') && name != "model_config").then_some((name, assign.annotation.as_ref()))
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
            || serializers.iter().any(|other| other.annotation == annotation)
        {
            return None;
        }
        let (parameter, returns) = encoder_call(checker, &item.value, &bound_in_class)?;
        let name = method_name(last_segment, |name| bound_in_class(name) || serializers.iter().any(|other| other.name == name));
        serializers.push(Serializer { fields: plain, name, parameter, annotation, returns });
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
    if removal.range.end() != at && !source[..at.to_usize()].ends_with(['\n', '\r']) {
        methods.push_str(newline);
    }
    // Each method comes after a blank line, unless the removed lines were the last of the class
    // and a blank line is left before them.
    let before = &source[..removal.range.start().to_usize()];
    let blank_before_removal = removal.range.end() == at
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
    Some(Fix::unsafe_edits(removal, [Edit::insertion(methods, at), import]))
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
    let mut arguments: Vec<String> = serializer.fields.iter().map(|field| format!("{quote}{field}{quote}")).collect();
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
    let Serializer { name, parameter, annotation, returns, .. } = serializer;
    let body_indent = stylist.indentation().as_str();
    let _ = write!(out, "{indent}def {name}(self, {parameter}: {annotation}):{newline}{indent}{body_indent}return {returns}{newline}");
    out
}

/// The parameter and the return expression of the method for an encoder: `float` gives
/// `value` and `float(value)`, `lambda v: str(v)` gives `v` and `str(v)`. `None` for other
/// encoders, or when the method could not refer to the same things.
fn encoder_call<'b>(checker: &Checker<'_>, encoder: &'b Expr, bound_in_class: &dyn Fn(&str) -> bool) -> Option<(&'b str, String)> {
    const PARAMETER: &str = "value";
    if let Expr::Lambda(lambda) = encoder {
        let parameters = lambda.parameters.as_deref()?;
        let [parameter] = parameters.args.as_slice() else { return None };
        if !parameters.posonlyargs.is_empty()
            || !parameters.kwonlyargs.is_empty()
            || parameters.vararg.is_some()
            || parameters.kwarg.is_some()
            || parameter.default.is_some()
        {
            return None;
        }
        let name = parameter.parameter.name.id.as_str();
        let mentions_self = any_over_expr(&lambda.body, |expr| matches!(expr, Expr::Name(name) if name.id.as_str() == "self"));
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
    Some((PARAMETER, format!("{}({PARAMETER})", one_line(checker.slice(encoder.range()))?)))
}

/// The fields the model's `@field_serializer` methods already cover (`"*"` for all); `None`
/// when it has a `model_serializer`, which the rewrite leaves alone, or serializer arguments
/// that are not plain strings.
fn serialized_fields<'b>(checker: &Checker<'_>, model: &'b ast::StmtClassDef) -> Option<Vec<&'b str>> {
    let mut fields = Vec::new();
    for stmt in &model.body {
        let Stmt::FunctionDef(function) = stmt else { continue };
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
                    let Expr::StringLiteral(field) = argument else { return None };
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
    std::iter::once(base.clone()).chain((2..).map(|n| format!("{base}_{n}"))).find(|name| !taken(name)).unwrap_or(base)
}

/// `Decimal` → `decimal`, `HttpUrl` → `http_url`, `UUID` → `uuid`.
fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() && i > 0 {
            let previous = chars[i - 1];
            let next_is_lower = chars.get(i + 1).is_some_and(|next| next.is_lowercase());
            if previous.is_lowercase() || previous.is_ascii_digit() || (previous.is_uppercase() && next_is_lower) {
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
fn with_parentheses(checker: &Checker, expr: &Expr, parent: AnyNodeRef) -> TextRange {
    parenthesized_range(expr.into(), parent, checker.tokens()).unwrap_or_else(|| expr.range())
}

/// The lines `range` spans, when nothing but indentation precedes it and nothing but a comma
/// and a comment follows it on its lines: deleting them removes it without a blank line.
fn whole_lines(source: &str, range: TextRange) -> Option<TextRange> {
    let start = source.line_start(range.start());
    let before = &source[TextRange::new(start, range.start())];
    let after = source[TextRange::new(range.end(), source.line_end(range.end()))].trim_start();
    let after = after.strip_prefix(',').unwrap_or(after).trim_start();
    (before.trim().is_empty() && (after.is_empty() || after.starts_with('#'))).then(|| TextRange::new(start, source.full_line_end(range.end())))
}

/// What to delete to remove the statement at `range` from `body`: its lines (see
/// [`whole_lines`]), and when it is the first statement the blank lines after it, so that the
/// block does not start with a blank line.
fn statement_deletion(source: &str, body: &[Stmt], range: TextRange) -> Option<TextRange> {
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
fn element_deletion(source: &str, elements: &[TextRange], index: usize) -> TextRange {
    let element = elements[index];
    if let Some(lines) = whole_lines(source, element) {
        return lines;
    }
    match (elements.get(index + 1), index.checked_sub(1).map(|previous| elements[previous])) {
        (Some(next), _) => TextRange::new(element.start(), next.start()),
        (None, Some(previous)) => TextRange::new(previous.end(), element.end()),
        (None, None) => element,
    }
}

#[cfg(test)]
mod tests {
    use crate::registry::Rule;
    use crate::settings::LinterSettings;
    use crate::test_support::{apply_fixes, assert_fixes_parse, render_source};

    fn settings() -> LinterSettings {
        LinterSettings::for_rules([Rule::DeprecatedJsonEncoders])
    }

    /// Every fix of the fixture, applied together, leaves a module that parses, with the
    /// encoders replaced by serializer methods.
    #[test]
    fn fixed_fixture_parses() {
        let fixed = apply_fixes("pydantic/FAPI503.py", &settings());
        ruff_python_parser::parse_module(&fixed).unwrap_or_else(|err| panic!("{err}\n{fixed}"));
        // `import pydantic` is reused (a fresh `from pydantic import field_serializer` is in
        // `windows_line_endings`).
        for expected in [
            "class Invoice(BaseModel):\n    total: Decimal\n    subtotal: Decimal = Decimal(0)\n    note: str = \"\"\n\n    @pydantic.field_serializer(\"total\", \"subtotal\", when_used=\"json\")\n    def _serialize_decimal(self, value: Decimal):\n        return float(value)\n",
            "class Settings(BaseSettings):\n    model_config = SettingsConfigDict(\n        env_file=\".env\",\n        env_prefix=\"APP_\",\n    )\n",
            "    model_config = CD(frozen=True)  # error: aliased import\n",
            "    model_config = {\"frozen\": True}  # error\n",
            "class AsDict(BaseModel):\n    price: Decimal\n\n    @pydantic.field_serializer(\"price\", when_used=\"json\")\n",
            // The `class Config` at the end of the class goes; the methods come after one blank line.
            "        return self.amount\n\n    @pydantic.field_serializer(\"created_at\", when_used=\"json\")\n    def _serialize_datetime(self, moment: datetime):\n        return moment.strftime(\"%Y\")\n\n    @pydantic.field_serializer(\"amount\", when_used=\"json\")\n    def _serialize_decimal_2(self, value: Decimal):\n        return float(value)\n",
            "    class Config:\n        populate_by_name = True\n\n    amount: Decimal\n",
        ] {
            assert!(fixed.contains(expected), "missing {expected:?} in\n{fixed}");
        }
        assert!(!fixed.contains("the class goes") && !fixed.contains("a line of its own"), "{fixed}");
    }

    /// Each fix on its own also parses.
    #[test]
    fn each_fix_parses() {
        assert_eq!(assert_fixes_parse("pydantic/FAPI503.py", &settings()), 8);
    }

    /// Linting the fixed fixture again offers no more fixes: what is left is what the fix
    /// does not handle.
    #[test]
    fn fixes_settle_in_one_pass() {
        let fixed = apply_fixes("pydantic/FAPI503.py", &settings());
        let diagnostics = crate::lint_source(&fixed, None, &settings());
        assert!(diagnostics.iter().all(|diagnostic| diagnostic.fix.is_none()), "{diagnostics:#?}");
        let original = std::fs::read_to_string(crate::test_support::fixture_path("pydantic/FAPI503.py")).unwrap();
        let unfixable = crate::lint_source(&original, None, &settings()).into_iter().filter(|diagnostic| diagnostic.fix.is_none()).count();
        assert_eq!(diagnostics.len(), unfixable, "{diagnostics:#?}");
    }

    #[test]
    fn windows_line_endings() {
        let source = "from decimal import Decimal\r\n\r\nfrom pydantic import BaseModel, ConfigDict\r\n\r\n\r\nclass Invoice(BaseModel):\r\n    model_config = ConfigDict(frozen=True, json_encoders={Decimal: float})\r\n\r\n    total: Decimal\r\n";
        let rendered = render_source(source, None, "test.py", &settings());
        assert!(rendered.contains("fix (unsafe)"), "{rendered}");
        let fixed = crate::fix::fix_source(source, None, &settings(), true).source;
        assert_eq!(
            fixed,
            "from decimal import Decimal\r\n\r\nfrom pydantic import BaseModel, ConfigDict, field_serializer\r\n\r\n\r\nclass Invoice(BaseModel):\r\n    model_config = ConfigDict(frozen=True)\r\n\r\n    total: Decimal\r\n\r\n    @field_serializer(\"total\", when_used=\"json\")\r\n    def _serialize_decimal(self, value: Decimal):\r\n        return float(value)\r\n"
        );
    }

    /// `model_config` as the class's last statement, at the end of a file without a final line
    /// break: the line goes and the method takes its place after the blank line.
    #[test]
    fn last_statement_at_end_of_file() {
        let source = "from decimal import Decimal\nfrom pydantic import BaseModel, ConfigDict\n\nclass Invoice(BaseModel):\n    total: Decimal\n\n    model_config = ConfigDict(json_encoders={Decimal: lambda amount: f'{amount:.2f}'})";
        let fixed = crate::fix::fix_source(source, None, &settings(), true).source;
        assert_eq!(
            fixed,
            "from decimal import Decimal\nfrom pydantic import BaseModel, ConfigDict, field_serializer\n\nclass Invoice(BaseModel):\n    total: Decimal\n\n    @field_serializer('total', when_used='json')\n    def _serialize_decimal(self, amount: Decimal):\n        return f'{amount:.2f}'\n"
        );
    }

    #[test]
    fn snake_case_names() {
        assert_eq!(super::snake_case("Decimal"), "decimal");
        assert_eq!(super::snake_case("HttpUrl"), "http_url");
        assert_eq!(super::snake_case("UUID"), "uuid");
        assert_eq!(super::snake_case("datetime"), "datetime");
    }
}
