//! The sandbox-only scenario API under `/_sandbox/` (never part of GenieACS): move the
//! virtual clock, take devices offline or hold them in a session, break PPP, make a
//! device fault a CWMP method, mark firmware bad, inject latency, errors and dropped
//! connections, import real GenieACS documents, and read what each device executed.

use super::{lock, reply, text, Shared};
use crate::device::SimDevice;
use crate::model::Model;
use acsdesk_time::iso;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// What `GET /_sandbox` answers: the scenario API in one page.
pub(crate) const HELP: &str = "\
AcsDesk sandbox scenario API (not part of GenieACS):
  GET  /_sandbox/clock                          the virtual time
  POST /_sandbox/clock/advance?ms=N             move the virtual clock forward
  POST /_sandbox/devices/<id>/offline|online    unplug or plug in a router
  POST /_sandbox/devices/<id>/busy              hold it in a CWMP session (new tasks get 503); online frees it
  POST /_sandbox/devices/<id>/steady            no spontaneous outage or reboot from now on
  POST /_sandbox/devices/<id>/ppp-fail|ppp-ok   break or mend PPP authentication
  POST /_sandbox/devices/<id>/ppp-reject|ppp-accept?username=U
                                                the access server refuses (accepts) that PPPoE user
  POST /_sandbox/devices/<id>/fibre-weak|fibre-ok
                                                9 dB less light on a fibre router (or mended)
  POST /_sandbox/devices/new?vendor=V&serial=S   a factory-fresh router's first contact (0 BOOTSTRAP);
                                                V: mikrotik, mikrotik-lte, tp-link, huawei, zte
  POST /_sandbox/devices/<id>/reboot            a spontaneous reboot (its next session: 1 BOOT)
  POST /_sandbox/devices/<id>/unfetched         GenieACS forgets what it read: values only from informs
  POST /_sandbox/devices/<id>/unsupported?task=NAME   answer that CWMP method with fault 9000
  POST /_sandbox/devices/<id>/supported?task=NAME     undo it
  GET  /_sandbox/devices/<id>/executed          the tasks and preset provisions it ran, with times
  POST /_sandbox/files/<name>/bad|good          firmware that fails (cwmp.9010) or installs
  POST /_sandbox/chaos?latency_ms=&fail_requests=&fail_status=&drop_requests=&drop_answers=&download_failure_rate=&stall_tasks=&stall_task_answers=
                                                (drop_answers: carried out, then the connection drops;
                                                stall_tasks: task creations hang, never carried out;
                                                stall_task_answers: carried out, the answer never comes)
  POST /_sandbox/import                         a JSON array of GenieACS device documents
";

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route(
            "/_sandbox",
            get(|| async { text(StatusCode::OK, None, HELP) }),
        )
        .route("/_sandbox/clock", get(clock))
        .route("/_sandbox/clock/advance", post(advance))
        .route("/_sandbox/devices/new", post(new_device))
        .route("/_sandbox/devices/{id}/executed", get(executed))
        .route("/_sandbox/devices/{id}/{state}", post(device_state))
        .route("/_sandbox/files/{name}/{state}", post(file_state))
        .route("/_sandbox/chaos", post(chaos))
        .route("/_sandbox/import", post(import))
}

fn now_json(s: &Shared) -> Response {
    reply(
        StatusCode::OK,
        None,
        json!({"now": iso(s.clock.now_ms()), "now_ms": s.clock.now_ms()}).to_string(),
        true,
    )
}

async fn clock(State(s): State<Arc<Shared>>) -> Response {
    now_json(&s)
}

async fn advance(
    State(s): State<Arc<Shared>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(ms) = q
        .get("ms")
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|m| *m >= 0)
    else {
        return text(
            StatusCode::BAD_REQUEST,
            None,
            "give ms=N (milliseconds, N >= 0)",
        );
    };
    s.clock.advance(ms);
    s.advance();
    now_json(&s)
}

async fn device_state(
    State(s): State<Arc<Shared>>,
    Path((id, state)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    s.advance();
    let now = s.clock.now_ms();
    let mut fleet = lock(&s.fleet);
    let Some(d) = fleet.get_mut(&id) else {
        return text(StatusCode::NOT_FOUND, None, "No such device");
    };
    match state.as_str() {
        // Unplugged: a firmware transfer under way fails.
        "offline" => {
            d.forced_offline = true;
            d.interrupt_download(now);
        }
        "busy" => d.in_session = true,
        "steady" => d.steady = true,
        "online" => {
            d.forced_offline = false;
            d.in_session = false;
            d.offline_until_ms = 0;
            d.next_inform_ms = now;
        }
        "ppp-fail" => d.set_ppp_failing(true, now),
        "ppp-ok" => d.set_ppp_failing(false, now),
        "ppp-reject" | "ppp-accept" => {
            let Some(user) = q.get("username").filter(|u| !u.is_empty()) else {
                return text(StatusCode::BAD_REQUEST, None, "give username=U");
            };
            d.set_ppp_rejected(user, state == "ppp-reject");
        }
        "reboot" => d.reboot(now),
        // A bent fibre or a dirty connector: 9 dB less light, until mended.
        "fibre-weak" => d.fibre_db = -9.0,
        "fibre-ok" => d.fibre_db = 0.0,
        // GenieACS forgets the values it read: the router is as if it had only informed.
        "unfetched" => d.forget_values(),
        "unsupported" | "supported" => {
            let Some(task) = q.get("task").filter(|t| !t.is_empty()) else {
                return text(
                    StatusCode::BAD_REQUEST,
                    None,
                    "give task=NAME (e.g. reboot)",
                );
            };
            d.unsupported.retain(|t| t != task);
            if state == "unsupported" {
                d.unsupported.push(task.clone());
            }
        }
        _ => {
            return text(
                StatusCode::NOT_FOUND,
                None,
                "use offline, online, busy, steady, ppp-fail, ppp-ok, ppp-reject, ppp-accept, fibre-weak, fibre-ok, reboot, unfetched, unsupported or supported",
            )
        }
    }
    drop(fleet);
    s.advance();
    text(StatusCode::OK, None, "")
}

async fn executed(State(s): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    s.advance();
    let fleet = lock(&s.fleet);
    let Some(d) = fleet.get(&id) else {
        return text(StatusCode::NOT_FOUND, None, "No such device");
    };
    let mut log: Vec<(String, Value)> = d
        .executed
        .iter()
        .map(|(at, name, task)| {
            (
                iso(*at),
                json!({"at": iso(*at), "name": name, "task": task}),
            )
        })
        .chain(
            d.ran
                .iter()
                .map(|r| (r["at"].as_str().unwrap_or_default().to_owned(), r.clone())),
        )
        .collect();
    // In time order; a session's tasks before its provisions, as GenieACS runs them.
    log.sort_by(|a, b| a.0.cmp(&b.0));
    let log: Vec<Value> = log.into_iter().map(|(_, v)| v).collect();
    reply(StatusCode::OK, None, Value::Array(log).to_string(), true)
}

/// `POST /_sandbox/devices/new?vendor=V&serial=S`: a router fresh from the factory makes
/// first contact now, and its first session (`0 BOOTSTRAP`, `1 BOOT`) runs the presets.
async fn new_device(
    State(s): State<Arc<Shared>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let model = match q.get("vendor").map(|v| v.to_ascii_lowercase()).as_deref() {
        Some("mikrotik") => Model::MikroTik,
        Some("mikrotik-lte") => Model::MikroTikLte,
        Some("tp-link" | "tplink") => Model::TpLink,
        Some("huawei") => Model::Huawei,
        Some("zte") => Model::Zte,
        _ => {
            return text(
                StatusCode::BAD_REQUEST,
                None,
                "give vendor=mikrotik, mikrotik-lte, tp-link, huawei or zte",
            )
        }
    };
    let Some(serial) = q.get("serial").map(|s| s.trim()).filter(|s| {
        !s.is_empty()
            && s.len() <= 64
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    }) else {
        return text(
            StatusCode::BAD_REQUEST,
            None,
            "give serial=S (letters, digits, - or _, at most 64)",
        );
    };
    s.advance();
    let now = s.clock.now_ms();
    let id = {
        let mut fleet = lock(&s.fleet);
        let dev = SimDevice::factory_new(model, serial, fleet.devices.len() as u64, now);
        if fleet.get(&dev.id).is_some() {
            return text(
                StatusCode::CONFLICT,
                None,
                "GenieACS already knows this router",
            );
        }
        let id = dev.id.clone();
        fleet.insert(vec![dev]);
        id
    };
    s.advance();
    reply(
        StatusCode::OK,
        None,
        json!({"_id": id, "now": iso(now)}).to_string(),
        true,
    )
}

async fn file_state(
    State(s): State<Arc<Shared>>,
    Path((name, state)): Path<(String, String)>,
) -> Response {
    let bad = match state.as_str() {
        "bad" => true,
        "good" => false,
        _ => return text(StatusCode::NOT_FOUND, None, "use bad or good"),
    };
    match lock(&s.files).get_mut(&name) {
        Some(f) => {
            f.bad = bad;
            text(StatusCode::OK, None, "")
        }
        None => text(StatusCode::NOT_FOUND, None, "404 Not Found"),
    }
}

async fn chaos(State(s): State<Arc<Shared>>, Query(q): Query<HashMap<String, String>>) -> Response {
    let num = |k: &str| q.get(k).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    let status = q
        .get("fail_status")
        .and_then(|v| v.parse::<u16>().ok())
        .unwrap_or(500);
    if !(400..=599).contains(&status) {
        return text(
            StatusCode::BAD_REQUEST,
            None,
            "fail_status must be 400..=599",
        );
    }
    let rate = q
        .get("download_failure_rate")
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(0.0);
    if !(0.0..=1.0).contains(&rate) {
        return text(
            StatusCode::BAD_REQUEST,
            None,
            "download_failure_rate must be 0..=1",
        );
    }
    let mut c = lock(&s.chaos);
    c.latency_ms = num("latency_ms");
    c.fail_requests = num("fail_requests");
    c.fail_status = status;
    c.drop_requests = num("drop_requests");
    c.drop_answers = num("drop_answers");
    c.stall_tasks = num("stall_tasks");
    c.stall_task_answers = num("stall_task_answers");
    c.download_failure_rate = rate;
    text(StatusCode::OK, None, "")
}

async fn import(State(s): State<Arc<Shared>>, body: axum::body::Bytes) -> Response {
    let docs: Vec<Value> = match serde_json::from_slice(&body) {
        Ok(Value::Array(d)) => d,
        Ok(other) => vec![other],
        Err(e) => return text(StatusCode::BAD_REQUEST, None, &format!("SyntaxError: {e}")),
    };
    let mut devices = Vec::new();
    for (i, d) in docs.iter().enumerate() {
        match SimDevice::import(d) {
            Ok(dev) => devices.push(dev),
            Err(e) => return text(StatusCode::BAD_REQUEST, None, &format!("document {i}: {e}")),
        }
    }
    let n = devices.len();
    lock(&s.fleet).insert(devices);
    reply(
        StatusCode::OK,
        None,
        json!({"imported": n}).to_string(),
        true,
    )
}
