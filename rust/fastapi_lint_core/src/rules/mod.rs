//! The rules, one file each, grouped by family.

pub mod blocking;
pub mod fast;
pub mod heavy;
pub mod lifecycle;
pub mod logging;
pub mod noqa;
pub mod production;
pub mod project;
pub mod pydantic;
pub mod responsiveness;
pub mod settings;
pub mod validation;
pub(crate) mod dispatch;
pub(crate) mod imports;
pub(crate) mod name_glob;
pub(crate) mod extra_calls;
