//! The HTTP side: the state the server holds, the serve loop (hyper, so that injected
//! trouble can drop a connection without an answer the way GenieACS's NBI does when it
//! crashes), GenieACS's NBI (`nbi`), list answers (`list`) and the sandbox-only
//! `/_sandbox/` scenario API (`scenario`).

mod list;
mod nbi;
mod scenario;

use crate::clock::VirtualClock;
use crate::device::{CwmpFault, SimDevice};
use crate::provisioning::{Catalog, Sessions};
use acsdesk_time::iso;
use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use bytes::Bytes;
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tower::ServiceExt;

/// What the server says it is, on every answer (GenieACS's header).
pub(crate) const VERSION: &str = "1.2.16+sandbox";

/// A file stored in the sandbox (metadata and size; the bytes are counted, not kept).
#[derive(Debug, Clone)]
pub(crate) struct StoredFile {
    pub(crate) length: u64,
    pub(crate) metadata: Value,
    pub(crate) upload_ms: i64,
    pub(crate) bad: bool,
}

/// Injected trouble for tests and demos.
#[derive(Debug, Clone)]
pub(crate) struct Chaos {
    pub(crate) latency_ms: u64,
    pub(crate) fail_requests: u64,
    pub(crate) fail_status: u16,
    pub(crate) drop_requests: u64,
    /// Requests carried out whose answer is then lost (the connection drops).
    pub(crate) drop_answers: u64,
    /// Task creations that hang before they are carried out (never carried out).
    pub(crate) stall_tasks: u64,
    /// Task creations carried out whose answer then never comes.
    pub(crate) stall_task_answers: u64,
    pub(crate) download_failure_rate: f64,
}

impl Default for Chaos {
    fn default() -> Self {
        Self {
            latency_ms: 0,
            fail_requests: 0,
            fail_status: 500,
            drop_requests: 0,
            drop_answers: 0,
            stall_tasks: 0,
            stall_task_answers: 0,
            download_failure_rate: 0.0,
        }
    }
}

/// Everything the server holds.
#[derive(Debug)]
pub(crate) struct Shared {
    /// The header (and its exact value) a reverse proxy before the NBI requires.
    pub(crate) guard: Option<(axum::http::HeaderName, String)>,
    pub(crate) clock: Arc<VirtualClock>,
    pub(crate) fleet: Mutex<Fleet>,
    pub(crate) faults: Mutex<BTreeMap<String, Value>>,
    pub(crate) files: Mutex<BTreeMap<String, StoredFile>>,
    /// presets, provisions, virtualParameters, objects: name → document.
    pub(crate) collections: Mutex<HashMap<&'static str, BTreeMap<String, Value>>>,
    /// The presets and provisions as sessions run them, read again after a change.
    pub(crate) catalog: Mutex<Option<Arc<Catalog>>>,
    pub(crate) chaos: Mutex<Chaos>,
    pub(crate) task_counter: AtomicU64,
    /// CWMP sessions run so far (informs and summoned sessions).
    pub(crate) sessions: AtomicU64,
}

/// The devices, sorted by id, advanced lazily to the clock on each request.
#[derive(Debug)]
pub(crate) struct Fleet {
    pub(crate) devices: Vec<SimDevice>,
    pub(crate) index: HashMap<String, usize>,
    /// Moves whenever devices are added or removed (positions change).
    pub(crate) generation: u64,
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Fleet {
    pub(crate) fn new(mut devices: Vec<SimDevice>) -> Self {
        devices.sort_by(|a, b| a.id.cmp(&b.id));
        devices.dedup_by(|a, b| a.id == b.id);
        let mut fleet = Self {
            devices,
            index: HashMap::new(),
            generation: 0,
        };
        fleet.reindex();
        fleet
    }

    fn reindex(&mut self) {
        self.generation += 1;
        self.index = self
            .devices
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.clone(), i))
            .collect();
    }

    pub(crate) fn get(&self, id: &str) -> Option<&SimDevice> {
        self.devices.get(*self.index.get(id)?)
    }

    pub(crate) fn get_mut(&mut self, id: &str) -> Option<&mut SimDevice> {
        let i = *self.index.get(id)?;
        self.devices.get_mut(i)
    }

    pub(crate) fn remove(&mut self, id: &str) -> bool {
        let Some(i) = self.index.get(id).copied() else {
            return false;
        };
        self.devices.remove(i);
        self.reindex();
        true
    }

    /// Adds or replaces devices, keeping the order by id.
    pub(crate) fn insert(&mut self, devices: Vec<SimDevice>) {
        for d in devices {
            match self.index.get(&d.id) {
                Some(i) => self.devices[*i] = d,
                None => self.devices.push(d),
            }
        }
        self.devices.sort_by(|a, b| a.id.cmp(&b.id));
        self.reindex();
    }
}

/// A fault document in GenieACS's shape.
pub(crate) fn fault_doc(
    device: &str,
    channel: &str,
    fault: &CwmpFault,
    at: i64,
    provisions: &str,
) -> Value {
    json!({
        "_id": format!("{device}:{channel}"),
        "device": device,
        "channel": channel,
        "timestamp": iso(at),
        "code": fault.code,
        "message": fault.message,
        "detail": {
            "faultCode": fault.code.trim_start_matches("cwmp."),
            "faultString": fault.message,
            "setParameterValuesFault": null
        },
        "retries": 0,
        "provisions": provisions
    })
}

/// The `provisions` text GenieACS stores with a task's fault.
pub(crate) fn task_provisions(task: &Value) -> String {
    let name = task["name"].as_str().unwrap_or_default();
    let p = match name {
        "reboot" => json!([["reboot"]]),
        "factoryReset" => json!([["reset"]]),
        "download" => json!([[
            "download",
            task["fileType"]
                .as_str()
                .unwrap_or("1 Firmware Upgrade Image"),
            task["file"]
                .as_str()
                .or_else(|| task["fileName"].as_str())
                .unwrap_or_default(),
            ""
        ]]),
        "setParameterValues" => {
            let values: Vec<Value> = task["parameterValues"]
                .as_array()
                .map(|v| v.iter().map(|p| json!(["value", p[0], p[1]])).collect())
                .unwrap_or_default();
            Value::Array(values)
        }
        "getParameterValues" => {
            let names: Vec<Value> = task["parameterNames"]
                .as_array()
                .map(|v| v.iter().map(|p| json!(["refresh", p])).collect())
                .unwrap_or_default();
            Value::Array(names)
        }
        "refreshObject" => json!([["refresh", task["objectName"]]]),
        "addObject" => json!([[
            "instances",
            format!("{}.*", task["objectName"].as_str().unwrap_or_default()),
            "+1"
        ]]),
        "deleteObject" => json!([["instances", task["objectName"], 0]]),
        _ => task.get("provisions").cloned().unwrap_or(json!([])),
    };
    p.to_string()
}

impl Shared {
    /// Advances every device to the clock: informs, the queued tasks each session runs,
    /// downloads ending, expired tasks leaving.
    pub(crate) fn advance(&self) {
        let now = self.clock.now_ms();
        let rate = lock(&self.chaos).download_failure_rate;
        let files = lock(&self.files).clone();
        let file_of = |name: &str| {
            files
                .get(name)
                .map(|f| (f.metadata["version"].as_str().map(str::to_owned), f.bad))
        };
        let mut engine = Sessions::new(|| self.catalog());
        let mut fleet = lock(&self.fleet);
        let mut faults = lock(&self.faults);
        for dev in &mut fleet.devices {
            let informed = dev.step(now);
            for (task_id, fault, at, provisions) in informed.failed_downloads {
                let f = fault_doc(&dev.id, &format!("task_{task_id}"), &fault, at, &provisions);
                faults.insert(format!("{}:task_{task_id}", dev.id), f);
            }
            self.sessions
                .fetch_add(informed.sessions.len() as u64, Ordering::Relaxed);
            for (at, events) in informed.sessions {
                run_queue(dev, at, &mut faults, &file_of, rate);
                engine.session(dev, at, &events, &mut faults);
            }
            // GenieACS drops tasks past their expiry.
            dev.queue.retain(|q| {
                q.task
                    .get("expiry")
                    .and_then(Value::as_i64)
                    .is_none_or(|e| now <= q.at_ms + e * 1000)
            });
        }
    }

    /// The presets and provisions sessions run now.
    pub(crate) fn catalog(&self) -> Arc<Catalog> {
        let mut cached = lock(&self.catalog);
        if let Some(c) = cached.as_ref() {
            return c.clone();
        }
        let built = {
            let collections = lock(&self.collections);
            let empty = BTreeMap::new();
            Arc::new(Catalog::build(
                collections.get("presets").unwrap_or(&empty),
                collections.get("provisions").unwrap_or(&empty),
            ))
        };
        *cached = Some(built.clone());
        built
    }

    /// A session summoned by a connection request at `now`: the queued tasks, then the
    /// presets for `6 CONNECTION REQUEST`.
    pub(crate) fn summoned_session(
        &self,
        dev: &mut SimDevice,
        now: i64,
        faults: &mut BTreeMap<String, Value>,
        files: &crate::device::Files<'_>,
        download_failure_rate: f64,
    ) {
        dev.last_inform_ms = now;
        dev.informed_boot_ms = dev.boot_ms;
        self.sessions.fetch_add(1, Ordering::Relaxed);
        run_queue(dev, now, faults, files, download_failure_rate);
        Sessions::new(|| self.catalog()).session(dev, now, &["6 CONNECTION REQUEST"], faults);
    }

    pub(crate) fn next_task_id(&self) -> String {
        let n = self.task_counter.fetch_add(1, Ordering::SeqCst);
        format!("6b{:022x}", n)
    }
}

/// A session at `at`: every queued task without a pending fault runs; a fault is
/// recorded against its task, which stays until retried or its fault is deleted.
pub(crate) fn run_queue(
    dev: &mut SimDevice,
    at: i64,
    faults: &mut BTreeMap<String, Value>,
    files: &crate::device::Files<'_>,
    download_failure_rate: f64,
) {
    let queue = std::mem::take(&mut dev.queue);
    for q in queue {
        let id = q.task["_id"].as_str().unwrap_or_default().to_owned();
        let key = format!("{}:task_{id}", dev.id);
        if faults.contains_key(&key) {
            dev.queue.push(q);
            continue;
        }
        if let Err(fault) = dev.execute(&q.task, at, files, download_failure_rate) {
            let f = fault_doc(
                &dev.id,
                &format!("task_{id}"),
                &fault,
                at,
                &task_provisions(&q.task),
            );
            faults.insert(key, f);
            dev.queue.push(q);
        }
    }
}

/// A response with GenieACS's headers and, optionally, a reason phrase of its own.
pub(crate) fn reply(
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

/// A plain-text answer (GenieACS sends these without a content type).
pub(crate) fn text(status: StatusCode, reason: Option<&'static str>, body: &str) -> Response {
    reply(status, reason, body.to_owned(), false)
}

pub(crate) fn method_not_allowed(allow: &'static str) -> Response {
    let mut r = text(
        StatusCode::METHOD_NOT_ALLOWED,
        None,
        "405 Method Not Allowed",
    );
    r.headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    r
}

/// The router: the scenario API, and GenieACS's NBI for everything else.
pub(crate) fn router(shared: Arc<Shared>) -> axum::Router {
    scenario::routes()
        .fallback(nbi::dispatch)
        .with_state(shared)
}

/// Why a connection is closed without an answer (injected: the NBI "crashed").
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped on purpose (chaos)")
    }
}

impl std::error::Error for Dropped {}

/// Serves until `stop` resolves: each connection with HTTP/1.1, injected latency,
/// failures and dropped connections applied to the NBI (never to `/_sandbox/`).
pub(crate) async fn serve(
    listener: tokio::net::TcpListener,
    shared: Arc<Shared>,
    mut stop: tokio::sync::oneshot::Receiver<()>,
) {
    let app = router(shared.clone());
    let mut connections = tokio::task::JoinSet::new();
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = &mut stop => break,
        };
        let Ok((stream, _)) = accepted else { continue };
        let (app, shared) = (app.clone(), shared.clone());
        connections.spawn(async move {
            let service =
                hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                    let (app, shared) = (app.clone(), shared.clone());
                    async move {
                        let path = req.uri().path();
                        if path != "/_sandbox" && !path.starts_with("/_sandbox/") {
                            let chaos = lock(&shared.chaos).clone();
                            if chaos.latency_ms > 0 {
                                tokio::time::sleep(std::time::Duration::from_millis(
                                    chaos.latency_ms,
                                ))
                                .await;
                            }
                            if chaos.drop_requests > 0 {
                                lock(&shared.chaos).drop_requests -= 1;
                                return Err(Dropped);
                            }
                            if chaos.fail_requests > 0 {
                                lock(&shared.chaos).fail_requests -= 1;
                                let status = StatusCode::from_u16(chaos.fail_status)
                                    .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                                return Ok(text(status, None, "Error: injected failure"));
                            }
                        }
                        let nbi = path != "/_sandbox" && !path.starts_with("/_sandbox/");
                        let task = req.method() == hyper::Method::POST
                            && path.starts_with("/devices/")
                            && path.ends_with("/tasks");
                        // A client whose process dies mid-send: the request hangs.
                        if task && take(&shared, |c| &mut c.stall_tasks) {
                            std::future::pending::<()>().await;
                        }
                        let resp = app
                            .oneshot(req.map(Body::new))
                            .await
                            .unwrap_or_else(|e: Infallible| match e {});
                        // Done, but the answer never arrives: the client cannot tell
                        // whether GenieACS acted.
                        if nbi && take(&shared, |c| &mut c.drop_answers) {
                            return Err(Dropped);
                        }
                        if task && take(&shared, |c| &mut c.stall_task_answers) {
                            std::future::pending::<()>().await;
                        }
                        Ok::<_, Dropped>(resp)
                    }
                });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
        // Reap finished connections so the set does not grow.
        while connections.try_join_next().is_some() {}
    }
    connections.abort_all();
}

/// Takes one from a chaos counter: whether it was above zero.
fn take(shared: &Shared, counter: impl FnOnce(&mut Chaos) -> &mut u64) -> bool {
    let mut chaos = lock(&shared.chaos);
    let n = counter(&mut chaos);
    if *n == 0 {
        return false;
    }
    *n -= 1;
    true
}

/// Reads a whole request body (configuration documents, task bodies).
pub(crate) async fn body_bytes(body: Body) -> Bytes {
    axum::body::to_bytes(body, 16 * 1024 * 1024)
        .await
        .unwrap_or_default()
}
