//! Ruff's FastAPI rules (FAST001–FAST003), reproducing Ruff 0.16.4's behaviour.

pub mod non_annotated_dependency;
pub mod redundant_response_model;
pub mod unused_path_parameter;
