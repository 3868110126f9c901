//! The HTTP side: GenieACS's NBI routes over the simulated fleet, with GenieACS's status
//! codes and reason phrases, and the sandbox-only `/_sandbox/` scenario API.

use crate::clock::VirtualClock;
use crate::fleet::{iso, QueuedTask, SimDevice};
use crate::query::matches;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::Response;
use axum::routing::{any, delete, get, post};
use axum::Router;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

const VERSION: &str = "1.2.16+sandbox";

/// A file stored in the sandbox (metadata only; the bytes are counted, not kept).
#[derive(Debug, Clone)]
pub(crate) struct StoredFile {
    pub(crate) length: u64,
    pub(crate) metadata: Value,
    pub(crate) upload_ms: i64,
    pub(crate) bad: bool,
}

/// Injected trouble for tests and demos.
#[derive(Debug, Default, Clone)]
pub(crate) struct Chaos {
    pub(crate) latency_ms: u64,
    pub(crate) fail_requests: u64,
}

/// Everything the server holds.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) clock: Arc<VirtualClock>,
    pub(crate) fleet: Mutex<Fleet>,
    pub(crate) faults: Mutex<BTreeMap<String, Value>>,
    pub(crate) files: Mutex<BTreeMap<String, StoredFile>>,
    pub(crate) collections: Mutex<HashMap<&'static str, BTreeMap<String, Value>>>,
    pub(crate) chaos: Mutex<Chaos>,
    pub(crate) task_counter: AtomicU64,
}

/// The devices, sorted by id, advanced lazily to the clock on each request.
#[derive(Debug)]
pub(crate) struct Fleet {
    pub(crate) devices: Vec<SimDevice>,
    pub(crate) index: HashMap<String, usize>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Fleet {
    pub(crate) fn new(mut devices: Vec<SimDevice>) -> Self {
        devices.sort_by(|a, b| a.id.cmp(&b.id));
        let index = devices
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.clone(), i))
            .collect();
        Self { devices, index }
    }

    pub(crate) fn get_mut(&mut self, id: &str) -> Option<&mut SimDevice> {
        let i = *self.index.get(id)?;
        self.devices.get_mut(i)
    }

    fn remove(&mut self, id: &str) -> bool {
        let Some(i) = self.index.remove(id) else {
            return false;
        };
        self.devices.remove(i);
        self.index = self
            .devices
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.clone(), i))
            .collect();
        true
    }
}

impl Shared {
    /// Advances every device to the clock, running queued tasks at each inform.
    pub(crate) fn advance(&self) {
        let now = self.clock.now_ms();
        let files = lock(&self.files).clone();
        let mut fleet = lock(&self.fleet);
        let mut faults = Vec::new();
        for dev in &mut fleet.devices {
            let had_download = dev.pending_download.clone();
            let informs = dev.step(now);
            if let (Some((file, _, true, done)), None) = (had_download, &dev.pending_download) {
                faults.push(fault(
                    &dev.id,
                    &format!("download_{file}"),
                    "cwmp.9010",
                    "Download failed",
                    done,
                ));
            }
            for at in informs {
                let queue = std::mem::take(&mut dev.queue);
                for q in queue {
                    if q.task
                        .get("expiry")
                        .and_then(Value::as_i64)
                        .is_some_and(|e| at > q.at_ms + e * 1000)
                    {
                        continue;
                    }
                    let id = q.task["_id"].as_str().unwrap_or_default().to_owned();
                    if lock(&self.faults).contains_key(&format!("{}:task_{id}", dev.id)) {
                        dev.queue.push(q);
                        continue;
                    }
                    match execute(dev, &q.task, at, &files) {
                        Ok(()) => {}
                        Err((code, message)) => {
                            faults.push(fault(&dev.id, &format!("task_{id}"), code, message, at));
                            dev.queue.push(q);
                        }
                    }
                }
            }
        }
        drop(fleet);
        let mut map = lock(&self.faults);
        for f in faults {
            if let Some(id) = f["_id"].as_str() {
                map.insert(id.to_owned(), f);
            }
        }
    }

    fn next_task_id(&self) -> String {
        let n = self.task_counter.fetch_add(1, Ordering::SeqCst);
        format!("6b{:022x}", n)
    }
}

fn fault(device: &str, channel: &str, code: &str, message: &str, at: i64) -> Value {
    json!({
        "_id": format!("{device}:{channel}"),
        "device": device,
        "channel": channel,
        "timestamp": iso(at),
        "code": code,
        "message": message,
        "detail": {"faultCode": code.trim_start_matches("cwmp."), "faultString": message},
        "retries": 0
    })
}

/// Runs a task on a device at `at`. Errors are CWMP faults (code, message).
fn execute(
    dev: &mut SimDevice,
    task: &Value,
    at: i64,
    files: &BTreeMap<String, StoredFile>,
) -> Result<(), (&'static str, &'static str)> {
    let name = task["name"].as_str().unwrap_or_default();
    match name {
        "getParameterValues" | "refreshObject" | "provisions" | "addObject" | "deleteObject" => {}
        "setParameterValues" => {
            let values = task["parameterValues"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            for v in &values {
                let path = v[0].as_str().unwrap_or_default();
                match dev.params.get(path) {
                    None => return Err(("cwmp.9005", "Invalid parameter name")),
                    Some(p) if !p.writable => {
                        return Err(("cwmp.9008", "Attempt to set a non-writable parameter"))
                    }
                    Some(_) => {}
                }
            }
            for v in values {
                let path = v[0].as_str().unwrap_or_default().to_owned();
                dev.set(&path, v[1].clone());
            }
        }
        "reboot" => dev.reboot(at),
        "factoryReset" => {
            dev.tags.clear();
            dev.reboot(at);
        }
        "download" => {
            let file = task["file"]
                .as_str()
                .or_else(|| task["fileName"].as_str())
                .unwrap_or_default()
                .to_owned();
            let stored = files.get(&file);
            let version = stored.and_then(|f| f.metadata["version"].as_str().map(str::to_owned));
            let bad = stored.is_none_or(|f| f.bad);
            dev.pending_download = Some((file, version, bad, at + 120_000));
            dev.next_inform_ms = dev.next_inform_ms.min(at + 120_000);
        }
        _ => return Err(("cwmp.9000", "Method not supported")),
    }
    let id = task["_id"].as_str().unwrap_or_default().to_owned();
    dev.executed.push((at, name.to_owned(), id));
    Ok(())
}

/// A response with GenieACS's headers and a custom reason phrase on the status line.
fn reply(
    status: StatusCode,
    reason: Option<&'static str>,
    body: impl Into<Body>,
    json_body: bool,
) -> Response {
    let mut resp = Response::new(body.into());
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    h.insert("GenieACS-Version", HeaderValue::from_static(VERSION));
    if json_body {
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
    }
    if let Some(reason) = reason {
        resp.extensions_mut()
            .insert(hyper::ext::ReasonPhrase::from_static(reason.as_bytes()));
    }
    resp
}

fn text(status: StatusCode, reason: Option<&'static str>, body: &str) -> Response {
    reply(status, reason, body.to_owned(), false)
}

fn method_not_allowed(allow: &'static str) -> Response {
    let mut r = text(
        StatusCode::METHOD_NOT_ALLOWED,
        None,
        "405 Method Not Allowed",
    );
    r.headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    r
}

fn parse_json_param(q: &HashMap<String, String>, key: &str) -> Result<Option<Value>, String> {
    match q.get(key) {
        None => Ok(None),
        Some(s) => serde_json::from_str(s)
            .map(Some)
            .map_err(|e| format!("SyntaxError: {e}")),
    }
}

async fn chaos_gate(shared: &Shared) -> Option<Response> {
    let chaos = lock(&shared.chaos).clone();
    if chaos.latency_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(chaos.latency_ms)).await;
    }
    if chaos.fail_requests > 0 {
        lock(&shared.chaos).fail_requests -= 1;
        return Some(text(
            StatusCode::INTERNAL_SERVER_ERROR,
            None,
            "Error: injected failure",
        ));
    }
    None
}

async fn devices(
    State(s): State<Arc<Shared>>,
    method: Method,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return method_not_allowed("GET, HEAD");
    }
    if let Some(r) = chaos_gate(&s).await {
        return r;
    }
    s.advance();
    let query = match parse_json_param(&q, "query") {
        Ok(v) => v.unwrap_or_else(|| json!({})),
        Err(e) => return text(StatusCode::BAD_REQUEST, None, &e),
    };
    let sort = match parse_json_param(&q, "sort") {
        Ok(v) => v,
        Err(e) => return text(StatusCode::BAD_REQUEST, None, &e),
    };
    let projection: Option<Vec<String>> = q.get("projection").map(|p| {
        p.split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    });
    let skip: usize = q.get("skip").and_then(|v| v.parse().ok()).unwrap_or(0);
    let limit: usize = q
        .get("limit")
        .and_then(|v| v.parse().ok())
        .filter(|l| *l > 0)
        .unwrap_or(usize::MAX);
    let mut ids: Vec<usize> = Vec::new();
    {
        let fleet = lock(&s.fleet);
        for (i, d) in fleet.devices.iter().enumerate() {
            match matches(d, &query) {
                Ok(true) => ids.push(i),
                Ok(false) => {}
                Err(e) => return text(StatusCode::BAD_REQUEST, None, &e.0),
            }
        }
        if let Some(sort) = sort.as_ref().and_then(Value::as_object) {
            for (key, dir) in sort.iter().rev() {
                let desc = dir.as_i64() == Some(-1);
                ids.sort_by(|a, b| {
                    let (va, vb) = (fleet.devices[*a].field(key), fleet.devices[*b].field(key));
                    let ord = order(va.as_ref(), vb.as_ref());
                    if desc {
                        ord.reverse()
                    } else {
                        ord
                    }
                });
            }
        }
    }
    let total = ids.len();
    let page: Vec<usize> = ids.into_iter().skip(skip).take(limit).collect();
    let mut headers = HeaderMap::new();
    headers.insert("total", HeaderValue::from(total));
    if method == Method::HEAD {
        let mut r = reply(StatusCode::OK, None, Body::empty(), true);
        r.headers_mut().extend(headers);
        return r;
    }
    // Stream `[`, one document per line, `]`, a chunk of documents at a time, so memory
    // stays flat however large the fleet.
    let shared = s.clone();
    let chunks = page.chunks(200).map(<[usize]>::to_vec).collect::<Vec<_>>();
    let n_chunks = chunks.len();
    let stream = futures::stream::iter(chunks.into_iter().enumerate()).map(move |(ci, chunk)| {
        let fleet = lock(&shared.fleet);
        let mut out = String::new();
        if ci == 0 {
            out.push_str("[\n");
        }
        for (j, i) in chunk.iter().enumerate() {
            if let Some(d) = fleet.devices.get(*i) {
                if ci > 0 || j > 0 {
                    out.push_str(",\n");
                }
                out.push_str(&d.document(projection.as_deref()).to_string());
            }
        }
        if ci + 1 == n_chunks {
            out.push_str("\n]");
        }
        Ok::<_, std::convert::Infallible>(Bytes::from(out))
    });
    let body = if n_chunks == 0 {
        Body::from("[\n]")
    } else {
        Body::from_stream(stream)
    };
    let mut r = reply(StatusCode::OK, None, body, true);
    r.headers_mut().extend(headers);
    r
}

use futures::StreamExt;

fn order(a: Option<&Value>, b: Option<&Value>) -> std::cmp::Ordering {
    use std::cmp::Ordering::*;
    match (a, b) {
        (None, None) => Equal,
        (None, _) => Less,
        (_, None) => Greater,
        (Some(Value::Number(x)), Some(Value::Number(y))) => {
            x.as_f64().partial_cmp(&y.as_f64()).unwrap_or(Equal)
        }
        (Some(x), Some(y)) => x.to_string().cmp(&y.to_string()),
    }
}

async fn device_item(
    State(s): State<Arc<Shared>>,
    method: Method,
    Path(id): Path<String>,
) -> Response {
    if method != Method::DELETE {
        return method_not_allowed("DELETE");
    }
    lock(&s.fleet).remove(&id);
    lock(&s.faults).retain(|_, f| f["device"] != id.as_str());
    text(StatusCode::OK, None, "")
}

async fn tag(
    State(s): State<Arc<Shared>>,
    method: Method,
    Path((id, tag)): Path<(String, String)>,
) -> Response {
    if tag.contains('.') || tag.is_empty() {
        return text(StatusCode::NOT_FOUND, None, "404 Not Found");
    }
    let mut fleet = lock(&s.fleet);
    let Some(dev) = fleet.get_mut(&id) else {
        return text(StatusCode::NOT_FOUND, None, "No such device");
    };
    match method {
        Method::POST => {
            if !dev.tags.contains(&tag) {
                dev.tags.push(tag);
            }
        }
        Method::DELETE => dev.tags.retain(|t| t != &tag),
        _ => return method_not_allowed("POST, DELETE"),
    }
    text(StatusCode::OK, None, "")
}

const TASKS: &[&str] = &[
    "getParameterValues",
    "setParameterValues",
    "refreshObject",
    "addObject",
    "deleteObject",
    "reboot",
    "factoryReset",
    "download",
    "provisions",
];

async fn tasks_post(
    State(s): State<Arc<Shared>>,
    method: Method,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    if method != Method::POST {
        return method_not_allowed("POST");
    }
    if let Some(r) = chaos_gate(&s).await {
        return r;
    }
    s.advance();
    let now = s.clock.now_ms();
    let connection_request = q.contains_key("connection_request");
    if body.is_empty() {
        if !connection_request {
            return text(StatusCode::BAD_REQUEST, None, "");
        }
        let fleet = lock(&s.fleet);
        return match fleet.index.get(&id).map(|i| &fleet.devices[*i]) {
            None => text(StatusCode::NOT_FOUND, None, "No such device"),
            Some(d) if d.is_up(now) => text(StatusCode::OK, None, ""),
            Some(_) => text(
                StatusCode::GATEWAY_TIMEOUT,
                Some("Device is offline"),
                "Device is offline",
            ),
        };
    }
    let mut task: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return text(StatusCode::BAD_REQUEST, None, &format!("SyntaxError: {e}")),
    };
    // Real GenieACS drops the connection on these (see the *-crash captures); the
    // sandbox answers 400 instead, a documented difference.
    let name = task["name"].as_str().unwrap_or_default().to_owned();
    if !TASKS.contains(&name.as_str()) {
        return text(StatusCode::BAD_REQUEST, None, "Invalid task name");
    }
    if name == "getParameterValues" && !task["parameterNames"].is_array() {
        return text(StatusCode::BAD_REQUEST, None, "Missing parameterNames");
    }
    let task_id = s.next_task_id();
    let files = lock(&s.files).clone();
    let mut fleet = lock(&s.fleet);
    let Some(dev) = fleet.get_mut(&id) else {
        return text(StatusCode::NOT_FOUND, None, "No such device");
    };
    if let Some(obj) = task.as_object_mut() {
        obj.insert("device".into(), json!(id));
        obj.insert("timestamp".into(), json!(iso(now)));
        obj.insert("_id".into(), json!(task_id));
    }
    if dev.in_session {
        return text(
            StatusCode::SERVICE_UNAVAILABLE,
            None,
            "Device is in session",
        );
    }
    if let Some(key) = task.get("uniqueKey").and_then(Value::as_str) {
        dev.queue
            .retain(|t| t.task.get("uniqueKey").and_then(Value::as_str) != Some(key));
    }
    let queued = QueuedTask {
        task: task.clone(),
        at_ms: now,
    };
    let json_task = task.to_string();
    if !connection_request {
        dev.queue.push(queued);
        return reply(StatusCode::ACCEPTED, Some("Accepted"), json_task, true);
    }
    if !dev.is_up(now) {
        dev.queue.push(queued);
        return reply(
            StatusCode::ACCEPTED,
            Some("Device is offline"),
            json_task,
            true,
        );
    }
    if q.get("timeout").map(String::as_str) == Some("0") {
        dev.queue.push(queued);
        dev.next_inform_ms = now + 1;
        return reply(
            StatusCode::ACCEPTED,
            Some("Task queued but not processed"),
            json_task,
            true,
        );
    }
    match execute(dev, &task, now, &files) {
        Ok(()) => {
            dev.last_inform_ms = now;
            reply(StatusCode::OK, None, json_task, true)
        }
        Err((code, message)) => {
            dev.queue.push(queued);
            drop(fleet);
            let f = fault(&id, &format!("task_{task_id}"), code, message, now);
            lock(&s.faults).insert(format!("{id}:task_{task_id}"), f);
            reply(StatusCode::ACCEPTED, Some("Task faulted"), json_task, true)
        }
    }
}

async fn tasks_list(
    State(s): State<Arc<Shared>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    s.advance();
    let query = match parse_json_param(&q, "query") {
        Ok(v) => v,
        Err(e) => return text(StatusCode::BAD_REQUEST, None, &e),
    };
    let fleet = lock(&s.fleet);
    let all: Vec<Value> = fleet
        .devices
        .iter()
        .flat_map(|d| d.queue.iter().map(|t| t.task.clone()))
        .filter(|t| {
            query
                .as_ref()
                .and_then(Value::as_object)
                .is_none_or(|q| q.iter().all(|(k, v)| &t[k] == v))
        })
        .collect();
    list_reply(all)
}

fn list_reply(items: Vec<Value>) -> Response {
    let total = items.len();
    let body = format!(
        "[\n{}\n]",
        items
            .iter()
            .map(Value::to_string)
            .collect::<Vec<_>>()
            .join(",\n")
    );
    let body = if total == 0 { "[\n]".to_owned() } else { body };
    let mut r = reply(StatusCode::OK, None, body, true);
    r.headers_mut().insert("total", HeaderValue::from(total));
    r
}

async fn task_delete(State(s): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    let mut fleet = lock(&s.fleet);
    let mut found = false;
    for d in &mut fleet.devices {
        let before = d.queue.len();
        d.queue.retain(|t| t.task["_id"] != id.as_str());
        found |= d.queue.len() != before;
    }
    drop(fleet);
    lock(&s.faults).retain(|k, _| !k.ends_with(&format!(":task_{id}")));
    if found {
        text(StatusCode::OK, None, "")
    } else {
        text(StatusCode::NOT_FOUND, None, "Task not found")
    }
}

async fn task_retry(
    State(s): State<Arc<Shared>>,
    Path((id, action)): Path<(String, String)>,
) -> Response {
    if action != "retry" {
        return text(StatusCode::NOT_FOUND, None, "");
    }
    let before = lock(&s.faults).len();
    lock(&s.faults).retain(|k, _| !k.ends_with(&format!(":task_{id}")));
    if lock(&s.faults).len() == before {
        return text(StatusCode::NOT_FOUND, None, "Task not found");
    }
    text(StatusCode::OK, None, "")
}

async fn faults_list(
    State(s): State<Arc<Shared>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    s.advance();
    let query = match parse_json_param(&q, "query") {
        Ok(v) => v,
        Err(e) => return text(StatusCode::BAD_REQUEST, None, &e),
    };
    let items: Vec<Value> = lock(&s.faults)
        .values()
        .filter(|f| {
            query
                .as_ref()
                .and_then(Value::as_object)
                .is_none_or(|q| q.iter().all(|(k, v)| &f[k] == v))
        })
        .cloned()
        .collect();
    list_reply(items)
}

async fn fault_item(
    State(s): State<Arc<Shared>>,
    method: Method,
    Path(id): Path<String>,
) -> Response {
    if method != Method::DELETE {
        return method_not_allowed("DELETE");
    }
    let removed = lock(&s.faults).remove(&id);
    if let Some((device, channel)) = id.split_once(':') {
        if let Some(task_id) = channel.strip_prefix("task_") {
            if let Some(d) = lock(&s.fleet).get_mut(device) {
                d.queue.retain(|t| t.task["_id"] != task_id);
            }
        }
    }
    let _ = removed;
    text(StatusCode::OK, None, "")
}

async fn files_list(State(s): State<Arc<Shared>>) -> Response {
    let items: Vec<Value> = lock(&s.files)
        .iter()
        .map(|(name, f)| {
            json!({"_id": name, "length": f.length, "chunkSize": 261_120, "uploadDate": iso(f.upload_ms),
                   "filename": name, "metadata": f.metadata})
        })
        .collect();
    list_reply(items)
}

async fn file_item(
    State(s): State<Arc<Shared>>,
    method: Method,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match method {
        Method::PUT => {
            let meta = |k: &str| {
                headers
                    .get(k)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            let mut metadata = serde_json::Map::new();
            for (header, key) in [
                ("fileType", "fileType"),
                ("oui", "oui"),
                ("productClass", "productClass"),
                ("version", "version"),
            ] {
                if let Some(v) = meta(header) {
                    metadata.insert(key.into(), json!(v));
                }
            }
            lock(&s.files).insert(
                name,
                StoredFile {
                    length: body.len() as u64,
                    metadata: Value::Object(metadata),
                    upload_ms: s.clock.now_ms(),
                    bad: false,
                },
            );
            text(StatusCode::CREATED, None, "")
        }
        Method::DELETE => {
            if lock(&s.files).remove(&name).is_some() {
                text(StatusCode::OK, None, "")
            } else {
                text(StatusCode::NOT_FOUND, None, "File not found")
            }
        }
        _ => method_not_allowed("PUT, DELETE"),
    }
}

fn collection(name: &str) -> Option<&'static str> {
    ["presets", "provisions", "virtual_parameters"]
        .into_iter()
        .find(|c| *c == name)
}

async fn coll_list(
    State(s): State<Arc<Shared>>,
    Path(coll): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(coll) = collection(&coll) else {
        return text(StatusCode::NOT_FOUND, None, "404 Not Found");
    };
    let query = match parse_json_param(&q, "query") {
        Ok(v) => v,
        Err(e) => return text(StatusCode::BAD_REQUEST, None, &e),
    };
    let items: Vec<Value> = lock(&s.collections)
        .get(coll)
        .map(|m| m.values().cloned().collect())
        .unwrap_or_default();
    let items = items
        .into_iter()
        .filter(|d| {
            query
                .as_ref()
                .and_then(Value::as_object)
                .is_none_or(|q| q.iter().all(|(k, v)| &d[k] == v))
        })
        .collect();
    list_reply(items)
}

/// A cheap syntax check for provision and virtual-parameter scripts: balanced brackets
/// and closed strings (GenieACS compiles them; the sandbox only catches the obvious).
fn script_error(script: &str) -> Option<String> {
    let mut stack = Vec::new();
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in script.chars() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' | '`' => quote = Some(c),
            '(' | '[' | '{' => stack.push(c),
            ')' | ']' | '}' => {
                let open = stack.pop();
                if open
                    != Some(match c {
                        ')' => '(',
                        ']' => '[',
                        _ => '{',
                    })
                {
                    return Some(format!("SyntaxError: Unexpected token '{c}'"));
                }
            }
            _ => {}
        }
    }
    (quote.is_some() || !stack.is_empty())
        .then(|| "SyntaxError: Unexpected end of input".to_owned())
}

async fn coll_item(
    State(s): State<Arc<Shared>>,
    method: Method,
    Path((coll, name)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let Some(coll) = collection(&coll) else {
        return text(StatusCode::NOT_FOUND, None, "404 Not Found");
    };
    match method {
        Method::PUT => {
            let doc = if coll == "presets" {
                match serde_json::from_slice::<Value>(&body) {
                    Ok(Value::Object(mut m)) => {
                        m.insert("_id".into(), json!(name));
                        Value::Object(m)
                    }
                    Ok(_) => {
                        return text(
                            StatusCode::BAD_REQUEST,
                            None,
                            "SyntaxError: a preset is a JSON object",
                        )
                    }
                    Err(e) => {
                        return text(StatusCode::BAD_REQUEST, None, &format!("SyntaxError: {e}"))
                    }
                }
            } else {
                let script = String::from_utf8_lossy(&body).into_owned();
                if let Some(e) = script_error(&script) {
                    return text(StatusCode::BAD_REQUEST, None, &e);
                }
                json!({"_id": name, "script": script})
            };
            lock(&s.collections)
                .entry(coll)
                .or_default()
                .insert(name, doc);
            text(StatusCode::OK, None, "")
        }
        Method::DELETE => {
            lock(&s.collections).entry(coll).or_default().remove(&name);
            text(StatusCode::OK, None, "")
        }
        _ => method_not_allowed("PUT, DELETE"),
    }
}

// ---- /_sandbox/: scenario control, never part of the NBI ----

async fn sb_advance(
    State(s): State<Arc<Shared>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let ms: i64 = q.get("ms").and_then(|v| v.parse().ok()).unwrap_or(0);
    s.clock.advance(ms);
    s.advance();
    reply(
        StatusCode::OK,
        None,
        json!({"now": iso(s.clock.now_ms())}).to_string(),
        true,
    )
}

async fn sb_presence(
    State(s): State<Arc<Shared>>,
    Path((id, state)): Path<(String, String)>,
) -> Response {
    s.advance();
    let now = s.clock.now_ms();
    let mut fleet = lock(&s.fleet);
    let Some(d) = fleet.get_mut(&id) else {
        return text(StatusCode::NOT_FOUND, None, "No such device");
    };
    match state.as_str() {
        "offline" => d.forced_offline = true,
        "busy" => d.in_session = true,
        "online" => {
            d.forced_offline = false;
            d.in_session = false;
            d.offline_until_ms = 0;
            d.next_inform_ms = now;
        }
        "ppp-fail" => d.set_ppp_failing(true),
        "ppp-ok" => d.set_ppp_failing(false),
        _ => {
            return text(
                StatusCode::NOT_FOUND,
                None,
                "use offline, online, ppp-fail or ppp-ok",
            )
        }
    }
    drop(fleet);
    s.advance();
    text(StatusCode::OK, None, "")
}

async fn sb_executed(State(s): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    s.advance();
    let fleet = lock(&s.fleet);
    let Some(d) = fleet.index.get(&id).map(|i| &fleet.devices[*i]) else {
        return text(StatusCode::NOT_FOUND, None, "No such device");
    };
    let log: Vec<Value> = d
        .executed
        .iter()
        .map(|(at, name, task)| json!({"at": iso(*at), "name": name, "task": task}))
        .collect();
    reply(StatusCode::OK, None, Value::Array(log).to_string(), true)
}

async fn sb_bad_file(State(s): State<Arc<Shared>>, Path(name): Path<String>) -> Response {
    match lock(&s.files).get_mut(&name) {
        Some(f) => {
            f.bad = true;
            text(StatusCode::OK, None, "")
        }
        None => text(StatusCode::NOT_FOUND, None, "File not found"),
    }
}

async fn sb_chaos(
    State(s): State<Arc<Shared>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut c = lock(&s.chaos);
    c.latency_ms = q
        .get("latency_ms")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    c.fail_requests = q
        .get("fail_requests")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    text(StatusCode::OK, None, "")
}

async fn not_found() -> Response {
    text(StatusCode::NOT_FOUND, None, "404 Not Found")
}

/// The router of the sandbox's NBI and scenario API.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/devices", any(devices))
        .route("/devices/{id}", any(device_item))
        .route("/devices/{id}/tags/{tag}", any(tag))
        .route("/devices/{id}/tasks", any(tasks_post))
        .route("/tasks", get(tasks_list))
        .route("/tasks/{id}", delete(task_delete))
        .route("/tasks/{id}/{action}", post(task_retry))
        .route("/faults", get(faults_list))
        .route("/faults/{id}", any(fault_item))
        .route("/files", get(files_list))
        .route("/files/{name}", any(file_item))
        .route("/_sandbox/clock/advance", post(sb_advance))
        .route("/_sandbox/devices/{id}/executed", get(sb_executed))
        .route("/_sandbox/devices/{id}/{state}", post(sb_presence))
        .route("/_sandbox/files/{name}/bad", post(sb_bad_file))
        .route("/_sandbox/chaos", post(sb_chaos))
        .route("/{coll}", get(coll_list))
        .route("/{coll}/{name}", any(coll_item))
        .fallback(not_found)
        .with_state(shared)
}
