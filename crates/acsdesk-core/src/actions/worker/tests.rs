//! The worker against a real sandbox: exactly once across kills at every step, offline
//! devices, lost answers, cancellations, expiry, and connections kept apart.

use super::*;
use crate::actions::{ActionRequest, BandChoice};
use crate::testkit::{open_acs, sync_from, synced_tenant, TestTenant};
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
    let TestTenant { dir, store } = synced_tenant("t", &sandbox.url(), 20, T0).await;
    let http = crate::http::client(Duration::from_secs(10)).unwrap();
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
            .claim_action(
                a.id,
                Some(&evidence),
                self.worker.terms(),
                self.sandbox.clock().now_ms()
            )
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
        Outcome::Moved(a.id)
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
    // Right after the claim GenieACS may still be running a send: nothing is repeated.
    let outcomes = r.worker.follow_up().await.unwrap();
    assert_eq!(outcomes, vec![Outcome::Waiting(a.id)]);
    assert_eq!(r.executed(&id, "reboot").await, 0);
    r.sandbox.advance(RESEND_GRACE.as_millis() as i64 + 1);
    r.worker.follow_up().await.unwrap();
    assert_eq!(r.executed(&id, "reboot").await, 1);
    r.sandbox.advance(10 * 60_000);
    r.worker.follow_up().await.unwrap();
    assert_eq!(
        r.store.action(a.id).await.unwrap().status,
        ActionStatus::Completed
    );
    assert_eq!(r.executed(&id, "reboot").await, 1);
}

/// Two processes on one tenant: the one holding the connection's lease sends and
/// follows; the other does nothing until that lease has expired, then takes over the
/// claimed action and still reboots the device once.
#[tokio::test]
async fn a_second_process_waits_for_the_lease_then_takes_over_exactly_once() {
    let r = rig().await;
    let id = r.online_device().await;
    let other = r
        .worker
        .clone()
        .with_owner(crate::actions::lease::Owner::named(
            "acsdesk@elsewhere/1/1",
            crate::actions::lease::LEASE_TTL,
        ));
    let a = r.reboot(&id).await;
    // The first process claims (taking the lease) and "dies" before sending.
    r.claim(&a).await;
    assert_eq!(r.worker.take_lease().await.unwrap(), Lease::Held);
    match other.take_lease().await.unwrap() {
        Lease::HeldBy { owner, until_ms } => {
            assert!(owner.starts_with(&format!("pid {} on ", std::process::id())));
            assert!(until_ms > r.sandbox.clock().now_ms());
        }
        Lease::Held => panic!("the lease is the first process's"),
    }
    // Long past the resend grace, but within the lease: the other process neither
    // follows nor sends, nor claims a new action.
    r.sandbox.advance(60_000);
    assert!(other.follow_up().await.unwrap().is_empty());
    let b = r.reboot(&r.online_device().await).await;
    assert_eq!(other.execute_action(b.id).await.unwrap(), Outcome::Idle);
    assert_eq!(r.executed(&id, "reboot").await, 0);
    // The lease expires unrenewed: the other process takes it over, finds neither the
    // task nor a reboot in GenieACS, sends once and proves it.
    r.sandbox
        .advance(crate::actions::lease::LEASE_TTL.as_millis() as i64);
    assert_eq!(other.take_lease().await.unwrap(), Lease::Held);
    other.follow_up().await.unwrap();
    assert_eq!(r.executed(&id, "reboot").await, 1);
    assert!(
        r.worker.follow_up().await.unwrap().is_empty(),
        "no longer the owner"
    );
    r.sandbox.advance(10 * 60_000);
    other.follow_up().await.unwrap();
    assert_eq!(
        r.store.action(a.id).await.unwrap().status,
        ActionStatus::Completed
    );
    assert_eq!(r.executed(&id, "reboot").await, 1);
    // Given up, the lease is free for the first process again.
    other.release_lease().await.unwrap();
    assert_eq!(r.worker.take_lease().await.unwrap(), Lease::Held);
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
        Outcome::Moved(a.id)
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
        .to_string()
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
        Outcome::Moved(a.id)
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
        vec![Outcome::Moved(a.id)],
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
        Outcome::Moved(a.id)
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
        Outcome::Moved(a.id)
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
        .add_acs(&open_acs("branch", &branch.url(), 20), T0)
        .await
        .unwrap();
    sync_from(&r.store, "branch", &branch.url(), T0).await;
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

/// A ping on a TR-098 and a TR-181 router: the diagnostic is set with a connection
/// request, its results read at the session the router opens when done (a refresh
/// waiting in GenieACS), the answer logged; a host that cannot be resolved fails with
/// that reason; an offline router's ping is withdrawn within minutes.
#[tokio::test]
async fn a_ping_ends_with_its_results_or_why_it_could_not() {
    use crate::normalize::DataModel;
    let r = rig().await;
    let page = r
        .store
        .list_devices(&Default::default(), Default::default(), 0, 100)
        .await
        .unwrap();
    let mut tried = Vec::new();
    for model in [DataModel::Tr098, DataModel::Tr181] {
        let mut id = None;
        for row in page.rows.iter().filter(|r| r.online) {
            let d = r.store.device(&row.id).await.unwrap();
            if d.normalized.data_model == Some(model) {
                id = Some(row.id.clone());
                break;
            }
        }
        let id = id.unwrap_or_else(|| panic!("an online {model:?} router"));
        r.scenario(&id, "ppp-ok").await;
        let ping = |host: &str| ActionRequest::Ping {
            host: host.into(),
            repetitions: 5,
        };
        let a = r
            .store
            .enqueue_action(&id, &ping("8.8.8.8"), "noc", r.sandbox.clock().now_ms())
            .await
            .unwrap();
        let first = r.worker.try_execute_next().await.unwrap();
        assert!(
            matches!(first, Outcome::Moved(x) | Outcome::Waiting(x) if x == a.id),
            "the test runs after the session that asked: {first:?}"
        );
        assert_eq!(
            r.store.action(a.id).await.unwrap().stage,
            Some(ActionStage::Testing)
        );
        let done = r.until_final(a.id).await;
        assert_eq!(done.status, ActionStatus::Completed, "{done:?}");
        assert!(
            r.executed(&id, "refreshObject").await >= 1,
            "the results were read"
        );
        let logs = r.store.logs(Some(&id), 20).await.unwrap();
        let result = logs
            .iter()
            .find(|l| l.kind == "action_result")
            .unwrap_or_else(|| panic!("{logs:?}"));
        assert!(
            result.message.starts_with("Ping 8.8.8.8: ")
                && result.message.contains(" of 5 answered, ")
                && result.message.contains(" ms average"),
            "{}",
            result.message
        );
        let bad = r
            .store
            .enqueue_action(
                &id,
                &ping("nowhere.invalid"),
                "noc",
                r.sandbox.clock().now_ms(),
            )
            .await
            .unwrap();
        r.worker.try_execute_next().await.unwrap();
        let failed = r.until_final(bad.id).await;
        assert_eq!(failed.status, ActionStatus::Failed);
        assert_eq!(
            failed.fault_message.as_deref(),
            Some("the router cannot resolve nowhere.invalid"),
            "{failed:?}"
        );
        // Both kept as the device's history, newest first.
        let history = r.store.diagnostics(&id, 10).await.unwrap();
        assert_eq!(history.len(), 2, "{history:?}");
        assert_eq!(
            history[0].error.as_deref(),
            Some("the router cannot resolve nowhere.invalid")
        );
        let ping = history[1].ping().expect("the first ping's results");
        assert_eq!(ping.answered + ping.lost, 5);
        assert_eq!(history[1].action_id, Some(a.id));
        assert_eq!(
            format!("Ping 8.8.8.8: {}", ping.describe()),
            result.message,
            "the log says what the history keeps"
        );
        tried.push(id);
    }
    // Unplugged: the ping waits in GenieACS and is withdrawn after ten minutes.
    let id = &tried[0];
    r.scenario(id, "offline").await;
    let a = r
        .store
        .enqueue_action(
            id,
            &ActionRequest::Ping {
                host: "8.8.8.8".into(),
                repetitions: 4,
            },
            "noc",
            r.sandbox.clock().now_ms(),
        )
        .await
        .unwrap();
    r.worker.try_execute_next().await.unwrap();
    let gone = r.until_final(a.id).await;
    assert_eq!(gone.status, ActionStatus::Failed, "{gone:?}");
}

/// A traceroute and a download and an upload test run as a ping does, on a TR-098 and a
/// TR-181 router: their results are read from each data model's names and kept (hops
/// nearest first, bytes over time as Mbit/s); a router without the TR-143 objects (the
/// Huawei) is refused before anything is queued.
#[tokio::test]
async fn a_traceroute_and_speed_tests_keep_their_hops_and_throughput() {
    use crate::normalize::DataModel;
    use acsdesk_types::diagnostics::DiagnosticResult;
    use acsdesk_types::DiagnosticKind;
    let r = rig().await;
    let page = r
        .store
        .list_devices(&Default::default(), Default::default(), 0, 100)
        .await
        .unwrap();
    let mut huawei = None;
    let mut routers = Vec::new();
    for row in page.rows.iter().filter(|r| r.online) {
        let d = r.store.device(&row.id).await.unwrap().normalized;
        if d.product_class == "HG8245H" {
            huawei.get_or_insert(row.id.clone());
        } else if !routers.iter().any(|(m, _)| *m == d.data_model) {
            routers.push((d.data_model, row.id.clone()));
        }
    }
    routers.sort_by_key(|(m, _)| *m == Some(DataModel::Tr181));
    let models: Vec<_> = routers.iter().map(|(m, _)| *m).collect();
    assert_eq!(models, [Some(DataModel::Tr098), Some(DataModel::Tr181)]);
    let run = |id: String, request: ActionRequest| {
        let r = &r;
        async move {
            // Steady for the test: no outage under way, the line up.
            r.scenario(&id, "online").await;
            r.scenario(&id, "ppp-ok").await;
            let a = r
                .store
                .enqueue_action(&id, &request, "noc", r.sandbox.clock().now_ms())
                .await
                .unwrap();
            r.worker.try_execute_next().await.unwrap();
            let done = r.until_final(a.id).await;
            let kept = r.store.diagnostics(&id, 1).await.unwrap();
            (done, kept.into_iter().next().expect("kept"))
        }
    };
    for (_, id) in &routers {
        let (done, kept) = run(
            id.clone(),
            ActionRequest::Traceroute {
                host: "example.net".into(),
                max_hops: 30,
            },
        )
        .await;
        assert_eq!(done.status, ActionStatus::Completed, "{done:?}");
        assert_eq!(kept.kind, DiagnosticKind::Traceroute);
        let trace = kept.trace().expect("hops");
        assert!(trace.hops.len() >= 4, "{trace:?}");
        let last = trace.hops.last().unwrap();
        assert_eq!(last.host, "example.net");
        assert!(
            !last.address.is_empty() && last.rtts_ms.len() == 3,
            "{last:?}"
        );
        assert!(trace.response_ms > 0);
        assert!(
            trace.hops[0].answered() && trace.hops[0].rtts_ms[0] <= last.rtts_ms[0] + 5,
            "the first hop is the nearest: {trace:?}"
        );

        let (done, kept) = run(
            id.clone(),
            ActionRequest::Traceroute {
                host: "example.net".into(),
                max_hops: 2,
            },
        )
        .await;
        assert_eq!(done.status, ActionStatus::Failed);
        assert_eq!(
            kept.error.as_deref(),
            Some("example.net is more hops away than the test allows"),
            "{done:?} {kept:?}"
        );

        let (done, kept) = run(
            id.clone(),
            ActionRequest::SpeedTest {
                kind: DiagnosticKind::Download,
                url: "http://speed.example.net/25MB.bin".into(),
                upload_bytes: 0,
            },
        )
        .await;
        assert_eq!(done.status, ActionStatus::Completed, "{done:?}");
        let Some(DiagnosticResult::Download(t)) = &kept.result else {
            panic!("{kept:?}")
        };
        assert_eq!(t.bytes, 25_000_000);
        assert!((15.0..=330.0).contains(&t.mbit_s()), "{t:?}");
        assert!(t.request_ms.is_some_and(|ms| ms > 0));

        let (done, kept) = run(
            id.clone(),
            ActionRequest::SpeedTest {
                kind: DiagnosticKind::Upload,
                url: "ftp://tester:s3cret@speed.example.net/in".into(),
                upload_bytes: 4_000_000,
            },
        )
        .await;
        assert_eq!(done.status, ActionStatus::Completed, "{done:?}");
        let Some(DiagnosticResult::Upload(t)) = &kept.result else {
            panic!("{kept:?}")
        };
        assert_eq!(t.bytes, 4_000_000);
        assert_eq!(kept.target, "ftp://tester:•••@speed.example.net/in");
        let logs = r.store.logs(Some(id), 50).await.unwrap();
        assert!(
            logs.iter().all(|l| !l.message.contains("s3cret")),
            "no password in the device log"
        );

        let (done, kept) = run(
            id.clone(),
            ActionRequest::SpeedTest {
                kind: DiagnosticKind::Download,
                url: "http://speed.invalid/x".into(),
                upload_bytes: 0,
            },
        )
        .await;
        assert_eq!(done.status, ActionStatus::Failed);
        let why = kept.error.unwrap();
        assert!(
            why == "the router cannot resolve http://speed.invalid/x"
                || why == "the router could not connect to http://speed.invalid/x",
            "{why}"
        );
    }
    let huawei = huawei.expect("an online Huawei");
    let refused = r
        .worker
        .check(
            &huawei,
            &ActionRequest::SpeedTest {
                kind: DiagnosticKind::Download,
                url: "http://speed.example.net/x".into(),
                upload_bytes: 0,
            },
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("no download test diagnostic (InternetGatewayDevice.DownloadDiagnostics)"),
        "{refused}"
    );
}
