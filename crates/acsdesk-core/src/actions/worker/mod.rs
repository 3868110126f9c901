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
//!
//! One process at a time: a worker sends and follows only while it holds its
//! connection's lease ([`super::lease`]), checked and renewed in the transaction of every
//! claim; the desktop, `acsdesk watch` and `acsdesk act` each run workers, and the one
//! that does not hold the lease leaves the queue to the one that does (taking over when
//! that one's lease expires or its process is gone). A send whose answer was lost is
//! settled no sooner than [`RESEND_GRACE`] after it, so a task GenieACS is still running
//! is found, never sent again.

use super::evidence::Before;
use super::lease::{self, Owner};
use super::translate::{plan, FileInfo, TaskSpec};
use super::verify::{Verdict, Verification};
use super::ActionRequest;
use super::{ActionPlan, ActionStatus};
use crate::clock::Clock;
use crate::normalize::normalize;
use crate::store::actions::ActionRow;
use crate::store::TenantStore;
use acsdesk_genieacs::api::tasks::{Filter, TaskOutcome};
use acsdesk_genieacs::{DeviceId, Error as GenieError, Query};
use acsdesk_types::actions::ActionStage;
use serde_json::Value;
use std::time::Duration;

/// Why a step of the worker could not be taken. The action itself is left as it was:
/// the next round tries again, except for [`WorkerError::Refused`], which names what
/// must change first.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    /// GenieACS could not be read or asked now (unreachable, busy, an answer that does
    /// not parse). Retryable.
    #[error(transparent)]
    Remote(#[from] GenieError),
    /// The tenant's database failed. Retryable once the database works.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// What the device said before the send could not be encoded. Not expected.
    #[error("the action's evidence cannot be saved: {0}")]
    Evidence(#[from] serde_json::Error),
    /// The request is refused as it stands (a parameter that does not exist, firmware
    /// for another model, an action that can no longer be cancelled). Final.
    #[error("{0}")]
    Refused(String),
}

impl WorkerError {
    /// Whether trying the same step again later may succeed.
    pub fn is_retryable(&self) -> bool {
        !matches!(self, WorkerError::Refused(_))
    }
}

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
    /// Still waiting, but a step further on its way: its new stage is on the action
    /// (the router took the Download, reported the transfer complete, …).
    Moved(i64),
}

/// Sends (first and again) per action before it fails as undeliverable.
pub const MAX_ATTEMPTS: i64 = 5;

/// Sent actions followed per round.
const FOLLOW_UP_BATCH: u32 = 1000;

/// How long after a send whose answer was lost nothing is sent again: GenieACS may still
/// be running the task (a connection request waits 3 s, a session ends with the task
/// deleted a moment before the device document records it ran).
pub const RESEND_GRACE: Duration = Duration::from_secs(20);

/// Whether this worker may send its connection's actions now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lease {
    /// This worker holds the lease (taken, renewed, or taken over from a dead owner).
    Held,
    /// Another process does ("pid 1234 on host"), until the given time (Unix ms).
    HeldBy { owner: String, until_ms: i64 },
}

/// The worker of one tenant's queue for one ACS connection.
#[derive(Clone)]
pub struct Worker {
    store: TenantStore,
    acs: String,
    client: acsdesk_genieacs::Client,
    clock: Clock,
    owner: Owner,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker")
            .field("acs", &self.acs)
            .field("client", &self.client)
            .field("owner", &self.owner.id())
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
        /// Boxed: far larger than the refusal.
        before: Box<Before>,
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
            owner: Owner::this_process(),
        }
    }

    /// The same worker under another owner (tests standing in for a second process).
    pub fn with_owner(mut self, owner: Owner) -> Self {
        self.owner = owner;
        self
    }

    /// The connection this worker serves.
    pub fn acs(&self) -> &str {
        &self.acs
    }

    /// Takes or renews this connection's lease: held when free, already ours, expired,
    /// or held by a process of this host that is gone.
    pub async fn take_lease(&self) -> Result<Lease, WorkerError> {
        let now = (self.clock)();
        let terms = self.terms();
        let Some(holder) = self.store.take_lease(&self.acs, terms, now, None).await? else {
            return Ok(Lease::Held);
        };
        if lease::is_dead(&holder.owner) {
            let retaken = self
                .store
                .take_lease(&self.acs, terms, now, Some(&holder.owner))
                .await?;
            if retaken.is_none() {
                return Ok(Lease::Held);
            }
        }
        Ok(Lease::HeldBy {
            owner: lease::describe(&holder.owner),
            until_ms: holder.expires_ms,
        })
    }

    /// Gives the lease up (this worker stops sending), so another process takes over
    /// at once.
    pub async fn release_lease(&self) -> Result<(), WorkerError> {
        self.store.release_leases(self.owner.id()).await?;
        Ok(())
    }

    fn terms(&self) -> crate::store::leases::LeaseTerms<'_> {
        crate::store::leases::LeaseTerms {
            owner: self.owner.id(),
            ttl_ms: self.owner.ttl_ms(),
        }
    }

    async fn device_doc(&self, id: &str) -> Result<Option<Value>, WorkerError> {
        let docs = self
            .client
            .devices()
            .query(Query::all().eq("_id", id))
            .send()
            .await?;
        Ok(docs.into_iter().next().map(|d| d.0))
    }

    async fn file(&self, name: &str) -> Result<Option<FileInfo>, WorkerError> {
        let files = self.client.files().list().await?;
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
    ) -> Result<Option<(String, String)>, WorkerError> {
        self.fault_on(&format!("{device}:task_{task_id}")).await
    }

    /// The fault GenieACS holds under `id` (`<device>:<channel>`), as code and message.
    async fn fault_on(&self, id: &str) -> Result<Option<(String, String)>, WorkerError> {
        let faults = self.client.faults().list(Filter::all().id(id)).await?;
        Ok(faults.into_iter().next().map(|f| (f.code, f.message)))
    }

    async fn task_exists(&self, query: Filter) -> Result<Option<String>, WorkerError> {
        let tasks = self.client.tasks().list(query).await?;
        Ok(tasks
            .first()
            .and_then(|t| t["_id"].as_str().map(str::to_owned)))
    }

    async fn fail(
        &self,
        a: &ActionRow,
        code: &str,
        reason: String,
    ) -> Result<Outcome, WorkerError> {
        self.store
            .finish_action(
                a.id,
                ActionStatus::Failed,
                Some((code, &reason)),
                (self.clock)(),
            )
            .await?;
        Ok(Outcome::Failed(a.id, reason))
    }

    /// Checks the device now against what the action should have done. The time to
    /// prove it counts from when its task ran, not from when it was queued.
    async fn verify(
        &self,
        a: &ActionRow,
        verification: &Verification,
        doc: Option<Value>,
    ) -> Result<Outcome, WorkerError> {
        let now = (self.clock)();
        let ran = a.ran_ms.or(a.sent_ms).unwrap_or(now);
        let doc = match doc {
            Some(d) => Some(d),
            None => self.device_doc(&a.device).await?,
        };
        let verdict = self.verdict(a, verification, doc.clone()).await?;
        match verdict {
            Verdict::Verified => {
                if let Some((kind, target)) = verification.diagnostic() {
                    let found = doc.as_ref().and_then(|d| verification.diagnostic_result(d));
                    self.keep_diagnostic(a, verification, None, found.as_ref(), now)
                        .await?;
                    if let Some(found) = found {
                        let line = format!("{} {target}: {}", kind.label(), found.describe());
                        self.store
                            .note_action(a.id, "info", "action_result", &line, now)
                            .await?;
                    }
                }
                self.store
                    .finish_action(a.id, ActionStatus::Completed, None, now)
                    .await?;
                Ok(Outcome::Completed(a.id))
            }
            Verdict::Failed(reason) => {
                self.keep_diagnostic(a, verification, Some(&reason), None, now)
                    .await?;
                self.fail(a, "verification", reason).await
            }
            Verdict::NotYet => {
                // A diagnostic's results are read at the session the router opens when
                // it is done: a refresh waits in GenieACS for it (once; the same key
                // would only replace it).
                if let Some(object) = verification.reads_at_next_session() {
                    if a.stage != Some(ActionStage::Testing) {
                        self.queue_read(a, object).await;
                    }
                }
                let stage = doc.as_ref().and_then(|doc| {
                    let device = normalize(doc).ok()?;
                    Some(verification.stage(doc, &device, &before_of(a)))
                });
                // A change made by a preset fails with the preset's fault.
                if let Some(channel) = verification.fault_channel() {
                    if let Some((code, message)) =
                        self.fault_on(&format!("{}:{channel}", a.device)).await?
                    {
                        return self
                            .fail(
                                a,
                                &code,
                                format!("GenieACS could not apply it on {channel}: {message}"),
                            )
                            .await;
                    }
                }
                if now - ran > a.request.timeout().as_millis() as i64 {
                    let detail = doc
                        .as_ref()
                        .and_then(|doc| {
                            let device = normalize(doc).ok()?;
                            verification.pending_detail(doc, &device, &before_of(a))
                        })
                        .map(|d| format!(": {d}"))
                        .unwrap_or_default();
                    self.fail(
                        a,
                        "timeout",
                        format!(
                            "not confirmed within {} min of running{detail}",
                            a.request.timeout().as_secs() / 60
                        ),
                    )
                    .await
                } else {
                    self.waiting(a, stage.unwrap_or(ActionStage::Ran)).await
                }
            }
        }
    }

    /// Queues a refresh of `object` for the router's next session, without a connection
    /// request. A failure to queue it is the action's timeout's to tell.
    /// Keeps what a diagnostic action found, or why it found nothing, as the device's
    /// history (nothing for other actions).
    async fn keep_diagnostic(
        &self,
        a: &ActionRow,
        verification: &Verification,
        error: Option<&str>,
        found: Option<&acsdesk_types::diagnostics::DiagnosticResult>,
        now: i64,
    ) -> Result<(), WorkerError> {
        if let Some((kind, target)) = verification.diagnostic() {
            self.store
                .record_diagnostic(&a.device, Some(a.id), kind, target, error, found, now)
                .await?;
        }
        Ok(())
    }

    async fn queue_read(&self, a: &ActionRow, object: &str) {
        let task = TaskSpec::RefreshObject {
            object_name: object.to_owned(),
        };
        let sent = self
            .client
            .tasks()
            .create(&DeviceId::new(&a.device), task)
            .unique_key(format!("{}-read", a.unique_key))
            .send()
            .await;
        if let Err(e) = sent {
            let _ = self
                .store
                .note_action(
                    a.id,
                    "warning",
                    "action_unclear",
                    &format!("could not ask GenieACS to read the results: {e}"),
                    (self.clock)(),
                )
                .await;
        }
    }

    /// An action still on its way, at `stage`: [`Outcome::Moved`] when that is news.
    pub(super) async fn waiting(
        &self,
        a: &ActionRow,
        stage: ActionStage,
    ) -> Result<Outcome, WorkerError> {
        if a.stage.as_ref() == Some(&stage) {
            return Ok(Outcome::Waiting(a.id));
        }
        Ok(
            if self
                .store
                .set_action_stage(a.id, &stage, (self.clock)())
                .await?
            {
                Outcome::Moved(a.id)
            } else {
                Outcome::Waiting(a.id)
            },
        )
    }

    /// What the device shows of the action now, without acting on it.
    async fn verdict(
        &self,
        a: &ActionRow,
        verification: &Verification,
        doc: Option<Value>,
    ) -> Result<Verdict, WorkerError> {
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
    async fn plan_for(&self, a: &ActionRow) -> Result<Planned, WorkerError> {
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
            ActionRequest::UpdateFirmware { file, .. } => self.file(file).await?,
            _ => None,
        };
        Ok(match plan(&a.request, &device, &doc, file.as_ref()) {
            Ok(plan) => Planned::Ready {
                before: Box::new(Before::of(&a.request, &doc, &device)),
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
    pub async fn check(&self, device: &str, request: &ActionRequest) -> Result<(), WorkerError> {
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
            stage: None,
        };
        match self.plan_for(&row).await {
            Ok(Planned::Invalid(reason)) => Err(WorkerError::Refused(reason)),
            Ok(Planned::Ready { .. }) | Err(_) => Ok(()),
        }
    }

    /// Cancels an action that has not completed: a pending one simply ends; a queued one
    /// has its GenieACS task deleted first. An action whose task already ran cannot be
    /// cancelled.
    pub async fn cancel(&self, id: i64) -> Result<(), WorkerError> {
        let a = self.store.action(id).await?;
        if a.status.is_final() {
            return Err(WorkerError::Refused(format!(
                "action {id} is already {}",
                a.status.as_str()
            )));
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
                    return Err(WorkerError::Refused(format!(
                        "action {id} has already reached the device; it cannot be cancelled"
                    )))
                }
                Err(e) => return Err(e.into()),
            }
        } else if a.status == ActionStatus::Sent && a.request.is_destructive() {
            return Err(WorkerError::Refused(format!(
                "action {id} may already have reached the device; it cannot be cancelled"
            )));
        }
        self.store
            .finish_action(id, ActionStatus::Cancelled, None, (self.clock)())
            .await?;
        Ok(())
    }

    /// Takes an action's task back from GenieACS when one waits there (by its id, or by
    /// its unique key when the send's answer was lost): `true` when one was withdrawn.
    /// The action itself is left as it is (removing a connection ends its actions).
    pub async fn withdraw_task(&self, id: i64) -> Result<bool, WorkerError> {
        let a = self.store.action(id).await?;
        let task_id = match &a.task_id {
            Some(t) => Some(t.clone()),
            None if a.status == ActionStatus::Sent => {
                self.task_exists(Filter::all().unique_key(&a.unique_key))
                    .await?
            }
            None => None,
        };
        let Some(task_id) = task_id else {
            return Ok(false);
        };
        match self.client.tasks().delete(&task_id).await {
            Ok(()) => Ok(true),
            // It ran or was removed meanwhile.
            Err(GenieError::NotFound(_)) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Sends the oldest due pending action of this connection, if any.
    pub async fn try_execute_next(&self) -> Result<Outcome, WorkerError> {
        let now = (self.clock)();
        let Some(a) = self.store.next_pending_action(&self.acs, now).await? else {
            return Ok(Outcome::Idle);
        };
        self.execute(a).await
    }

    /// Sends one pending action now (bulk runs call this with their own concurrency).
    pub async fn execute_action(&self, id: i64) -> Result<Outcome, WorkerError> {
        let a = self.store.action(id).await?;
        if a.status != ActionStatus::Pending || a.acs != self.acs {
            return Ok(Outcome::Idle);
        }
        self.execute(a).await
    }

    async fn execute(&self, a: ActionRow) -> Result<Outcome, WorkerError> {
        let now = (self.clock)();
        let (plan, before) = match self.plan_for(&a).await {
            Ok(Planned::Ready { plan, before, .. }) => (plan, before),
            Ok(Planned::Invalid(reason)) => return self.fail(&a, "invalid", reason).await,
            Err(transient) => return self.retry_or_fail(&a, transient.to_string()).await,
        };
        // Intent first, as a claim: from here on a crash is settled by `follow_up`,
        // never by a blind resend, and no other worker sends it too.
        let evidence = serde_json::to_value(&before)?;
        let claimed = self
            .store
            .claim_action(a.id, Some(&evidence), self.terms(), now)
            .await?;
        if !claimed {
            return Ok(Outcome::Idle);
        }
        let a = self.store.action(a.id).await?;
        self.dispatch(&a, &plan).await
    }

    async fn dispatch(&self, a: &ActionRow, plan: &ActionPlan) -> Result<Outcome, WorkerError> {
        let set_task = |task_id: String| async move {
            self.store
                .set_action_task(a.id, &task_id)
                .await
                .map_err(WorkerError::from)
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
                self.store.set_action_ran(a.id, now).await?;
                let a = self.store.action(a.id).await?;
                self.verify(&a, &plan.verify, None).await
            }
            Sent::Queued(task_id) => {
                set_task(task_id).await?;
                self.waiting(a, ActionStage::Queued).await
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
                    ?;
                Ok(Outcome::Waiting(a.id))
            }
        }
    }

    async fn fail_with_fault(&self, a: &ActionRow, task_id: &str) -> Result<Outcome, WorkerError> {
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

    async fn retry_or_fail(&self, a: &ActionRow, reason: String) -> Result<Outcome, WorkerError> {
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
            .await?;
        Ok(Outcome::RetryLater(a.id, reason))
    }
}

fn before_of(a: &ActionRow) -> Before {
    a.evidence
        .as_ref()
        .and_then(|e| serde_json::from_value(e.clone()).ok())
        .unwrap_or_default()
}

mod follow;

#[cfg(test)]
mod tests;
