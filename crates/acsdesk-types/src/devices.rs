//! The device list and device detail: filters, sorting, rows and facets, as the UI asks
//! for them and the backend answers.

use serde::{Deserialize, Serialize};

/// Online or offline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    /// Informed within its allowed interval.
    Online,
    /// Has not informed in time.
    Offline,
}

/// The device list's filters. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DeviceFilter {
    /// Online or offline only.
    pub presence: Option<Presence>,
    /// Manufacturer (exact).
    pub vendor: Option<String>,
    /// Model (exact).
    pub model: Option<String>,
    /// Firmware version (exact).
    pub firmware: Option<String>,
    /// ACS connection name (exact).
    pub acs: Option<String>,
    /// GenieACS tag (exact).
    pub tag: Option<String>,
    /// Linked to a subscriber (`true`) or not (`false`).
    pub linked: Option<bool>,
    /// Free text matched against serial, subscriber, IP and MAC.
    pub search: Option<String>,
}

impl DeviceFilter {
    /// Whether no filter is set.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// The columns the list can be sorted by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    /// Online first (or last).
    Status,
    /// Model name.
    Model,
    /// Serial number.
    #[default]
    Serial,
    /// Subscriber name.
    Subscriber,
    /// WAN IP address.
    WanIp,
    /// Uptime.
    Uptime,
    /// Signal strength.
    Signal,
    /// Firmware version.
    Firmware,
    /// Last inform.
    LastSeen,
}

/// A sort order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DeviceSort {
    /// The column.
    pub key: SortKey,
    /// Descending instead of ascending.
    pub descending: bool,
}

/// Request of `list_devices`: one window of the filtered, sorted list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListDevicesRequest {
    /// Filters.
    pub filter: DeviceFilter,
    /// Sort order.
    pub sort: DeviceSort,
    /// Index of the first row wanted.
    pub offset: u32,
    /// How many rows (the backend caps it at 1000).
    pub limit: u32,
}

/// One row of the device list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceRow {
    /// GenieACS id.
    pub id: String,
    /// ACS connection name.
    pub acs: String,
    /// Online now.
    pub online: bool,
    /// Manufacturer.
    pub vendor: Option<String>,
    /// Model.
    pub model: Option<String>,
    /// Serial number.
    pub serial: String,
    /// Linked subscriber's name.
    pub subscriber: Option<String>,
    /// WAN IP.
    pub wan_ip: Option<String>,
    /// Uptime, seconds.
    pub uptime_s: Option<u64>,
    /// Signal, dBm.
    pub signal_dbm: Option<f64>,
    /// Firmware.
    pub firmware: Option<String>,
    /// Last inform, Unix ms.
    pub last_inform_ms: Option<i64>,
    /// What GenieACS has yet to read of a router that only informed (names as in
    /// [`DeviceDetail::not_fetched`]): its cells say so rather than stay blank.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_fetched: Vec<String>,
}

impl DeviceRow {
    /// Whether GenieACS has yet to read `what` (a name of `not_fetched`).
    pub fn is_unfetched(&self, what: &str) -> bool {
        names(&self.not_fetched, what)
    }
}

/// Whether the list of value names `list` holds `what`.
fn names(list: &[String], what: &str) -> bool {
    list.iter().any(|n| n == what)
}

/// Response of `list_devices`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListDevicesResponse {
    /// Rows matching the filter (all pages).
    pub total: u64,
    /// Of those, how many are online.
    pub online: u64,
    /// Devices in the tenant, unfiltered.
    pub fleet: u64,
    /// The requested window of rows.
    pub rows: Vec<DeviceRow>,
}

/// The distinct values the filters can take, with counts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DeviceFacets {
    /// Manufacturers.
    pub vendors: Vec<(String, u64)>,
    /// Models.
    pub models: Vec<(String, u64)>,
    /// Firmware versions.
    pub firmwares: Vec<(String, u64)>,
    /// ACS connection names.
    pub acs: Vec<(String, u64)>,
    /// Tags.
    pub tags: Vec<(String, u64)>,
}

/// Request of `device_facets`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceFacetsRequest {}

pub use acsdesk_time::{format_ago, format_uptime};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_entries_are_grouped_and_narrowed() {
        use crate::{LogGroup, LogLevel};
        for (kind, group) in [
            ("online", LogGroup::Status),
            ("rebooted", LogGroup::Status),
            ("action_failed", LogGroup::Action),
            ("action_result", LogGroup::Action),
            ("provisioning_failed", LogGroup::Provisioning),
            ("configuration_lost", LogGroup::Provisioning),
            ("task_failed", LogGroup::Fault),
            ("router_error", LogGroup::RouterError),
            ("ppp_failing", LogGroup::RouterError),
        ] {
            assert_eq!(LogGroup::of(kind), group, "{kind}");
        }
        let entry = |level, kind: &str, message: &str, payload: Option<&str>| LogInfo {
            device: "d".into(),
            serial: "s".into(),
            level,
            kind: kind.into(),
            message: message.into(),
            at_ms: 0,
            payload: payload.map(str::to_owned),
        };
        let ping = entry(
            LogLevel::Info,
            "action_result",
            "Ping 8.8.8.8: 4 of 4 answered",
            Some(r#"{"action_id":7}"#),
        );
        let down = entry(LogLevel::Warning, "offline", "went offline", None);
        let all = DeviceLogsRequest::default();
        assert!(all.admits(&ping) && all.admits(&down));
        let actions = DeviceLogsRequest {
            groups: vec![LogGroup::Action],
            ..DeviceLogsRequest::default()
        };
        assert!(actions.admits(&ping) && !actions.admits(&down));
        let warnings = DeviceLogsRequest {
            levels: vec![LogLevel::Warning, LogLevel::Error],
            ..DeviceLogsRequest::default()
        };
        assert!(!warnings.admits(&ping) && warnings.admits(&down));
        let text = |t: &str| DeviceLogsRequest {
            search: Some(t.into()),
            ..DeviceLogsRequest::default()
        };
        assert!(text("PING").admits(&ping), "any case");
        assert!(text("action_id").admits(&ping), "the payload too");
        assert!(!text("8.8.4.4").admits(&ping));
        assert!(text("  ").admits(&down), "blank is no filter");
    }

    #[test]
    fn requests_round_trip_with_defaults() {
        let req = ListDevicesRequest {
            filter: DeviceFilter {
                presence: Some(Presence::Offline),
                search: Some("0042".into()),
                ..DeviceFilter::default()
            },
            sort: DeviceSort {
                key: SortKey::LastSeen,
                descending: true,
            },
            offset: 100,
            limit: 50,
        };
        let json = serde_json::to_value(&req).unwrap();
        assert_eq!(json["filter"]["presence"], "offline");
        assert_eq!(json["sort"]["key"], "last_seen");
        let back: ListDevicesRequest = serde_json::from_value(json).unwrap();
        assert_eq!(back, req);
        assert!(DeviceFilter::default().is_empty());
        assert!(!req.filter.is_empty());
    }
}

/// Request of `get_device`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetDeviceRequest {
    /// GenieACS id.
    pub id: String,
}

/// One WiFi network of a device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WifiInfo {
    /// `2.4`, `5`, `6` or `unknown`.
    pub band: crate::WifiBand,
    /// The SSID, when set.
    pub ssid: Option<String>,
    /// Whether the network is enabled, when known.
    pub enabled: Option<bool>,
    /// The channel in use.
    #[serde(default)]
    pub channel: Option<u32>,
    /// Channel width (`20MHz`, `80MHz`, `Auto`).
    #[serde(default)]
    pub bandwidth: Option<String>,
    /// The 802.11 standards it runs.
    #[serde(default)]
    pub standard: Option<String>,
}

impl WifiInfo {
    /// `channel 6, 20MHz, b/g/n`, or empty when the router says none of it.
    pub fn radio(&self) -> String {
        let mut parts = Vec::new();
        if let Some(c) = self.channel {
            parts.push(format!("channel {c}"));
        }
        if let Some(b) = &self.bandwidth {
            parts.push(b.clone());
        }
        if let Some(s) = &self.standard {
            parts.push(s.clone());
        }
        parts.join(", ")
    }
}

/// A device on a router's LAN, from its host table and its WiFi association tables.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LanClient {
    /// MAC address (upper case).
    pub mac: String,
    /// Host name, when the router learnt one (DHCP).
    pub name: Option<String>,
    /// IPv4 address.
    pub ip: Option<String>,
    /// Connected now (the router's `Active`).
    pub active: bool,
    /// On a cable (the router names an Ethernet port).
    pub wired: bool,
    /// The WiFi band it is associated on.
    pub band: Option<crate::WifiBand>,
    /// WiFi signal, dBm, where the data model reports one.
    pub signal_dbm: Option<i32>,
}

/// Everything the device dashboard shows about a device, from the local store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceDetail {
    /// The list row (identity and headline values).
    pub row: DeviceRow,
    /// OUI.
    pub oui: String,
    /// Product class.
    pub product_class: String,
    /// Hardware version.
    pub hardware: Option<String>,
    /// MAC address.
    pub mac: Option<String>,
    /// LAN IP.
    pub lan_ip: Option<String>,
    /// CPU %.
    pub cpu_pct: Option<f64>,
    /// Memory %.
    pub mem_pct: Option<f64>,
    /// A PON router's optical receive power, dBm (none: no optical interface, or not
    /// fetched yet — `not_fetched` says which).
    #[serde(default)]
    pub optical_rx_dbm: Option<f64>,
    /// A PON router's optical transmit power, dBm.
    #[serde(default)]
    pub optical_tx_dbm: Option<f64>,
    /// WiFi networks.
    pub wifi: Vec<WifiInfo>,
    /// The devices on its LAN, connected ones first (none: the router lists none, or
    /// GenieACS has not read its host table — `not_fetched` says `clients`).
    #[serde(default)]
    pub clients: Vec<LanClient>,
    /// Connected WiFi clients per band.
    #[serde(default)]
    pub wifi_clients: Vec<(crate::WifiBand, u32)>,
    /// PPPoE username.
    pub pppoe_username: Option<String>,
    /// WAN status and last error.
    pub wan_status: Option<String>,
    /// WAN last error.
    pub wan_error: Option<String>,
    /// How the WAN connects (`PPPoE`, `IPoE (DHCP)`…).
    #[serde(default)]
    pub wan_type: Option<String>,
    /// The DNS servers the WAN was given.
    #[serde(default)]
    pub dns_servers: Vec<String>,
    /// Inform interval, seconds.
    pub inform_interval_s: Option<u32>,
    /// `tr098` or `tr181`.
    pub data_model: Option<String>,
    /// GenieACS tags.
    pub tags: Vec<String>,
    /// The device's own offline-alert threshold in minutes; none follows the tenant's.
    #[serde(default)]
    pub offline_after_min: Option<u32>,
    /// Values the router has that GenieACS has not read yet (`cpu`, `memory`, `uptime`,
    /// `signal`, `optical`, `firmware`, `model`, `hardware`, `inform_interval`, `wan_ip`,
    /// `wan_status`, `pppoe_user`, `lan_ip`, `mac`, `wifi`): shown as "not fetched yet"
    /// rather than as missing.
    #[serde(default)]
    pub not_fetched: Vec<String>,
}

impl DeviceDetail {
    /// Whether GenieACS has yet to read `what` (a name of `not_fetched`).
    pub fn is_unfetched(&self, what: &str) -> bool {
        names(&self.not_fetched, what)
    }
}

/// A time range for charts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ChartRange {
    /// The last hour.
    #[serde(rename = "1h")]
    Hour,
    /// The last 24 hours.
    #[default]
    #[serde(rename = "24h")]
    Day,
    /// The last 7 days.
    #[serde(rename = "7d")]
    Week,
    /// The last 30 days.
    #[serde(rename = "30d")]
    Month,
}

impl ChartRange {
    /// Every range, in order.
    pub const ALL: [ChartRange; 4] = [
        ChartRange::Hour,
        ChartRange::Day,
        ChartRange::Week,
        ChartRange::Month,
    ];

    /// Its length in milliseconds.
    pub fn millis(self) -> i64 {
        match self {
            ChartRange::Hour => 3_600_000,
            ChartRange::Day => 86_400_000,
            ChartRange::Week => 7 * 86_400_000,
            ChartRange::Month => 30 * 86_400_000,
        }
    }

    /// Its label (`1h`, `24h`, `7d`, `30d`).
    pub fn label(self) -> &'static str {
        match self {
            ChartRange::Hour => "1h",
            ChartRange::Day => "24h",
            ChartRange::Week => "7d",
            ChartRange::Month => "30d",
        }
    }
}

/// Request of `device_chart`: one metric of one device, drawn as SVG by the backend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceChartRequest {
    /// GenieACS id.
    pub id: String,
    /// `cpu`, `memory`, `rx`, `tx`, `signal`, `uptime`, `clients_2g` or `clients_5g`.
    pub metric: crate::Metric,
    /// The time range, ending now.
    pub range: ChartRange,
    /// `light` or `dark`.
    pub dark: bool,
    /// The viewer's UTC offset in minutes (as JavaScript's `-getTimezoneOffset()`).
    pub utc_offset_min: i32,
}

/// A chart file's format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartFormat {
    /// Scalable (for documents and the web).
    #[default]
    Svg,
    /// A picture (for messages and slides).
    Png,
}

/// Request of `export_chart`: one of the dashboard's charts, as a file of the export
/// folder (drawn light and larger, for reports).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportChartRequest {
    /// The chart, as the dashboard asks for it.
    pub chart: DeviceChartRequest,
    /// SVG or PNG.
    #[serde(default)]
    pub format: ChartFormat,
}

/// Response of `export_chart`: the file written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportedChart {
    /// Where it is.
    pub path: String,
    /// How many points it draws.
    pub points: u32,
}

/// Response of `device_chart`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceChart {
    /// The SVG document.
    pub svg: String,
    /// How many points it shows.
    pub points: u32,
    /// `false` when the device has never given a value for this metric (a model that
    /// does not report it): the UI says so instead of showing an empty chart.
    #[serde(default = "reported_default")]
    pub reported: bool,
    /// The router has this value but GenieACS has not read it yet (it only informed):
    /// the UI says how to have it read instead of "not reported".
    #[serde(default)]
    pub not_fetched: bool,
}

fn reported_default() -> bool {
    true
}

/// Request of `device_logs`: a device's log, newest first, narrowed by level, group
/// and text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceLogsRequest {
    /// GenieACS id.
    pub id: String,
    /// At most this many, newest first.
    pub limit: u32,
    /// Only these levels (all when empty).
    #[serde(default)]
    pub levels: Vec<crate::LogLevel>,
    /// Only these groups (all when empty).
    #[serde(default)]
    pub groups: Vec<crate::LogGroup>,
    /// Only entries whose message, kind or payload holds this (any case).
    #[serde(default)]
    pub search: Option<String>,
}

impl DeviceLogsRequest {
    /// Whether `entry` passes the filters.
    pub fn admits(&self, entry: &LogInfo) -> bool {
        let needle = self
            .search
            .as_deref()
            .map(|s| s.trim().to_lowercase())
            .filter(|s| !s.is_empty());
        (self.levels.is_empty() || self.levels.contains(&entry.level))
            && (self.groups.is_empty() || self.groups.contains(&crate::LogGroup::of(&entry.kind)))
            && needle.is_none_or(|n| {
                entry.message.to_lowercase().contains(&n)
                    || entry.kind.to_lowercase().contains(&n)
                    || entry
                        .payload
                        .as_deref()
                        .is_some_and(|p| p.to_lowercase().contains(&n))
            })
    }
}

/// Request of `export_devices`: the device list as filtered and sorted, every matching
/// device (not only those loaded).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportDevicesRequest {
    /// The list's filters.
    #[serde(default)]
    pub filter: DeviceFilter,
    /// The list's order.
    #[serde(default)]
    pub sort: DeviceSort,
}

/// Response of `export_devices`: the list written as CSV.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportedDevices {
    /// Where it is.
    pub path: String,
    /// How many devices it holds.
    pub devices: u64,
}

/// Response of `export_device_log`: the log written as CSV.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportedLog {
    /// Where it is.
    pub path: String,
    /// How many entries it holds.
    pub entries: u64,
}

/// One device log entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogInfo {
    /// The device's GenieACS id.
    #[serde(default)]
    pub device: String,
    /// The device's serial.
    #[serde(default)]
    pub serial: String,
    /// `info`, `warning` or `error`.
    pub level: crate::LogLevel,
    /// `online`, `offline`, `router_error`, `action_completed`, …
    pub kind: String,
    /// What happened.
    pub message: String,
    /// When (Unix ms).
    pub at_ms: i64,
    /// What was recorded with it (JSON: the action, the fault, the values), when there
    /// is anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<String>,
}

/// Request of `device_parameters`: the device's parameters, live from GenieACS.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceParametersRequest {
    /// GenieACS id.
    pub device: String,
    /// Only those under this path (all when `None`).
    #[serde(default)]
    pub prefix: Option<String>,
}

/// One parameter of a device as GenieACS holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParameterInfo {
    /// Full path.
    pub path: String,
    /// The value as text.
    pub value: String,
    /// Its xsd type, when recorded.
    pub xsd_type: Option<String>,
    /// Whether it can be set, when recorded.
    pub writable: Option<bool>,
}

/// Request of `firmware_files`: the GenieACS files that fit a device.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirmwareFilesRequest {
    /// GenieACS id.
    pub device: String,
}

/// A firmware image in GenieACS that fits the device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirmwareFileInfo {
    /// The file's name (its GenieACS id).
    pub name: String,
    /// The version it installs, if its metadata says.
    pub version: Option<String>,
    /// Size in bytes.
    pub size: u64,
}
