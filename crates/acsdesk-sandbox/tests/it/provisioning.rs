//! Presets and provisions stored through the NBI run in the routers' sessions: a
//! factory-fresh router's first contact (`0 BOOTSTRAP`), a reboot (`1 BOOT`), periodic
//! informs and summoned sessions, with the results read back through the NBI as any
//! GenieACS client reads them.

use crate::{client, start};
use serde_json::{json, Value};

const WAN: &str = "InternetGatewayDevice.WANDevice.1.WANConnectionDevice.2.WANPPPConnection";
const SSID: &str = "InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.SSID";
const CPU: &str = "InternetGatewayDevice.DeviceInfo.X_HW_CpuUsed";

const CONFIGURE: &str = r#"
declare(args[0] + ".*", null, {path: 1});
declare(args[0] + ".*.Username", {value: 1}, {value: args[1]});
declare(args[2], {value: 1}, {value: args[3]});
log("configured for " + args[1]);
"#;

const MONITOR: &str = r#"
const now = Date.now();
declare("InternetGatewayDevice.DeviceInfo.X_HW_CpuUsed", {value: now});
declare("InternetGatewayDevice.DeviceInfo.UpTime", {value: now});
"#;

async fn put(c: &reqwest::Client, url: String, body: String) -> reqwest::StatusCode {
    c.put(url).body(body).send().await.unwrap().status()
}

async fn json_of(c: &reqwest::Client, url: String) -> Value {
    c.get(url).send().await.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn a_router_met_at_first_contact_is_configured_and_monitored_by_what_genieacs_holds() {
    let s = start(3).await;
    let c = client();
    let base = s.url();
    assert_eq!(
        put(
            &c,
            format!("{base}/provisions/acsdesk-configure"),
            CONFIGURE.into()
        )
        .await,
        200
    );
    assert_eq!(
        put(
            &c,
            format!("{base}/provisions/acsdesk-monitor"),
            MONITOR.into()
        )
        .await,
        200
    );
    let preset = json!({"weight": 0, "channel": "acsdesk", "events": {"0 BOOTSTRAP": true},
        "precondition": "DeviceID.SerialNumber = \"48575443C0FFEE01\"",
        "configurations": [{"type": "provision", "name": "acsdesk-configure",
            "args": [WAN, "sub-2001", SSID, "Casa Ruiz"]}]});
    assert_eq!(
        put(
            &c,
            format!("{base}/presets/acsdesk-cfg-2001"),
            preset.to_string()
        )
        .await,
        200
    );
    let monitor = json!({"weight": 10, "channel": "acsdesk-monitor",
        "events": {"2 PERIODIC": true}, "precondition": "",
        "configurations": [{"type": "provision", "name": "acsdesk-monitor"}]});
    assert_eq!(
        put(
            &c,
            format!("{base}/presets/acsdesk-monitor"),
            monitor.to_string()
        )
        .await,
        200
    );

    let r = c
        .post(format!(
            "{base}/_sandbox/devices/new?vendor=huawei&serial=48575443C0FFEE01"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let id = r.json::<Value>().await.unwrap()["_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(id, "00E0FC-HG8245H-48575443C0FFEE01");
    let q = |p: &str| {
        format!(
            "{base}/devices/?query={}&projection={p}",
            percent_encoding::utf8_percent_encode(
                &json!({"_id": id}).to_string(),
                percent_encoding::NON_ALPHANUMERIC
            )
        )
    };
    let doc = &json_of(
        &c,
        q(&format!("{WAN}.1.Username,{SSID},{CPU},_lastBootstrap")),
    )
    .await[0];
    assert_eq!(
        doc["InternetGatewayDevice"]["WANDevice"]["1"]["WANConnectionDevice"]["2"]
            ["WANPPPConnection"]["1"]["Username"]["_value"],
        "sub-2001"
    );
    assert_eq!(
        doc["InternetGatewayDevice"]["LANDevice"]["1"]["WLANConfiguration"]["1"]["SSID"]["_value"],
        "Casa Ruiz"
    );
    assert!(doc["_lastBootstrap"].is_string());
    assert!(
        doc["InternetGatewayDevice"]["DeviceInfo"]["X_HW_CpuUsed"].is_null(),
        "no periodic inform yet, so no CPU: {doc}"
    );

    // The factory interval is an hour; at the periodic inform the monitoring runs.
    s.advance(3_620_000);
    let t1 = s.clock().now_ms();
    let doc = &json_of(&c, q(CPU)).await[0];
    let cpu = &doc["InternetGatewayDevice"]["DeviceInfo"]["X_HW_CpuUsed"];
    assert!(cpu["_value"].is_number(), "{doc}");
    let stamp1 = acsdesk_time::parse_iso(cpu["_timestamp"].as_str().unwrap()).unwrap();
    assert!(t1 - stamp1 < 120_000, "refreshed at the inform");
    s.advance(3_620_000);
    let doc = &json_of(&c, q(CPU)).await[0];
    let stamp2 = doc["InternetGatewayDevice"]["DeviceInfo"]["X_HW_CpuUsed"]["_timestamp"]
        .as_str()
        .and_then(acsdesk_time::parse_iso)
        .unwrap();
    assert!(stamp2 > stamp1, "refreshed again at the next inform");

    // A reboot informs with 1 BOOT: not a bootstrap, so the configuration does not run
    // again, and not a periodic inform either.
    let enc = percent_encoding::utf8_percent_encode(&id, percent_encoding::NON_ALPHANUMERIC);
    let r = c
        .post(format!("{base}/_sandbox/devices/{enc}/reboot"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    s.advance(60_000);
    let executed = json_of(&c, format!("{base}/_sandbox/devices/{enc}/executed")).await;
    let runs: Vec<(&str, Vec<&str>)> = executed
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["name"] == "provision")
        .map(|e| {
            (
                e["provision"].as_str().unwrap(),
                e["events"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(Value::as_str)
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        runs,
        [
            ("acsdesk-configure", vec!["0 BOOTSTRAP", "1 BOOT"]),
            ("acsdesk-monitor", vec!["2 PERIODIC"]),
            ("acsdesk-monitor", vec!["2 PERIODIC"]),
        ]
    );
    assert_eq!(executed[0]["log"], json!(["configured for sub-2001"]));
    assert_eq!(executed[0]["objects"], json!([format!("{WAN}.1")]));
}

#[tokio::test]
async fn a_broken_provision_faults_on_its_channel_and_bad_scripts_are_refused() {
    let s = start(1).await;
    let c = client();
    let base = s.url();
    let r = c
        .put(format!("{base}/provisions/acsdesk-broken"))
        .body("declare(\"X\", {value: 1}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().starts_with("SyntaxError: "));
    assert_eq!(
        put(
            &c,
            format!("{base}/provisions/acsdesk-broken"),
            "args.no.such = 1;".into()
        )
        .await,
        200
    );
    let preset = json!({"channel": "acsdesk", "events": {"0 BOOTSTRAP": true},
        "precondition": "", "configurations": [{"type": "provision", "name": "acsdesk-broken"}]});
    assert_eq!(
        put(
            &c,
            format!("{base}/presets/acsdesk-broken"),
            preset.to_string()
        )
        .await,
        200
    );
    for (q, why) in [
        ("vendor=nokia&serial=X1", "vendor"),
        ("vendor=zte", "serial"),
        ("vendor=zte&serial=a%20b", "serial"),
    ] {
        let r = c
            .post(format!("{base}/_sandbox/devices/new?{q}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{q}");
        assert!(r.text().await.unwrap().contains(why), "{q}");
    }
    let r = c
        .post(format!(
            "{base}/_sandbox/devices/new?vendor=zte&serial=ZTEG00BAD001"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let again = c
        .post(format!(
            "{base}/_sandbox/devices/new?vendor=zte&serial=ZTEG00BAD001"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 409);
    let faults = json_of(&c, format!("{base}/faults")).await;
    let f = faults
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["channel"] == "acsdesk")
        .expect("the channel faulted");
    assert_eq!(f["_id"], "001141-F670L-ZTEG00BAD001:acsdesk");
    assert_eq!(f["code"], "script.TypeError");
    assert_eq!(f["provisions"], r#"[["acsdesk-broken"]]"#);
}
