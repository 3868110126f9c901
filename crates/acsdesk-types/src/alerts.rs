//! The alert centre: alerts as listed, and what people do with them.

use serde::{Deserialize, Serialize};

/// An alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertInfo {
    /// Alert id.
    pub id: i64,
    /// `device_offline`, `ppp_failing`, `firmware_failed`, …
    pub kind: String,
    /// The device id or ACS name it is about.
    pub subject: String,
    /// `info`, `warning` or `critical`.
    pub severity: String,
    /// `open`, `acknowledged` or `resolved`.
    pub state: String,
    /// What happened.
    pub message: String,
    /// When the problem began (Unix ms).
    pub first_seen_ms: i64,
    /// When it was last seen (Unix ms).
    pub last_seen_ms: i64,
}

/// Request of `list_alerts`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListAlertsRequest {
    /// Only alerts in this state.
    pub state: Option<String>,
    /// Only alerts of this kind (`device_offline`, …).
    #[serde(default)]
    pub kind: Option<String>,
    /// Only alerts of this severity (`info`, `warning`, `critical`).
    #[serde(default)]
    pub severity: Option<String>,
}

/// Request of `set_alert_state`: acknowledge or resolve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetAlertStateRequest {
    /// Alert id.
    pub id: i64,
    /// `acknowledged` or `resolved`.
    pub state: String,
}
