//! One module per page of the app.

pub(crate) mod about;
pub(crate) mod alerts;
pub(crate) mod device;
pub(crate) mod devices;
pub(crate) mod firmware;
pub(crate) mod report;
pub(crate) mod settings;
pub(crate) mod subscribers;
pub(crate) mod welcome;
