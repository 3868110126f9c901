//! The soak, small enough for every run: a 1,500-router fleet synced every two seconds
//! for 20 s while bulk actions run, routers drop, two evaluators race and the UI queries
//! — no "database is locked" (no error at all), no action lost or left unsettled, no
//! problem with two active alerts. `cargo bench -p acsdesk-app --bench soak` runs the
//! same on 20,000 routers and prints the UI queries' latencies.

// A test binary: a failed expect is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod run;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fleet_synced_while_actions_run_and_the_ui_reads_loses_nothing() {
    let s = run::soak(1_500, std::time::Duration::from_secs(20)).await;
    assert!(s.rounds >= 3, "syncs ran: {}", s.rounds);
    assert!(
        s.errors.is_empty(),
        "errors: {:?}",
        &s.errors[..s.errors.len().min(10)]
    );
    assert!(
        s.queued.len() >= 300,
        "bulk waves queued: {}",
        s.queued.len()
    );
    assert!(s.open.is_empty(), "every action ended: {:?}", s.open);
    assert_eq!(s.ended, s.queued.len());
    assert!(s.duplicated_alerts.is_empty(), "{:?}", s.duplicated_alerts);
    assert!(
        s.active_alerts > 0,
        "routers that went offline raised alerts"
    );
    assert!(!s.list.is_empty() && !s.facets.is_empty() && !s.device.is_empty());
    eprintln!(
        "soak: {} rounds, {} actions; device list p50 {:.2?} p99 {:.2?}",
        s.rounds,
        s.queued.len(),
        run::percentile(&s.list, 50.0),
        run::percentile(&s.list, 99.0)
    );
}
