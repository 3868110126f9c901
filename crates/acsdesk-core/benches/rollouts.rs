//! Rollout benchmark: a firmware rollout over a synced sandbox fleet (a canary of 10, then
//! batches of 1,000, no concurrency limit) under a rate limit of R routers an hour, moved
//! by the runner's tick every 2 s of simulated time while a simulated worker sends each
//! queued update at once and proves it a minute later (through the store, as the worker
//! does). Prints the dispatch rate within batches and over the whole run as ratios of R,
//! the tick's wall time at the end against the start, and the process's memory at the
//! end against the start of the dispatching — all from the same run.
//!
//! `cargo bench -p acsdesk-core --bench rollouts -- [ROUTERS] [R]` (default 10,000 at
//! 36,000 an hour).

mod common;

use acsdesk_core::alerts::engine::AlertConfig;
use acsdesk_core::rollouts::tick;
use acsdesk_core::store::leases::LeaseTerms;
use acsdesk_types::firmware::{FailureThreshold, RolloutSpec, RolloutState};
use acsdesk_types::ActionStatus;
use common::T0;
use std::time::{Duration, Instant};

/// The runner's pass period.
const TICK_MS: i64 = 2_000;
/// From sending an update to the router proving its new version.
const UPDATE_MS: i64 = 60_000;
const CANARY: usize = 10;
const BATCH: usize = 1_000;

fn rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

fn main() {
    let mut args = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse::<u64>().ok());
    let routers = args.next().unwrap_or(10_000);
    let rate = args.next().unwrap_or(36_000).clamp(1, 3_600_000) as u32;
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(run(routers, rate));
}

async fn run(routers: u64, rate: u32) {
    println!(
        "AcsDesk rollout benchmark: {routers} routers, canary {CANARY}, batches of {BATCH}, at most {rate} an hour, a tick every {} s\n",
        TICK_MS / 1000
    );
    let fleet = common::synced_fleet(routers).await;
    // Synced: the routers' updates are simulated from here.
    drop(fleet.sandbox);
    let t = &fleet.tenant;
    // Every router of the fleet, whatever its model.
    let mut ids = Vec::new();
    let mut models: Vec<(String, String)> = t
        .firmware_spread()
        .await
        .expect("the spread")
        .into_iter()
        .map(|r| (r.product_class, r.oui))
        .collect();
    models.sort();
    models.dedup();
    for (pc, oui) in &models {
        for c in t
            .rollout_candidates("main", pc, Some(oui))
            .await
            .expect("candidates")
        {
            ids.push(c.device_id);
        }
    }
    let plan: Vec<(i64, u32)> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let batch = if i < CANARY {
                0
            } else {
                1 + (i - CANARY) / BATCH
            };
            (*id, batch as u32)
        })
        .collect();
    let spec = RolloutSpec {
        file: "bench.bin".into(),
        acs: Some("main".into()),
        model: None,
        from_version: None,
        linked_only: false,
        canary: CANARY as u32,
        batch: BATCH as u32,
        pause_min: 0,
        concurrency: 1_000_000,
        max_failures: FailureThreshold::Count(1_000_000),
        rate_per_hour: Some(rate),
        window: None,
        standing: None,
    };
    let id = t
        .create_rollout(
            "main",
            "bench.bin",
            Some("9.9.9"),
            &serde_json::to_string(&spec).expect("a spec"),
            &plan,
            T0,
        )
        .await
        .expect("a rollout");
    let lease = LeaseTerms {
        owner: "bench",
        ttl_ms: 365 * 86_400_000,
    };
    t.take_lease("main", lease, T0, None)
        .await
        .expect("the lease");
    let config = AlertConfig::default();
    let mut now = T0;
    let mut ticks: Vec<(u64, Duration)> = Vec::new();
    let mut rss_start = 0;
    let mut rss_half = 0;
    let mut rss_peak = 0;
    let wall = Instant::now();
    loop {
        let started = Instant::now();
        tick(t, "main", now, &config).await.expect("a tick");
        let took = started.elapsed();
        // The worker: a queued update is sent at once and proven a minute later.
        let devices = t.rollout_devices(id).await.expect("its routers");
        let dispatched = devices.iter().filter(|d| d.queued_ms.is_some()).count() as u64;
        ticks.push((dispatched, took));
        for d in devices.iter().filter(|d| d.state == "queued") {
            let (Some(action), Some((status, _))) = (d.action_id, &d.action) else {
                continue;
            };
            if status == ActionStatus::Pending.as_str() {
                t.claim_action(action, None, lease, now)
                    .await
                    .expect("sent");
            } else if d.queued_ms.is_some_and(|q| q + UPDATE_MS <= now) {
                t.finish_action(action, ActionStatus::Completed, None, now)
                    .await
                    .expect("proven");
            }
        }
        if rss_start == 0 && dispatched >= routers / 10 {
            rss_start = rss_bytes();
        }
        if rss_half == 0 && dispatched >= routers / 2 {
            rss_half = rss_bytes();
        }
        rss_peak = rss_peak.max(rss_bytes());
        if t.rollout(id).await.expect("the rollout").state != RolloutState::Running {
            break;
        }
        now += TICK_MS;
    }
    let wall = wall.elapsed();
    let rss_end = rss_bytes();
    let devices = t.rollout_devices(id).await.expect("its routers");
    let done = devices.iter().filter(|d| d.state == "done").count();
    // The rate within each batch (first to last dispatch), and over the whole run.
    let per_hour =
        |n: usize, span: i64| (n.saturating_sub(1)) as f64 * 3_600_000.0 / span.max(1) as f64;
    let mut batches: Vec<u32> = devices.iter().map(|d| d.batch).collect();
    batches.sort_unstable();
    batches.dedup();
    let mut within = Vec::new();
    for b in batches {
        let q: Vec<i64> = devices
            .iter()
            .filter(|d| d.batch == b)
            .filter_map(|d| d.queued_ms)
            .collect();
        // Whole ticks only: those after the batch's first and before its last (which
        // takes what is left) each dispatch what the rate allowed since the one before.
        let first = q.iter().min().copied().unwrap_or(0);
        let last = q.iter().max().copied().unwrap_or(0);
        let inner: Vec<i64> = q
            .iter()
            .copied()
            .filter(|t| *t > first && *t < last)
            .collect();
        if inner.len() >= 100 {
            let end = inner.iter().max().copied().unwrap_or(first);
            within.push(per_hour(inner.len() + 1, end - first) / f64::from(rate));
        }
    }
    let all: Vec<i64> = devices.iter().filter_map(|d| d.queued_ms).collect();
    let span = all.iter().max().copied().unwrap_or(0) - all.iter().min().copied().unwrap_or(0);
    let worst = within.iter().copied().fold(1.0_f64, |w, r| {
        if (r - 1.0).abs() > (w - 1.0).abs() {
            r
        } else {
            w
        }
    });
    println!(
        "{done} of {} routers updated in {:.1} h simulated ({} ticks, {:.1} s wall)",
        devices.len(),
        (now - T0) as f64 / 3_600_000.0,
        ticks.len(),
        wall.as_secs_f64()
    );
    println!(
        "dispatch rate within batches: mean {:.4}x R, furthest from R {:.4}x ({} batches); over the whole run {:.4}x R (the batches' last minute of proofs included)",
        within.iter().sum::<f64>() / within.len().max(1) as f64,
        worst,
        within.len(),
        per_hour(all.len(), span) / f64::from(rate)
    );
    let tenth = (ticks.len() / 10).max(1);
    let first = median(ticks[..tenth].iter().map(|t| t.1).collect());
    let last = median(ticks[ticks.len() - tenth..].iter().map(|t| t.1).collect());
    println!(
        "tick wall time, median: first tenth {:.2?}, last tenth {:.2?} = {:.2}x",
        first,
        last,
        last.as_secs_f64() / first.as_secs_f64().max(1e-9)
    );
    println!(
        "memory (RSS): at 10% dispatched {:.1} MB, at 50% {:.1} MB, peak {:.1} MB, end {:.1} MB = {:.2}x the 10% figure",
        rss_start as f64 / 1e6,
        rss_half as f64 / 1e6,
        rss_peak as f64 / 1e6,
        rss_end as f64 / 1e6,
        rss_end as f64 / rss_start.max(1) as f64
    );
}
