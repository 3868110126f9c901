//! The one registry of parameter paths: for each value AcsDesk reads or writes, the
//! candidate paths per data model and vendor, in order of preference. Normalisation reads
//! devices through it, sync derives its projection from it, and actions translate their
//! writes through it, so the three never disagree.
//!
//! `*` stands for an instance number, discovered from each device's tree.

use super::{DataModel, Vendor};

/// A scalar value that AcsDesk normalises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// Device serial number (GenieACS's `_deviceId._SerialNumber` comes first).
    SerialNumber,
    /// Manufacturer name.
    Manufacturer,
    /// Model name.
    ModelName,
    /// Firmware (software) version.
    SoftwareVersion,
    /// Hardware version.
    HardwareVersion,
    /// Seconds since boot.
    UpTime,
    /// CPU usage in percent.
    CpuUsage,
    /// Memory in use, in percent, where the device reports it directly (Huawei).
    MemoryUsedPercent,
    /// Total memory (any unit; only the ratio with `MemoryFree` is used).
    MemoryTotal,
    /// Free memory (same unit as `MemoryTotal`).
    MemoryFree,
    /// Periodic inform interval in seconds.
    InformInterval,
    /// Cellular (LTE) signal in dBm.
    CellularRssi,
    /// Optical (PON) receive power.
    OpticalRxPower,
    /// Optical (PON) transmit power.
    OpticalTxPower,
    /// MikroTik's system identity.
    SystemIdentity,
}

/// The unit a candidate path reports its value in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// The value is already in AcsDesk's unit.
    Native,
    /// Thousandths of a dBm (TR-181 `OpticalSignalLevel`).
    MilliDbm,
}

/// One place a value may live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    /// The data model whose tree holds this path.
    pub model: DataModel,
    /// The vendor known to use this path, or `None` for the standard path.
    pub vendor: Option<Vendor>,
    /// Dotted path; `*` segments are instance numbers.
    pub path: &'static str,
    /// The unit of the value at this path.
    pub unit: Unit,
}

const fn std98(path: &'static str) -> Candidate {
    Candidate {
        model: DataModel::Tr098,
        vendor: None,
        path,
        unit: Unit::Native,
    }
}

const fn std181(path: &'static str) -> Candidate {
    Candidate {
        model: DataModel::Tr181,
        vendor: None,
        path,
        unit: Unit::Native,
    }
}

const fn vendor98(vendor: Vendor, path: &'static str) -> Candidate {
    Candidate {
        model: DataModel::Tr098,
        vendor: Some(vendor),
        path,
        unit: Unit::Native,
    }
}

/// The candidates of every scalar field, in order of preference.
pub fn candidates(field: Field) -> &'static [Candidate] {
    use Field::*;
    match field {
        SerialNumber => {
            const C: &[Candidate] = &[
                std98("InternetGatewayDevice.DeviceInfo.SerialNumber"),
                std181("Device.DeviceInfo.SerialNumber"),
            ];
            C
        }
        Manufacturer => {
            const C: &[Candidate] = &[
                std98("InternetGatewayDevice.DeviceInfo.Manufacturer"),
                std181("Device.DeviceInfo.Manufacturer"),
            ];
            C
        }
        ModelName => {
            const C: &[Candidate] = &[
                std98("InternetGatewayDevice.DeviceInfo.ModelName"),
                std181("Device.DeviceInfo.ModelName"),
            ];
            C
        }
        SoftwareVersion => {
            const C: &[Candidate] = &[
                std98("InternetGatewayDevice.DeviceInfo.SoftwareVersion"),
                std181("Device.DeviceInfo.SoftwareVersion"),
            ];
            C
        }
        HardwareVersion => {
            const C: &[Candidate] = &[
                std98("InternetGatewayDevice.DeviceInfo.HardwareVersion"),
                std181("Device.DeviceInfo.HardwareVersion"),
            ];
            C
        }
        UpTime => {
            const C: &[Candidate] = &[
                std98("InternetGatewayDevice.DeviceInfo.UpTime"),
                std181("Device.DeviceInfo.UpTime"),
            ];
            C
        }
        CpuUsage => {
            const C: &[Candidate] = &[
                std98("InternetGatewayDevice.DeviceInfo.ProcessStatus.CPUUsage"),
                vendor98(
                    Vendor::Huawei,
                    "InternetGatewayDevice.DeviceInfo.X_HW_CpuUsed",
                ),
                std181("Device.DeviceInfo.ProcessStatus.CPUUsage"),
            ];
            C
        }
        MemoryUsedPercent => {
            const C: &[Candidate] = &[vendor98(
                Vendor::Huawei,
                "InternetGatewayDevice.DeviceInfo.X_HW_MemUsed",
            )];
            C
        }
        MemoryTotal => {
            const C: &[Candidate] = &[
                std98("InternetGatewayDevice.DeviceInfo.MemoryStatus.Total"),
                std181("Device.DeviceInfo.MemoryStatus.Total"),
            ];
            C
        }
        MemoryFree => {
            const C: &[Candidate] = &[
                std98("InternetGatewayDevice.DeviceInfo.MemoryStatus.Free"),
                std181("Device.DeviceInfo.MemoryStatus.Free"),
            ];
            C
        }
        InformInterval => {
            const C: &[Candidate] = &[
                std98("InternetGatewayDevice.ManagementServer.PeriodicInformInterval"),
                std181("Device.ManagementServer.PeriodicInformInterval"),
            ];
            C
        }
        CellularRssi => {
            const C: &[Candidate] = &[std181("Device.Cellular.Interface.*.RSSI")];
            C
        }
        OpticalRxPower => {
            const C: &[Candidate] = &[
                // Huawei's own spelling ("Interafce") is what its firmware reports.
                vendor98(
                    Vendor::Huawei,
                    "InternetGatewayDevice.WANDevice.*.X_GponInterafceConfig.RXPower",
                ),
                vendor98(
                    Vendor::Zte,
                    "InternetGatewayDevice.WANDevice.*.X_ZTE-COM_WANPONInterfaceConfig.RXPower",
                ),
                // Later ZTE ONTs (F670L, F6600) name the GPON port's object so.
                vendor98(
                    Vendor::Zte,
                    "InternetGatewayDevice.WANDevice.*.X_ZTE-COM_GponInterfaceConfig.RxPower",
                ),
                Candidate {
                    model: DataModel::Tr181,
                    vendor: None,
                    path: "Device.Optical.Interface.*.OpticalSignalLevel",
                    unit: Unit::MilliDbm,
                },
            ];
            C
        }
        OpticalTxPower => {
            const C: &[Candidate] = &[
                vendor98(
                    Vendor::Huawei,
                    "InternetGatewayDevice.WANDevice.*.X_GponInterafceConfig.TXPower",
                ),
                vendor98(
                    Vendor::Zte,
                    "InternetGatewayDevice.WANDevice.*.X_ZTE-COM_WANPONInterfaceConfig.TXPower",
                ),
                // Later ZTE ONTs (F670L, F6600) name the GPON port's object so.
                vendor98(
                    Vendor::Zte,
                    "InternetGatewayDevice.WANDevice.*.X_ZTE-COM_GponInterfaceConfig.TxPower",
                ),
                Candidate {
                    model: DataModel::Tr181,
                    vendor: None,
                    path: "Device.Optical.Interface.*.TransmitOpticalLevel",
                    unit: Unit::MilliDbm,
                },
            ];
            C
        }
        SystemIdentity => {
            const C: &[Candidate] = &[Candidate {
                model: DataModel::Tr181,
                vendor: Some(Vendor::MikroTik),
                path: "Device.DeviceInfo.X_MIKROTIK_SystemIdentity",
                unit: Unit::Native,
            }];
            C
        }
    }
}

/// Every scalar field, for building projections and tables.
pub const FIELDS: &[Field] = &[
    Field::SerialNumber,
    Field::Manufacturer,
    Field::ModelName,
    Field::SoftwareVersion,
    Field::HardwareVersion,
    Field::UpTime,
    Field::CpuUsage,
    Field::MemoryUsedPercent,
    Field::MemoryTotal,
    Field::MemoryFree,
    Field::InformInterval,
    Field::CellularRssi,
    Field::OpticalRxPower,
    Field::OpticalTxPower,
    Field::SystemIdentity,
];

/// Objects (tables) AcsDesk reads as a whole: their instances are discovered per device.
pub mod objects {
    /// TR-098 WAN PPP connections.
    pub const TR098_WAN_PPP: &str =
        "InternetGatewayDevice.WANDevice.*.WANConnectionDevice.*.WANPPPConnection.*";
    /// TR-098 WAN IP connections.
    pub const TR098_WAN_IP: &str =
        "InternetGatewayDevice.WANDevice.*.WANConnectionDevice.*.WANIPConnection.*";
    /// TR-098 WAN interface totals (32-bit counters).
    pub const TR098_WAN_COMMON: &str = "InternetGatewayDevice.WANDevice.*.WANCommonInterfaceConfig";
    /// TR-098 LAN IP interfaces.
    pub const TR098_LAN_IP: &str =
        "InternetGatewayDevice.LANDevice.*.LANHostConfigManagement.IPInterface.*";
    /// TR-098 WiFi networks.
    pub const TR098_WLAN: &str = "InternetGatewayDevice.LANDevice.*.WLANConfiguration.*";
    /// TR-181 PPP interfaces.
    pub const TR181_PPP: &str = "Device.PPP.Interface.*";
    /// TR-181 IP interfaces.
    pub const TR181_IP: &str = "Device.IP.Interface.*";
    /// TR-181 SSIDs.
    pub const TR181_SSID: &str = "Device.WiFi.SSID.*";
    /// TR-181 radios (frequency band of each SSID).
    pub const TR181_RADIO: &str = "Device.WiFi.Radio.*";
    /// TR-181 access points (security settings of each SSID).
    pub const TR181_ACCESS_POINT: &str = "Device.WiFi.AccessPoint.*";
    /// TR-181 Ethernet links (MAC addresses).
    pub const TR181_ETH_LINK: &str = "Device.Ethernet.Link.*";
    /// TR-181 Ethernet interfaces (MAC addresses).
    pub const TR181_ETH_INTERFACE: &str = "Device.Ethernet.Interface.*";

    /// TR-181 DHCPv4 clients (the WAN's lease and the DNS servers it brought).
    pub const TR181_DHCP_CLIENT: &str = "Device.DHCPv4.Client.*";
    /// TR-181 resolver's servers.
    pub const TR181_DNS_SERVER: &str = "Device.DNS.Client.Server.*";
    /// TR-098 LAN host tables (every device the router has seen on its LAN).
    pub const TR098_HOSTS: &str = "InternetGatewayDevice.LANDevice.*.Hosts.Host.*";
    /// TR-181 host table.
    pub const TR181_HOSTS: &str = "Device.Hosts.Host.*";

    /// TR-098's ping diagnostic (TR-098 Amendment 2, `IPPingDiagnostics`).
    pub const TR098_IPPING: &str = "InternetGatewayDevice.IPPingDiagnostics";
    /// TR-181's ping diagnostic.
    pub const TR181_IPPING: &str = "Device.IP.Diagnostics.IPPing";

    /// TR-098's traceroute diagnostic (TR-098 Amendment 2). Not in the Huawei capture:
    /// the path and leaf names follow the Broadband Forum's InternetGatewayDevice:1.14
    /// definition.
    pub const TR098_TRACEROUTE: &str = "InternetGatewayDevice.TraceRouteDiagnostics";
    /// TR-181's traceroute diagnostic (in the TP-Link EC220 capture).
    pub const TR181_TRACEROUTE: &str = "Device.IP.Diagnostics.TraceRoute";
    /// TR-098's TR-143 download test (InternetGatewayDevice:1.14; not in the capture).
    pub const TR098_DOWNLOAD: &str = "InternetGatewayDevice.DownloadDiagnostics";
    /// TR-181's TR-143 download test (in the TP-Link EC220 capture).
    pub const TR181_DOWNLOAD: &str = "Device.IP.Diagnostics.DownloadDiagnostics";
    /// TR-098's TR-143 upload test (InternetGatewayDevice:1.14; not in the capture).
    pub const TR098_UPLOAD: &str = "InternetGatewayDevice.UploadDiagnostics";
    /// TR-181's TR-143 upload test (in the TP-Link EC220 capture).
    pub const TR181_UPLOAD: &str = "Device.IP.Diagnostics.UploadDiagnostics";

    /// Where a data model keeps the diagnostic of `kind`. Every one is started by
    /// writing its inputs and `DiagnosticsState = Requested`, and reports
    /// `DiagnosticsState` (`Complete` or an `Error_…` state) beside its results.
    pub fn diagnostic(
        model: crate::DataModel,
        kind: acsdesk_types::DiagnosticKind,
    ) -> &'static str {
        use crate::DataModel::*;
        use acsdesk_types::DiagnosticKind::*;
        match (kind, model) {
            (Ping, Tr098) => TR098_IPPING,
            (Ping, Tr181) => TR181_IPPING,
            (Traceroute, Tr098) => TR098_TRACEROUTE,
            (Traceroute, Tr181) => TR181_TRACEROUTE,
            (Download, Tr098) => TR098_DOWNLOAD,
            (Download, Tr181) => TR181_DOWNLOAD,
            (Upload, Tr098) => TR098_UPLOAD,
            (Upload, Tr181) => TR181_UPLOAD,
        }
    }

    /// The leaves of a traceroute's hop (`RouteHops.{i}.…`), whose names differ between
    /// the data models.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct HopLeaves {
        /// The hop's name (`HopHost` / `Host`).
        pub host: &'static str,
        /// The hop's address (`HopHostAddress` / `HostAddress`).
        pub address: &'static str,
        /// The ICMP error it answered with (`HopErrorCode` / `ErrorCode`).
        pub error_code: &'static str,
        /// Comma-separated round trips, ms (`HopRTTimes` / `RTTimes`).
        pub rtts: &'static str,
    }

    /// A traceroute hop's leaves in a data model.
    pub fn trace_hop(model: crate::DataModel) -> HopLeaves {
        match model {
            crate::DataModel::Tr098 => HopLeaves {
                host: "HopHost",
                address: "HopHostAddress",
                error_code: "HopErrorCode",
                rtts: "HopRTTimes",
            },
            crate::DataModel::Tr181 => HopLeaves {
                host: "Host",
                address: "HostAddress",
                error_code: "ErrorCode",
                rtts: "RTTimes",
            },
        }
    }

    /// The leaves under a TR-098 WiFi network that may hold its passphrase, in order of
    /// preference (Huawei and ZTE firmware differ in which they have).
    pub const TR098_WLAN_PASSPHRASE: &[&str] = &[
        "KeyPassphrase",
        "PreSharedKey.1.KeyPassphrase",
        "PreSharedKey.1.PreSharedKey",
    ];
    /// Every object pattern, for building projections.
    pub const ALL: &[&str] = &[
        TR098_WAN_PPP,
        TR098_WAN_IP,
        TR098_WAN_COMMON,
        TR098_LAN_IP,
        TR098_WLAN,
        TR181_PPP,
        TR181_IP,
        TR181_SSID,
        TR181_RADIO,
        TR181_ACCESS_POINT,
        TR181_ETH_LINK,
        TR181_ETH_INTERFACE,
        TR098_HOSTS,
        TR181_HOSTS,
        TR181_DHCP_CLIENT,
        TR181_DNS_SERVER,
    ];
}

/// What makes a parameter secret, matched without case against its last segment: the
/// PPPoE and connection-request passwords, WiFi passphrases and pre-shared keys (TR-098
/// `KeyPassphrase`, `PreSharedKey.1.PreSharedKey`, `WEPKey.1.WEPKey`; TR-181
/// `Security.KeyPassphrase`, `SAEPassphrase`, `RadiusSecret`), and any vendor leaf named
/// like them. Their values are never shown, logged, exported or read back.
pub const SECRET_LEAF_WORDS: &[&str] = &[
    "password",
    "passphrase",
    "presharedkey",
    "wepkey",
    "secret",
    "psk",
];

/// Whether the parameter at `path` holds a secret (see [`SECRET_LEAF_WORDS`]).
pub fn is_secret(path: &str) -> bool {
    let leaf = path
        .rsplit('.')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    SECRET_LEAF_WORDS.iter().any(|w| leaf.contains(w))
}

/// How a secret value is shown wherever values are shown.
pub const HIDDEN: &str = "(hidden)";

/// `value` as it may be shown for the parameter at `path`: [`HIDDEN`] for a secret
/// that holds anything.
pub fn shown<'a>(path: &str, value: &'a str) -> &'a str {
    if is_secret(path) && !value.is_empty() {
        HIDDEN
    } else {
        value
    }
}

/// Top-level attributes of a GenieACS device document that normalisation reads.
pub const DOCUMENT_ATTRIBUTES: &[&str] = &[
    "_id",
    "_deviceId",
    "_lastInform",
    "_lastBoot",
    "_lastBootstrap",
    "_registered",
    "_tags",
];

/// The projection for GenieACS's `GET /devices`: every path the registry can read, with
/// wildcard patterns cut to the object above their first `*` (GenieACS projections have
/// no wildcards and return whole subtrees), and paths already covered by a shorter one
/// dropped. Both data models are listed; a device simply lacks the other model's paths.
pub fn projection() -> Vec<String> {
    let mut paths: Vec<String> = DOCUMENT_ATTRIBUTES
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let patterns = FIELDS
        .iter()
        .flat_map(|f| candidates(*f).iter().map(|c| c.path))
        .chain(objects::ALL.iter().copied());
    for pattern in patterns {
        let cut = match pattern.find(".*") {
            Some(i) => &pattern[..i],
            None => pattern,
        };
        paths.push(cut.to_owned());
    }
    paths.sort();
    paths.dedup();
    let covered = |p: &String, all: &[String]| {
        all.iter()
            .any(|q| q != p && p.starts_with(q.as_str()) && p[q.len()..].starts_with('.'))
    };
    let snapshot = paths.clone();
    paths.retain(|p| !covered(p, &snapshot));
    paths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projection_has_no_wildcards_and_no_redundant_paths() {
        let p = projection();
        assert!(p.iter().all(|x| !x.contains('*')), "{p:?}");
        assert!(p.contains(&"_lastInform".to_owned()));
        assert!(p.contains(&"InternetGatewayDevice.WANDevice".to_owned()));
        assert!(p.contains(&"Device.PPP.Interface".to_owned()));
        assert!(p.contains(&"InternetGatewayDevice.DeviceInfo.SoftwareVersion".to_owned()));
        // WANDevice covers the PON power paths below it.
        assert!(!p
            .iter()
            .any(|x| x.starts_with("InternetGatewayDevice.WANDevice.")));
        // No whole-tree roots: a sync never downloads entire documents.
        assert!(!p.contains(&"InternetGatewayDevice".to_owned()));
        assert!(!p.contains(&"Device".to_owned()));
        let mut sorted = p.clone();
        sorted.dedup();
        assert_eq!(sorted.len(), p.len());
    }

    #[test]
    fn every_field_has_a_candidate_for_some_model() {
        for field in FIELDS {
            assert!(!candidates(*field).is_empty(), "{field:?}");
        }
    }
}
