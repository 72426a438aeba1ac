use ruff_python_ast as ast;
use ruff_text_size::Ranged;

use crate::checker::Checker;
use crate::diagnostic::Diagnostic;
use crate::project::FileFacts;
use crate::project::names::module_name_or_main;
use crate::registry::{Rule, rule_docs};
use crate::semantic::ScopeId;

rule_docs! {
    /// ## What it does
    /// Checks for Pydantic models that subclass `pydantic.BaseModel` directly in a project that
    /// has its own base model.
    ///
    /// The project's base model is found anywhere in the project: a direct `BaseModel` subclass
    /// that declares no fields of its own (only `model_config`, validators, serializers or
    /// methods) and that at least two models of the project extend. Without such a class the
    /// rule is silent.
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
    if facts.base_models.contains(&own_name) {
        return;
    }
    let Some(base) = class.bases().iter().find(|base| {
        checker
            .semantic()
            .resolves_to(base, ScopeId::MODULE, BASE_MODEL)
    }) else {
        return;
    };
    let project_base = &facts.base_models[0];
    let short = project_base.rsplit('.').next().unwrap_or(project_base);
    let message = format!(
        "`{name}` subclasses `BaseModel` directly although the project has its own base model `{project_base}`; it misses the configuration all other models share, subclass `{short}` instead",
        name = class.name.as_str(),
    );
    checker.report(Diagnostic::new(
        Rule::DirectBasemodelSubclass,
        message,
        base.range(),
    ));
}
