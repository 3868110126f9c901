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
        /// Which band's network.
        band: crate::BandChoice,
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
    /// Set explicit parameters (advanced): each path must exist on the device and be
    /// writable; the value is converted to the type given, or the one the device has.
    SetParameters {
        /// The parameters, in the order they are set.
        values: Vec<ParamInput>,
    },
    /// Ping a host from the router (its TR-069 ping diagnostic).
    Ping {
        /// A host name or an IP address.
        host: String,
        /// Echoes to send (default 4, at most 100).
        #[serde(default)]
        repetitions: Option<u32>,
    },
    /// Trace the path from the router to a host (its TR-069 traceroute diagnostic).
    Traceroute {
        /// A host name or an IP address.
        host: String,
        /// The most hops to try (default 30, at most 64).
        #[serde(default)]
        max_hops: Option<u32>,
    },
    /// Time a download from, or an upload to, a test server (TR-143 diagnostics).
    SpeedTest {
        /// `download` or `upload`.
        kind: crate::DiagnosticKind,
        /// The test server's URL (`http://` or `ftp://`).
        url: String,
        /// For an upload, the bytes to send (default 10 MB).
        #[serde(default)]
        upload_bytes: Option<u64>,
    },
}

/// A URL as it may be shown: a password in it (`ftp://user:pw@host/`) masked. Anything
/// that is not such a URL comes back as it is.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:•••@{host}{tail}")
        }
        None => url.to_owned(),
    }
}

/// The most hops a traceroute may try.
pub const MAX_TRACE_HOPS: u32 = 64;

/// The most bytes an upload test may send (1 GB).
pub const MAX_UPLOAD_BYTES: u64 = 1_000_000_000;

/// What an upload test sends when not told (10 MB).
pub const DEFAULT_UPLOAD_BYTES: u64 = 10_000_000;

/// Checks a test server's URL for a download or upload test: `http://` or `ftp://`
/// (what TR-143 routers speak) and a host. The error says what is wrong.
pub fn check_test_url(url: &str) -> Result<String, String> {
    let u = url.trim();
    if u.is_empty() {
        return Err("url: give the test server's URL (http:// or ftp://)".into());
    }
    if u.len() > 256 {
        return Err("url: at most 256 characters (what routers accept)".into());
    }
    let rest = ["http://", "ftp://"]
        .iter()
        .find_map(|scheme| {
            u.get(..scheme.len())
                .filter(|s| s.eq_ignore_ascii_case(scheme))
                .map(|_| &u[scheme.len()..])
        })
        .ok_or_else(|| {
            format!("url: {u:?} must start with http:// or ftp:// (routers test over those)")
        })?;
    if u.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("url: {u:?} holds spaces"));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    let host = match host_port.strip_prefix('[') {
        // An IPv6 literal: `[2001:db8::1]:8080`.
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => match host_port.rsplit_once(':') {
            Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h,
            _ => host_port,
        },
    };
    check_host(host).map_err(|_| format!("url: {u:?} names no host"))?;
    Ok(u.to_owned())
}

/// The most echoes a ping may send.
pub const MAX_PING_REPETITIONS: u32 = 100;

/// Checks a host a router is asked to reach: a name or an address, no spaces or
/// schemes. The error says what is wrong.
pub fn check_host(host: &str) -> Result<String, String> {
    let h = host.trim();
    if h.is_empty() {
        return Err("host: give a host name or an IP address".into());
    }
    if h.len() > 253 {
        return Err("host: at most 253 characters".into());
    }
    if !h
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '_'))
    {
        return Err(format!(
            "host: {h:?} is not a host name or an IP address (letters, digits, '.', '-', ':')"
        ));
    }
    Ok(h.to_owned())
}

/// One parameter of [`ActionInput::SetParameters`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParamInput {
    /// Full path, e.g. `InternetGatewayDevice.ManagementServer.PeriodicInformInterval`.
    pub path: String,
    /// The value as text.
    pub value: String,
    /// `xsd:string`, `xsd:boolean`, `xsd:int`, `xsd:unsignedInt`, `xsd:dateTime` (the
    /// `xsd:` may be left out); none takes the device's own type.
    #[serde(default)]
    pub xsd_type: Option<String>,
}

impl ParamInput {
    /// Parses the command line's `PATH=VALUE[:TYPE]`. A trailing `:TYPE` counts only when
    /// it names a type, so values with colons (URLs, MAC addresses) stay whole.
    pub fn parse<'a>(text: &'a str) -> Result<Self, String> {
        let (path, rest) = text
            .split_once('=')
            .ok_or_else(|| format!("{text:?}: write PATH=VALUE or PATH=VALUE:TYPE"))?;
        let typed = |value: &'a str, ty: &str| xsd_name(ty).map(|t| (value, Some(t)));
        let (value, xsd_type) = rest
            .rsplit_once(":xsd:")
            .and_then(|(value, ty)| typed(value, ty))
            .or_else(|| {
                rest.rsplit_once(':')
                    .and_then(|(value, ty)| typed(value, ty))
            })
            .unwrap_or((rest, None));
        Ok(Self {
            path: path.trim().to_owned(),
            value: value.to_owned(),
            xsd_type,
        })
    }
}

/// The full xsd name of a type written with or without `xsd:`.
pub fn xsd_name(text: &str) -> Option<String> {
    let bare = text.strip_prefix("xsd:").unwrap_or(text);
    matches!(
        bare,
        "string"
            | "boolean"
            | "int"
            | "unsignedInt"
            | "dateTime"
            | "long"
            | "unsignedLong"
            | "base64"
            | "hexBinary"
    )
    .then(|| format!("xsd:{bare}"))
}

/// Request of `queue_action`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueActionRequest {
    /// GenieACS id of the device.
    pub device: String,
    /// What to do.
    pub action: ActionInput,
    /// The device's ACS connection; needed only when several know the same id.
    #[serde(default)]
    pub acs: Option<String>,
}

/// An action and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionInfo {
    /// Action id.
    pub id: i64,
    /// GenieACS id of the device.
    pub device: String,
    /// The device's ACS connection.
    #[serde(default)]
    pub acs: String,
    /// Which action (`reboot`, `change_wifi`, `refresh`, …).
    #[serde(default)]
    pub action: String,
    /// What it does, for people (no secrets).
    pub description: String,
    /// Where it stands.
    pub status: crate::ActionStatus,
    /// Sends so far.
    #[serde(default)]
    pub attempts: u32,
    /// GenieACS's fault code, when it failed with one.
    #[serde(default)]
    pub fault_code: Option<String>,
    /// Why it failed, when it did.
    pub fault: Option<String>,
    /// Who asked (`desktop`, `cli`, `desktop (bulk)`…).
    #[serde(default)]
    pub requested_by: String,
    /// When it was asked for (Unix ms).
    pub created_ms: i64,
    /// When it ended (Unix ms).
    pub finished_ms: Option<i64>,
    /// Where a sent action is on its way (queued in GenieACS, downloading, …), as the
    /// worker last saw it; `None` before it was sent and once it ended.
    #[serde(default)]
    pub stage: Option<ActionStage>,
}

/// Where a sent action is between GenieACS taking its task and its proof: a firmware
/// update goes queued → downloading → transfer complete → proven (GenieACS deletes the
/// `download` task as soon as the router accepts it; the router reports the transfer
/// complete at a later session, then boots the new image).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "stage", rename_all = "snake_case")]
pub enum ActionStage {
    /// Its task waits in GenieACS for the router's next session.
    Queued,
    /// GenieACS ran its task; the outcome is being proven on the router.
    Ran,
    /// The router accepted the Download (at `since_ms`, GenieACS's clock) and is
    /// transferring the image.
    Downloading {
        /// When GenieACS sent the Download, Unix ms.
        since_ms: Option<i64>,
    },
    /// The router reported the transfer complete (at `at_ms`) and has yet to report
    /// the new version (it boots the image).
    TransferComplete {
        /// The router's `CompleteTime`, Unix ms.
        at_ms: Option<i64>,
        /// The version it still reports.
        reports: Option<String>,
    },
    /// The router runs a diagnostic; GenieACS reads its results at the router's own
    /// session when it is done (`8 DIAGNOSTICS COMPLETE`).
    Testing,
}

impl ActionStage {
    /// For people: "waiting in GenieACS for the device", "downloading the image", ….
    pub fn describe(&self) -> String {
        match self {
            ActionStage::Queued => "waiting in GenieACS for the device".into(),
            ActionStage::Ran => "run by GenieACS; waiting for proof on the device".into(),
            ActionStage::Downloading { .. } => {
                "GenieACS sent the download; the router is downloading the image".into()
            }
            ActionStage::Testing => {
                "the router is running the test; its results are read when it reports them".into()
            }
            ActionStage::TransferComplete { reports, .. } => format!(
                "transfer complete; waiting for the router to report the new version{}",
                reports
                    .as_deref()
                    .map(|v| format!(" (it still reports {v})"))
                    .unwrap_or_default()
            ),
        }
    }

    /// A short word for tables: `queued`, `ran`, `downloading`, `transferred`.
    pub fn word(&self) -> &'static str {
        match self {
            ActionStage::Queued => "queued",
            ActionStage::Ran => "ran",
            ActionStage::Downloading { .. } => "downloading",
            ActionStage::TransferComplete { .. } => "transferred",
            ActionStage::Testing => "testing",
        }
    }
}

/// Request of `list_actions`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListActionsRequest {
    /// Only this device's actions.
    pub device: Option<String>,
    /// Only actions in this state.
    #[serde(default)]
    pub status: Option<crate::ActionStatus>,
    /// At most this many, newest first (default 200, at most 100,000).
    #[serde(default)]
    pub limit: Option<u32>,
}

/// Response of `export_actions`: the actions written as CSV.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportedActions {
    /// Where it is.
    pub path: String,
    /// How many actions it holds.
    pub actions: u64,
}

/// The devices a bulk action is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BulkTargets {
    /// These devices, each named with its ACS connection.
    Devices {
        /// The devices.
        devices: Vec<DeviceKey>,
    },
    /// Every device the filter matches when the action is queued.
    Matching {
        /// The device list's filter.
        filter: crate::devices::DeviceFilter,
    },
}

/// A device and the ACS connection it is on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DeviceKey {
    /// ACS connection name.
    pub acs: String,
    /// GenieACS id.
    pub id: String,
}

/// Request of `queue_bulk_action`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueBulkRequest {
    /// The devices.
    pub targets: BulkTargets,
    /// What to do on each: reboot, factory reset, refresh, summon or ping.
    pub action: ActionInput,
}

/// Response of `queue_bulk_action`: one action per device, all queued together.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkQueued {
    /// The queued actions' ids, to follow with `bulk_progress`.
    pub ids: Vec<i64>,
    /// What each does, for people.
    pub description: String,
}

/// Request of `bulk_progress`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkProgressRequest {
    /// The actions of the bulk operation.
    pub ids: Vec<i64>,
}

/// Where a bulk operation stands.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkProgress {
    /// Actions in the operation.
    pub total: u64,
    /// Not yet given to GenieACS.
    pub pending: u64,
    /// In GenieACS, not yet proven.
    pub sent: u64,
    /// Proven done.
    pub completed: u64,
    /// Failed.
    pub failed: u64,
    /// Withdrawn.
    pub cancelled: u64,
    /// The first failures, with their reasons.
    pub failures: Vec<ActionInfo>,
    /// For a bulk ping, what the pings found so far.
    #[serde(default)]
    pub ping: Option<crate::diagnostics::PingSweep>,
}

impl BulkProgress {
    /// Actions that have ended, one way or another.
    pub fn finished(&self) -> u64 {
        self.completed + self.failed + self.cancelled
    }

    /// Whether every action has ended.
    pub fn is_done(&self) -> bool {
        self.finished() >= self.total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_urls_are_http_or_ftp_with_a_host() {
        for ok in [
            "http://speed.example.net/50MB.bin",
            "ftp://user:pw@10.0.0.5:2121/up",
            "HTTP://[2001:db8::1]:8080/file",
            "  http://speed.example.net  ",
        ] {
            assert!(check_test_url(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            redact_url("ftp://user:pw@10.0.0.5:2121/up?x=1"),
            "ftp://user:•••@10.0.0.5:2121/up?x=1"
        );
        assert_eq!(redact_url("http://a.example/x@y"), "http://a.example/x@y");
        assert_eq!(redact_url("8.8.8.8"), "8.8.8.8");
        assert_eq!(
            check_test_url("  http://speed.example.net  ").unwrap(),
            "http://speed.example.net"
        );
        for (bad, says) in [
            ("", "give the test server"),
            ("https://speed.example.net/f", "http:// or ftp://"),
            ("speed.example.net/f", "http:// or ftp://"),
            ("http:///file", "names no host"),
            ("http://a b/file", "spaces"),
        ] {
            let e = check_test_url(bad).unwrap_err();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }

    #[test]
    fn path_value_type_keeps_colons_in_values() {
        let p = ParamInput::parse("A.B.C=600:unsignedInt").unwrap();
        assert_eq!((p.path.as_str(), p.value.as_str()), ("A.B.C", "600"));
        assert_eq!(p.xsd_type.as_deref(), Some("xsd:unsignedInt"));
        let url = ParamInput::parse("A.URL=http://acs.example:7547/").unwrap();
        assert_eq!(
            (url.value.as_str(), url.xsd_type),
            ("http://acs.example:7547/", None)
        );
        let mac = ParamInput::parse("A.MAC=00:11:22:33:44:55:xsd:string").unwrap();
        assert_eq!(mac.value, "00:11:22:33:44:55");
        assert_eq!(ParamInput::parse("A=").unwrap().value, "");
        assert!(ParamInput::parse("no-equals")
            .unwrap_err()
            .contains("PATH=VALUE"));
    }
}
