//! The store alone, encrypted (SQLCipher) against plain SQLite in the same run, and
//! durable commits (synchronous FULL, as tenants use) against NORMAL: upserting
//! 100,000 device rows (with a sample each), in pages of 500 as a sync writes them, and
//! the first page of the device list filtered and sorted. Device documents are fetched
//! from the sandbox and normalised before the clock starts, so only the store is timed.
//!
//! `cargo bench -p acsdesk-core --bench store -- [DEVICES]` (default 100000).

use acsdesk_core::normalize::normalize;
use acsdesk_core::store::acs::NewAcs;
use acsdesk_core::store::{KeyChoice, TenantStore, Workspace};
use acsdesk_core::sync::nbi::NbiSource;
use acsdesk_core::sync::{Cursor, DeviceSource, DeviceUpdate, Sample, SyncMode, SyncStore};
use acsdesk_types::devices::{DeviceFilter, DeviceSort, Presence, SortKey};
use std::time::{Duration, Instant};

const T0: i64 = 1_795_467_600_000;
const PAGE: usize = 500;

fn main() {
    let devices: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    rt.block_on(run(devices));
}

fn acs(url: &str) -> NewAcs {
    NewAcs {
        name: "main".into(),
        url: url.into(),
        auth_kind: "none".into(),
        auth_user: None,
        auth_secret: None,
        cwmp_url: None,
        rate_per_s: 1000,
        interval_s: 60,
    }
}

async fn upsert_all(store: &TenantStore, updates: &[DeviceUpdate]) -> Duration {
    let sink = store.sync_store("main").await.expect("a sync store");
    let start = Instant::now();
    for (i, page) in updates.chunks(PAGE).enumerate() {
        let cursor = Cursor {
            mode: SyncMode::Full,
            since_ms: None,
            done: ((i + 1) * PAGE) as u64,
            generation: 1,
            max_inform_ms: Some(T0),
        };
        sink.apply_page(page, &cursor, T0).await.expect("a page");
    }
    start.elapsed()
}

/// The online devices by last seen, as the list's presence filter shows them.
fn online_by_last_seen() -> (DeviceFilter, DeviceSort) {
    (
        DeviceFilter {
            presence: Some(Presence::Online),
            ..DeviceFilter::default()
        },
        DeviceSort {
            key: SortKey::LastSeen,
            descending: true,
        },
    )
}

async fn first_page(store: &TenantStore, (filter, sort): (DeviceFilter, DeviceSort)) -> Duration {
    let start = Instant::now();
    for _ in 0..20 {
        store
            .list_devices(&filter, sort, 0, 200)
            .await
            .expect("a page");
    }
    start.elapsed() / 20
}

async fn run(devices: u64) {
    let sandbox = acsdesk_sandbox::Sandbox::builder(T0)
        .devices(devices)
        .speed(0.0)
        .start()
        .await
        .expect("the sandbox");
    let source = NbiSource::new(
        acsdesk_genieacs::Client::builder(sandbox.url())
            .rate_limit(10_000, 10_000, 8)
            .build()
            .expect("a client"),
    );
    let mut updates = Vec::with_capacity(devices as usize);
    let mut skip = 0;
    loop {
        let docs = source.page(None, skip, 2000).await.expect("a page");
        skip += docs.len() as u64;
        for doc in &docs {
            let device = normalize(doc).expect("a normalised device");
            updates.push(DeviceUpdate {
                sample: Some(Sample {
                    at_ms: device.last_inform_ms.unwrap_or(T0),
                    cpu_pct: device.cpu_pct,
                    mem_pct: device.mem_pct,
                    uptime_s: device.uptime_s,
                    signal_dbm: device.signal_dbm,
                    rx_bps: None,
                    tx_bps: None,
                    clients_2g: None,
                    clients_5g: None,
                }),
                online: true,
                offline_deadline_ms: Some(T0 + 900_000),
                counters: None,
                ppp_failing_since_ms: None,
                logs: Vec::new(),
                changed: true,
                device,
            });
        }
        if docs.len() < 2000 {
            break;
        }
    }
    let doc_bytes: usize = updates
        .iter()
        .map(|u| {
            serde_json::to_string(&u.device)
                .map(|t| t.len())
                .unwrap_or(0)
        })
        .sum();
    println!(
        "AcsDesk store benchmark: {} device rows in pages of {PAGE} (normalised documents of {} bytes on average)\n",
        updates.len(),
        doc_bytes / updates.len().max(1)
    );

    let dir = tempfile::tempdir().expect("a temp dir");
    let ws = Workspace::open(dir.path()).await.expect("a workspace");
    let encrypted = ws
        .create_tenant("bench", KeyChoice::Passphrase("bench".into()), T0)
        .await
        .expect("a tenant");
    encrypted
        .add_acs(&acs(&sandbox.url()), T0)
        .await
        .expect("an ACS");
    let plain = TenantStore::open_plain_for_benchmarks(&dir.path().join("plain.db"), true)
        .await
        .expect("a plain store");
    plain
        .add_acs(&acs(&sandbox.url()), T0)
        .await
        .expect("an ACS");
    // The same plain store with commits not synced to disk (synchronous = NORMAL): what
    // the durable commits tenants use cost.
    let lazy = TenantStore::open_plain_for_benchmarks(&dir.path().join("lazy.db"), false)
        .await
        .expect("a plain store");
    lazy.add_acs(&acs(&sandbox.url()), T0)
        .await
        .expect("an ACS");
    let lazy_insert = upsert_all(&lazy, &updates).await;
    let lazy_update = upsert_all(&lazy, &updates).await;

    let plain_insert = upsert_all(&plain, &updates).await;
    let enc_insert = upsert_all(&encrypted, &updates).await;
    let plain_update = upsert_all(&plain, &updates).await;
    let enc_update = upsert_all(&encrypted, &updates).await;
    let plain_list = first_page(&plain, online_by_last_seen()).await;
    let enc_list = first_page(&encrypted, online_by_last_seen()).await;
    let plain_default = first_page(&plain, Default::default()).await;
    let enc_default = first_page(&encrypted, Default::default()).await;
    let n = updates.len() as f64;
    let row = |what: &str, enc: Duration, plain: Duration| {
        println!(
            "{what}: encrypted {enc:.2?} ({:.0} rows/s) vs plain {plain:.2?} ({:.0} rows/s) = {:.2}x",
            n / enc.as_secs_f64(),
            n / plain.as_secs_f64(),
            enc.as_secs_f64() / plain.as_secs_f64()
        )
    };
    row("insert every device (new rows)", enc_insert, plain_insert);
    row(
        "upsert every device again (updates)",
        enc_update,
        plain_update,
    );
    for (what, full, lazy) in [
        ("insert", plain_insert, lazy_insert),
        ("upsert again", plain_update, lazy_update),
    ] {
        println!(
            "durable commits (synchronous FULL, as tenants use) on {what}: {full:.2?} vs NORMAL {lazy:.2?} = {:.2}x",
            full.as_secs_f64() / lazy.as_secs_f64()
        );
    }
    println!(
        "first page of 200 online devices by last seen: encrypted {enc_list:.2?} vs plain {plain_list:.2?} = {:.2}x",
        enc_list.as_secs_f64() / plain_list.as_secs_f64()
    );
    println!(
        "first page of the whole list by serial (the default view): encrypted {enc_default:.2?} vs plain {plain_default:.2?} = {:.2}x",
        enc_default.as_secs_f64() / plain_default.as_secs_f64()
    );
    // Opening checks the key and runs SQLite's quick integrity check first (read-only);
    // a backup writes a copy and checks it whole. Both against the first page above.
    encrypted.close().await;
    let bytes = std::fs::read_dir(dir.path().join("tenants"))
        .expect("the tenants folder")
        .filter_map(Result::ok)
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum::<u64>();
    let start = Instant::now();
    let reopened = ws
        .open_tenant("bench", Some("bench"))
        .await
        .expect("the tenant opens");
    let open = start.elapsed();
    let file = std::fs::read_dir(dir.path().join("tenants"))
        .expect("the tenants folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "db"))
        .expect("the tenant file");
    let start = Instant::now();
    reopened
        .integrity_check(&file, true)
        .await
        .expect("an intact file");
    let quick = start.elapsed();
    let start = Instant::now();
    reopened
        .backup_to(&dir.path().join("backup.db"))
        .await
        .expect("a backup");
    let backup = start.elapsed();
    println!(
        "open a {:.0} MB tenant (passphrase KDF + key check + quick integrity check + migrations): {open:.2?} = {:.1}x the first page, of which the quick integrity check {quick:.2?} = {:.1}x; backup (copy + full check): {backup:.2?} = {:.1}x",
        bytes as f64 / 1e6,
        open.as_secs_f64() / enc_default.as_secs_f64(),
        quick.as_secs_f64() / enc_default.as_secs_f64(),
        backup.as_secs_f64() / enc_default.as_secs_f64()
    );
}
