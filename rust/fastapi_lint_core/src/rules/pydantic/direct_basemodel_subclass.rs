use ruff_python_ast as ast;
use ruff_text_size::Ranged;

use super::{configures_model, declares_fields};
use crate::checker::Checker;
use crate::diagnostic::Diagnostic;
use crate::project::FileFacts;
use crate::project::names::module_name_or_main;
use crate::registry::{Rule, rule_docs};
use crate::semantic::ScopeId;

rule_docs! {
    /// ## What it does
    /// Checks for Pydantic models that subclass `pydantic.BaseModel` directly in a package whose
    /// models use a base model of their own by convention.
    ///
    /// The convention is a class of the package (its top-level package: `app` for
    /// `app.schemas.users`) that subclasses `BaseModel` directly, configures the models
    /// (`model_config` or `class Config`) and declares no fields of its own, which at least
    /// five of the package's models subclass, against at most a quarter as many that subclass
    /// `BaseModel` directly. A base a few models share for a purpose of their own (a layer's,
    /// a parser's) is no convention, and neither is a package where models subclass
    /// `BaseModel` on purpose: the rule is silent there.
    ///
    /// Not reported: models that declare no fields (a marker, a namespace of methods), and
    /// models that set their own configuration, which subclass `BaseModel` to be configured
    /// otherwise.
    ///
    /// ## Why is this bad?
    /// A custom base model is where a project keeps what all of its schemas share: datetime
    /// serialization, `from_attributes`, `populate_by_name`, extra-field policy, common
    /// methods. A model that bypasses it quietly behaves differently from every other one
    /// (a timestamp serialized in another format, aliases not accepted), which clients only
    /// notice in production.
    ///
    /// ## Example
    /// ```python
    /// # app/schemas/base.py
    /// from pydantic import BaseModel, ConfigDict
    ///
    ///
    /// class CustomModel(BaseModel):
    ///     model_config = ConfigDict(from_attributes=True, populate_by_name=True)
    ///
    ///
    /// # app/schemas/users.py
    /// from pydantic import BaseModel
    ///
    ///
    /// class UserOut(BaseModel):
    ///     id: int
    ///     name: str
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// # app/schemas/users.py
    /// from app.schemas.base import CustomModel
    ///
    ///
    /// class UserOut(CustomModel):
    ///     id: int
    ///     name: str
    /// ```
    ///
    /// ## References
    /// - fastapi-lint practices, 7: "Create a custom Pydantic `BaseModel`"
    /// - [Pydantic: Model config](https://docs.pydantic.dev/latest/concepts/config/)
    pub struct DirectBasemodelSubclass;
}

const BASE_MODEL: &[&str] = &["pydantic.BaseModel", "pydantic.main.BaseModel"];

/// Reports a module-level class that subclasses `BaseModel` directly and is not itself one of
/// the project's base models.
pub(super) fn check(checker: &mut Checker, class: &ast::StmtClassDef, facts: &FileFacts) {
    if checker.scope() != ScopeId::MODULE {
        return;
    }
    let own_name = format!(
        "{}.{}",
        module_name_or_main(checker.semantic()),
        class.name.as_str()
    );
    let Some(convention) = &facts.base_model else {
        return;
    };
    // A field-less class (a marker, a namespace of methods) has nothing for a shared
    // configuration to act on; a class that configures itself subclasses `BaseModel` on
    // purpose, to be configured otherwise.
    let scope = checker
        .semantic()
        .class_scope(class)
        .unwrap_or(ScopeId::MODULE);
    if convention.name == own_name
        || !declares_fields(checker.semantic(), &class.body, scope)
        || configures_model(&class.body)
    {
        return;
    }
    let Some(base) = class.bases().iter().find(|base| {
        checker
            .semantic()
            .resolves_to(base, ScopeId::MODULE, BASE_MODEL)
    }) else {
        return;
    };
    let project_base = &convention.name;
    let short = project_base.rsplit('.').next().unwrap_or(project_base);
    let message = format!(
        "`{name}` subclasses `BaseModel` directly, while {users} of the package's {models} models subclass its base model `{project_base}`; it misses the configuration they share, subclass `{short}` instead",
        name = class.name.as_str(),
        users = convention.users,
        models = convention.models,
    );
    checker.report(Diagnostic::new(
        Rule::DirectBasemodelSubclass,
        message,
        base.range(),
    ));
}
