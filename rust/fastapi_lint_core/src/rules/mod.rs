//! The rules, one file each, grouped by family.

pub mod blocking;
pub(crate) mod dispatch;
pub(crate) mod extra_calls;
pub mod fast;
pub mod heavy;
pub(crate) mod imports;
pub mod lifecycle;
pub mod logging;
pub(crate) mod name_glob;
pub mod noqa;
pub mod production;
pub mod pydantic;
pub mod responsiveness;
pub mod settings;
pub mod validation;
