//! A tenant's provisioning profile: what AcsDesk makes GenieACS apply to every linked
//! router (PPPoE from the subscriber, WiFi from the subscriber or a pattern, the periodic
//! inform interval) and which values it makes GenieACS refresh at every inform.

use crate::settings::InvalidSetting;
use crate::states::{Monitored, ProvisionMode};
use serde::{Deserialize, Serialize};

/// How an `apply_config` action is described (its log lines start so).
pub const APPLY_CONFIG_LABEL: &str = "Apply the subscriber's configuration";

/// The device log's kinds that tell a router's provisioning: its configuration applied,
/// failed, recovered, or lost to a factory reset.
pub const PROVISIONING_LOG_KINDS: &[&str] = &[
    "provisioned",
    "provisioning_failed",
    "provisioning_recovered",
    "configuration_lost",
];

/// Whether a device log line (`kind`, `message`) is part of the router's provisioning
/// history: one of [`PROVISIONING_LOG_KINDS`], or an `apply_config` action's progress.
pub fn is_provisioning_log(kind: &str, message: &str) -> bool {
    PROVISIONING_LOG_KINDS.contains(&kind)
        || (kind.starts_with("action_") && message.starts_with(APPLY_CONFIG_LABEL))
}

/// The placeholders a WiFi pattern may use.
pub const PATTERN_FIELDS: &[&str] = &["account", "name", "serial", "serial_last4", "phone_last4"];

/// What AcsDesk installs into a tenant's GenieACS servers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProvisioningProfile {
    /// Seconds between a router's periodic informs (60 to 86,400; default 300, as ISPs
    /// set it).
    pub inform_interval_s: u32,
    /// Whether the subscriber's PPPoE credentials are applied (default yes).
    pub pppoe: bool,
    /// The WiFi name: `None` takes the subscriber's, a pattern builds it
    /// (`{account}`, `{name}`, `{serial}`, `{serial_last4}`, `{phone_last4}`).
    pub ssid_pattern: Option<String>,
    /// The WiFi passphrase likewise.
    pub passphrase_pattern: Option<String>,
    /// Appended to the name of a 5 GHz network (`""`: the same name on both bands).
    pub ssid_5ghz_suffix: String,
    /// What the monitoring provision refreshes at each periodic inform.
    pub monitoring: Vec<Monitored>,
    /// Give every router its own random connection-request username and password (kept
    /// in the tenant's encrypted store, written once per router) instead of whatever it
    /// has — most often a vendor default shared by the whole fleet.
    pub per_router_connection_request: bool,
    /// Per model, the firmware a new router is brought to (see
    /// [`crate::firmware::FirmwareTarget`]).
    pub firmware_targets: Vec<crate::firmware::FirmwareTarget>,
}

impl Default for ProvisioningProfile {
    fn default() -> Self {
        Self {
            inform_interval_s: 300,
            pppoe: true,
            ssid_pattern: None,
            passphrase_pattern: None,
            ssid_5ghz_suffix: String::new(),
            monitoring: Monitored::ALL.to_vec(),
            per_router_connection_request: false,
            firmware_targets: Vec::new(),
        }
    }
}

fn invalid(field: &'static str, reason: impl Into<String>) -> InvalidSetting {
    InvalidSetting {
        field,
        reason: reason.into(),
    }
}

fn check_pattern(field: &'static str, pattern: &str) -> Result<(), InvalidSetting> {
    if pattern.trim().is_empty() {
        return Err(invalid(
            field,
            "a pattern cannot be empty (leave it unset to use the subscriber's)",
        ));
    }
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| invalid(field, "a '{' is not closed"))?;
        let name = &after[..close];
        if !PATTERN_FIELDS.contains(&name) {
            return Err(invalid(
                field,
                format!(
                    "unknown placeholder {{{name}}}; use {}",
                    PATTERN_FIELDS
                        .iter()
                        .map(|f| format!("{{{f}}}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        rest = &after[close + 1..];
    }
    Ok(())
}

impl ProvisioningProfile {
    /// Checks every value; the error names the setting.
    pub fn validate(&self) -> Result<(), InvalidSetting> {
        if !(60..=86_400).contains(&self.inform_interval_s) {
            return Err(invalid(
                "inform_interval_s",
                "choose between 60 and 86400 seconds",
            ));
        }
        if let Some(p) = &self.ssid_pattern {
            check_pattern("ssid_pattern", p)?;
        }
        if let Some(p) = &self.passphrase_pattern {
            check_pattern("passphrase_pattern", p)?;
        }
        if self.ssid_5ghz_suffix.chars().count() > 8 {
            return Err(invalid("ssid_5ghz_suffix", "at most 8 characters"));
        }
        Ok(())
    }

    /// A pattern filled in for one subscriber and router.
    pub fn render(pattern: &str, values: &PatternValues<'_>) -> String {
        let last4 = |s: &str| {
            let chars: Vec<char> = s.chars().filter(|c| c.is_alphanumeric()).collect();
            chars[chars.len().saturating_sub(4)..]
                .iter()
                .collect::<String>()
        };
        pattern
            .replace("{account}", values.account)
            .replace("{name}", values.name)
            .replace("{serial_last4}", &last4(values.serial))
            .replace("{serial}", values.serial)
            .replace("{phone_last4}", &last4(values.phone.unwrap_or_default()))
    }
}

/// What a pattern can take from a subscriber and its router.
#[derive(Debug, Clone, Copy)]
pub struct PatternValues<'a> {
    /// Account number.
    pub account: &'a str,
    /// Name.
    pub name: &'a str,
    /// The router's serial.
    pub serial: &'a str,
    /// Phone.
    pub phone: Option<&'a str>,
}

/// Request of `provisioning_profile`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvisioningProfileRequest {}

/// Request of `provision`: compare, install or uninstall, on one connection or all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvisionRequest {
    /// Only this connection (`None`: every connection of the tenant).
    pub acs: Option<String>,
    /// What to do.
    pub mode: ProvisionMode,
    /// Plan without writing.
    pub dry_run: bool,
}

/// Request of `router_provisioning`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouterProvisioningRequest {
    /// The router's serial.
    pub serial: String,
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_provisioning_history_is_told_apart_from_the_rest_of_the_log() {
        assert!(is_provisioning_log(
            "provisioned",
            "Device X: configuration 1 applied"
        ));
        assert!(is_provisioning_log("configuration_lost", "lost"));
        assert!(is_provisioning_log(
            "action_failed",
            &format!("{APPLY_CONFIG_LABEL} 1 (PPPoE user a) failed: …")
        ));
        assert!(!is_provisioning_log("action_completed", "Reboot completed"));
        assert!(!is_provisioning_log("online", "Device X is online"));
    }

    use super::*;

    #[test]
    fn patterns_name_known_fields_and_render_per_subscriber() {
        let mut p = ProvisioningProfile::default();
        assert_eq!(p.validate(), Ok(()));
        p.ssid_pattern = Some("Net-{account}-{serial_last4}".into());
        assert_eq!(p.validate(), Ok(()));
        let v = PatternValues {
            account: "1001",
            name: "Ana Ruiz",
            serial: "48575443-C0FFEE01",
            phone: Some("+34 600 11 22 33"),
        };
        assert_eq!(
            ProvisioningProfile::render("Net-{account}-{serial_last4}", &v),
            "Net-1001-EE01"
        );
        assert_eq!(
            ProvisioningProfile::render("{phone_last4}{name}", &v),
            "2233Ana Ruiz"
        );
        p.passphrase_pattern = Some("{acount}".into());
        let e = p.validate().unwrap_err();
        assert_eq!(e.field, "passphrase_pattern");
        assert!(e.reason.contains("{acount}"));
        p.passphrase_pattern = Some("x{account".into());
        assert!(p.validate().unwrap_err().reason.contains("not closed"));
        p.passphrase_pattern = None;
        p.inform_interval_s = 30;
        assert_eq!(p.validate().unwrap_err().field, "inform_interval_s");
    }
}

/// What installing, checking or uninstalling did (or would do) on each ACS connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvisioningReport {
    /// One entry per connection.
    pub connections: Vec<AcsProvisioning>,
    /// Linked subscribers whose values cannot be applied, with the reason.
    pub refused: Vec<RefusedRouter>,
}

/// One ACS connection's objects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcsProvisioning {
    /// The connection's name.
    pub acs: String,
    /// The shared provisions and presets, and AcsDesk objects to remove.
    pub objects: Vec<ObjectStep>,
    /// The per-router presets, counted.
    pub routers: RouterSteps,
    /// Whether the steps were carried out (false for a status or a dry run).
    pub applied: bool,
    /// Why the connection could not be read or written, when it could not.
    pub error: Option<String>,
    /// What on the server works against AcsDesk's objects (e.g. GenieACS's own `inform`
    /// provision rewriting the connection-request credentials daily).
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// One object and what happens to it: `create`, `update`, `unchanged` or `remove`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectStep {
    /// `preset` or `provision`.
    pub kind: String,
    /// Its name on the server.
    pub name: String,
    /// `create`, `update`, `unchanged` or `remove`.
    pub step: String,
    /// How the server's copy differs, for an update (secrets masked).
    pub diff: Option<String>,
}

/// The per-router presets on one connection.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouterSteps {
    /// Routers awaiting their configuration (each has a preset).
    pub awaiting: u32,
    /// Routers whose current configuration is confirmed (no preset needed).
    pub configured: u32,
    /// Presets created.
    pub create: u32,
    /// Presets replaced (the subscriber's values changed).
    pub update: u32,
    /// Presets already right.
    pub unchanged: u32,
    /// Presets removed (router configured or no longer linked).
    pub remove: u32,
}

/// A linked subscriber whose values cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedRouter {
    /// Account number.
    pub account: String,
    /// The router's serial.
    pub serial: String,
    /// The value at fault.
    pub field: String,
    /// Why.
    pub reason: String,
}

/// What one router is to get, secrets masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouterProvisioning {
    /// The subscriber's account.
    pub account: String,
    /// The router's serial.
    pub serial: String,
    /// `configured`, `awaiting` (its preset waits for the router's next inform) or
    /// `refused` (a value cannot be applied: see `refused`).
    pub state: String,
    /// Whether the router has been seen in an ACS (`false`: waiting for first contact).
    pub known: bool,
    /// Its GenieACS id, once seen.
    pub device: Option<String>,
    /// The change's version, and the tag the router carries once it is applied.
    pub version: Option<String>,
    /// PPPoE username applied.
    pub pppoe_username: Option<String>,
    /// Whether a PPPoE password is applied.
    pub pppoe_password: bool,
    /// WiFi name applied.
    pub ssid: Option<String>,
    /// Whether a WiFi passphrase is applied.
    pub wifi_passphrase: bool,
    /// The router's own connection-request username, when the profile gives each
    /// router its own (its password is never shown).
    #[serde(default)]
    pub connection_request_username: Option<String>,
    /// The preset GenieACS holds for it, with secrets masked.
    pub preset: Option<String>,
    /// Why it is refused.
    pub refused: Option<String>,
    /// The vendor its serial most likely belongs to.
    pub vendor: Option<String>,
    /// What a technician does on the router so that it reaches GenieACS, per vendor.
    pub instructions: Vec<VendorInstructions>,
}

/// One vendor's router-side steps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VendorInstructions {
    /// The vendor.
    pub vendor: String,
    /// The steps in order (a command to type is a whole step).
    pub steps: Vec<String>,
}
