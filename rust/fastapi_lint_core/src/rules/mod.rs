//! The rules, one file each, grouped by family.

pub mod blocking;
pub(crate) mod dispatch;
pub mod fast;
pub mod noqa;
