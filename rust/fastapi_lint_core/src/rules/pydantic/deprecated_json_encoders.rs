use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::{Ranged, TextRange};

use super::{enclosing_model, simple_assignment};
use crate::checker::Checker;
use crate::diagnostic::Diagnostic;
use crate::registry::{Rule, rule_docs};

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
    /// There is no fix: which fields use each encoded type, and whether the project wants an
    /// `Annotated` alias or a `field_serializer`, is a design choice the rule cannot make.
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

const KEY: &str = "json_encoders";

/// `json_encoders = {...}` in a model's `class Config`.
pub(super) fn check_config_class(checker: &mut Checker, config: &ast::StmtClassDef) {
    for stmt in &config.body {
        if let ast::Stmt::Assign(assign) = stmt
            && let [Expr::Name(target)] = assign.targets.as_slice()
            && target.id.as_str() == KEY
        {
            report(checker, target.range());
        }
    }
}

/// `ConfigDict(json_encoders=...)`, wherever the call is.
pub(super) fn check_config_dict_call(checker: &mut Checker, call: &ast::ExprCall) {
    let Some(keyword) = call.arguments.find_keyword(KEY) else { return };
    if checker.qualified_name(&call.func).is_some_and(|name| CONFIG_DICTS.contains(&name.as_str())) {
        report(checker, keyword.arg.as_ref().map_or(keyword.range(), Ranged::range));
    }
}

/// `model_config = {"json_encoders": ...}` in a model's body.
pub(super) fn check_model_config_dict(checker: &mut Checker, stmt: &ast::Stmt) {
    let Some(("model_config", Expr::Dict(dict))) = simple_assignment(stmt) else { return };
    if enclosing_model(checker).is_none() {
        return;
    }
    for item in &dict.items {
        if let Some(Expr::StringLiteral(key)) = &item.key
            && key.value.to_str() == KEY
        {
            report(checker, key.range());
        }
    }
}

fn report(checker: &mut Checker, range: TextRange) {
    checker.report(Diagnostic::new(
        Rule::DeprecatedJsonEncoders,
        "`json_encoders` is deprecated in Pydantic v2 and only applies to JSON output; serialize on the field type with `PlainSerializer` in an `Annotated` type or a `@field_serializer`",
        range,
    ));
}
