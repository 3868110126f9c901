//! GenieACS's northbound API over the simulated fleet. Requests are routed the way
//! GenieACS 1.2's `nbi.ts` routes them — the same path patterns tried in the same order
//! on the raw path, so a `.` in a tag or a single-escaped `%2D` id falls through to the
//! same 404 — and answered with its status codes, reason phrases and bodies.

use super::list::{self, list_response, query_map, ListParams};
use super::{body_bytes, lock, method_not_allowed, reply, text, Shared, StoredFile};
use crate::document::render;
use acsdesk_time::iso;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use http_body_util::BodyExt;
use regex::Regex;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

const ID: &str = r"[a-zA-Z0-9\-_%]+";

struct Routes {
    presets: Regex,
    objects: Regex,
    provisions: Regex,
    virtual_parameters: Regex,
    tags: Regex,
    faults: Regex,
    device_tasks: Regex,
    tasks: Regex,
    files: Regex,
    ping: Regex,
    device: Regex,
    query: Regex,
}

fn routes() -> &'static Routes {
    static ROUTES: OnceLock<Routes> = OnceLock::new();
    ROUTES.get_or_init(|| {
        let re = |p: String| Regex::new(&p).unwrap_or_else(|_| Regex::new("^$").expect("empty"));
        Routes {
            presets: re(format!("^/presets/({ID})/?$")),
            objects: re(format!("^/objects/({ID})/?$")),
            provisions: re(format!("^/provisions/({ID})/?$")),
            virtual_parameters: re(format!("^/virtual_parameters/({ID})/?$")),
            tags: re(format!("^/devices/({ID})/tags/({ID})/?$")),
            faults: re(r"^/faults/([a-zA-Z0-9\-_%:]+)/?$".into()),
            device_tasks: re(format!("^/devices/({ID})/tasks/?$")),
            tasks: re(format!("^/tasks/({ID})(/[a-zA-Z_]*)?$")),
            files: re(r"^/files/([a-zA-Z0-9%!*'();:@&=+$,?#\[\]\-_.~]+)/?$".into()),
            ping: re(r"^/ping/([a-zA-Z0-9\-_.:]+)/?$".into()),
            device: re(format!("^/devices/({ID})/?$")),
            query: re(r"^/([a-zA-Z0-9_]+)/?$".into()),
        }
    })
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

fn group(re: &Regex, path: &str, i: usize) -> Option<String> {
    re.captures(path)
        .and_then(|c| c.get(i).map(|m| decode(m.as_str())))
}

/// Routes one NBI request.
pub(crate) async fn dispatch(State(s): State<Arc<Shared>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    if let Some((name, value)) = &s.guard {
        if parts.headers.get(name).map(|v| v.as_bytes()) != Some(value.as_bytes()) {
            return text(StatusCode::UNAUTHORIZED, None, "401 Unauthorized");
        }
    }
    let path = parts.uri.path().to_owned();
    let q = query_map(parts.uri.query());
    let method = parts.method;
    let r = routes();
    let config = [
        (&r.presets, "presets"),
        (&r.objects, "objects"),
        (&r.provisions, "provisions"),
        (&r.virtual_parameters, "virtualParameters"),
    ];
    for (re, coll) in config {
        if let Some(name) = group(re, &path, 1) {
            return config_item(&s, &method, coll, name, body).await;
        }
    }
    if let (Some(id), Some(tag)) = (group(&r.tags, &path, 1), group(&r.tags, &path, 2)) {
        return tag_item(&s, &method, &id, tag);
    }
    if let Some(id) = group(&r.faults, &path, 1) {
        return fault_item(&s, &method, &id);
    }
    if let Some(id) = group(&r.device_tasks, &path, 1) {
        if method != Method::POST {
            return method_not_allowed("POST");
        }
        return device_tasks(&s, &id, &q, body_bytes(body).await);
    }
    if let Some(id) = group(&r.tasks, &path, 1) {
        let action = group(&r.tasks, &path, 2).unwrap_or_default();
        return task_item(&s, &method, &id, &action);
    }
    if let Some(name) = group(&r.files, &path, 1) {
        return file_item(&s, &method, name, &parts.headers, body).await;
    }
    if let Some(host) = group(&r.ping, &path, 1) {
        return ping(&host);
    }
    if let Some(id) = group(&r.device, &path, 1) {
        if method != Method::DELETE {
            return method_not_allowed("DELETE");
        }
        lock(&s.fleet).remove(&id);
        lock(&s.faults).retain(|_, f| f["device"] != id.as_str());
        return text(StatusCode::OK, None, "");
    }
    if let Some(name) = group(&r.query, &path, 1) {
        if method != Method::GET && method != Method::HEAD {
            return method_not_allowed("GET, HEAD");
        }
        return collection(&s, &method, &camel(&name), &q);
    }
    text(StatusCode::NOT_FOUND, None, "404 Not Found")
}

/// `virtual_parameters` → `virtualParameters`, as the NBI names its collections.
fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut up = false;
    for c in name.chars() {
        if c == '_' {
            up = true;
        } else if up {
            out.extend(c.to_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn collection(
    s: &Arc<Shared>,
    method: &Method,
    name: &str,
    q: &HashMap<String, String>,
) -> Response {
    match name {
        "devices" => devices(s, method, q),
        "tasks" => {
            s.advance();
            let items = lock(&s.fleet)
                .devices
                .iter()
                .flat_map(|d| d.queue.iter().map(|t| t.task.clone()))
                .collect();
            list::documents(method, q, items)
        }
        "faults" => {
            s.advance();
            let items = lock(&s.faults).values().cloned().collect();
            list::documents(method, q, items)
        }
        "files" => {
            let items = lock(&s.files)
                .iter()
                .map(|(name, f)| {
                    json!({"_id": name, "length": f.length, "chunkSize": 261_120,
                           "uploadDate": iso(f.upload_ms), "filename": name, "metadata": f.metadata})
                })
                .collect();
            list::documents(method, q, items)
        }
        "presets" | "provisions" | "virtualParameters" | "objects" => {
            let key = config_key(name);
            let items = lock(&s.collections)
                .get(key)
                .map(|m| m.values().cloned().collect())
                .unwrap_or_default();
            list::documents(method, q, items)
        }
        "operations" => {
            s.advance();
            let items = lock(&s.fleet)
                .devices
                .iter()
                .filter_map(|d| {
                    let dl = d.pending_download.as_ref()?;
                    Some(json!({
                        "_id": format!("{}:{:x}", d.id, dl.started_ms),
                        "name": "Download",
                        "timestamp": iso(dl.started_ms),
                        "channels": json!({format!("task_{}", dl.task_id): 1}).to_string(),
                        "provisions": json!([["download", dl.file_type, dl.file, ""]]).to_string(),
                        "retries": "{}",
                        "args": json!({"instance": "1", "fileType": dl.file_type,
                                       "fileName": dl.file, "targetFileName": ""}).to_string(),
                    }))
                })
                .collect();
            list::documents(method, q, items)
        }
        // GenieACS's internal collections; the sandbox keeps nothing in them.
        "users" | "config" | "cache" | "permissions" => list::documents(method, q, Vec::new()),
        _ => text(StatusCode::NOT_FOUND, None, "404 Not Found"),
    }
}

fn config_key(name: &str) -> &'static str {
    match name {
        "presets" => "presets",
        "provisions" => "provisions",
        "virtualParameters" => "virtualParameters",
        _ => "objects",
    }
}

/// `GET|HEAD /devices`: the matching devices, sorted, paged, projected, streamed a chunk
/// of documents at a time so memory stays flat however large the fleet.
fn devices(s: &Arc<Shared>, method: &Method, q: &HashMap<String, String>) -> Response {
    s.advance();
    let params = match ListParams::parse(q) {
        Ok(p) => p,
        Err(e) => return text(StatusCode::BAD_REQUEST, None, &e),
    };
    let (page, total, generation) = {
        let fleet = lock(&s.fleet);
        match params.select(&fleet.devices) {
            Ok((page, total)) => (page, total, fleet.generation),
            Err(e) => return text(StatusCode::BAD_REQUEST, None, &e),
        }
    };
    if method == Method::HEAD {
        return list_response(method, total, Body::empty());
    }
    let cursor = Cursor {
        shared: s.clone(),
        params,
        generation,
        page,
        pos: 0,
        wrote_any: false,
        state: Stage::Start,
    };
    let stream = futures::stream::unfold(cursor, |mut c| async move {
        let chunk = c.next_chunk()?;
        Some((Ok::<_, std::convert::Infallible>(Bytes::from(chunk)), c))
    });
    list_response(method, total, Body::from_stream(stream))
}

#[derive(Debug, PartialEq, Eq)]
enum Stage {
    Start,
    Documents,
    Done,
}

/// Where a `GET /devices` answer is: the matching devices by position, rendered and
/// sent 200 at a time, so memory stays flat however large the fleet. When the fleet
/// changes under it (a device deleted), it carries on from the same place in a fresh
/// selection, as a database cursor would.
struct Cursor {
    shared: Arc<Shared>,
    params: ListParams,
    generation: u64,
    page: Vec<usize>,
    pos: usize,
    wrote_any: bool,
    state: Stage,
}

impl Cursor {
    fn next_chunk(&mut self) -> Option<String> {
        if self.state == Stage::Done {
            return None;
        }
        let mut out = String::new();
        if self.state == Stage::Start {
            out.push_str("[\n");
            self.state = Stage::Documents;
        }
        let fleet = lock(&self.shared.fleet);
        if fleet.generation != self.generation {
            if let Ok((page, _)) = self.params.select(&fleet.devices) {
                self.page = page;
            }
            self.generation = fleet.generation;
        }
        let end = (self.pos + 200).min(self.page.len());
        for &i in self.page.get(self.pos..end).unwrap_or_default() {
            if let Some(d) = fleet.devices.get(i) {
                if self.wrote_any {
                    out.push_str(",\n");
                }
                self.wrote_any = true;
                out.push_str(&render(d, self.params.projection.as_deref()).to_string());
            }
        }
        self.pos = end;
        if self.pos >= self.page.len() {
            out.push_str("\n]");
            self.state = Stage::Done;
        }
        Some(out)
    }
}

fn tag_item(s: &Shared, method: &Method, id: &str, tag: String) -> Response {
    let mut fleet = lock(&s.fleet);
    let Some(dev) = fleet.get_mut(id) else {
        return match *method {
            Method::POST | Method::DELETE => text(StatusCode::NOT_FOUND, None, "No such device"),
            _ => method_not_allowed("POST, DELETE"),
        };
    };
    match *method {
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

fn fault_item(s: &Shared, method: &Method, id: &str) -> Response {
    if *method != Method::DELETE {
        return method_not_allowed("DELETE");
    }
    lock(&s.faults).remove(id);
    if let Some((device, channel)) = id.split_once(':') {
        if let Some(task_id) = channel.strip_prefix("task_") {
            if let Some(d) = lock(&s.fleet).get_mut(device) {
                d.queue.retain(|t| t.task["_id"] != task_id);
            }
        }
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

/// Why GenieACS would refuse (in truth: crash on) a task, or `None`.
fn invalid_task(task: &Value) -> Option<String> {
    let name = task["name"].as_str().unwrap_or_default();
    if !TASKS.contains(&name) {
        return Some("Invalid task name".into());
    }
    let missing = |field: &str| format!("Missing {field}");
    match name {
        "getParameterValues" if !task["parameterNames"].is_array() => {
            Some(missing("parameterNames"))
        }
        "setParameterValues" if !task["parameterValues"].is_array() => {
            Some(missing("parameterValues"))
        }
        "refreshObject" | "addObject" | "deleteObject" if !task["objectName"].is_string() => {
            Some(missing("objectName"))
        }
        "download" if !task["file"].is_string() && !task["fileName"].is_string() => {
            Some(missing("file"))
        }
        "provisions" if !task["provisions"].is_array() => Some(missing("provisions")),
        _ => None,
    }
}

fn device_tasks(s: &Shared, id: &str, q: &HashMap<String, String>, body: Bytes) -> Response {
    s.advance();
    let now = s.clock.now_ms();
    let connection_request = q.contains_key("connection_request");
    let rate = lock(&s.chaos).download_failure_rate;
    let files = lock(&s.files).clone();
    let file_of = |name: &str| {
        files
            .get(name)
            .map(|f| (f.metadata["version"].as_str().map(str::to_owned), f.bad))
    };
    if body.is_empty() {
        if !connection_request {
            return text(StatusCode::BAD_REQUEST, None, "");
        }
        let mut fleet = lock(&s.fleet);
        let Some(dev) = fleet.get_mut(id) else {
            return text(StatusCode::NOT_FOUND, None, "No such device");
        };
        if !dev.is_up(now) {
            return text(
                StatusCode::GATEWAY_TIMEOUT,
                Some("Device is offline"),
                "Device is offline",
            );
        }
        // The connection request starts a session: whatever is queued runs.
        s.summoned_session(dev, now, &mut lock(&s.faults), &file_of, rate);
        return text(StatusCode::OK, None, "");
    }
    let mut task: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return text(StatusCode::BAD_REQUEST, None, &format!("SyntaxError: {e}")),
    };
    let mut fleet = lock(&s.fleet);
    let Some(dev) = fleet.get_mut(id) else {
        return text(StatusCode::NOT_FOUND, None, "No such device");
    };
    // Real GenieACS drops the connection on these (the *-crash captures); the sandbox
    // answers 400 with the reason instead, a documented difference.
    if let Some(why) = invalid_task(&task) {
        return text(StatusCode::BAD_REQUEST, None, &why);
    }
    let task_id = s.next_task_id();
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
    let mut faults = lock(&s.faults);
    if let Some(key) = task.get("uniqueKey").and_then(Value::as_str) {
        dev.queue.retain(|t| {
            let same = t.task.get("uniqueKey").and_then(Value::as_str) == Some(key);
            if same {
                let old = t.task["_id"].as_str().unwrap_or_default();
                faults.remove(&format!("{id}:task_{old}"));
            }
            !same
        });
    }
    dev.queue.push(crate::device::QueuedTask {
        task: task.clone(),
        at_ms: now,
    });
    let json_task = task.to_string();
    if !connection_request {
        return reply(StatusCode::ACCEPTED, Some("Accepted"), json_task, true);
    }
    if !dev.is_up(now) {
        return reply(
            StatusCode::ACCEPTED,
            Some("Device is offline"),
            json_task,
            true,
        );
    }
    if q.get("timeout").map(String::as_str) == Some("0") {
        // The NBI does not wait for the session; it starts a moment later.
        dev.next_inform_ms = dev.next_inform_ms.min(now + 1);
        dev.summoned = true;
        return reply(
            StatusCode::ACCEPTED,
            Some("Task queued but not processed"),
            json_task,
            true,
        );
    }
    s.summoned_session(dev, now, &mut faults, &file_of, rate);
    if faults.contains_key(&format!("{id}:task_{task_id}")) {
        reply(StatusCode::ACCEPTED, Some("Task faulted"), json_task, true)
    } else if dev.queue.iter().any(|t| t.task["_id"] == task_id.as_str()) {
        reply(
            StatusCode::ACCEPTED,
            Some("Task queued but not processed"),
            json_task,
            true,
        )
    } else {
        reply(StatusCode::OK, None, json_task, true)
    }
}

fn task_item(s: &Shared, method: &Method, id: &str, action: &str) -> Response {
    let find = |fleet: &super::Fleet| {
        fleet
            .devices
            .iter()
            .find(|d| d.queue.iter().any(|t| t.task["_id"] == id))
            .map(|d| d.id.clone())
    };
    match action {
        "" | "/" => {
            if *method != Method::DELETE {
                return method_not_allowed("PUT DELETE");
            }
            let mut fleet = lock(&s.fleet);
            let Some(device) = find(&fleet) else {
                return text(StatusCode::NOT_FOUND, None, "Task not found");
            };
            if let Some(d) = fleet.get_mut(&device) {
                d.queue.retain(|t| t.task["_id"] != id);
            }
            drop(fleet);
            lock(&s.faults).remove(&format!("{device}:task_{id}"));
            text(StatusCode::OK, None, "")
        }
        "/retry" => {
            if *method != Method::POST {
                return method_not_allowed("POST");
            }
            let fleet = lock(&s.fleet);
            let Some(device) = find(&fleet) else {
                // GenieACS's NBI crashes here; the sandbox answers (documented).
                return text(StatusCode::NOT_FOUND, None, "Task not found");
            };
            drop(fleet);
            lock(&s.faults).remove(&format!("{device}:task_{id}"));
            text(StatusCode::OK, None, "")
        }
        _ => text(StatusCode::NOT_FOUND, None, ""),
    }
}

async fn file_item(
    s: &Shared,
    method: &Method,
    name: String,
    headers: &HeaderMap,
    body: Body,
) -> Response {
    match *method {
        Method::PUT => {
            let meta = |k: &str| {
                headers
                    .get(k)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            let mut metadata = serde_json::Map::new();
            for key in ["fileType", "oui", "productClass", "version"] {
                if let Some(v) = meta(key) {
                    metadata.insert(key.into(), json!(v));
                }
            }
            // Count the bytes as they arrive; firmware images are not kept.
            let mut length = 0_u64;
            let mut body = body;
            while let Some(frame) = body.frame().await {
                match frame {
                    Ok(f) => length += f.data_ref().map_or(0, |d| d.len() as u64),
                    Err(_) => return text(StatusCode::BAD_REQUEST, None, "Error: upload aborted"),
                }
            }
            lock(&s.files).insert(
                name,
                StoredFile {
                    length,
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
                text(StatusCode::NOT_FOUND, None, "404 Not Found")
            }
        }
        _ => method_not_allowed("PUT, DELETE"),
    }
}

async fn config_item(
    s: &Shared,
    method: &Method,
    coll: &'static str,
    name: String,
    body: Body,
) -> Response {
    match *method {
        Method::PUT => {
            let body = body_bytes(body).await;
            let doc = if matches!(coll, "presets" | "objects") {
                match serde_json::from_slice::<Value>(&body) {
                    Ok(Value::Object(mut m)) => {
                        m.insert("_id".into(), json!(name));
                        Value::Object(m)
                    }
                    Ok(other) => json!({"_id": name, "value": other}),
                    Err(e) => {
                        return text(StatusCode::BAD_REQUEST, None, &format!("SyntaxError: {e}"))
                    }
                }
            } else {
                let script = String::from_utf8_lossy(&body).into_owned();
                if let Some(e) = crate::provisioning::syntax_error(&script) {
                    return text(StatusCode::BAD_REQUEST, None, &e);
                }
                json!({"_id": name, "script": script})
            };
            lock(&s.collections)
                .entry(coll)
                .or_default()
                .insert(name, doc);
            *lock(&s.catalog) = None;
            text(StatusCode::OK, None, "")
        }
        Method::DELETE => {
            lock(&s.collections).entry(coll).or_default().remove(&name);
            *lock(&s.catalog) = None;
            text(StatusCode::OK, None, "")
        }
        _ => method_not_allowed("PUT, DELETE"),
    }
}

/// `GET /ping/<host>`: GenieACS runs `ping`; the sandbox answers as if every host
/// answered.
fn ping(host: &str) -> Response {
    let out = format!(
        "PING {host} ({host}) 56(84) bytes of data.\n64 bytes from {host}: icmp_seq=1 ttl=64 time=0.045 ms\n\n--- {host} ping statistics ---\n1 packets transmitted, 1 received, 0% packet loss, time 0ms\nrtt min/avg/max/mdev = 0.045/0.045/0.045/0.000 ms\n"
    );
    let mut r = reply(StatusCode::OK, None, out, false);
    r.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("text/plain"),
    );
    r.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-cache"),
    );
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_are_compiled_when_stored() {
        use crate::provisioning::syntax_error;
        assert_eq!(syntax_error("declare('a', {value: 1}); // ok ) ]"), None);
        assert_eq!(syntax_error("/* ( */ let x = \"}\";"), None);
        for broken in [
            "declare(\"x\", {value: 1}",
            "let s = 'open",
            "/* never closed",
            "a)",
            "let let = 1;",
        ] {
            let e = syntax_error(broken).unwrap_or_else(|| panic!("{broken} compiled"));
            assert!(e.starts_with("SyntaxError: "), "{broken}: {e}");
        }
    }

    #[test]
    fn collection_names_become_camel_case() {
        assert_eq!(camel("virtual_parameters"), "virtualParameters");
        assert_eq!(camel("devices"), "devices");
    }
}
