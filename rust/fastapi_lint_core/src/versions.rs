//! Which Pydantic the project runs: the rules whose advice and fixes hold for one major version
//! only (`class Config` is right in Pydantic 1 and deprecated in 2) are silent unless the
//! project's version is known to be theirs ([`crate::registry::Rule::pydantic`]).
//!
//! The version comes from the project's metadata (lock files, `pyproject.toml`, requirements;
//! the CLI reads them: [`crate::linter::FileContext::pydantic`]) or a setting, and otherwise
//! from the file's own imports of names only one major version has.

use std::fmt;

use crate::semantic::SemanticModel;

/// A Pydantic major version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PydanticMajor {
    V1,
    V2,
}

impl PydanticMajor {
    pub fn from_number(major: u8) -> Option<Self> {
        match major {
            1 => Some(Self::V1),
            2 => Some(Self::V2),
            _ => None,
        }
    }

    pub const fn number(self) -> u8 {
        match self {
            Self::V1 => 1,
            Self::V2 => 2,
        }
    }
}

impl fmt::Display for PydanticMajor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pydantic {}", self.number())
    }
}

/// The Pydantic version a project declares, with where it was read (`` `pydantic==1.10.13` in
/// requirements.txt ``).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DeclaredPydantic {
    pub major: PydanticMajor,
    pub evidence: String,
}

/// Names only Pydantic 2 has: importing one proves the file runs Pydantic 2.
const V2_ONLY: &[&str] = &[
    "pydantic_settings",
    "pydantic.v1",
    "pydantic.ConfigDict",
    "pydantic.field_validator",
    "pydantic.model_validator",
    "pydantic.field_serializer",
    "pydantic.model_serializer",
    "pydantic.computed_field",
    "pydantic.RootModel",
    "pydantic.TypeAdapter",
];

/// Names only Pydantic 1 has at the top level: importing one proves Pydantic 1 (under 2 the
/// import fails).
const V1_ONLY: &[&str] = &["pydantic.BaseSettings", "pydantic.generics"];

/// What the file's own imports prove of its Pydantic version.
pub(crate) fn imported_version(semantic: &SemanticModel) -> Option<PydanticMajor> {
    if V2_ONLY.iter().any(|name| semantic.imports_module(name)) {
        return Some(PydanticMajor::V2);
    }
    V1_ONLY
        .iter()
        .any(|name| semantic.imports_module(name))
        .then_some(PydanticMajor::V1)
}
