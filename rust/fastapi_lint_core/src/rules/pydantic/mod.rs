//! FAPI502–FAPI504: Pydantic models and response models.

pub mod deprecated_json_encoders;
pub mod response_model_built_by_hand;
pub mod v1_config_class;

use ruff_python_ast::{Expr, Stmt};

use crate::checker::Checker;
use crate::registry::Rule;

/// The rules of this family, for dispatch.
pub(crate) const RULES: &[Rule] = &[
    Rule::PydanticV1ConfigClass,
    Rule::DeprecatedJsonEncoders,
    Rule::ResponseModelBuiltByHand,
];

/// Called for every statement when a rule of this family is enabled.
pub(crate) fn check_stmt(_checker: &mut Checker, _stmt: &Stmt) {}

/// Called for every expression when a rule of this family is enabled.
pub(crate) fn check_expr(_checker: &mut Checker, _expr: &Expr) {}
