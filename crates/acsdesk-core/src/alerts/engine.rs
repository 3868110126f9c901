//! One evaluation of a tenant's alerts: the rules over the store's state at `now`,
//! reconciled with the stored alerts, written back with their history, and the
//! notifications to deliver — maintenance windows silencing delivery (the alerts are
//! still recorded) and many alerts at once becoming one digest.

use super::reconcile::{plan_delivery, reconcile, silenced, Change, Delivery, FlapPolicy};
use super::rules::{acs_problem, device_problems, AcsState, RuleSettings};
use super::Problem;
use crate::store::{StoreError, TenantStore};

/// Notifications at most this many at once by default; more become one digest.
pub const DIGEST_THRESHOLD: usize = 5;

/// A tenant's alerting settings as an evaluation uses them.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertConfig {
    /// The rules' thresholds.
    pub rules: RuleSettings,
    /// Flap suppression.
    pub flap: FlapPolicy,
    /// New alerts at once from which one digest is sent instead (0 never).
    pub digest_threshold: usize,
}

impl Default for AlertConfig {
    fn default() -> Self {
        Self::from(RuleSettings::default())
    }
}

impl From<RuleSettings> for AlertConfig {
    fn from(rules: RuleSettings) -> Self {
        Self {
            rules,
            flap: FlapPolicy::default(),
            digest_threshold: DIGEST_THRESHOLD,
        }
    }
}

/// Evaluates the rules at `now_ms` and returns the notifications for new alerts.
/// `acs` is every connection's reachability.
pub async fn evaluate(
    store: &TenantStore,
    acs: &[AcsState],
    config: &AlertConfig,
    now_ms: i64,
) -> Result<Vec<Delivery>, StoreError> {
    let mut problems = Vec::new();
    for d in store.alert_device_states(&config.rules, now_ms).await? {
        problems.extend(device_problems(&d, &config.rules, now_ms));
    }
    problems.extend(
        acs.iter()
            .filter_map(|a| acs_problem(a, &config.rules, now_ms)),
    );
    let existing = store
        .alert_records(now_ms - config.flap.reopen_within_ms)
        .await?;
    let changes = reconcile(&existing, &problems, now_ms, config.flap);
    deliver_raised(store, &changes, config, now_ms).await
}

/// Writes the changes and plans the notifications for the alerts they raise, noting in
/// each alert's history whether it was notified or silenced by a maintenance window.
async fn deliver_raised(
    store: &TenantStore,
    changes: &[Change],
    config: &AlertConfig,
    now_ms: i64,
) -> Result<Vec<Delivery>, StoreError> {
    let raised_ids = store.apply_alert_changes(changes, now_ms).await?;
    // Only what this evaluation raised (not what another one raised meanwhile).
    let (raised, raised_ids): (Vec<Problem>, Vec<i64>) = changes
        .iter()
        .filter_map(|c| match c {
            Change::Raise(p) => Some(p.clone()),
            _ => None,
        })
        .zip(raised_ids)
        .filter_map(|(p, id)| id.map(|id| (p, id)))
        .unzip();
    if raised.is_empty() {
        return Ok(Vec::new());
    }
    let windows = store.active_maintenance(now_ms).await?;
    let recently_notified = store
        .alert_events_since("notified", now_ms - super::reconcile::STORM_WINDOW_MS)
        .await?;
    for (p, id) in raised.iter().zip(&raised_ids) {
        let (event, detail) = if silenced(&p.key.subject, &windows, now_ms) {
            (
                "silenced",
                "during a maintenance window: recorded, not notified",
            )
        } else {
            ("notified", "")
        };
        store.note_alert_event(*id, event, detail, now_ms).await?;
    }
    Ok(plan_delivery(
        &raised,
        &windows,
        now_ms,
        config.digest_threshold,
        recently_notified,
    ))
}

/// Records an event-driven problem (a failed firmware update): one alert per device and
/// kind while it is unresolved, and the notification when new.
pub async fn raise_event(
    store: &TenantStore,
    problem: Problem,
    config: &AlertConfig,
    now_ms: i64,
) -> Result<Vec<Delivery>, StoreError> {
    let existing: Vec<_> = store
        .alert_records(now_ms - config.flap.reopen_within_ms)
        .await?
        .into_iter()
        .filter(|r| r.key == problem.key)
        .collect();
    let changes = reconcile(
        &existing,
        std::slice::from_ref(&problem),
        now_ms,
        config.flap,
    );
    deliver_raised(store, &changes, config, now_ms).await
}

/// What an action's failure means for alerting: a failed firmware update (GenieACS's
/// transfer fault, the device refusing the image, or coming back on the old version) is
/// an alert until someone resolves it. Other failed actions are in the device's log.
pub async fn action_failed(
    store: &TenantStore,
    action: &crate::store::actions::ActionRow,
    reason: &str,
    config: &AlertConfig,
    now_ms: i64,
) -> Result<Vec<Delivery>, StoreError> {
    let crate::actions::ActionRequest::UpdateFirmware { file, .. } = &action.request else {
        return Ok(Vec::new());
    };
    let label = match store.device(&action.device).await {
        Ok(d) => d.row.serial,
        Err(_) => action.device.clone(),
    };
    let problem =
        super::rules::firmware_failed(&action.device, &label, now_ms, &format!("{file}: {reason}"));
    raise_event(store, problem, config, now_ms).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::nbi::NbiSource;
    use crate::sync::{sync_once, SyncOptions};
    use crate::testkit::{synced_tenant, TestTenant};
    use std::time::Duration;

    const T0: i64 = 1_795_467_600_000;
    const MIN: i64 = 60_000;

    /// Against the sandbox: a device taken offline gives exactly one alert after the
    /// threshold, however many syncs run, and it resolves when the device returns.
    #[tokio::test]
    async fn an_outage_in_the_sandbox_is_one_alert_then_its_resolution() {
        let sandbox = acsdesk_sandbox::Sandbox::builder(T0)
            .devices(10)
            .speed(0.0)
            .start()
            .await
            .unwrap();
        let TestTenant {
            dir: _dir,
            store: t,
        } = synced_tenant("t", &sandbox.url(), 20, T0).await;
        let http = crate::http::client(Duration::from_secs(5)).unwrap();
        let source = NbiSource::new(
            acsdesk_genieacs::Client::builder(sandbox.url())
                .build()
                .unwrap(),
        );
        let sink = t.sync_store("main").await.unwrap();
        let settings = RuleSettings::default();
        let clock = sandbox.clock_handle();
        let sync = |now: i64| {
            let (source, sink) = (&source, &sink);
            async move {
                sync_once(source, sink, &SyncOptions::default(), now, |_| {})
                    .await
                    .unwrap()
            }
        };
        sync(clock.now_ms()).await;
        let baseline = t.alerts(Some("open"), 100).await.unwrap().len();
        let page = t
            .list_devices(&Default::default(), Default::default(), 0, 100)
            .await
            .unwrap();
        let victim = page.rows.iter().find(|r| r.online).unwrap().id.clone();
        let enc =
            percent_encoding::utf8_percent_encode(&victim, percent_encoding::NON_ALPHANUMERIC)
                .to_string();
        http.post(format!("{}/_sandbox/devices/{enc}/offline", sandbox.url()))
            .send()
            .await
            .unwrap();
        // Sync every minute for 30 minutes.
        let mut delivered = Vec::new();
        for _ in 0..30 {
            sandbox.advance(MIN);
            let now = clock.now_ms();
            sync(now).await;
            delivered.extend(
                evaluate(&t, &[], &AlertConfig::from(settings.clone()), now)
                    .await
                    .unwrap(),
            );
        }
        let about_victim: Vec<_> = t
            .alerts(None, 100)
            .await
            .unwrap()
            .into_iter()
            .filter(|a| a.subject == victim && a.kind == "device_offline")
            .collect();
        assert_eq!(
            about_victim.len(),
            1,
            "one alert per outage: {about_victim:?}"
        );
        assert_eq!(about_victim[0].state, "open");
        assert!(
            delivered
                .iter()
                .any(|d| d.device() == Some(victim.as_str())),
            "{delivered:?}"
        );
        assert!(t.alerts(Some("open"), 100).await.unwrap().len() > baseline);
        // Back online: resolved after the hold-down, with the outage's duration.
        http.post(format!("{}/_sandbox/devices/{enc}/online", sandbox.url()))
            .send()
            .await
            .unwrap();
        for _ in 0..10 {
            sandbox.advance(MIN);
            let now = clock.now_ms();
            sync(now).await;
            evaluate(&t, &[], &AlertConfig::from(settings.clone()), now)
                .await
                .unwrap();
        }
        let after = t.alerts(None, 100).await.unwrap();
        let a = after
            .iter()
            .find(|a| a.subject == victim && a.kind == "device_offline")
            .unwrap();
        assert_eq!(a.state, "resolved", "{a:?}");
        assert!(a.message.contains("lasted "), "{}", a.message);
        // An ACS unreachable past its threshold is one alert, which clears with the ACS.
        let down = [AcsState {
            name: "main".into(),
            unreachable_since_ms: Some(clock.now_ms() - 6 * MIN),
        }];
        let raised = evaluate(
            &t,
            &down,
            &AlertConfig::from(settings.clone()),
            clock.now_ms(),
        )
        .await
        .unwrap();
        assert!(
            raised
                .iter()
                .any(|d| d.text().0.contains("ACS main has been unreachable")),
            "{raised:?}"
        );
        assert!(
            evaluate(
                &t,
                &down,
                &AlertConfig::from(settings.clone()),
                clock.now_ms() + MIN
            )
            .await
            .unwrap()
            .is_empty(),
            "not twice"
        );
        evaluate(
            &t,
            &[],
            &AlertConfig::from(settings.clone()),
            clock.now_ms() + 2 * MIN,
        )
        .await
        .unwrap();
        evaluate(
            &t,
            &[],
            &AlertConfig::from(settings.clone()),
            clock.now_ms() + 10 * MIN,
        )
        .await
        .unwrap();
        let acs_alert = t
            .alerts(None, 100)
            .await
            .unwrap()
            .into_iter()
            .find(|a| a.kind == "acs_unreachable")
            .unwrap();
        assert_eq!(acs_alert.state, "resolved");
        // A failed firmware update is an event: one alert however often it fails.
        let p = crate::alerts::rules::firmware_failed(
            &victim,
            &victim,
            clock.now_ms(),
            "cwmp.9010 Download failed",
        );
        assert_eq!(
            raise_event(&t, p.clone(), &AlertConfig::default(), clock.now_ms())
                .await
                .unwrap()
                .len(),
            1
        );
        assert!(
            raise_event(&t, p, &AlertConfig::default(), clock.now_ms() + MIN)
                .await
                .unwrap()
                .is_empty()
        );
        let fw: Vec<_> = t
            .alerts(None, 100)
            .await
            .unwrap()
            .into_iter()
            .filter(|a| a.kind == "firmware_failed")
            .collect();
        assert_eq!(fw.len(), 1);
        // People can acknowledge and resolve by hand; resolving twice is refused.
        if let Some(open) = t.alerts(Some("open"), 1).await.unwrap().first() {
            t.set_alert_state(open.id, "acknowledged", clock.now_ms())
                .await
                .unwrap();
            t.set_alert_state(open.id, "resolved", clock.now_ms())
                .await
                .unwrap();
            assert!(t
                .set_alert_state(open.id, "resolved", clock.now_ms())
                .await
                .is_err());
        }
    }
}
