//! Actions as the UI asks for them and sees them: raw inputs (validated by the backend
//! with the rules of [`crate::input`], which the UI also uses inline) and their progress.

use serde::{Deserialize, Serialize};

/// An action to queue, with raw inputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ActionInput {
    /// Reboot the device.
    Reboot,
    /// Factory reset.
    FactoryReset,
    /// Re-read all parameters.
    Refresh,
    /// A connection request only.
    Summon,
    /// Change WiFi name and/or password.
    ChangeWifi {
        /// `2.4`, `5` or `all`.
        band: String,
        /// New SSID, if changing it.
        ssid: Option<String>,
        /// New password, if changing it.
        passphrase: Option<String>,
    },
    /// Change PPPoE credentials.
    ChangePppoe {
        /// New username.
        username: String,
        /// New password.
        password: String,
    },
    /// Install a firmware file already in GenieACS.
    UpdateFirmware {
        /// The GenieACS file name.
        file: String,
    },
}

/// Request of `queue_action`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueActionRequest {
    /// GenieACS id of the device.
    pub device: String,
    /// What to do.
    pub action: ActionInput,
}

/// An action and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionInfo {
    /// Action id.
    pub id: i64,
    /// GenieACS id of the device.
    pub device: String,
    /// What it does, for people (no secrets).
    pub description: String,
    /// `pending`, `sent`, `completed`, `failed` or `cancelled`.
    pub status: String,
    /// Why it failed, when it did.
    pub fault: Option<String>,
    /// When it was asked for (Unix ms).
    pub created_ms: i64,
    /// When it ended (Unix ms).
    pub finished_ms: Option<i64>,
}

/// Request of `list_actions`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListActionsRequest {
    /// Only this device's actions.
    pub device: Option<String>,
}
