//! The `acsdesk` binary run as a script runs it: a temp data directory and
//! `ACSDESK_PASSPHRASE`.

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// A data directory of its own for every command run.
pub(crate) struct Env {
    pub(crate) dir: tempfile::TempDir,
}

impl Env {
    pub(crate) fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub(crate) fn run_with(&self, args: &[&str], pass: &str, stdin: Option<&str>) -> Output {
        self.run_env(args, pass, &[], stdin)
    }

    pub(crate) fn run_env(
        &self,
        args: &[&str],
        pass: &str,
        env: &[(&str, &str)],
        stdin: Option<&str>,
    ) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_acsdesk"))
            .args(args)
            .env("ACSDESK_DATA_DIR", self.dir.path())
            .env("ACSDESK_PASSPHRASE", pass)
            .envs(env.iter().copied())
            .env_remove("ACSDESK_TENANT")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        if let Some(text) = stdin {
            child
                .stdin
                .take()
                .unwrap()
                .write_all(text.as_bytes())
                .unwrap();
        }
        drop(child.stdin.take());
        child.wait_with_output().unwrap()
    }

    pub(crate) fn ok(&self, args: &[&str]) -> String {
        let out = self.run_with(args, "correct horse", None);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    pub(crate) fn fails(&self, args: &[&str], pass: &str) -> String {
        let out = self.run_with(args, pass, None);
        assert!(!out.status.success(), "{args:?} should fail");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.trim_end().lines().count(), 1, "one clear line: {err}");
        err
    }
}

/// A sandbox of `devices` routers (its clock from `start_ms`, at `speed`) and a data
/// directory whose tenant `tenant` has it as connection `main`, synced once.
pub(crate) async fn synced(
    tenant: &str,
    devices: u64,
    start_ms: i64,
    speed: f64,
) -> (acsdesk_sandbox::SandboxHandle, Env) {
    let sandbox = acsdesk_sandbox::Sandbox::builder(start_ms)
        .devices(devices)
        .speed(speed)
        .firmware_images(true)
        .start()
        .await
        .unwrap();
    let env = Env::new();
    env.ok(&["tenant", "add", tenant]);
    env.ok(&["acs", "add", "main", "--url", &sandbox.url()]);
    env.ok(&["sync"]);
    (sandbox, env)
}
