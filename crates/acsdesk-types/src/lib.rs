//! The contract between the UI (wasm) and the backend (native): one request and one
//! response type per command, the command names, and the error that crosses IPC.
//!
//! This crate depends on `serde` only and builds for `wasm32-unknown-unknown` and native
//! targets alike. It imports no other crate of ours.

pub mod about;
pub mod actions;
pub mod alerts;
pub mod commands;
pub mod devices;
pub mod error;
pub mod events;
pub mod input;
pub mod settings;

pub use about::{AboutInfo, GetAboutRequest};
pub use error::{ErrorCode, IpcError};
