//! One post-sync pipeline: the same frozen sandbox fleet synced once by `acsdesk sync`
//! (the CLI's path) and once by the desktop's poller (`acsdesk_app::Desk`) ends with the
//! same devices, logs, samples, health and alerts in both tenants.

use acsdesk_app::{Desk, DeskEvent};
use acsdesk_core::charts::Metric;
use acsdesk_core::store::alerts::AlertQuery;
use acsdesk_core::store::{TenantStore, Workspace};
use acsdesk_types::devices::{DeviceFilter, DeviceSort};
use acsdesk_types::settings::{AddAcsRequest, AuthKind, UnlockTenantRequest};
use std::process::Command;
use std::time::Duration;

const PASS: &str = "one pipeline";

/// What a sync leaves in a tenant, without the local times at which it was written.
/// Samples are rolled up first at one instant for both: the roll-up runs on its own
/// schedule (after each CLI run, every five minutes in the desktop), not after a sync.
async fn contents(tenant: &TenantStore, rolled_up_at: i64) -> serde_json::Value {
    tenant.maintain_samples(rolled_up_at).await.unwrap();
    let page = tenant
        .list_devices(&DeviceFilter::default(), DeviceSort::default(), 0, 1000)
        .await
        .unwrap();
    let mut samples = Vec::new();
    for row in &page.rows {
        for metric in [Metric::Cpu, Metric::Memory, Metric::Uptime] {
            let points = tenant.series(&row.id, metric, 0, i64::MAX).await.unwrap();
            samples.push((row.id.clone(), format!("{metric:?}"), points));
        }
    }
    let logs: Vec<_> = tenant
        .logs(None, 10_000)
        .await
        .unwrap()
        .into_iter()
        .map(|l| (l.device, l.level, l.kind, l.message, l.payload))
        .collect();
    let minutes = regex::Regex::new(r"for \d+ min").unwrap();
    let mut alerts: Vec<_> = tenant
        .find_alerts(&AlertQuery {
            limit: 10_000,
            ..AlertQuery::default()
        })
        .await
        .unwrap()
        .into_iter()
        .map(|a| {
            // "offline for 15852 min" counts to the local now of each path's round.
            let message = minutes.replace_all(&a.message, "for N min").into_owned();
            (
                a.kind,
                a.subject_type,
                a.subject,
                a.severity,
                a.state,
                message,
            )
        })
        .collect();
    alerts.sort();
    let health = format!("{:?}", tenant.acs_health("main").await.unwrap());
    serde_json::json!({
        "total": page.total,
        "online": page.online,
        "rows": page.rows,
        "samples": samples,
        "logs": logs,
        "alerts": alerts,
        "health": health.split(" since_ms").next(),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_and_the_desktop_run_the_same_post_sync_pipeline() {
    // Frozen, and long before now: every router is offline for both paths alike, so
    // presence and the offline alerts cannot depend on when each path ran.
    let sandbox = acsdesk_sandbox::Sandbox::builder(1_795_467_600_000)
        .devices(25)
        .speed(0.0)
        .start()
        .await
        .unwrap();
    let ids = sandbox.device_ids();
    acsdesk_core::http::install_crypto_provider();
    let http = reqwest::Client::new();
    let ppp = http
        .post(format!(
            "{}/_sandbox/devices/{}/ppp-fail",
            sandbox.url(),
            ids[3]
        ))
        .send()
        .await
        .unwrap();
    assert!(ppp.status().is_success());

    // The CLI's path: a tenant, the connection, one `acsdesk sync`.
    let cli_dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_acsdesk"))
            .args(args)
            .env("ACSDESK_DATA_DIR", cli_dir.path())
            .env("ACSDESK_PASSPHRASE", PASS)
            .env("ACSDESK_TENANT", "Same ISP")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&["tenant", "add", "Same ISP"]);
    run(&[
        "acs",
        "add",
        "main",
        "--url",
        &sandbox.url(),
        "--interval",
        "60",
    ]);
    run(&["sync"]);

    // The desktop's path: the same connection added in a session; its poller's first
    // round syncs, then announces the alerts it evaluated.
    let desk_dir = tempfile::tempdir().unwrap();
    let desk = Desk::open(desk_dir.path(), acsdesk_core::clock::system())
        .await
        .unwrap();
    desk.unlock_tenant(UnlockTenantRequest {
        name: None,
        passphrase: PASS.into(),
    })
    .await
    .unwrap();
    let mut events = desk.subscribe();
    desk.add_acs(AddAcsRequest {
        tenant: "Same ISP".into(),
        name: "main".into(),
        url: sandbox.url(),
        auth: AuthKind::None,
        user: None,
        secret: None,
        interval_s: 60,
        trust: Default::default(),
        cwmp_url: None,
        rate_per_s: acsdesk_types::settings::DEFAULT_RATE_PER_S,
    })
    .await
    .unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let mut synced = false;
    loop {
        match tokio::time::timeout_at(deadline, events.recv()).await {
            Ok(Ok(DeskEvent::DevicesChanged(_))) => synced = true,
            Ok(Ok(DeskEvent::Alerts { .. })) if synced => break,
            Ok(Ok(_)) => {}
            other => panic!("the desktop's first round never finished: {other:?}"),
        }
    }

    let open = |dir: std::path::PathBuf| async move {
        let ws = Workspace::open(&dir).await.unwrap();
        ws.open_tenant("Same ISP", Some(PASS)).await.unwrap()
    };
    let now = acsdesk_core::clock::system_now_ms();
    let by_cli = contents(&open(cli_dir.path().to_owned()).await, now).await;
    let by_desk = contents(&open(desk_dir.path().to_owned()).await, now).await;
    assert_eq!(by_cli["total"], 25);
    assert!(
        by_cli["alerts"].as_array().is_some_and(|a| a.len() >= 25),
        "every router is offline and alerted: {}",
        by_cli["alerts"]
    );
    assert!(by_cli["logs"].as_array().is_some_and(|l| !l.is_empty()));
    assert_eq!(by_cli["health"], "Ok {");
    for key in [
        "total", "online", "rows", "samples", "logs", "alerts", "health",
    ] {
        assert_eq!(
            by_cli[key], by_desk[key],
            "{key}: both paths leave the same tenant behind"
        );
    }
}
