//! Alerting end to end against the sandbox and the real encrypted store: maintenance
//! windows, per-device thresholds, GenieACS faults, sustained load, digests, history,
//! and delivery to webhook channels (signed, retried, failures recorded).

use super::channels::{signature, Webhook};
use super::engine::{evaluate, AlertConfig};
use super::reconcile::Delivery;
use crate::store::channels::ChannelConfig;
use crate::store::TenantStore;
use crate::sync::nbi::NbiSource;
use crate::sync::{sync_once, SyncOptions};
use crate::testkit::{synced_tenant, TestTenant};
use acsdesk_sandbox::SandboxHandle;
use std::time::Duration;

const T0: i64 = 1_795_467_600_000;
const MIN: i64 = 60_000;

struct Lab {
    _dir: tempfile::TempDir,
    sandbox: SandboxHandle,
    t: TenantStore,
    genie: acsdesk_genieacs::Client,
    http: reqwest::Client,
}

async fn lab(devices: u64) -> Lab {
    let sandbox = acsdesk_sandbox::Sandbox::builder(T0)
        .devices(devices)
        .seed(5)
        .speed(0.0)
        .start()
        .await
        .unwrap();
    let TestTenant { dir, store: t } = synced_tenant("Acme", &sandbox.url(), 100, T0).await;
    let genie = acsdesk_genieacs::Client::builder(sandbox.url())
        .rate_limit(1000, 1000, 8)
        .build()
        .unwrap();
    let lab = Lab {
        _dir: dir,
        sandbox,
        t,
        genie,
        http: crate::http::client(Duration::from_secs(5)).unwrap(),
    };
    lab.sync().await;
    lab
}

impl Lab {
    fn now(&self) -> i64 {
        self.sandbox.clock().now_ms()
    }

    async fn sync(&self) {
        sync_once(
            &NbiSource::new(self.genie.clone()),
            &self.t.sync_store("main").await.unwrap(),
            &SyncOptions::default(),
            self.now(),
            |_| {},
        )
        .await
        .unwrap();
        crate::sync::round::refresh_faults(&self.t, "main", &self.genie, self.now())
            .await
            .unwrap();
    }

    /// Syncs and evaluates every minute for `minutes`, returning every delivery.
    async fn run(&self, minutes: i64, config: &AlertConfig) -> Vec<Delivery> {
        let mut out = Vec::new();
        for _ in 0..minutes {
            self.sandbox.advance(MIN);
            self.sync().await;
            out.extend(evaluate(&self.t, &[], config, self.now()).await.unwrap());
        }
        out
    }

    /// Raises the alerts the simulated fleet starts with (routers already down, PPP
    /// already failing), so a test sees only what it causes.
    async fn settle(&self, config: &AlertConfig) {
        evaluate(&self.t, &[], config, self.now()).await.unwrap();
    }

    async fn online(&self, n: usize) -> Vec<String> {
        let page = self
            .t
            .list_devices(&Default::default(), Default::default(), 0, 1000)
            .await
            .unwrap();
        page.rows
            .into_iter()
            .filter(|r| r.online)
            .take(n)
            .map(|r| r.id)
            .collect()
    }

    async fn scenario(&self, id: &str, what: &str) {
        let enc = percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC);
        let r = self
            .http
            .post(format!(
                "{}/_sandbox/devices/{enc}/{what}",
                self.sandbox.url()
            ))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
    }

    async fn alert_of(&self, device: &str, kind: &str) -> Option<crate::store::alerts::AlertRow> {
        self.t
            .find_alerts(&crate::store::alerts::AlertQuery {
                device: Some(device.into()),
                kind: Some(kind.into()),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_iter()
            .next()
    }
}

fn about(deliveries: &[Delivery], device: &str) -> bool {
    deliveries.iter().any(|d| match d {
        Delivery::Single(p) => p.key.subject == super::Subject::Device(device.into()),
        Delivery::Digest { problems, .. } => problems
            .iter()
            .any(|p| p.key.subject == super::Subject::Device(device.into())),
    })
}

/// A maintenance window silences delivery but the alert is still recorded, and its
/// history says so; after the window, alerts are notified again.
#[tokio::test]
async fn a_maintenance_window_records_but_does_not_notify() {
    let lab = lab(12).await;
    let config = AlertConfig::default();
    lab.settle(&config).await;
    let ids = lab.online(2).await;
    let window = lab
        .t
        .add_maintenance(
            None,
            lab.now(),
            lab.now() + 60 * MIN,
            "fibre works",
            lab.now(),
        )
        .await
        .unwrap();
    lab.scenario(&ids[0], "offline").await;
    let during = lab.run(35, &config).await;
    assert!(!about(&during, &ids[0]), "silenced: {during:?}");
    let alert = lab
        .alert_of(&ids[0], "device_offline")
        .await
        .expect("recorded");
    assert_eq!(alert.state, "open");
    let history = lab.t.alert_history(alert.id).await.unwrap();
    let events: Vec<&str> = history.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(events, vec!["raised", "silenced"], "{history:?}");
    // Refused: a window that is already over.
    assert!(lab
        .t
        .add_maintenance(None, lab.now() - 2 * MIN, lab.now() - MIN, "", lab.now())
        .await
        .is_err());
    lab.t.end_maintenance(window, lab.now()).await.unwrap();
    assert!(lab
        .t
        .active_maintenance(lab.now())
        .await
        .unwrap()
        .is_empty());
    lab.scenario(&ids[1], "offline").await;
    let after = lab.run(35, &config).await;
    assert!(about(&after, &ids[1]), "{after:?}");
    let notified = lab.alert_of(&ids[1], "device_offline").await.unwrap();
    let events: Vec<String> = lab
        .t
        .alert_history(notified.id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event)
        .collect();
    assert_eq!(events, vec!["raised", "notified"]);
    // A window on one device silences only that device.
    let ids = lab.online(2).await;
    lab.t
        .add_maintenance(
            Some(&super::Subject::Device(ids[0].clone())),
            lab.now(),
            lab.now() + 60 * MIN,
            "",
            lab.now(),
        )
        .await
        .unwrap();
    lab.scenario(&ids[0], "offline").await;
    lab.scenario(&ids[1], "offline").await;
    let partial = lab.run(35, &config).await;
    assert!(
        !about(&partial, &ids[0]) && about(&partial, &ids[1]),
        "{partial:?}"
    );
}

/// A device with its own offline threshold alerts sooner than the tenant's 10 minutes.
#[tokio::test]
async fn a_device_threshold_overrides_the_tenants() {
    let lab = lab(12).await;
    let ids = lab.online(2).await;
    lab.t
        .set_device_offline_after(&ids[0], Some(1))
        .await
        .unwrap();
    assert!(lab
        .t
        .set_device_offline_after(&ids[0], Some(0))
        .await
        .is_err());
    assert!(lab
        .t
        .set_device_offline_after("nope", Some(5))
        .await
        .is_err());
    for id in &ids {
        lab.scenario(id, "offline").await;
    }
    let config = AlertConfig::default();
    // The sync marks them offline once their deadline passes (interval × 2 + 2 min).
    let mut first = Vec::new();
    for _ in 0..25 {
        first.extend(lab.run(1, &config).await);
        if about(&first, &ids[0]) {
            break;
        }
    }
    assert!(about(&first, &ids[0]), "its own 1 minute: {first:?}");
    assert!(
        !about(&first, &ids[1]),
        "the other waits for the tenant's 10"
    );
    let later = lab.run(35, &config).await;
    assert!(about(&later, &ids[1]));
    // Back to the tenant's threshold.
    lab.t.set_device_offline_after(&ids[0], None).await.unwrap();
}

/// Faults of tasks queued outside AcsDesk (a reboot the router refused, someone's
/// download) are not provisioning or firmware problems: they are a "task failed" line in
/// the device's log, once, and raise no alert. (Faults on presets' channels raise them:
/// `rules::tests`; AcsDesk's own tasks fail their action, which alerts.)
#[tokio::test]
async fn faults_of_tasks_queued_outside_acsdesk_are_logged_not_alerted() {
    use acsdesk_genieacs::api::tasks::{Filter, Task};
    let lab = lab(12).await;
    let ids = lab.online(1).await;
    let id = acsdesk_genieacs::DeviceId::new(&ids[0]);
    let config = AlertConfig::default();
    let bad = lab
        .genie
        .tasks()
        .create(
            &id,
            Task::GetParameterValues {
                parameter_names: vec!["Nonexistent.Parameter".into()],
            },
        )
        .connection_request(Duration::from_secs(3))
        .send()
        .await
        .unwrap();
    assert!(
        matches!(
            bad,
            acsdesk_genieacs::api::tasks::TaskOutcome::Faulted { .. }
        ),
        "{bad:?}"
    );
    let flash = lab
        .genie
        .tasks()
        .create(&id, Task::download("no-such-image.bin"))
        .connection_request(Duration::from_secs(3))
        .send()
        .await
        .unwrap();
    // The transfer's fault comes with the TransferComplete, at the router's next session.
    lab.sandbox.advance(11 * MIN);
    lab.sync().await;
    let faults = lab.genie.faults().list(Filter::all()).await.unwrap();
    assert_eq!(faults.len(), 2, "{faults:?} after {flash:?}");
    let raised = evaluate(&lab.t, &[], &config, lab.now()).await.unwrap();
    assert!(
        !about(&raised, &ids[0]),
        "no alert for someone else's tasks: {raised:?}"
    );
    assert!(lab.alert_of(&ids[0], "provisioning_failed").await.is_none());
    assert!(lab.alert_of(&ids[0], "firmware_failed").await.is_none());
    let failed: Vec<_> = lab
        .t
        .logs(Some(&ids[0]), 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|l| l.kind == "task_failed")
        .collect();
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert!(
        failed.iter().any(|l| l.message.contains("cwmp.9005")),
        "{failed:?}"
    );
    assert!(failed.iter().all(|l| !l.message.contains("Provisioning")));
    // Seen again at the next sync: not logged twice.
    lab.sync().await;
    let again = lab.t.logs(Some(&ids[0]), 100).await.unwrap();
    assert_eq!(again.iter().filter(|l| l.kind == "task_failed").count(), 2);
}

/// High CPU must be sustained for the window; a digest threshold is the tenant's.
#[tokio::test]
async fn sustained_load_and_a_configurable_digest() {
    let lab = lab(12).await;
    let ids = lab.online(4).await;
    let row: i64 = sqlx::query_scalar("SELECT id FROM devices WHERE genie_id = ?")
        .bind(&ids[0])
        .fetch_one(lab.t.pool())
        .await
        .unwrap();
    let now = lab.now();
    for m in 0..20 {
        sqlx::query("INSERT OR REPLACE INTO device_samples (device_id, resolution, at_ms, cpu_pct) VALUES (?, 0, ?, ?)")
            .bind(row)
            .bind(now - (20 - m) * MIN)
            .bind(if m < 3 { 40.0 } else { 97.0 })
            .execute(lab.t.pool())
            .await
            .unwrap();
    }
    let mut config = AlertConfig::default();
    lab.settle(&config).await;
    assert!(
        evaluate(&lab.t, &[], &config, now)
            .await
            .unwrap()
            .is_empty(),
        "off by default"
    );
    config.rules.cpu_threshold_pct = Some(90.0);
    config.rules.load_window_min = 30;
    assert!(
        evaluate(&lab.t, &[], &config, now)
            .await
            .unwrap()
            .is_empty(),
        "17 min < 30"
    );
    config.rules.load_window_min = 15;
    let raised = evaluate(&lab.t, &[], &config, now).await.unwrap();
    assert!(
        matches!(raised.as_slice(), [Delivery::Single(p)] if p.key.kind == super::AlertKind::HighCpu),
        "{raised:?}"
    );
    // Three devices lose power at once; a digest from 3 alerts on.
    config.digest_threshold = 3;
    for id in &ids[1..4] {
        lab.scenario(id, "offline").await;
    }
    // Found offline together (the desk was asleep through the cut): one digest.
    lab.sandbox.advance(35 * MIN);
    lab.sync().await;
    let power_cut = evaluate(&lab.t, &[], &config, lab.now()).await.unwrap();
    let digest = power_cut
        .iter()
        .find_map(|d| match d {
            Delivery::Digest { problems, .. } => Some(problems),
            _ => None,
        })
        .unwrap_or_else(|| panic!("one digest: {power_cut:?}"));
    for id in &ids[1..4] {
        let subject = super::Subject::Device(id.clone());
        assert!(
            digest.iter().any(|p| p.key.subject == subject),
            "{id} in the digest"
        );
        assert!(
            !power_cut
                .iter()
                .any(|d| matches!(d, Delivery::Single(p) if p.key.subject == subject)),
            "not one by one"
        );
    }
    // Settings round-trip through the store, validated.
    let mut stored = lab.t.alert_settings().await.unwrap();
    stored.digest_threshold = 3;
    stored.cpu_threshold_pct = Some(90.0);
    lab.t.set_alert_settings(&stored).await.unwrap();
    let loaded = lab.t.alert_config().await.unwrap();
    assert_eq!(
        (loaded.digest_threshold, loaded.rules.cpu_threshold_pct),
        (3, Some(90.0))
    );
    stored.cpu_threshold_pct = Some(500.0);
    assert!(lab.t.set_alert_settings(&stored).await.is_err());
}

/// New alerts reach the webhook signed with its secret; a channel that keeps failing is
/// retried, recorded in the alert's history, and does not stop the others.
#[tokio::test]
async fn webhooks_receive_signed_alerts_and_failures_are_recorded() {
    use axum::extract::State;
    use axum::http::{HeaderMap, StatusCode};
    use std::sync::{Arc, Mutex};
    type Seen = Arc<Mutex<Vec<(HeaderMap, Vec<u8>)>>>;
    async fn ok(
        State(seen): State<Seen>,
        headers: HeaderMap,
        body: axum::body::Bytes,
    ) -> StatusCode {
        seen.lock().unwrap().push((headers, body.to_vec()));
        StatusCode::NO_CONTENT
    }
    async fn broken(State(seen): State<Seen>, headers: HeaderMap) -> StatusCode {
        seen.lock().unwrap().push((headers, Vec::new()));
        StatusCode::SERVICE_UNAVAILABLE
    }
    let seen: Seen = Arc::default();
    let app = axum::Router::new()
        .route("/hook", axum::routing::post(ok))
        .route("/down", axum::routing::post(broken))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });

    let lab = lab(12).await;
    let secret = "a-long-enough-hmac-secret";
    lab.t
        .add_channel(
            "noc",
            &ChannelConfig::Webhook(Webhook {
                url: format!("http://{addr}/hook?token=XYZZY-TOKEN"),
                secret: Some(secret.into()),
            }),
            lab.now(),
        )
        .await
        .unwrap();
    lab.t
        .add_channel(
            "flaky",
            &ChannelConfig::Webhook(Webhook {
                url: format!("http://{addr}/down"),
                secret: None,
            }),
            lab.now(),
        )
        .await
        .unwrap();
    assert!(lab
        .t
        .add_channel(
            "bad",
            &ChannelConfig::Webhook(Webhook {
                url: "ftp://x".into(),
                secret: None
            }),
            lab.now()
        )
        .await
        .is_err());
    let listed = serde_json::to_string(&lab.t.channels().await.unwrap()).unwrap();
    assert!(
        !listed.contains("XYZZY") && !listed.contains(secret),
        "{listed}"
    );

    lab.settle(&AlertConfig::default()).await;
    let ids = lab.online(1).await;
    lab.scenario(&ids[0], "offline").await;
    let deliveries: Vec<Delivery> = lab
        .run(35, &AlertConfig::default())
        .await
        .into_iter()
        .filter(|d| about(std::slice::from_ref(d), &ids[0]))
        .collect();
    assert_eq!(deliveries.len(), 1, "{deliveries:?}");
    // Written to the outbox first, then sent: one attempt per drain, retries with later
    // drains.
    let outbound = super::channels::Outbound::new(super::channels::RetryPolicy {
        attempts: 1,
        min_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(20),
        timeout: Duration::from_secs(2),
    })
    .unwrap();
    assert_eq!(
        super::deliver::enqueue(&lab.t, &deliveries, lab.now())
            .await
            .unwrap(),
        2,
        "one notification per channel"
    );
    let outcomes = super::deliver::drain(&lab.t, &outbound, lab.now())
        .await
        .unwrap();
    let by_name = |n: &str| {
        outcomes
            .iter()
            .find(|o| o.channel == n)
            .unwrap()
            .result
            .clone()
    };
    assert_eq!(by_name("noc"), Ok(1));
    let failed = by_name("flaky").unwrap_err();
    assert!(failed.contains("HTTP 503"), "{failed}");
    // Not due again before its backoff; then tried until given up.
    assert!(super::deliver::drain(&lab.t, &outbound, lab.now())
        .await
        .unwrap()
        .is_empty());
    let mut at = lab.now();
    for attempt in 2..=super::deliver::MAX_ATTEMPTS {
        at += super::deliver::backoff_ms(attempt - 1);
        let o = super::deliver::drain(&lab.t, &outbound, at).await.unwrap();
        assert_eq!(o.len(), 1, "attempt {attempt}");
    }
    at += super::deliver::backoff_ms(super::deliver::MAX_ATTEMPTS);
    assert!(super::deliver::drain(&lab.t, &outbound, at)
        .await
        .unwrap()
        .is_empty());
    assert!(lab.t.pending_outbox().await.unwrap().is_empty(), "given up");
    {
        let seen = seen.lock().unwrap();
        let hook: Vec<_> = seen.iter().filter(|(_, b)| !b.is_empty()).collect();
        assert_eq!(hook.len(), 1);
        let (headers, body) = hook[0];
        let ts: i64 = headers["x-acsdesk-timestamp"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(
            headers["x-acsdesk-signature"].to_str().unwrap(),
            signature(secret, ts, body)
        );
        let json: serde_json::Value = serde_json::from_slice(body).unwrap();
        assert_eq!(json["kind"], "device_offline");
        assert_eq!(json["tenant"], "Acme");
        assert_eq!(json["subject"], ids[0].as_str());
        assert_eq!(
            json["delivery_id"].as_str(),
            headers["idempotency-key"].to_str().ok()
        );
        let down: Vec<_> = seen.iter().filter(|(_, b)| b.is_empty()).collect();
        assert_eq!(
            down.len() as i64,
            super::deliver::MAX_ATTEMPTS,
            "the failing one was tried that many times"
        );
        let ids: std::collections::HashSet<_> = down
            .iter()
            .map(|(h, _)| h["x-acsdesk-delivery"].to_str().unwrap().to_owned())
            .collect();
        assert_eq!(ids.len(), 1, "one delivery id on every attempt");
        assert_ne!(
            ids.iter().next().map(String::as_str),
            headers["x-acsdesk-delivery"].to_str().ok(),
            "each channel's notification has its own"
        );
    }
    let alert = lab.alert_of(&ids[0], "device_offline").await.unwrap();
    let history = lab.t.alert_history(alert.id).await.unwrap();
    assert!(history
        .iter()
        .any(|e| e.event == "delivered" && e.detail.starts_with("to noc (attempt 1, delivery ")));
    assert!(history.iter().any(|e| e.event == "delivery_retry"
        && e.detail.contains("flaky")
        && e.detail.contains("next try at")));
    assert!(history.iter().any(|e| e.event == "delivery_failed"
        && e.detail.contains("flaky")
        && e.detail.contains("gave up after attempt 8")));
    assert!(
        history.iter().all(|e| !e.detail.contains("XYZZY")),
        "no secret in the history: {history:?}"
    );
    // The "send test" path, and a channel that does not exist.
    assert_eq!(
        super::deliver::test_channel(&lab.t, "noc", lab.now()).await,
        Ok(1)
    );
    assert!(super::deliver::test_channel(&lab.t, "nope", lab.now())
        .await
        .unwrap_err()
        .contains("not found"));
    lab.t.set_channel_enabled("flaky", false).await.unwrap();
    lab.t.remove_channel("noc").await.unwrap();
    assert!(lab.t.enabled_channels().await.unwrap().is_empty());
}

impl Lab {
    /// Uploads a firmware image for `device`'s model, with `version` in its metadata.
    async fn upload_image(&self, name: &str, device: &str, version: Option<&str>) {
        let device = self.t.device(device).await.unwrap().normalized;
        let dir = tempfile::tempdir().unwrap();
        let image = dir.path().join("image.bin");
        std::fs::write(&image, vec![0x5a_u8; 64 * 1024]).unwrap();
        self.genie
            .files()
            .upload(
                name,
                &image,
                &acsdesk_genieacs::api::files::FileMetadata {
                    file_type: Some("1 Firmware Upgrade Image".into()),
                    oui: Some(device.oui.clone()),
                    product_class: Some(device.product_class.clone()),
                    version: version.map(str::to_owned),
                },
            )
            .await
            .unwrap();
    }

    /// Queues a firmware update of `device` to `file` and sends it; returns the action,
    /// its request and the worker that follows it.
    async fn send_firmware(
        &self,
        device: &str,
        file: &str,
        version: Option<&str>,
    ) -> (
        crate::store::actions::ActionRow,
        crate::actions::ActionRequest,
        crate::actions::worker::Worker,
    ) {
        let request = crate::actions::ActionRequest::UpdateFirmware {
            file: file.into(),
            version: version.map(str::to_owned),
        };
        let a = self
            .t
            .enqueue_action(device, &request, "noc", self.now())
            .await
            .unwrap();
        let worker = self.worker();
        worker.try_execute_next().await.unwrap();
        (a, request, worker)
    }

    /// A worker on the sandbox's clock.
    fn worker(&self) -> crate::actions::worker::Worker {
        let clock = self.sandbox.clock_handle();
        crate::actions::worker::Worker::new(
            self.t.clone(),
            "main",
            self.genie.clone(),
            std::sync::Arc::new(move || clock.now_ms()),
        )
    }
}

/// A firmware image marked bad in the sandbox: the update fails with the transfer fault
/// GenieACS reports, and it is one firmware alert however often it is looked at.
#[tokio::test]
async fn a_bad_firmware_image_fails_its_update_and_raises_one_alert() {
    use crate::actions::ActionStatus;
    let lab = lab(12).await;
    let config = AlertConfig::default();
    lab.settle(&config).await;
    let id = lab.online(1).await.remove(0);
    lab.upload_image("fw-bad.bin", &id, Some("9.9.9")).await;
    let marked = lab
        .http
        .post(format!(
            "{}/_sandbox/files/fw-bad.bin/bad",
            lab.sandbox.url()
        ))
        .send()
        .await
        .unwrap();
    assert!(marked.status().is_success());
    let (a, _, worker) = lab.send_firmware(&id, "fw-bad.bin", Some("9.9.9")).await;
    let mut done = lab.t.action(a.id).await.unwrap();
    for _ in 0..60 {
        if done.status.is_final() {
            break;
        }
        lab.sandbox.advance(30_000);
        worker.follow_up().await.unwrap();
        done = lab.t.action(a.id).await.unwrap();
    }
    assert_eq!(done.status, ActionStatus::Failed, "{done:?}");
    assert_eq!(done.fault_code.as_deref(), Some("cwmp.9010"), "{done:?}");
    let reason = done.fault_message.clone().unwrap_or_default();
    let raised = super::engine::action_failed(&lab.t, &done, &reason, &config, lab.now())
        .await
        .unwrap();
    assert!(
        matches!(raised.as_slice(), [Delivery::Single(p)] if p.key.kind == super::AlertKind::FirmwareFailed
            && p.message.contains("fw-bad.bin")),
        "{raised:?}"
    );
    assert!(
        super::engine::action_failed(&lab.t, &done, &reason, &config, lab.now() + MIN)
            .await
            .unwrap()
            .is_empty(),
        "one alert"
    );
    // The worker removed its task's fault, so no provisioning alert appears for it.
    lab.sync().await;
    evaluate(&lab.t, &[], &config, lab.now()).await.unwrap();
    assert!(lab.alert_of(&id, "provisioning_failed").await.is_none());
    assert_eq!(
        lab.alert_of(&id, "firmware_failed").await.unwrap().state,
        "open"
    );
}

/// A firmware update as a real GenieACS runs it: the `download` task is gone as soon as
/// the router accepts it, the TransferComplete comes at a later session, then the image
/// boots. Each stage shows on the action and in the device's log, in that order.
#[tokio::test]
async fn a_firmware_update_shows_each_stage_until_the_new_version_is_proven() {
    use crate::actions::ActionStatus;
    use acsdesk_types::actions::ActionStage;
    let lab = lab(12).await;
    let id = lab.online(1).await.remove(0);
    let old = lab.t.device(&id).await.unwrap().normalized.firmware;
    lab.upload_image("fw-new.bin", &id, Some("9.9.9")).await;
    let (a, _, worker) = lab.send_firmware(&id, "fw-new.bin", None).await;
    let mut stages: Vec<ActionStage> = Vec::new();
    let mut done = lab.t.action(a.id).await.unwrap();
    for _ in 0..120 {
        if let Some(stage) = &done.stage {
            if stages.last() != Some(stage) {
                stages.push(stage.clone());
            }
        }
        if done.status.is_final() {
            break;
        }
        lab.sandbox.advance(15_000);
        worker.follow_up().await.unwrap();
        done = lab.t.action(a.id).await.unwrap();
    }
    assert_eq!(done.status, ActionStatus::Completed, "{done:?}");
    assert_eq!(done.stage, None, "an ended action has no stage");
    let words: Vec<&str> = stages.iter().map(ActionStage::word).collect();
    assert_eq!(words, ["downloading", "transferred"], "{stages:?}");
    assert!(
        matches!(&stages[1], ActionStage::TransferComplete { at_ms: Some(_), reports } if *reports == old),
        "the transfer is complete while the router still runs {old:?}: {stages:?}"
    );
    let logs = lab.t.logs(Some(&id), 50).await.unwrap();
    let stage_lines: Vec<&str> = logs
        .iter()
        .filter(|l| l.kind == "action_stage")
        .map(|l| l.message.as_str())
        .collect();
    assert!(
        stage_lines
            .iter()
            .any(|m| m.contains("downloading the image"))
            && stage_lines.iter().any(|m| m.contains("transfer complete")),
        "{stage_lines:?}"
    );
    lab.sync().await;
    let now = lab.t.device(&id).await.unwrap().normalized;
    assert_eq!(now.firmware.as_deref(), Some("9.9.9"));
}

/// An image the router accepts, transfers and never boots into (the lab's routers did
/// this): when the proof window ends the update fails saying so — not "not confirmed" —
/// and that failure is a firmware alert.
#[tokio::test]
async fn a_transfer_that_leaves_the_old_version_fails_with_that_reason_and_an_alert() {
    use crate::actions::ActionStatus;
    let lab = lab(12).await;
    let config = AlertConfig::default();
    lab.settle(&config).await;
    let id = lab.online(1).await.remove(0);
    let old = lab
        .t
        .device(&id)
        .await
        .unwrap()
        .normalized
        .firmware
        .unwrap();
    // No version in its metadata: the router keeps what it runs.
    lab.upload_image("fw-same.bin", &id, None).await;
    let (a, request, worker) = lab.send_firmware(&id, "fw-same.bin", None).await;
    let sent = lab.now();
    let mut done = lab.t.action(a.id).await.unwrap();
    for _ in 0..100 {
        if done.status.is_final() {
            break;
        }
        lab.sandbox.advance(30_000);
        worker.follow_up().await.unwrap();
        done = lab.t.action(a.id).await.unwrap();
    }
    assert_eq!(done.status, ActionStatus::Failed, "{done:?}");
    assert!(
        done.finished_ms.unwrap() - sent >= request.timeout().as_millis() as i64,
        "failed only when its proof window ended"
    );
    let reason = done.fault_message.clone().unwrap_or_default();
    assert!(
        reason.contains(&format!(
            "transfer completed but the router still reports {old}"
        )),
        "{reason}"
    );
    let raised = super::engine::action_failed(&lab.t, &done, &reason, &config, lab.now())
        .await
        .unwrap();
    assert!(
        matches!(raised.as_slice(), [Delivery::Single(p)] if p.key.kind == super::AlertKind::FirmwareFailed
            && p.message.contains("still reports")),
        "{raised:?}"
    );
}

/// A notification written to the outbox outlives the process that wrote it: another one
/// opening the tenant later finds it and delivers it, and two processes draining at once
/// send it once, with the delivery id it had from the start.
#[tokio::test]
async fn the_outbox_outlives_its_process_and_two_drains_send_once() {
    use axum::extract::State;
    use axum::http::{HeaderMap, StatusCode};
    use std::sync::{Arc, Mutex};
    type Seen = Arc<Mutex<Vec<String>>>;
    // Down for the first request, up after.
    async fn hook(State(seen): State<Seen>, headers: HeaderMap) -> StatusCode {
        let mut seen = seen.lock().unwrap();
        seen.push(
            headers
                .get("x-acsdesk-delivery")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned(),
        );
        if seen.len() == 1 {
            StatusCode::BAD_GATEWAY
        } else {
            StatusCode::NO_CONTENT
        }
    }
    let seen: Seen = Arc::default();
    let app = axum::Router::new()
        .route("/hook", axum::routing::post(hook))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });

    let lab = lab(12).await;
    lab.t
        .add_channel(
            "noc",
            &ChannelConfig::Webhook(Webhook {
                url: format!("http://{addr}/hook"),
                secret: None,
            }),
            lab.now(),
        )
        .await
        .unwrap();
    lab.settle(&AlertConfig::default()).await;
    let ids = lab.online(1).await;
    lab.scenario(&ids[0], "offline").await;
    let deliveries: Vec<Delivery> = lab
        .run(35, &AlertConfig::default())
        .await
        .into_iter()
        .filter(|d| about(std::slice::from_ref(d), &ids[0]))
        .collect();
    assert_eq!(
        super::deliver::enqueue(&lab.t, &deliveries, lab.now())
            .await
            .unwrap(),
        1
    );
    let outbound = super::channels::Outbound::new(super::channels::RetryPolicy {
        attempts: 1,
        timeout: Duration::from_secs(2),
        ..Default::default()
    })
    .unwrap();
    let first = super::deliver::drain(&lab.t, &outbound, lab.now())
        .await
        .unwrap();
    assert!(
        first[0]
            .result
            .as_ref()
            .is_err_and(|e| e.contains("HTTP 502")),
        "{first:?}"
    );
    // Two other processes open the tenant later: the notification waits there.
    let ws = crate::store::Workspace::open(lab._dir.path())
        .await
        .unwrap();
    let a = ws
        .open_tenant("Acme", Some("test passphrase"))
        .await
        .unwrap();
    let b = ws
        .open_tenant("Acme", Some("test passphrase"))
        .await
        .unwrap();
    let pending = a.pending_outbox().await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].attempts, 1);
    assert!(pending[0]
        .last_error
        .as_deref()
        .is_some_and(|e| e.contains("502")));
    let at = lab.now() + super::deliver::backoff_ms(1);
    let (ra, rb) = tokio::join!(
        super::deliver::drain(&a, &outbound, at),
        super::deliver::drain(&b, &outbound, at)
    );
    let sent: Vec<_> = ra.unwrap().into_iter().chain(rb.unwrap()).collect();
    assert_eq!(sent.len(), 1, "one of them sends it: {sent:?}");
    assert_eq!(sent[0].result, Ok(2));
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(
        !seen[0].is_empty() && seen[0] == seen[1],
        "the same delivery id: {seen:?}"
    );
    assert!(a.pending_outbox().await.unwrap().is_empty());
}

/// A rollout's batch whose routers all fail together (every one queued at once) halts
/// the rollout with one alert — it is never taken as completed — and a resume accepts
/// those failures.
#[tokio::test]
async fn a_batch_failing_all_at_once_halts_its_rollout_with_one_alert() {
    use acsdesk_types::firmware::RolloutState;
    let lab = lab(40).await;
    let config = AlertConfig::default();
    lab.settle(&config).await;
    let online = lab.online(40).await;
    let device = lab.t.device(&online[0]).await.unwrap().normalized;
    lab.upload_image("fw-rollout.bin", &online[0], Some("9.9.9"))
        .await;
    let marked = lab
        .http
        .post(format!(
            "{}/_sandbox/files/fw-rollout.bin/bad",
            lab.sandbox.url()
        ))
        .send()
        .await
        .unwrap();
    assert!(marked.status().is_success());
    let (id, routers) = lab
        .start_rollout(&device, "fw-rollout.bin", |_| {}, lab.now())
        .await;
    assert!(routers.len() >= 2);
    let worker = lab.worker();
    let mut raised = Vec::new();
    for _ in 0..80 {
        raised.extend(
            crate::rollouts::tick(&lab.t, "main", lab.now(), &config)
                .await
                .unwrap(),
        );
        while worker.try_execute_next().await.unwrap() != crate::actions::worker::Outcome::Idle {}
        if lab.t.rollout(id).await.unwrap().state != RolloutState::Running {
            break;
        }
        // Long enough for every router's TransferComplete: they all fail in one round.
        lab.sandbox.advance(20 * 60_000);
        worker.follow_up().await.unwrap();
    }
    let r = lab.t.rollout(id).await.unwrap();
    assert_eq!(r.state, RolloutState::Halted, "{r:?}");
    assert!(
        r.reason.as_deref().unwrap_or_default().contains("failed"),
        "{r:?}"
    );
    assert_eq!(raised.len(), 1, "one alert for the rollout: {raised:?}");
    // Halted, nothing more is queued; what was on its way ends (all fail: a bad image).
    for _ in 0..80 {
        let (devices, _) = crate::rollouts::settle(&lab.t, id, lab.now())
            .await
            .unwrap();
        if !devices.iter().any(|d| d.state == "queued") {
            assert!(devices.iter().all(|d| d.state == "failed"), "{devices:?}");
            break;
        }
        lab.sandbox.advance(30_000);
        worker.follow_up().await.unwrap();
    }
    // Resumed, its failures are accepted: nothing is left, so it completes.
    assert!(crate::rollouts::resume(&lab.t, id, lab.now())
        .await
        .unwrap());
    assert!(
        !crate::rollouts::resume(&lab.t, id, lab.now())
            .await
            .unwrap(),
        "running already"
    );
    crate::rollouts::tick(&lab.t, "main", lab.now(), &config)
        .await
        .unwrap();
    assert_eq!(
        lab.t.rollout(id).await.unwrap().state,
        RolloutState::Completed
    );
    // Its log tells the story in order, every failing router named.
    let log = lab.t.rollout_log(id, None).await.unwrap();
    let kinds: Vec<&str> = log.iter().map(|l| l.kind.as_str()).collect();
    let failed = kinds.iter().filter(|k| **k == "router_failed").count();
    assert_eq!(failed, routers.len(), "{kinds:?}");
    let at = |k: &str| kinds.iter().position(|x| *x == k);
    assert_eq!(at("batch_started"), Some(0), "{kinds:?}");
    assert!(
        at("halted") < at("resumed") && at("resumed") < at("completed"),
        "{kinds:?}"
    );
    assert!(at("completed").is_some(), "{kinds:?}");
    let resumed = &log[at("resumed").unwrap()];
    assert!(resumed.message.contains("accepting"), "{resumed:?}");
    assert_eq!(
        lab.t.rollout_log(id, Some(1)).await.unwrap(),
        log[log.len() - 1..],
        "a limit keeps the last lines"
    );
}

/// A router whose update is still on its way when a person resumes a halted rollout goes
/// on as `queued-at-halt`: its failure, when it comes (most likely the halt's cause), is
/// accepted with the halt's and does not halt the mended rollout again.
#[tokio::test]
async fn a_failure_still_on_its_way_at_a_resume_is_accepted_with_the_halts() {
    use acsdesk_types::firmware::RolloutState;
    use acsdesk_types::ActionStatus;
    let lab = lab(40).await;
    let config = AlertConfig::default();
    lab.settle(&config).await;
    let online = lab.online(40).await;
    let device = lab.t.device(&online[0]).await.unwrap().normalized;
    lab.upload_image("fw-late.bin", &online[0], Some("9.9.9"))
        .await;
    let (id, routers) = lab
        .start_rollout(&device, "fw-late.bin", |_| {}, lab.now())
        .await;
    assert!(routers.len() >= 2);
    crate::rollouts::tick(&lab.t, "main", lab.now(), &config)
        .await
        .unwrap();
    let devices = lab.t.rollout_devices(id).await.unwrap();
    let actions: Vec<i64> = devices.iter().filter_map(|d| d.action_id).collect();
    assert_eq!(actions.len(), routers.len(), "all queued: {devices:?}");
    // The runner's outcomes, decided here: the first router fails, the rollout halts
    // with the others still on their way.
    let fail = |action: i64| {
        let t = lab.t.clone();
        let now = lab.now();
        async move {
            t.finish_action(
                action,
                ActionStatus::Failed,
                Some(("9010", "the router could not download the image")),
                now,
            )
            .await
            .unwrap()
        }
    };
    fail(actions[0]).await;
    let raised = crate::rollouts::tick(&lab.t, "main", lab.now(), &config)
        .await
        .unwrap();
    assert_eq!(raised.len(), 1, "{raised:?}");
    assert_eq!(lab.t.rollout(id).await.unwrap().state, RolloutState::Halted);
    assert!(crate::rollouts::resume(&lab.t, id, lab.now())
        .await
        .unwrap());
    let states = |devices: Vec<crate::store::rollouts::RolloutDevice>| {
        let mut s: Vec<String> = devices.into_iter().map(|d| d.state).collect();
        s.sort();
        s.dedup();
        s
    };
    assert_eq!(
        states(lab.t.rollout_devices(id).await.unwrap()),
        ["failed-accepted", crate::rollouts::QUEUED_AT_HALT]
    );
    // The others fail too, after the resume: accepted, no second halt, no alert.
    for &a in &actions[1..] {
        fail(a).await;
    }
    let raised = crate::rollouts::tick(&lab.t, "main", lab.now(), &config)
        .await
        .unwrap();
    assert!(raised.is_empty(), "{raised:?}");
    let r = lab.t.rollout(id).await.unwrap();
    assert_eq!(r.state, RolloutState::Completed, "{r:?}");
    assert_eq!(
        states(lab.t.rollout_devices(id).await.unwrap()),
        ["failed-accepted"]
    );
    let log = lab.t.rollout_log(id, None).await.unwrap();
    let count = |k: &str| log.iter().filter(|l| l.kind == k).count();
    assert_eq!(count("halted"), 1, "{log:?}");
    assert_eq!(count("router_failed"), routers.len(), "{log:?}");
}

/// A rollout with a window queues nothing while it is closed (saying so once in its log,
/// with when it opens), and once open queues no faster than its rate.
#[tokio::test]
async fn a_rollout_waits_for_its_window_then_keeps_its_rate() {
    use acsdesk_types::firmware::RolloutWindow;
    const MIN: i64 = 60_000;
    let lab = lab(40).await;
    let config = AlertConfig::default();
    lab.settle(&config).await;
    let online = lab.online(40).await;
    let device = lab.t.device(&online[0]).await.unwrap().normalized;
    let midnight = lab.now() - lab.now() % (1440 * MIN) + 1440 * MIN;
    let (id, routers) = lab
        .start_rollout(
            &device,
            "fw-night.bin",
            |spec| {
                spec.rate_per_hour = Some(60);
                spec.window = Some(RolloutWindow::parse("01:00-02:00", None, "UTC").unwrap());
            },
            midnight,
        )
        .await;
    assert!(routers.len() >= 5);
    let queued_at = |now: i64| {
        let t = &lab.t;
        let config = &config;
        async move {
            crate::rollouts::tick(t, "main", now, config).await.unwrap();
            t.rollout_devices(id)
                .await
                .unwrap()
                .iter()
                .filter(|d| d.state == "queued")
                .count()
        }
    };
    assert_eq!(
        queued_at(midnight + 30 * MIN).await,
        0,
        "closed until 01:00"
    );
    assert_eq!(queued_at(midnight + 31 * MIN).await, 0);
    let log = lab.t.rollout_log(id, None).await.unwrap();
    let closed: Vec<_> = log.iter().filter(|l| l.kind == "window_closed").collect();
    assert_eq!(closed.len(), 1, "said once: {log:?}");
    assert!(
        closed[0].message.contains("updates start again") && closed[0].message.contains("01:00"),
        "{closed:?}"
    );
    let open = midnight + 60 * MIN;
    assert_eq!(queued_at(open).await, 1, "one an hour's sixtieth at a time");
    assert_eq!(queued_at(open + 30_000).await, 1);
    assert_eq!(queued_at(open + MIN).await, 2);
    // Ticks that came late catch up at most a minute's worth.
    assert_eq!(queued_at(open + 10 * MIN).await, 4);
    let log = lab.t.rollout_log(id, None).await.unwrap();
    assert!(log.iter().any(|l| l.kind == "window_open"), "{log:?}");
    assert_eq!(
        log.iter().filter(|l| l.kind == "batch_started").count(),
        1,
        "{log:?}"
    );
    // Closed again at 02:00: nothing more, whatever the rate allows.
    assert_eq!(queued_at(midnight + 130 * MIN).await, 4);
}

impl Lab {
    /// Starts a rollout of `file` (version 9.9.9) at `at_ms` over every router of
    /// `device`'s model, in one batch with no canary, all at once, halting at the first
    /// failure — as `adjust` leaves it. Its id and routers.
    async fn start_rollout(
        &self,
        device: &crate::normalize::NormalizedDevice,
        file: &str,
        adjust: impl FnOnce(&mut acsdesk_types::firmware::RolloutSpec),
        at_ms: i64,
    ) -> (i64, Vec<(i64, u32)>) {
        use acsdesk_types::firmware::{FailureThreshold, RolloutSpec};
        let candidates = self
            .t
            .rollout_candidates("main", &device.product_class, Some(&device.oui))
            .await
            .unwrap();
        let mut spec = RolloutSpec {
            file: file.into(),
            acs: Some("main".into()),
            model: None,
            from_version: None,
            linked_only: false,
            canary: 0,
            batch: 1000,
            pause_min: 0,
            concurrency: 1000,
            max_failures: FailureThreshold::Count(0),
            rate_per_hour: None,
            window: None,
            standing: None,
        };
        adjust(&mut spec);
        let routers = crate::rollouts::plan(&candidates, &spec, Some("9.9.9"));
        let id = self
            .t
            .create_rollout(
                "main",
                file,
                Some("9.9.9"),
                &serde_json::to_string(&spec).unwrap(),
                &routers,
                at_ms,
            )
            .await
            .unwrap();
        (id, routers)
    }
}

/// A fibre router whose receive power drops below the threshold (−27 dBm unless the
/// tenant says otherwise) for the load window raises one *low optical power* alert
/// naming the level; mended, it resolves. A router without a PON port never does.
#[tokio::test]
async fn low_light_on_a_fibre_router_raises_an_alert_until_mended() {
    let lab = lab(30).await;
    let page = lab
        .t
        .list_devices(&Default::default(), Default::default(), 0, 1000)
        .await
        .unwrap();
    let mut ont = None;
    for row in page.rows.iter().filter(|r| r.online) {
        let n = lab.t.device(&row.id).await.unwrap().normalized;
        if n.optical_rx_dbm.is_some_and(|rx| rx > -25.0) {
            ont = Some(row.id.clone());
            break;
        }
    }
    let ont = ont.expect("an online fibre router with good light");
    lab.scenario(&ont, "online").await;
    let config = AlertConfig::default();
    assert_eq!(
        config.rules.optical_rx_min_dbm,
        Some(-27.0),
        "on by default"
    );
    lab.settle(&config).await;
    let low = |d: &Delivery| match d {
        Delivery::Single(p) => {
            p.key.kind == super::AlertKind::LowOpticalPower
                && p.key.subject == super::Subject::Device(ont.clone())
        }
        Delivery::Digest { problems, .. } => problems.iter().any(|p| {
            p.key.kind == super::AlertKind::LowOpticalPower
                && p.key.subject == super::Subject::Device(ont.clone())
        }),
    };
    assert!(!lab.run(20, &config).await.iter().any(low), "good light");
    lab.scenario(&ont, "fibre-weak").await;
    let raised = lab.run(25, &config).await;
    let alert = raised
        .iter()
        .find_map(|d| match d {
            Delivery::Single(p) if low(d) => Some(p.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("one low optical power alert: {raised:?}"));
    assert_eq!(
        raised.iter().filter(|d| low(d)).count(),
        1,
        "one, not one per sync"
    );
    assert!(
        alert.message.contains("optical receive power -2")
            && alert.message.contains("below -27.0 dBm"),
        "{}",
        alert.message
    );
    let kept = lab.t.device(&ont).await.unwrap().normalized;
    assert!(kept.optical_rx_dbm.is_some_and(|rx| rx < -27.0), "{kept:?}");
    lab.scenario(&ont, "fibre-ok").await;
    lab.run(15, &config).await;
    let open = lab
        .t
        .alerts(Some("open"), 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.kind == "low_optical_power" && a.subject == ont)
        .count();
    assert_eq!(open, 0, "mended, the alert resolves");
}
