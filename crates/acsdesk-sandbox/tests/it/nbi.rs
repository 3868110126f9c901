//! Devices, queries, tasks and the scenario API.

use crate::{client, start, status_line, T0};
use serde_json::{json, Value};

#[tokio::test]
async fn the_fleet_is_deterministic_and_counted_with_head() {
    let a = start(50).await;
    let b = start(50).await;
    assert_eq!(a.device_ids(), b.device_ids(), "same seed, same fleet");
    let c = client();
    let head = c.head(format!("{}/devices", a.url())).send().await.unwrap();
    assert_eq!(head.headers()["total"], "50");
    let vendors: Vec<Value> = c
        .get(format!("{}/devices?projection=_deviceId", a.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let makers: std::collections::BTreeSet<&str> = vendors
        .iter()
        .filter_map(|d| d["_deviceId"]["_Manufacturer"].as_str())
        .collect();
    assert!(makers.len() >= 3, "a mix of vendors: {makers:?}");
    // GenieACS escapes '-' inside the id parts.
    assert!(a
        .device_ids()
        .iter()
        .any(|id| id.starts_with("E48D8C-RB952Ui%2D5ac2nD-")));
}

#[tokio::test]
async fn queries_projections_sort_and_paging() {
    let s = start(60).await;
    let c = client();
    let url = format!("{}/devices", s.url());
    let ids = s.device_ids();
    let q = json!({"_id": ids[3]}).to_string();
    let one: Vec<Value> = c
        .get(&url)
        .query(&[("query", q.as_str()), ("projection", "_id,_lastInform")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0]["_id"], ids[3].as_str());
    assert!(one[0].get("InternetGatewayDevice").is_none() && one[0].get("Device").is_none());
    let page: Vec<Value> = c
        .get(&url)
        .query(&[
            ("projection", "_id"),
            ("sort", r#"{"_id":1}"#),
            ("skip", "10"),
            ("limit", "5"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let got: Vec<&str> = page.iter().filter_map(|d| d["_id"].as_str()).collect();
    assert_eq!(
        got,
        ids[10..15].iter().map(String::as_str).collect::<Vec<_>>()
    );
    // $gte on _lastInform with an ISO date; value expansion on a parameter path.
    let since = json!({"_lastInform": {"$gte": "2026-11-23T20:55:00.000Z"}}).to_string();
    let recent = c
        .head(&url)
        .query(&[("query", since.as_str())])
        .send()
        .await
        .unwrap();
    let n: usize = recent.headers()["total"].to_str().unwrap().parse().unwrap();
    assert!(n > 0 && n < 60, "{n}");
    let mikrotik = json!({"Device.DeviceInfo.Manufacturer": "MikroTik"}).to_string();
    let m: Vec<Value> = c
        .get(&url)
        .query(&[
            ("query", mikrotik.as_str()),
            ("projection", "Device.DeviceInfo.Manufacturer"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(m
        .iter()
        .all(|d| d["Device"]["DeviceInfo"]["Manufacturer"]["_value"] == "MikroTik"));
    let bad = c
        .get(&url)
        .query(&[("query", "{nope")])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
}

#[tokio::test]
async fn set_parameter_values_changes_the_device_and_is_logged_once() {
    let s = start(20).await;
    let c = client();
    // A TR-181 device: set its 2.4 GHz SSID.
    let docs: Vec<Value> = c
        .get(format!(
            "{}/devices?projection=_id,Device.WiFi.SSID",
            s.url()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let dev = docs
        .iter()
        .find(|d| d.get("Device").is_some())
        .expect("a MikroTik in the fleet");
    let id = dev["_id"].as_str().unwrap();
    let path = format!(
        "{}/devices/{}/tasks?connection_request&timeout=3000",
        s.url(),
        urlencode(id)
    );
    let task = json!({"name": "setParameterValues", "parameterValues": [["Device.WiFi.SSID.1.SSID", "Casa-Nueva", "xsd:string"]]});
    let resp = c.post(&path).json(&task).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["device"], id);
    assert_eq!(body["_id"].as_str().unwrap().len(), 24);
    let q = json!({"_id": id}).to_string();
    let after: Vec<Value> = c
        .get(format!("{}/devices", s.url()))
        .query(&[
            ("query", q.as_str()),
            ("projection", "Device.WiFi.SSID.1.SSID"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        after[0]["Device"]["WiFi"]["SSID"]["1"]["SSID"]["_value"],
        "Casa-Nueva"
    );
    let log: Vec<Value> = c
        .get(format!(
            "{}/_sandbox/devices/{}/executed",
            s.url(),
            urlencode(id)
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["name"], "setParameterValues");
    // Unknown and read-only parameters fault like a CPE (cwmp.9005 / cwmp.9008).
    let ro = json!({"name": "setParameterValues", "parameterValues": [["Device.DeviceInfo.SoftwareVersion", "x", "xsd:string"]]});
    let r = c.post(&path).json(&ro).send().await.unwrap();
    assert_eq!(r.status(), 202);
    let faults: Vec<Value> = c
        .get(format!("{}/faults", s.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(faults[0]["code"], "cwmp.9008");
    assert!(faults[0]["_id"]
        .as_str()
        .unwrap()
        .starts_with(&format!("{id}:task_")));
}

fn urlencode(id: &str) -> String {
    percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC).to_string()
}

#[tokio::test]
async fn an_offline_device_queues_the_task_and_runs_it_once_when_it_returns() {
    let s = start(10).await;
    let c = client();
    let id = s.device_ids()[0].clone();
    let enc = urlencode(&id);
    assert_eq!(
        c.post(format!("{}/_sandbox/devices/{enc}/offline", s.url()))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let req = format!(
        "POST /devices/{enc}/tasks?connection_request HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 17\r\nConnection: close\r\n\r\n{{\"name\":\"reboot\"}}"
    );
    assert_eq!(
        status_line(s.addr(), &req).await,
        "HTTP/1.1 202 Device is offline"
    );
    let tasks: Vec<Value> = c
        .get(format!("{}/tasks", s.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(tasks.len(), 1);
    // A bare connection request to an offline device: 504 Device is offline.
    let bare = format!("POST /devices/{enc}/tasks?connection_request HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    assert_eq!(
        status_line(s.addr(), &bare).await,
        "HTTP/1.1 504 Device is offline"
    );
    c.post(format!("{}/_sandbox/devices/{enc}/online", s.url()))
        .send()
        .await
        .unwrap();
    s.advance(60_000);
    let log: Vec<Value> = c
        .get(format!("{}/_sandbox/devices/{enc}/executed", s.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        log.iter().filter(|e| e["name"] == "reboot").count(),
        1,
        "{log:?}"
    );
    let tasks: Vec<Value> = c
        .get(format!("{}/tasks", s.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(tasks.is_empty(), "done tasks leave /tasks");
    s.advance(3_600_000);
    let log: Vec<Value> = c
        .get(format!("{}/_sandbox/devices/{enc}/executed", s.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(log.len(), 1, "never twice");
}

#[tokio::test]
async fn the_clock_moves_informs_and_a_bad_firmware_faults() {
    let s = start(5).await;
    let c = client();
    let id = s.device_ids()[1].clone();
    let enc = urlencode(&id);
    let q = json!({"_id": id}).to_string();
    let before: Vec<Value> = c
        .get(format!("{}/devices", s.url()))
        .query(&[("query", q.as_str()), ("projection", "_lastInform")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    s.advance(2 * 3_600_000);
    let after: Vec<Value> = c
        .get(format!("{}/devices", s.url()))
        .query(&[("query", q.as_str()), ("projection", "_lastInform")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        after[0]["_lastInform"].as_str() > before[0]["_lastInform"].as_str(),
        "informs continue"
    );
    let put = c
        .put(format!("{}/files/fw.bin", s.url()))
        .header("fileType", "1 Firmware Upgrade Image")
        .header("version", "9.9.9")
        .body(vec![0_u8; 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 201);
    c.post(format!("{}/_sandbox/files/fw.bin/bad", s.url()))
        .send()
        .await
        .unwrap();
    let r = c
        .post(format!(
            "{}/devices/{enc}/tasks?connection_request",
            s.url()
        ))
        .json(&json!({"name": "download", "file": "fw.bin"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "the CPE accepts the Download");
    s.advance(30 * 60_000);
    let faults: Vec<Value> = c
        .get(format!("{}/faults", s.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        faults
            .iter()
            .any(|f| f["code"] == "cwmp.9010" && f["device"] == id.as_str()),
        "{faults:?}"
    );
    let _ = T0;
}

#[tokio::test]
async fn a_device_in_session_answers_503_until_released() {
    let s = start(3).await;
    let c = client();
    let id = s.device_ids()[0].clone();
    let enc = urlencode(&id);
    c.post(format!("{}/_sandbox/devices/{enc}/busy", s.url()))
        .send()
        .await
        .unwrap();
    let r = c
        .post(format!(
            "{}/devices/{enc}/tasks?connection_request",
            s.url()
        ))
        .json(&json!({"name": "reboot"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    c.post(format!("{}/_sandbox/devices/{enc}/online", s.url()))
        .send()
        .await
        .unwrap();
    let r = c
        .post(format!(
            "{}/devices/{enc}/tasks?connection_request",
            s.url()
        ))
        .json(&json!({"name": "reboot"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

/// As GenieACS: a refresh of its own `DeviceID.*` aliases completes (200), and a secret
/// AcsDesk set reads back in clear in the device's document until a refresh reads the
/// router's own (empty) value.
#[tokio::test]
async fn aliases_complete_and_a_set_secret_reads_back_in_clear_until_refreshed() {
    let s = start(20).await;
    let c = client();
    let docs: Vec<Value> = c
        .get(format!(
            "{}/devices?projection=_id,Device.DeviceInfo",
            s.url()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = docs
        .iter()
        .find(|d| d.get("Device").is_some())
        .and_then(|d| d["_id"].as_str())
        .expect("a TR-181 router")
        .to_owned();
    let path = format!(
        "{}/devices/{}/tasks?connection_request&timeout=3000",
        s.url(),
        urlencode(&id)
    );
    let alias = json!({"name": "getParameterValues", "parameterNames": ["DeviceID.SerialNumber"]});
    assert_eq!(
        c.post(&path).json(&alias).send().await.unwrap().status(),
        200
    );
    let secret = "Device.ManagementServer.ConnectionRequestPassword";
    let set = json!({"name": "setParameterValues", "parameterValues": [[secret, "cr-Secret-42", "xsd:string"]]});
    assert_eq!(c.post(&path).json(&set).send().await.unwrap().status(), 200);
    let read = |c: reqwest::Client, url: String, id: String| async move {
        let q = json!({"_id": id}).to_string();
        let docs: Vec<Value> = c
            .get(format!("{url}/devices"))
            .query(&[("query", q.as_str()), ("projection", secret)])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        docs[0]["Device"]["ManagementServer"]["ConnectionRequestPassword"]["_value"].clone()
    };
    assert_eq!(read(c.clone(), s.url(), id.clone()).await, "cr-Secret-42");
    s.advance(60_000);
    let refresh = json!({"name": "getParameterValues", "parameterNames": [secret]});
    assert_eq!(
        c.post(&path).json(&refresh).send().await.unwrap().status(),
        200
    );
    assert_eq!(read(c.clone(), s.url(), id).await, "");
}

/// Behind a guard (what a reverse proxy before GenieACS does), the NBI answers only
/// requests carrying the header with its exact value; the scenario API stays open; a
/// name that is no header is refused at start.
#[tokio::test]
async fn a_guarded_nbi_answers_only_with_its_header() {
    let s = acsdesk_sandbox::Sandbox::builder(T0)
        .devices(3)
        .require_header("X-Api-Key", "k-1")
        .start()
        .await
        .unwrap();
    let c = client();
    let devices = format!("{}/devices?projection=_id", s.url());
    for (header, status) in [
        (None, 401),
        (Some(("X-Api-Key", "k-2")), 401),
        (Some(("Authorization", "k-1")), 401),
        (Some(("x-api-key", "k-1")), 200),
    ] {
        let mut r = c.get(&devices);
        if let Some((name, value)) = header {
            r = r.header(name, value);
        }
        let got = r.send().await.unwrap().status().as_u16();
        assert_eq!(got, status, "{header:?}");
    }
    let clock = c
        .get(format!("{}/_sandbox/clock", s.url()))
        .send()
        .await
        .unwrap();
    assert!(clock.status().is_success(), "the scenario API stays open");
    let bad = acsdesk_sandbox::Sandbox::builder(T0)
        .require_header("X Api", "k")
        .start()
        .await;
    assert!(
        matches!(bad, Err(acsdesk_sandbox::StartError::Guard(_))),
        "{:?}",
        bad.err()
    );
}
