//! All of AcsDesk's behaviour, with no UI and no Tauri: the desktop shell and the CLI are
//! thin layers over this crate. Its facade is the only place that converts to and from
//! the `acsdesk-types` DTOs.

pub mod about;
pub mod actions;
pub mod alerts;
pub mod charts;
pub mod clock;
pub mod http;
pub mod monitor;
pub mod normalize;
pub mod paths;
pub mod store;
pub mod sync;

#[cfg(test)]
mod testkit;
