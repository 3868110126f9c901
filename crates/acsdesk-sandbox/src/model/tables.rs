//! Each vendor model's parameter table, written once: the paths of its data model
//! (TR-098 or TR-181 and its vendor extensions), their types and writability, and how
//! each value is produced. Shared by every device of the model.

use super::*;

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

/// The table of `model`, built once per process and shared.
pub(super) fn build(model: Model) -> Template {
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
    // The connection-request credentials the vendor ships, the same on every router.
    b.constant(
        format!("{root}.ManagementServer.ConnectionRequestUsername"),
        json!("admin"),
        "xsd:string",
        true,
    );
    b.secret(format!("{root}.ManagementServer.ConnectionRequestPassword"));
    // The ping diagnostic, with the defaults the recorded routers report (TR-181's
    // from the TP-Link EC220 capture, TR-098's zeros from the Huawei one).
    let ping = crate::device::ping_object(root);
    let (repetitions, timeout, size) = if root == "Device" {
        (4, 800, 32)
    } else {
        (0, 0, 0)
    };
    b.constant(
        format!("{ping}.DiagnosticsState"),
        json!("None"),
        "xsd:string",
        true,
    );
    b.constant(format!("{ping}.Host"), json!(""), "xsd:string", true);
    b.constant(format!("{ping}.Interface"), json!(""), "xsd:string", true);
    for (leaf, value) in [
        ("NumberOfRepetitions", repetitions),
        ("Timeout", timeout),
        ("DataBlockSize", size),
        ("DSCP", 0),
    ] {
        b.constant(
            format!("{ping}.{leaf}"),
            json!(value),
            "xsd:unsignedInt",
            true,
        );
    }
    for leaf in [
        "SuccessCount",
        "FailureCount",
        "AverageResponseTime",
        "MinimumResponseTime",
        "MaximumResponseTime",
    ] {
        b.constant(format!("{ping}.{leaf}"), json!(0), "xsd:unsignedInt", false);
    }
    diagnostics(&mut b, model);
    clients(&mut b, model);
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
                "Device.PPP.Interface.1.LastChange",
                "xsd:unsignedInt",
                false,
                Gen::PppUptime,
            );
            b.add(
                "Device.PPP.Interface.1.IPCP.LocalIPAddress",
                "xsd:string",
                false,
                Gen::PublicIp,
            );
            b.constant(
                "Device.PPP.Interface.1.IPCP.DNSServers",
                json!("100.64.0.53,100.64.0.54"),
                "xsd:string",
                false,
            );
            for (i, band, suffix) in [(1, "2.4GHz", ""), (2, "5GHz", "-5G")] {
                b.constant(
                    format!("Device.WiFi.Radio.{i}.OperatingFrequencyBand"),
                    json!(band),
                    "xsd:string",
                    false,
                );
                let (channel, width, standards) = if i == 1 {
                    (1, "20MHz", "b,g,n")
                } else {
                    (36, "80MHz", "a,n,ac")
                };
                b.constant(
                    format!("Device.WiFi.Radio.{i}.Channel"),
                    json!(channel),
                    "xsd:unsignedInt",
                    true,
                );
                b.constant(
                    format!("Device.WiFi.Radio.{i}.OperatingChannelBandwidth"),
                    json!(width),
                    "xsd:string",
                    true,
                );
                b.constant(
                    format!("Device.WiFi.Radio.{i}.OperatingStandards"),
                    json!(standards),
                    "xsd:string",
                    true,
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
                format!("{wan}.Uptime"),
                "xsd:unsignedInt",
                false,
                Gen::PppUptime,
            );
            b.add(
                format!("{wan}.ExternalIPAddress"),
                "xsd:string",
                false,
                Gen::PublicIp,
            );
            b.add(format!("{wan}.MACAddress"), "xsd:string", false, Gen::Mac);
            b.constant(format!("{wan}.Enable"), json!(true), "xsd:boolean", true);
            b.constant(
                format!("{wan}.DNSServers"),
                json!("100.64.0.53,100.64.0.54"),
                "xsd:string",
                false,
            );
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
                b.constant(
                    format!("{wlan}.{i}.Standard"),
                    json!(if i == 1 { "b/g/n" } else { "a/n/ac" }),
                    "xsd:string",
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
                    b.add(
                        "InternetGatewayDevice.WANDevice.1.X_GponInterafceConfig.TXPower",
                        "xsd:string",
                        false,
                        Gen::OpticalTx(2.3),
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
                    b.add(
                        "InternetGatewayDevice.WANDevice.1.X_ZTE-COM_WANPONInterfaceConfig.TXPower",
                        "xsd:string",
                        false,
                        Gen::OpticalTx(2.1),
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

/// The traceroute and TR-143 tests of a model. TR-181's leaves are those of the TP-Link
/// EC220 capture (`Device.IP.Diagnostics.TraceRoute`, `.DownloadDiagnostics`,
/// `.UploadDiagnostics`, with its defaults); TR-098's, absent from the Huawei capture,
/// follow InternetGatewayDevice:1.14 (TR-143's amendment). The Huawei HG8245H has the
/// traceroute but no TR-143 tests, so a speed test on it is refused.
fn diagnostics(b: &mut Builder, model: Model) {
    use crate::device::Test;
    let root = model.root();
    let tr181 = root == "Device";
    let rw = |b: &mut Builder, path: String, value: Value, xsd: &'static str| {
        b.constant(path, value, xsd, true);
    };
    let ro = |b: &mut Builder, path: String, value: Value, xsd: &'static str| {
        b.constant(path, value, xsd, false);
    };
    let trace = Test::TraceRoute.object(root);
    rw(
        b,
        format!("{trace}.DiagnosticsState"),
        json!("None"),
        "xsd:string",
    );
    rw(b, format!("{trace}.Host"), json!(""), "xsd:string");
    rw(
        b,
        format!("{trace}.MaxHopCount"),
        json!(30),
        "xsd:unsignedInt",
    );
    if !tr181 {
        rw(b, format!("{trace}.Interface"), json!(""), "xsd:string");
        for (leaf, value) in [
            ("NumberOfTries", 3),
            ("Timeout", 5000),
            ("DataBlockSize", 38),
            ("DSCP", 0),
        ] {
            rw(
                b,
                format!("{trace}.{leaf}"),
                json!(value),
                "xsd:unsignedInt",
            );
        }
    }
    for leaf in ["ResponseTime", "RouteHopsNumberOfEntries"] {
        ro(b, format!("{trace}.{leaf}"), json!(0), "xsd:unsignedInt");
    }
    if model == Model::Huawei {
        return;
    }
    for test in [Test::Download, Test::Upload] {
        let object = test.object(root);
        let upload = test == Test::Upload;
        rw(
            b,
            format!("{object}.DiagnosticsState"),
            json!("None"),
            "xsd:string",
        );
        let url = if upload { "UploadURL" } else { "DownloadURL" };
        rw(b, format!("{object}.{url}"), json!(""), "xsd:string");
        rw(b, format!("{object}.DSCP"), json!(0), "xsd:unsignedInt");
        rw(
            b,
            format!("{object}.EthernetPriority"),
            json!(0),
            "xsd:unsignedInt",
        );
        if upload {
            rw(
                b,
                format!("{object}.TestFileLength"),
                json!(0),
                "xsd:unsignedInt",
            );
        }
        if !tr181 {
            rw(b, format!("{object}.Interface"), json!(""), "xsd:string");
        }
        for leaf in [
            "ROMTime",
            "BOMTime",
            "EOMTime",
            "TCPOpenRequestTime",
            "TCPOpenResponseTime",
        ] {
            ro(
                b,
                format!("{object}.{leaf}"),
                json!("1970-01-01T00:00:00.000Z"),
                "xsd:dateTime",
            );
        }
        let counters: &[&str] = if upload {
            &["TotalBytesSent"]
        } else {
            &["TestBytesReceived", "TotalBytesReceived"]
        };
        for leaf in counters {
            ro(b, format!("{object}.{leaf}"), json!(0), "xsd:unsignedInt");
        }
        if tr181 {
            let max = if upload {
                "UploadDiagnosticMaxConnections"
            } else {
                "DownloadDiagnosticMaxConnections"
            };
            ro(b, format!("{object}.{max}"), json!(10), "xsd:unsignedInt");
            rw(
                b,
                format!("{object}.NumberOfConnections"),
                json!(1),
                "xsd:unsignedInt",
            );
            ro(
                b,
                format!("{object}.PeriodOfFullLoading"),
                json!(0),
                "xsd:unsignedInt",
            );
            let under = if upload {
                "TestBytesSentUnderFullLoading"
            } else {
                "TestBytesReceivedUnderFullLoading"
            };
            ro(b, format!("{object}.{under}"), json!(0), "xsd:unsignedInt");
        }
    }
}

/// Four devices on each router's LAN: two phones or laptops on the 2.4 GHz network, one
/// on the 5 GHz network, one on a cable — in the host table (TR-098
/// `LANDevice.1.Hosts.Host.{i}` as in the Huawei capture, TR-181 `Hosts.Host.{i}` as in
/// the TP-Link one) and, for the WiFi ones, in their network's association table, with
/// its count (`TotalAssociations`, `AssociatedDeviceNumberOfEntries`). They come and go
/// by the hour.
fn clients(b: &mut Builder, model: Model) {
    const CLIENTS: u8 = 4;
    let ro =
        |b: &mut Builder, path: String, gen: Gen, xsd: &'static str| b.add(path, xsd, false, gen);
    // Which network each client is on: 0 = 2.4 GHz, 1 = 5 GHz, None = a cable.
    let on = |i: u8| match i {
        1 | 2 => Some(0),
        3 => Some(1),
        _ => None,
    };
    let mask = |net: u8| {
        (1..=CLIENTS)
            .filter(|i| on(*i) == Some(net))
            .fold(0_u8, |m, i| m | (1 << i))
    };
    if model.root() == "Device" {
        let hosts = "Device.Hosts";
        b.constant(
            format!("{hosts}.HostNumberOfEntries"),
            json!(CLIENTS),
            "xsd:unsignedInt",
            false,
        );
        let mut station = [0_u8; 2];
        for i in 1..=CLIENTS {
            let host = format!("{hosts}.Host.{i}");
            ro(
                b,
                format!("{host}.HostName"),
                Gen::ClientName(i),
                "xsd:string",
            );
            ro(
                b,
                format!("{host}.PhysAddress"),
                Gen::ClientMac(i),
                "xsd:string",
            );
            ro(
                b,
                format!("{host}.IPAddress"),
                Gen::ClientIp("192.168.88.", i),
                "xsd:string",
            );
            ro(
                b,
                format!("{host}.Active"),
                Gen::ClientActive(i),
                "xsd:boolean",
            );
            let (layer1, associated) = match on(i) {
                Some(net) => {
                    let ap = net + 1;
                    station[usize::from(net)] += 1;
                    let k = station[usize::from(net)];
                    let st = format!("Device.WiFi.AccessPoint.{ap}.AssociatedDevice.{k}");
                    ro(
                        b,
                        format!("{st}.MACAddress"),
                        Gen::ClientMac(i),
                        "xsd:string",
                    );
                    ro(
                        b,
                        format!("{st}.SignalStrength"),
                        Gen::ClientSignal(i),
                        "xsd:int",
                    );
                    ro(
                        b,
                        format!("{st}.Active"),
                        Gen::ClientActive(i),
                        "xsd:boolean",
                    );
                    (format!("Device.WiFi.SSID.{ap}."), format!("{st}."))
                }
                None => ("Device.Ethernet.Interface.1.".to_owned(), String::new()),
            };
            b.constant(
                format!("{host}.Layer1Interface"),
                json!(layer1),
                "xsd:string",
                false,
            );
            b.constant(
                format!("{host}.AssociatedDevice"),
                json!(associated),
                "xsd:string",
                false,
            );
        }
        for net in 0..2_u8 {
            ro(
                b,
                format!(
                    "Device.WiFi.AccessPoint.{}.AssociatedDeviceNumberOfEntries",
                    net + 1
                ),
                Gen::ClientCount(mask(net)),
                "xsd:unsignedInt",
            );
        }
        return;
    }
    let lan = "InternetGatewayDevice.LANDevice.1";
    let prefix = if model == Model::Huawei {
        "192.168.100."
    } else {
        "192.168.1."
    };
    let five = if model == Model::TpLink { 2 } else { 5 };
    let wlan = |net: u8| {
        format!(
            "{lan}.WLANConfiguration.{}",
            if net == 0 { 1 } else { five }
        )
    };
    b.constant(
        format!("{lan}.Hosts.HostNumberOfEntries"),
        json!(CLIENTS),
        "xsd:unsignedInt",
        false,
    );
    let mut station = [0_u8; 2];
    for i in 1..=CLIENTS {
        let host = format!("{lan}.Hosts.Host.{i}");
        ro(
            b,
            format!("{host}.HostName"),
            Gen::ClientName(i),
            "xsd:string",
        );
        ro(
            b,
            format!("{host}.MACAddress"),
            Gen::ClientMac(i),
            "xsd:string",
        );
        ro(
            b,
            format!("{host}.IPAddress"),
            Gen::ClientIp(prefix, i),
            "xsd:string",
        );
        ro(
            b,
            format!("{host}.Active"),
            Gen::ClientActive(i),
            "xsd:boolean",
        );
        b.constant(
            format!("{host}.AddressSource"),
            json!("DHCP"),
            "xsd:string",
            false,
        );
        let (layer2, kind) = match on(i) {
            Some(net) => {
                station[usize::from(net)] += 1;
                let st = format!(
                    "{}.AssociatedDevice.{}",
                    wlan(net),
                    station[usize::from(net)]
                );
                ro(
                    b,
                    format!("{st}.AssociatedDeviceMACAddress"),
                    Gen::ClientMac(i),
                    "xsd:string",
                );
                ro(
                    b,
                    format!("{st}.AssociatedDeviceIPAddress"),
                    Gen::ClientIp(prefix, i),
                    "xsd:string",
                );
                ro(
                    b,
                    format!("{st}.AssociatedDeviceAuthenticationState"),
                    Gen::ClientActive(i),
                    "xsd:boolean",
                );
                (wlan(net), "802.11")
            }
            None => (format!("{lan}.LANEthernetInterfaceConfig.1"), "Ethernet"),
        };
        b.constant(
            format!("{host}.Layer2Interface"),
            json!(layer2),
            "xsd:string",
            false,
        );
        b.constant(
            format!("{host}.InterfaceType"),
            json!(kind),
            "xsd:string",
            false,
        );
    }
    for net in 0..2_u8 {
        ro(
            b,
            format!("{}.TotalAssociations", wlan(net)),
            Gen::ClientCount(mask(net)),
            "xsd:unsignedInt",
        );
    }
}
