//! The action queue's worker: sends each pending action to GenieACS as a task with a
//! connection request and a `uniqueKey`, follows queued tasks until they are gone, proves
//! completion, and retries transient failures. Intent is recorded before sending, so a
//! crash at any step never runs a destructive action twice and never loses one.

use super::translate::{plan, FileInfo, TaskSpec};
use super::verify::{Verdict, Verification};
use super::ActionStatus;
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
    /// The task waits in GenieACS for the device (offline or busy).
    Waiting(i64),
    /// A transient failure: the action will be tried again later.
    RetryLater(i64, String),
}

/// Transient failures are retried this many times.
const MAX_ATTEMPTS: i64 = 5;

/// The worker of one tenant's queue against one GenieACS NBI.
#[derive(Clone)]
pub struct Worker {
    store: TenantStore,
    client: acsdesk_genieacs::Client,
    clock: Clock,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker")
            .field("client", &self.client)
            .finish()
    }
}

enum Sent {
    Done(String),
    Queued(String),
    Faulted(String),
    Refused(String),
    Transient(String),
}

impl Worker {
    /// A worker for `store`'s queue, talking to GenieACS through `client`.
    pub fn new(store: TenantStore, client: acsdesk_genieacs::Client, clock: Clock) -> Self {
        Self {
            store,
            client,
            clock,
        }
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
        let Some(task) = task else {
            return match self.client.tasks().summon(&id, timeout).await {
                Ok(true) => Sent::Done(String::new()),
                Ok(false) => Sent::Refused(
                    "the device is offline and did not answer the connection request".into(),
                ),
                Err(e) if e.is_transient() => Sent::Transient(e.to_string()),
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
            Err(e) if e.is_transient() => Sent::Transient(e.to_string()),
            Err(e) => Sent::Refused(e.to_string()),
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

    async fn verify(&self, a: &ActionRow, verification: &Verification) -> Result<Outcome, String> {
        let now = (self.clock)();
        let sent = a.sent_ms.unwrap_or(now);
        let verdict = match self.device_doc(&a.device).await? {
            None => Verdict::Failed("the device is no longer in GenieACS".into()),
            Some(doc) => match normalize(&doc) {
                Ok(d) => verification.check(&doc, &d, sent),
                Err(e) => Verdict::Failed(e.to_string()),
            },
        };
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
                if now - sent > a.request.timeout().as_millis() as i64 {
                    self.fail(
                        a,
                        "timeout",
                        format!(
                            "not confirmed within {} min",
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

    async fn plan_for(&self, a: &ActionRow) -> Result<Result<super::ActionPlan, String>, String> {
        let Some(doc) = self.device_doc(&a.device).await? else {
            return Ok(Err("GenieACS does not know this device".into()));
        };
        let device = match normalize(&doc) {
            Ok(d) => d,
            Err(e) => return Ok(Err(e.to_string())),
        };
        let file = match &a.request {
            super::ActionRequest::UpdateFirmware { file, .. } => self.file(file).await?,
            _ => None,
        };
        Ok(plan(&a.request, &device, &doc, file.as_ref()).map_err(|e| e.to_string()))
    }

    /// Cancels an action that has not completed: a pending one simply ends; a queued one
    /// has its GenieACS task deleted first. An action whose task already ran cannot be
    /// cancelled.
    pub async fn cancel(&self, id: i64) -> Result<(), String> {
        let a = self.store.action(id).await.map_err(|e| e.to_string())?;
        if a.status.is_final() {
            return Err(format!("action {id} is already {}", a.status.as_str()));
        }
        if let Some(task_id) = &a.task_id {
            match self.client.tasks().delete(task_id).await {
                Ok(()) => {}
                Err(GenieError::NotFound(_)) => {
                    return Err(format!(
                        "action {id} has already reached the device; it cannot be cancelled"
                    ))
                }
                Err(e) => return Err(e.to_string()),
            }
        }
        self.store
            .finish_action(id, ActionStatus::Cancelled, None, (self.clock)())
            .await
            .map_err(|e| e.to_string())
    }

    /// Sends the oldest due pending action, if any.
    pub async fn try_execute_next(&self) -> Result<Outcome, String> {
        let now = (self.clock)();
        let Some(a) = self
            .store
            .next_pending_action(now)
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
        if a.status != ActionStatus::Pending {
            return Ok(Outcome::Idle);
        }
        self.execute(a).await
    }

    async fn execute(&self, a: ActionRow) -> Result<Outcome, String> {
        let now = (self.clock)();
        let plan = match self.plan_for(&a).await {
            Ok(Ok(p)) => p,
            Ok(Err(reason)) => return self.fail(&a, "invalid", reason).await,
            Err(transient) => return self.retry_or_fail(&a, transient).await,
        };
        // Intent first: from here on a crash is resolved by `follow_up`, never by a blind resend.
        self.store
            .mark_action_sending(a.id, now)
            .await
            .map_err(|e| e.to_string())?;
        let a = self.store.action(a.id).await.map_err(|e| e.to_string())?;
        self.dispatch(&a, &plan.task, &plan.verify).await
    }

    async fn dispatch(
        &self,
        a: &ActionRow,
        task: &Option<TaskSpec>,
        verification: &Verification,
    ) -> Result<Outcome, String> {
        match self.send(&a.device, task.as_ref(), &a.unique_key).await {
            Sent::Done(task_id) => {
                if !task_id.is_empty() {
                    self.store
                        .set_action_task(a.id, &task_id)
                        .await
                        .map_err(|e| e.to_string())?;
                }
                self.verify(a, verification).await
            }
            Sent::Queued(task_id) => {
                self.store
                    .set_action_task(a.id, &task_id)
                    .await
                    .map_err(|e| e.to_string())?;
                Ok(Outcome::Waiting(a.id))
            }
            Sent::Faulted(task_id) => {
                self.store
                    .set_action_task(a.id, &task_id)
                    .await
                    .map_err(|e| e.to_string())?;
                let (code, msg) = self
                    .fault_of(&a.device, &task_id)
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
            Sent::Refused(reason) => self.fail(a, "refused", reason).await,
            Sent::Transient(reason) => self.retry_or_fail(a, reason).await,
        }
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

    /// Follows every sent action: queued tasks still in GenieACS keep waiting, faulted
    /// ones fail with GenieACS's fault, gone ones are verified. An action whose task id
    /// was never recorded (the worker died mid-send) is found by its `uniqueKey`, or —
    /// when GenieACS has no such task — resolved by verification, and resent only when
    /// the device shows it did not run (a resend with the same key replaces a queued copy).
    pub async fn follow_up(&self) -> Result<Vec<Outcome>, String> {
        let mut out = Vec::new();
        for a in self
            .store
            .actions(Some(ActionStatus::Sent), 1000)
            .await
            .map_err(|e| e.to_string())?
        {
            let plan = match self.plan_for(&a).await? {
                Ok(p) => p,
                Err(reason) => {
                    out.push(self.fail(&a, "invalid", reason).await?);
                    continue;
                }
            };
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
            let outcome = match task_id {
                Some(t) => {
                    if let Some((code, msg)) = self.fault_of(&a.device, &t).await? {
                        self.fail(&a, &code, msg).await?
                    } else if self.task_exists(Filter::all().id(&t)).await?.is_some() {
                        Outcome::Waiting(a.id)
                    } else {
                        self.verify(&a, &plan.verify).await?
                    }
                }
                None => match self.verify(&a, &plan.verify).await? {
                    Outcome::Waiting(_) if a.task_id.is_none() => {
                        // Never reached GenieACS (or ran and left no trace the proof can see):
                        // send again under the same key.
                        self.dispatch(&a, &plan.task, &plan.verify).await?
                    }
                    other => other,
                },
            };
            out.push(outcome);
        }
        Ok(out)
    }
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
        r.store
            .mark_action_sending(a.id, r.sandbox.clock().now_ms())
            .await
            .unwrap();
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
        r.store
            .mark_action_sending(a.id, r.sandbox.clock().now_ms())
            .await
            .unwrap();
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
}
