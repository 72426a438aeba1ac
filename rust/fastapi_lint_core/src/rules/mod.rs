//! The rules, one file each, grouped by family.

pub mod blocking;
pub mod fast;
pub mod heavy;
mod importer;
pub mod lifecycle;
pub mod logging;
pub mod noqa;
pub mod production;
pub mod pydantic;
pub mod responsiveness;
pub mod settings;
pub mod validation;
pub(crate) mod dispatch;
