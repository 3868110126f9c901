//! Integration tests of the sandbox over real HTTP: the NBI as the recorded GenieACS
//! captures show it, the simulated fleet, tasks and the scenario API.

// A test binary: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod behaviour;
mod conformance;
mod nbi;
mod provisioning;

use acsdesk_sandbox::{Sandbox, SandboxHandle};

/// 2026-11-23T21:00:00Z, the captures' day.
pub(crate) const T0: i64 = 1_795_467_600_000;

pub(crate) async fn start(devices: u64) -> SandboxHandle {
    Sandbox::builder(T0)
        .devices(devices)
        .seed(7)
        .speed(0.0)
        .start()
        .await
        .unwrap()
}

pub(crate) fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().build().unwrap()
}

/// The raw status line of a response, reason phrase included.
pub(crate) async fn status_line(addr: std::net::SocketAddr, request: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(request.as_bytes()).await.unwrap();
    let mut buf = vec![0_u8; 4096];
    let n = s.read(&mut buf).await.unwrap();
    String::from_utf8_lossy(&buf[..n])
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}
