//! The action runner both shells use: one worker per ACS connection of a tenant. A pass
//! sends what is due (a few at a time; the connection's rate limit paces the requests),
//! follows what waits in GenieACS, and raises the alert of each failed action — so an
//! action that fails from `acsdesk act` alerts exactly as one from the desktop.
//!
//! A pass runs only while this process holds the connection's lease: with the desktop
//! and `acsdesk watch` open on one tenant, one of them sends and the other waits (and
//! takes over when the first stops or dies). A runner gives its leases up with
//! [`ActionRunner::release`] when its process stops sending.

use crate::connect::connection_client;
use acsdesk_core::actions::worker::{Lease, Outcome, Worker};
use acsdesk_core::alerts::reconcile::Delivery;
use acsdesk_core::clock::Clock;
use acsdesk_core::store::TenantStore;
use acsdesk_types::IpcError;
use futures::stream::{self, StreamExt};
use std::collections::HashMap;
use tokio::sync::Mutex;

/// Actions sent at once per connection unless told otherwise.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// Due actions read per batch.
const BATCH: u32 = 500;

/// What one pass over a connection did.
#[derive(Debug, Default)]
pub struct Pass {
    /// What sending did: completed at once, waiting in GenieACS, failed, to retry.
    pub sent: Vec<Outcome>,
    /// What following the actions already in GenieACS settled (or found still waiting).
    pub followed: Vec<Outcome>,
    /// The alerts that failed actions raised, to announce.
    pub deliveries: Vec<Delivery>,
    /// Steps that could not be taken now (GenieACS or the database failing); the
    /// actions stay as they were and a later pass tries again.
    pub errors: Vec<String>,
    /// Another process sends this connection's actions ("pid 1234 on host"): this pass
    /// did nothing.
    pub held_by: Option<String>,
}

impl Pass {
    /// The ids of the actions that reached an end (completed or failed) in this pass.
    pub fn finished(&self) -> impl Iterator<Item = i64> + '_ {
        self.sent
            .iter()
            .chain(&self.followed)
            .filter_map(|o| match o {
                Outcome::Completed(id) | Outcome::Failed(id, _) => Some(*id),
                _ => None,
            })
    }
}

/// The workers of one tenant's connections, made when first needed.
pub struct ActionRunner {
    tenant: TenantStore,
    clock: Clock,
    concurrency: usize,
    workers: Mutex<HashMap<String, Worker>>,
}

impl std::fmt::Debug for ActionRunner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActionRunner")
            .field("tenant", &self.tenant.name())
            .field("concurrency", &self.concurrency)
            .finish()
    }
}

impl ActionRunner {
    /// A runner over `tenant`'s queue sending up to `concurrency` actions at once per
    /// connection.
    pub fn new(tenant: TenantStore, clock: Clock, concurrency: usize) -> Self {
        Self {
            tenant,
            clock,
            concurrency: concurrency.max(1),
            workers: Mutex::new(HashMap::new()),
        }
    }

    /// The worker of connection `acs` (its client built from the saved connection).
    pub async fn worker(&self, acs: &str) -> Result<Worker, IpcError> {
        let mut workers = self.workers.lock().await;
        if let Some(w) = workers.get(acs) {
            return Ok(w.clone());
        }
        let (_, client) = connection_client(&self.tenant, acs).await?;
        let w = Worker::new(self.tenant.clone(), acs, client, self.clock.clone());
        workers.insert(acs.to_owned(), w.clone());
        Ok(w)
    }

    /// One pass over connection `acs`: every due action sent, every sent one followed,
    /// an alert raised for each that failed.
    pub async fn pass(&self, acs: &str) -> Result<Pass, IpcError> {
        let worker = self.worker(acs).await?;
        let mut pass = Pass::default();
        match worker.take_lease().await {
            Ok(Lease::Held) => {}
            Ok(Lease::HeldBy { owner, .. }) => {
                pass.held_by = Some(owner);
                return Ok(pass);
            }
            Err(e) => {
                pass.errors.push(e.to_string());
                return Ok(pass);
            }
        }
        // Firmware rollouts move on (the lease's holder only: one process queues their
        // batches), their updates then sent like any action.
        match self.tenant.alert_config().await {
            Ok(config) => {
                match acsdesk_core::rollouts::tick(&self.tenant, acs, (self.clock)(), &config).await
                {
                    Ok(d) => pass.deliveries.extend(d),
                    Err(e) => pass.errors.push(format!("rollouts: {e}")),
                }
            }
            Err(e) => pass.errors.push(e.to_string()),
        }
        loop {
            let due = match self.tenant.due_actions(acs, (self.clock)(), BATCH).await {
                Ok(due) => due,
                Err(e) => {
                    pass.errors.push(e.to_string());
                    break;
                }
            };
            if due.is_empty() {
                break;
            }
            let results: Vec<_> = stream::iter(due)
                .map(|id| {
                    let worker = worker.clone();
                    async move { worker.execute_action(id).await }
                })
                .buffer_unordered(self.concurrency)
                .collect()
                .await;
            let mut moved = false;
            for r in results {
                match r {
                    Ok(Outcome::Idle) => {}
                    Ok(o) => {
                        moved = true;
                        pass.sent.push(o);
                    }
                    Err(e) => pass.errors.push(e.to_string()),
                }
            }
            // Nothing moved (GenieACS failing, or another runner sent them): stop here
            // rather than read the same batch again.
            if !moved {
                break;
            }
        }
        match worker.follow_up().await {
            Ok(followed) => pass.followed = followed,
            Err(e) => pass.errors.push(e.to_string()),
        }
        self.raise_failures(&mut pass).await;
        Ok(pass)
    }

    /// Gives up this runner's leases so another process (the desktop, `acsdesk watch`)
    /// takes over at once; sending again takes them back.
    pub async fn release(&self) {
        let workers: Vec<Worker> = self.workers.lock().await.values().cloned().collect();
        for w in workers {
            if let Err(e) = w.release_lease().await {
                eprintln!("acsdesk: {}: {e}", self.tenant.name());
            }
        }
    }

    /// A failed action raises its alert (a failed firmware update is one); the
    /// deliveries go with the pass.
    async fn raise_failures(&self, pass: &mut Pass) {
        let failed: Vec<(i64, String)> = pass
            .sent
            .iter()
            .chain(&pass.followed)
            .filter_map(|o| match o {
                Outcome::Failed(id, why) => Some((*id, why.clone())),
                _ => None,
            })
            .collect();
        if failed.is_empty() {
            return;
        }
        let now = (self.clock)();
        let config = match self.tenant.alert_config().await {
            Ok(c) => c,
            Err(e) => {
                pass.errors.push(e.to_string());
                return;
            }
        };
        for (id, why) in failed {
            let raised = match self.tenant.action(id).await {
                // A rollout's failures are its own alert, once, when it halts.
                Ok(a) if acsdesk_core::rollouts::is_rollout_action(&a.requested_by) => continue,
                Ok(a) => {
                    acsdesk_core::alerts::engine::action_failed(
                        &self.tenant,
                        &a,
                        &why,
                        &config,
                        now,
                    )
                    .await
                }
                Err(e) => Err(e),
            };
            match raised {
                Ok(d) => pass.deliveries.extend(d),
                Err(e) => pass.errors.push(e.to_string()),
            }
        }
    }
}
