//! Every operation against a server answering with the recorded GenieACS responses.

use crate::fixture;
use acsdesk_genieacs::api::config::ConfigKind;
use acsdesk_genieacs::api::tasks::{QueueReason, Task, TaskOutcome};
use acsdesk_genieacs::{Client, DeviceId, Error, Query};
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::Router;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Default)]
struct Seen {
    queries: Vec<String>,
    tagged: Vec<String>,
    bodies: Vec<String>,
}

type S = Arc<Mutex<Seen>>;

fn reply(status: u16, reason: Option<&'static str>, body: String) -> Response {
    let mut r = (StatusCode::from_u16(status).unwrap(), body).into_response();
    r.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    if let Some(reason) = reason {
        r.extensions_mut()
            .insert(hyper::ext::ReasonPhrase::from_static(reason.as_bytes()));
    }
    r
}

async fn devices(State(s): State<S>, method: Method, RawQuery(q): RawQuery) -> Response {
    s.lock().unwrap().queries.push(q.unwrap_or_default());
    let mut r = if method == Method::HEAD {
        reply(200, None, String::new())
    } else {
        reply(200, None, fixture("devices-all.json"))
    };
    r.headers_mut()
        .insert("total", HeaderValue::from_static("23"));
    r
}

async fn tasks(Path(id): Path<String>, State(s): State<S>, body: Bytes) -> Response {
    s.lock()
        .unwrap()
        .bodies
        .push(String::from_utf8_lossy(&body).into_owned());
    match id.as_str() {
        "202BC1-BM632w-000001" => reply(
            202,
            Some("Task faulted"),
            fixture("task-reboot-unsupported-202-faulted.json"),
        ),
        "202BC1-BM632w-000019" => reply(
            202,
            Some("Device is offline"),
            fixture("task-offline-connreq-failed-202.json"),
        ),
        "nope" => reply(404, None, "No such device".into()),
        _ => reply(200, None, fixture("task-reboot-200.json")),
    }
}

async fn tag(Path((id, tag)): Path<(String, String)>, State(s): State<S>) -> Response {
    s.lock().unwrap().tagged.push(format!("{id}|{tag}"));
    reply(200, None, String::new())
}

async fn provision(Path(name): Path<String>, body: Bytes) -> Response {
    if name == "broken" || !String::from_utf8_lossy(&body).contains(';') {
        return reply(400, None, fixture("provision-put-syntax-error-400.txt"));
    }
    reply(200, None, String::new())
}

async fn server() -> (String, S) {
    let s: S = Arc::default();
    let app = Router::new()
        .route("/devices", any(devices))
        .route("/devices/{id}/tasks", post(tasks))
        .route("/devices/{id}/tags/{tag}", any(tag))
        .route(
            "/faults",
            get(|| async { reply(200, None, fixture("faults-all.json")) }),
        )
        .route(
            "/files",
            get(|| async { reply(200, None, fixture("files-list.json")) }),
        )
        .route(
            "/presets",
            get(|| async { reply(200, None, fixture("presets-list.json")) }),
        )
        .route(
            "/tasks",
            get(|| async { reply(200, None, fixture("tasks-all.json")) }),
        )
        .route("/provisions/{name}", any(provision))
        .with_state(s.clone());
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(l, app).await });
    (format!("http://{addr}"), s)
}

#[tokio::test]
async fn devices_query_count_and_pages() {
    let (url, seen) = server().await;
    let c = Client::builder(&url).build().unwrap();
    let q = Query::all().eq("_deviceId._SerialNumber", "000100");
    assert_eq!(c.devices().query(q.clone()).count().await.unwrap(), 23);
    let docs = c
        .devices()
        .query(q)
        .projection(["_id", "_lastInform"])
        .sort("_lastInform", false)
        .skip(5)
        .limit(10)
        .send()
        .await
        .unwrap();
    assert_eq!(docs.len(), 23);
    assert_eq!(docs[0].id(), Some("202BC1-BM632w-000000"));
    assert_eq!(docs[0].device_id("_OUI"), Some("202BC1"));
    assert!(docs[0]
        .value("InternetGatewayDevice.DeviceInfo.SoftwareVersion")
        .is_some());
    let q = &seen.lock().unwrap().queries[1];
    assert!(q.contains("projection=_id%2C_lastInform"), "{q}");
    assert!(q.contains("sort=%7B%22_lastInform%22%3A-1%7D"), "{q}");
    assert!(q.contains("skip=5") && q.contains("limit=10"), "{q}");
}

#[tokio::test]
async fn task_outcomes_follow_the_status_line() {
    let (url, seen) = server().await;
    let c = Client::builder(&url).build().unwrap();
    let ok = c
        .tasks()
        .create(&DeviceId::new("202BC1-BM632w-000050"), Task::Reboot)
        .connection_request(Duration::from_secs(3))
        .unique_key("acsdesk-1")
        .send()
        .await
        .unwrap();
    assert!(matches!(ok, TaskOutcome::Done(_)));
    assert!(ok.task_id().is_some());
    assert!(seen.lock().unwrap().bodies[0].contains("\"uniqueKey\":\"acsdesk-1\""));
    let faulted = c
        .tasks()
        .create(&DeviceId::new("202BC1-BM632w-000001"), Task::Reboot)
        .send()
        .await
        .unwrap();
    assert!(matches!(faulted, TaskOutcome::Faulted(_)));
    let queued = c
        .tasks()
        .create(&DeviceId::new("202BC1-BM632w-000019"), Task::Reboot)
        .send()
        .await
        .unwrap();
    assert!(matches!(
        queued,
        TaskOutcome::Queued {
            reason: QueueReason::DeviceOffline,
            ..
        }
    ));
    let err = c
        .tasks()
        .create(&DeviceId::new("nope"), Task::Reboot)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::NotFound(ref m) if m == "No such device"),
        "{err}"
    );
    // Requests that crash GenieACS are refused before sending.
    let bad = c
        .tasks()
        .create(
            &DeviceId::new("x"),
            Task::GetParameterValues {
                parameter_names: vec![],
            },
        )
        .send()
        .await
        .unwrap_err();
    assert!(matches!(bad, Error::Refused(_)));
    assert!(matches!(
        c.tasks().delete("not-an-id").await,
        Err(Error::Refused(_))
    ));
    assert_eq!(
        seen.lock().unwrap().bodies.len(),
        4,
        "refused requests never left"
    );
}

#[tokio::test]
async fn ids_are_escaped_twice_in_paths_and_round_trip() {
    let (url, seen) = server().await;
    let c = Client::builder(&url).build().unwrap();
    for id in [
        "9CA2F4-EC220%2DG5-000100",
        "with space",
        "per%cent",
        "sla/sh",
        "ñandú",
    ] {
        c.devices()
            .add_tag(&DeviceId::new(id), "vip")
            .await
            .unwrap();
        assert_eq!(
            seen.lock().unwrap().tagged.last().unwrap(),
            &format!("{id}|vip")
        );
    }
    assert!(matches!(
        c.devices().add_tag(&DeviceId::new("a"), "a.b").await,
        Err(Error::Refused(_))
    ));
}

#[tokio::test]
async fn faults_files_presets_and_provisions() {
    let (url, _) = server().await;
    let c = Client::builder(&url).build().unwrap();
    let faults = c.faults().list(Query::all()).await.unwrap();
    assert_eq!(faults.len(), 3);
    assert!(faults.iter().any(|f| f.code == "cwmp.9016"));
    let files = c.files().list().await.unwrap();
    assert_eq!(
        files[0].metadata.version.as_deref(),
        Some("V100R001IRQC56B018")
    );
    assert!(!c
        .config(ConfigKind::Presets)
        .list()
        .await
        .unwrap()
        .is_empty());
    let err = c
        .config(ConfigKind::Provisions)
        .put("broken", "declare(")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("SyntaxError"), "{err}");
    c.config(ConfigKind::Provisions)
        .put("ok", "declare('x', {value: 1});")
        .await
        .unwrap();
    assert!(matches!(
        c.files().delete("no-such-file").await,
        Err(Error::NotFound(_))
    ));
    assert_eq!(c.tasks().list(Query::all()).await.unwrap().len(), 4);
}

#[tokio::test]
async fn files_upload_from_disk_with_metadata_list_and_delete() {
    let sandbox = acsdesk_sandbox::Sandbox::builder(0)
        .devices(1)
        .start()
        .await
        .unwrap();
    let c = Client::builder(sandbox.url()).build().unwrap();
    let dir = std::env::temp_dir().join(format!("acsdesk-upload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("fw.bin");
    std::fs::write(&path, vec![7_u8; 200_000]).unwrap();
    let meta = acsdesk_genieacs::api::files::FileMetadata {
        file_type: Some("1 Firmware Upgrade Image".into()),
        oui: Some("202BC1".into()),
        product_class: Some("BM632w".into()),
        version: Some("V2".into()),
    };
    c.files().upload("fw.bin", &path, &meta).await.unwrap();
    let files = c.files().list().await.unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].length, 200_000);
    assert_eq!(files[0].metadata, meta);
    c.files().delete("fw.bin").await.unwrap();
    assert!(matches!(
        c.files().delete("fw.bin").await,
        Err(Error::NotFound(_))
    ));
    let missing = c
        .files()
        .upload("x", &dir.join("nope.bin"), &meta)
        .await
        .unwrap_err();
    assert!(matches!(missing, Error::Refused(_)), "{missing}");
    std::fs::remove_dir_all(&dir).unwrap();
}
