//! The simulated routers' behaviour through the NBI: factory reset, reboots reported at
//! the boot inform, firmware downloads that install or fail, refreshes, objects added and
//! deleted, typed values, `uniqueKey` and `expiry`, injected trouble, ordered sorting and
//! the size of a large fleet.

use crate::{client, T0};
use acsdesk_sandbox::{Sandbox, SandboxHandle};
use serde_json::{json, Value};

const HUAWEI_WAN: &str =
    "InternetGatewayDevice.WANDevice.1.WANConnectionDevice.2.WANPPPConnection.1";
const SSID_098: &str = "InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.SSID";

struct Lab {
    s: SandboxHandle,
    c: reqwest::Client,
}

fn enc(id: &str) -> String {
    percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC).to_string()
}

impl Lab {
    async fn new(devices: u64) -> Self {
        let s = Sandbox::builder(T0)
            .devices(devices)
            .seed(11)
            .speed(0.0)
            .start()
            .await
            .unwrap();
        Self { s, c: client() }
    }

    /// An online device whose id starts with `oui`.
    async fn device(&self, oui: &str) -> String {
        let id = self
            .s
            .device_ids()
            .into_iter()
            .find(|i| i.starts_with(oui))
            .unwrap_or_else(|| panic!("no {oui} device in the fleet"));
        self.post(&format!("/_sandbox/devices/{}/online", enc(&id)))
            .await;
        self.post(&format!("/_sandbox/devices/{}/ppp-ok", enc(&id)))
            .await;
        id
    }

    async fn post(&self, path: &str) -> u16 {
        self.c
            .post(format!("{}{path}", self.s.url()))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    async fn get(&self, path: &str) -> Value {
        self.c
            .get(format!("{}{path}", self.s.url()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// The documents `GET /devices?query=…` answers.
    async fn query(&self, q: Value) -> Vec<Value> {
        self.c
            .get(format!("{}/devices", self.s.url()))
            .query(&[("query", q.to_string())])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    async fn doc(&self, id: &str) -> Value {
        self.query(json!({ "_id": id }))
            .await
            .into_iter()
            .next()
            .unwrap()
    }

    /// Sends a task with a connection request: (status, reason phrase, echoed task).
    async fn task(&self, id: &str, task: Value) -> (u16, String, Value) {
        self.task_with(id, task, "connection_request&timeout=3000")
            .await
    }

    async fn task_with(&self, id: &str, task: Value, query: &str) -> (u16, String, Value) {
        let r = self
            .c
            .post(format!(
                "{}/devices/{}/tasks?{query}",
                self.s.url(),
                enc(id)
            ))
            .json(&task)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let reason = r
            .extensions()
            .get::<hyper::ext::ReasonPhrase>()
            .map(|p| String::from_utf8_lossy(p.as_bytes()).into_owned())
            .unwrap_or_else(|| r.status().canonical_reason().unwrap_or("").to_owned());
        (status, reason, r.json().await.unwrap_or(Value::Null))
    }
}

fn at<'a>(doc: &'a Value, path: &str) -> &'a Value {
    path.split('.').fold(doc, |v, s| &v[s])
}

fn value(doc: &Value, path: &str) -> Value {
    at(doc, path)["_value"].clone()
}

#[tokio::test]
async fn a_factory_reset_restores_the_defaults_bootstraps_and_keeps_genieacs_tags() {
    let lab = Lab::new(40).await;
    let id = lab.device("00E0FC").await;
    let before = lab.doc(&id).await;
    let default_ssid = value(&before, SSID_098);
    assert_eq!(
        value(&before, &format!("{HUAWEI_WAN}.ConnectionStatus")),
        "Connected"
    );
    lab.task(&id, json!({"name": "setParameterValues", "parameterValues": [[SSID_098, "Casa", "xsd:string"]]})).await;
    lab.post(&format!("/devices/{}/tags/vip", enc(&id))).await;
    assert_eq!(value(&lab.doc(&id).await, SSID_098), "Casa");

    let (status, _, _) = lab.task(&id, json!({"name": "factoryReset"})).await;
    assert_eq!(status, 200);
    lab.s.advance(120_000);
    let after = lab.doc(&id).await;
    assert!(
        after["FactoryReset"]["_value"].is_string(),
        "GenieACS's record of the reset survives the device's bootstrap"
    );
    assert_eq!(
        value(&after, SSID_098),
        default_ssid,
        "the vendor default SSID"
    );
    assert_eq!(
        value(&after, &format!("{HUAWEI_WAN}.Username")),
        "",
        "PPPoE credentials are gone"
    );
    assert_eq!(
        value(&after, &format!("{HUAWEI_WAN}.ConnectionStatus")),
        "Disconnected"
    );
    assert_eq!(
        value(&after, &format!("{HUAWEI_WAN}.LastConnectionError")),
        "ERROR_AUTHENTICATION_FAILURE"
    );
    assert_eq!(
        after["_tags"],
        json!(["vip"]),
        "tags are GenieACS's, not the router's"
    );
    assert!(after["_lastBootstrap"].as_str() > before["_lastBootstrap"].as_str());
    assert_eq!(
        after["_lastBootstrap"], after["_lastBoot"],
        "one inform: 0 BOOTSTRAP, 1 BOOT"
    );

    // Provisioning the subscriber again brings PPP back.
    let (status, _, _) = lab
        .task(
            &id,
            json!({"name": "setParameterValues", "parameterValues": [
            [format!("{HUAWEI_WAN}.Username"), "cust-again", "xsd:string"],
            [format!("{HUAWEI_WAN}.Password"), "s3cret", "xsd:string"]]}),
        )
        .await;
    assert_eq!(status, 200);
    let fixed = lab.doc(&id).await;
    assert_eq!(
        value(&fixed, &format!("{HUAWEI_WAN}.ConnectionStatus")),
        "Connected"
    );
    assert_eq!(
        value(&fixed, &format!("{HUAWEI_WAN}.Password")),
        "s3cret",
        "GenieACS keeps what it set, in clear, until a refresh reads the router's own"
    );
}

#[tokio::test]
async fn a_reboot_is_recorded_at_the_boot_inform_not_before() {
    let lab = Lab::new(30).await;
    let id = lab.device("E48D8C").await;
    let before = lab.doc(&id).await;
    let (status, _, _) = lab.task(&id, json!({"name": "reboot"})).await;
    assert_eq!(status, 200);
    let right_after = lab.doc(&id).await;
    assert_eq!(
        right_after["_lastBoot"], before["_lastBoot"],
        "GenieACS learns of the boot at the next inform"
    );
    // Its values stay those of the last inform: the uptime does not drop to zero
    // before the router has informed from its new boot.
    let uptime = |doc: &Value| {
        doc["_lastInform"]
            .as_str()
            .map(str::to_owned)
            .zip(value(doc, "Device.DeviceInfo.UpTime").as_u64())
    };
    assert_eq!(uptime(&right_after), uptime(&before));
    assert!(uptime(&before).is_some_and(|(_, up)| up > 0));
    // …but records at once, at the root, when it ran the reboot (as in the capture of
    // 202BC1-BM632w-000050): the proof the task ran that survives a lost answer.
    assert!(before.get("Reboot").is_none());
    let declared = &right_after["Reboot"];
    assert_eq!(declared["_type"], "xsd:dateTime");
    assert_eq!(declared["_object"], false);
    assert!(declared.get("_writable").is_none(), "{declared}");
    assert!(declared["_value"]
        .as_str()
        .is_some_and(|t| t.ends_with('Z')));
    // Away for about 45 s: a connection request finds it offline.
    let r = lab
        .c
        .post(format!(
            "{}/devices/{}/tasks?connection_request",
            lab.s.url(),
            enc(&id)
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 504);
    lab.s.advance(60_000);
    let back = lab.doc(&id).await;
    assert!(back["_lastBoot"].as_str() > before["_lastBoot"].as_str());
    let uptime = value(&back, "Device.DeviceInfo.UpTime").as_i64().unwrap();
    assert!(uptime < 60, "uptime restarted: {uptime}");
}

#[tokio::test]
async fn a_firmware_download_installs_its_version_after_the_transfer_and_a_reboot() {
    let lab = Lab::new(30).await;
    let id = lab.device("50C7BF").await;
    let put = lab
        .c
        .put(format!("{}/files/archer-2.0.bin", lab.s.url()))
        .header("fileType", "1 Firmware Upgrade Image")
        .header("oui", "50C7BF")
        .header("productClass", "ArcherC6")
        .header("version", "2.0.0 Build 20261201")
        .body(vec![1_u8; 300_000])
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 201);
    let files = lab
        .get("/files?query=%7B%22metadata.productClass%22%3A%22ArcherC6%22%7D")
        .await;
    assert_eq!(files[0]["length"], 300_000);
    let sw = "InternetGatewayDevice.DeviceInfo.SoftwareVersion";
    let old = value(&lab.doc(&id).await, sw);
    let (status, _, task) = lab
        .task(&id, json!({"name": "download", "file": "archer-2.0.bin"}))
        .await;
    assert_eq!(status, 200, "the CPE accepted the Download");
    let ops = lab.get("/operations").await;
    assert_eq!(ops.as_array().unwrap().len(), 1, "{ops}");
    assert!(ops[0]["channels"]
        .as_str()
        .unwrap()
        .contains(task["_id"].as_str().unwrap()));
    let during = lab.doc(&id).await;
    assert_eq!(
        value(&during, sw),
        old,
        "still the old image while transferring"
    );
    assert_eq!(value(&during, "Downloads.1.FileName"), "archer-2.0.bin");
    assert!(
        lab.get("/tasks").await.as_array().unwrap().is_empty(),
        "GenieACS deleted the task at the DownloadResponse"
    );
    // The TransferComplete comes at a later session (the router's next one after the
    // transfer), still on the old image; the new one boots after that session.
    let mut transferred = None;
    for _ in 0..60 {
        lab.s.advance(30_000);
        let doc = lab.doc(&id).await;
        if doc["Downloads"]["1"].get("LastDownload").is_some() {
            transferred = Some(doc);
            break;
        }
        assert!(
            !lab.get("/operations").await.as_array().unwrap().is_empty(),
            "the Download waits for its TransferComplete"
        );
    }
    let transferred = transferred.expect("a TransferComplete within 30 min");
    assert_eq!(
        value(&transferred, "Downloads.1.LastDownload"),
        value(&transferred, "Downloads.1.Download")
    );
    assert!(transferred["_lastInform"].as_str() > during["_lastInform"].as_str());
    assert_eq!(
        value(&transferred, sw),
        old,
        "the session reporting the transfer still runs the old image"
    );
    lab.s.advance(10 * 60_000);
    let after = lab.doc(&id).await;
    assert_eq!(value(&after, sw), "2.0.0 Build 20261201");
    assert_eq!(value(&after, "Downloads.1.LastFileName"), "archer-2.0.bin");
    assert!(
        after["_lastBoot"].as_str() > during["_lastBoot"].as_str(),
        "the new image booted"
    );
    assert!(lab.get("/operations").await.as_array().unwrap().is_empty());
    assert!(lab.get("/faults").await.as_array().unwrap().is_empty());
}

#[tokio::test]
async fn failed_downloads_fault_on_the_download_task_like_genieacs() {
    let lab = Lab::new(30).await;
    let id = lab.device("001141").await;
    let (status, _, task) = lab
        .task(&id, json!({"name": "download", "fileType": "1 Firmware Upgrade Image", "fileName": "no-such-firmware.bin"}))
        .await;
    assert_eq!(
        status, 200,
        "the CPE accepts the RPC; the transfer fails later"
    );
    lab.s.advance(10 * 60_000);
    let faults = lab.get("/faults").await;
    let f = &faults[0];
    let task_id = task["_id"].as_str().unwrap();
    assert_eq!(f["_id"], format!("{id}:task_{task_id}").as_str());
    assert_eq!(
        (f["code"].as_str(), f["message"].as_str()),
        (Some("cwmp.9016"), Some("Unexpected response 404"))
    );
    assert_eq!(
        f["provisions"],
        r#"[["download","1 Firmware Upgrade Image","no-such-firmware.bin",""]]"#
    );
    assert!(
        lab.get("/tasks").await.as_array().unwrap().is_empty(),
        "the download task itself is done"
    );

    // At a failure rate of 1, a good file fails too.
    lab.c
        .put(format!("{}/files/zte.bin", lab.s.url()))
        .header("version", "V9.9")
        .body(vec![0_u8; 10])
        .send()
        .await
        .unwrap();
    assert_eq!(
        lab.post("/_sandbox/chaos?download_failure_rate=1").await,
        200
    );
    assert_eq!(
        lab.post("/_sandbox/chaos?download_failure_rate=2").await,
        400
    );
    let other = lab.device("50C7BF").await;
    lab.task(&other, json!({"name": "download", "file": "zte.bin"}))
        .await;
    lab.s.advance(10 * 60_000);
    let faults = lab.get("/faults").await;
    assert!(
        faults
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["device"] == other.as_str() && f["code"] == "cwmp.9010"),
        "{faults}"
    );
    assert_ne!(
        value(
            &lab.doc(&other).await,
            "InternetGatewayDevice.DeviceInfo.SoftwareVersion"
        ),
        "V9.9"
    );
}

#[tokio::test]
async fn refreshes_move_timestamps_and_objects_are_added_and_deleted() {
    let lab = Lab::new(30).await;
    let id = lab.device("00E0FC").await;
    lab.s.advance(3_600_000);
    let before = lab.doc(&id).await;
    let model = "InternetGatewayDevice.DeviceInfo.ModelName";
    let untouched = "InternetGatewayDevice.LANDevice.1.LANHostConfigManagement.IPInterface.1.IPInterfaceIPAddress";
    let (status, _, _) = lab
        .task(
            &id,
            json!({"name": "refreshObject", "objectName": "InternetGatewayDevice.DeviceInfo"}),
        )
        .await;
    assert_eq!(status, 200);
    let after = lab.doc(&id).await;
    assert!(at(&after, model)["_timestamp"].as_str() > at(&before, model)["_timestamp"].as_str());
    assert_eq!(
        at(&after, untouched)["_timestamp"],
        at(&before, untouched)["_timestamp"]
    );

    let wan_ip = "InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnection";
    let (status, _, _) = lab
        .task(&id, json!({"name": "addObject", "objectName": wan_ip}))
        .await;
    assert_eq!(status, 200);
    let added = lab.doc(&id).await;
    assert_eq!(
        value(&added, &format!("{wan_ip}.2.ExternalIPAddress")),
        "",
        "a fresh instance holds defaults"
    );
    assert_eq!(value(&added, &format!("{wan_ip}.2.X_HW_SERVICELIST")), "");
    let (status, _, _) = lab
        .task(
            &id,
            json!({"name": "deleteObject", "objectName": format!("{wan_ip}.2")}),
        )
        .await;
    assert_eq!(status, 200);
    assert!(at(&lab.doc(&id).await, wan_ip).get("2").is_none());
    let (status, reason, _) = lab
        .task(
            &id,
            json!({"name": "deleteObject", "objectName": format!("{wan_ip}.7")}),
        )
        .await;
    assert_eq!((status, reason.as_str()), (202, "Task faulted"));
    let faults = lab.get("/faults").await;
    assert_eq!(faults[0]["code"], "cwmp.9005");
}

#[tokio::test]
async fn set_values_are_typed_like_a_cpe_keeps_them() {
    let lab = Lab::new(30).await;
    let id = lab.device("E48D8C").await;
    let interval = "Device.ManagementServer.PeriodicInformInterval";
    let (status, _, _) = lab
        .task(&id, json!({"name": "setParameterValues", "parameterValues": [[interval, "60", "xsd:unsignedInt"]]}))
        .await;
    assert_eq!(status, 200);
    let doc = lab.doc(&id).await;
    assert_eq!(value(&doc, interval), json!(60), "stored as a number");
    // It now informs every minute.
    let t0 = doc["_lastInform"].as_str().unwrap().to_owned();
    lab.s.advance(75_000);
    assert!(lab.doc(&id).await["_lastInform"].as_str().unwrap() > t0.as_str());
    let (status, reason, _) = lab
        .task(&id, json!({"name": "setParameterValues", "parameterValues": [[interval, "soon", "xsd:unsignedInt"]]}))
        .await;
    assert_eq!((status, reason.as_str()), (202, "Task faulted"));
    let faults = lab.get("/faults").await;
    assert_eq!(faults[0]["code"], "cwmp.9007");
    // Without a type, the type GenieACS knows for the parameter applies.
    let enable = "Device.WiFi.SSID.1.Enable";
    let (status, _, _) = lab
        .task(
            &id,
            json!({"name": "setParameterValues", "parameterValues": [[enable, "false"]]}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(value(&lab.doc(&id).await, enable), json!(false));
}

#[tokio::test]
async fn unique_keys_replace_queued_tasks_and_expired_ones_leave() {
    let lab = Lab::new(20).await;
    let id = lab.s.device_ids()[3].clone();
    lab.post(&format!("/_sandbox/devices/{}/offline", enc(&id)))
        .await;
    for ssid in ["One", "Two"] {
        let (status, reason, _) = lab
            .task(
                &id,
                json!({"name": "setParameterValues", "uniqueKey": "wifi",
                              "parameterValues": [["X.Y", ssid, "xsd:string"]]}),
            )
            .await;
        assert_eq!((status, reason.as_str()), (202, "Device is offline"));
    }
    let tasks = lab.get("/tasks").await;
    assert_eq!(
        tasks.as_array().unwrap().len(),
        1,
        "the second replaced the first: {tasks}"
    );
    assert_eq!(tasks[0]["parameterValues"][0][1], "Two");
    let (status, reason, _) = lab
        .task_with(&id, json!({"name": "reboot", "expiry": 60}), "")
        .await;
    assert_eq!((status, reason.as_str()), (202, "Accepted"));
    assert_eq!(lab.get("/tasks").await.as_array().unwrap().len(), 2);
    lab.s.advance(120_000);
    let left = lab.get("/tasks").await;
    assert_eq!(
        left.as_array().unwrap().len(),
        1,
        "the expired reboot left: {left}"
    );
    assert_eq!(left[0]["uniqueKey"], "wifi");
}

#[tokio::test]
async fn injected_trouble_drops_connections_and_fails_with_the_status_asked() {
    let lab = Lab::new(5).await;
    assert_eq!(lab.post("/_sandbox/chaos?drop_requests=1").await, 200);
    let dropped = lab.c.get(format!("{}/devices", lab.s.url())).send().await;
    assert!(dropped.is_err(), "the connection closes without an answer");
    assert_eq!(
        lab.c
            .get(format!("{}/devices", lab.s.url()))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        lab.post("/_sandbox/chaos?fail_requests=2&fail_status=503")
            .await,
        200
    );
    for _ in 0..2 {
        let r = lab
            .c
            .get(format!("{}/tasks", lab.s.url()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 503);
    }
    assert_eq!(
        lab.c
            .get(format!("{}/tasks", lab.s.url()))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(lab.post("/_sandbox/chaos?fail_status=200").await, 400);
    // A lost answer: the reboot is carried out, the client hears nothing.
    let id = lab.device("").await;
    assert_eq!(lab.post("/_sandbox/chaos?drop_answers=1").await, 200);
    let lost = lab
        .c
        .post(format!(
            "{}/devices/{}/tasks?connection_request&timeout=3000",
            lab.s.url(),
            enc(&id)
        ))
        .json(&json!({"name": "reboot"}))
        .send()
        .await;
    assert!(lost.is_err(), "no answer arrives");
    let ran = lab
        .get(&format!("/_sandbox/devices/{}/executed", enc(&id)))
        .await;
    assert!(
        ran.as_array()
            .unwrap()
            .iter()
            .any(|e| e["name"] == "reboot"),
        "yet the device rebooted: {ran}"
    );
    assert!(lab.doc(&id).await["Reboot"]["_value"].is_string());
    // The scenario API itself is never disturbed.
    assert_eq!(lab.post("/_sandbox/chaos?fail_requests=5").await, 200);
    assert_eq!(lab.post("/_sandbox/clock/advance?ms=1").await, 200);
    let help = lab
        .c
        .get(format!("{}/_sandbox", lab.s.url()))
        .send()
        .await
        .unwrap();
    assert!(help.text().await.unwrap().contains("/_sandbox/chaos"));
}

#[tokio::test]
async fn sorting_follows_the_keys_in_the_order_written() {
    let lab = Lab::new(60).await;
    let docs = lab
        .get(&format!(
            "/devices?projection=_id,_deviceId._Manufacturer&sort={}",
            enc(r#"{"_deviceId._Manufacturer":-1,"_id":1}"#)
        ))
        .await;
    let rows: Vec<(String, String)> = docs
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["_deviceId"]["_Manufacturer"].as_str().unwrap().to_owned(),
                d["_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        docs[0]["_deviceId"].as_object().unwrap().len(),
        1,
        "only the projected field"
    );
    let mut want = rows.clone();
    want.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    assert_eq!(rows, want);
}

#[test]
fn a_fleet_of_100000_has_distinct_ids() {
    let ids: std::collections::HashSet<String> = (0..100_000)
        .map(|n| acsdesk_sandbox::device::SimDevice::generate(1, n, T0).id)
        .collect();
    assert_eq!(ids.len(), 100_000);
}

/// Every leaf of a document, by path.
fn leaves<'a>(node: &'a Value, path: String, out: &mut Vec<(String, &'a Value)>) {
    let Some(map) = node.as_object() else { return };
    if map.get("_object") == Some(&json!(false)) {
        out.push((path, node));
        return;
    }
    for (k, child) in map.iter().filter(|(k, _)| !k.starts_with('_')) {
        let p = if path.is_empty() {
            k.clone()
        } else {
            format!("{path}.{k}")
        };
        leaves(child, p, out);
    }
}

/// A router GenieACS has only met through informs, as the real server holds it: the
/// Inform's values without `_writable`, every other leaf as GetParameterNames listed it
/// (`{"_object": false, "_writable": …}`), objects without `_writable` — until a refresh
/// reads the tree, after which it is whole; a `getParameterValues` reads just its names.
#[tokio::test]
async fn a_router_that_only_informed_has_a_partial_document_until_it_is_read() {
    let s = Sandbox::builder(T0)
        .devices(40)
        .seed(11)
        .speed(0.0)
        .partial(1.0)
        .start()
        .await
        .unwrap();
    let lab = Lab { s, c: client() };
    // A MikroTik (TR-181) and a Huawei (TR-098).
    for oui in ["E48D8C", "00E0FC"] {
        let id = lab.device(oui).await;
        let doc = lab.doc(&id).await;
        let root = if doc.get("Device").is_some() {
            "Device"
        } else {
            "InternetGatewayDevice"
        };
        let mut all = Vec::new();
        leaves(&doc[root], root.to_owned(), &mut all);
        let valued: Vec<&(String, &Value)> = all
            .iter()
            .filter(|(_, l)| l.get("_value").is_some())
            .collect();
        assert!(
            all.len() > 30 && valued.len() * 5 < all.len(),
            "{oui}: {} of {} leaves have values",
            valued.len(),
            all.len()
        );
        let sw = format!("{root}.DeviceInfo.SoftwareVersion");
        let inform = at(&doc, &sw);
        assert!(inform.get("_value").is_some() && inform.get("_timestamp").is_some());
        assert!(
            inform.get("_writable").is_none(),
            "an Inform's value has no _writable: {inform}"
        );
        for (path, leaf) in all.iter().filter(|(_, l)| l.get("_value").is_none()) {
            let keys: Vec<&String> = leaf.as_object().unwrap().keys().collect();
            assert_eq!(
                keys,
                ["_object", "_writable"],
                "{path} as GetParameterNames lists it: {leaf}"
            );
        }
        let info = at(&doc, &format!("{root}.DeviceInfo"));
        assert_eq!(info["_object"], true);
        assert!(info.get("_writable").is_none(), "{info}");
        // Nothing GenieACS lacks can match a query on it.
        let uptime = format!("{root}.DeviceInfo.UpTime");
        let found = lab
            .query(json!({"_id": id, uptime.as_str(): {"$exists": true}}))
            .await;
        assert!(found.is_empty(), "{found:?}");
        // One value read, then the whole tree.
        let (status, _, _) = lab
            .task(
                &id,
                json!({"name": "getParameterValues", "parameterNames": [uptime]}),
            )
            .await;
        assert_eq!(status, 200);
        let one = lab.doc(&id).await;
        let read = at(&one, &uptime);
        assert!(read.get("_value").is_some() && read.get("_writable") == Some(&json!(false)));
        assert!(
            at(&one, &format!("{root}.DeviceInfo.HardwareVersion"))
                .get("_value")
                .is_some(),
            "an Inform's value stays"
        );
        let (status, _, _) = lab
            .task(&id, json!({"name": "refreshObject", "objectName": ""}))
            .await;
        assert_eq!(status, 200);
        let full = lab.doc(&id).await;
        let mut all = Vec::new();
        leaves(&full[root], root.to_owned(), &mut all);
        let unread: Vec<&String> = all
            .iter()
            .filter(|(_, l)| l.get("_writable").is_none() || l.get("_timestamp").is_none())
            .map(|(p, _)| p)
            .collect();
        assert!(unread.is_empty(), "{oui}: after a full refresh: {unread:?}");
        assert!(at(&full, &format!("{root}.DeviceInfo"))
            .get("_writable")
            .is_some());
    }
}

/// By default a tenth of the generated fleet starts partial, the same routers for the
/// same seed; `partial(0.0)` makes none, and the scenario API makes one on demand.
#[tokio::test]
async fn a_share_of_the_fleet_starts_partial_and_one_can_be_made_so() {
    async fn partial_ids(lab: &Lab) -> Vec<String> {
        let ids = lab.get("/devices?projection=_id").await;
        let mut out = Vec::new();
        for d in ids.as_array().unwrap() {
            let id = d["_id"].as_str().unwrap().to_owned();
            let full = lab.doc(&id).await;
            let mut all = Vec::new();
            leaves(&full, String::new(), &mut all);
            if all
                .iter()
                .any(|(_, l)| l.get("_value").is_none() && l.get("_writable").is_some())
            {
                out.push(id);
            }
        }
        out
    }
    let start = |share: Option<f64>| async move {
        let b = Sandbox::builder(T0).devices(200).seed(4).speed(0.0);
        let s = match share {
            Some(x) => b.partial(x),
            None => b,
        }
        .start()
        .await
        .unwrap();
        Lab { s, c: client() }
    };
    let a = partial_ids(&start(None).await).await;
    let b = partial_ids(&start(None).await).await;
    assert_eq!(a, b, "the same routers for the same seed");
    assert!((8..=35).contains(&a.len()), "{} of 200", a.len());
    let none = start(Some(0.0)).await;
    assert!(partial_ids(&none).await.is_empty());
    let id = none.s.device_ids().remove(0);
    assert_eq!(
        none.post(&format!("/_sandbox/devices/{}/unfetched", enc(&id)))
            .await,
        200
    );
    assert_eq!(partial_ids(&none).await, vec![id]);
}

/// A router unplugged while it downloads loses the transfer: when it is back it reports
/// the TransferComplete with `cwmp.9010` on the task's channel and keeps its version.
#[tokio::test]
async fn a_download_interrupted_by_an_outage_fails_and_changes_nothing() {
    let lab = Lab::new(30).await;
    let id = lab.device("00E0FC").await;
    lab.c
        .put(format!("{}/files/hg-new.bin", lab.s.url()))
        .header("fileType", "1 Firmware Upgrade Image")
        .header("version", "V9.9")
        .body(vec![0_u8; 100])
        .send()
        .await
        .unwrap();
    let sw = "InternetGatewayDevice.DeviceInfo.SoftwareVersion";
    let old = value(&lab.doc(&id).await, sw);
    let (status, _, task) = lab
        .task(&id, json!({"name": "download", "file": "hg-new.bin"}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        lab.post(&format!("/_sandbox/devices/{}/offline", enc(&id)))
            .await,
        200
    );
    lab.s.advance(5 * 60_000);
    assert!(
        lab.get("/faults").await.as_array().unwrap().is_empty(),
        "nothing is reported while it is away"
    );
    lab.post(&format!("/_sandbox/devices/{}/online", enc(&id)))
        .await;
    lab.s.advance(15 * 60_000);
    let faults = lab.get("/faults").await;
    let f = faults
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["device"] == id.as_str())
        .unwrap_or_else(|| panic!("a fault for {id}: {faults}"));
    assert_eq!(
        f["channel"],
        format!("task_{}", task["_id"].as_str().unwrap()).as_str()
    );
    assert_eq!(f["code"], "cwmp.9010");
    assert!(
        f["message"].as_str().unwrap().contains("interrupted"),
        "{f}"
    );
    assert_eq!(value(&lab.doc(&id).await, sw), old, "the old image stays");
    assert!(lab.get("/operations").await.as_array().unwrap().is_empty());
}

/// A ping asked for by `DiagnosticsState = Requested` runs on the router after the
/// session that set it, ends in a session of its own (`8 DIAGNOSTICS COMPLETE`), and its
/// results reach GenieACS's copy only when something reads them: a task queued for that
/// session, or a refresh after. A host that cannot be resolved ends in that state.
#[tokio::test]
async fn a_ping_runs_after_its_session_and_its_results_are_read_when_asked() {
    let lab = Lab::new(30).await;
    for (oui, object, queue_a_read) in [
        ("E48D8C", "Device.IP.Diagnostics.IPPing", true),
        ("00E0FC", "InternetGatewayDevice.IPPingDiagnostics", false),
    ] {
        let id = lab.device(oui).await;
        let before = lab.doc(&id).await;
        assert_eq!(
            value(&before, &format!("{object}.DiagnosticsState")),
            "None"
        );
        let ask = |host: &str| {
            json!({"name": "setParameterValues", "parameterValues": [
                [format!("{object}.Host"), host, "xsd:string"],
                [format!("{object}.NumberOfRepetitions"), 5, "xsd:unsignedInt"],
                [format!("{object}.Timeout"), 1000, "xsd:unsignedInt"],
                [format!("{object}.DiagnosticsState"), "Requested", "xsd:string"],
            ]})
        };
        let (status, _, _) = lab.task(&id, ask("8.8.8.8")).await;
        assert_eq!(status, 200);
        let set = lab.doc(&id).await;
        assert_eq!(
            value(&set, &format!("{object}.DiagnosticsState")),
            "Requested",
            "GenieACS holds what it set"
        );
        let asked_at = set["_lastInform"].clone();
        if queue_a_read {
            // Queued without a connection request: it runs at the router's next session.
            let (status, _, _) = lab
                .task_with(
                    &id,
                    json!({"name": "refreshObject", "objectName": object}),
                    "",
                )
                .await;
            assert_eq!(status, 202);
        }
        // Five echoes take a few seconds; the router informs at once when done, long
        // before its next periodic inform.
        lab.s.advance(15_000);
        let after = lab.doc(&id).await;
        assert_ne!(after["_lastInform"], asked_at, "a session of its own");
        let state = value(&after, &format!("{object}.DiagnosticsState"));
        if !queue_a_read {
            assert_eq!(state, "Requested", "nothing read the results yet");
            let (status, _, _) = lab
                .task(&id, json!({"name": "refreshObject", "objectName": object}))
                .await;
            assert_eq!(status, 200);
        }
        let done = lab.doc(&id).await;
        let n = |leaf: &str| {
            value(&done, &format!("{object}.{leaf}"))
                .as_u64()
                .unwrap_or_else(|| panic!("{leaf} in {}", done[object.split('.').next().unwrap()]))
        };
        assert_eq!(
            value(&done, &format!("{object}.DiagnosticsState")),
            "Complete"
        );
        assert_eq!(n("SuccessCount") + n("FailureCount"), 5);
        assert!(
            n("SuccessCount") >= 3,
            "an echo lost now and then, not most"
        );
        assert!(
            n("MinimumResponseTime") <= n("AverageResponseTime")
                && n("AverageResponseTime") <= n("MaximumResponseTime")
                && n("MinimumResponseTime") > 0,
            "{}",
            n("AverageResponseTime")
        );
        // The same host is as far the next time; a name that does not resolve fails so.
        let (status, _, _) = lab.task(&id, ask("nowhere.invalid")).await;
        assert_eq!(status, 200);
        lab.s.advance(15_000);
        let (status, _, _) = lab
            .task(&id, json!({"name": "refreshObject", "objectName": object}))
            .await;
        assert_eq!(status, 200);
        let failed = lab.doc(&id).await;
        assert_eq!(
            value(&failed, &format!("{object}.DiagnosticsState")),
            "Error_CannotResolveHostName"
        );
        assert_eq!(value(&failed, &format!("{object}.SuccessCount")), 0);
        // Results are the router's: GenieACS may not write them.
        let (status, _, _) = lab
            .task(
                &id,
                json!({"name": "setParameterValues", "parameterValues": [
                    [format!("{object}.SuccessCount"), 3, "xsd:unsignedInt"]]}),
            )
            .await;
        assert_ne!(status, 200, "a read-only result is refused");
        // A reboot while the test runs ends it without results.
        let (status, _, _) = lab.task(&id, ask("8.8.4.4")).await;
        assert_eq!(status, 200);
        let (status, _, _) = lab.task(&id, json!({"name": "reboot"})).await;
        assert_eq!(status, 200);
        lab.s.advance(120_000);
        let (status, _, _) = lab
            .task(&id, json!({"name": "refreshObject", "objectName": object}))
            .await;
        assert_eq!(status, 200);
        let rebooted = lab.doc(&id).await;
        assert_eq!(
            value(&rebooted, &format!("{object}.DiagnosticsState")),
            "None",
            "the reboot ended the ping"
        );
    }
}

/// A traceroute and the TR-143 tests run as a ping does. A traceroute's hops
/// (`RouteHops.{i}`, named as each data model names them) are new instances GenieACS
/// only learns when it reads the object; a path longer than `MaxHopCount` ends in
/// `Error_MaxHopCountExceeded`. A download's size comes from its URL and its times frame
/// the bytes; an upload sends `TestFileLength`. TR-181 says a test server's name did not
/// resolve; TR-098's TR-143 can only say the connection failed. The Huawei has no TR-143
/// tests.
#[tokio::test]
async fn a_traceroute_and_a_speed_test_run_and_report_as_their_data_model_says() {
    let lab = Lab::new(30).await;
    for (oui, root, hop) in [
        (
            "E48D8C",
            "Device.IP.Diagnostics.",
            ["Host", "HostAddress", "RTTimes"],
        ),
        (
            "50C7BF",
            "InternetGatewayDevice.",
            ["HopHost", "HopHostAddress", "HopRTTimes"],
        ),
    ] {
        let id = lab.device(oui).await;
        let trace = if root.starts_with("Device") {
            format!("{root}TraceRoute")
        } else {
            format!("{root}TraceRouteDiagnostics")
        };
        let run = |object: String, inputs: Vec<Value>| {
            let mut values = inputs;
            values.push(json!([
                format!("{object}.DiagnosticsState"),
                "Requested",
                "xsd:string"
            ]));
            json!({"name": "setParameterValues", "parameterValues": values})
        };
        let read = |object: &str| json!({"name": "refreshObject", "objectName": object});
        let (status, _, _) = lab
            .task(
                &id,
                run(
                    trace.clone(),
                    vec![json!([
                        format!("{trace}.Host"),
                        "example.net",
                        "xsd:string"
                    ])],
                ),
            )
            .await;
        assert_eq!(status, 200);
        lab.s.advance(60_000);
        let unread = lab.doc(&id).await;
        assert_eq!(
            value(&unread, &format!("{trace}.DiagnosticsState")),
            "Requested"
        );
        let hops_of = |doc: &Value| {
            trace
                .split('.')
                .try_fold(doc, |v, k| v.get(k))
                .and_then(|t| t.get("RouteHops"))
                .and_then(Value::as_object)
                .map(|m| m.keys().filter(|k| !k.starts_with('_')).count())
                .unwrap_or(0)
        };
        assert_eq!(hops_of(&unread), 0, "GenieACS has not met the hops yet");
        let (status, _, _) = lab.task(&id, read(&trace)).await;
        assert_eq!(status, 200);
        let done = lab.doc(&id).await;
        assert_eq!(
            value(&done, &format!("{trace}.DiagnosticsState")),
            "Complete"
        );
        let n = value(&done, &format!("{trace}.RouteHopsNumberOfEntries"))
            .as_u64()
            .unwrap();
        assert!((4..=12).contains(&n), "{n} hops");
        assert_eq!(hops_of(&done), n as usize);
        let last = format!("{trace}.RouteHops.{n}");
        assert!(!value(&done, &format!("{last}.{}", hop[1]))
            .as_str()
            .unwrap()
            .is_empty());
        assert_eq!(value(&done, &format!("{last}.{}", hop[0])), "example.net");
        let rtts = value(&done, &format!("{last}.{}", hop[2]));
        assert_eq!(rtts.as_str().unwrap().split(',').count(), 3, "{rtts}");
        // Two hops allowed: the host is further.
        let (status, _, _) = lab
            .task(
                &id,
                run(
                    trace.clone(),
                    vec![
                        json!([format!("{trace}.Host"), "example.net", "xsd:string"]),
                        json!([format!("{trace}.MaxHopCount"), 2, "xsd:unsignedInt"]),
                    ],
                ),
            )
            .await;
        assert_eq!(status, 200);
        lab.s.advance(60_000);
        lab.task(&id, read(&trace)).await;
        let short = lab.doc(&id).await;
        assert_eq!(
            value(&short, &format!("{trace}.DiagnosticsState")),
            "Error_MaxHopCountExceeded"
        );
        assert_eq!(hops_of(&short), 2, "the last run's further hops are gone");

        // A download of the 50 MB file its URL names.
        let download = format!("{root}DownloadDiagnostics");
        let (status, _, _) = lab
            .task(
                &id,
                run(
                    download.clone(),
                    vec![json!([
                        format!("{download}.DownloadURL"),
                        "http://speed.example.net/50MB.bin",
                        "xsd:string"
                    ])],
                ),
            )
            .await;
        assert_eq!(status, 200);
        lab.s.advance(60_000);
        lab.task(&id, read(&download)).await;
        let dl = lab.doc(&id).await;
        assert_eq!(
            value(&dl, &format!("{download}.DiagnosticsState")),
            "Complete"
        );
        assert_eq!(
            value(&dl, &format!("{download}.TestBytesReceived")),
            50_000_000
        );
        let time = |doc: &Value, object: &str, leaf: &str| {
            acsdesk_time::parse_iso(value(doc, &format!("{object}.{leaf}")).as_str().unwrap())
                .unwrap()
        };
        let took = time(&dl, &download, "EOMTime") - time(&dl, &download, "BOMTime");
        let mbit = 50_000_000.0 * 8.0 / (took as f64 * 1000.0);
        assert!((15.0..=330.0).contains(&mbit), "{mbit} Mbit/s");
        assert!(time(&dl, &download, "ROMTime") < time(&dl, &download, "BOMTime"));
        // An upload of what it was told to send.
        let upload = format!("{root}UploadDiagnostics");
        lab.task(
            &id,
            run(
                upload.clone(),
                vec![
                    json!([
                        format!("{upload}.UploadURL"),
                        "http://speed.example.net/up",
                        "xsd:string"
                    ]),
                    json!([
                        format!("{upload}.TestFileLength"),
                        5_000_000,
                        "xsd:unsignedInt"
                    ]),
                ],
            ),
        )
        .await;
        lab.s.advance(60_000);
        lab.task(&id, read(&upload)).await;
        let ul = lab.doc(&id).await;
        assert_eq!(
            value(&ul, &format!("{upload}.DiagnosticsState")),
            "Complete"
        );
        assert!(
            value(&ul, &format!("{upload}.TotalBytesSent"))
                .as_u64()
                .unwrap()
                > 5_000_000
        );
        // A test server whose name does not resolve.
        lab.task(
            &id,
            run(
                download.clone(),
                vec![json!([
                    format!("{download}.DownloadURL"),
                    "http://speed.invalid/x",
                    "xsd:string"
                ])],
            ),
        )
        .await;
        lab.s.advance(60_000);
        lab.task(&id, read(&download)).await;
        let failed = lab.doc(&id).await;
        let want = if root.starts_with("Device") {
            "Error_CannotResolveHostName"
        } else {
            "Error_InitConnectionFailed"
        };
        assert_eq!(
            value(&failed, &format!("{download}.DiagnosticsState")),
            want
        );
        assert_eq!(value(&failed, &format!("{download}.TestBytesReceived")), 0);
    }
    let huawei = lab.device("00E0FC").await;
    let doc = lab.doc(&huawei).await;
    assert!(doc["InternetGatewayDevice"]
        .get("TraceRouteDiagnostics")
        .is_some());
    assert!(doc["InternetGatewayDevice"]
        .get("DownloadDiagnostics")
        .is_none());
    let (status, _, _) = lab
        .task(
            &huawei,
            json!({"name": "setParameterValues", "parameterValues": [[
                "InternetGatewayDevice.DownloadDiagnostics.DiagnosticsState",
                "Requested",
                "xsd:string"
            ]]}),
        )
        .await;
    assert_ne!(status, 200, "no such object on the Huawei");
}
