//! The simulated fleet: routers of four vendors and both data models, with the parameter
//! paths and quirks real ones have (instance numbers that are not 1, Huawei's service-list
//! WANs, ZTE's bridged WAN, passwords that read back empty, 32-bit counters that wrap,
//! values some models lack), deterministic from a seed, and their behaviour over time:
//! periodic informs with jitter, evolving metrics, outages, reboots, PPP failures.

use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// A small deterministic generator (SplitMix64): the fleet is the same for the same seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A float in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1_u64 << 53) as f64
    }

    /// An integer in [lo, hi).
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo).max(1)
    }
}

/// The simulated vendors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    /// MikroTik hAP ac² (TR-181), some with LTE.
    MikroTik,
    /// TP-Link Archer C6 (TR-098).
    TpLink,
    /// Huawei HG8245H (TR-098, GPON, service-list WANs).
    Huawei,
    /// ZTE F670L (TR-098, GPON, bridged WAN first).
    Zte,
}

impl Model {
    fn pick(rng: &mut Rng) -> Self {
        match rng.range(0, 100) {
            0..=29 => Model::MikroTik,
            30..=49 => Model::TpLink,
            50..=79 => Model::Huawei,
            _ => Model::Zte,
        }
    }

    /// (OUI, product class, manufacturer, model name, firmware).
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
            Model::MikroTik => (
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

    /// The root of its data model.
    pub fn root(self) -> &'static str {
        match self {
            Model::MikroTik => "Device",
            _ => "InternetGatewayDevice",
        }
    }
}

/// GenieACS's escaping of an id part: `-` and `%` become `%2D` and `%25`.
pub fn escape_part(part: &str) -> String {
    part.replace('%', "%25").replace('-', "%2D")
}

/// One parameter of a simulated device.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The value as GenieACS stores it.
    pub value: Value,
    /// Its xsd type.
    pub xsd: &'static str,
    /// Whether it is writable.
    pub writable: bool,
    /// A secret the device reads back empty.
    pub secret: bool,
}

/// A task waiting for the device's next session.
#[derive(Debug, Clone, PartialEq)]
pub struct QueuedTask {
    /// The task document (with `_id`, `device`, `timestamp`).
    pub task: Value,
    /// When it was queued.
    pub at_ms: i64,
}

/// A simulated router.
#[derive(Debug, Clone)]
pub struct SimDevice {
    /// GenieACS `_id`.
    pub id: String,
    /// The model.
    pub model: Model,
    /// Serial number.
    pub serial: String,
    /// Parameters by full path.
    pub params: BTreeMap<String, Param>,
    /// GenieACS tags.
    pub tags: Vec<String>,
    /// First registration.
    pub registered_ms: i64,
    /// Last inform.
    pub last_inform_ms: i64,
    /// Last boot.
    pub last_boot_ms: i64,
    /// Next periodic inform.
    pub next_inform_ms: i64,
    /// Periodic inform interval, seconds.
    pub interval_s: i64,
    /// Offline (no power or link) until this instant.
    pub offline_until_ms: i64,
    /// Forced offline by the scenario API.
    pub forced_offline: bool,
    /// Held in a CWMP session by the scenario API: new tasks get 503.
    pub in_session: bool,
    /// A PPP authentication failure in progress.
    pub ppp_failing: bool,
    /// A firmware download in progress: (file, version, bad, done at).
    pub pending_download: Option<(String, Option<String>, bool, i64)>,
    /// Tasks waiting for the next session.
    pub queue: Vec<QueuedTask>,
    /// Executed tasks: (when, name, task id).
    pub executed: Vec<(i64, String, String)>,
    rng: Rng,
    cpu: f64,
    mem: f64,
    rate_rx: f64,
    rate_tx: f64,
    sent: u64,
    received: u64,
}

fn leaf(value: Value, xsd: &'static str, writable: bool) -> Param {
    Param {
        value,
        xsd,
        writable,
        secret: false,
    }
}

fn secret() -> Param {
    Param {
        value: json!(""),
        xsd: "xsd:string",
        writable: true,
        secret: true,
    }
}

impl SimDevice {
    /// Generates device number `n` of a fleet from `seed`, registered at `start_ms`.
    pub fn generate(seed: u64, n: u64, start_ms: i64) -> Self {
        let mut rng = Rng::new(seed.wrapping_mul(1_000_003).wrapping_add(n));
        let model = Model::pick(&mut rng);
        let (oui, pc, manufacturer, model_name, firmware) = model.identity();
        let serial = match model {
            Model::MikroTik => format!("HG{:08X}", rng.next_u64() as u32),
            Model::TpLink => format!("22{:010}", n),
            Model::Huawei => format!("48575443{:08X}", rng.next_u64() as u32),
            Model::Zte => format!("ZTEG{:08X}", rng.next_u64() as u32),
        };
        let id = format!(
            "{}-{}-{}",
            escape_part(oui),
            escape_part(pc),
            escape_part(&serial)
        );
        let interval_s = [300, 300, 300, 600, 60][rng.range(0, 5) as usize];
        let mut p = BTreeMap::new();
        let root = model.root();
        let di = format!("{root}.DeviceInfo");
        p.insert(
            format!("{di}.Manufacturer"),
            leaf(json!(manufacturer), "xsd:string", false),
        );
        p.insert(
            format!("{di}.ManufacturerOUI"),
            leaf(json!(oui), "xsd:string", false),
        );
        p.insert(
            format!("{di}.ModelName"),
            leaf(json!(model_name), "xsd:string", false),
        );
        p.insert(
            format!("{di}.ProductClass"),
            leaf(json!(pc), "xsd:string", false),
        );
        p.insert(
            format!("{di}.SerialNumber"),
            leaf(json!(serial), "xsd:string", false),
        );
        p.insert(
            format!("{di}.SoftwareVersion"),
            leaf(json!(firmware), "xsd:string", false),
        );
        p.insert(
            format!("{di}.HardwareVersion"),
            leaf(json!("1.0"), "xsd:string", false),
        );
        p.insert(
            format!("{di}.UpTime"),
            leaf(json!(0), "xsd:unsignedInt", false),
        );
        p.insert(
            format!("{root}.ManagementServer.PeriodicInformInterval"),
            leaf(json!(interval_s), "xsd:unsignedInt", true),
        );
        p.insert(
            format!("{root}.ManagementServer.PeriodicInformEnable"),
            leaf(json!(true), "xsd:boolean", true),
        );
        let user = format!("cust{:05}", n);
        let tail = &serial[serial.len().saturating_sub(4)..];
        let public_ip = format!(
            "100.{}.{}.{}",
            64 + rng.range(0, 63),
            rng.range(0, 255),
            rng.range(1, 254)
        );
        let mac = format!(
            "{}:{}:{}:{:02X}:{:02X}:{:02X}",
            &oui[0..2],
            &oui[2..4],
            &oui[4..6],
            rng.range(0, 255),
            rng.range(0, 255),
            rng.range(0, 255)
        );
        match model {
            Model::MikroTik => {
                p.insert(
                    format!("{di}.ProcessStatus.CPUUsage"),
                    leaf(json!(5), "xsd:unsignedInt", false),
                );
                p.insert(
                    format!("{di}.MemoryStatus.Total"),
                    leaf(json!(65536), "xsd:unsignedInt", false),
                );
                p.insert(
                    format!("{di}.MemoryStatus.Free"),
                    leaf(json!(40000), "xsd:unsignedInt", false),
                );
                p.insert(
                    format!("{di}.X_MIKROTIK_SystemIdentity"),
                    leaf(json!(format!("site-{n}")), "xsd:string", true),
                );
                p.insert(
                    "Device.Ethernet.Interface.1.MACAddress".into(),
                    leaf(json!(mac), "xsd:string", false),
                );
                p.insert(
                    "Device.IP.Interface.1.Name".into(),
                    leaf(json!("bridge"), "xsd:string", false),
                );
                p.insert(
                    "Device.IP.Interface.1.Status".into(),
                    leaf(json!("Up"), "xsd:string", false),
                );
                p.insert(
                    "Device.IP.Interface.1.IPv4Address.1.IPAddress".into(),
                    leaf(json!("192.168.88.1"), "xsd:string", true),
                );
                p.insert(
                    "Device.IP.Interface.2.Name".into(),
                    leaf(json!("pppoe-out1"), "xsd:string", false),
                );
                p.insert(
                    "Device.IP.Interface.2.Status".into(),
                    leaf(json!("Up"), "xsd:string", false),
                );
                p.insert(
                    "Device.IP.Interface.2.LowerLayers".into(),
                    leaf(json!("Device.PPP.Interface.1."), "xsd:string", false),
                );
                p.insert(
                    "Device.IP.Interface.2.Stats.BytesSent".into(),
                    leaf(json!(0), "xsd:unsignedLong", false),
                );
                p.insert(
                    "Device.IP.Interface.2.Stats.BytesReceived".into(),
                    leaf(json!(0), "xsd:unsignedLong", false),
                );
                p.insert(
                    "Device.PPP.Interface.1.Username".into(),
                    leaf(json!(user), "xsd:string", true),
                );
                p.insert("Device.PPP.Interface.1.Password".into(), secret());
                p.insert(
                    "Device.PPP.Interface.1.ConnectionStatus".into(),
                    leaf(json!("Connected"), "xsd:string", false),
                );
                p.insert(
                    "Device.PPP.Interface.1.LastConnectionError".into(),
                    leaf(json!("ERROR_NONE"), "xsd:string", false),
                );
                p.insert(
                    "Device.PPP.Interface.1.IPCP.LocalIPAddress".into(),
                    leaf(json!(public_ip), "xsd:string", false),
                );
                for (i, band, ssid) in [
                    (1, "2.4GHz", format!("MikroTik-{tail}")),
                    (2, "5GHz", format!("MikroTik-{tail}-5G")),
                ] {
                    p.insert(
                        format!("Device.WiFi.Radio.{i}.OperatingFrequencyBand"),
                        leaf(json!(band), "xsd:string", false),
                    );
                    p.insert(
                        format!("Device.WiFi.SSID.{i}.SSID"),
                        leaf(json!(ssid), "xsd:string", true),
                    );
                    p.insert(
                        format!("Device.WiFi.SSID.{i}.Enable"),
                        leaf(json!(true), "xsd:boolean", true),
                    );
                    p.insert(
                        format!("Device.WiFi.SSID.{i}.LowerLayers"),
                        leaf(
                            json!(format!("Device.WiFi.Radio.{i}.")),
                            "xsd:string",
                            false,
                        ),
                    );
                    p.insert(
                        format!("Device.WiFi.AccessPoint.{i}.SSIDReference"),
                        leaf(json!(format!("Device.WiFi.SSID.{i}.")), "xsd:string", false),
                    );
                    p.insert(
                        format!("Device.WiFi.AccessPoint.{i}.Security.KeyPassphrase"),
                        secret(),
                    );
                }
                if rng.range(0, 5) == 0 {
                    p.insert(
                        "Device.Cellular.Interface.1.RSSI".into(),
                        leaf(json!(-70), "xsd:int", false),
                    );
                }
            }
            Model::TpLink | Model::Huawei | Model::Zte => {
                let (wcd, conn) = match model {
                    Model::Huawei => (2, 1),
                    Model::Zte => (3, 2),
                    _ => (1, 1),
                };
                let wan = format!("InternetGatewayDevice.WANDevice.1.WANConnectionDevice.{wcd}.WANPPPConnection.{conn}");
                p.insert(
                    format!("{wan}.Username"),
                    leaf(json!(user), "xsd:string", true),
                );
                p.insert(format!("{wan}.Password"), secret());
                p.insert(
                    format!("{wan}.ConnectionStatus"),
                    leaf(json!("Connected"), "xsd:string", false),
                );
                p.insert(
                    format!("{wan}.ConnectionType"),
                    leaf(json!("IP_Routed"), "xsd:string", true),
                );
                p.insert(
                    format!("{wan}.LastConnectionError"),
                    leaf(json!("ERROR_NONE"), "xsd:string", false),
                );
                p.insert(
                    format!("{wan}.ExternalIPAddress"),
                    leaf(json!(public_ip), "xsd:string", false),
                );
                p.insert(
                    format!("{wan}.MACAddress"),
                    leaf(json!(mac), "xsd:string", false),
                );
                p.insert(
                    format!("{wan}.Enable"),
                    leaf(json!(true), "xsd:boolean", true),
                );
                let common = "InternetGatewayDevice.WANDevice.1.WANCommonInterfaceConfig";
                p.insert(
                    format!("{common}.TotalBytesSent"),
                    leaf(json!(0), "xsd:unsignedInt", false),
                );
                p.insert(
                    format!("{common}.TotalBytesReceived"),
                    leaf(json!(0), "xsd:unsignedInt", false),
                );
                p.insert(
                    "InternetGatewayDevice.LANDevice.1.LANHostConfigManagement.IPInterface.1.IPInterfaceIPAddress".into(),
                    leaf(json!(if model == Model::Huawei { "192.168.100.1" } else { "192.168.1.1" }), "xsd:string", true),
                );
                let wlan = "InternetGatewayDevice.LANDevice.1.WLANConfiguration";
                let five = if model == Model::TpLink { 2 } else { 5 };
                for (i, channel, ssid) in [
                    (
                        1,
                        6,
                        format!(
                            "{}-{tail}",
                            manufacturer.split(' ').next().unwrap_or("WiFi")
                        ),
                    ),
                    (
                        five,
                        44,
                        format!(
                            "{}-{tail}-5G",
                            manufacturer.split(' ').next().unwrap_or("WiFi")
                        ),
                    ),
                ] {
                    p.insert(
                        format!("{wlan}.{i}.SSID"),
                        leaf(json!(ssid), "xsd:string", true),
                    );
                    p.insert(
                        format!("{wlan}.{i}.Enable"),
                        leaf(json!(true), "xsd:boolean", true),
                    );
                    p.insert(
                        format!("{wlan}.{i}.Channel"),
                        leaf(json!(channel), "xsd:unsignedInt", true),
                    );
                    match model {
                        Model::Huawei => {
                            p.insert(format!("{wlan}.{i}.PreSharedKey.1.PreSharedKey"), secret());
                            p.insert(format!("{wlan}.{i}.PreSharedKey.1.KeyPassphrase"), secret());
                        }
                        Model::Zte => {
                            p.insert(format!("{wlan}.{i}.PreSharedKey.1.KeyPassphrase"), secret());
                        }
                        _ => {
                            p.insert(format!("{wlan}.{i}.KeyPassphrase"), secret());
                        }
                    }
                }
                match model {
                    Model::Huawei => {
                        p.insert(
                            format!("{di}.X_HW_CpuUsed"),
                            leaf(json!(10), "xsd:unsignedInt", false),
                        );
                        p.insert(
                            format!("{di}.X_HW_MemUsed"),
                            leaf(json!(40), "xsd:unsignedInt", false),
                        );
                        p.insert(
                            "InternetGatewayDevice.WANDevice.1.X_GponInterafceConfig.RXPower"
                                .into(),
                            leaf(json!("-19.50"), "xsd:string", false),
                        );
                        p.insert(
                            format!("{wan}.X_HW_SERVICELIST"),
                            leaf(json!("INTERNET"), "xsd:string", true),
                        );
                        let mgmt = "InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnection.1";
                        p.insert(
                            format!("{mgmt}.X_HW_SERVICELIST"),
                            leaf(json!("TR069"), "xsd:string", true),
                        );
                        p.insert(
                            format!("{mgmt}.ConnectionStatus"),
                            leaf(json!("Connected"), "xsd:string", false),
                        );
                        p.insert(
                            format!("{mgmt}.ExternalIPAddress"),
                            leaf(
                                json!(format!("10.50.{}.{}", rng.range(0, 255), rng.range(1, 254))),
                                "xsd:string",
                                false,
                            ),
                        );
                    }
                    Model::Zte => {
                        p.insert(
                            format!("{di}.ProcessStatus.CPUUsage"),
                            leaf(json!(10), "xsd:unsignedInt", false),
                        );
                        p.insert(
                            format!("{di}.MemoryStatus.Total"),
                            leaf(json!(262144), "xsd:unsignedInt", false),
                        );
                        p.insert(
                            format!("{di}.MemoryStatus.Free"),
                            leaf(json!(131072), "xsd:unsignedInt", false),
                        );
                        p.insert(
                            "InternetGatewayDevice.WANDevice.1.X_ZTE-COM_WANPONInterfaceConfig.RXPower".into(),
                            leaf(json!("-21.30"), "xsd:string", false),
                        );
                        let bridge = "InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANPPPConnection.1";
                        p.insert(
                            format!("{bridge}.ConnectionType"),
                            leaf(json!("PPPoE_Bridged"), "xsd:string", true),
                        );
                        p.insert(
                            format!("{bridge}.ConnectionStatus"),
                            leaf(json!("Connected"), "xsd:string", false),
                        );
                        p.insert(
                            format!("{wlan}.5.OperatingFrequencyBand"),
                            leaf(json!("5GHz"), "xsd:string", false),
                        );
                    }
                    // TP-Link: no CPU or memory figures on this model.
                    _ => {}
                }
            }
        }
        let registered_ms = start_ms - rng.range(30, 400) as i64 * 86_400_000;
        let uptime_s = rng.range(600, 40 * 86_400) as i64;
        let last_inform_ms = start_ms - rng.range(0, interval_s as u64 * 1000) as i64;
        let mut dev = SimDevice {
            id,
            model,
            serial,
            params: p,
            tags: Vec::new(),
            registered_ms,
            last_inform_ms,
            last_boot_ms: last_inform_ms - uptime_s * 1000,
            next_inform_ms: last_inform_ms + interval_s * 1000,
            interval_s,
            offline_until_ms: 0,
            forced_offline: false,
            in_session: false,
            ppp_failing: false,
            pending_download: None,
            queue: Vec::new(),
            executed: Vec::new(),
            cpu: 5.0 + rng.unit() * 30.0,
            mem: 20.0 + rng.unit() * 40.0,
            rate_rx: rng.unit() * 2_000_000.0,
            rate_tx: rng.unit() * 400_000.0,
            sent: rng.range(0, 4_000_000_000),
            received: rng.range(0, 4_000_000_000),
            rng,
        };
        // A few routers start broken: 5 % unplugged for hours, 2 % failing PPP auth.
        let fate = dev.rng.range(0, 100);
        if fate < 5 {
            dev.offline_until_ms = start_ms + dev.rng.range(1, 12) as i64 * 3_600_000;
            dev.last_inform_ms = start_ms - dev.rng.range(20, 600) as i64 * 60_000;
            dev.next_inform_ms = dev.offline_until_ms;
        } else if fate < 7 {
            dev.set_ppp_failing(true);
        }
        dev.refresh_dynamic(dev.last_inform_ms);
        dev
    }

    fn wan_prefix(&self) -> &'static str {
        match self.model {
            Model::MikroTik => "Device.PPP.Interface.1",
            Model::Huawei => {
                "InternetGatewayDevice.WANDevice.1.WANConnectionDevice.2.WANPPPConnection.1"
            }
            Model::Zte => {
                "InternetGatewayDevice.WANDevice.1.WANConnectionDevice.3.WANPPPConnection.2"
            }
            Model::TpLink => {
                "InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANPPPConnection.1"
            }
        }
    }

    /// Starts or ends a PPP authentication failure.
    pub fn set_ppp_failing(&mut self, failing: bool) {
        self.ppp_failing = failing;
        let wan = self.wan_prefix();
        let (status, error) = if failing {
            ("Disconnected", "ERROR_AUTHENTICATION_FAILURE")
        } else {
            ("Connected", "ERROR_NONE")
        };
        self.set(&format!("{wan}.ConnectionStatus"), json!(status));
        self.set(&format!("{wan}.LastConnectionError"), json!(error));
    }

    /// Sets a parameter's value, keeping its type (an unknown path is ignored).
    pub fn set(&mut self, path: &str, value: Value) {
        if let Some(p) = self.params.get_mut(path) {
            p.value = value;
        }
    }

    /// Whether the device is reachable at `now_ms`.
    pub fn is_up(&self, now_ms: i64) -> bool {
        !self.forced_offline && now_ms >= self.offline_until_ms
    }

    /// Writes uptime, CPU, memory, counters and signal for an inform at `now_ms`.
    fn refresh_dynamic(&mut self, now_ms: i64) {
        let root = self.model.root();
        let uptime = ((now_ms - self.last_boot_ms) / 1000).max(0);
        self.set(&format!("{root}.DeviceInfo.UpTime"), json!(uptime));
        let cpu = self.cpu.round();
        let mem = self.mem;
        match self.model {
            Model::Huawei => {
                self.set(
                    "InternetGatewayDevice.DeviceInfo.X_HW_CpuUsed",
                    json!(cpu as u64),
                );
                self.set(
                    "InternetGatewayDevice.DeviceInfo.X_HW_MemUsed",
                    json!(mem.round() as u64),
                );
                let rx = -19.5 + (self.rng.unit() - 0.5) * 2.0;
                self.set(
                    "InternetGatewayDevice.WANDevice.1.X_GponInterafceConfig.RXPower",
                    json!(format!("{rx:.2}")),
                );
            }
            Model::Zte | Model::MikroTik => {
                self.set(
                    &format!("{root}.DeviceInfo.ProcessStatus.CPUUsage"),
                    json!(cpu as u64),
                );
                let total = self
                    .params
                    .get(&format!("{root}.DeviceInfo.MemoryStatus.Total"))
                    .and_then(|p| p.value.as_f64())
                    .unwrap_or(65536.0);
                self.set(
                    &format!("{root}.DeviceInfo.MemoryStatus.Free"),
                    json!(((1.0 - mem / 100.0) * total) as u64),
                );
                if self.model == Model::Zte {
                    let rx = -21.3 + (self.rng.unit() - 0.5) * 2.0;
                    self.set(
                        "InternetGatewayDevice.WANDevice.1.X_ZTE-COM_WANPONInterfaceConfig.RXPower",
                        json!(format!("{rx:.2}")),
                    );
                } else if self.params.contains_key("Device.Cellular.Interface.1.RSSI") {
                    let rssi = -70 + (self.rng.unit() * 16.0) as i64 - 8;
                    self.set("Device.Cellular.Interface.1.RSSI", json!(rssi));
                }
            }
            Model::TpLink => {}
        }
        let (sent_path, recv_path, wrap) = match self.model {
            Model::MikroTik => (
                "Device.IP.Interface.2.Stats.BytesSent",
                "Device.IP.Interface.2.Stats.BytesReceived",
                u64::MAX,
            ),
            _ => (
                "InternetGatewayDevice.WANDevice.1.WANCommonInterfaceConfig.TotalBytesSent",
                "InternetGatewayDevice.WANDevice.1.WANCommonInterfaceConfig.TotalBytesReceived",
                u64::from(u32::MAX),
            ),
        };
        let (sent, received) = (
            self.sent % wrap.saturating_add(1).max(1),
            self.received % wrap.saturating_add(1).max(1),
        );
        let (sent, received) = if wrap == u64::MAX {
            (self.sent, self.received)
        } else {
            (sent, received)
        };
        self.set(sent_path, json!(sent));
        self.set(recv_path, json!(received));
    }

    /// Advances the simulation to `now_ms`: periodic informs (with jitter) while the
    /// device is up, metrics evolving between them, random outages and reboots.
    /// Returns the instants of the informs that happened, for running queued tasks.
    pub fn step(&mut self, now_ms: i64) -> Vec<i64> {
        let mut informs = Vec::new();
        while self.next_inform_ms <= now_ms && informs.len() < 10_000 {
            let at = self.next_inform_ms;
            if !self.is_up(at) {
                self.next_inform_ms = if self.forced_offline {
                    now_ms + 1
                } else {
                    self.offline_until_ms
                };
                if self.forced_offline {
                    break;
                }
                // Back from an outage: the power came back, so the router booted.
                self.last_boot_ms = self.offline_until_ms - 30_000;
                continue;
            }
            let dt = ((at - self.last_inform_ms).max(0) as f64) / 1000.0;
            self.cpu = (self.cpu + (self.rng.unit() - 0.5) * 12.0).clamp(1.0, 99.0);
            self.mem = (self.mem + (self.rng.unit() - 0.5) * 4.0).clamp(10.0, 95.0);
            self.rate_rx =
                (self.rate_rx * (0.7 + self.rng.unit() * 0.6)).clamp(1_000.0, 40_000_000.0);
            self.rate_tx = (self.rate_tx * (0.7 + self.rng.unit() * 0.6)).clamp(500.0, 8_000_000.0);
            if !self.ppp_failing {
                self.received = self.received.wrapping_add((self.rate_rx * dt) as u64);
                self.sent = self.sent.wrapping_add((self.rate_tx * dt) as u64);
            }
            self.last_inform_ms = at;
            if let Some((_, version, bad, done_at)) = self.pending_download.clone() {
                if at >= done_at {
                    self.pending_download = None;
                    if !bad {
                        if let Some(v) = version {
                            let root = self.model.root();
                            self.set(&format!("{root}.DeviceInfo.SoftwareVersion"), json!(v));
                        }
                        self.reboot(at);
                    }
                }
            }
            self.refresh_dynamic(at);
            informs.push(at);
            // Rare events: an outage (0.2 %) or a spontaneous reboot (0.1 %) per inform.
            let roll = self.rng.range(0, 1000);
            if roll < 2 {
                self.offline_until_ms = at + self.rng.range(5, 90) as i64 * 60_000;
            } else if roll < 3 {
                self.reboot(at + 1000);
            }
            let jitter = self.rng.range(0, 20_000) as i64 - 10_000;
            self.next_inform_ms = at + self.interval_s * 1000 + jitter;
        }
        informs
    }

    /// Reboots at `at_ms`: uptime restarts, the router is away for about a minute.
    pub fn reboot(&mut self, at_ms: i64) {
        self.last_boot_ms = at_ms + 45_000;
        self.offline_until_ms = at_ms + 45_000;
        self.next_inform_ms = at_ms + 50_000;
        // Counters restart from zero after a boot.
        self.sent = 0;
        self.received = 0;
    }

    /// The value of a field for queries: `_id`, `_lastInform` (ms), `_tags`,
    /// `_deviceId._X`, or a parameter path (with or without `._value`).
    pub fn field(&self, key: &str) -> Option<Value> {
        let (oui, pc, manufacturer, _, _) = self.model.identity();
        match key {
            "_id" => Some(json!(self.id)),
            "_lastInform" => Some(json!(self.last_inform_ms)),
            "_registered" => Some(json!(self.registered_ms)),
            "_lastBoot" => Some(json!(self.last_boot_ms)),
            "_tags" => Some(json!(self.tags)),
            "_deviceId._SerialNumber" => Some(json!(self.serial)),
            "_deviceId._OUI" => Some(json!(oui)),
            "_deviceId._ProductClass" => Some(json!(pc)),
            "_deviceId._Manufacturer" => Some(json!(manufacturer)),
            path => {
                let path = path.strip_suffix("._value").unwrap_or(path);
                self.params.get(path).map(|p| p.value.clone())
            }
        }
    }

    /// The device's GenieACS document, optionally projected.
    pub fn document(&self, projection: Option<&[String]>) -> Value {
        let wanted = |path: &str| match projection {
            None => true,
            Some(list) => list.iter().any(|p| {
                p == path
                    || path.starts_with(&format!("{p}."))
                    || p.starts_with(&format!("{path}."))
            }),
        };
        let ts = iso(self.last_inform_ms);
        let mut doc = Map::new();
        doc.insert("_id".into(), json!(self.id));
        let (oui, pc, manufacturer, _, _) = self.model.identity();
        for (key, value) in [
            (
                "_deviceId",
                json!({"_Manufacturer": manufacturer, "_OUI": oui, "_ProductClass": pc, "_SerialNumber": self.serial}),
            ),
            ("_lastInform", json!(ts)),
            ("_lastBoot", json!(iso(self.last_boot_ms))),
            ("_registered", json!(iso(self.registered_ms))),
        ] {
            if wanted(key) {
                doc.insert(key.into(), value);
            }
        }
        if !self.tags.is_empty() && wanted("_tags") {
            doc.insert("_tags".into(), json!(self.tags));
        }
        for (path, p) in &self.params {
            if projection.is_some_and(|list| {
                !list
                    .iter()
                    .any(|q| q == path || path.starts_with(&format!("{q}.")))
            }) {
                continue;
            }
            insert_leaf(&mut doc, path, p, &ts);
        }
        Value::Object(doc)
    }
}

fn insert_leaf(doc: &mut Map<String, Value>, path: &str, p: &Param, ts: &str) {
    let segments: Vec<&str> = path.split('.').collect();
    let mut node = doc;
    for seg in &segments[..segments.len() - 1] {
        let entry = node.entry((*seg).to_owned()).or_insert_with(
            || json!({"_object": true, "_writable": seg.parse::<u32>().is_ok(), "_timestamp": ts}),
        );
        let Some(map) = entry.as_object_mut() else {
            return;
        };
        node = map;
    }
    let value = if p.secret { json!("") } else { p.value.clone() };
    node.insert(
        segments[segments.len() - 1].to_owned(),
        json!({"_object": false, "_value": value, "_type": p.xsd, "_writable": p.writable, "_timestamp": ts}),
    );
}

/// GenieACS's timestamp format: ISO-8601 with milliseconds and `Z`.
pub fn iso(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .map(|t| {
            format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second(),
                t.millisecond()
            )
        })
        .unwrap_or_default()
}
