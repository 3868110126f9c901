//! The contract between the UI (wasm) and the backend (native): one request and one
//! response type per command, the command names, and the error that crosses IPC.
//!
//! This crate depends on `serde` and `acsdesk-time` only and builds for
//! `wasm32-unknown-unknown` and native targets alike. The closed sets of states (action
//! status, connection health, alert state) are typed enums in [`states`].

pub mod about;
pub mod actions;
pub mod alerts;
pub mod commands;
pub mod devices;
pub mod diagnostics;
pub mod error;
pub mod events;
pub mod firmware;
pub mod input;
pub mod provisioning;
pub mod report;
pub mod secret;
pub mod settings;
pub mod states;
pub mod subscribers;

pub use about::{
    AboutInfo, AvailableUpdate, CheckUpdateRequest, GetAboutRequest, InstallUpdateRequest,
    UpdateProgressEvent, UpdateStatus,
};
pub use error::{ErrorCode, IpcError};
pub use states::{
    ActionStatus, AlertKind, AlertState, BandChoice, ChannelKind, DiagnosticKind, HealthState,
    LogGroup, LogLevel, MaintenanceScope, Metric, Monitored, ProvisionMode, RouterProblem,
    Severity, WifiBand,
};
