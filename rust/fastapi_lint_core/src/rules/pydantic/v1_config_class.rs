use std::fmt::Write as _;

use ruff_python_ast::token::{Token, TokenKind, parenthesized_range};
use ruff_python_ast::{self as ast, AnyNodeRef, Expr, Stmt};
use ruff_source_file::LineRanges;
use ruff_text_size::{Ranged, TextRange};

use super::{LINE_LENGTH, ModelKind, binds_model_config, simple_assignment};
use crate::checker::Checker;
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::registry::{Rule, rule_docs};
use crate::rules::imports::import_member;

rule_docs! {
    /// ## What it does
    /// Checks for a nested `class Config:` in a Pydantic model: a class that subclasses
    /// `pydantic.BaseModel`, `pydantic_settings.BaseSettings` (or Pydantic v1's
    /// `pydantic.BaseSettings`) or `sqlmodel.SQLModel`, directly or through a class defined in
    /// the same module that does.
    ///
    /// ## Why is this bad?
    /// `class Config` is how Pydantic v1 configured models. Pydantic v2 (which FastAPI uses
    /// since 0.100) deprecates it in favour of a `model_config = ConfigDict(...)` class attribute,
    /// warns about it when the model is defined, and will remove it in v3. Several v1 keys were
    /// also renamed or removed (`orm_mode` is now `from_attributes`, `fields` is gone), which
    /// v2 only reports as warnings. Keeping the project's shared model configuration in the v2
    /// form keeps it working and type-checked (`ConfigDict` is a `TypedDict`).
    ///
    /// Models that subclass `pydantic.v1.BaseModel` are not reported: `class Config` is correct
    /// there. Neither is a `class Config` nested under an `if`/`else` of the class body
    /// (`if PYDANTIC_V2: model_config = ... else: class Config: ...`): that is the v1 branch of
    /// code that supports both major versions on purpose.
    ///
    /// ## Example
    /// ```python
    /// from pydantic import BaseModel
    ///
    ///
    /// class UserOut(BaseModel):
    ///     id: int
    ///
    ///     class Config:
    ///         orm_mode = True
    ///         allow_population_by_field_name = True
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// from pydantic import BaseModel, ConfigDict
    ///
    ///
    /// class UserOut(BaseModel):
    ///     id: int
    ///
    ///     model_config = ConfigDict(from_attributes=True, populate_by_name=True)
    /// ```
    ///
    /// For settings classes, use `model_config = SettingsConfigDict(...)` from
    /// `pydantic_settings`.
    ///
    /// ## Fix safety
    /// The fix replaces the class with `model_config = ConfigDict(...)` (`SettingsConfigDict`
    /// for settings classes) and imports the name. It renames the v1 keys that have a v2
    /// equivalent (`orm_mode` → `from_attributes`, `allow_population_by_field_name` →
    /// `populate_by_name`, `anystr_strip_whitespace` → `str_strip_whitespace`, `anystr_lower` →
    /// `str_to_lower`, `anystr_upper` → `str_to_upper`, `min_anystr_length` → `str_min_length`,
    /// `max_anystr_length` → `str_max_length`, `validate_all` → `validate_default`,
    /// `schema_extra` → `json_schema_extra`, `keep_untouched` → `ignored_types`, and
    /// `allow_mutation = False` → `frozen=True`) and keeps the keys v2 spells the same
    /// (`json_encoders` included: FAPI503 reports it separately).
    ///
    /// The fix is offered only when every statement of the class body is a plain
    /// `name = value` assignment of such a key. It is not offered when the body holds anything
    /// else (methods such as `schema_extra` functions, docstrings, annotations), when a key was
    /// removed in v2 (`fields`, `underscore_attrs_are_private`, `smart_union`,
    /// `copy_on_model_validation`, `json_loads`, `json_dumps`, `getter_dict`, …) or is unknown,
    /// when `allow_mutation` is not a literal boolean, when two keys map to the same v2 key,
    /// when the model already has a `model_config`, or when the model subclasses Pydantic v1's
    /// `pydantic.BaseSettings` (FAPI703 moves that import to `pydantic_settings` first).
    ///
    /// The fix is safe with Pydantic v2 installed. It is marked unsafe when the class contains
    /// comments, since they are dropped. On a project still pinned to Pydantic v1 the rule does
    /// not apply (v1 ignores `model_config`): disable it there.
    ///
    /// ## References
    /// - fastapi-lint practices, 7: "Create a custom Pydantic `BaseModel`" (its shared
    ///   configuration)
    /// - [Pydantic: Migration guide, changes to config](https://docs.pydantic.dev/latest/migration/#changes-to-config)
    /// - [Pydantic: Configuration](https://docs.pydantic.dev/latest/concepts/config/)
    /// - [Pydantic Settings](https://docs.pydantic.dev/latest/concepts/pydantic_settings/)
    pub struct PydanticV1ConfigClass;
}

/// v1 keys that v2 renamed.
const RENAMED_KEYS: &[(&str, &str)] = &[
    ("orm_mode", "from_attributes"),
    ("allow_population_by_field_name", "populate_by_name"),
    ("anystr_strip_whitespace", "str_strip_whitespace"),
    ("anystr_lower", "str_to_lower"),
    ("anystr_upper", "str_to_upper"),
    ("min_anystr_length", "str_min_length"),
    ("max_anystr_length", "str_max_length"),
    ("validate_all", "validate_default"),
    ("schema_extra", "json_schema_extra"),
    ("keep_untouched", "ignored_types"),
];

/// Keys of `pydantic.ConfigDict` that keep their meaning when moved from a v1 `Config`, so
/// copying them is safe (v1 spelled some of them the same; others only exist in v2 but are
/// accepted by v2 in a `class Config` too).
const MODEL_KEYS: &[&str] = &[
    "title",
    "str_to_lower",
    "str_to_upper",
    "str_strip_whitespace",
    "str_min_length",
    "str_max_length",
    "extra",
    "frozen",
    "populate_by_name",
    "use_enum_values",
    "validate_assignment",
    "arbitrary_types_allowed",
    "from_attributes",
    "loc_by_alias",
    "alias_generator",
    "ignored_types",
    "allow_inf_nan",
    "json_schema_extra",
    "json_encoders",
    "strict",
    "revalidate_instances",
    "ser_json_timedelta",
    "ser_json_bytes",
    "ser_json_inf_nan",
    "validate_default",
    "validate_return",
    "protected_namespaces",
    "hide_input_in_errors",
    "defer_build",
    "coerce_numbers_to_str",
    "regex_engine",
    "use_attribute_docstrings",
    "validate_by_alias",
    "validate_by_name",
    "serialize_by_alias",
];

/// Keys `pydantic_settings.SettingsConfigDict` adds, with the meaning v1's settings `Config` had.
const SETTINGS_KEYS: &[&str] = &[
    "case_sensitive",
    "env_prefix",
    "env_file",
    "env_file_encoding",
    "env_nested_delimiter",
    "env_ignore_empty",
    "env_parse_none_str",
    "env_parse_enums",
    "secrets_dir",
];

pub(super) fn check(
    checker: &mut Checker,
    model: &ast::StmtClassDef,
    kind: ModelKind,
    config: &ast::StmtClassDef,
) {
    let (_, config_dict) = kind.config_dict();
    let message = format!(
        "Pydantic v1 `class Config` in {noun} `{model}` is deprecated in Pydantic v2 and removed in v3; use `model_config = {config_dict}(...)`",
        noun = kind.noun(),
        model = model.name.id,
    );
    let diagnostic = Diagnostic::new(Rule::PydanticV1ConfigClass, message, config.name.range());
    let diagnostic = match fix(checker, model, kind, config) {
        Some(fix) => diagnostic.with_fix(
            format!("Replace with `model_config = {config_dict}(...)`"),
            fix,
        ),
        None => diagnostic,
    };
    checker.report(diagnostic);
}

/// The `model_config = ConfigDict(...)` replacement, when every key maps (see the docs).
fn fix(
    checker: &Checker,
    model: &ast::StmtClassDef,
    kind: ModelKind,
    config: &ast::StmtClassDef,
) -> Option<Fix> {
    if kind == ModelKind::V1Settings
        || config.arguments.is_some()
        || !config.decorator_list.is_empty()
        || config.type_params.is_some()
        || model.body.iter().any(binds_model_config)
    {
        return None;
    }
    let mut keywords: Vec<(&str, String)> = Vec::new();
    for stmt in &config.body {
        if stmt.is_pass_stmt() {
            continue;
        }
        let (key, value) = simple_assignment(stmt)?;
        let keyword = v2_keyword(checker, kind, key, value, stmt)?;
        if keywords.iter().any(|(existing, _)| *existing == keyword.0) {
            return None;
        }
        keywords.push(keyword);
    }
    let (module, member) = kind.config_dict();
    let (import, config_dict) = import_member(checker, module, member, config.start()).ok()?;
    let indent = &checker.source()
        [TextRange::new(checker.source().line_start(config.start()), config.start())];
    let mut replacement = render(checker, &config_dict, &keywords, indent);
    // Comments on the `class Config:` line move to the first line of the replacement; comments
    // in the body are dropped, which makes the fix unsafe.
    let header_end = checker.source().line_end(config.name.end());
    let span = TextRange::new(config.start(), checker.source().line_end(config.end()));
    let (header_comments, body_comments): (Vec<&Token>, Vec<&Token>) = checker
        .tokens()
        .iter()
        .filter(|token| token.kind() == TokenKind::Comment && span.contains_range(token.range()))
        .partition(|comment| comment.start() < header_end);
    if !header_comments.is_empty() {
        let trailing: Vec<&str> = header_comments
            .iter()
            .map(|comment| checker.slice(comment.range()))
            .collect();
        let first_line_end = replacement.find(['\r', '\n']).unwrap_or(replacement.len());
        replacement.insert_str(first_line_end, &format!("  {}", trailing.join(" ")));
    }
    let edit = Edit::range_replacement(replacement, config.range());
    Some(if body_comments.is_empty() {
        Fix::safe_edits(edit, [import])
    } else {
        Fix::unsafe_edits(edit, [import])
    })
}

/// The v2 keyword for a v1 `key = value`, as `(name, value source)`; `None` when the key has no
/// v2 equivalent with the same meaning.
fn v2_keyword<'a>(
    checker: &Checker,
    kind: ModelKind,
    key: &'a str,
    value: &Expr,
    stmt: &Stmt,
) -> Option<(&'a str, String)> {
    if key == "allow_mutation" {
        let Expr::BooleanLiteral(literal) = value else {
            return None;
        };
        return Some((
            "frozen",
            if literal.value { "False" } else { "True" }.to_string(),
        ));
    }
    let name = match RENAMED_KEYS.iter().find(|(old, _)| *old == key) {
        Some((_, new)) => *new,
        None if MODEL_KEYS.contains(&key) => key,
        None if kind == ModelKind::Settings && SETTINGS_KEYS.contains(&key) => key,
        None => return None,
    };
    Some((name, keyword_value(checker, value, stmt)))
}

/// The source of a value as it can stand after `key=`: with its own parentheses, and a bare
/// tuple (`A, B`) parenthesized.
fn keyword_value(checker: &Checker, value: &Expr, stmt: &Stmt) -> String {
    if let Some(range) = parenthesized_range(value.into(), AnyNodeRef::from(stmt), checker.tokens())
    {
        return checker.slice(range).to_string();
    }
    let text = checker.slice(value.range());
    match value {
        Expr::Tuple(tuple) if !tuple.parenthesized => format!("({text})"),
        _ => text.to_string(),
    }
}

/// `model_config = ConfigDict(a=1, b=2)` on one line when it fits, else one key per line.
fn render(
    checker: &Checker,
    config_dict: &str,
    keywords: &[(&str, String)],
    indent: &str,
) -> String {
    let arguments: Vec<String> = keywords
        .iter()
        .map(|(key, value)| format!("{key}={value}"))
        .collect();
    let one_line = format!("model_config = {config_dict}({})", arguments.join(", "));
    if indent.len() + one_line.len() <= LINE_LENGTH && !one_line.contains('\n') {
        return one_line;
    }
    let newline = checker.stylist().line_ending().as_str();
    let inner = format!("{indent}{}", checker.stylist().indentation().as_str());
    let mut out = format!("model_config = {config_dict}({newline}");
    for argument in &arguments {
        let _ = write!(out, "{inner}{argument},{newline}");
    }
    let _ = write!(out, "{indent})");
    out
}

#[cfg(test)]
mod tests {
    use crate::registry::Rule;
    use crate::settings::LinterSettings;
    use crate::test_support::{apply_fixes, render_source};

    /// Every fix of the fixture, applied together, leaves a module that parses.
    #[test]
    fn fixed_fixture_parses() {
        let fixed = apply_fixes(
            "pydantic/FAPI502.py",
            &LinterSettings::for_rules([Rule::PydanticV1ConfigClass]),
        );
        assert!(fixed.contains("model_config = pydantic.ConfigDict(from_attributes=True, populate_by_name=True)  # error"), "{fixed}");
        ruff_python_parser::parse_module(&fixed).unwrap_or_else(|err| panic!("{err}\n{fixed}"));
    }

    #[test]
    fn windows_line_endings() {
        let source = "from pydantic import BaseModel\r\n\r\nclass User(BaseModel):\r\n    class Config:  # note\r\n        orm_mode = True  # why\r\n\r\nx = 1\r\n";
        let rendered = render_source(
            source,
            None,
            "test.py",
            &LinterSettings::for_rules([Rule::PydanticV1ConfigClass]),
        );
        assert!(
            rendered.contains("fix (unsafe)")
                && rendered.contains("model_config = ConfigDict(from_attributes=True)  # note"),
            "{rendered}"
        );
    }
}
