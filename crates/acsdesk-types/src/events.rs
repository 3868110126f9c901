//! Events the backend pushes to the UI (the UI never polls in a loop): their names and
//! payloads, in one place so both sides agree.

use serde::{Deserialize, Serialize};

/// Event name: sync progress of one ACS connection ([`SyncProgressEvent`]).
pub const SYNC_PROGRESS: &str = "sync-progress";
/// Event name: devices changed in the store ([`DevicesChangedEvent`]).
pub const DEVICES_CHANGED: &str = "devices-changed";
/// Event name: an ACS connection's health changed ([`AcsHealthEvent`]).
pub const ACS_HEALTH: &str = "acs-health";
/// Event name: an action moved ([`ActionProgressEvent`]).
pub const ACTION_PROGRESS: &str = "action-progress";
/// Event name: the open-alert count changed ([`AlertsChangedEvent`]).
pub const ALERTS_CHANGED: &str = "alerts-changed";
/// Event name: a notification was clicked and asks to open a device (the device id).
pub const OPEN_DEVICE: &str = "open-device";

/// A firmware image is being sent to GenieACS: [`crate::firmware::UploadProgressEvent`].
pub const UPLOAD_PROGRESS: &str = "upload-progress";

/// An update being downloaded and installed: [`crate::UpdateProgressEvent`].
pub const UPDATE_PROGRESS: &str = "update-progress";

/// Every event name, for the capability file and tests.
pub const ALL: &[&str] = &[
    SYNC_PROGRESS,
    DEVICES_CHANGED,
    ACS_HEALTH,
    ACTION_PROGRESS,
    ALERTS_CHANGED,
    OPEN_DEVICE,
    UPLOAD_PROGRESS,
    UPDATE_PROGRESS,
];

/// The open-alert count changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertsChangedEvent {
    /// Alerts not yet resolved.
    pub open: u64,
}

/// A sync is running.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncProgressEvent {
    /// ACS connection name.
    pub acs: String,
    /// Whether it is a full sync.
    pub full: bool,
    /// Devices done.
    pub done: u64,
    /// Devices to do.
    pub total: u64,
    /// Whether it has finished.
    pub finished: bool,
}

/// Devices changed: the list should refresh what it shows, keeping its scroll position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevicesChangedEvent {
    /// ACS connection name.
    pub acs: String,
    /// How many devices changed.
    pub changed: u64,
}

/// The health of an ACS connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcsHealthEvent {
    /// ACS connection name.
    pub acs: String,
    /// How the connection is.
    pub state: crate::HealthState,
    /// Since when (Unix ms), when known.
    pub since_ms: Option<i64>,
    /// The last error, for people.
    pub error: Option<String>,
}

/// An action moved in its lifecycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionProgressEvent {
    /// Action id.
    pub id: i64,
    /// GenieACS device id.
    pub device: String,
    /// Where it stands now.
    pub status: crate::ActionStatus,
    /// A sentence on what happened (the fault, the proof, …).
    pub detail: Option<String>,
    /// Where a sent action is on its way.
    #[serde(default)]
    pub stage: Option<crate::actions::ActionStage>,
}

/// Payload of `open-device`: a notification about this device was clicked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenDeviceEvent {
    /// GenieACS id.
    pub device: String,
}
