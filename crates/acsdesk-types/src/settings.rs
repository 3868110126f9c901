//! Tenants, ACS connections and the first run: what the Settings page and the welcome
//! screen ask for and get back.

use serde::{Deserialize, Serialize};

/// The state of the workspace, asked for at start-up.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceState {
    /// Every tenant.
    pub tenants: Vec<TenantInfo>,
    /// The tenant in use, if any (none on a first run).
    pub current: Option<String>,
    /// Whether the demo sandbox is running in this process.
    pub demo_running: bool,
    /// The tenant in use that could not be opened without its passphrase, if any.
    #[serde(default)]
    pub locked: Option<String>,
    /// The app was started with `--demo`: the window starts the demo as its own button
    /// does (asking for a passphrase when the system keyring cannot keep a key).
    #[serde(default)]
    pub demo_requested: bool,
}

/// Request of `workspace_state`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceStateRequest {}

/// A tenant (one ISP's workspace).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantInfo {
    /// Its name.
    pub name: String,
    /// Its ACS connections.
    pub acs: Vec<AcsInfo>,
}

/// How AcsDesk authenticates to an ACS (GenieACS itself has none; a reverse proxy may).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthKind {
    /// No authentication.
    #[default]
    None,
    /// HTTP basic.
    Basic,
    /// A bearer token.
    Token,
    /// A token in a header of its own (e.g. `X-Api-Key`), as some reverse proxies want;
    /// the header's name is kept as the connection's user.
    Header,
}

/// Requests a second a new connection may make of its ACS, unless told otherwise.
pub const DEFAULT_RATE_PER_S: u32 = 20;

fn default_rate() -> u32 {
    DEFAULT_RATE_PER_S
}

/// How an `https://` NBI's certificate is trusted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AcsTrust {
    /// The system's certificate authorities.
    #[default]
    System,
    /// This CA certificate (PEM) besides the system's: a company's own CA.
    Ca(String),
    /// Exactly the certificate with this SHA-256 fingerprint (hex, colons allowed): a
    /// self-signed server.
    Pin(String),
}

impl AcsTrust {
    /// The CA's PEM and the pin, as the store keeps them.
    pub fn parts(&self) -> (Option<&str>, Option<&str>) {
        match self {
            Self::System => (None, None),
            Self::Ca(pem) => (Some(pem.as_str()), None),
            Self::Pin(pin) => (None, Some(pin.as_str())),
        }
    }
}

/// An ACS connection as shown in Settings (never with its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcsInfo {
    /// Its name within the tenant.
    pub name: String,
    /// The NBI base URL.
    pub url: String,
    /// How it authenticates.
    pub auth: AuthKind,
    /// The basic-auth user, or the name of the header carrying the token.
    pub user: Option<String>,
    /// The CWMP URL routers should use, shown to technicians.
    pub cwmp_url: Option<String>,
    /// Requests a second AcsDesk allows itself towards it.
    #[serde(default = "default_rate")]
    pub rate_per_s: u32,
    /// Seconds between syncs.
    pub interval_s: u32,
    /// How its certificate is trusted (a CA certificate and a fingerprint are public:
    /// shown so a person can check them).
    #[serde(default)]
    pub trust: AcsTrust,
    /// How the connection is.
    pub health: crate::HealthState,
    /// Since when it has been in that state (Unix ms), when known.
    #[serde(default)]
    pub health_since_ms: Option<i64>,
    /// The last error, when it is not `ok`.
    #[serde(default)]
    pub health_error: Option<String>,
    /// Why the connection is unsafe as set up (credentials over plain `http://` to
    /// another machine), when it is.
    #[serde(default)]
    pub warning: Option<String>,
}

/// Request of `start_demo`: start the embedded sandbox and use it as the demo tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartDemoRequest {
    /// How many simulated routers (default 200).
    pub devices: u32,
}

impl Default for StartDemoRequest {
    fn default() -> Self {
        Self { devices: 200 }
    }
}

/// Request of `add_acs`: a new ACS connection for the current tenant (creating the
/// tenant when there is none yet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddAcsRequest {
    /// Tenant name (used when the workspace has no tenant yet).
    pub tenant: String,
    /// Connection name.
    pub name: String,
    /// NBI base URL, e.g. `http://acs.example.net:7557`.
    pub url: String,
    /// Authentication.
    pub auth: AuthKind,
    /// Basic-auth user, or the name of the header carrying the token.
    pub user: Option<String>,
    /// Basic-auth password or token; stored encrypted, never returned.
    pub secret: Option<crate::secret::Secret>,
    /// Seconds between syncs (default 60).
    pub interval_s: u32,
    /// How an `https://` NBI's certificate is trusted.
    #[serde(default)]
    pub trust: AcsTrust,
    /// The CWMP URL routers should use (shown to technicians, used in the set-up steps).
    #[serde(default)]
    pub cwmp_url: Option<String>,
    /// Requests a second allowed towards the ACS (1 to 1000).
    #[serde(default = "default_rate")]
    pub rate_per_s: u32,
}

/// Request of `update_acs`: change a connection of the current tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateAcsRequest {
    /// The connection's name (it stays).
    pub name: String,
    /// NBI base URL.
    pub url: String,
    /// Authentication.
    pub auth: AuthKind,
    /// Basic-auth user, or the name of the header carrying the token.
    pub user: Option<String>,
    /// A new password or token; `None` keeps the saved one.
    pub secret: Option<crate::secret::Secret>,
    /// Seconds between syncs (5 to 86,400).
    pub interval_s: u32,
    /// A new way to trust the certificate; `None` keeps the saved one.
    #[serde(default)]
    pub trust: Option<AcsTrust>,
    /// The CWMP URL routers should use (`None`: there is none).
    #[serde(default)]
    pub cwmp_url: Option<String>,
    /// Requests a second allowed towards the ACS (1 to 1000).
    #[serde(default = "default_rate")]
    pub rate_per_s: u32,
}

/// Request of `create_tenant`: a new, empty tenant, which becomes the current one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateTenantRequest {
    /// Its name.
    pub name: String,
}

/// Request of `remove_tenant`: delete a tenant with its database and key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoveTenantRequest {
    /// Its name.
    pub name: String,
}

/// Request of `test_acs`: try a connection before saving it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestAcsRequest {
    /// NBI base URL.
    pub url: String,
    /// Authentication.
    pub auth: AuthKind,
    /// Basic-auth user, or the name of the header carrying the token.
    pub user: Option<String>,
    /// Password or token.
    pub secret: Option<crate::secret::Secret>,
    /// When editing: the saved connection whose password or token to use when `secret`
    /// is not given (and whose certificate trust, unless `trust` is given).
    #[serde(default)]
    pub saved: Option<String>,
    /// How to trust the certificate; `None` takes the saved connection's, or the
    /// system's for a new one.
    #[serde(default)]
    pub trust: Option<AcsTrust>,
}

/// The verdict of a connection test: each step, and the first that failed says why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcsTestReport {
    /// The host answered at all.
    pub reachable: bool,
    /// TLS was fine (or not used).
    pub tls_ok: bool,
    /// Credentials were accepted (or none needed).
    pub auth_ok: bool,
    /// It speaks GenieACS's NBI.
    pub nbi: bool,
    /// The `GenieACS-Version` it reports.
    pub version: Option<String>,
    /// How many devices it holds.
    pub devices: Option<u64>,
    /// What the server already runs, for people: a bare GenieACS (no presets or
    /// provisions), GenieACS-UI's stock ones, AcsDesk's own, others.
    #[serde(default)]
    pub setup: Option<String>,
    /// What went wrong and how to fix it, when something did.
    pub problem: Option<String>,
    /// The SHA-256 of the certificate the server presented when it was not trusted: a
    /// person who knows it is theirs may pin it.
    #[serde(default)]
    pub fingerprint: Option<String>,
}

/// Request of `switch_tenant`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwitchTenantRequest {
    /// The tenant to work in.
    pub name: String,
}

/// Request of `unlock_tenant`: the passphrase of a tenant (opened and put in use), or —
/// with no name — the passphrase new tenants are protected with where there is no
/// credential store. Kept in memory for this session only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnlockTenantRequest {
    /// The tenant to open, or `None` to set the passphrase for tenants created next.
    pub name: Option<String>,
    /// The passphrase.
    pub passphrase: crate::secret::Secret,
}

/// Request of `remove_acs` (and of `acs_removal_plan`, what it would do): remove a
/// connection of the current tenant, keeping its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoveAcsRequest {
    /// Connection name.
    pub name: String,
}

/// What removing a connection would do.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcsRemovalPlan {
    /// The connection.
    pub name: String,
    /// Its devices: they leave the lists; their history stays readable.
    pub devices: u64,
    /// Its actions not yet sent: cancelled.
    pub pending: u64,
    /// Its actions waiting in GenieACS for their device: their tasks are withdrawn from
    /// GenieACS, then they are cancelled.
    pub queued: u64,
    /// Its actions sent whose outcome is not known yet: cancelled (they may have run).
    pub unsettled: u64,
}

/// What removing a connection did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcsRemovalReport {
    /// The name its history keeps: `<name> (removed <date> #<id>)`.
    pub kept_as: String,
    /// Its devices, out of the lists.
    pub devices: u64,
    /// Its actions cancelled.
    pub cancelled: u64,
    /// GenieACS tasks withdrawn.
    pub withdrawn: u64,
    /// Tasks that could not be withdrawn (GenieACS did not answer): they may still run
    /// when their device connects.
    pub not_withdrawn: u64,
}

/// Request of `update_settings`: the current tenant's settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpdateSettingsRequest {
    /// Minutes without inform before an offline alert (1 to 1440).
    pub offline_after_min: u32,
    /// How sync and monitoring run; `None` leaves them as they are.
    #[serde(default)]
    pub sync: Option<SyncSettings>,
    /// The alert rules' other thresholds and delivery; `None` leaves them as they are.
    #[serde(default)]
    pub alerts: Option<AlertSettings>,
    /// What diagnostics reach for when not told; `None` leaves it as it is.
    #[serde(default)]
    pub diagnostics: Option<DiagnosticSettings>,
}

/// What a tenant's diagnostics reach for when a person does not say: the host a ping or
/// traceroute tries first, the test server of download and upload tests (TR-143), and
/// what an upload sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DiagnosticSettings {
    /// The host a ping or traceroute reaches for (default `8.8.8.8`).
    pub ping_host: String,
    /// The test server's URL for download tests (`http://` or `ftp://`); none until set —
    /// a speed test then needs a URL.
    pub download_url: Option<String>,
    /// Where upload tests send; none: the download URL.
    pub upload_url: Option<String>,
    /// Bytes an upload test sends (1 to 1,000,000,000; default 10 MB).
    pub upload_bytes: u64,
}

impl Default for DiagnosticSettings {
    fn default() -> Self {
        Self {
            ping_host: "8.8.8.8".into(),
            download_url: None,
            upload_url: None,
            upload_bytes: crate::actions::DEFAULT_UPLOAD_BYTES,
        }
    }
}

impl DiagnosticSettings {
    /// Checks the host, the URLs and the size; the error names the setting.
    pub fn validate(&self) -> Result<(), InvalidSetting> {
        let bad = |field: &'static str, e: String| InvalidSetting {
            field,
            reason: e.split_once(": ").map_or(e.clone(), |(_, r)| r.to_owned()),
        };
        crate::actions::check_host(&self.ping_host).map_err(|e| bad("ping_host", e))?;
        for (field, url) in [
            ("download_url", &self.download_url),
            ("upload_url", &self.upload_url),
        ] {
            if let Some(u) = url {
                crate::actions::check_test_url(u).map_err(|e| bad(field, e))?;
            }
        }
        if !(1..=crate::actions::MAX_UPLOAD_BYTES).contains(&self.upload_bytes) {
            return Err(InvalidSetting {
                field: "upload_bytes",
                reason: format!("choose between 1 byte and 1 GB (got {})", self.upload_bytes),
            });
        }
        Ok(())
    }

    /// The URL a test of `kind` uses when not told: the upload URL for an upload (the
    /// download URL when there is none).
    pub fn url_for(&self, kind: crate::DiagnosticKind) -> Option<&str> {
        match kind {
            crate::DiagnosticKind::Upload => {
                self.upload_url.as_deref().or(self.download_url.as_deref())
            }
            _ => self.download_url.as_deref(),
        }
    }
}

/// A tenant's alert rules and delivery, besides the offline threshold. Out of range is
/// refused, never clamped.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AlertSettings {
    /// Minutes PPP must keep failing before an alert (1 to 1,440; default 5).
    pub ppp_failing_after_min: u32,
    /// CPU % sustained for `load_window_min` that raises an alert (1 to 100; default
    /// off).
    pub cpu_threshold_pct: Option<f64>,
    /// Memory % likewise (1 to 100; default off).
    pub mem_threshold_pct: Option<f64>,
    /// Minutes the load must stay above its threshold (1 to 1,440; default 15).
    pub load_window_min: u32,
    /// Minutes an ACS may be unreachable before an alert (1 to 1,440; default 5).
    pub acs_unreachable_after_min: u32,
    /// A PON router's optical receive power below this (dBm, −40 to −5; default −27)
    /// for `load_window_min` raises an alert; none turns it off.
    pub optical_rx_min_dbm: Option<f64>,
    /// Minutes a problem must stay clear before its alert resolves, so a flapping
    /// device is one alert (0 to 1,440; default 5).
    pub flap_hold_down_min: u32,
    /// Minutes after its end within which a problem that comes back reopens its alert
    /// instead of raising a new one (0 to 10,080; default 15).
    pub reopen_within_min: u32,
    /// New alerts at once from which one digest replaces the individual notifications
    /// (0 never; default 5).
    pub digest_threshold: u32,
}

impl Default for AlertSettings {
    fn default() -> Self {
        Self {
            ppp_failing_after_min: 5,
            cpu_threshold_pct: None,
            mem_threshold_pct: None,
            load_window_min: 15,
            acs_unreachable_after_min: 5,
            optical_rx_min_dbm: Some(-27.0),
            flap_hold_down_min: 5,
            reopen_within_min: 15,
            digest_threshold: 5,
        }
    }
}

impl AlertSettings {
    /// Checks every value against its range; the error names the setting and the range.
    pub fn validate(&self) -> Result<(), InvalidSetting> {
        for (field, value) in [
            ("cpu_threshold_pct", self.cpu_threshold_pct),
            ("mem_threshold_pct", self.mem_threshold_pct),
        ] {
            if let Some(v) = value {
                if !(v.is_finite() && (1.0..=100.0).contains(&v)) {
                    return Err(InvalidSetting {
                        field,
                        reason: format!(
                            "choose between 1 and 100 % (got {v}), or none to turn it off"
                        ),
                    });
                }
            }
        }
        if let Some(v) = self.optical_rx_min_dbm {
            if !(v.is_finite() && (-40.0..=-5.0).contains(&v)) {
                return Err(InvalidSetting {
                    field: "optical_rx_min_dbm",
                    reason: format!(
                        "choose between -40 and -5 dBm (got {v}), or none to turn it off"
                    ),
                });
            }
        }
        let ranges: [(&'static str, u32, u32, u32); 6] = [
            (
                "ppp_failing_after_min",
                self.ppp_failing_after_min,
                1,
                1_440,
            ),
            ("load_window_min", self.load_window_min, 1, 1_440),
            (
                "acs_unreachable_after_min",
                self.acs_unreachable_after_min,
                1,
                1_440,
            ),
            ("flap_hold_down_min", self.flap_hold_down_min, 0, 1_440),
            ("reopen_within_min", self.reopen_within_min, 0, 10_080),
            ("digest_threshold", self.digest_threshold, 0, 10_000),
        ];
        for (field, value, min, max) in ranges {
            if !(min..=max).contains(&value) {
                let unit = if field == "digest_threshold" {
                    "alerts"
                } else {
                    "minutes"
                };
                return Err(InvalidSetting {
                    field,
                    reason: format!("choose between {min} and {max} {unit} (got {value})"),
                });
            }
        }
        Ok(())
    }
}

/// How a tenant's syncs derive presence, how often they start over with a full sync,
/// and how long samples are kept. Every value has a range; out of range is refused,
/// never clamped.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SyncSettings {
    /// A device is offline after this many of its inform intervals without an inform
    /// (1 to 10; default 2, so one missed periodic inform is tolerated).
    pub presence_factor: f64,
    /// Extra seconds on top, for clock skew and session time (0 to 3,600; default 120).
    pub presence_grace_s: u32,
    /// How far before the last watermark an incremental sync starts, in seconds
    /// (0 to 3,600; default 60), so informs GenieACS records late are not missed.
    pub overlap_s: u32,
    /// Hours between full syncs, which find devices deleted from GenieACS
    /// (1 to 720; default 24).
    pub full_sync_every_h: u32,
    /// Hours raw samples are kept (1 to 720; default 48).
    pub raw_retention_h: u32,
    /// Days 5-minute averages are kept (1 to 3,650; default 30).
    pub five_min_retention_d: u32,
    /// Days hourly averages are kept (1 to 3,650; default 365).
    pub hourly_retention_d: u32,
}

impl Default for SyncSettings {
    fn default() -> Self {
        Self {
            presence_factor: 2.0,
            presence_grace_s: 120,
            overlap_s: 60,
            full_sync_every_h: 24,
            raw_retention_h: 48,
            five_min_retention_d: 30,
            hourly_retention_d: 365,
        }
    }
}

impl SyncSettings {
    /// Checks every value against its range; the error names the setting and the range.
    pub fn validate(&self) -> Result<(), InvalidSetting> {
        if !(self.presence_factor.is_finite() && (1.0..=10.0).contains(&self.presence_factor)) {
            return Err(InvalidSetting {
                field: "presence_factor",
                reason: "choose between 1 and 10 inform intervals".into(),
            });
        }
        let ranges: [(&str, u32, u32, u32, &str); 6] = [
            (
                "presence_grace_s",
                self.presence_grace_s,
                0,
                3_600,
                "seconds",
            ),
            ("overlap_s", self.overlap_s, 0, 3_600, "seconds"),
            ("full_sync_every_h", self.full_sync_every_h, 1, 720, "hours"),
            ("raw_retention_h", self.raw_retention_h, 1, 720, "hours"),
            (
                "five_min_retention_d",
                self.five_min_retention_d,
                1,
                3_650,
                "days",
            ),
            (
                "hourly_retention_d",
                self.hourly_retention_d,
                1,
                3_650,
                "days",
            ),
        ];
        for (name, value, min, max, unit) in ranges {
            if !(min..=max).contains(&value) {
                return Err(InvalidSetting {
                    field: name,
                    reason: format!("choose between {min} and {max} {unit} (got {value})"),
                });
            }
        }
        if u64::from(self.hourly_retention_d) * 24 < u64::from(self.five_min_retention_d) * 24
            || u64::from(self.five_min_retention_d) * 24 < u64::from(self.raw_retention_h)
        {
            return Err(InvalidSetting {
                field: "retention",
                reason:
                    "keep coarser samples at least as long as finer ones (raw ≤ 5-minute ≤ hourly)"
                        .into(),
            });
        }
        Ok(())
    }
}

/// A setting out of its range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidSetting {
    /// The setting's name.
    pub field: &'static str,
    /// Its range, and what was given.
    pub reason: String,
}

impl std::fmt::Display for InvalidSetting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

impl std::error::Error for InvalidSetting {}

/// Request of `tenant_settings`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantSettingsRequest {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostic_settings_name_what_is_wrong() {
        let d = DiagnosticSettings::default();
        assert_eq!(d.validate(), Ok(()));
        assert_eq!(d.url_for(crate::DiagnosticKind::Download), None);
        let with = DiagnosticSettings {
            download_url: Some("http://speed.example/50MB.bin".into()),
            ..d.clone()
        };
        assert_eq!(
            with.url_for(crate::DiagnosticKind::Upload),
            Some("http://speed.example/50MB.bin"),
            "an upload goes to the download server when no other is set"
        );
        let bad = DiagnosticSettings {
            download_url: Some("https://speed.example/x".into()),
            ..d.clone()
        };
        let e = bad.validate().unwrap_err();
        assert_eq!(e.field, "download_url");
        assert!(e.reason.contains("http:// or ftp://"), "{e}");
        let host = DiagnosticSettings {
            ping_host: "not a host".into(),
            ..d.clone()
        };
        assert_eq!(host.validate().unwrap_err().field, "ping_host");
        let size = DiagnosticSettings {
            upload_bytes: 0,
            ..d
        };
        assert_eq!(size.validate().unwrap_err().field, "upload_bytes");
    }

    #[test]
    fn sync_settings_out_of_range_name_the_setting_and_its_range() {
        assert_eq!(SyncSettings::default().validate(), Ok(()));
        let bad = |f: fn(&mut SyncSettings)| {
            let mut s = SyncSettings::default();
            f(&mut s);
            s.validate().unwrap_err().to_string()
        };
        assert!(bad(|s| s.presence_factor = 0.5).starts_with("presence_factor"));
        assert!(bad(|s| s.presence_factor = f64::NAN).starts_with("presence_factor"));
        assert_eq!(
            bad(|s| s.full_sync_every_h = 0),
            "full_sync_every_h: choose between 1 and 720 hours (got 0)"
        );
        assert!(bad(|s| s.overlap_s = 7200).starts_with("overlap_s"));
        assert!(bad(|s| {
            s.raw_retention_h = 720;
            s.five_min_retention_d = 7;
        })
        .starts_with("retention"));
    }

    #[test]
    fn missing_sync_settings_fields_take_their_defaults() {
        let s: SyncSettings = serde_json::from_str(r#"{"overlap_s": 30}"#).unwrap();
        assert_eq!(s.overlap_s, 30);
        assert_eq!(s.full_sync_every_h, 24);
        let r: UpdateSettingsRequest = serde_json::from_str(r#"{"offline_after_min": 5}"#).unwrap();
        assert_eq!(r.sync, None);
        assert_eq!(r.alerts, None);
    }

    #[test]
    fn alert_settings_refuse_out_of_range_and_allow_off() {
        assert_eq!(AlertSettings::default().validate(), Ok(()));
        let with = |f: fn(&mut AlertSettings)| {
            let mut s = AlertSettings::default();
            f(&mut s);
            s.validate().map_err(|e| e.to_string())
        };
        assert!(with(|s| s.cpu_threshold_pct = Some(0.0))
            .unwrap_err()
            .starts_with("cpu_threshold_pct"));
        assert!(with(|s| s.mem_threshold_pct = Some(f64::INFINITY)).is_err());
        assert_eq!(with(|s| s.cpu_threshold_pct = Some(90.0)), Ok(()));
        assert_eq!(
            with(|s| s.ppp_failing_after_min = 0).unwrap_err(),
            "ppp_failing_after_min: choose between 1 and 1440 minutes (got 0)"
        );
        assert_eq!(
            with(|s| s.flap_hold_down_min = 0),
            Ok(()),
            "0 resolves at once"
        );
        assert!(with(|s| s.digest_threshold = 10_001)
            .unwrap_err()
            .contains("alerts"));
    }
}

/// Request of `backup_tenant`: back up the tenant in use to the backup folder.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupTenantRequest {}

/// Request of `list_backups`: the backup folder's files.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListBackupsRequest {}

/// Request of `restore_backup`: replace the tenant in use's data with a backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreBackupRequest {
    /// The backup file (as [`BackupFile::path`] gives it).
    pub path: String,
}

/// A file in the backup folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupFile {
    /// Where it is.
    pub path: String,
    /// Its file name.
    pub name: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// When it was written (Unix ms).
    pub modified_ms: i64,
}

/// What a backup or a restore did: the file, checked, and what it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupReport {
    /// The tenant.
    pub tenant: String,
    /// The backup file.
    pub path: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// Devices in it.
    pub devices: u64,
    /// Subscribers in it.
    pub subscribers: u64,
}
