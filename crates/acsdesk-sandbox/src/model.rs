//! The simulated models' parameter tables: for each vendor model, the paths its data
//! model holds (instance numbers that are not 1, Huawei's service-list WANs, ZTE's bridged
//! WAN, passwords that read back empty, 32-bit counters, values some models lack), each
//! with its type, writability and how a device produces its value. A table is built once
//! and shared by every device of the model, so a fleet of 100,000 holds one table per
//! model plus a few hundred bytes of state per device. Devices imported from GenieACS
//! documents carry a table of their own, read from the document.

use crate::device::parse_iso;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

/// The simulated vendor models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Model {
    /// MikroTik hAP ac lite (TR-181).
    MikroTik,
    /// MikroTik with an LTE modem (TR-181, cellular signal).
    MikroTikLte,
    /// TP-Link Archer C6 (TR-098).
    TpLink,
    /// Huawei HG8245H (TR-098, GPON, service-list WANs).
    Huawei,
    /// ZTE F670L (TR-098, GPON, bridged WAN first).
    Zte,
}

/// A device's identity as GenieACS builds its id from the Inform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// `_deviceId._OUI`.
    pub oui: String,
    /// `_deviceId._ProductClass`.
    pub product_class: String,
    /// `_deviceId._Manufacturer`.
    pub manufacturer: String,
}

impl Model {
    /// Picks a model for device number `n` (30 % MikroTik, a fifth of them with LTE, 20 %
    /// TP-Link, 30 % Huawei, 20 % ZTE).
    pub(crate) fn pick(roll: u64, lte_roll: u64) -> Self {
        match roll % 100 {
            0..=29 if lte_roll.is_multiple_of(5) => Model::MikroTikLte,
            0..=29 => Model::MikroTik,
            30..=49 => Model::TpLink,
            50..=79 => Model::Huawei,
            _ => Model::Zte,
        }
    }

    /// (OUI, product class, manufacturer, model name, factory firmware).
    pub fn identity(
        self,
    ) -> (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
    ) {
        match self {
            Model::MikroTik | Model::MikroTikLte => (
                "E48D8C",
                "RB952Ui-5ac2nD",
                "MikroTik",
                "hAP ac lite",
                "7.14.3",
            ),
            Model::TpLink => (
                "50C7BF",
                "ArcherC6",
                "TP-Link",
                "Archer C6",
                "1.3.6 Build 20230315",
            ),
            Model::Huawei => (
                "00E0FC",
                "HG8245H",
                "Huawei Technologies Co., Ltd",
                "HG8245H",
                "V3R017C10S115",
            ),
            Model::Zte => ("001141", "F670L", "ZTE", "F670L", "V9.0.10P1N12"),
        }
    }

    /// Every model.
    pub const ALL: [Model; 5] = [
        Model::MikroTik,
        Model::MikroTikLte,
        Model::TpLink,
        Model::Huawei,
        Model::Zte,
    ];

    /// The firmware image a demo offers for it: (file name, version it installs).
    pub fn upgrade(self) -> (&'static str, &'static str) {
        match self {
            Model::MikroTik | Model::MikroTikLte => ("routeros-arm-7.16.1.npk", "7.16.1"),
            Model::TpLink => (
                "ArcherC6v3-1.4.1-Build-20240618.bin",
                "1.4.1 Build 20240618",
            ),
            Model::Huawei => ("HG8245H-V3R017C10S120.bin", "V3R017C10S120"),
            Model::Zte => ("F670L-V9.0.11P1N2.bin", "V9.0.11P1N2"),
        }
    }

    /// The root of its data model.
    pub fn root(self) -> &'static str {
        match self {
            Model::MikroTik | Model::MikroTikLte => "Device",
            _ => "InternetGatewayDevice",
        }
    }

    /// Its shared parameter table.
    pub(crate) fn template(self) -> Arc<Template> {
        static TABLES: OnceLock<HashMap<Model, Arc<Template>>> = OnceLock::new();
        TABLES
            .get_or_init(|| {
                [
                    Model::MikroTik,
                    Model::MikroTikLte,
                    Model::TpLink,
                    Model::Huawei,
                    Model::Zte,
                ]
                .into_iter()
                .map(|m| (m, Arc::new(build(m))))
                .collect()
            })
            .get(&self)
            .cloned()
            .unwrap_or_else(|| Arc::new(build(self)))
    }
}

/// How a device produces a parameter's value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Gen {
    /// The same for every device of the model.
    Const(Value),
    /// A secret: accepted when set, always read back empty.
    Secret,
    /// The serial number.
    Serial,
    /// A MAC address made from the OUI and the device.
    Mac,
    /// The public address of the internet WAN (empty while PPP is down).
    PublicIp,
    /// A management-network address (Huawei's TR-069 WAN).
    MgmtIp,
    /// The subscriber's PPPoE user (`cust<n>`; empty after a factory reset).
    PppUser,
    /// The WiFi network name: `<vendor>-<last four of serial><suffix>`.
    Ssid(&'static str),
    /// MikroTik's system identity (`site-<n>`).
    Identity,
    /// Seconds since the last boot, as of the last inform.
    Uptime,
    /// CPU load in %.
    Cpu,
    /// Memory in use, % (Huawei's X_HW_MemUsed).
    MemUsedPct,
    /// Free memory in KiB, from the model's total.
    MemFree(u64),
    /// WAN bytes sent; 32-bit counters wrap.
    BytesSent { wraps32: bool },
    /// WAN bytes received; 32-bit counters wrap.
    BytesReceived { wraps32: bool },
    /// Optical receive power in dBm (text with two decimals), around a base.
    OpticalRx(f64),
    /// LTE signal (RSSI, dBm).
    Rssi,
    /// The internet WAN's `ConnectionStatus`.
    PppStatus,
    /// The internet WAN's `LastConnectionError`.
    PppError,
    /// The periodic inform interval, seconds.
    Interval,
    /// A parameter GenieACS knows by name only (its value was never read).
    Unknown,
}

impl Gen {
    /// Whether the value changes at every inform (its timestamp is the last inform's).
    pub(crate) fn is_dynamic(&self) -> bool {
        matches!(
            self,
            Gen::Uptime
                | Gen::Cpu
                | Gen::MemUsedPct
                | Gen::MemFree(_)
                | Gen::BytesSent { .. }
                | Gen::BytesReceived { .. }
                | Gen::OpticalRx(_)
                | Gen::Rssi
                | Gen::PppStatus
                | Gen::PppError
                | Gen::PublicIp
        )
    }
}

/// One parameter of a table.
#[derive(Debug, Clone)]
pub(crate) struct Slot {
    pub(crate) path: Arc<str>,
    pub(crate) xsd: &'static str,
    /// `None` when GenieACS has not learnt it yet (a device only seen in informs).
    pub(crate) writable: Option<bool>,
    pub(crate) gen: Gen,
    /// The timestamp GenieACS recorded (imported documents).
    pub(crate) recorded_ts: Option<i64>,
    /// Whether GenieACS recorded a `_type` (imported documents may lack one).
    pub(crate) typed: bool,
}

/// What GenieACS recorded about an object node (imported documents).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ObjectMeta {
    pub(crate) writable: Option<bool>,
    pub(crate) ts: Option<i64>,
}

/// The parameter table of a model (or of one imported device), sorted by path.
#[derive(Debug)]
pub(crate) struct Template {
    pub(crate) model: Option<Model>,
    pub(crate) root: String,
    pub(crate) slots: Vec<Slot>,
    index: HashMap<Arc<str>, usize>,
    /// The internet WAN's object path (PPP credentials and state), when there is one.
    pub(crate) wan: Option<String>,
    /// Object nodes as recorded (imported documents; empty for the models).
    pub(crate) objects: BTreeMap<String, ObjectMeta>,
}

impl Template {
    fn new(
        model: Option<Model>,
        root: String,
        mut slots: Vec<Slot>,
        objects: BTreeMap<String, ObjectMeta>,
    ) -> Self {
        slots.sort_by(|a, b| a.path.cmp(&b.path));
        slots.dedup_by(|a, b| a.path == b.path);
        let index = slots
            .iter()
            .enumerate()
            .map(|(i, s)| (s.path.clone(), i))
            .collect();
        let wan = slots
            .iter()
            .find(|s| s.gen == Gen::PppUser)
            .or_else(|| {
                slots.iter().find(|s| {
                    s.path.ends_with(".Username")
                        && (s.path.contains("WANPPPConnection") || s.path.contains("PPP.Interface"))
                })
            })
            .map(|s| s.path.trim_end_matches(".Username").to_owned());
        Self {
            model,
            root,
            slots,
            index,
            wan,
            objects,
        }
    }

    /// The slot of a path.
    pub(crate) fn slot(&self, path: &str) -> Option<usize> {
        self.index.get(path).copied()
    }

    /// The first slot produced by `gen`.
    pub(crate) fn slot_of(&self, gen: &Gen) -> Option<usize> {
        self.slots.iter().position(|s| &s.gen == gen)
    }

    /// A table read from a GenieACS device document: every leaf with its recorded value,
    /// type and writability. Passwords stay empty as GenieACS holds them.
    pub(crate) fn from_document(doc: &Value) -> Result<Self, String> {
        let obj = doc
            .as_object()
            .ok_or("a device document is a JSON object")?;
        let mut slots = Vec::new();
        let mut objects = BTreeMap::new();
        let mut root = None;
        for (key, node) in obj {
            if key.starts_with('_') {
                continue;
            }
            if matches!(key.as_str(), "InternetGatewayDevice" | "Device") {
                root = Some(key.clone());
            }
            collect_leaves(node, key.clone(), &mut slots, &mut objects);
        }
        let root = root.ok_or("the document holds no InternetGatewayDevice or Device tree")?;
        // The interval GenieACS recorded drives the imported device's informs.
        for s in &mut slots {
            if s.path.ends_with(".ManagementServer.PeriodicInformInterval") {
                s.gen = Gen::Interval;
            }
        }
        Ok(Self::new(None, root, slots, objects))
    }
}

fn collect_leaves(
    node: &Value,
    path: String,
    out: &mut Vec<Slot>,
    objects: &mut BTreeMap<String, ObjectMeta>,
) {
    let Some(map) = node.as_object() else { return };
    let ts = map
        .get("_timestamp")
        .and_then(Value::as_str)
        .and_then(parse_iso);
    let leaf =
        map.get("_object").and_then(Value::as_bool) == Some(false) || map.contains_key("_value");
    if leaf {
        let recorded_type = map.get("_type").and_then(Value::as_str);
        out.push(Slot {
            path: Arc::from(path.as_str()),
            xsd: recorded_type.map(static_xsd).unwrap_or("xsd:string"),
            writable: map.get("_writable").and_then(Value::as_bool),
            gen: match map.get("_value") {
                Some(v) => Gen::Const(v.clone()),
                None => Gen::Unknown,
            },
            recorded_ts: ts,
            typed: recorded_type.is_some(),
        });
        return;
    }
    objects.insert(
        path.clone(),
        ObjectMeta {
            writable: map.get("_writable").and_then(Value::as_bool),
            ts,
        },
    );
    for (k, child) in map {
        if !k.starts_with('_') {
            collect_leaves(child, format!("{path}.{k}"), out, objects);
        }
    }
}

/// The CWMP types, as `'static` names.
pub(crate) const XSD_TYPES: &[&str] = &[
    "xsd:string",
    "xsd:int",
    "xsd:unsignedInt",
    "xsd:long",
    "xsd:unsignedLong",
    "xsd:boolean",
    "xsd:dateTime",
    "xsd:base64",
    "xsd:hexBinary",
];

pub(crate) fn static_xsd(name: &str) -> &'static str {
    XSD_TYPES
        .iter()
        .copied()
        .find(|t| *t == name)
        .unwrap_or("xsd:string")
}

struct Builder {
    slots: Vec<Slot>,
}

impl Builder {
    fn add(&mut self, path: impl Into<String>, xsd: &'static str, writable: bool, gen: Gen) {
        self.slots.push(Slot {
            path: Arc::from(path.into().as_str()),
            xsd,
            writable: Some(writable),
            gen,
            recorded_ts: None,
            typed: true,
        });
    }

    fn constant(&mut self, path: impl Into<String>, value: Value, xsd: &'static str, w: bool) {
        self.add(path, xsd, w, Gen::Const(value));
    }

    fn secret(&mut self, path: impl Into<String>) {
        self.add(path, "xsd:string", true, Gen::Secret);
    }
}

fn build(model: Model) -> Template {
    let mut b = Builder { slots: Vec::new() };
    let root = model.root();
    let di = format!("{root}.DeviceInfo");
    let (oui, pc, manufacturer, model_name, firmware) = model.identity();
    b.constant(
        format!("{di}.Manufacturer"),
        json!(manufacturer),
        "xsd:string",
        false,
    );
    b.constant(
        format!("{di}.ManufacturerOUI"),
        json!(oui),
        "xsd:string",
        false,
    );
    b.constant(
        format!("{di}.ModelName"),
        json!(model_name),
        "xsd:string",
        false,
    );
    b.constant(format!("{di}.ProductClass"), json!(pc), "xsd:string", false);
    b.add(
        format!("{di}.SerialNumber"),
        "xsd:string",
        false,
        Gen::Serial,
    );
    b.constant(
        format!("{di}.SoftwareVersion"),
        json!(firmware),
        "xsd:string",
        false,
    );
    b.constant(
        format!("{di}.HardwareVersion"),
        json!("1.0"),
        "xsd:string",
        false,
    );
    b.add(
        format!("{di}.UpTime"),
        "xsd:unsignedInt",
        false,
        Gen::Uptime,
    );
    b.add(
        format!("{root}.ManagementServer.PeriodicInformInterval"),
        "xsd:unsignedInt",
        true,
        Gen::Interval,
    );
    b.constant(
        format!("{root}.ManagementServer.PeriodicInformEnable"),
        json!(true),
        "xsd:boolean",
        true,
    );
    match model {
        Model::MikroTik | Model::MikroTikLte => {
            b.add(
                format!("{di}.ProcessStatus.CPUUsage"),
                "xsd:unsignedInt",
                false,
                Gen::Cpu,
            );
            b.constant(
                format!("{di}.MemoryStatus.Total"),
                json!(65536),
                "xsd:unsignedInt",
                false,
            );
            b.add(
                format!("{di}.MemoryStatus.Free"),
                "xsd:unsignedInt",
                false,
                Gen::MemFree(65536),
            );
            b.add(
                format!("{di}.X_MIKROTIK_SystemIdentity"),
                "xsd:string",
                true,
                Gen::Identity,
            );
            b.add(
                "Device.Ethernet.Interface.1.MACAddress",
                "xsd:string",
                false,
                Gen::Mac,
            );
            b.constant(
                "Device.IP.Interface.1.Name",
                json!("bridge"),
                "xsd:string",
                false,
            );
            b.constant(
                "Device.IP.Interface.1.Status",
                json!("Up"),
                "xsd:string",
                false,
            );
            b.constant(
                "Device.IP.Interface.1.IPv4Address.1.IPAddress",
                json!("192.168.88.1"),
                "xsd:string",
                true,
            );
            b.constant(
                "Device.IP.Interface.2.Name",
                json!("pppoe-out1"),
                "xsd:string",
                false,
            );
            b.constant(
                "Device.IP.Interface.2.Status",
                json!("Up"),
                "xsd:string",
                false,
            );
            b.constant(
                "Device.IP.Interface.2.LowerLayers",
                json!("Device.PPP.Interface.1."),
                "xsd:string",
                false,
            );
            b.add(
                "Device.IP.Interface.2.Stats.BytesSent",
                "xsd:unsignedLong",
                false,
                Gen::BytesSent { wraps32: false },
            );
            b.add(
                "Device.IP.Interface.2.Stats.BytesReceived",
                "xsd:unsignedLong",
                false,
                Gen::BytesReceived { wraps32: false },
            );
            b.add(
                "Device.PPP.Interface.1.Username",
                "xsd:string",
                true,
                Gen::PppUser,
            );
            b.secret("Device.PPP.Interface.1.Password");
            b.add(
                "Device.PPP.Interface.1.ConnectionStatus",
                "xsd:string",
                false,
                Gen::PppStatus,
            );
            b.add(
                "Device.PPP.Interface.1.LastConnectionError",
                "xsd:string",
                false,
                Gen::PppError,
            );
            b.add(
                "Device.PPP.Interface.1.IPCP.LocalIPAddress",
                "xsd:string",
                false,
                Gen::PublicIp,
            );
            for (i, band, suffix) in [(1, "2.4GHz", ""), (2, "5GHz", "-5G")] {
                b.constant(
                    format!("Device.WiFi.Radio.{i}.OperatingFrequencyBand"),
                    json!(band),
                    "xsd:string",
                    false,
                );
                b.add(
                    format!("Device.WiFi.SSID.{i}.SSID"),
                    "xsd:string",
                    true,
                    Gen::Ssid(suffix),
                );
                b.constant(
                    format!("Device.WiFi.SSID.{i}.Enable"),
                    json!(true),
                    "xsd:boolean",
                    true,
                );
                b.constant(
                    format!("Device.WiFi.SSID.{i}.LowerLayers"),
                    json!(format!("Device.WiFi.Radio.{i}.")),
                    "xsd:string",
                    false,
                );
                b.constant(
                    format!("Device.WiFi.AccessPoint.{i}.SSIDReference"),
                    json!(format!("Device.WiFi.SSID.{i}.")),
                    "xsd:string",
                    false,
                );
                b.secret(format!(
                    "Device.WiFi.AccessPoint.{i}.Security.KeyPassphrase"
                ));
            }
            if model == Model::MikroTikLte {
                b.add(
                    "Device.Cellular.Interface.1.RSSI",
                    "xsd:int",
                    false,
                    Gen::Rssi,
                );
            }
        }
        Model::TpLink | Model::Huawei | Model::Zte => {
            let (wcd, conn) = match model {
                Model::Huawei => (2, 1),
                Model::Zte => (3, 2),
                _ => (1, 1),
            };
            let wan = format!(
                "InternetGatewayDevice.WANDevice.1.WANConnectionDevice.{wcd}.WANPPPConnection.{conn}"
            );
            b.add(format!("{wan}.Username"), "xsd:string", true, Gen::PppUser);
            b.secret(format!("{wan}.Password"));
            b.add(
                format!("{wan}.ConnectionStatus"),
                "xsd:string",
                false,
                Gen::PppStatus,
            );
            b.constant(
                format!("{wan}.ConnectionType"),
                json!("IP_Routed"),
                "xsd:string",
                true,
            );
            b.add(
                format!("{wan}.LastConnectionError"),
                "xsd:string",
                false,
                Gen::PppError,
            );
            b.add(
                format!("{wan}.ExternalIPAddress"),
                "xsd:string",
                false,
                Gen::PublicIp,
            );
            b.add(format!("{wan}.MACAddress"), "xsd:string", false, Gen::Mac);
            b.constant(format!("{wan}.Enable"), json!(true), "xsd:boolean", true);
            let common = "InternetGatewayDevice.WANDevice.1.WANCommonInterfaceConfig";
            b.add(
                format!("{common}.TotalBytesSent"),
                "xsd:unsignedInt",
                false,
                Gen::BytesSent { wraps32: true },
            );
            b.add(
                format!("{common}.TotalBytesReceived"),
                "xsd:unsignedInt",
                false,
                Gen::BytesReceived { wraps32: true },
            );
            b.constant(
                "InternetGatewayDevice.LANDevice.1.LANHostConfigManagement.IPInterface.1.IPInterfaceIPAddress",
                json!(if model == Model::Huawei { "192.168.100.1" } else { "192.168.1.1" }),
                "xsd:string",
                true,
            );
            let wlan = "InternetGatewayDevice.LANDevice.1.WLANConfiguration";
            let five = if model == Model::TpLink { 2 } else { 5 };
            for (i, channel, suffix) in [(1, 6, ""), (five, 44, "-5G")] {
                b.add(
                    format!("{wlan}.{i}.SSID"),
                    "xsd:string",
                    true,
                    Gen::Ssid(suffix),
                );
                b.constant(
                    format!("{wlan}.{i}.Enable"),
                    json!(true),
                    "xsd:boolean",
                    true,
                );
                b.constant(
                    format!("{wlan}.{i}.Channel"),
                    json!(channel),
                    "xsd:unsignedInt",
                    true,
                );
                match model {
                    Model::Huawei => {
                        b.secret(format!("{wlan}.{i}.PreSharedKey.1.PreSharedKey"));
                        b.secret(format!("{wlan}.{i}.PreSharedKey.1.KeyPassphrase"));
                    }
                    Model::Zte => b.secret(format!("{wlan}.{i}.PreSharedKey.1.KeyPassphrase")),
                    _ => b.secret(format!("{wlan}.{i}.KeyPassphrase")),
                }
            }
            match model {
                Model::Huawei => {
                    b.add(
                        format!("{di}.X_HW_CpuUsed"),
                        "xsd:unsignedInt",
                        false,
                        Gen::Cpu,
                    );
                    b.add(
                        format!("{di}.X_HW_MemUsed"),
                        "xsd:unsignedInt",
                        false,
                        Gen::MemUsedPct,
                    );
                    b.add(
                        "InternetGatewayDevice.WANDevice.1.X_GponInterafceConfig.RXPower",
                        "xsd:string",
                        false,
                        Gen::OpticalRx(-19.5),
                    );
                    b.constant(
                        format!("{wan}.X_HW_SERVICELIST"),
                        json!("INTERNET"),
                        "xsd:string",
                        true,
                    );
                    let mgmt =
                        "InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnection.1";
                    b.constant(
                        format!("{mgmt}.X_HW_SERVICELIST"),
                        json!("TR069"),
                        "xsd:string",
                        true,
                    );
                    b.constant(
                        format!("{mgmt}.ConnectionStatus"),
                        json!("Connected"),
                        "xsd:string",
                        false,
                    );
                    b.add(
                        format!("{mgmt}.ExternalIPAddress"),
                        "xsd:string",
                        false,
                        Gen::MgmtIp,
                    );
                }
                Model::Zte => {
                    b.add(
                        format!("{di}.ProcessStatus.CPUUsage"),
                        "xsd:unsignedInt",
                        false,
                        Gen::Cpu,
                    );
                    b.constant(
                        format!("{di}.MemoryStatus.Total"),
                        json!(262144),
                        "xsd:unsignedInt",
                        false,
                    );
                    b.add(
                        format!("{di}.MemoryStatus.Free"),
                        "xsd:unsignedInt",
                        false,
                        Gen::MemFree(262_144),
                    );
                    b.add(
                        "InternetGatewayDevice.WANDevice.1.X_ZTE-COM_WANPONInterfaceConfig.RXPower",
                        "xsd:string",
                        false,
                        Gen::OpticalRx(-21.3),
                    );
                    let bridge =
                        "InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANPPPConnection.1";
                    b.constant(
                        format!("{bridge}.ConnectionType"),
                        json!("PPPoE_Bridged"),
                        "xsd:string",
                        true,
                    );
                    b.constant(
                        format!("{bridge}.ConnectionStatus"),
                        json!("Connected"),
                        "xsd:string",
                        false,
                    );
                    b.constant(
                        format!("{wlan}.5.OperatingFrequencyBand"),
                        json!("5GHz"),
                        "xsd:string",
                        false,
                    );
                }
                // TP-Link: no CPU or memory figures on this model.
                _ => {}
            }
        }
    }
    Template::new(Some(model), root.to_owned(), b.slots, BTreeMap::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_model_has_one_shared_table_with_its_quirks() {
        let h = Model::Huawei.template();
        assert!(Arc::ptr_eq(&h, &Model::Huawei.template()), "built once");
        assert_eq!(
            h.wan.as_deref(),
            Some("InternetGatewayDevice.WANDevice.1.WANConnectionDevice.2.WANPPPConnection.1")
        );
        assert!(h
            .slot("InternetGatewayDevice.LANDevice.1.WLANConfiguration.5.SSID")
            .is_some());
        let z = Model::Zte.template();
        assert!(z
            .wan
            .as_deref()
            .is_some_and(|w| w.ends_with("WANConnectionDevice.3.WANPPPConnection.2")));
        let tp = Model::TpLink.template();
        assert!(tp.slot_of(&Gen::Cpu).is_none(), "TP-Link reports no CPU");
        assert!(Model::MikroTik
            .template()
            .slot("Device.Cellular.Interface.1.RSSI")
            .is_none());
        assert!(Model::MikroTikLte
            .template()
            .slot("Device.Cellular.Interface.1.RSSI")
            .is_some());
        for m in [Model::MikroTik, Model::TpLink, Model::Huawei, Model::Zte] {
            let t = m.template();
            assert!(
                t.slots.windows(2).all(|w| w[0].path < w[1].path),
                "{m:?} sorted"
            );
            assert!(t.slot_of(&Gen::Interval).is_some());
        }
    }
}
