//! The soak on a large fleet, with figures: `cargo bench -p acsdesk-app --bench soak --
//! [DEVICES] [SECONDS]` (default 20,000 routers for 60 s). Prints the UI queries'
//! p50/p99 during the soak against the same queries on the idle tenant afterwards, and
//! fails when anything was lost (see `tests/soak/run.rs`).

#[path = "../tests/soak/run.rs"]
mod run;

use std::time::Duration;

fn main() {
    let mut args = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse::<u64>().ok());
    let devices = args.next().unwrap_or(20_000);
    let secs = args.next().unwrap_or(60);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let s = rt.block_on(run::soak(devices, Duration::from_secs(secs)));
    println!(
        "AcsDesk soak: {devices} routers, {secs} s: {} sync rounds, {} actions queued, {} ended, {} left open, {} errors, {} active alerts, {} duplicated",
        s.rounds,
        s.queued.len(),
        s.ended,
        s.open.len(),
        s.errors.len(),
        s.active_alerts,
        s.duplicated_alerts.len()
    );
    for (what, busy, idle) in [
        ("device list (first 200)", &s.list, &s.idle_list),
        ("facets", &s.facets, &s.idle_facets),
        ("device page", &s.device, &s.idle_device),
    ] {
        let (p50, p99, base) = (
            run::percentile(busy, 50.0),
            run::percentile(busy, 99.0),
            run::percentile(idle, 50.0),
        );
        println!(
            "{what}: p50 {p50:.2?} ({:.1}x idle), p99 {p99:.2?} ({:.1}x idle p50 {base:.2?}) over {} queries during the soak",
            p50.as_secs_f64() / base.as_secs_f64().max(1e-9),
            p99.as_secs_f64() / base.as_secs_f64().max(1e-9),
            busy.len()
        );
    }
    if !s.errors.is_empty() || !s.open.is_empty() || !s.duplicated_alerts.is_empty() {
        eprintln!("errors: {:?}", &s.errors[..s.errors.len().min(10)]);
        eprintln!("open: {:?}", &s.open[..s.open.len().min(10)]);
        std::process::exit(1);
    }
}
