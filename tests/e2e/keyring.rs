//! A first run where the system keyring cannot keep a key (here: no Secret Service on
//! the session bus at all), started as `./dev.sh run` starts it, with `--demo`: the
//! window asks for a passphrase and says why, instead of a line on stderr, and the demo
//! fleet opens once one is chosen.

use acsdesk_tests::desktop::Desktop;
use anyhow::{ensure, Context};
use fantoccini::Locator;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_keyring_the_demo_asks_for_a_passphrase_in_words() -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let desktop = Desktop::launch_with(
        data,
        &["--demo"],
        &[(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/acsdesk-e2e-bus",
        )],
    )
    .await?;
    let outcome = scenario(&desktop).await;
    if outcome.is_err() {
        let _ = desktop.screenshot("keyring-failure").await;
    }
    desktop.shutdown().await;
    outcome
}

async fn scenario(desktop: &Desktop) -> anyhow::Result<()> {
    let c = &desktop.client;
    let dialog = c
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css("[data-testid=unlock-dialog]"))
        .await
        .context("--demo without a keyring asks for a passphrase")?;
    let said = dialog.text().await?;
    ensure!(
        said.contains("keyring is locked or missing") && said.contains("each time it starts"),
        "the dialog says why, in words: {said}"
    );
    ensure!(
        !said.contains("DBus") && !said.contains("ACSDESK_PASSPHRASE"),
        "no raw error: {said}"
    );
    desktop.screenshot("keyring").await?;
    c.find(Locator::Css("[data-testid=unlock-passphrase]"))
        .await?
        .send_keys("field laptop passphrase")
        .await?;
    c.find(Locator::Css("[data-testid=unlock-again]"))
        .await?
        .send_keys("field laptop passphrase")
        .await?;
    desktop.click("[data-testid=unlock-submit]").await?;
    desktop
        .wait_counts(Duration::from_secs(90), |_, _, fleet| fleet == 200)
        .await
        .context("the demo fleet opens under the passphrase")?;
    ensure!(
        desktop.count("[data-testid=unlock-dialog]").await? == 0,
        "the dialog closed"
    );
    Ok(())
}
