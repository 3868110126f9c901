//! `acsdesk sandbox`: serve the simulated fleet until interrupted.

use crate::cli::SandboxArgs;
use acsdesk_sandbox::Sandbox;
use anyhow::Context;

pub(crate) async fn run(a: &SandboxArgs) -> anyhow::Result<()> {
    let imported = match &a.import {
        None => Vec::new(),
        Some(path) => {
            let text =
                std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            match serde_json::from_slice::<serde_json::Value>(&text) {
                Ok(serde_json::Value::Array(docs)) => docs,
                Ok(doc @ serde_json::Value::Object(_)) => vec![doc],
                Ok(_) => anyhow::bail!(
                    "{}: expected a JSON array of GenieACS device documents",
                    path.display()
                ),
                Err(e) => anyhow::bail!("{}: not JSON ({e})", path.display()),
            }
        }
    };
    let n_imported = imported.len();
    let mut sandbox = Sandbox::builder(acsdesk_core::clock::system_now_ms());
    if let Some(name) = &a.require_header {
        let value = super::acs::read_secret(&format!("value of {name}"))?;
        sandbox = sandbox.require_header(name, &value);
    }
    let asked = std::net::SocketAddr::new(a.bind, a.port);
    // With --tls, the plain NBI listens on a free local port behind the https front.
    let plain = if a.tls {
        std::net::SocketAddr::from(([127, 0, 0, 1], 0))
    } else {
        asked
    };
    let handle = sandbox
        .devices(a.devices)
        .seed(a.seed)
        .speed(a.speed)
        .bind(plain)
        .import(imported)
        .download_failure_rate(a.firmware_failure_rate)
        .firmware_images(!a.no_firmware_images)
        .partial(a.partial)
        .start()
        .await?;
    let front = if a.tls {
        Some(
            acsdesk_sandbox::tls::front_on(&handle.url(), asked)
                .await
                .with_context(|| format!("cannot serve https on {asked}"))?,
        )
    } else {
        None
    };
    let url = front
        .as_ref()
        .map_or_else(|| handle.url(), |f| f.url.clone());
    println!(
        "GenieACS-compatible NBI with {} simulated routers{}: {url}",
        a.devices,
        if n_imported > 0 {
            format!(" and {n_imported} imported")
        } else {
            String::new()
        },
    );
    if let Some(f) = &front {
        println!("Self-signed certificate SHA-256: {}", f.fingerprint);
        println!(
            "Pin it to connect: acsdesk acs add NAME --url {url} --pin {}",
            f.fingerprint
        );
    }
    if let Some(name) = &a.require_header {
        println!("The NBI answers only requests carrying the header {name} as given.");
    }
    println!(
        "Scenario control under {}/_sandbox/ . Press Ctrl-C to stop.",
        url
    );
    tokio::signal::ctrl_c()
        .await
        .context("cannot wait for Ctrl-C")?;
    handle.shutdown().await;
    Ok(())
}
