use ruff_python_ast::{self as ast, AnyNodeRef, ArgOrKeyword, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use super::json_encoders_fix::{element_deletion, fix, statement_deletion, with_parentheses};
use super::{enclosing_model, simple_assignment};
use crate::checker::Checker;
use crate::diagnostic::{Diagnostic, Edit, Fix};
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
    /// - fastapi-lint practices, 7: "Create a custom Pydantic `BaseModel`" (its `json_encoders`
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

/// `json_encoders = {...}` in `model`'s `class Config`.
pub(super) fn check_config_class(
    checker: &mut Checker,
    model: &ast::StmtClassDef,
    config: &ast::StmtClassDef,
) {
    for stmt in &config.body {
        if let Stmt::Assign(assign) = stmt
            && let [Expr::Name(target)] = assign.targets.as_slice()
            && target.id.as_str() == KEY
        {
            // The line goes, or the whole `class Config` when nothing else is left in it.
            let alone = config
                .body
                .iter()
                .all(|other| other.range() == stmt.range());
            let removed = if alone {
                statement_deletion(checker.source(), &model.body, config.range())
            } else {
                statement_deletion(checker.source(), &config.body, stmt.range())
            };
            let fix = removed.and_then(|removed| {
                fix(
                    checker,
                    model,
                    Some(config),
                    &assign.value,
                    Edit::range_deletion(removed),
                )
            });
            report(checker, target.range(), fix);
        }
    }
}

/// `ConfigDict(json_encoders=...)`, wherever the call is.
pub(super) fn check_config_dict_call(checker: &mut Checker, call: &ast::ExprCall) {
    let Some(keyword) = call.arguments.find_keyword(KEY) else {
        return;
    };
    if !checker
        .qualified_name(&call.func)
        .is_some_and(|name| CONFIG_DICTS.contains(&name.as_str()))
    {
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
                    ArgOrKeyword::Keyword(keyword) => keyword.range().cover(with_parentheses(
                        checker,
                        &keyword.value,
                        AnyNodeRef::from(keyword),
                    )),
                })
                .collect();
            let index = elements
                .iter()
                .position(|element| element.contains_range(keyword.range()))?;
            element_deletion(source, &elements, index)
        };
        fix(
            checker,
            model,
            None,
            &keyword.value,
            Edit::range_deletion(removed),
        )
    });
    report(
        checker,
        keyword.arg.as_ref().map_or(keyword.range(), Ranged::range),
        fix,
    );
}

/// `model_config = {"json_encoders": ...}` in a model's body.
pub(super) fn check_model_config_dict(checker: &mut Checker, stmt: &Stmt) {
    let Some(("model_config", Expr::Dict(dict))) = simple_assignment(stmt) else {
        return;
    };
    if enclosing_model(checker).is_none() {
        return;
    }
    let is_key = |item: &ast::DictItem| matches!(&item.key, Some(Expr::StringLiteral(key)) if key.value.to_str() == KEY);
    for (index, item) in dict.items.iter().enumerate() {
        let Some(key) = item.key.as_ref().filter(|_| is_key(item)) else {
            continue;
        };
        let fix = model_config_statement(checker, dict.range()).and_then(|(model, stmt)| {
            // `**base` entries would need their `**` found; a repeated key, two fixes.
            if dict.items.iter().any(|item| item.key.is_none())
                || dict.items.iter().filter(|item| is_key(item)).count() > 1
            {
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
                    .filter_map(|item| {
                        Some(
                            with_parentheses(checker, item.key.as_ref()?, parent)
                                .cover(with_parentheses(checker, &item.value, parent)),
                        )
                    })
                    .collect();
                element_deletion(source, &elements, index)
            };
            fix(
                checker,
                model,
                None,
                &item.value,
                Edit::range_deletion(removed),
            )
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
        Some(fix) => diagnostic.with_fix(
            "Replace `json_encoders` with `@field_serializer` methods",
            fix,
        ),
        None => diagnostic,
    });
}

/// The model whose body holds `model_config = <value>` as one of its own statements (not under
/// an `if`), with that statement. `value` is the range of the configuration expression.
fn model_config_statement<'a>(
    checker: &Checker<'a>,
    value: TextRange,
) -> Option<(&'a ast::StmtClassDef, &'a Stmt)> {
    let (model, _) = enclosing_model(checker)?;
    let stmt = model.body.iter().find(|stmt| matches!(simple_assignment(stmt), Some(("model_config", config)) if config.range() == value))?;
    Some((model, stmt))
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
        assert!(
            !fixed.contains("the class goes") && !fixed.contains("a line of its own"),
            "{fixed}"
        );
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
        let diagnostics = crate::test_support::diagnostics(&fixed, None, &settings());
        assert!(
            diagnostics
                .iter()
                .all(|diagnostic| diagnostic.fix.is_none()),
            "{diagnostics:#?}"
        );
        let original =
            std::fs::read_to_string(crate::test_support::fixture_path("pydantic/FAPI503.py"))
                .unwrap();
        let unfixable = crate::test_support::diagnostics(&original, None, &settings())
            .into_iter()
            .filter(|diagnostic| diagnostic.fix.is_none())
            .count();
        assert_eq!(diagnostics.len(), unfixable, "{diagnostics:#?}");
    }

    #[test]
    fn windows_line_endings() {
        let source = "from decimal import Decimal\r\n\r\nfrom pydantic import BaseModel, ConfigDict\r\n\r\n\r\nclass Invoice(BaseModel):\r\n    model_config = ConfigDict(frozen=True, json_encoders={Decimal: float})\r\n\r\n    total: Decimal\r\n";
        let rendered = render_source(source, None, "test.py", &settings());
        assert!(rendered.contains("fix (unsafe)"), "{rendered}");
        let fixed = crate::fix::fix_source(
            source,
            &crate::test_support::fixture_context(None, source),
            &settings(),
            true,
        )
        .source;
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
        let fixed = crate::fix::fix_source(
            source,
            &crate::test_support::fixture_context(None, source),
            &settings(),
            true,
        )
        .source;
        assert_eq!(
            fixed,
            "from decimal import Decimal\nfrom pydantic import BaseModel, ConfigDict, field_serializer\n\nclass Invoice(BaseModel):\n    total: Decimal\n\n    @field_serializer('total', when_used='json')\n    def _serialize_decimal(self, amount: Decimal):\n        return f'{amount:.2f}'\n"
        );
    }
}
