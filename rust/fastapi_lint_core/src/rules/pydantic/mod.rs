//! FAPI502–FAPI504: Pydantic models and response models.
//!
//! FAPI502 and FAPI503 look at model classes: a class is a model when one of its bases resolves
//! to Pydantic's `BaseModel` (or `BaseSettings`, `SQLModel`'s `SQLModel`), directly or through a
//! class defined in the same module that does. FAPI504 looks at routes.

pub mod deprecated_json_encoders;
pub mod direct_basemodel_subclass;
mod json_encoders_fix;
pub mod response_model_built_by_hand;
pub mod v1_config_class;

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::Ranged;

use crate::checker::{Checker, Frame};
use crate::registry::{Rule, RuleSet};
use crate::semantic::{ScopeId, SemanticModel};

/// The rules of the models-and-validation family (their codes start with `FAPI5`; this module
/// checks some of them), for dispatch.
pub(crate) const RULES: RuleSet = RuleSet::with_code_prefix("FAPI5");

/// Pydantic v2 model bases whose configuration is a `ConfigDict`. `pydantic.v1.BaseModel` is
/// deliberately absent: `class Config` is the right spelling there.
const MODEL_BASES: &[&str] = &[
    "pydantic.BaseModel",
    "pydantic.main.BaseModel",
    "pydantic.RootModel",
    "pydantic.root_model.RootModel",
    "sqlmodel.SQLModel",
    "sqlmodel.main.SQLModel",
];
/// `pydantic-settings` bases, configured with a `SettingsConfigDict`.
const SETTINGS_BASES: &[&str] = &[
    "pydantic_settings.BaseSettings",
    "pydantic_settings.main.BaseSettings",
];
/// Pydantic v1's own `BaseSettings`, which Pydantic v2 moved to `pydantic-settings` (FAPI703).
const V1_SETTINGS_BASES: &[&str] = &[
    "pydantic.BaseSettings",
    "pydantic.env_settings.BaseSettings",
];

/// The most characters a line written by a fix may take before the fix wraps it (Ruff's
/// default line length).
pub(super) const LINE_LENGTH: usize = 88;

/// Whether a qualified name is one of Pydantic's (or `SQLModel`'s, pydantic-settings') own model
/// classes, rather than a project's subclass of one.
pub(crate) fn is_pydantic_base(name: &str) -> bool {
    MODEL_BASES.contains(&name) || SETTINGS_BASES.contains(&name)
}

/// What kind of Pydantic class a class is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ModelKind {
    Model,
    /// A `pydantic_settings.BaseSettings` subclass.
    Settings,
    /// A subclass of Pydantic v1's `pydantic.BaseSettings`.
    V1Settings,
}

impl ModelKind {
    /// The v2 configuration type: `(module, name)`.
    pub(crate) const fn config_dict(self) -> (&'static str, &'static str) {
        match self {
            ModelKind::Model => ("pydantic", "ConfigDict"),
            ModelKind::Settings | ModelKind::V1Settings => {
                ("pydantic_settings", "SettingsConfigDict")
            }
        }
    }

    /// How messages name the class: "model" or "settings class".
    pub(crate) const fn noun(self) -> &'static str {
        match self {
            ModelKind::Model => "model",
            ModelKind::Settings | ModelKind::V1Settings => "settings class",
        }
    }
}

/// The kind of Pydantic class `class` is, when its bases prove it. `scope` is where the class
/// statement is (its bases are evaluated there). Settings win over models when both appear.
pub(crate) fn model_kind(
    semantic: &SemanticModel,
    class: &ast::StmtClassDef,
    scope: ScopeId,
) -> Option<ModelKind> {
    let ancestors = semantic.external_ancestors(class, scope);
    let has = |bases: &[&str]| ancestors.iter().any(|name| bases.contains(&name.as_str()));
    if has(SETTINGS_BASES) {
        Some(ModelKind::Settings)
    } else if has(V1_SETTINGS_BASES) {
        Some(ModelKind::V1Settings)
    } else if has(MODEL_BASES) {
        Some(ModelKind::Model)
    } else {
        None
    }
}

/// The Pydantic class whose body the checker is in, with its kind.
pub(crate) fn enclosing_model<'a>(
    checker: &Checker<'a>,
) -> Option<(&'a ast::StmtClassDef, ModelKind)> {
    let Some(Frame::Class(class)) = checker.innermost_frame() else {
        return None;
    };
    // The checker is in the class's own scope; its bases were evaluated in the parent scope.
    let scope = checker.semantic().scope(checker.scope()).parent?;
    Some((class, model_kind(checker.semantic(), class, scope)?))
}

/// Called for every statement when a rule of this family is enabled.
pub(crate) fn check_stmt(checker: &mut Checker, stmt: &Stmt) {
    if let Stmt::ClassDef(class) = stmt
        && checker.facts().base_model.is_some()
        && checker.is_enabled(Rule::DirectBasemodelSubclass)
    {
        direct_basemodel_subclass::check(checker, class, checker.facts());
    }
    match stmt {
        Stmt::ClassDef(class) if class.name.id.as_str() == "Config" => {
            let Some((model, kind)) = enclosing_model(checker) else {
                return;
            };
            // A `Config` under `if PYDANTIC_V2: ... else:` in the class body is the v1 branch
            // of code that supports both versions on purpose.
            if !model
                .body
                .iter()
                .any(|member| member.range() == class.range())
            {
                return;
            }
            if checker.is_enabled(Rule::PydanticV1ConfigClass) {
                v1_config_class::check(checker, model, kind, class);
            }
            if checker.is_enabled(Rule::DeprecatedJsonEncoders) {
                deprecated_json_encoders::check_config_class(checker, model, class);
            }
        }
        Stmt::Assign(_) if checker.is_enabled(Rule::DeprecatedJsonEncoders) => {
            deprecated_json_encoders::check_model_config_dict(checker, stmt);
        }
        Stmt::FunctionDef(function) if checker.is_enabled(Rule::ResponseModelBuiltByHand) => {
            response_model_built_by_hand::check(checker, function);
        }
        _ => {}
    }
}

/// Called for every expression when a rule of this family is enabled.
pub(crate) fn check_expr(checker: &mut Checker, expr: &Expr) {
    if let Expr::Call(call) = expr
        && checker.is_enabled(Rule::DeprecatedJsonEncoders)
    {
        deprecated_json_encoders::check_config_dict_call(checker, call);
    }
}

/// Whether a statement of a model's body binds `model_config`.
pub(crate) fn binds_model_config(stmt: &Stmt) -> bool {
    let is_config =
        |target: &Expr| matches!(target, Expr::Name(name) if name.id.as_str() == "model_config");
    match stmt {
        Stmt::Assign(assign) => assign.targets.iter().any(is_config),
        Stmt::AnnAssign(assign) => is_config(&assign.target),
        _ => false,
    }
}

/// Whether a class body configures the model: `model_config = ...` or a `class Config:`.
pub(crate) fn configures_model(body: &[Stmt]) -> bool {
    body.iter().any(|stmt| {
        binds_model_config(stmt)
            || matches!(stmt, Stmt::ClassDef(inner) if inner.name.as_str() == "Config")
    })
}

/// Whether a class body declares a field: an annotated name other than `model_config` that is
/// not a `ClassVar` (`scope` is the class's own).
pub(crate) fn declares_fields(semantic: &SemanticModel, body: &[Stmt], scope: ScopeId) -> bool {
    body.iter().any(|stmt| match stmt {
        Stmt::AnnAssign(assign) if !binds_model_config(stmt) => {
            let annotation = match assign.annotation.as_ref() {
                Expr::Subscript(subscript) => &subscript.value,
                annotation => annotation,
            };
            !semantic.resolves_to(
                annotation,
                scope,
                &["typing.ClassVar", "typing_extensions.ClassVar"],
            )
        }
        _ => false,
    })
}

/// The name a simple `name = value` statement binds, with the value.
pub(crate) fn simple_assignment(stmt: &Stmt) -> Option<(&str, &Expr)> {
    let Stmt::Assign(assign) = stmt else {
        return None;
    };
    let [Expr::Name(target)] = assign.targets.as_slice() else {
        return None;
    };
    Some((target.id.as_str(), &assign.value))
}

#[cfg(test)]
mod tests {
    use crate::registry::Rule;
    use crate::settings::LinterSettings;
    use crate::test_support::assert_fixture;

    #[test]
    fn fapi502() {
        assert_fixture!(
            "pydantic/FAPI502.py",
            LinterSettings::for_rules([Rule::PydanticV1ConfigClass])
        );
    }

    #[test]
    fn fapi503() {
        assert_fixture!(
            "pydantic/FAPI503.py",
            LinterSettings::for_rules([Rule::DeprecatedJsonEncoders])
        );
    }

    #[test]
    fn fapi504() {
        assert_fixture!(
            "pydantic/FAPI504.py",
            LinterSettings::for_rules([Rule::ResponseModelBuiltByHand])
        );
    }

    /// The codes a fixture reports when linted in a project of this Pydantic version
    /// (`None`: unknown).
    fn codes_under(fixture: &str, major: Option<u8>) -> Vec<&'static str> {
        let path = crate::test_support::fixture_path(fixture);
        let source = std::fs::read_to_string(&path).unwrap();
        let context = crate::FileContext {
            pydantic: major
                .and_then(crate::PydanticMajor::from_number)
                .map(|major| {
                    std::sync::Arc::new(crate::DeclaredPydantic {
                        major,
                        evidence: "test".to_string(),
                    })
                }),
            ..crate::FileContext::of_path(Some(&path))
        };
        let mut codes: Vec<&str> = crate::lint(&source, &context, &LinterSettings::default())
            .diagnostics
            .iter()
            .map(|diagnostic| diagnostic.kind.code())
            .filter(|code| code.starts_with("FAPI50") || *code == "FAPI703")
            .collect();
        codes.dedup();
        codes
    }

    #[test]
    fn advice_for_one_pydantic_version_is_given_only_to_projects_of_that_version() {
        // Pydantic 2 deprecations: silent for Pydantic 1 projects (what the project declares
        // wins over the file's own imports).
        for fixture in [
            "pydantic/FAPI502.py",
            "pydantic/FAPI503.py",
            "settings/FAPI703.py",
        ] {
            assert!(
                !codes_under(fixture, Some(2)).is_empty(),
                "{fixture} under Pydantic 2"
            );
            assert_eq!(
                codes_under(fixture, Some(1)),
                Vec::<&str>::new(),
                "{fixture} under Pydantic 1"
            );
        }
        // FAPI504's premise holds only on Pydantic 1.
        assert_eq!(codes_under("pydantic/FAPI504.py", Some(1)), ["FAPI504"]);
        assert_eq!(
            codes_under("pydantic/FAPI504.py", Some(2)),
            Vec::<&str>::new()
        );
        assert_eq!(codes_under("pydantic/FAPI504.py", None), Vec::<&str>::new());
    }

    #[test]
    fn a_file_that_imports_what_only_one_version_has_proves_its_version() {
        let v2 = "from pydantic import BaseModel, field_validator\n\nclass User(BaseModel):\n    class Config:\n        frozen = True\n";
        let v1 = "from pydantic import BaseModel, BaseSettings\n\nclass User(BaseModel):\n    class Config:\n        frozen = True\n";
        let codes = |source: &str| -> Vec<&'static str> {
            crate::lint(
                source,
                &crate::FileContext::default(),
                &LinterSettings::default(),
            )
            .diagnostics
            .iter()
            .map(|diagnostic| diagnostic.kind.code())
            .filter(|code| code.starts_with("FAPI50") || *code == "FAPI703")
            .collect()
        };
        let unknown = "from pydantic import BaseModel\n\nclass User(BaseModel):\n    class Config:\n        frozen = True\n";
        assert_eq!(codes(v2), ["FAPI502"]);
        assert_eq!(
            codes(v1),
            Vec::<&str>::new(),
            "`from pydantic import BaseSettings` is Pydantic 1"
        );
        assert_eq!(
            codes(unknown),
            Vec::<&str>::new(),
            "nothing proves either version"
        );
    }
}
