//! The session's background work for the tenant in use: a sync poller per ACS connection
//! (each round is [`crate::pipeline::sync_round`]), an action worker per connection, and
//! the samples' roll-up on its own timer. Each is a handle; dropping it stops the task.

use crate::events::{action_moved, announce, health_event, DeskEvent};
use crate::runner::{ActionRunner, Pass, DEFAULT_CONCURRENCY};
use crate::Desk;
use acsdesk_core::actions::worker::Outcome;
use acsdesk_core::store::TenantStore;
use acsdesk_core::sync::scheduler::{spawn_poller, PollerConfig, PollerHandle};
use acsdesk_core::sync::SyncMode;
use acsdesk_types::events::{DevicesChangedEvent, SyncProgressEvent};
use acsdesk_types::IpcError;
use std::sync::Arc;
use std::time::Duration;

/// How often samples are rolled up and pruned.
const SAMPLE_MAINTENANCE_EVERY: Duration = Duration::from_secs(300);

/// A running background task; dropping it stops the loop.
#[derive(Debug)]
pub(crate) struct WorkerTask(tokio::task::JoinHandle<()>);

impl Drop for WorkerTask {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Desk {
    /// Samples are rolled up and pruned on their own schedule, not after every sync:
    /// each run continues from where the last stopped, so it stays cheap.
    pub(crate) fn spawn_maintenance(&self, tenant: &TenantStore) -> WorkerTask {
        let tenant = tenant.clone();
        let clock = self.clock.clone();
        WorkerTask(tokio::spawn(async move {
            let mut every = tokio::time::interval(SAMPLE_MAINTENANCE_EVERY);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                if let Err(e) = tenant.maintain_samples(clock()).await {
                    eprintln!("acsdesk: {}: sample roll-up failed: {e}", tenant.name());
                }
            }
        }))
    }

    /// The poller of connection `acs`: every round runs the shared pipeline, then tells
    /// the window what changed (progress, devices, the connection's health as the round
    /// recorded it, alerts).
    pub(crate) async fn spawn_sync(
        self: &Arc<Self>,
        tenant: &TenantStore,
        acs: &str,
        interval_s: i64,
    ) -> Result<PollerHandle, IpcError> {
        let config = PollerConfig {
            interval: Duration::from_secs(interval_s.max(5) as u64),
            ..PollerConfig::default()
        };
        let (job_tenant, events, clock, name) = (
            tenant.clone(),
            self.events.clone(),
            self.clock.clone(),
            acs.to_owned(),
        );
        let handle = spawn_poller(config, move || {
            let (tenant, events, clock, name) = (
                job_tenant.clone(),
                events.clone(),
                clock.clone(),
                name.clone(),
            );
            async move {
                let now = clock();
                let progress = |p: acsdesk_core::sync::SyncProgress| {
                    let _ = events.send(DeskEvent::SyncProgress(SyncProgressEvent {
                        acs: name.clone(),
                        full: p.mode == SyncMode::Full,
                        done: p.done,
                        total: p.total,
                        finished: false,
                    }));
                };
                let round = crate::pipeline::sync_round(&tenant, &name, false, now, progress)
                    .await
                    .map_err(|e| e.to_string())?;
                if let Ok(report) = &round.sync {
                    let _ = events.send(DeskEvent::SyncProgress(SyncProgressEvent {
                        acs: name.clone(),
                        full: report.full,
                        done: report.fetched,
                        total: report.fetched,
                        finished: true,
                    }));
                    let changed = report.fetched + report.went_offline + report.disappeared;
                    if changed > 0 {
                        let _ = events.send(DeskEvent::DevicesChanged(DevicesChangedEvent {
                            acs: name.clone(),
                            changed,
                        }));
                    }
                }
                let _ = events.send(DeskEvent::AcsHealth(health_event(&name, &round.health)));
                announce(&events, &tenant, round.deliveries, now).await;
                round.sync.map(|_| ())
            }
        });
        Ok(handle)
    }

    /// The action worker of connection `acs`: passes of the shared [`ActionRunner`]
    /// (send, follow, raise the alert of a failed action), each move reported.
    pub(crate) async fn spawn_worker(
        self: &Arc<Self>,
        tenant: &TenantStore,
        acs: &str,
    ) -> Result<WorkerTask, IpcError> {
        let runner = ActionRunner::new(tenant.clone(), self.clock.clone(), DEFAULT_CONCURRENCY);
        // A connection that cannot be built (a bad saved URL) is refused now, not later.
        runner.worker(acs).await?;
        let desk = Arc::downgrade(self);
        let work = self.work.clone();
        let tenant = tenant.clone();
        let acs = acs.to_owned();
        Ok(WorkerTask(tokio::spawn(async move {
            loop {
                let pass = runner.pass(&acs).await;
                let Some(desk) = desk.upgrade() else { return };
                match pass {
                    Ok(pass) => desk.report_pass(&tenant, pass).await,
                    Err(e) => eprintln!("acsdesk: {}: actions on {acs}: {e}", tenant.name()),
                }
                drop(desk);
                tokio::select! {
                    _ = work.notified() => {}
                    _ = tokio::time::sleep(Duration::from_secs(2)) => {}
                }
            }
        })))
    }

    /// Tells the window how a pass moved each action, announces the alerts it raised,
    /// and syncs at once when an action finished so its outcome shows without a wait.
    async fn report_pass(&self, tenant: &TenantStore, pass: Pass) {
        let now = (self.clock)();
        let finished = pass.finished().next().is_some();
        // Following finds most actions still waiting: only the moves are news.
        let moved = pass.sent.iter().chain(
            pass.followed
                .iter()
                .filter(|o| !matches!(o, Outcome::Waiting(_))),
        );
        for o in moved {
            let id = match o {
                Outcome::Completed(id)
                | Outcome::Failed(id, _)
                | Outcome::Waiting(id)
                | Outcome::Moved(id)
                | Outcome::RetryLater(id, _) => *id,
                Outcome::Idle => continue,
            };
            if let Ok(a) = tenant.action(id).await {
                action_moved(&self.events, &a);
            }
        }
        if !pass.deliveries.is_empty() {
            announce(&self.events, tenant, pass.deliveries, now).await;
        }
        for e in pass.errors {
            eprintln!("acsdesk: {}: actions: {e}", tenant.name());
        }
        if finished {
            let _ = self.sync_now().await;
        }
    }
}
