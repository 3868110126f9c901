//! Conformance with GenieACS 1.2.16 as recorded: every capture's request is sent to a
//! sandbox holding the lab's devices (imported from the recorded documents), and the
//! answer is compared with what real GenieACS answered — status code, reason phrase,
//! `total`, `Allow` and `Content-Type` headers, and the body (exactly for text, by
//! shape or by content for JSON). Where the sandbox differs on purpose, the test says
//! which documented difference applies.

use crate::client;
use acsdesk_captures::{Body, Capture, Response};
use acsdesk_sandbox::{Sandbox, SandboxHandle};
use serde_json::Value;
use std::collections::BTreeSet;

/// The recorded documents of a capture's answer.
fn docs(name: &str) -> Vec<Value> {
    Capture::load(name)
        .response()
        .json()
        .and_then(|v| v.as_array().cloned())
        .unwrap()
}

/// A frozen sandbox holding the lab's 23 devices as recorded at the end of the session,
/// with its clock at the last recorded inform (so nothing is due).
async fn lab() -> SandboxHandle {
    let devices = docs("devices-all");
    let last = devices
        .iter()
        .filter_map(|d| d["_lastInform"].as_str())
        .filter_map(acsdesk_time::parse_iso)
        .max()
        .unwrap();
    Sandbox::builder(last)
        .devices(0)
        .speed(0.0)
        .import(devices)
        .start()
        .await
        .unwrap()
}

/// What the sandbox answered.
struct Answer {
    status: u16,
    reason: String,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// Sends exactly the recorded request (method, raw path and query, GenieACS-specific
/// headers, body) to the sandbox.
async fn send(s: &SandboxHandle, c: &Capture) -> Answer {
    let r = &c.request;
    let mut url = format!("{}{}", s.url(), r.path);
    if let Some(q) = &r.query {
        url.push('?');
        url.push_str(q);
    }
    let method = reqwest::Method::from_bytes(r.method.as_bytes()).unwrap();
    let mut req = client().request(method, url);
    for (name, value) in &r.headers {
        if !matches!(
            name.to_ascii_lowercase().as_str(),
            "host" | "user-agent" | "accept" | "content-length"
        ) {
            req = req.header(name, value);
        }
    }
    req = match &r.body {
        Body::None => req,
        Body::Bytes(b) => req.body(b.clone()),
        Body::Elided { len } => req.body(vec![0x5A_u8; *len]),
    };
    let resp = req.send().await.unwrap();
    let reason = resp
        .extensions()
        .get::<hyper::ext::ReasonPhrase>()
        .map(|r| String::from_utf8_lossy(r.as_bytes()).into_owned())
        .unwrap_or_else(|| resp.status().canonical_reason().unwrap_or("").to_owned());
    Answer {
        status: resp.status().as_u16(),
        reason,
        headers: resp.headers().clone(),
        body: resp.bytes().await.unwrap().to_vec(),
    }
}

/// The same status line, `Allow` and content type as recorded.
fn same_status_line(name: &str, want: &Response, got: &Answer) -> Vec<String> {
    let mut diff = Vec::new();
    if (want.status, want.reason.as_str()) != (got.status, got.reason.as_str()) {
        diff.push(format!(
            "{name}: {} {} ≠ recorded {} {}",
            got.status, got.reason, want.status, want.reason
        ));
    }
    if want.header("allow") != got.header("allow") {
        diff.push(format!(
            "{name}: Allow {:?} ≠ recorded {:?}",
            got.header("allow"),
            want.header("allow")
        ));
    }
    let json = |ct: Option<&str>| ct.is_some_and(|c| c.starts_with("application/json"));
    if json(want.header("content-type")) != json(got.header("content-type")) {
        diff.push(format!(
            "{name}: Content-Type {:?} ≠ recorded {:?}",
            got.header("content-type"),
            want.header("content-type")
        ));
    }
    if got.header("genieacs-version").is_none() {
        diff.push(format!("{name}: no GenieACS-Version header"));
    }
    diff
}

/// Where two JSON values first differ, as a path and both sides.
fn first_difference(path: &str, a: &Value, b: &Value) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            keys.into_iter().find_map(|k| match (x.get(k), y.get(k)) {
                (Some(p), Some(q)) => first_difference(&format!("{path}.{k}"), p, q),
                (p, q) => Some(format!("{path}.{k}: {p:?} vs {q:?}")),
            })
        }
        _ if a == b => None,
        _ => Some(format!("{path}: {a} vs {b}")),
    }
}

/// Whether a document follows GenieACS's grammar: every node under the roots is an
/// object (`_object: true`) or a leaf (`_object: false`, and a `_type` wherever there is
/// a `_value`).
fn well_formed(v: &Value) -> Result<(), String> {
    fn node(path: &str, v: &Value) -> Result<(), String> {
        let m = v.as_object().ok_or(format!("{path} is not an object"))?;
        match m.get("_object").and_then(Value::as_bool) {
            Some(false) => {
                if m.contains_key("_value") && !m.contains_key("_type") {
                    return Err(format!("{path} has a value without a type"));
                }
                Ok(())
            }
            Some(true) | None => {
                for (k, child) in m {
                    if !k.starts_with('_') {
                        node(&format!("{path}.{k}"), child)?;
                    }
                }
                Ok(())
            }
        }
    }
    let m = v.as_object().ok_or("not an object")?;
    if !m.get("_id").is_some_and(Value::is_string) {
        return Err("no _id".into());
    }
    for (k, child) in m {
        if !k.starts_with('_') {
            node(k, child)?;
        }
    }
    Ok(())
}

/// A JSON value's shape: keys, nesting and value types, not values.
fn shape(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), shape(v))).collect()),
        Value::Array(a) => Value::Array(a.iter().take(1).map(shape).collect()),
        Value::String(_) => "string".into(),
        Value::Number(_) => "number".into(),
        Value::Bool(_) => "boolean".into(),
        Value::Null => "null".into(),
    }
}

#[tokio::test]
async fn imported_documents_are_served_back_exactly_as_recorded() {
    let s = lab().await;
    let c = client();
    for recorded in docs("devices-all") {
        let id = recorded["_id"].as_str().unwrap();
        let q = serde_json::json!({"_id": id}).to_string();
        let got: Vec<Value> = c
            .get(format!("{}/devices", s.url()))
            .query(&[("query", q)])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(got.len(), 1, "{id}");
        assert_eq!(
            first_difference("", &got[0], &recorded),
            None,
            "{id} differs from the recorded document"
        );
    }
}

/// The device queries, their answers compared with the recorded ones by status, `total`,
/// the devices returned and each document. Answers recorded before a later change of
/// the lab's state are compared by shape only, with the change that explains them.
#[tokio::test]
async fn device_queries_answer_as_recorded() {
    // Captures whose recorded answer predates a change the end state holds.
    let changed_since: &[(&str, &str)] = &[
        (
            "devices-query-by-tag",
            "000007's tags changed after the query (tags-after-delete)",
        ),
        (
            "devices-query-lastInform-gt",
            "devices informed again before the end of the session",
        ),
        (
            "devices-sort-lastInform-desc-limit",
            "devices informed again before the end of the session",
        ),
        (
            "devices-query-by-serial-deviceId",
            "000007 informed again before the end of the session",
        ),
        (
            "devices-query-by-id-projection",
            "000000 was refreshed again (device-full-tr098)",
        ),
        (
            "devices-projection-object-subtree",
            "000000 was refreshed again (device-full-tr098)",
        ),
        (
            "devices-queued-task-result",
            "recorded after the device 000019 was deleted",
        ),
        (
            "devices-after-addObject",
            "instance 2 was deleted again (task-deleteObject-200)",
        ),
        (
            "devices-after-preset-tags-vp",
            "tags and virtual parameters changed later",
        ),
        (
            "devices-all-initial",
            "recorded at registration, before any task",
        ),
        (
            "device-downloads-after-transfercomplete",
            "000003 was refreshed again later",
        ),
        (
            "devices-count-after-delete",
            "recorded after 000019 was deleted",
        ),
        ("devices-head-count", "recorded before 000019 was deleted"),
        ("devices-tags-after-delete", "000007's tags at that moment"),
        (
            "devices-tr181-ssid-after-spv",
            "the TR-181 SSID at that moment",
        ),
        ("devices-query-param-value", "000000's SSID at that moment"),
        (
            "devices-query-exists",
            "000006 and 000010 were refreshed later and hold UpTime now",
        ),
        (
            "devices-query-tr181-by-oui",
            "the TR-181 device was refreshed again later",
        ),
        (
            "device-full-tr181",
            "the TR-181 device was refreshed again later",
        ),
        (
            "devices-sort-by-parameter",
            "000000 was refreshed again (device-full-tr098)",
        ),
    ];
    let s = lab().await;
    let mut differences = Vec::new();
    let mut compared = 0;
    for c in Capture::all() {
        let r = &c.request;
        let is_query = (r.method == "GET" || r.method == "HEAD")
            && r.path == "/devices"
            && c.response.as_ref().is_some_and(|x| x.status == 200);
        if !is_query {
            continue;
        }
        let want = c.response();
        let got = send(&s, &c).await;
        differences.extend(same_status_line(&c.name, want, &got));
        if let Some((_, why)) = changed_since.iter().find(|(n, _)| *n == c.name) {
            // A well-formed GenieACS answer all the same.
            for d in got.json().as_array().into_iter().flatten() {
                if let Err(e) = well_formed(d) {
                    differences.push(format!("{}: {e} ({why})", c.name));
                }
            }
            continue;
        }
        compared += 1;
        if want.header("total") != got.header("total") {
            differences.push(format!(
                "{}: total {:?} ≠ recorded {:?}",
                c.name,
                got.header("total"),
                want.header("total")
            ));
        }
        if r.method == "HEAD" {
            if !got.body.is_empty() {
                differences.push(format!("{}: HEAD answered a body", c.name));
            }
            continue;
        }
        let (w, g) = (want.json().unwrap_or(Value::Null), got.json());
        let ids = |v: &Value| -> Vec<String> {
            v.as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|d| d["_id"].as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        let sorted = r.query.as_deref().is_some_and(|q| q.contains("sort="));
        let (mut wi, mut gi) = (ids(&w), ids(&g));
        if !sorted {
            wi.sort();
            gi.sort();
        }
        if wi != gi {
            differences.push(format!("{}: devices {gi:?} ≠ recorded {wi:?}", c.name));
            continue;
        }
        for (wd, gd) in w
            .as_array()
            .into_iter()
            .flatten()
            .zip(g.as_array().into_iter().flatten())
        {
            let id = wd["_id"].as_str().unwrap_or_default();
            let gd = g
                .as_array()
                .and_then(|a| a.iter().find(|d| d["_id"] == id))
                .unwrap_or(gd);
            if let Some(d) = first_difference(id, gd, wd) {
                differences.push(format!("{}: sandbox vs recorded at {d}", c.name));
            }
        }
        // GenieACS's layout: `[`, a document per line, `]` (`[\n\n]` when empty).
        let text = String::from_utf8_lossy(&got.body);
        if !(text.starts_with("[\n") && text.ends_with("\n]")) {
            differences.push(format!(
                "{}: not laid out as GenieACS streams lists",
                c.name
            ));
        }
    }
    assert!(
        compared >= 12,
        "only {compared} queries compared by content"
    );
    assert!(differences.is_empty(), "{differences:#?}");
}

#[tokio::test]
async fn errors_answer_as_genieacs_does() {
    let s = lab().await;
    let mut differences = Vec::new();
    let cases = [
        "error-device-get-by-path-405",
        "error-devices-malformed-query-400",
        "error-devices-malformed-sort-400",
        "error-devices-wrong-method-405",
        "error-fault-delete-wrong-method-405",
        "error-task-malformed-json-400",
        "error-task-no-body-no-connreq-400",
        "error-task-unknown-action-404",
        "error-task-unknown-device-404",
        "error-task-unknown-device-no-connreq-404",
        "error-task-wrong-method-405",
        "error-unknown-collection-404",
        "error-unknown-path-404",
        "tag-add-dot-in-tag-404",
        "tag-add-tr181-single-encoded-id-404",
        "tag-add-unknown-device-404",
        "tag-wrong-method-405",
        "preset-get-path-405",
        "preset-put-malformed-json-400",
        "provision-put-syntax-error-400",
        "task-delete-again-404",
    ];
    for name in cases {
        let c = Capture::load(name);
        let want = c.response();
        let got = send(&s, &c).await;
        differences.extend(same_status_line(name, want, &got));
        let (wb, gb) = (
            String::from_utf8_lossy(&want.body).into_owned(),
            String::from_utf8_lossy(&got.body).into_owned(),
        );
        // JSON and script parsers word their messages differently (documented); the
        // error's name is GenieACS's.
        let parser = wb.starts_with("SyntaxError");
        let same = if parser {
            gb.starts_with("SyntaxError")
        } else {
            wb == gb
        };
        if !same {
            differences.push(format!("{name}: body {gb:?} ≠ recorded {wb:?}"));
        }
    }
    assert!(differences.is_empty(), "{differences:#?}");
}

#[tokio::test]
async fn requests_that_crash_genieacs_get_an_answer() {
    // The documented difference: the sandbox answers these at once instead of dropping
    // the connection 21 s later. It must answer an error, never success.
    let s = lab().await;
    for c in Capture::all().into_iter().filter(|c| c.response.is_none()) {
        let got = send(&s, &c).await;
        if matches!(
            c.name.as_str(),
            "error-query-mix-ne-with-other-operator-crash"
                | "error-tasks-query-unsupported-operator-crash"
        ) {
            // Evaluated instead (documented): a well-formed, empty answer.
            assert_eq!(got.status, 200, "{}", c.name);
            continue;
        }
        assert!(
            (400..500).contains(&got.status),
            "{}: {} {}",
            c.name,
            got.status,
            String::from_utf8_lossy(&got.body)
        );
    }
}

/// Prepares the lab for one task capture the way the lab was when it was recorded.
async fn scenario(s: &SandboxHandle, name: &str) {
    let post = |path: String| async move {
        let r = client()
            .post(format!("{}{path}", s.url()))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{path}: {}", r.status());
    };
    match name {
        // The released simulator answers Reboot and FactoryReset with fault 9000.
        "task-reboot-unsupported-202-faulted" => {
            post("/_sandbox/devices/202BC1-BM632w-000001/unsupported?task=reboot".into()).await
        }
        "task-factoryReset-unsupported-202-faulted" => {
            post("/_sandbox/devices/202BC1-BM632w-000002/unsupported?task=factoryReset".into())
                .await
        }
        // The lab added instance 2 just before deleting it.
        "task-deleteObject-200" => {
            let c = Capture::load("task-addObject-200");
            let r = send(s, &c).await;
            assert_eq!(r.status, 200, "addObject before deleteObject");
        }
        // Its connection-request port was closed.
        "task-offline-connreq-failed-202" | "connection-request-only-offline-504" => {
            post("/_sandbox/devices/202BC1-BM632w-000019/offline".into()).await
        }
        _ => {}
    }
}

#[tokio::test]
async fn tasks_answer_with_genieacs_status_lines_and_echo_the_task() {
    let mut differences = Vec::new();
    let mut compared = 0;
    for c in Capture::all() {
        let r = &c.request;
        let is_task =
            r.method == "POST" && r.path.starts_with("/devices/") && r.path.ends_with("/tasks");
        if !is_task || c.response.is_none() || c.name.starts_with("error-") {
            continue;
        }
        // A fresh lab each time: tasks change devices (a reboot takes one away).
        let s = lab().await;
        scenario(&s, &c.name).await;
        let want = c.response();
        let got = send(&s, &c).await;
        compared += 1;
        differences.extend(same_status_line(&c.name, want, &got));
        match (want.json(), got.json()) {
            (Some(w), g) => {
                if shape(&w) != shape(&g) {
                    differences.push(format!("{}: task {g} ≠ recorded shape of {w}", c.name));
                }
                for key in ["name", "device"] {
                    if w[key] != g[key] {
                        differences.push(format!("{}: {key} {} ≠ {}", c.name, g[key], w[key]));
                    }
                }
                if g["_id"].as_str().is_none_or(|id| id.len() != 24) {
                    differences.push(format!("{}: task _id {}", c.name, g["_id"]));
                }
            }
            (None, _) => {
                if String::from_utf8_lossy(&want.body) != String::from_utf8_lossy(&got.body) {
                    differences.push(format!("{}: body differs", c.name));
                }
            }
        }
    }
    assert!(compared >= 25, "only {compared} task captures");
    assert!(differences.is_empty(), "{differences:#?}");
}

/// Runs recorded exchanges in their logical order against one lab, comparing each.
async fn replay_in_order(s: &SandboxHandle, names: &[&str]) -> Vec<String> {
    let mut differences = Vec::new();
    for name in names {
        let c = Capture::load(name);
        let want = c.response();
        let got = send(s, &c).await;
        differences.extend(same_status_line(name, want, &got));
        if want.header("total") != got.header("total") {
            differences.push(format!(
                "{name}: total {:?} ≠ recorded {:?}",
                got.header("total"),
                want.header("total")
            ));
        }
        match want.json() {
            Some(w) => {
                let g = got.json();
                // Lists: the same documents by shape, and their ids.
                if shape(&w) != shape(&g) {
                    differences.push(format!("{name}: {g} ≠ recorded shape {w}"));
                }
                let ids = |v: &Value| -> BTreeSet<String> {
                    v.as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(|d| d["_id"].as_str().map(str::to_owned))
                                .collect()
                        })
                        .unwrap_or_default()
                };
                if ids(&w) != ids(&g) {
                    differences.push(format!(
                        "{name}: ids {:?} ≠ recorded {:?}",
                        ids(&g),
                        ids(&w)
                    ));
                }
            }
            None => {
                let syntax =
                    want.body.starts_with(b"SyntaxError") && got.body.starts_with(b"SyntaxError");
                if want.body != got.body && !syntax {
                    differences.push(format!(
                        "{name}: body {:?} ≠ recorded {:?}",
                        String::from_utf8_lossy(&got.body),
                        String::from_utf8_lossy(&want.body)
                    ));
                }
            }
        }
    }
    differences
}

#[tokio::test]
async fn presets_provisions_virtual_parameters_files_and_tags_round_trip_as_recorded() {
    let s = lab().await;
    let mut differences = replay_in_order(
        &s,
        &[
            "provision-put-200",
            "provision-put-syntax-error-400",
            "provisions-list",
            "virtual-parameter-put-200",
            "virtual-parameters-list",
            "preset-put-200",
            "presets-list",
            "preset-get-by-name",
            "preset-delete-200",
            "preset-delete-nonexistent-200",
            "presets-list-after-delete",
            "provision-delete-200",
            "provisions-list-after-delete",
            "virtual-parameter-delete-200",
            "virtual-parameters-list-after-delete",
            "file-put-201",
            "files-list",
            "files-query-by-metadata",
            "file-delete-200",
            "files-list-after-delete",
            "tag-add-200",
            "tag-add-second-200",
            "tag-add-encoded-space-200",
            "tag-add-tr181-encoded-id-200",
            "tag-add-full-doc-device-200",
            "tag-delete-200",
            "tag-delete-not-present-200",
            "device-delete-200",
            "device-delete-again-200",
        ],
    )
    .await;
    // The tags GenieACS stored, decoded ("building A").
    let q = serde_json::json!({"_id": "202BC1-BM632w-000007"}).to_string();
    let d: Vec<Value> = client()
        .get(format!("{}/devices", s.url()))
        .query(&[("query", q.as_str()), ("projection", "_tags")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let tags: BTreeSet<&str> = d[0]["_tags"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for t in ["vip", "building A"] {
        if !tags.contains(t) {
            differences.push(format!("tag {t:?} missing: {tags:?}"));
        }
    }
    if tags.contains("floor-3") {
        differences.push("floor-3 was deleted".into());
    }
    assert!(differences.is_empty(), "{differences:#?}");
}

#[tokio::test]
async fn faults_retry_and_delete_as_recorded() {
    let s = lab().await;
    scenario(&s, "task-reboot-unsupported-202-faulted").await;
    scenario(&s, "task-factoryReset-unsupported-202-faulted").await;
    let mut differences = replay_in_order(
        &s,
        &[
            "task-reboot-unsupported-202-faulted",
            "task-factoryReset-unsupported-202-faulted",
        ],
    )
    .await;
    // A fault in GenieACS's shape for each, on the task's channel.
    let faults: Vec<Value> = client()
        .get(format!("{}/faults", s.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let recorded = docs("faults-all");
    for f in &faults {
        if shape(f) != shape(&recorded[0]) {
            differences.push(format!("fault {f} ≠ recorded shape {}", recorded[0]));
        }
        let channel = f["channel"].as_str().unwrap_or_default();
        if f["_id"] != format!("{}:{channel}", f["device"].as_str().unwrap_or_default()).as_str()
            || !channel.starts_with("task_")
        {
            differences.push(format!("fault id/channel {f}"));
        }
        if f["code"] != "cwmp.9000" || f["message"] != "Method not supported" {
            differences.push(format!("fault code {f}"));
        }
    }
    if faults.len() != 2 {
        differences.push(format!("{} faults", faults.len()));
    }
    // Retry clears the fault; the task stays for the next session. Deleting a fault
    // deletes its task.
    let (reboot, reset) = (&faults[0], &faults[1]);
    let task_id = |f: &Value| {
        f["channel"]
            .as_str()
            .unwrap_or_default()
            .trim_start_matches("task_")
            .to_owned()
    };
    let c = client();
    let r = c
        .post(format!("{}/tasks/{}/retry", s.url(), task_id(reboot)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let enc = |t: &str| {
        percent_encoding::utf8_percent_encode(t, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    let r = c
        .delete(format!(
            "{}/faults/{}",
            s.url(),
            enc(reset["_id"].as_str().unwrap())
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let tasks: Vec<Value> = c
        .get(format!("{}/tasks", s.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = tasks.iter().filter_map(|t| t["_id"].as_str()).collect();
    if ids != [task_id(reboot).as_str()] {
        differences.push(format!("tasks after retry and fault delete: {ids:?}"));
    }
    let left: Vec<Value> = c
        .get(format!("{}/faults", s.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    if !left.is_empty() {
        differences.push(format!("faults left: {left:?}"));
    }
    assert!(differences.is_empty(), "{differences:#?}");
}
