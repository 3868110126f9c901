//! Table-driven tests of normalisation over the real GenieACS captures in
//! `tests/fixtures/genieacs` and over hand-made documents of vendor quirks.

use super::*;
use serde_json::json;

fn fixture(name: &str) -> Vec<Value> {
    serde_json::from_slice(&acsdesk_captures::fixture_bytes(name)).unwrap()
}

#[test]
fn real_tr098_huawei_document() {
    let doc = &fixture("device-full-tr098.json")[0];
    let d = normalize(doc).unwrap();
    assert_eq!(d.id, "202BC1-BM632w-000000");
    assert_eq!(d.serial, "000000");
    assert_eq!(d.oui, "202BC1");
    assert_eq!(d.product_class, "BM632w");
    assert_eq!(d.vendor, Vendor::Huawei);
    assert_eq!(d.data_model, Some(DataModel::Tr098));
    assert_eq!(d.model.as_deref(), Some("BM632w"));
    assert_eq!(d.firmware.as_deref(), Some("V100R001IRQC56B017"));
    assert_eq!(d.hardware.as_deref(), Some("40501"));
    assert_eq!(d.mac.as_deref(), Some("20:2B:C1:E0:06:65"));
    assert_eq!(d.wan_ip.as_deref(), Some("172.3.89.139"));
    assert_eq!(d.lan_ip.as_deref(), Some("192.168.1.1"));
    assert_eq!(d.uptime_s, Some(213_138));
    assert_eq!(d.inform_interval_s, Some(300));
    let wan = d.wan.as_ref().unwrap();
    assert_eq!(wan.kind, WanKind::Ip);
    assert_eq!(
        wan.path,
        "InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnection.1"
    );
    assert_eq!(wan.status.as_deref(), Some("Connected"));
    assert_eq!(wan.last_error.as_deref(), Some("ERROR_USER_DISCONNECT"));
    assert_eq!(d.pppoe_username(), None);
    assert_eq!(
        d.counters,
        Some(ByteCounters {
            sent: 357_834_487,
            received: 971_470_946,
            width: CounterWidth::Bits32
        })
    );
    assert_eq!(d.wifi.len(), 1);
    assert_eq!(d.wifi[0].band, Band::Ghz2_4, "channel 6 is 2.4 GHz");
    assert_eq!(d.ssid(Band::Ghz2_4), Some("Lab-WiFi-000000"));
    assert_eq!(
        d.wifi[0].passphrase_path.as_deref(),
        Some("InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.PreSharedKey.1.PreSharedKey")
    );
    assert_eq!(d.last_inform_ms, Some(1_795_467_817_052)); // 2026-11-23T21:03:37.052Z
    assert_eq!(d.tags, vec!["lab-reference", "tr098"]);
}

#[test]
fn real_tr181_tplink_document() {
    let doc = &fixture("device-full-tr181.json")[0];
    let d = normalize(doc).unwrap();
    assert_eq!(d.id, "9CA2F4-EC220%2DG5-000100");
    assert_eq!(d.serial, "000100");
    assert_eq!(d.product_class, "EC220-G5");
    assert_eq!(d.vendor, Vendor::TpLink);
    assert_eq!(d.data_model, Some(DataModel::Tr181));
    assert_eq!(
        d.firmware.as_deref(),
        Some("1.12.0 Build 220820 Rel.52419n(4252)")
    );
    assert_eq!(d.hardware.as_deref(), Some("EC220-G5 3.0"));
    assert_eq!(d.cpu_pct, Some(6.0));
    let mem = d.mem_pct.unwrap();
    assert!((mem - 30.815).abs() < 0.01, "{mem}");
    assert_eq!(d.uptime_s, Some(545));
    assert_eq!(d.inform_interval_s, Some(60));
    let wan = d.wan.as_ref().unwrap();
    assert_eq!(wan.kind, WanKind::Ppp);
    assert_eq!(wan.path, "Device.PPP.Interface.1");
    assert_eq!(wan.status.as_deref(), Some("Connected"));
    assert_eq!(d.pppoe_username(), Some("admin123"));
    assert_eq!(d.wan_ip.as_deref(), Some("192.168.89.125"));
    assert_eq!(d.lan_ip.as_deref(), Some("192.168.0.1"));
    // The WAN's: PPP.Interface.1 → VLANTermination.1 → Ethernet.Link.2 (…E9), not
    // Ethernet.Link.1, the LAN bridge (…E8).
    assert_eq!(d.mac.as_deref(), Some("9C:A2:F4:00:0C:E9"));
    let c = d.counters.unwrap();
    assert_eq!((c.sent, c.received), (2_210_191, 1_369_083));
    assert_eq!(c.width, CounterWidth::Bits32, "declared xsd:unsignedInt");
    let bands: Vec<(Band, &str)> = d
        .wifi
        .iter()
        .map(|w| (w.band, w.ssid.as_deref().unwrap()))
        .collect();
    assert_eq!(
        bands,
        vec![
            (Band::Ghz2_4, "TP-Link_0CE8"),
            (Band::Ghz2_4, "TP-Link_Guest_0CE8"),
            (Band::Ghz5, "TP-Link_0CE8_5G"),
            (Band::Ghz5, "TP-Link_Guest_0CE8_5G"),
        ]
    );
    assert_eq!(d.ssid(Band::Ghz5), Some("TP-Link_0CE8_5G"));
    assert_eq!(
        d.wifi[2].passphrase_path.as_deref(),
        Some("Device.WiFi.AccessPoint.3.Security.KeyPassphrase")
    );
    assert_eq!(d.tags, vec!["tr181", "lab-reference"]);
}

/// Every real document of every capture normalises, with its identity intact, whether it
/// is a full tree, an Inform-only document or a projection.
#[test]
fn every_recorded_device_document_normalises() {
    for name in [
        "devices-all.json",
        "devices-all-initial.json",
        "devices-list-projection.json",
    ] {
        let docs = fixture(name);
        assert!(!docs.is_empty(), "{name}");
        for doc in &docs {
            let d = normalize(doc).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(d.id, doc["_id"].as_str().unwrap(), "{name}");
            assert_eq!(d.serial, doc["_deviceId"]["_SerialNumber"], "{name}");
            assert!(d.last_inform_ms.is_some(), "{name}: {}", d.id);
        }
    }
    let all = fixture("devices-all.json");
    let normalised: Vec<_> = all.iter().map(|d| normalize(d).unwrap()).collect();
    assert_eq!(
        normalised
            .iter()
            .filter(|d| d.data_model == Some(DataModel::Tr181))
            .count(),
        1
    );
    assert!(
        normalised.iter().all(|d| d.firmware.is_some()),
        "Inform carries the firmware"
    );
}

#[test]
fn identity_is_required_and_errors_say_what_is_missing() {
    assert_eq!(normalize(&json!([1, 2])), Err(NormalizeError::NotAnObject));
    assert_eq!(normalize(&json!({})), Err(NormalizeError::Missing("_id")));
    let err = normalize(&json!({"_id": "A-B-C", "_deviceId": {"_OUI": "A"}})).unwrap_err();
    assert!(err.to_string().contains("serial number"), "{err}");
}

fn leaf(value: serde_json::Value, xsd: &str) -> serde_json::Value {
    json!({ "_value": value, "_type": xsd, "_writable": true })
}

/// Huawei HG8245-style: the internet WAN is the PPP connection tagged INTERNET on
/// WANConnectionDevice 2; the TR069 WAN on instance 1 is skipped; CPU and memory come
/// from Huawei's own parameters.
#[test]
fn huawei_service_list_picks_the_internet_wan_at_any_instance() {
    let doc = json!({
        "_id": "00E0FC-HG8245H-48575443A1B2C3D4",
        "_deviceId": {"_OUI": "00E0FC", "_ProductClass": "HG8245H", "_SerialNumber": "48575443A1B2C3D4", "_Manufacturer": "Huawei Technologies Co., Ltd"},
        "_lastInform": "2026-11-23T10:00:00.000Z",
        "InternetGatewayDevice": {
            "DeviceInfo": {
                "X_HW_CpuUsed": leaf(json!(17), "xsd:unsignedInt"),
                "X_HW_MemUsed": leaf(json!(64), "xsd:unsignedInt"),
                "SoftwareVersion": leaf(json!("V3R017C10S115"), "xsd:string")
            },
            "WANDevice": { "1": {
                "X_GponInterafceConfig": { "RXPower": leaf(json!("-19.2"), "xsd:string") },
                "WANCommonInterfaceConfig": {
                    "TotalBytesSent": leaf(json!(4_294_967_000u64), "xsd:unsignedInt"),
                    "TotalBytesReceived": leaf(json!(12), "xsd:unsignedInt")
                },
                "WANConnectionDevice": {
                    "1": { "WANIPConnection": { "1": {
                        "X_HW_SERVICELIST": leaf(json!("TR069"), "xsd:string"),
                        "ConnectionStatus": leaf(json!("Connected"), "xsd:string"),
                        "ExternalIPAddress": leaf(json!("10.50.0.7"), "xsd:string")
                    }}},
                    "2": { "WANPPPConnection": { "1": {
                        "X_HW_SERVICELIST": leaf(json!("INTERNET"), "xsd:string"),
                        "ConnectionStatus": leaf(json!("Disconnected"), "xsd:string"),
                        "LastConnectionError": leaf(json!("ERROR_AUTHENTICATION_FAILURE"), "xsd:string"),
                        "Username": leaf(json!("cust-0042"), "xsd:string"),
                        "Password": leaf(json!(""), "xsd:string"),
                        "ExternalIPAddress": leaf(json!("0.0.0.0"), "xsd:string")
                    }}}
                }
            }},
            "LANDevice": { "1": { "WLANConfiguration": {
                "1": { "SSID": leaf(json!("Home"), "xsd:string"), "Channel": leaf(json!(0), "xsd:unsignedInt"), "Standard": leaf(json!("b,g,n"), "xsd:string"), "KeyPassphrase": leaf(json!(""), "xsd:string") },
                "5": { "SSID": leaf(json!("Home-5G"), "xsd:string"), "Channel": leaf(json!(44), "xsd:unsignedInt"), "PreSharedKey": { "1": { "PreSharedKey": leaf(json!(""), "xsd:string") } } }
            }}}
        }
    });
    let d = normalize(&doc).unwrap();
    assert_eq!(d.vendor, Vendor::Huawei);
    let wan = d.wan.clone().unwrap();
    assert_eq!(
        wan.path,
        "InternetGatewayDevice.WANDevice.1.WANConnectionDevice.2.WANPPPConnection.1"
    );
    assert_eq!(wan.username.as_deref(), Some("cust-0042"));
    assert_eq!(
        wan.last_error.as_deref(),
        Some("ERROR_AUTHENTICATION_FAILURE")
    );
    assert_eq!(wan.ip, None, "0.0.0.0 is no address");
    assert_eq!(d.cpu_pct, Some(17.0));
    assert_eq!(d.mem_pct, Some(64.0));
    assert_eq!(d.signal_dbm, Some(-19.2));
    assert_eq!(d.counters.unwrap().sent, 4_294_967_000);
    assert_eq!(
        d.ssid(Band::Ghz2_4),
        Some("Home"),
        "channel 0 (auto): band from Standard"
    );
    assert_eq!(
        d.ssid(Band::Ghz5),
        Some("Home-5G"),
        "instance 5 on channel 44"
    );
    assert_eq!(
        d.wifi[1].passphrase_path.as_deref(),
        Some("InternetGatewayDevice.LANDevice.1.WLANConfiguration.5.PreSharedKey.1.PreSharedKey")
    );
}

/// ZTE F670L-style: a PPPoE_Bridged WAN is skipped for the routed one behind it.
#[test]
fn zte_bridged_wan_is_skipped() {
    let doc = json!({
        "_id": "001141-F670L-ZTEGC0FFEE01",
        "_deviceId": {"_OUI": "001141", "_ProductClass": "F670L", "_SerialNumber": "ZTEGC0FFEE01", "_Manufacturer": "ZTE"},
        "InternetGatewayDevice": { "WANDevice": { "1": { "WANConnectionDevice": {
            "1": { "WANPPPConnection": { "1": {
                "ConnectionType": leaf(json!("PPPoE_Bridged"), "xsd:string"),
                "ConnectionStatus": leaf(json!("Connected"), "xsd:string"),
                "Username": leaf(json!("bridge-user"), "xsd:string")
            }}},
            "3": { "WANPPPConnection": { "2": {
                "ConnectionType": leaf(json!("IP_Routed"), "xsd:string"),
                "ConnectionStatus": leaf(json!("Connected"), "xsd:string"),
                "Username": leaf(json!("zte-cust"), "xsd:string"),
                "ExternalIPAddress": leaf(json!("100.64.3.9"), "xsd:string")
            }}}
        }}}}
    });
    let d = normalize(&doc).unwrap();
    assert_eq!(d.vendor, Vendor::Zte);
    assert_eq!(d.pppoe_username(), Some("zte-cust"));
    assert_eq!(d.wan_ip.as_deref(), Some("100.64.3.9"));
}

/// MikroTik-style TR-181 without PPP: the WAN is the non-LAN IP interface with an
/// address; LTE RSSI is the signal; 64-bit counters are recognised.
#[test]
fn mikrotik_ip_wan_lte_signal_and_64_bit_counters() {
    let doc = json!({
        "_id": "E48D8C-hAP%20ac%C2%B2-HC1234567",
        "_deviceId": {"_OUI": "E48D8C", "_ProductClass": "hAP ac²", "_SerialNumber": "HC1234567", "_Manufacturer": "MikroTik"},
        "Device": {
            "DeviceInfo": { "X_MIKROTIK_SystemIdentity": leaf(json!("shop-42"), "xsd:string") },
            "Cellular": { "Interface": { "1": { "RSSI": leaf(json!(-71), "xsd:int") } } },
            "IP": { "Interface": {
                "1": { "Name": leaf(json!("bridge"), "xsd:string"), "IPv4Address": { "1": { "IPAddress": leaf(json!("192.168.88.1"), "xsd:string") } } },
                "2": { "Name": leaf(json!("lte1"), "xsd:string"), "Status": leaf(json!("Up"), "xsd:string"),
                       "IPv4Address": { "1": { "IPAddress": leaf(json!("100.72.1.5"), "xsd:string") } },
                       "Stats": { "BytesSent": leaf(json!(9_000_000_000u64), "xsd:unsignedLong"), "BytesReceived": leaf(json!(42), "xsd:unsignedLong") } }
            }}
        }
    });
    let d = normalize(&doc).unwrap();
    assert_eq!(d.vendor, Vendor::MikroTik);
    assert_eq!(d.data_model, Some(DataModel::Tr181));
    assert_eq!(d.wan_ip.as_deref(), Some("100.72.1.5"));
    assert_eq!(d.lan_ip.as_deref(), Some("192.168.88.1"));
    assert_eq!(d.signal_dbm, Some(-71.0));
    let c = d.counters.unwrap();
    assert_eq!((c.sent, c.width), (9_000_000_000, CounterWidth::Bits64));
    assert_eq!(d.wan.unwrap().kind, WanKind::Ip);
}

#[test]
fn implausible_values_are_dropped_not_guessed() {
    let doc = json!({
        "_id": "X-Y-Z",
        "_deviceId": {"_OUI": "X", "_ProductClass": "Y", "_SerialNumber": "Z"},
        "_lastInform": "not a date",
        "Device": { "DeviceInfo": {
            "ProcessStatus": { "CPUUsage": leaf(json!(250), "xsd:unsignedInt") },
            "MemoryStatus": { "Total": leaf(json!(0), "xsd:unsignedInt"), "Free": leaf(json!(10), "xsd:unsignedInt") },
            "UpTime": leaf(json!(-5), "xsd:int")
        },
        "Optical": { "Interface": { "1": {
            "OpticalSignalLevel": leaf(json!(-21500), "xsd:int"),
            "TransmitOpticalLevel": leaf(json!(2340), "xsd:int")
        } } } }
    });
    let d = normalize(&doc).unwrap();
    assert_eq!(d.cpu_pct, None);
    assert_eq!(d.mem_pct, None);
    assert_eq!(d.uptime_s, None);
    assert_eq!(d.last_inform_ms, None);
    assert_eq!(
        d.signal_dbm,
        Some(-21.5),
        "TR-181 optical level is in 0.001 dBm"
    );
    assert_eq!(d.optical_rx_dbm, Some(-21.5));
    assert_eq!(d.optical_tx_dbm, Some(2.34));
    assert!(d.wifi.is_empty());
}

/// Some Huawei and ZTE firmware report the PON powers in µW rather than dBm: a reading
/// above what a port can take or send is converted; one no unit explains is dropped.
#[test]
fn optical_power_in_linear_units_is_converted_to_dbm() {
    let ont = |rx: Value, tx: Value| {
        json!({
            "_id": "00E0FC-HG8245H-1",
            "_deviceId": {"_OUI": "00E0FC", "_ProductClass": "HG8245H", "_SerialNumber": "1",
                          "_Manufacturer": "Huawei Technologies Co., Ltd"},
            "InternetGatewayDevice": { "WANDevice": { "1": { "X_GponInterafceConfig": {
                "RXPower": leaf(rx, "xsd:string"),
                "TXPower": leaf(tx, "xsd:string")
            } } } }
        })
    };
    let d = normalize(&ont(json!("-19.52"), json!("2.31"))).unwrap();
    assert_eq!(
        (d.optical_rx_dbm, d.optical_tx_dbm),
        (Some(-19.52), Some(2.31))
    );
    assert_eq!(
        d.signal_dbm,
        Some(-19.52),
        "the receive power is the signal"
    );
    // 10 µW is -20 dBm; 1995 µW is +3 dBm.
    let d = normalize(&ont(json!("10"), json!("1995"))).unwrap();
    assert_eq!(
        (d.optical_rx_dbm, d.optical_tx_dbm),
        (Some(-20.0), Some(3.0))
    );
    let d = normalize(&ont(json!("-99"), json!("oops"))).unwrap();
    assert_eq!((d.optical_rx_dbm, d.optical_tx_dbm), (None, None));
    assert_eq!(d.signal_dbm, None);
}

/// ZTE ONTs name their PON port `X_ZTE-COM_WANPONInterfaceConfig` (F660) or, later,
/// `X_ZTE-COM_GponInterfaceConfig` with `RxPower`/`TxPower` (F670L): both are read.
#[test]
fn both_zte_pon_objects_give_the_optical_power() {
    let ont = |object: &str, rx: &str, tx: &str| {
        let mut port = serde_json::Map::new();
        port.insert(rx.into(), leaf(json!("-23.40"), "xsd:string"));
        port.insert(tx.into(), leaf(json!("2.10"), "xsd:string"));
        let mut wan = serde_json::Map::new();
        wan.insert(object.into(), Value::Object(port));
        json!({
            "_id": "001141-F670L-ZTEG1",
            "_deviceId": {"_OUI": "001141", "_ProductClass": "F670L", "_SerialNumber": "ZTEG1",
                          "_Manufacturer": "ZTE"},
            "InternetGatewayDevice": { "WANDevice": { "1": Value::Object(wan) } }
        })
    };
    for (object, rx, tx) in [
        ("X_ZTE-COM_WANPONInterfaceConfig", "RXPower", "TXPower"),
        ("X_ZTE-COM_GponInterfaceConfig", "RxPower", "TxPower"),
    ] {
        let d = normalize(&ont(object, rx, tx)).unwrap();
        assert_eq!(
            (d.optical_rx_dbm, d.optical_tx_dbm),
            (Some(-23.4), Some(2.1)),
            "{object}"
        );
    }
}

/// One row per recorded device of `devices-all.json`: what its document says, read off
/// the capture by hand, against what normalisation makes of it.
#[test]
fn every_recorded_device_table() {
    struct Row {
        id: &'static str,
        wan_ip: Option<&'static str>,
        uptime_s: Option<u64>,
        /// The SSID and its band (the document says neither channel nor band).
        ssid: Option<(&'static str, Band)>,
        wan_status: Option<&'static str>,
        wan_error: Option<&'static str>,
        counters: Option<(u64, u64)>,
        tags: &'static [&'static str],
        booted: bool,
    }
    // The Inform-only shape most simulated routers have: identity, firmware and the
    // TR-069 WAN's address, nothing else.
    const INFORM: Row = Row {
        id: "",
        wan_ip: Some("172.3.89.139"),
        uptime_s: None,
        ssid: None,
        wan_status: None,
        wan_error: None,
        counters: None,
        tags: &[],
        booted: false,
    };
    let table = [
        Row {
            id: "202BC1-BM632w-000001",
            ..INFORM
        },
        Row {
            id: "202BC1-BM632w-000002",
            ..INFORM
        },
        Row {
            id: "202BC1-BM632w-000003",
            ..INFORM
        },
        Row {
            id: "202BC1-BM632w-000004",
            uptime_s: Some(213_138),
            ..INFORM
        },
        Row {
            id: "202BC1-BM632w-000005",
            ..INFORM
        },
        Row {
            id: "202BC1-BM632w-000006",
            uptime_s: Some(213_138),
            ssid: Some(("404 WiMAX Not Found", Band::Unknown)),
            tags: &["lab-provisioned"],
            ..INFORM
        },
        Row {
            id: "202BC1-BM632w-000007",
            tags: &["vip", "building A"],
            ..INFORM
        },
        Row {
            id: "202BC1-BM632w-000008",
            ..INFORM
        },
        Row {
            id: "202BC1-BM632w-000009",
            wan_status: Some("Connected"),
            wan_error: Some("ERROR_USER_DISCONNECT"),
            counters: Some((971_470_946, 357_834_487)),
            ..INFORM
        },
        Row {
            id: "202BC1-BM632w-000010",
            uptime_s: Some(213_138),
            ssid: Some(("404 WiMAX Not Found", Band::Unknown)),
            ..INFORM
        },
        Row {
            id: "202BC1-BM632w-000011",
            ..INFORM
        },
        Row {
            id: "202BC1-BM632w-000012",
            ..INFORM
        },
        Row {
            id: "202BC1-BM632w-000013",
            ..INFORM
        },
        Row {
            id: "202BC1-BM632w-000014",
            ..INFORM
        },
        Row {
            id: "202BC1-BM632w-000015",
            ..INFORM
        },
        Row {
            id: "202BC1-BM632w-000016",
            ..INFORM
        },
        Row {
            id: "202BC1-BM632w-000017",
            ..INFORM
        },
        Row {
            id: "202BC1-BM632w-000018",
            ..INFORM
        },
        Row {
            id: "202BC1-BM632w-000019",
            ..INFORM
        },
        // A PPPoE session beside the TR-069 IP connection: the subscriber's address is
        // the PPP one.
        Row {
            id: "202BC1-BM632w-000050",
            wan_ip: Some("182.29.4.3"),
            booted: true,
            ..INFORM
        },
        Row {
            id: "202BC1-BM632w-000051",
            wan_ip: Some("182.29.4.3"),
            booted: true,
            ..INFORM
        },
    ];
    let docs = fixture("devices-all.json");
    for row in &table {
        let doc = docs
            .iter()
            .find(|d| d["_id"] == row.id)
            .unwrap_or_else(|| panic!("{} is recorded", row.id));
        let d = normalize(doc).unwrap();
        let id = row.id;
        assert_eq!(d.serial, &id[id.len() - 6..], "{id}");
        assert_eq!(d.oui, "202BC1", "{id}");
        assert_eq!(d.product_class, "BM632w", "{id}");
        assert_eq!(d.vendor, Vendor::Huawei, "{id}");
        assert_eq!(d.data_model, Some(DataModel::Tr098), "{id}");
        assert_eq!(d.firmware.as_deref(), Some("V100R001IRQC56B017"), "{id}");
        assert_eq!(d.hardware.as_deref(), Some("40501"), "{id}");
        assert_eq!(d.wan_ip.as_deref(), row.wan_ip, "{id}");
        assert_eq!(d.uptime_s, row.uptime_s, "{id}");
        let ssid = d
            .wifi
            .iter()
            .find_map(|w| w.ssid.as_deref().map(|s| (s, w.band)));
        assert_eq!(ssid, row.ssid, "{id}");
        let wan = d.wan.as_ref();
        assert_eq!(
            wan.and_then(|w| w.status.as_deref()),
            row.wan_status,
            "{id}"
        );
        assert_eq!(
            wan.and_then(|w| w.last_error.as_deref()),
            row.wan_error,
            "{id}"
        );
        assert_eq!(
            d.counters.map(|c| (c.received, c.sent)),
            row.counters,
            "{id}"
        );
        assert_eq!(d.tags, row.tags, "{id}");
        assert_eq!(d.last_boot_ms.is_some(), row.booted, "{id}");
        assert!(
            d.last_inform_ms.is_some() && d.registered_ms.is_some(),
            "{id}"
        );
    }
    // With the two full reference documents (tested field by field above), the table
    // covers every recorded device.
    assert_eq!(table.len() + 2, docs.len());
}

/// TR-181's `mac` is the WAN's: found down the interface stack from the PPP interface
/// (`PPP.Interface.1` → `Ethernet.VLANTermination.1` → `Ethernet.Link.2`), not the first
/// Ethernet link, which is the LAN bridge (as on a TP-Link EC220-G5).
#[test]
fn the_tr181_mac_is_the_wan_link_s_found_through_the_interface_stack() {
    let s = |v: &str| leaf(json!(v), "xsd:string");
    let doc = json!({
        "_id": "9CA2F4-EC220%2DG5-000100",
        "_deviceId": {"_OUI": "9CA2F4", "_ProductClass": "EC220-G5", "_SerialNumber": "000100", "_Manufacturer": "TP-Link"},
        "Device": {
            "IP": { "Interface": {
                "1": { "Name": s("br-lan"), "LowerLayers": s("Device.Ethernet.Link.1"),
                       "IPv4Address": { "1": { "IPAddress": s("192.168.0.1") } } },
                "2": { "Name": s("ppp0"), "LowerLayers": s("Device.PPP.Interface.1") }
            }},
            "PPP": { "Interface": { "1": {
                "ConnectionStatus": s("Connected"), "Username": s("cust"),
                "IPCP": { "LocalIPAddress": s("100.64.0.9") },
                "LowerLayers": s("Device.Ethernet.VLANTermination.1")
            }}},
            "Ethernet": {
                "VLANTermination": { "1": { "LowerLayers": s("Device.Ethernet.Link.2") } },
                "Link": {
                    "1": { "MACAddress": s("9c:a2:f4:00:00:01") },
                    "2": { "MACAddress": s("9c:a2:f4:00:00:02") }
                }
            }
        }
    });
    let d = normalize(&doc).unwrap();
    assert_eq!(d.wan.as_ref().unwrap().kind, WanKind::Ppp);
    assert_eq!(
        d.mac.as_deref(),
        Some("9c:a2:f4:00:00:02"),
        "the WAN link's, not the LAN's"
    );
}

/// A document as GenieACS holds a router that has only informed: every leaf but the
/// Inform's as GetParameterNames listed it (`_object`, `_writable`, no value).
fn only_informed(node: &mut Value, path: &str) {
    let Some(map) = node.as_object_mut() else {
        return;
    };
    if map.get("_object") == Some(&Value::Bool(false)) {
        let inform = ["DeviceInfo.SoftwareVersion", "DeviceInfo.HardwareVersion"]
            .iter()
            .any(|p| path.ends_with(p));
        if inform {
            map.remove("_writable");
        } else {
            map.retain(|k, _| k == "_object" || k == "_writable");
        }
        return;
    }
    map.remove("_writable");
    for (k, child) in map.iter_mut().filter(|(k, _)| !k.starts_with('_')) {
        only_informed(child, &format!("{path}.{k}"));
    }
}

/// Both real documents, stripped to what a router that only informed has: they
/// normalise (identity, firmware), and every value the router has but GenieACS never
/// read is named as not fetched, never guessed or left to look absent.
#[test]
fn a_partial_document_normalises_and_names_what_is_not_fetched() {
    for (name, root) in [
        ("device-full-tr098.json", "InternetGatewayDevice"),
        ("device-full-tr181.json", "Device"),
    ] {
        let mut doc = fixture(name).remove(0);
        let full = normalize(&doc).unwrap();
        only_informed(&mut doc[root], root);
        let d = normalize(&doc).unwrap();
        assert_eq!(d.serial, full.serial);
        assert_eq!(
            d.firmware, full.firmware,
            "{name}: the Inform's value stays"
        );
        assert_eq!(d.uptime_s, None);
        assert_eq!(d.wan_ip, None);
        for what in ["uptime", "inform_interval", "wan_ip", "wifi"] {
            assert!(
                d.is_unfetched(what),
                "{name}: {what} in {:?}",
                d.not_fetched
            );
        }
        assert!(!d.is_unfetched("firmware"), "{name}: {:?}", d.not_fetched);
        // Whatever the full document has a value for is named when it is missing.
        for (what, had) in [
            ("cpu", full.cpu_pct.is_some()),
            ("memory", full.mem_pct.is_some()),
            ("model", full.model.is_some()),
        ] {
            if had {
                assert!(
                    d.is_unfetched(what),
                    "{name}: {what} in {:?}",
                    d.not_fetched
                );
            }
        }
        assert!(
            full.not_fetched.is_empty(),
            "{name}: {:?}",
            full.not_fetched
        );
        let json = serde_json::to_value(&full).unwrap();
        assert!(
            json.get("not_fetched").is_none(),
            "a full document's JSON is as it was"
        );
    }
}

/// The recorded routers' LAN clients: the Huawei's six hosts joined with its 2.4 GHz
/// network's three stations (one MAC spelt in lower case), the TP-Link's TR-181 hosts
/// with its own connection type, band and RSSI.
#[test]
fn lan_clients_from_the_captures() {
    let d = normalize(&fixture("device-full-tr098.json")[0]).unwrap();
    let android = d
        .clients
        .iter()
        .find(|c| c.mac == "40:B0:FA:9C:4A:50")
        .expect("the host table's client");
    assert_eq!(android.name.as_deref(), Some("android-d87bf88d22e66acf"));
    assert_eq!(android.ip.as_deref(), Some("192.168.1.2"));
    assert!(android.active && !android.wired);
    assert_eq!(
        android.band,
        Some(Band::Ghz2_4),
        "its Layer2Interface is WLAN 1"
    );
    assert_eq!(
        d.clients.len(),
        6,
        "stations are not counted twice: {:?}",
        d.clients
    );
    let nameless = d.clients.last().unwrap();
    assert_eq!(
        (nameless.mac.as_str(), nameless.name.as_deref()),
        ("20:10:7A:08:4D:43", None),
        "one spelling of a MAC"
    );
    assert!(
        d.clients.iter().all(|c| c.signal_dbm.is_none()),
        "TR-098 has no signal"
    );
    assert_eq!(d.wifi_clients, [(Band::Ghz2_4, 6)]);

    let d = normalize(&fixture("device-full-tr181.json")[0]).unwrap();
    assert_eq!(d.clients.len(), 3, "{:?}", d.clients);
    let wired = &d.clients[0];
    assert_eq!(wired.mac, "88:36:CF:B9:24:A5");
    assert!(wired.wired && !wired.active && wired.band.is_none());
    let mac = d
        .clients
        .iter()
        .find(|c| c.name.as_deref() == Some("cassios-mac"))
        .unwrap();
    assert_eq!((mac.band, mac.signal_dbm), (Some(Band::Ghz2_4), Some(-40)));
    let five = d
        .clients
        .iter()
        .find(|c| c.mac == "04:B1:67:52:3B:72")
        .unwrap();
    assert_eq!(
        (five.band, five.signal_dbm, five.name.as_deref()),
        (Some(Band::Ghz5), Some(-60), None)
    );
    assert_eq!(d.wifi_clients, [(Band::Ghz2_4, 1), (Band::Ghz5, 1)]);
}

/// The recorded routers' WAN type and DNS servers, and each WiFi network's channel,
/// width and standards: the Huawei's own channel when it picks one (`X_HUAWEI_ChannelUsed`
/// 9 over the configured 6), the TP-Link's per radio.
#[test]
fn wan_type_dns_and_radio_details_from_the_captures() {
    let d = normalize(&fixture("device-full-tr098.json")[0]).unwrap();
    let wan = d.wan.as_ref().unwrap();
    assert_eq!(wan.connection_type.as_deref(), Some("IPoE (DHCP)"));
    assert_eq!(wan.dns_servers, ["5.42.195.218", "5.42.195.219"]);
    let two = d.wifi.iter().find(|w| w.band == Band::Ghz2_4).unwrap();
    assert_eq!(
        (two.channel, two.standard.as_deref()),
        (Some(9), Some("b/g/n"))
    );

    let d = normalize(&fixture("device-full-tr181.json")[0]).unwrap();
    let wan = d.wan.as_ref().unwrap();
    assert_eq!(wan.connection_type.as_deref(), Some("PPPoE"));
    assert_eq!(wan.dns_servers, ["192.168.88.1"], "0.0.0.0 is no server");
    let five = d.wifi.iter().find(|w| w.band == Band::Ghz5).unwrap();
    assert_eq!(
        (
            five.channel,
            five.bandwidth.as_deref(),
            five.standard.as_deref()
        ),
        (Some(157), Some("Auto"), Some("a,n,ac"))
    );
}
