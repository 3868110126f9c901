//! A tenant protected by a passphrase: at start the window asks for it, a wrong one is
//! refused in place, the right one opens the tenant.

use acsdesk_core::store::{KeyChoice, Workspace};
use acsdesk_tests::desktop::Desktop;
use anyhow::Context;
use fantoccini::Locator;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_passphrase_tenant_is_unlocked_in_the_window() -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    {
        let ws = Workspace::open(data.path()).await?;
        let t = ws
            .create_tenant("Field ISP", KeyChoice::Passphrase("open sesame".into()), 0)
            .await?;
        t.close().await;
        ws.set_setting("current_tenant", "Field ISP").await?;
    }
    Desktop::journey("unlock", Some(data), scenario).await
}

async fn scenario(desktop: &Desktop) -> anyhow::Result<()> {
    let c = &desktop.client;
    let wait = |css: &'static str| {
        c.wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css(css))
    };
    wait("[data-testid=unlock-dialog]")
        .await
        .context("the window asks for the tenant's passphrase")?;
    wait("[data-testid=locked]")
        .await
        .context("nothing of the tenant shows meanwhile")?;
    desktop.screenshot("unlock").await?;
    let field = wait("[data-testid=unlock-passphrase]").await?;
    field.send_keys("not it").await?;
    wait("[data-testid=unlock-submit]").await?.click().await?;
    let err = wait("[data-testid=unlock-error]").await?.text().await?;
    anyhow::ensure!(err.contains("wrong key or passphrase"), "{err}");
    anyhow::ensure!(!err.contains("not it"), "the passphrase is not shown back");
    let field = wait("[data-testid=unlock-passphrase]").await?;
    field.send_keys("open sesame").await?;
    wait("[data-testid=unlock-submit]").await?.click().await?;
    wait("[data-testid=device-counts]")
        .await
        .context("the tenant opens on its device list")?;
    anyhow::ensure!(
        desktop.count("[data-testid=unlock-dialog]").await? == 0,
        "the dialog closed"
    );
    desktop.screenshot("unlocked").await?;
    Ok(())
}
