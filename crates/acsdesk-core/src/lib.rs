//! AcsDesk's behaviour beneath the application layer, with no UI, no Tauri and no
//! sessions: the encrypted store, sync, actions and their worker, alerts, monitoring.
//! Normalisation and charts are crates of their own (`acsdesk-normalize`,
//! `acsdesk-charts`), re-exported here under their old paths. `acsdesk-app` calls this
//! crate and converts to and from the `acsdesk-types` DTOs.

pub mod about;
pub mod actions;
pub mod alerts;
pub mod clock;
pub mod firmware;
pub mod http;
pub mod monitor;
pub mod paths;
pub mod provisioning;
pub mod rollouts;
pub mod store;
pub mod subscribers;
pub mod sync;
pub mod updates;

#[cfg(test)]
mod testkit;

/// The charts likewise (`acsdesk_core::charts`).
pub use acsdesk_charts as charts;
/// Normalisation lives in its own crate (it needs nothing of the rest); the core's
/// modules and its users keep reaching it as `acsdesk_core::normalize`.
pub use acsdesk_normalize as normalize;
