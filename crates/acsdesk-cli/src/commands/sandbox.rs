//! `acsdesk sandbox`: serve the simulated fleet until interrupted.

use crate::cli::SandboxArgs;
use acsdesk_sandbox::Sandbox;
use anyhow::Context;

pub(crate) async fn run(a: &SandboxArgs) -> anyhow::Result<()> {
    let handle = Sandbox::builder(acsdesk_core::clock::system_now_ms())
        .devices(a.devices)
        .seed(a.seed)
        .speed(a.speed)
        .bind(std::net::SocketAddr::new(a.bind, a.port))
        .start()
        .await
        .with_context(|| format!("cannot listen on {}:{}", a.bind, a.port))?;
    println!(
        "GenieACS-compatible NBI with {} simulated routers: {}",
        a.devices,
        handle.url()
    );
    println!(
        "Scenario control under {}/_sandbox/ . Press Ctrl-C to stop.",
        handle.url()
    );
    tokio::signal::ctrl_c()
        .await
        .context("cannot wait for Ctrl-C")?;
    handle.shutdown().await;
    Ok(())
}
