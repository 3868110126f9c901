//! Reusable components shared by pages.

pub(crate) mod actions;
pub(crate) mod backups;
pub(crate) mod bulk;
pub(crate) mod channels;
pub(crate) mod health;
pub(crate) mod maintenance;
pub(crate) mod nav;
pub(crate) mod parameters;
pub(crate) mod provisioning;
pub(crate) mod unlock;
