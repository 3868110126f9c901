//! What can be asked of a router, with its validated inputs.

use acsdesk_types::input::{PppoePassword, PppoeUsername, Ssid, WpaPassphrase};
use acsdesk_types::DiagnosticKind;
use serde::{Deserialize, Serialize};
use std::time::Duration;

pub use acsdesk_types::BandChoice;

/// A value for `set_parameters`, with its xsd type. Its `Debug` hides a secret's value.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParamValue {
    /// Full parameter path.
    pub path: String,
    /// The value as text (converted to the type on the wire).
    pub value: String,
    /// `xsd:string`, `xsd:boolean`, `xsd:int`, `xsd:unsignedInt` or `xsd:dateTime`;
    /// `None` takes the type the device declares.
    pub xsd_type: Option<String>,
}

impl std::fmt::Debug for ParamValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParamValue")
            .field("path", &self.path)
            .field(
                "value",
                &acsdesk_normalize::registry::shown(&self.path, &self.value),
            )
            .field("xsd_type", &self.xsd_type)
            .finish()
    }
}

/// An action on one device, with validated inputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ActionRequest {
    /// Reboot.
    Reboot,
    /// Factory reset: the device loses its configuration.
    FactoryReset,
    /// Install firmware already uploaded to GenieACS.
    UpdateFirmware {
        /// The GenieACS file name (`_id` of `/files`).
        file: String,
        /// The version the file installs, as its metadata says, to verify against.
        version: Option<String>,
    },
    /// Change the WiFi name and/or passphrase of a band.
    ChangeWifi {
        /// Which band.
        band: BandChoice,
        /// The new SSID.
        ssid: Option<Ssid>,
        /// The new passphrase.
        passphrase: Option<WpaPassphrase>,
    },
    /// Change the PPPoE credentials of the internet WAN.
    ChangePppoe {
        /// The new username.
        username: PppoeUsername,
        /// The new password.
        password: PppoePassword,
    },
    /// Re-read the device's parameters.
    Refresh,
    /// Set explicit parameters (advanced).
    SetParameters {
        /// Paths, values, types.
        values: Vec<ParamValue>,
    },
    /// A connection request only, so the device opens a session now.
    Summon,
    /// A connection request so that GenieACS applies the subscriber's configuration that
    /// AcsDesk installed for this router (its `acsdesk-cfg-<serial>` preset) now, proven
    /// by the configuration's tag and, when its PPPoE credentials are rewritten, by the
    /// PPP session coming back up with the new username.
    ApplyConfig {
        /// The configuration's version (`acsdesk-cfg-<version>` once applied).
        version: String,
        /// The PPPoE username it sets, if it sets one.
        pppoe_username: Option<String>,
        /// The tag of its PPPoE part: a router that does not carry it when the action is
        /// sent gets its credentials rewritten, and its new PPP session is the proof.
        #[serde(default)]
        ppp_tag: Option<String>,
    },
    /// Ping a host from the router: its TR-069 ping diagnostic, run after the session
    /// that asks for it and read at the router's own session when it is done.
    Ping {
        /// A host name or address (checked).
        host: String,
        /// Echoes to send.
        repetitions: u32,
    },
    /// Trace the path from the router to a host: its TR-069 traceroute diagnostic, run
    /// and read as a ping is.
    Traceroute {
        /// A host name or address (checked).
        host: String,
        /// The most hops to try.
        max_hops: u32,
    },
    /// Time a download from, or an upload to, a test server: the router's TR-143
    /// diagnostic, run and read as a ping is.
    SpeedTest {
        /// [`DiagnosticKind::Download`] or [`DiagnosticKind::Upload`].
        kind: DiagnosticKind,
        /// The test server's URL (checked).
        url: String,
        /// For an upload, the bytes to send.
        upload_bytes: u64,
    },
}

impl ActionRequest {
    /// The stored name of the action.
    pub fn name(&self) -> &'static str {
        match self {
            ActionRequest::Reboot => "reboot",
            ActionRequest::FactoryReset => "factory_reset",
            ActionRequest::UpdateFirmware { .. } => "update_firmware",
            ActionRequest::ChangeWifi { .. } => "change_wifi",
            ActionRequest::ChangePppoe { .. } => "change_pppoe",
            ActionRequest::Refresh => "refresh",
            ActionRequest::SetParameters { .. } => "set_parameters",
            ActionRequest::Summon => "summon",
            ActionRequest::ApplyConfig { .. } => "apply_config",
            ActionRequest::Ping { .. } => "ping",
            ActionRequest::Traceroute { .. } => "traceroute",
            ActionRequest::SpeedTest {
                kind: DiagnosticKind::Upload,
                ..
            } => "upload_test",
            ActionRequest::SpeedTest { .. } => "download_test",
        }
    }

    /// Whether running it twice would hurt (a second reboot, reset or flash): such
    /// actions are sent at most once, whatever happens to the worker.
    pub fn is_destructive(&self) -> bool {
        matches!(
            self,
            ActionRequest::Reboot
                | ActionRequest::FactoryReset
                | ActionRequest::UpdateFirmware { .. }
        )
    }

    /// How long the action may take, from sending to proof, before it fails.
    pub fn timeout(&self) -> Duration {
        match self {
            ActionRequest::Summon | ActionRequest::Refresh => Duration::from_secs(120),
            // The echoes (a lost one waits its 1 s timeout), then the router's session.
            ActionRequest::Ping { repetitions, .. } => {
                Duration::from_secs(120 + 2 * u64::from(*repetitions))
            }
            // Three probes a hop, each waiting up to 5 s when the hop is silent.
            ActionRequest::Traceroute { max_hops, .. } => {
                Duration::from_secs(120 + 15 * u64::from(*max_hops))
            }
            // Routers end a TR-143 test on their own after a minute or two.
            ActionRequest::SpeedTest { .. } => Duration::from_secs(300),
            ActionRequest::ChangeWifi { .. } | ActionRequest::SetParameters { .. } => {
                Duration::from_secs(300)
            }
            // The WAN's state is read again at the router's next inform (the monitoring
            // provision's refresh): three periodic informs at the usual 300 s.
            ActionRequest::ChangePppoe { .. } | ActionRequest::ApplyConfig { .. } => {
                Duration::from_secs(900)
            }
            ActionRequest::Reboot => Duration::from_secs(600),
            ActionRequest::FactoryReset => Duration::from_secs(900),
            ActionRequest::UpdateFirmware { .. } => Duration::from_secs(1800),
        }
    }

    /// How long its task may wait in GenieACS for an offline device before it is
    /// withdrawn and the action fails: a day, so nobody's router reboots or changes by
    /// surprise a week after it was asked for; ten minutes for a diagnostic, whose
    /// answer is wanted now.
    pub fn queue_timeout(&self) -> Duration {
        match self {
            ActionRequest::Ping { .. }
            | ActionRequest::Traceroute { .. }
            | ActionRequest::SpeedTest { .. } => Duration::from_secs(600),
            _ => Duration::from_secs(24 * 3600),
        }
    }

    /// A short description for logs and lists, without secrets.
    pub fn describe(&self) -> String {
        match self {
            ActionRequest::Reboot => "Reboot".into(),
            ActionRequest::FactoryReset => "Factory reset".into(),
            ActionRequest::UpdateFirmware { file, .. } => format!("Update firmware to {file}"),
            ActionRequest::ChangeWifi {
                band,
                ssid,
                passphrase,
            } => {
                let band = match band {
                    BandChoice::Ghz2_4 => "2.4 GHz",
                    BandChoice::Ghz5 => "5 GHz",
                    BandChoice::All => "all bands",
                };
                let mut parts = Vec::new();
                if let Some(s) = ssid {
                    parts.push(format!("SSID \"{}\"", s.as_str()));
                }
                if passphrase.is_some() {
                    parts.push("new password".to_owned());
                }
                format!("Change WiFi ({band}): {}", parts.join(", "))
            }
            ActionRequest::ChangePppoe { username, .. } => {
                format!("Change PPPoE to user {}", username.as_str())
            }
            ActionRequest::Refresh => "Refresh parameters".into(),
            ActionRequest::SetParameters { values } => format!("Set {} parameter(s)", values.len()),
            ActionRequest::Summon => "Connection request".into(),
            ActionRequest::ApplyConfig { version, .. } => {
                format!(
                    "{} {version}",
                    acsdesk_types::provisioning::APPLY_CONFIG_LABEL
                )
            }
            ActionRequest::Ping { host, repetitions } => {
                format!("Ping {host} ({repetitions} echoes)")
            }
            ActionRequest::Traceroute { host, max_hops } => {
                format!("Traceroute to {host} (up to {max_hops} hops)")
            }
            ActionRequest::SpeedTest {
                kind: DiagnosticKind::Upload,
                url,
                upload_bytes,
            } => format!(
                "Upload test to {} ({:.1} MB)",
                acsdesk_types::actions::redact_url(url),
                *upload_bytes as f64 / 1_000_000.0
            ),
            ActionRequest::SpeedTest { url, .. } => {
                format!(
                    "Download test from {}",
                    acsdesk_types::actions::redact_url(url)
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destructive_actions_and_descriptions_without_secrets() {
        assert!(ActionRequest::Reboot.is_destructive());
        assert!(!ActionRequest::Refresh.is_destructive());
        let wifi = ActionRequest::ChangeWifi {
            band: BandChoice::Ghz5,
            ssid: Some(Ssid::parse("Casa").unwrap()),
            passphrase: Some(WpaPassphrase::parse("supersecret99").unwrap()),
        };
        let d = wifi.describe();
        assert_eq!(d, "Change WiFi (5 GHz): SSID \"Casa\", new password");
        assert!(!format!("{wifi:?}").contains("supersecret99"));
        assert_eq!(BandChoice::parse("2.4"), Some(BandChoice::Ghz2_4));
        assert_eq!(BandChoice::parse("6"), None);
    }
}
