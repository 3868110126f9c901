//! The action queue's worker for one ACS connection: sends each pending action to
//! GenieACS as a task with a connection request and a `uniqueKey`, follows queued tasks
//! until they are gone, proves completion, and retries transient failures a bounded
//! number of times.
//!
//! Exactly once: an action is claimed (status `sent`, with what the device said before)
//! in one transaction before anything goes out, so two workers never both send it. When
//! a send's answer is lost (timeout, broken connection, server error) the action stays
//! `sent` without a task id, and [`Worker::follow_up`] settles it: a task with its
//! `uniqueKey` still queued is followed; GenieACS's records of having run it (`Reboot`,
//! `FactoryReset`, `Downloads`) mean it ran; only when neither shows is it sent again.
//! Idempotent actions (values, refresh) are simply verified or sent again.

use super::evidence::Before;
use super::translate::{plan, FileInfo, TaskSpec};
use super::verify::{Verdict, Verification};
use super::{ActionPlan, ActionStatus};
use crate::clock::Clock;
use crate::normalize::normalize;
use crate::store::actions::ActionRow;
use crate::store::TenantStore;
use acsdesk_genieacs::api::tasks::{Filter, TaskOutcome};
use acsdesk_genieacs::{DeviceId, Error as GenieError, Query};
use serde_json::Value;
use std::time::Duration;

/// What one step of the worker did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing was due.
    Idle,
    /// The action completed and was proven.
    Completed(i64),
    /// The action failed, with the reason.
    Failed(i64, String),
    /// The task waits in GenieACS for the device (offline or busy), or the outcome of a
    /// send is being established.
    Waiting(i64),
    /// A transient failure GenieACS never saw: the action will be tried again later.
    RetryLater(i64, String),
}

/// Sends (first and again) per action before it fails as undeliverable.
pub const MAX_ATTEMPTS: i64 = 5;

/// Sent actions followed per round.
const FOLLOW_UP_BATCH: u32 = 1000;

/// The worker of one tenant's queue for one ACS connection.
#[derive(Clone)]
pub struct Worker {
    store: TenantStore,
    acs: String,
    client: acsdesk_genieacs::Client,
    clock: Clock,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker")
            .field("acs", &self.acs)
            .field("client", &self.client)
            .finish()
    }
}

/// How a send went.
enum Sent {
    /// Ran at once (task id, empty for a bare connection request).
    Done(String),
    /// Queued in GenieACS for the device's next session.
    Queued(String),
    /// GenieACS ran it and the device answered with a fault.
    Faulted(String),
    /// Refused for good (unknown device, invalid task, offline for a summon).
    Refused(String),
    /// Not received by GenieACS (connection refused, device in session): try later.
    NotReceived(String),
    /// No usable answer, though GenieACS may have acted: settle before sending again.
    Unclear(String),
}

/// What planning an action against the live device gave.
enum Planned {
    Ready {
        plan: ActionPlan,
        doc: Value,
        before: Before,
    },
    /// The action cannot be done on this device (nothing is sent).
    Invalid(String),
}

impl Worker {
    /// A worker for the actions on connection `acs` of `store`, talking to that
    /// connection's GenieACS through `client`.
    pub fn new(
        store: TenantStore,
        acs: &str,
        client: acsdesk_genieacs::Client,
        clock: Clock,
    ) -> Self {
        Self {
            store,
            acs: acs.to_owned(),
            client,
            clock,
        }
    }

    /// The connection this worker serves.
    pub fn acs(&self) -> &str {
        &self.acs
    }

    async fn device_doc(&self, id: &str) -> Result<Option<Value>, String> {
        let docs = self
            .client
            .devices()
            .query(Query::all().eq("_id", id))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        Ok(docs.into_iter().next().map(|d| d.0))
    }

    async fn file(&self, name: &str) -> Result<Option<FileInfo>, String> {
        let files = self
            .client
            .files()
            .list()
            .await
            .map_err(|e| e.to_string())?;
        Ok(files
            .into_iter()
            .find(|f| f.name == name)
            .map(|f| FileInfo {
                name: name.to_owned(),
                file_type: f.metadata.file_type,
                oui: f.metadata.oui,
                product_class: f.metadata.product_class,
                version: f.metadata.version,
            }))
    }

    async fn send(&self, device: &str, task: Option<&TaskSpec>, unique_key: &str) -> Sent {
        let id = DeviceId::new(device);
        let timeout = Duration::from_secs(3);
        let classify = |e: GenieError| {
            if e.may_have_arrived() {
                Sent::Unclear(e.to_string())
            } else if e.is_transient() {
                Sent::NotReceived(e.to_string())
            } else {
                Sent::Refused(e.to_string())
            }
        };
        let Some(task) = task else {
            return match self.client.tasks().summon(&id, timeout).await {
                Ok(true) => Sent::Done(String::new()),
                Ok(false) => Sent::Refused(
                    "the device is offline and did not answer the connection request".into(),
                ),
                // A connection request twice is harmless: any error is worth a retry.
                Err(e) if e.is_transient() => Sent::NotReceived(e.to_string()),
                Err(e) => Sent::Refused(e.to_string()),
            };
        };
        let outcome = self
            .client
            .tasks()
            .create(&id, task.clone())
            .connection_request(timeout)
            .unique_key(unique_key)
            .send()
            .await;
        match outcome {
            Ok(o) => {
                let task_id = o.task_id().unwrap_or_default().to_owned();
                match o {
                    TaskOutcome::Done(_) => Sent::Done(task_id),
                    TaskOutcome::Faulted { .. } => Sent::Faulted(task_id),
                    TaskOutcome::Queued { .. } => Sent::Queued(task_id),
                    TaskOutcome::UnknownDevice => {
                        Sent::Refused("GenieACS does not know this device".into())
                    }
                    TaskOutcome::Invalid(m) => {
                        Sent::Refused(format!("GenieACS refused the task: {m}"))
                    }
                }
            }
            Err(e) => classify(e),
        }
    }

    async fn fault_of(
        &self,
        device: &str,
        task_id: &str,
    ) -> Result<Option<(String, String)>, String> {
        let faults = self
            .client
            .faults()
            .list(Filter::all().id(&format!("{device}:task_{task_id}")))
            .await
            .map_err(|e| e.to_string())?;
        Ok(faults.into_iter().next().map(|f| (f.code, f.message)))
    }

    async fn task_exists(&self, query: Filter) -> Result<Option<String>, String> {
        let tasks = self
            .client
            .tasks()
            .list(query)
            .await
            .map_err(|e| e.to_string())?;
        Ok(tasks
            .first()
            .and_then(|t| t["_id"].as_str().map(str::to_owned)))
    }

    async fn fail(&self, a: &ActionRow, code: &str, reason: String) -> Result<Outcome, String> {
        self.store
            .finish_action(
                a.id,
                ActionStatus::Failed,
                Some((code, &reason)),
                (self.clock)(),
            )
            .await
            .map_err(|e| e.to_string())?;
        Ok(Outcome::Failed(a.id, reason))
    }

    /// Checks the device now against what the action should have done. The time to
    /// prove it counts from when its task ran, not from when it was queued.
    async fn verify(
        &self,
        a: &ActionRow,
        verification: &Verification,
        doc: Option<Value>,
    ) -> Result<Outcome, String> {
        let now = (self.clock)();
        let ran = a.ran_ms.or(a.sent_ms).unwrap_or(now);
        let verdict = self.verdict(a, verification, doc).await?;
        match verdict {
            Verdict::Verified => {
                self.store
                    .finish_action(a.id, ActionStatus::Completed, None, now)
                    .await
                    .map_err(|e| e.to_string())?;
                Ok(Outcome::Completed(a.id))
            }
            Verdict::Failed(reason) => self.fail(a, "verification", reason).await,
            Verdict::NotYet => {
                if now - ran > a.request.timeout().as_millis() as i64 {
                    self.fail(
                        a,
                        "timeout",
                        format!(
                            "not confirmed within {} min of running",
                            a.request.timeout().as_secs() / 60
                        ),
                    )
                    .await
                } else {
                    Ok(Outcome::Waiting(a.id))
                }
            }
        }
    }

    /// What the device shows of the action now, without acting on it.
    async fn verdict(
        &self,
        a: &ActionRow,
        verification: &Verification,
        doc: Option<Value>,
    ) -> Result<Verdict, String> {
        let sent = a.sent_ms.unwrap_or_else(|| (self.clock)());
        let doc = match doc {
            Some(d) => Some(d),
            None => self.device_doc(&a.device).await?,
        };
        Ok(match doc {
            None => Verdict::Failed("the device is no longer in GenieACS".into()),
            Some(doc) => match normalize(&doc) {
                Ok(d) => verification.check(&doc, &d, sent, &before_of(a)),
                Err(e) => Verdict::Failed(e.to_string()),
            },
        })
    }

    /// Plans `a` against the device as GenieACS has it now. `Err` is a transient failure
    /// to read GenieACS.
    async fn plan_for(&self, a: &ActionRow) -> Result<Planned, String> {
        let Some(doc) = self.device_doc(&a.device).await? else {
            return Ok(Planned::Invalid(
                "GenieACS does not know this device".into(),
            ));
        };
        let device = match normalize(&doc) {
            Ok(d) => d,
            Err(e) => return Ok(Planned::Invalid(e.to_string())),
        };
        let file = match &a.request {
            super::ActionRequest::UpdateFirmware { file, .. } => self.file(file).await?,
            _ => None,
        };
        Ok(match plan(&a.request, &device, &doc, file.as_ref()) {
            Ok(plan) => Planned::Ready {
                before: Before::of(&a.request, &doc, &device),
                plan,
                doc,
            },
            Err(e) => Planned::Invalid(e.to_string()),
        })
    }

    /// Checks an action against the live device before it is queued: `Err` names what
    /// is wrong (unknown or read-only parameter, firmware for another model, …). When
    /// GenieACS cannot be read now the check passes; the worker checks again before
    /// sending.
    pub async fn check(&self, device: &str, request: &super::ActionRequest) -> Result<(), String> {
        let row = ActionRow {
            id: 0,
            device: device.to_owned(),
            acs: self.acs.clone(),
            request: request.clone(),
            status: ActionStatus::Pending,
            attempts: 0,
            unique_key: String::new(),
            task_id: None,
            fault_code: None,
            fault_message: None,
            requested_by: String::new(),
            created_ms: 0,
            sent_ms: None,
            finished_ms: None,
            evidence: None,
            ran_ms: None,
        };
        match self.plan_for(&row).await {
            Ok(Planned::Invalid(reason)) => Err(reason),
            Ok(Planned::Ready { .. }) | Err(_) => Ok(()),
        }
    }

    /// Cancels an action that has not completed: a pending one simply ends; a queued one
    /// has its GenieACS task deleted first. An action whose task already ran cannot be
    /// cancelled.
    pub async fn cancel(&self, id: i64) -> Result<(), String> {
        let a = self.store.action(id).await.map_err(|e| e.to_string())?;
        if a.status.is_final() {
            return Err(format!("action {id} is already {}", a.status.as_str()));
        }
        let task_id = match &a.task_id {
            Some(t) => Some(t.clone()),
            // Sent, but the answer was lost: its task may be queued under its key.
            None if a.status == ActionStatus::Sent => {
                self.task_exists(Filter::all().unique_key(&a.unique_key))
                    .await?
            }
            None => None,
        };
        if let Some(task_id) = &task_id {
            match self.client.tasks().delete(task_id).await {
                Ok(()) => {}
                Err(GenieError::NotFound(_)) => {
                    return Err(format!(
                        "action {id} has already reached the device; it cannot be cancelled"
                    ))
                }
                Err(e) => return Err(e.to_string()),
            }
        } else if a.status == ActionStatus::Sent && a.request.is_destructive() {
            return Err(format!(
                "action {id} may already have reached the device; it cannot be cancelled"
            ));
        }
        self.store
            .finish_action(id, ActionStatus::Cancelled, None, (self.clock)())
            .await
            .map_err(|e| e.to_string())
    }

    /// Sends the oldest due pending action of this connection, if any.
    pub async fn try_execute_next(&self) -> Result<Outcome, String> {
        let now = (self.clock)();
        let Some(a) = self
            .store
            .next_pending_action(&self.acs, now)
            .await
            .map_err(|e| e.to_string())?
        else {
            return Ok(Outcome::Idle);
        };
        self.execute(a).await
    }

    /// Sends one pending action now (bulk runs call this with their own concurrency).
    pub async fn execute_action(&self, id: i64) -> Result<Outcome, String> {
        let a = self.store.action(id).await.map_err(|e| e.to_string())?;
        if a.status != ActionStatus::Pending || a.acs != self.acs {
            return Ok(Outcome::Idle);
        }
        self.execute(a).await
    }

    async fn execute(&self, a: ActionRow) -> Result<Outcome, String> {
        let now = (self.clock)();
        let (plan, before) = match self.plan_for(&a).await {
            Ok(Planned::Ready { plan, before, .. }) => (plan, before),
            Ok(Planned::Invalid(reason)) => return self.fail(&a, "invalid", reason).await,
            Err(transient) => return self.retry_or_fail(&a, transient).await,
        };
        // Intent first, as a claim: from here on a crash is settled by `follow_up`,
        // never by a blind resend, and no other worker sends it too.
        let evidence = serde_json::to_value(&before).map_err(|e| e.to_string())?;
        let claimed = self
            .store
            .claim_action(a.id, Some(&evidence), now)
            .await
            .map_err(|e| e.to_string())?;
        if !claimed {
            return Ok(Outcome::Idle);
        }
        let a = self.store.action(a.id).await.map_err(|e| e.to_string())?;
        self.dispatch(&a, &plan).await
    }

    async fn dispatch(&self, a: &ActionRow, plan: &ActionPlan) -> Result<Outcome, String> {
        let set_task = |task_id: String| async move {
            self.store
                .set_action_task(a.id, &task_id)
                .await
                .map_err(|e| e.to_string())
        };
        match self
            .send(&a.device, plan.task.as_ref(), &a.unique_key)
            .await
        {
            Sent::Done(task_id) => {
                if !task_id.is_empty() {
                    set_task(task_id).await?;
                }
                let now = (self.clock)();
                self.store
                    .set_action_ran(a.id, now)
                    .await
                    .map_err(|e| e.to_string())?;
                let a = self.store.action(a.id).await.map_err(|e| e.to_string())?;
                self.verify(&a, &plan.verify, None).await
            }
            Sent::Queued(task_id) => {
                set_task(task_id).await?;
                Ok(Outcome::Waiting(a.id))
            }
            Sent::Faulted(task_id) => {
                set_task(task_id.clone()).await?;
                self.fail_with_fault(a, &task_id).await
            }
            Sent::Refused(reason) => self.fail(a, "refused", reason).await,
            Sent::NotReceived(reason) => self.retry_or_fail(a, reason).await,
            // Stays `sent` without a task id: `follow_up` finds out what happened.
            Sent::Unclear(reason) => {
                self.store
                    .note_action(
                        a.id,
                        "warning",
                        "action_unclear",
                        &format!(
                            "{}: no answer from GenieACS ({reason}); checking whether it ran before anything is sent again",
                            a.request.describe()
                        ),
                        (self.clock)(),
                    )
                    .await
                    .map_err(|e| e.to_string())?;
                Ok(Outcome::Waiting(a.id))
            }
        }
    }

    async fn fail_with_fault(&self, a: &ActionRow, task_id: &str) -> Result<Outcome, String> {
        let (code, msg) = self
            .fault_of(&a.device, task_id)
            .await?
            .unwrap_or_else(|| ("fault".into(), "the task faulted".into()));
        // The faulted task would retry at every inform: remove it with its fault.
        let _ = self
            .client
            .faults()
            .delete(&format!("{}:task_{task_id}", a.device))
            .await;
        self.fail(a, &code, msg).await
    }

    async fn retry_or_fail(&self, a: &ActionRow, reason: String) -> Result<Outcome, String> {
        if a.attempts >= MAX_ATTEMPTS {
            return self
                .fail(
                    a,
                    "unreachable",
                    format!("gave up after {} attempts: {reason}", a.attempts),
                )
                .await;
        }
        let delay = 5_000 * (1_i64 << a.attempts.clamp(0, 6));
        self.store
            .retry_action_at(a.id, (self.clock)() + delay)
            .await
            .map_err(|e| e.to_string())?;
        Ok(Outcome::RetryLater(a.id, reason))
    }

    /// Follows every sent action of this connection: queued tasks still in GenieACS
    /// keep waiting (until the action's queue time runs out: then the task is withdrawn
    /// and the action fails), faulted ones fail with GenieACS's fault, gone ones are
    /// verified; sends whose answer was lost are settled (see the module's notes). An
    /// action GenieACS cannot be asked about now is left for the next round.
    pub async fn follow_up(&self) -> Result<Vec<Outcome>, String> {
        let mut out = Vec::new();
        let sent = self
            .store
            .sent_actions(&self.acs, FOLLOW_UP_BATCH)
            .await
            .map_err(|e| e.to_string())?;
        for a in sent {
            match self.follow(&a).await {
                Ok(o) => out.push(o),
                // GenieACS failed to answer about this one: next round.
                Err(_) => out.push(Outcome::Waiting(a.id)),
            }
        }
        Ok(out)
    }

    async fn follow(&self, a: &ActionRow) -> Result<Outcome, String> {
        let (plan, doc) = match self.plan_for(a).await? {
            Planned::Ready { plan, doc, .. } => (plan, doc),
            Planned::Invalid(reason) => return self.fail(a, "invalid", reason).await,
        };
        let now = (self.clock)();
        let task_id = match &a.task_id {
            Some(t) => Some(t.clone()),
            None if plan.task.is_some() => {
                let found = self
                    .task_exists(Filter::all().unique_key(&a.unique_key))
                    .await?;
                if let Some(t) = &found {
                    self.store
                        .set_action_task(a.id, t)
                        .await
                        .map_err(|e| e.to_string())?;
                }
                found
            }
            None => None,
        };
        if let Some(t) = task_id {
            if self.fault_of(&a.device, &t).await?.is_some() {
                return self.fail_with_fault(a, &t).await;
            }
            if self.task_exists(Filter::all().id(&t)).await?.is_some() {
                let queued_for = now - a.sent_ms.unwrap_or(now);
                let limit = a.request.queue_timeout();
                if queued_for > limit.as_millis() as i64 {
                    return self.withdraw(a, &t, limit).await;
                }
                return Ok(Outcome::Waiting(a.id));
            }
            self.store
                .set_action_ran(a.id, now)
                .await
                .map_err(|e| e.to_string())?;
            let a = self.store.action(a.id).await.map_err(|e| e.to_string())?;
            return self.verify(&a, &plan.verify, Some(doc)).await;
        }
        // No task in GenieACS and none recorded: the send's answer was lost, or the
        // worker stopped between its claim and the send.
        if before_of(a).ran_since(&a.request, &doc) {
            // GenieACS's records say it ran: prove it, never send it again.
            self.store
                .set_action_ran(a.id, now)
                .await
                .map_err(|e| e.to_string())?;
            let a = self.store.action(a.id).await.map_err(|e| e.to_string())?;
            return self.verify(&a, &plan.verify, Some(doc)).await;
        }
        if !a.request.is_destructive()
            && self.verdict(a, &plan.verify, Some(doc.clone())).await? == Verdict::Verified
            && plan.verify != Verification::FaultFree
        {
            // It ran after all (the values read back): done, nothing to repeat.
            return self.verify(a, &plan.verify, Some(doc)).await;
        }
        // Neither queued nor run: sending again cannot make it run twice.
        self.resend(a, &plan).await
    }

    /// Sends again an action whose previous send left no trace, counted and bounded.
    async fn resend(&self, a: &ActionRow, plan: &ActionPlan) -> Result<Outcome, String> {
        if a.attempts >= MAX_ATTEMPTS {
            return self
                .fail(
                    a,
                    "undelivered",
                    format!(
                        "GenieACS did not take the task after {} attempts",
                        a.attempts
                    ),
                )
                .await;
        }
        let claimed = self
            .store
            .claim_resend(a.id, a.attempts, (self.clock)())
            .await
            .map_err(|e| e.to_string())?;
        if !claimed {
            return Ok(Outcome::Waiting(a.id));
        }
        let a = self.store.action(a.id).await.map_err(|e| e.to_string())?;
        self.dispatch(&a, plan).await
    }

    /// A task queued longer than the action allows is taken back from GenieACS, so the
    /// device does not run it by surprise days later.
    async fn withdraw(
        &self,
        a: &ActionRow,
        task_id: &str,
        limit: Duration,
    ) -> Result<Outcome, String> {
        match self.client.tasks().delete(task_id).await {
            Ok(()) => {
                self.fail(
                    a,
                    "expired",
                    format!(
                        "the device did not connect within {} h; the task was withdrawn from GenieACS",
                        limit.as_secs() / 3600
                    ),
                )
                .await
            }
            // It ran meanwhile: follow it next round.
            Err(GenieError::NotFound(_)) => Ok(Outcome::Waiting(a.id)),
            Err(e) => Err(e.to_string()),
        }
    }
}

fn before_of(a: &ActionRow) -> Before {
    a.evidence
        .as_ref()
        .and_then(|e| serde_json::from_value(e.clone()).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::{ActionRequest, BandChoice};
    use crate::store::acs::NewAcs;
    use crate::store::{KeyChoice, Workspace};
    use crate::sync::nbi::NbiSource;
    use crate::sync::{sync_once, SyncOptions};
    use acsdesk_sandbox::{Sandbox, SandboxHandle};
    use acsdesk_types::input::Ssid;
    use std::sync::Arc;
    use std::time::Duration;

    const T0: i64 = 1_795_467_600_000;

    fn enc(id: &str) -> String {
        percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC).to_string()
    }

    fn genie(url: &str) -> acsdesk_genieacs::Client {
        acsdesk_genieacs::Client::builder(url).build().unwrap()
    }

    struct Rig {
        _dir: tempfile::TempDir,
        sandbox: SandboxHandle,
        store: TenantStore,
        worker: Worker,
        http: reqwest::Client,
    }

    async fn rig() -> Rig {
        let sandbox = Sandbox::builder(T0)
            .devices(12)
            .seed(3)
            .speed(0.0)
            .start()
            .await
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::open(dir.path()).await.unwrap();
        let store = ws
            .create_tenant("t", KeyChoice::Passphrase("p".into()), T0)
            .await
            .unwrap();
        store
            .add_acs(
                &NewAcs {
                    name: "main".into(),
                    url: sandbox.url(),
                    auth_kind: "none".into(),
                    auth_user: None,
                    auth_secret: None,
                    cwmp_url: None,
                    rate_per_s: 20,
                    interval_s: 60,
                },
                T0,
            )
            .await
            .unwrap();
        let http = crate::http::client(Duration::from_secs(10)).unwrap();
        let source = NbiSource::new(genie(&sandbox.url()));
        sync_once(
            &source,
            &store.sync_store("main").await.unwrap(),
            &SyncOptions::default(),
            T0,
            |_| {},
        )
        .await
        .unwrap();
        let clock = sandbox.clock_handle();
        let worker = Worker::new(
            store.clone(),
            "main",
            genie(&sandbox.url()),
            Arc::new(move || clock.now_ms()),
        );
        Rig {
            _dir: dir,
            sandbox,
            store,
            worker,
            http,
        }
    }

    impl Rig {
        async fn executed(&self, id: &str, name: &str) -> usize {
            let log: Vec<Value> = self
                .http
                .get(format!(
                    "{}/_sandbox/devices/{}/executed",
                    self.sandbox.url(),
                    enc(id)
                ))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            log.iter().filter(|e| e["name"] == name).count()
        }

        async fn online_device(&self) -> String {
            let page = self
                .store
                .list_devices(&Default::default(), Default::default(), 0, 100)
                .await
                .unwrap();
            page.rows.iter().find(|r| r.online).unwrap().id.clone()
        }

        /// Claims an action as the worker does before sending, recording what the
        /// device says first; then the test plays the rest of the worker's part.
        async fn claim(&self, a: &ActionRow) {
            let doc = self.worker.device_doc(&a.device).await.unwrap().unwrap();
            let before = Before::of(&a.request, &doc, &normalize(&doc).unwrap());
            let evidence = serde_json::to_value(&before).unwrap();
            assert!(self
                .store
                .claim_action(a.id, Some(&evidence), self.sandbox.clock().now_ms())
                .await
                .unwrap());
        }

        async fn chaos(&self, query: &str) {
            let r = self
                .http
                .post(format!("{}/_sandbox/chaos?{query}", self.sandbox.url()))
                .send()
                .await
                .unwrap();
            assert!(r.status().is_success());
        }

        async fn reboot(&self, id: &str) -> ActionRow {
            self.store
                .enqueue_action(id, &ActionRequest::Reboot, "noc", T0)
                .await
                .unwrap()
        }

        /// Follows up, moving the clock 10 s at a time, until the action ends.
        async fn until_final(&self, id: i64) -> ActionRow {
            for _ in 0..120 {
                self.worker.follow_up().await.unwrap();
                let a = self.store.action(id).await.unwrap();
                if a.status.is_final() {
                    return a;
                }
                self.sandbox.advance(10_000);
            }
            panic!("action {id} never ended");
        }

        async fn scenario(&self, id: &str, what: &str) {
            self.http
                .post(format!(
                    "{}/_sandbox/devices/{}/{what}",
                    self.sandbox.url(),
                    enc(id)
                ))
                .send()
                .await
                .unwrap();
        }
    }

    #[tokio::test]
    async fn a_wifi_change_is_sent_once_and_proven_by_read_back() {
        let r = rig().await;
        let id = r.online_device().await;
        let action = ActionRequest::ChangeWifi {
            band: BandChoice::Ghz2_4,
            ssid: Some(Ssid::parse("Casa-Nueva").unwrap()),
            passphrase: None,
        };
        let a = r
            .store
            .enqueue_action(&id, &action, "noc", T0)
            .await
            .unwrap();
        assert_eq!(
            r.worker.try_execute_next().await.unwrap(),
            Outcome::Completed(a.id)
        );
        assert_eq!(r.worker.try_execute_next().await.unwrap(), Outcome::Idle);
        assert_eq!(r.executed(&id, "setParameterValues").await, 1);
        let done = r.store.action(a.id).await.unwrap();
        assert_eq!(done.status, ActionStatus::Completed);
        assert!(done.task_id.is_some());
        let logs = r.store.logs(Some(&id), 10).await.unwrap();
        assert!(logs.iter().any(|l| l.kind == "action_completed"));
        assert!(logs
            .iter()
            .any(|l| l.kind == "action_requested" && l.message.contains("by noc")));
    }

    #[tokio::test]
    async fn an_offline_device_keeps_the_reboot_queued_and_it_runs_once_on_return() {
        let r = rig().await;
        let id = r.online_device().await;
        r.scenario(&id, "offline").await;
        let a = r
            .store
            .enqueue_action(&id, &ActionRequest::Reboot, "noc", T0)
            .await
            .unwrap();
        assert_eq!(
            r.worker.try_execute_next().await.unwrap(),
            Outcome::Waiting(a.id)
        );
        assert_eq!(
            r.worker.follow_up().await.unwrap(),
            vec![Outcome::Waiting(a.id)]
        );
        r.scenario(&id, "online").await;
        r.sandbox.advance(10 * 60_000);
        assert_eq!(
            r.worker.follow_up().await.unwrap(),
            vec![Outcome::Completed(a.id)]
        );
        assert_eq!(r.executed(&id, "reboot").await, 1);
        assert!(r.worker.follow_up().await.unwrap().is_empty());
    }

    /// The worker "dies" after recording its intent and before sending: the follow-up
    /// finds no task and no reboot, and sends it — once.
    #[tokio::test]
    async fn killed_after_intent_before_sending_runs_exactly_once() {
        let r = rig().await;
        let id = r.online_device().await;
        let a = r
            .store
            .enqueue_action(&id, &ActionRequest::Reboot, "noc", T0)
            .await
            .unwrap();
        r.claim(&a).await;
        let outcomes = r.worker.follow_up().await.unwrap();
        assert_eq!(outcomes.len(), 1);
        r.sandbox.advance(10 * 60_000);
        r.worker.follow_up().await.unwrap();
        assert_eq!(
            r.store.action(a.id).await.unwrap().status,
            ActionStatus::Completed
        );
        assert_eq!(r.executed(&id, "reboot").await, 1);
    }

    /// The worker "dies" after GenieACS ran the task but before the task id was stored:
    /// the follow-up sees the reboot happened and does not send it again.
    #[tokio::test]
    async fn killed_after_sending_before_recording_never_reboots_twice() {
        let r = rig().await;
        let id = r.online_device().await;
        let a = r
            .store
            .enqueue_action(&id, &ActionRequest::Reboot, "noc", T0)
            .await
            .unwrap();
        r.claim(&a).await;
        let a = r.store.action(a.id).await.unwrap();
        assert!(matches!(
            r.worker
                .send(&id, Some(&TaskSpec::Reboot), &a.unique_key)
                .await,
            Sent::Done(_)
        ));
        r.sandbox.advance(10 * 60_000);
        let outcomes = r.worker.follow_up().await.unwrap();
        assert_eq!(outcomes, vec![Outcome::Completed(a.id)]);
        assert_eq!(r.executed(&id, "reboot").await, 1);
    }

    /// A device in session (503) is a transient failure: retried later, then done once.
    #[tokio::test]
    async fn a_device_in_session_is_retried_later() {
        let r = rig().await;
        let id = r.online_device().await;
        r.scenario(&id, "busy").await;
        let a = r
            .store
            .enqueue_action(&id, &ActionRequest::Refresh, "noc", T0)
            .await
            .unwrap();
        assert!(
            matches!(r.worker.try_execute_next().await.unwrap(), Outcome::RetryLater(aid, _) if aid == a.id)
        );
        assert_eq!(
            r.worker.try_execute_next().await.unwrap(),
            Outcome::Idle,
            "not before its backoff"
        );
        r.scenario(&id, "online").await;
        r.sandbox.advance(60_000);
        assert_eq!(
            r.worker.try_execute_next().await.unwrap(),
            Outcome::Completed(a.id)
        );
        assert_eq!(r.executed(&id, "refreshObject").await, 1);
    }

    /// Cancelling a queued action deletes its GenieACS task, so it never runs.
    #[tokio::test]
    async fn cancelling_a_queued_action_deletes_its_task() {
        let r = rig().await;
        let id = r.online_device().await;
        r.scenario(&id, "offline").await;
        let a = r
            .store
            .enqueue_action(&id, &ActionRequest::Reboot, "noc", T0)
            .await
            .unwrap();
        assert_eq!(
            r.worker.try_execute_next().await.unwrap(),
            Outcome::Waiting(a.id)
        );
        r.worker.cancel(a.id).await.unwrap();
        assert_eq!(
            r.store.action(a.id).await.unwrap().status,
            ActionStatus::Cancelled
        );
        r.scenario(&id, "online").await;
        r.sandbox.advance(10 * 60_000);
        assert_eq!(
            r.executed(&id, "reboot").await,
            0,
            "the cancelled reboot never ran"
        );
        assert!(r
            .worker
            .cancel(a.id)
            .await
            .unwrap_err()
            .contains("already cancelled"));
    }

    /// The worker "dies" after recording the task id: the follow-up just follows it.
    #[tokio::test]
    async fn killed_after_recording_follows_the_recorded_task() {
        let r = rig().await;
        let id = r.online_device().await;
        r.scenario(&id, "offline").await;
        let a = r
            .store
            .enqueue_action(&id, &ActionRequest::Reboot, "noc", T0)
            .await
            .unwrap();
        assert_eq!(
            r.worker.try_execute_next().await.unwrap(),
            Outcome::Waiting(a.id)
        );
        // A new worker (after a restart) on the same store.
        let clock = r.sandbox.clock_handle();
        let fresh = Worker::new(
            r.store.clone(),
            "main",
            genie(&r.sandbox.url()),
            Arc::new(move || clock.now_ms()),
        );
        r.scenario(&id, "online").await;
        r.sandbox.advance(10 * 60_000);
        assert_eq!(
            fresh.follow_up().await.unwrap(),
            vec![Outcome::Completed(a.id)]
        );
        assert_eq!(r.executed(&id, "reboot").await, 1);
    }

    #[tokio::test]
    async fn parameters_are_checked_before_sending_and_unknown_devices_refused() {
        let r = rig().await;
        let id = r.online_device().await;
        let doc = r.worker.device_doc(&id).await.unwrap().unwrap();
        let d = normalize(&doc).unwrap();
        let root = d.data_model.unwrap().root();
        let action = ActionRequest::SetParameters {
            values: vec![super::super::ParamValue {
                path: format!("{root}.ManagementServer.PeriodicInformInterval"),
                value: "600".into(),
                xsd_type: None,
            }],
        };
        let a = r
            .store
            .enqueue_action(&id, &action, "noc", T0)
            .await
            .unwrap();
        assert_eq!(
            r.worker.try_execute_next().await.unwrap(),
            Outcome::Completed(a.id)
        );
        // The sandbox refuses to set a read-only value, as a CPE does (cwmp.9008); the
        // plan refuses it first here: nothing reaches the device.
        let ro = ActionRequest::SetParameters {
            values: vec![super::super::ParamValue {
                path: format!("{root}.DeviceInfo.SoftwareVersion"),
                value: "x".into(),
                xsd_type: None,
            }],
        };
        let b = r.store.enqueue_action(&id, &ro, "noc", T0).await.unwrap();
        match r.worker.try_execute_next().await.unwrap() {
            Outcome::Failed(bid, reason) => {
                assert_eq!(bid, b.id);
                assert!(reason.contains("read-only"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        assert!(r
            .store
            .enqueue_action("nope", &ActionRequest::Reboot, "noc", T0)
            .await
            .is_err());
    }

    /// GenieACS reboots the router but its answer is lost: GenieACS's own record of the
    /// reboot settles it, so it is not sent again, not even while the router is away.
    #[tokio::test]
    async fn a_reboot_whose_answer_is_lost_runs_exactly_once() {
        let r = rig().await;
        let id = r.online_device().await;
        let a = r.reboot(&id).await;
        let Planned::Ready { plan, .. } = r.worker.plan_for(&a).await.unwrap() else {
            panic!("a reboot plans");
        };
        r.claim(&a).await;
        // The next NBI request, the task's POST, is carried out and its answer lost.
        r.chaos("drop_answers=1").await;
        let a = r.store.action(a.id).await.unwrap();
        assert_eq!(
            r.worker.dispatch(&a, &plan).await.unwrap(),
            Outcome::Waiting(a.id)
        );
        assert_eq!(r.executed(&id, "reboot").await, 1);
        assert_eq!(
            r.worker.follow_up().await.unwrap(),
            vec![Outcome::Waiting(a.id)],
            "the router is still rebooting"
        );
        assert_eq!(r.executed(&id, "reboot").await, 1, "and not rebooted again");
        let done = r.until_final(a.id).await;
        assert_eq!(done.status, ActionStatus::Completed);
        assert_eq!((done.attempts, r.executed(&id, "reboot").await), (1, 1));
        let logs = r.store.logs(Some(&id), 20).await.unwrap();
        assert!(logs.iter().any(|l| l.kind == "action_unclear"));
        assert!(logs.iter().any(|l| l.kind == "action_sent"));
    }

    /// The request itself is lost (the connection drops before GenieACS reads it): no
    /// task, no record, so it is sent again — and runs once.
    #[tokio::test]
    async fn a_reboot_whose_request_is_lost_is_sent_again_and_runs_once() {
        let r = rig().await;
        let id = r.online_device().await;
        let a = r.reboot(&id).await;
        let Planned::Ready { plan, .. } = r.worker.plan_for(&a).await.unwrap() else {
            panic!("a reboot plans");
        };
        r.claim(&a).await;
        r.chaos("drop_requests=1").await;
        let a = r.store.action(a.id).await.unwrap();
        assert_eq!(
            r.worker.dispatch(&a, &plan).await.unwrap(),
            Outcome::Waiting(a.id)
        );
        assert_eq!(r.executed(&id, "reboot").await, 0);
        let done = r.until_final(a.id).await;
        assert_eq!(done.status, ActionStatus::Completed);
        assert_eq!((done.attempts, r.executed(&id, "reboot").await), (2, 1));
    }

    /// The desktop and the CLI working one queue: only one of them sends.
    #[tokio::test]
    async fn two_workers_never_both_send_an_action() {
        let r = rig().await;
        let id = r.online_device().await;
        let a = r.reboot(&id).await;
        let clock = r.sandbox.clock_handle();
        let other = Worker::new(
            r.store.clone(),
            "main",
            genie(&r.sandbox.url()),
            Arc::new(move || clock.now_ms()),
        );
        let (x, y) = tokio::join!(r.worker.execute_action(a.id), other.execute_action(a.id));
        let outcomes = [x.unwrap(), y.unwrap()];
        assert_eq!(
            outcomes.iter().filter(|o| **o == Outcome::Idle).count(),
            1,
            "{outcomes:?}"
        );
        assert_eq!(r.executed(&id, "reboot").await, 1);
    }

    /// A reboot that waited hours in GenieACS for its router is judged from when it ran.
    #[tokio::test]
    async fn a_reboot_that_waited_hours_for_its_device_is_proven_after_it_ran() {
        let r = rig().await;
        let id = r.online_device().await;
        r.scenario(&id, "offline").await;
        let a = r.reboot(&id).await;
        assert_eq!(
            r.worker.try_execute_next().await.unwrap(),
            Outcome::Waiting(a.id)
        );
        r.sandbox.advance(3 * 3_600_000);
        assert_eq!(
            r.worker.follow_up().await.unwrap(),
            vec![Outcome::Waiting(a.id)]
        );
        r.scenario(&id, "online").await;
        let done = r.until_final(a.id).await;
        assert_eq!(
            done.status,
            ActionStatus::Completed,
            "{:?}",
            done.fault_message
        );
        assert!(done.ran_ms.unwrap() >= done.sent_ms.unwrap() + 3 * 3_600_000);
        assert_eq!(r.executed(&id, "reboot").await, 1);
    }

    /// A task still waiting for its router after a day is withdrawn from GenieACS.
    #[tokio::test]
    async fn a_task_waiting_more_than_a_day_is_withdrawn_and_never_runs() {
        let r = rig().await;
        let id = r.online_device().await;
        r.scenario(&id, "offline").await;
        let a = r.reboot(&id).await;
        assert_eq!(
            r.worker.try_execute_next().await.unwrap(),
            Outcome::Waiting(a.id)
        );
        r.sandbox.advance(25 * 3_600_000);
        match r.worker.follow_up().await.unwrap().as_slice() {
            [Outcome::Failed(aid, why)] => {
                assert_eq!(*aid, a.id);
                assert!(why.contains("within 24 h"), "{why}");
            }
            other => panic!("{other:?}"),
        }
        let tasks: Vec<Value> = r
            .http
            .get(format!("{}/tasks", r.sandbox.url()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(
            tasks.iter().all(|t| t["device"] != id.as_str()),
            "{tasks:?}"
        );
        r.scenario(&id, "online").await;
        r.sandbox.advance(10 * 60_000);
        assert_eq!(r.executed(&id, "reboot").await, 0);
    }

    /// Two connections that both know a device id: an action names its connection,
    /// and only that connection's worker sends it, to that GenieACS.
    #[tokio::test]
    async fn each_connection_works_only_its_own_devices() {
        let r = rig().await;
        // A second GenieACS with the same simulated fleet (same ids).
        let branch = Sandbox::builder(T0)
            .devices(12)
            .seed(3)
            .speed(0.0)
            .start()
            .await
            .unwrap();
        r.store
            .add_acs(
                &NewAcs {
                    name: "branch".into(),
                    url: branch.url(),
                    auth_kind: "none".into(),
                    auth_user: None,
                    auth_secret: None,
                    cwmp_url: None,
                    rate_per_s: 20,
                    interval_s: 60,
                },
                T0,
            )
            .await
            .unwrap();
        sync_once(
            &NbiSource::new(genie(&branch.url())),
            &r.store.sync_store("branch").await.unwrap(),
            &SyncOptions::default(),
            T0,
            |_| {},
        )
        .await
        .unwrap();
        let id = r.online_device().await;
        let err = r
            .store
            .enqueue_action(&id, &ActionRequest::Refresh, "noc", T0)
            .await
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("several ACS connections (main, branch)"),
            "{err}"
        );
        let a = r
            .store
            .enqueue_action_in(Some("branch"), &id, &ActionRequest::Refresh, "noc", T0)
            .await
            .unwrap();
        assert_eq!(a.acs, "branch");
        assert_eq!(r.worker.try_execute_next().await.unwrap(), Outcome::Idle);
        assert_eq!(r.worker.execute_action(a.id).await.unwrap(), Outcome::Idle);
        let clock = branch.clock_handle();
        let worker = Worker::new(
            r.store.clone(),
            "branch",
            genie(&branch.url()),
            Arc::new(move || clock.now_ms()),
        );
        assert_eq!(
            worker.try_execute_next().await.unwrap(),
            Outcome::Completed(a.id)
        );
        assert_eq!(r.executed(&id, "refreshObject").await, 0, "main untouched");
        let on_branch: Vec<Value> = r
            .http
            .get(format!(
                "{}/_sandbox/devices/{}/executed",
                branch.url(),
                enc(&id)
            ))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            on_branch
                .iter()
                .filter(|e| e["name"] == "refreshObject")
                .count(),
            1
        );
    }
}
