//! Fleet-scale benchmark: sync and store against the sandbox on loopback, each figure
//! next to a baseline measured in the same run.
//!
//! `cargo bench -p acsdesk-core --bench fleet -- [DEVICES]` (default 100,000, the scale
//! the issues state their targets for). The sandbox runs in a child process (this same
//! binary, re-run with `ACSDESK_FLEET_SANDBOX`), so the peak resident memory printed is
//! the sync's own, not the simulated fleet's.

use acsdesk_core::store::TenantStore;
use acsdesk_core::sync::nbi::NbiSource;
use acsdesk_core::sync::{sync_once, DeviceSource, SyncOptions};
use acsdesk_types::devices::{DeviceFilter, DeviceSort, Presence, SortKey};
use std::io::{BufRead, Read, Write};
use std::process::{Command, Stdio};
use std::time::Instant;

mod common;
use common::T0;
const CHILD: &str = "ACSDESK_FLEET_SANDBOX";

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

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// The child: serves the simulated fleet until its stdin closes.
fn serve_sandbox(devices: u64) {
    runtime().block_on(async {
        let t = Instant::now();
        let sandbox = acsdesk_sandbox::Sandbox::builder(T0)
            .devices(devices)
            .speed(0.0)
            .start()
            .await
            .expect("the sandbox starts");
        println!("{} {:.2}", sandbox.url(), t.elapsed().as_secs_f64());
        std::io::stdout().flush().expect("stdout");
        // The parent closes stdin when it is done (or dies).
        tokio::task::spawn_blocking(|| {
            let _ = std::io::stdin().read_to_end(&mut Vec::new());
        })
        .await
        .expect("stdin reader");
    });
}

fn main() {
    if let Some(devices) = std::env::var(CHILD).ok().and_then(|v| v.parse().ok()) {
        serve_sandbox(devices);
        return;
    }
    let devices: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let mut child = Command::new(std::env::current_exe().expect("this benchmark's path"))
        .env(CHILD, devices.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the sandbox process starts");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().expect("its stdout"))
        .read_line(&mut line)
        .expect("the sandbox's address");
    let mut parts = line.split_whitespace();
    let url = parts.next().expect("a URL").to_owned();
    let generated: f64 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(f64::NAN);
    println!("AcsDesk fleet benchmark: {devices} simulated devices on loopback\n");
    println!("sandbox (own process): fleet generated in {generated:.2} s");
    runtime().block_on(run(devices, url));
    drop(child.stdin.take());
    let _ = child.wait();
}

async fn run(devices: u64, url: String) {
    let source = NbiSource::new(
        acsdesk_genieacs::Client::builder(url.clone())
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
    let tenant = common::tenant_with_acs(dir.path(), &url).await;
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

    // The sandbox's fleet informs every 60 to 600 s: about 1 % of it informs in 1.8 s.
    // The default 60 s overlap window before the watermark is checked too.
    reqwest::Client::new()
        .post(format!("{url}/_sandbox/clock/advance?ms=1800"))
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .expect("the sandbox clock moves");
    let changed = source.count(report.watermark_ms).await.expect("a count");
    let overlap = SyncOptions::default().overlap_ms;
    let t = Instant::now();
    let inc = sync_once(&source, &sink, &SyncOptions::default(), T0 + 1_800, |_| {})
        .await
        .expect("an incremental sync");
    let incremental = t.elapsed();
    println!(
        "incremental sync after {changed} devices informed ({:.1} %), {} fetched with the {} s overlap: {incremental:.2?} = {:.1} % of the full sync (target ≤ 5 %)",
        changed as f64 * 100.0 / devices as f64,
        inc.fetched,
        overlap / 1000,
        incremental.as_secs_f64() * 100.0 / full.as_secs_f64()
    );
    println!(
        "peak resident memory after the full and incremental syncs: {:.0} MB (target < 300 MB)",
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
    let plain = TenantStore::open_plain_for_benchmarks(&plain_path, true)
        .await
        .expect("a plain store");
    plain
        .add_acs(&common::main_acs(&url), T0)
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
    println!("peak resident memory: {:.0} MB", peak_rss_mb());
}
