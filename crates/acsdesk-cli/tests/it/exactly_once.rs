//! Exactly once across processes: two `acsdesk act --wait` at once never post a task
//! twice, and a reboot whose sending process is killed at each step (after its claim,
//! after GenieACS carried it out but before the answer was recorded, after recording)
//! is finished by another process (`acsdesk watch`) and reaches the router once.

use crate::env::Env;
use acsdesk_core::actions::ActionStatus;
use acsdesk_core::store::actions::ActionRow;
use acsdesk_core::store::{TenantStore, Workspace};
use acsdesk_sandbox::SandboxHandle;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PASS: &str = "correct horse";

struct Rig {
    env: Env,
    sandbox: SandboxHandle,
    http: reqwest::Client,
    tenant: TenantStore,
}

impl Rig {
    /// `acsdesk` in the background, its output in `<log>` in the data directory.
    fn spawn(&self, args: &[&str], log: &str) -> Child {
        let out = std::fs::File::create(self.env.dir.path().join(log)).unwrap();
        Command::new(env!("CARGO_BIN_EXE_acsdesk"))
            .args(args)
            .env("ACSDESK_DATA_DIR", self.env.dir.path())
            .env("ACSDESK_PASSPHRASE", PASS)
            .env_remove("ACSDESK_TENANT")
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .unwrap()
    }

    fn log(&self, log: &str) -> String {
        std::fs::read_to_string(self.env.dir.path().join(log)).unwrap_or_default()
    }

    async fn post(&self, path: &str) {
        let r = self
            .http
            .post(format!("{}{path}", self.sandbox.url()))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{path}: {}", r.status());
    }

    async fn reboots(&self, id: &str) -> usize {
        let log: Vec<serde_json::Value> = self
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
        log.iter().filter(|e| e["name"] == "reboot").count()
    }

    async fn action_on(&self, device: &str) -> Option<ActionRow> {
        let rows = self.tenant.actions(None, 100).await.unwrap();
        rows.into_iter().find(|a| a.device == device)
    }

    /// Waits (up to `secs`) until `done` holds of the action on `device`.
    async fn until(&self, device: &str, secs: u64, done: impl Fn(&ActionRow) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if self.action_on(device).await.as_ref().is_some_and(&done) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{device}: {:?}",
                self.action_on(device).await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

fn enc(id: &str) -> String {
    percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC).to_string()
}

fn kill(mut child: Child) {
    child.kill().unwrap();
    // Reaped: a dead sender is known dead at once (no lease to wait out).
    child.wait().unwrap();
}

fn wait_ok(mut child: Child, rig: &Rig, log: &str) {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{log}: {}", rig.log(log));
            return;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{log} never ended: {}", rig.log(log));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reboot_reaches_the_router_once_whatever_step_its_sender_dies_at() {
    // The CLI judges presence by the wall clock: the sandbox starts now.
    let (sandbox, env) =
        crate::env::synced("Acme", 8, acsdesk_core::clock::system_now_ms(), 120.0).await;
    let online: serde_json::Value =
        serde_json::from_str(&env.ok(&["devices", "--online", "--json"])).unwrap();
    let ids: Vec<String> = online
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(ids.len() >= 5, "five online routers: {online}");
    let tenant = Workspace::open(env.dir.path())
        .await
        .unwrap()
        .open_tenant("Acme", Some(PASS))
        .await
        .unwrap();
    let rig = Rig {
        env,
        sandbox,
        http: {
            acsdesk_core::http::install_crypto_provider();
            reqwest::Client::new()
        },
        tenant,
    };

    // Two terminals at once: one process sends, the other waits for it; each task is
    // posted once.
    let reboot = rig.spawn(&["act", "reboot", &ids[3], "--yes", "--wait"], "p1.log");
    let refresh = rig.spawn(&["act", "refresh", &ids[4], "--wait"], "p2.log");
    wait_ok(reboot, &rig, "p1.log");
    wait_ok(refresh, &rig, "p2.log");
    for id in &ids[3..5] {
        let a = rig.action_on(id).await.unwrap();
        assert_eq!(
            (a.status, a.attempts),
            (ActionStatus::Completed, 1),
            "{a:?}"
        );
    }
    assert_eq!(rig.reboots(&ids[3]).await, 1);

    // 1. Killed after its claim, while its task is on the way (never carried out).
    rig.post("/_sandbox/chaos?stall_tasks=1").await;
    let a1 = rig.spawn(&["act", "reboot", &ids[0], "--yes", "--wait"], "a1.log");
    rig.until(&ids[0], 30, |a| a.status == ActionStatus::Sent)
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    kill(a1);
    assert_eq!(rig.reboots(&ids[0]).await, 0);

    // 2. Killed after GenieACS rebooted the router, before its answer was recorded.
    rig.post("/_sandbox/chaos?stall_task_answers=1").await;
    let a2 = rig.spawn(&["act", "reboot", &ids[1], "--yes", "--wait"], "a2.log");
    let deadline = Instant::now() + Duration::from_secs(30);
    while rig.reboots(&ids[1]).await == 0 {
        assert!(Instant::now() < deadline, "{}", rig.log("a2.log"));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    kill(a2);
    let a = rig.action_on(&ids[1]).await.unwrap();
    assert_eq!((a.status, a.task_id.as_deref()), (ActionStatus::Sent, None));

    // 3. Killed after recording: the router is offline, its task waits in GenieACS.
    let offline = format!("/_sandbox/devices/{}/offline", enc(&ids[2]));
    rig.post(&offline).await;
    let a3 = rig.spawn(&["act", "reboot", &ids[2], "--yes", "--wait"], "a3.log");
    rig.until(&ids[2], 30, |a| a.task_id.is_some()).await;
    kill(a3);
    let online = format!("/_sandbox/devices/{}/online", enc(&ids[2]));
    rig.post(&online).await;

    // Another process takes the dead senders' actions over and settles each.
    let watch = rig.spawn(&["watch", "--interval", "3600"], "watch.log");
    for id in &ids[..3] {
        rig.until(id, 120, |a| a.status.is_final()).await;
    }
    kill(watch);
    for (id, sends) in ids[..3].iter().zip([2, 1, 1]) {
        let a = rig.action_on(id).await.unwrap();
        assert_eq!(
            (a.status, a.attempts),
            (ActionStatus::Completed, sends),
            "{a:?}\n{}",
            rig.log("watch.log")
        );
        assert_eq!(rig.reboots(id).await, 1, "{id} rebooted once");
    }
}
