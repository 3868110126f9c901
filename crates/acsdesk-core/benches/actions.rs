//! Action queue benchmark: queued reboots dispatched to the sandbox on loopback under a
//! rate limit of R requests a second — the rate achieved as a ratio of R — and the same
//! without a limit in the same run, whose time per action is the worker's overhead
//! (its reads and writes of the encrypted store, the requests, the sandbox answering).
//!
//! `cargo bench -p acsdesk-core --bench actions -- [ACTIONS] [R]` (default 10,000 at 500).

use acsdesk_core::actions::bulk::{run_bulk, BulkOutcome, BulkSummary};
use acsdesk_core::actions::worker::{Outcome, Worker};
use acsdesk_core::actions::ActionRequest;
use std::sync::Arc;
use std::time::{Duration, Instant};

mod common;
use common::T0;

const CONCURRENCY: usize = 16;

fn main() {
    let mut args = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse::<u64>().ok());
    let actions = args.next().unwrap_or(10_000);
    let rate = args.next().unwrap_or(500).clamp(1, 1_000_000) as u32;
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(async {
            println!(
                "AcsDesk action benchmark: {actions} reboots, {CONCURRENCY} at once, on loopback\n"
            );
            let limited = dispatch(actions, Some(rate)).await;
            let unlimited = dispatch(actions, None).await;
            let achieved = limited.requests as f64 / limited.wall.as_secs_f64();
            println!(
                "under R = {rate} requests/s: {:.2} s, {} requests ({:.2} per action: read the device, send the task, first check) at {achieved:.0}/s = {:.3}x R; {:.0} actions/s",
                limited.wall.as_secs_f64(),
                limited.requests,
                limited.requests as f64 / actions as f64,
                achieved / f64::from(rate),
                actions as f64 / limited.wall.as_secs_f64()
            );
            println!(
                "without a limit: {:.2} s = {:.0} µs per action ({:.0} actions/s), the worker's overhead; the limited run took {:.1}x as long",
                unlimited.wall.as_secs_f64(),
                unlimited.wall.as_micros() as f64 / actions as f64,
                actions as f64 / unlimited.wall.as_secs_f64(),
                limited.wall.as_secs_f64() / unlimited.wall.as_secs_f64()
            );
            println!(
                "queueing {actions} actions in one batch: {:.2?} ({:.0} µs each)",
                limited.queueing,
                limited.queueing.as_micros() as f64 / actions as f64
            );
            for s in [&limited.summary, &unlimited.summary] {
                for (id, why) in s.failures.iter().take(3) {
                    println!("  failed {id}: {why}");
                }
            }
        });
}

struct Run {
    wall: Duration,
    queueing: Duration,
    requests: u64,
    summary: BulkSummary,
}

/// A fresh fleet and tenant, `actions` reboots queued, then dispatched through one
/// worker at `rate` requests/s (`None`: no limit that matters).
async fn dispatch(actions: u64, rate: Option<u32>) -> Run {
    let common::Fleet {
        sandbox,
        tenant,
        _dir,
    } = common::synced_fleet(actions).await;
    let targets: Vec<(Option<String>, String)> = sandbox
        .device_ids()
        .into_iter()
        .map(|id| (None, id))
        .collect();
    let t = Instant::now();
    let queued = tenant
        .enqueue_actions(&targets, &ActionRequest::Reboot, "bench", T0)
        .await
        .expect("queued");
    let queueing = t.elapsed();
    let client = match rate {
        Some(r) => acsdesk_genieacs::Client::builder(sandbox.url())
            .rate_limit(r, (r / 10).max(1), CONCURRENCY)
            .build()
            .expect("a client"),
        None => common::fast_client(&sandbox.url(), CONCURRENCY),
    };
    let clock = sandbox.clock_handle();
    let worker = Worker::new(
        tenant.clone(),
        "main",
        client.clone(),
        Arc::new(move || clock.now_ms()),
    );
    let t = Instant::now();
    let summary = run_bulk(
        queued.iter().map(i64::to_string).collect(),
        CONCURRENCY,
        |id| {
            let worker = worker.clone();
            async move {
                let Ok(id) = id.parse::<i64>() else {
                    return BulkOutcome::Failed {
                        reason: "bad id".into(),
                    };
                };
                match worker.execute_action(id).await {
                    Ok(Outcome::Completed(_)) => BulkOutcome::Done,
                    Ok(Outcome::Failed(_, why)) => BulkOutcome::Failed { reason: why },
                    Ok(_) => BulkOutcome::Waiting,
                    Err(e) => BulkOutcome::Failed {
                        reason: e.to_string(),
                    },
                }
            }
        },
        |_| {},
    )
    .await;
    let wall = t.elapsed();
    assert_eq!(summary.failed, 0, "{:?}", summary.failures.first());
    Run {
        wall,
        queueing,
        requests: client.requests_sent(),
        summary,
    }
}
