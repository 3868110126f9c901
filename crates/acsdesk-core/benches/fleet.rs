//! Fleet-scale benchmark: sync and store against the sandbox on loopback, each figure
//! next to a baseline measured in the same run.
//!
//! `cargo bench -p acsdesk-core --bench fleet -- [DEVICES]` (default 20,000; the targets
//! of the issues are stated for 100,000).

use acsdesk_core::store::acs::NewAcs;
use acsdesk_core::store::{key::DbKey, KeyChoice, TenantStore, Workspace};
use acsdesk_core::sync::nbi::NbiSource;
use acsdesk_core::sync::{sync_once, DeviceSource, SyncOptions};
use acsdesk_types::devices::{DeviceFilter, DeviceSort, Presence, SortKey};
use std::time::Instant;

const T0: i64 = 1_795_467_600_000;

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn main() {
    let devices: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(20_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    rt.block_on(run(devices));
}

async fn run(devices: u64) {
    println!("AcsDesk fleet benchmark: {devices} simulated devices on loopback\n");
    let t = Instant::now();
    let sandbox = acsdesk_sandbox::Sandbox::builder(T0)
        .devices(devices)
        .speed(0.0)
        .start()
        .await
        .expect("the sandbox starts");
    println!("sandbox fleet generated in {:.2?}", t.elapsed());
    let source = NbiSource::new(
        acsdesk_genieacs::Client::builder(sandbox.url())
            .rate_limit(10_000, 10_000, 8)
            .build()
            .expect("a client"),
    );
    let page = 500;

    // Floor: the same paged, projected requests, only downloaded and parsed.
    let t = Instant::now();
    let mut fetched = 0;
    loop {
        let docs = source.page(None, fetched, page).await.expect("a page");
        fetched += docs.len() as u64;
        if (docs.len() as u64) < page {
            break;
        }
    }
    let floor = t.elapsed();
    println!("floor: plain download of {fetched} projected devices: {floor:.2?}");

    let dir = tempfile::tempdir().expect("a temp dir");
    let ws = Workspace::open(dir.path()).await.expect("a workspace");
    let tenant = ws
        .create_tenant("bench", KeyChoice::Passphrase("bench".into()), T0)
        .await
        .expect("a tenant");
    tenant
        .add_acs(
            &NewAcs {
                name: "main".into(),
                url: sandbox.url(),
                auth_kind: "none".into(),
                auth_user: None,
                auth_secret: None,
                cwmp_url: None,
                rate_per_s: 1000,
                interval_s: 60,
            },
            T0,
        )
        .await
        .expect("an ACS");
    let sink = tenant.sync_store("main").await.expect("a sync store");
    let t = Instant::now();
    let report = sync_once(&source, &sink, &SyncOptions::default(), T0, |_| {})
        .await
        .expect("a full sync");
    let full = t.elapsed();
    println!(
        "full sync into the encrypted store ({} devices): {full:.2?} = {:.2}x the floor (target ≤ 1.5x)",
        report.fetched,
        full.as_secs_f64() / floor.as_secs_f64()
    );

    // About 1 % of devices inform in 3 s of a 300 s interval.
    sandbox.advance(3_000);
    let since = source
        .count(report.watermark_ms.map(|w| w - 5 * 60_000))
        .await
        .expect("a count");
    let t = Instant::now();
    let inc = sync_once(
        &source,
        &sink,
        &SyncOptions {
            overlap_ms: 0,
            ..SyncOptions::default()
        },
        T0 + 3_000,
        |_| {},
    )
    .await
    .expect("an incremental sync");
    let incremental = t.elapsed();
    println!(
        "incremental sync after {} devices changed ({:.1} %): {incremental:.2?} = {:.1} % of the full sync (target ≤ 5 %); {since} matched with a 5-minute overlap",
        inc.fetched,
        inc.fetched as f64 * 100.0 / devices as f64,
        incremental.as_secs_f64() * 100.0 / full.as_secs_f64()
    );
    println!(
        "peak resident memory so far: {:.0} MB (target < 300 MB)",
        peak_rss_mb()
    );

    // The device list's first page, filtered and sorted, encrypted vs plain SQLite.
    let filter = DeviceFilter {
        presence: Some(Presence::Online),
        ..DeviceFilter::default()
    };
    let sort = DeviceSort {
        key: SortKey::LastSeen,
        descending: true,
    };
    let time_list = |store: TenantStore| {
        let filter = filter.clone();
        async move {
            let t = Instant::now();
            for _ in 0..20 {
                store
                    .list_devices(&filter, sort, 0, 200)
                    .await
                    .expect("a page");
            }
            t.elapsed() / 20
        }
    };
    let encrypted_list = time_list(tenant.clone()).await;
    let plain_path = dir.path().join("plain.db");
    let plain = TenantStore::open_plain_for_benchmarks(&plain_path)
        .await
        .expect("a plain store");
    plain
        .add_acs(
            &NewAcs {
                name: "main".into(),
                url: sandbox.url(),
                auth_kind: "none".into(),
                auth_user: None,
                auth_secret: None,
                cwmp_url: None,
                rate_per_s: 1000,
                interval_s: 60,
            },
            T0,
        )
        .await
        .expect("an ACS");
    let t = Instant::now();
    sync_once(
        &source,
        &plain.sync_store("main").await.expect("a sync store"),
        &SyncOptions::default(),
        T0,
        |_| {},
    )
    .await
    .expect("a plain sync");
    let plain_sync = t.elapsed();
    let plain_list = time_list(plain).await;
    println!(
        "upsert {devices} devices (full sync): encrypted {full:.2?} vs plain {plain_sync:.2?} = {:.2}x",
        full.as_secs_f64() / plain_sync.as_secs_f64()
    );
    println!(
        "first page of online devices by last seen: encrypted {encrypted_list:.2?} vs plain {plain_list:.2?} = {:.2}x",
        encrypted_list.as_secs_f64() / plain_list.as_secs_f64()
    );
    let _ = DbKey::random();
    println!("peak resident memory: {:.0} MB", peak_rss_mb());
}
