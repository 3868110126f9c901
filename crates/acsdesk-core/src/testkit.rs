//! Test helpers: the tenant most tests start from (a fresh encrypted workspace, one ACS
//! connection, synced from it), a local HTTP server that answers `/devices` from the
//! recorded GenieACS captures the way the NBI does (`total` header, skip/limit, `HEAD`),
//! optionally failing after some pages, and recorded documents by file name.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

/// A tenant in a workspace of its own (removed with it).
pub(crate) struct TestTenant {
    /// The workspace's directory.
    pub(crate) dir: tempfile::TempDir,
    /// The tenant, keyed by a passphrase (no OS keyring needed).
    pub(crate) store: crate::store::TenantStore,
}

/// A connection without authentication at `url`, taking `rate_per_s` requests a second.
pub(crate) fn open_acs(name: &str, url: &str, rate_per_s: i64) -> crate::store::acs::NewAcs {
    crate::store::acs::NewAcs {
        name: name.into(),
        url: url.into(),
        auth_kind: "none".into(),
        auth_user: None,
        auth_secret: None,
        cwmp_url: None,
        rate_per_s,
        interval_s: 60,
    }
}

/// A client of the GenieACS at `url` with no rate limit that matters in a test.
pub(crate) fn genie(url: &str) -> acsdesk_genieacs::Client {
    acsdesk_genieacs::Client::builder(url)
        .rate_limit(1000, 1000, 8)
        .build()
        .unwrap()
}

/// Syncs connection `acs` of `store` from the GenieACS at `url` at `at_ms`.
pub(crate) async fn sync_from(
    store: &crate::store::TenantStore,
    acs: &str,
    url: &str,
    at_ms: i64,
) -> crate::sync::SyncReport {
    crate::sync::sync_once(
        &crate::sync::nbi::NbiSource::new(genie(url)),
        &store.sync_store(acs).await.unwrap(),
        &crate::sync::SyncOptions::default(),
        at_ms,
        |_| {},
    )
    .await
    .unwrap()
}

/// Tenant `name` with connection `main` at `url` (rate `rate_per_s`), synced once at
/// `at_ms`: a fleet in the store as after a first sync.
pub(crate) async fn synced_tenant(
    name: &str,
    url: &str,
    rate_per_s: i64,
    at_ms: i64,
) -> TestTenant {
    let dir = tempfile::tempdir().unwrap();
    let ws = crate::store::Workspace::open(dir.path()).await.unwrap();
    let store = ws
        .create_tenant(
            name,
            crate::store::KeyChoice::Passphrase("test passphrase".into()),
            at_ms,
        )
        .await
        .unwrap();
    store
        .add_acs(&open_acs("main", url, rate_per_s), at_ms)
        .await
        .unwrap();
    sync_from(&store, "main", url, at_ms).await;
    TestTenant { dir, store }
}

/// The documents of a recorded capture in `tests/fixtures/genieacs`.
pub(crate) fn fixture_docs(name: &str) -> Vec<Value> {
    let text = String::from_utf8(acsdesk_captures::fixture_bytes(name))
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// What the fake NBI saw and how it behaves.
#[derive(Debug, Default)]
pub(crate) struct NbiState {
    /// The documents it serves, in `_id` order.
    pub(crate) docs: Mutex<Vec<Value>>,
    /// Requests seen: method and query parameters.
    pub(crate) seen: Mutex<Vec<(Method, HashMap<String, String>)>>,
    /// GET requests to answer before failing with 503 (negative: never fail).
    pub(crate) fail_after_gets: AtomicI64,
}

async fn devices(
    State(state): State<Arc<NbiState>>,
    method: Method,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    state.seen.lock().unwrap().push((method.clone(), q.clone()));
    if method == Method::GET {
        let left = state.fail_after_gets.fetch_sub(1, Ordering::SeqCst);
        if left == 0 {
            return (StatusCode::SERVICE_UNAVAILABLE, "down").into_response();
        }
    }
    let mut docs = state.docs.lock().unwrap().clone();
    docs.sort_by(|a, b| a["_id"].as_str().cmp(&b["_id"].as_str()));
    if let Some(ids) = q
        .get("query")
        .and_then(|text| serde_json::from_str::<Value>(text).ok())
        .and_then(|v| v["_id"]["$in"].as_array().cloned())
    {
        // The existence check of a full sync: {"_id": {"$in": [...]}}.
        docs.retain(|d| ids.contains(&d["_id"]));
    } else if let Some(query) = q.get("query") {
        // The sync's own queries: {"_lastInform": {"$gte": "<ISO date>", "$lt": …}}.
        let v: Value = serde_json::from_str(query).unwrap();
        let time = |v: &Value| {
            v.as_str()
                .map(|t| acsdesk_time::parse_iso(t).expect("an ISO-8601 instant"))
        };
        let since = time(&v["_lastInform"]["$gte"]);
        let before = time(&v["_lastInform"]["$lt"]);
        assert!(since.is_some() || before.is_some(), "unexpected query {v}");
        docs.retain(|d| {
            time(&d["_lastInform"])
                .is_some_and(|t| since.is_none_or(|s| t >= s) && before.is_none_or(|b| t < b))
        });
    }
    let total = docs.len();
    let skip: usize = q.get("skip").and_then(|s| s.parse().ok()).unwrap_or(0);
    let limit: usize = q
        .get("limit")
        .and_then(|s| s.parse().ok())
        .unwrap_or(usize::MAX);
    let page: Vec<Value> = docs.into_iter().skip(skip).take(limit).collect();
    let mut headers = HeaderMap::new();
    headers.insert("total", HeaderValue::from(total));
    if method == Method::HEAD {
        return (StatusCode::OK, headers).into_response();
    }
    (
        StatusCode::OK,
        headers,
        serde_json::to_string(&page).unwrap(),
    )
        .into_response()
}

/// Starts the fake NBI with `docs`; returns its base URL and state.
pub(crate) async fn fake_nbi(docs: Vec<Value>) -> (String, Arc<NbiState>) {
    let state = Arc::new(NbiState {
        docs: Mutex::new(docs),
        fail_after_gets: AtomicI64::new(-1),
        ..NbiState::default()
    });
    let app = Router::new()
        .route("/devices", any(devices))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), state)
}
