//! The simulated models' parameter tables: for each vendor model, the paths its data
//! model holds (instance numbers that are not 1, Huawei's service-list WANs, ZTE's bridged
//! WAN, passwords that read back empty, 32-bit counters, values some models lack), each
//! with its type, writability and how a device produces its value. A table is built once
//! and shared by every device of the model, so a fleet of 100,000 holds one table per
//! model plus a few hundred bytes of state per device. Devices imported from GenieACS
//! documents carry a table of their own, read from the document.

use acsdesk_time::parse_iso;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};
use tables::build;

mod tables;

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

    /// The firmware image a demo offers for it: (file name, version it installs). A
    /// MikroTik's is a package list (RouterOS updates by the `.npk` packages it names).
    pub fn upgrade(self) -> (&'static str, &'static str) {
        match self {
            Model::MikroTik | Model::MikroTikLte => ("routeros-7.16.1-packages.xml", "7.16.1"),
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
    /// Optical receive power in dBm (text with two decimals), around a base, less the
    /// router's fibre loss (a dirty connector on a few).
    OpticalRx(f64),
    /// Optical transmit power in dBm (text with two decimals), around a base.
    OpticalTx(f64),
    /// LTE signal (RSSI, dBm).
    Rssi,
    /// The internet WAN's `ConnectionStatus`.
    PppStatus,
    /// The internet WAN's `LastConnectionError`.
    PppError,
    /// Seconds the internet WAN has been in its present state (TR-098 `Uptime`, TR-181
    /// `LastChange`): new credentials restart it.
    PppUptime,
    /// The periodic inform interval, seconds.
    Interval,
    /// LAN client `i`'s MAC address (each router's own).
    ClientMac(u8),
    /// LAN client `i`'s host name (a phone, a laptop, a TV…; some have none).
    ClientName(u8),
    /// LAN client `i`'s address on the LAN whose prefix (`192.168.1.`) is given.
    ClientIp(&'static str, u8),
    /// Whether LAN client `i` is connected now (it comes and goes by the hour).
    ClientActive(u8),
    /// LAN client `i`'s WiFi signal, dBm.
    ClientSignal(u8),
    /// How many of the clients in the bit mask are connected now (a network's
    /// associations).
    ClientCount(u8),
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
                | Gen::OpticalTx(_)
                | Gen::ClientActive(_)
                | Gen::ClientSignal(_)
                | Gen::ClientCount(_)
                | Gen::Rssi
                | Gen::PppStatus
                | Gen::PppError
                | Gen::PppUptime
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
