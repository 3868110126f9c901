//! Normalisation: turns a GenieACS device document (TR-098 or TR-181, any vendor) into
//! AcsDesk's normalised device, through the one registry of parameter paths.
//!
//! Instance numbers are discovered from each tree, never assumed; a value the device
//! does not report is `None`, never a guess.

mod clients;
pub mod registry;
mod tree;
pub mod wan;
pub mod wifi;

use registry::{candidates, Field, Unit};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tree::Tree;
pub use wan::{Wan, WanKind};
pub use wifi::{Band, WifiNetwork};

/// The TR-069 data model of a device's tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DataModel {
    /// TR-098, rooted at `InternetGatewayDevice.`.
    #[serde(rename = "tr098")]
    Tr098,
    /// TR-181, rooted at `Device.`.
    #[serde(rename = "tr181")]
    Tr181,
}

impl DataModel {
    /// The root object of the model's tree.
    pub fn root(self) -> &'static str {
        match self {
            DataModel::Tr098 => "InternetGatewayDevice",
            DataModel::Tr181 => "Device",
        }
    }

    /// The short name used in storage and JSON output (`tr098`, `tr181`).
    pub fn as_str(self) -> &'static str {
        match self {
            DataModel::Tr098 => "tr098",
            DataModel::Tr181 => "tr181",
        }
    }
}

/// Router vendors whose quirks the registry knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Vendor {
    /// Huawei (HG8245, HG8546M, EG8145V5, BM632w…).
    Huawei,
    /// ZTE (F660, F670L…).
    Zte,
    /// MikroTik RouterOS.
    MikroTik,
    /// TP-Link.
    TpLink,
    /// Any other vendor.
    Other,
}

impl Vendor {
    /// The name AcsDesk gives a known vendor (`None` for any other).
    pub fn name(self) -> Option<&'static str> {
        match self {
            Vendor::Huawei => Some("Huawei"),
            Vendor::Zte => Some("ZTE"),
            Vendor::MikroTik => Some("MikroTik"),
            Vendor::TpLink => Some("TP-Link"),
            Vendor::Other => None,
        }
    }

    /// How a router's vendor is listed and filtered: a known vendor's name, else its
    /// own manufacturer string (trimmed).
    pub fn label(manufacturer: Option<&str>, oui: &str) -> Option<String> {
        Self::detect(manufacturer, oui)
            .name()
            .map(str::to_owned)
            .or_else(|| {
                manufacturer
                    .map(str::trim)
                    .filter(|m| !m.is_empty())
                    .map(str::to_owned)
            })
    }

    /// Recognises a vendor from the manufacturer name and OUI of the Inform.
    pub fn detect(manufacturer: Option<&str>, oui: &str) -> Self {
        let m = manufacturer.unwrap_or_default().to_ascii_lowercase();
        let oui = oui.to_ascii_uppercase();
        if m.contains("huawei") || ["00E0FC", "202BC1", "00259E", "48575E"].contains(&oui.as_str())
        {
            Vendor::Huawei
        } else if m.contains("zte") || oui == "001141" || oui == "D0608C" {
            Vendor::Zte
        } else if m.contains("mikrotik") || m.contains("routerboard") {
            Vendor::MikroTik
        } else if m.contains("tp-link") || m.contains("tplink") {
            Vendor::TpLink
        } else {
            Vendor::Other
        }
    }
}

/// Width of a byte counter: TR-098 counters are 32-bit and wrap; TR-181 ones are 64-bit
/// where the device declares `xsd:unsignedLong`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CounterWidth {
    /// Wraps at 2^32.
    #[serde(rename = "32")]
    Bits32,
    /// Wraps at 2^64.
    #[serde(rename = "64")]
    Bits64,
}

impl CounterWidth {
    /// The counter's modulus: the value after which it wraps to zero.
    pub fn modulus(self) -> u128 {
        match self {
            CounterWidth::Bits32 => 1 << 32,
            CounterWidth::Bits64 => 1 << 64,
        }
    }
}

/// WAN byte counters as last read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ByteCounters {
    /// Bytes sent (upload) since the counter last started.
    pub sent: u64,
    /// Bytes received (download) since the counter last started.
    pub received: u64,
    /// Where the counters wrap.
    pub width: CounterWidth,
}

/// AcsDesk's normalised view of one GenieACS device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NormalizedDevice {
    /// GenieACS `_id` (`OUI-ProductClass-Serial`, GenieACS-escaped).
    pub id: String,
    /// Serial number.
    pub serial: String,
    /// Manufacturer OUI.
    pub oui: String,
    /// Product class.
    pub product_class: String,
    /// Manufacturer name.
    pub manufacturer: Option<String>,
    /// Recognised vendor.
    pub vendor: Vendor,
    /// Model name.
    pub model: Option<String>,
    /// Software (firmware) version.
    pub firmware: Option<String>,
    /// Hardware version.
    pub hardware: Option<String>,
    /// The WAN's MAC address: TR-098 the WAN connection's `MACAddress`; TR-181 the first
    /// `MACAddress` down the interface stack from the WAN (`LowerLayers`: PPP →
    /// VLAN termination → Ethernet link), else the first Ethernet interface's or link's.
    pub mac: Option<String>,
    /// WAN (public) IPv4 address.
    pub wan_ip: Option<String>,
    /// LAN IPv4 address.
    pub lan_ip: Option<String>,
    /// Seconds since boot.
    pub uptime_s: Option<u64>,
    /// CPU usage, percent.
    pub cpu_pct: Option<f64>,
    /// Memory in use, percent.
    pub mem_pct: Option<f64>,
    /// Signal strength in dBm (LTE RSSI or PON receive power).
    pub signal_dbm: Option<f64>,
    /// A PON router's optical receive power, dBm (linear readings converted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optical_rx_dbm: Option<f64>,
    /// A PON router's optical transmit power, dBm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optical_tx_dbm: Option<f64>,
    /// WiFi networks per band.
    pub wifi: Vec<WifiNetwork>,
    /// The devices on its LAN (host table and WiFi stations).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clients: Vec<acsdesk_types::devices::LanClient>,
    /// Connected WiFi clients per band.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wifi_clients: Vec<(Band, u32)>,
    /// The internet WAN connection.
    pub wan: Option<Wan>,
    /// WAN byte counters.
    pub counters: Option<ByteCounters>,
    /// Periodic inform interval, seconds.
    pub inform_interval_s: Option<u32>,
    /// Last inform, Unix milliseconds.
    pub last_inform_ms: Option<i64>,
    /// Last boot, Unix milliseconds.
    pub last_boot_ms: Option<i64>,
    /// First registration with GenieACS, Unix milliseconds.
    pub registered_ms: Option<i64>,
    /// The tree's data model, when the document holds one.
    pub data_model: Option<DataModel>,
    /// GenieACS tags.
    pub tags: Vec<String>,
    /// The values above that the router has but GenieACS has not read yet (its tree
    /// lists the parameter, as GetParameterNames left it, with no value): `cpu`,
    /// `memory`, `uptime`, `signal`, `optical`, `firmware`, `model`, `hardware`,
    /// `inform_interval`, `wan_ip`, `wan_status`, `pppoe_user`, `lan_ip`, `mac`, `wifi`. Shown as "not
    /// fetched yet", never as absent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_fetched: Vec<String>,
}

impl NormalizedDevice {
    /// Whether `what` (a name of [`NormalizedDevice::not_fetched`]) is there.
    pub fn is_unfetched(&self, what: &str) -> bool {
        self.not_fetched.iter().any(|n| n == what)
    }

    /// The PPPoE username of the internet WAN, if it is PPP.
    pub fn pppoe_username(&self) -> Option<&str> {
        self.wan.as_ref()?.username.as_deref()
    }

    /// The SSID of the first network on `band`.
    pub fn ssid(&self, band: Band) -> Option<&str> {
        self.wifi.iter().find(|w| w.band == band)?.ssid.as_deref()
    }
}

/// Why a document could not be normalised.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NormalizeError {
    /// The document is not a JSON object.
    #[error("a GenieACS device document must be a JSON object")]
    NotAnObject,
    /// A field every GenieACS device has is missing.
    #[error("the device document has no {0}")]
    Missing(&'static str),
}

/// Normalises one GenieACS device document (full or projected with
/// [`registry::projection`]).
///
/// Fails only when the identity GenieACS always provides (`_id`, serial, OUI, product
/// class) is missing; any other value the device lacks is `None`.
pub fn normalize(doc: &Value) -> Result<NormalizedDevice, NormalizeError> {
    if !doc.is_object() {
        return Err(NormalizeError::NotAnObject);
    }
    let tree = Tree(doc);
    let id = doc
        .get("_id")
        .and_then(Value::as_str)
        .ok_or(NormalizeError::Missing("_id"))?
        .to_owned();
    let device_id = |key: &str| {
        doc.get("_deviceId")
            .and_then(|d| d.get(key))
            .and_then(Value::as_str)
            .map(str::to_owned)
            .filter(|s| !s.is_empty())
    };
    let data_model = detect_model(&tree);
    let read = |field: Field| first_text(&tree, data_model, field);
    let serial = device_id("_SerialNumber")
        .or_else(|| read(Field::SerialNumber))
        .ok_or(NormalizeError::Missing(
            "serial number (_deviceId._SerialNumber)",
        ))?;
    let oui = device_id("_OUI").ok_or(NormalizeError::Missing("OUI (_deviceId._OUI)"))?;
    let product_class = device_id("_ProductClass").ok_or(NormalizeError::Missing(
        "product class (_deviceId._ProductClass)",
    ))?;
    let manufacturer = device_id("_Manufacturer").or_else(|| read(Field::Manufacturer));
    let vendor = Vendor::detect(manufacturer.as_deref(), &oui);

    let wan = match data_model {
        Some(DataModel::Tr098) => wan::tr098(&tree),
        Some(DataModel::Tr181) => wan::tr181(&tree),
        None => None,
    };
    let lan_ip = match data_model {
        Some(DataModel::Tr098) => wan::tr098_lan_ip(&tree),
        Some(DataModel::Tr181) => wan::tr181_lan_ip(&tree, wan.as_ref()),
        None => None,
    };
    let wifi = match data_model {
        Some(DataModel::Tr098) => wifi::tr098(&tree),
        Some(DataModel::Tr181) => wifi::tr181(&tree),
        None => Vec::new(),
    };
    let clients = match data_model {
        Some(DataModel::Tr098) => clients::tr098(&tree, &wifi),
        Some(DataModel::Tr181) => clients::tr181(&tree, &wifi),
        None => Vec::new(),
    };
    let wifi_clients = clients::per_band(&tree, &wifi, &clients);
    let mac = wan
        .as_ref()
        .and_then(|w| w.mac.clone())
        .or_else(|| match data_model {
            Some(DataModel::Tr181) => [
                registry::objects::TR181_ETH_INTERFACE,
                registry::objects::TR181_ETH_LINK,
            ]
            .iter()
            .flat_map(|p| tree.expand(&format!("{p}.MACAddress")))
            .find_map(|p| tree.text(&p)),
            _ => None,
        });
    let counters = wan.as_ref().and_then(|w| {
        let sent_path = w.bytes_sent_path.as_deref()?;
        let received_path = w.bytes_received_path.as_deref()?;
        let sent = tree.number(sent_path)?;
        let received = tree.number(received_path)?;
        let width = if tree.xsd_type(sent_path) == Some("xsd:unsignedLong") {
            CounterWidth::Bits64
        } else {
            CounterWidth::Bits32
        };
        (sent >= 0.0 && received >= 0.0).then_some(ByteCounters {
            sent: sent as u64,
            received: received as u64,
            width,
        })
    });

    let number = |field: Field| first_number(&tree, data_model, field);
    let percent = |v: f64| (0.0..=100.0).contains(&v).then_some(v);
    let mem_pct = number(Field::MemoryUsedPercent)
        .and_then(percent)
        .or_else(|| {
            let total = number(Field::MemoryTotal).filter(|t| *t > 0.0)?;
            let free = number(Field::MemoryFree).filter(|f| *f >= 0.0 && *f <= total)?;
            Some((total - free) / total * 100.0)
        });
    // A signal outside what a receiver can report is a unit this registry does not know.
    let dbm = |v: f64| (-130.0..=10.0).contains(&v).then_some(v);
    let optical_rx_dbm = number(Field::OpticalRxPower).and_then(|v| optical_dbm(v, 0.0));
    let optical_tx_dbm = number(Field::OpticalTxPower).and_then(|v| optical_dbm(v, 10.0));
    let signal_dbm = number(Field::CellularRssi).and_then(dbm).or(optical_rx_dbm);

    let mut not_fetched = Vec::new();
    {
        let mut unread = |name: &'static str, have: bool, fields: &[Field]| {
            let listed = fields.iter().any(|f| {
                candidate_paths(&tree, data_model, *f)
                    .iter()
                    .any(|(p, _)| tree.unread(p))
            });
            if !have && listed {
                not_fetched.push(name.to_owned());
            }
        };
        unread(
            "model",
            read(Field::ModelName).is_some(),
            &[Field::ModelName],
        );
        unread(
            "firmware",
            read(Field::SoftwareVersion).is_some(),
            &[Field::SoftwareVersion],
        );
        unread(
            "hardware",
            read(Field::HardwareVersion).is_some(),
            &[Field::HardwareVersion],
        );
        unread("uptime", number(Field::UpTime).is_some(), &[Field::UpTime]);
        unread("cpu", number(Field::CpuUsage).is_some(), &[Field::CpuUsage]);
        unread(
            "memory",
            mem_pct.is_some(),
            &[
                Field::MemoryUsedPercent,
                Field::MemoryTotal,
                Field::MemoryFree,
            ],
        );
        unread(
            "signal",
            signal_dbm.is_some(),
            &[Field::CellularRssi, Field::OpticalRxPower],
        );
        unread(
            "optical",
            optical_rx_dbm.is_some(),
            &[Field::OpticalRxPower, Field::OpticalTxPower],
        );
        unread(
            "inform_interval",
            number(Field::InformInterval).is_some(),
            &[Field::InformInterval],
        );
    }
    // The WAN's IP and state: wherever a WAN of this model keeps them (a partial tree
    // may not even say which WAN is the internet one).
    {
        use registry::objects::{TR098_WAN_IP, TR098_WAN_PPP, TR181_IP, TR181_PPP};
        let any_unread = |patterns: &[String]| {
            patterns
                .iter()
                .flat_map(|p| tree.expand(p))
                .any(|p| tree.unread(&p))
        };
        let ip_paths = [
            format!("{TR098_WAN_PPP}.ExternalIPAddress"),
            format!("{TR098_WAN_IP}.ExternalIPAddress"),
            format!("{TR181_PPP}.IPCP.LocalIPAddress"),
            format!("{TR181_IP}.IPv4Address.*.IPAddress"),
        ];
        let status_paths = [
            format!("{TR098_WAN_PPP}.ConnectionStatus"),
            format!("{TR098_WAN_IP}.ConnectionStatus"),
            format!("{TR181_PPP}.ConnectionStatus"),
            format!("{TR181_IP}.Status"),
        ];
        let ip = wan.as_ref().and_then(|w| w.ip.as_ref());
        if ip.is_none() && any_unread(&ip_paths) {
            not_fetched.push("wan_ip".into());
        }
        let status = wan.as_ref().and_then(|w| w.status.as_ref());
        if status.is_none() && any_unread(&status_paths) {
            not_fetched.push("wan_status".into());
        }
        let user = wan.as_ref().and_then(|w| w.username.as_ref());
        if user.is_none()
            && any_unread(&[
                format!("{TR098_WAN_PPP}.Username"),
                format!("{TR181_PPP}.Username"),
            ])
        {
            not_fetched.push("pppoe_user".into());
        }
        use registry::objects::{TR098_LAN_IP, TR181_ETH_INTERFACE, TR181_ETH_LINK};
        if lan_ip.is_none()
            && any_unread(&[
                format!("{TR098_LAN_IP}.IPInterfaceIPAddress"),
                format!("{TR181_IP}.IPv4Address.*.IPAddress"),
            ])
        {
            not_fetched.push("lan_ip".into());
        }
        if mac.is_none()
            && any_unread(&[
                format!("{TR098_WAN_PPP}.MACAddress"),
                format!("{TR098_WAN_IP}.MACAddress"),
                format!("{TR181_ETH_LINK}.MACAddress"),
                format!("{TR181_ETH_INTERFACE}.MACAddress"),
            ])
        {
            not_fetched.push("mac".into());
        }
        use registry::objects::{TR098_HOSTS, TR181_HOSTS};
        if clients.is_empty()
            && any_unread(&[
                format!("{TR098_HOSTS}.MACAddress"),
                format!("{TR181_HOSTS}.PhysAddress"),
            ])
        {
            not_fetched.push("clients".into());
        }
    }
    if wifi
        .iter()
        .any(|n| n.ssid.is_none() && tree.unread(&format!("{}.SSID", n.path)))
    {
        not_fetched.push("wifi".into());
    }

    Ok(NormalizedDevice {
        id,
        serial,
        oui,
        product_class,
        manufacturer,
        vendor,
        model: read(Field::ModelName),
        firmware: read(Field::SoftwareVersion),
        hardware: read(Field::HardwareVersion),
        mac,
        wan_ip: wan.as_ref().and_then(|w| w.ip.clone()),
        lan_ip,
        uptime_s: number(Field::UpTime)
            .filter(|u| *u >= 0.0)
            .map(|u| u as u64),
        cpu_pct: number(Field::CpuUsage).and_then(percent),
        mem_pct,
        signal_dbm,
        optical_rx_dbm,
        optical_tx_dbm,
        wifi,
        clients,
        wifi_clients,
        wan,
        counters,
        inform_interval_s: number(Field::InformInterval)
            .filter(|i| *i > 0.0 && *i <= f64::from(u32::MAX))
            .map(|i| i as u32),
        last_inform_ms: timestamp(doc.get("_lastInform")),
        last_boot_ms: timestamp(doc.get("_lastBoot")),
        registered_ms: timestamp(doc.get("_registered")),
        data_model,
        tags: doc
            .get("_tags")
            .and_then(Value::as_array)
            .map(|tags| {
                tags.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        not_fetched,
    })
}

/// Which data model a document's tree uses. Some TP-Link models expose both roots: the
/// one whose `ManagementServer` GenieACS holds (the tree CWMP uses) wins, else TR-098.
fn detect_model(tree: &Tree<'_>) -> Option<DataModel> {
    let has = |m: DataModel| tree.node(m.root()).is_some();
    match (has(DataModel::Tr098), has(DataModel::Tr181)) {
        (true, false) => Some(DataModel::Tr098),
        (false, true) => Some(DataModel::Tr181),
        (false, false) => None,
        (true, true) => {
            if tree.node("Device.ManagementServer").is_some()
                && tree
                    .node("InternetGatewayDevice.ManagementServer")
                    .is_none()
            {
                Some(DataModel::Tr181)
            } else {
                Some(DataModel::Tr098)
            }
        }
    }
}

/// The concrete paths of a field's candidates for this model, in preference order.
fn candidate_paths(tree: &Tree<'_>, model: Option<DataModel>, field: Field) -> Vec<(String, Unit)> {
    candidates(field)
        .iter()
        .filter(|c| Some(c.model) == model)
        .flat_map(|c| {
            if c.path.contains('*') {
                tree.expand(c.path)
                    .into_iter()
                    .map(|p| (p, c.unit))
                    .collect()
            } else {
                vec![(c.path.to_owned(), c.unit)]
            }
        })
        .collect()
}

fn first_text(tree: &Tree<'_>, model: Option<DataModel>, field: Field) -> Option<String> {
    candidate_paths(tree, model, field)
        .into_iter()
        .find_map(|(p, _)| tree.text(&p))
}

/// An optical power as dBm: a reading above `max_dbm` — more light than a PON port
/// sends or takes — is a firmware reporting linear units (µW), converted; anything
/// outside −50…+10 dBm after that is a unit this registry does not know. Two decimals.
fn optical_dbm(value: f64, max_dbm: f64) -> Option<f64> {
    // Nothing read, or no light at all (loss of signal), is no level.
    if !value.is_finite() || value == 0.0 {
        return None;
    }
    let dbm = if value > max_dbm {
        10.0 * (value / 1000.0).log10()
    } else {
        value
    };
    (-50.0..=10.0)
        .contains(&dbm)
        .then_some((dbm * 100.0).round() / 100.0)
}

fn first_number(tree: &Tree<'_>, model: Option<DataModel>, field: Field) -> Option<f64> {
    candidate_paths(tree, model, field)
        .into_iter()
        .find_map(|(p, unit)| {
            tree.number(&p).map(|v| match unit {
                Unit::Native => v,
                Unit::MilliDbm => v / 1000.0,
            })
        })
}

/// Parses GenieACS's ISO-8601 timestamps (`2026-11-23T21:06:38.272Z`) to Unix ms.
pub fn timestamp(value: Option<&Value>) -> Option<i64> {
    acsdesk_time::parse_iso(value?.as_str()?)
}

#[cfg(test)]
mod tests;
