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

/// An alert channel as listed (never its secrets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelInfo {
    /// Its name.
    pub name: String,
    /// `webhook` or `sms`.
    pub kind: String,
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
    pub kind: String,
    /// The webhook URL, or the gateway's URL template with `{phone}` and `{message}`.
    pub url: String,
    /// The webhook's HMAC secret (16+ characters), if it signs.
    #[serde(default)]
    pub secret: Option<String>,
    /// The numbers an SMS channel texts.
    #[serde(default)]
    pub phones: Vec<String>,
}

impl std::fmt::Debug for SaveChannelRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SaveChannelRequest")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("url", &"<redacted>")
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .field("phones", &self.phones.len())
            .finish()
    }
}

/// Request of `remove_channel` and `test_channel`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelNameRequest {
    /// The channel.
    pub name: String,
}
