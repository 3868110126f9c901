//! The soak: a sandbox fleet synced every two seconds (the pipeline the desktop and
//! `acsdesk watch` run, alert evaluation included) while bulk refreshes and reboots are
//! queued and sent, routers go offline, a second evaluator runs as another process's
//! would, and the UI's queries (the device list, its facets, a device page) run in a
//! loop. Returns what happened: every error seen, the actions' ends, the active alerts
//! per problem, and the UI queries' latencies. Shared by the soak test (a small fleet, in
//! CI) and `cargo bench -p acsdesk-app --bench soak` (20,000 routers, figures).

use acsdesk_app::runner::ActionRunner;
use acsdesk_app::Services;
use acsdesk_core::store::{KeyChoice, TenantStore, Workspace};
use acsdesk_types::actions::{ActionInput, BulkTargets, DeviceKey, QueueBulkRequest};
use acsdesk_types::devices::ListDevicesRequest;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// What the soak saw.
#[derive(Debug, Default)]
pub(crate) struct Soak {
    /// Sync rounds completed.
    pub(crate) rounds: usize,
    /// Every error any part met (a sync, a pass, a query, an evaluation).
    pub(crate) errors: Vec<String>,
    /// Actions queued.
    pub(crate) queued: Vec<i64>,
    /// Of those, how many ended (completed, failed) and how many did not.
    pub(crate) ended: usize,
    /// Actions not ended when the soak stopped following them, with their status.
    pub(crate) open: Vec<(i64, String)>,
    /// Problems with more than one active alert (kind, subject, count).
    pub(crate) duplicated_alerts: Vec<(String, String, i64)>,
    /// Active alerts at the end.
    pub(crate) active_alerts: i64,
    /// Latencies of the UI's queries during the soak, by query.
    pub(crate) list: Vec<Duration>,
    pub(crate) facets: Vec<Duration>,
    pub(crate) device: Vec<Duration>,
    /// The same queries on the idle tenant afterwards (the baseline).
    pub(crate) idle_list: Vec<Duration>,
    pub(crate) idle_facets: Vec<Duration>,
    pub(crate) idle_device: Vec<Duration>,
}

/// One round of the UI's queries: the device list's first 200 rows, its facets, one
/// device page; their latencies, and any error.
async fn ui_queries(
    services: &Services,
    id: &str,
) -> ([Duration; 3], Vec<acsdesk_types::IpcError>) {
    let t = Instant::now();
    let list = services
        .list_devices(ListDevicesRequest {
            limit: 200,
            ..ListDevicesRequest::default()
        })
        .await;
    let list_t = t.elapsed();
    let t = Instant::now();
    let facets = services.device_facets().await;
    let facets_t = t.elapsed();
    let t = Instant::now();
    let device = services.get_device(id).await;
    let device_t = t.elapsed();
    let errors = [list.err(), facets.err(), device.err()]
        .into_iter()
        .flatten()
        .collect();
    ([list_t, facets_t, device_t], errors)
}

/// `p` (0–100) of the latencies, sorted.
pub(crate) fn percentile(v: &[Duration], p: f64) -> Duration {
    let mut v = v.to_vec();
    v.sort();
    if v.is_empty() {
        return Duration::ZERO;
    }
    let i = ((p / 100.0) * (v.len() - 1) as f64).round() as usize;
    v[i.min(v.len() - 1)]
}

fn enc(id: &str) -> String {
    percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// Runs the soak over `devices` routers for `run_for`.
pub(crate) async fn soak(devices: u64, run_for: Duration) -> Soak {
    acsdesk_core::http::install_crypto_provider();
    let now = acsdesk_core::clock::system_now_ms();
    let sandbox = acsdesk_sandbox::Sandbox::builder(now)
        .devices(devices)
        .seed(7)
        .speed(30.0)
        .start()
        .await
        .expect("a sandbox");
    let dir = tempfile::tempdir().expect("a temp dir");
    let ws = Workspace::open(dir.path()).await.expect("a workspace");
    let tenant = ws
        .create_tenant("Soak ISP", KeyChoice::Passphrase("soak".into()), now)
        .await
        .expect("a tenant");
    tenant
        .add_acs(
            &acsdesk_core::store::acs::NewAcs {
                name: "main".into(),
                url: sandbox.url(),
                auth_kind: "none".into(),
                auth_user: None,
                auth_secret: None,
                cwmp_url: None,
                rate_per_s: 1000,
                interval_s: 5,
            },
            now,
        )
        .await
        .expect("a connection");
    let clock = acsdesk_core::clock::system();
    acsdesk_app::pipeline::sync_round(&tenant, "main", true, clock(), |_| {})
        .await
        .expect("the first sync");
    let ids = sandbox.device_ids();
    let report = Arc::new(Mutex::new(Soak::default()));
    let until = Instant::now() + run_for;
    let http = reqwest::Client::new();

    let syncer = {
        let (tenant, report, clock) = (tenant.clone(), report.clone(), clock.clone());
        async move {
            while Instant::now() < until {
                match acsdesk_app::pipeline::sync_round(&tenant, "main", false, clock(), |_| {})
                    .await
                {
                    Ok(round) => {
                        let mut r = report.lock().await;
                        r.rounds += 1;
                        if let Err(e) = round.sync {
                            r.errors.push(format!("sync: {e}"));
                        }
                    }
                    Err(e) => report.lock().await.errors.push(format!("round: {e}")),
                }
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        }
    };
    // Another process's evaluator (the desktop and `acsdesk watch` both evaluate).
    let evaluator = {
        let (tenant, report, clock) = (tenant.clone(), report.clone(), clock.clone());
        async move {
            while Instant::now() < until {
                if let Err(e) = acsdesk_app::pipeline::evaluate(&tenant, clock()).await {
                    report.lock().await.errors.push(format!("evaluate: {e}"));
                }
                tokio::time::sleep(Duration::from_millis(700)).await;
            }
        }
    };
    let bulk = {
        let (tenant, report, clock, ids, http, url) = (
            tenant.clone(),
            report.clone(),
            clock.clone(),
            ids.clone(),
            http.clone(),
            sandbox.url(),
        );
        async move {
            let services = Services::new(tenant.clone(), clock.clone(), "soak");
            let runner = ActionRunner::new(tenant.clone(), clock.clone(), 8);
            let mut wave = 0_usize;
            let mut next_wave = Instant::now();
            while Instant::now() < until {
                if Instant::now() >= next_wave {
                    next_wave = Instant::now() + Duration::from_secs(5);
                    // A hundred routers per wave; a few of them go offline first.
                    let chunk: Vec<DeviceKey> = ids
                        .iter()
                        .cycle()
                        .skip(wave * 100)
                        .take(100.min(ids.len()))
                        .map(|id| DeviceKey {
                            acs: "main".into(),
                            id: id.clone(),
                        })
                        .collect();
                    for k in chunk.iter().take(5) {
                        let _ = http
                            .post(format!("{url}/_sandbox/devices/{}/offline", enc(&k.id)))
                            .send()
                            .await;
                    }
                    let action = if wave % 3 == 2 {
                        ActionInput::Reboot
                    } else {
                        ActionInput::Refresh
                    };
                    match services
                        .queue_bulk_action(QueueBulkRequest {
                            targets: BulkTargets::Devices { devices: chunk },
                            action,
                        })
                        .await
                    {
                        Ok(q) => report.lock().await.queued.extend(q.ids),
                        Err(e) => report.lock().await.errors.push(format!("bulk: {e}")),
                    }
                    wave += 1;
                }
                match runner.pass("main").await {
                    Ok(pass) => {
                        if !pass.errors.is_empty() {
                            report.lock().await.errors.extend(pass.errors);
                        }
                    }
                    Err(e) => report.lock().await.errors.push(format!("pass: {e}")),
                }
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            runner
        }
    };
    let ui = {
        let (tenant, report, clock, ids) =
            (tenant.clone(), report.clone(), clock.clone(), ids.clone());
        async move {
            let services = Services::new(tenant, clock, "desktop");
            let mut i = 0_usize;
            while Instant::now() < until {
                let ([list, facets, device], errors) =
                    ui_queries(&services, &ids[(i * 7919) % ids.len()]).await;
                let mut r = report.lock().await;
                r.list.push(list);
                r.facets.push(facets);
                r.device.push(device);
                r.errors
                    .extend(errors.into_iter().map(|e| format!("ui: {e}")));
                drop(r);
                i += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    };
    let ((), (), runner, ()) = tokio::join!(syncer, evaluator, bulk, ui);
    // Every queued action is followed to its end (reboots wait for their routers).
    for id in &ids {
        let _ = http
            .post(format!(
                "{}/_sandbox/devices/{}/online",
                sandbox.url(),
                enc(id)
            ))
            .send()
            .await;
    }
    let settle = Instant::now() + Duration::from_secs(120);
    let queued = report.lock().await.queued.clone();
    let open = loop {
        let _ = runner.pass("main").await;
        let mut open = Vec::new();
        for id in &queued {
            match tenant.action(*id).await {
                Ok(a) if !a.status.is_final() => open.push((*id, a.status.as_str().to_owned())),
                Ok(_) => {}
                Err(e) => open.push((*id, format!("lost: {e}"))),
            }
        }
        if open.is_empty() || Instant::now() > settle {
            break open;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    };
    runner.release().await;
    let mut r = std::mem::take(&mut *report.lock().await);
    let services = Services::new(tenant.clone(), clock.clone(), "desktop");
    for i in 0..30 {
        let ([list, facets, device], errors) =
            ui_queries(&services, &ids[(i * 7919) % ids.len()]).await;
        r.idle_list.push(list);
        r.idle_facets.push(facets);
        r.idle_device.push(device);
        r.errors
            .extend(errors.into_iter().map(|e| format!("ui (idle): {e}")));
    }
    r.ended = queued.len() - open.len();
    r.open = open;
    (r.duplicated_alerts, r.active_alerts) = alert_counts(&tenant).await;
    tenant.close().await;
    sandbox.shutdown().await;
    r
}

/// Problems with more than one active alert, and how many alerts are active.
async fn alert_counts(tenant: &TenantStore) -> (Vec<(String, String, i64)>, i64) {
    let alerts = tenant.alerts(None, 1_000_000).await.unwrap_or_default();
    let mut per: std::collections::HashMap<(String, String), i64> = Default::default();
    let mut active = 0;
    for a in alerts.iter().filter(|a| a.state != "resolved") {
        active += 1;
        *per.entry((a.kind.clone(), a.subject.clone())).or_default() += 1;
    }
    let dup = per
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|((k, s), n)| (k, s, n))
        .collect();
    (dup, active)
}
