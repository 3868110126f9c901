//! The alert centre: alerts as listed, and what people do with them.

use serde::{Deserialize, Serialize};

/// An alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertInfo {
    /// Alert id.
    pub id: i64,
    /// What kind of problem.
    pub kind: crate::AlertKind,
    /// The device id or ACS name it is about.
    pub subject: String,
    /// How urgent.
    pub severity: crate::Severity,
    /// Where it stands.
    pub state: crate::AlertState,
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
    pub state: Option<crate::AlertState>,
    /// Only alerts of this kind.
    #[serde(default)]
    pub kind: Option<crate::AlertKind>,
    /// Only alerts of this severity.
    #[serde(default)]
    pub severity: Option<crate::Severity>,
    /// Only alerts about this device (GenieACS id).
    #[serde(default)]
    pub device: Option<String>,
}

/// One entry of an alert's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertEventInfo {
    /// When (Unix ms).
    pub at_ms: i64,
    /// `raised`, `notified`, `silenced`, `reopened`, `acknowledged`, `resolved`,
    /// `delivered`, `delivery_retry`, `delivery_failed`.
    pub event: String,
    /// The detail.
    pub detail: String,
}

/// Request of `set_alert_state`: acknowledge or resolve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetAlertStateRequest {
    /// Alert id.
    pub id: i64,
    /// `acknowledged` or `resolved`.
    pub state: crate::AlertState,
}

/// An alert channel as listed (never its secrets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelInfo {
    /// Its name.
    pub name: String,
    /// `webhook` or `sms`.
    pub kind: crate::ChannelKind,
    /// The endpoint's scheme and host.
    pub endpoint: String,
    /// Phone numbers it texts (SMS).
    pub phones: usize,
    /// Whether new alerts go to it.
    pub enabled: bool,
}

/// Request of `list_channels`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListChannelsRequest {}

/// Request of `save_channel`: add or replace a channel.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveChannelRequest {
    /// Its name.
    pub name: String,
    /// `webhook` or `sms`.
    pub kind: crate::ChannelKind,
    /// The webhook URL, or the gateway's URL template with `{phone}` and `{message}`.
    pub url: String,
    /// The webhook's HMAC secret (16+ characters), if it signs.
    #[serde(default)]
    pub secret: Option<crate::secret::Secret>,
    /// The numbers an SMS channel texts.
    #[serde(default)]
    pub phones: Vec<String>,
    /// An SMS gateway that wants a POST: the body template, with `{phone}` and
    /// `{message}` (none: the gateway is called with GET).
    #[serde(default)]
    pub post_body: Option<String>,
}

impl std::fmt::Debug for SaveChannelRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SaveChannelRequest")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("url", &"<redacted>")
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .field("phones", &self.phones.len())
            .field("post_body", &self.post_body.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// Request of `remove_channel` and `test_channel`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelNameRequest {
    /// The channel.
    pub name: String,
}

/// A maintenance window: alerts about what it covers are recorded, not notified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaintenanceInfo {
    /// Window id.
    pub id: i64,
    /// `tenant`, `acs` or `device`.
    pub scope: crate::MaintenanceScope,
    /// The connection's name or the device's GenieACS id; none for the whole tenant.
    pub target: Option<String>,
    /// Start (Unix ms).
    pub from_ms: i64,
    /// End (Unix ms).
    pub until_ms: i64,
    /// Why.
    pub reason: String,
}

/// Request of `list_maintenance`: windows open or to come.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListMaintenanceRequest {}

/// Request of `add_maintenance`: a window starting now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddMaintenanceRequest {
    /// `tenant`, `acs` or `device`.
    pub scope: crate::MaintenanceScope,
    /// The connection or device, for those scopes.
    pub target: Option<String>,
    /// How long, in minutes (up to 31 days).
    pub minutes: u32,
    /// Why, for the people who see the alerts later.
    pub reason: String,
}

/// Request of `end_maintenance`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndMaintenanceRequest {
    /// Window id.
    pub id: i64,
}

/// Request of `set_device_offline_after`: a device's own offline-alert threshold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetDeviceOfflineAfterRequest {
    /// GenieACS id.
    pub device: String,
    /// Minutes (1 to 1,440); `None` goes back to the tenant's.
    pub minutes: Option<u32>,
}
