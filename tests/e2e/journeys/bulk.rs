//! A bulk refresh from the device list: two routers picked, `Esc` cancels the
//! confirmation, which counts them; once confirmed, live progress to the end.

use super::only_online;
use acsdesk_tests::desktop::Desktop;
use anyhow::{ensure, Context};
use fantoccini::Locator;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_refresh_is_confirmed_and_followed_to_its_end() -> anyhow::Result<()> {
    Desktop::journey("bulk", None, async |desktop| {
        let online = desktop.start_demo().await?;
        only_online(desktop, online, None).await?;
        bulk_refresh(desktop).await
    })
    .await
}

async fn bulk_refresh(desktop: &Desktop) -> anyhow::Result<()> {
    let c = &desktop.client;
    for checkbox in c
        .find_all(Locator::Css(
            "[data-testid=device-row] [data-testid=row-select]",
        ))
        .await?
        .into_iter()
        .take(2)
    {
        checkbox.click().await?;
    }
    desktop
        .wait_text("[data-testid=bulk-count]", Duration::from_secs(5), |t| {
            t == "2 selected"
        })
        .await
        .context("the bulk bar counts the selection")?;
    // `Esc` closes the confirmation and queues nothing; asked again, it is confirmed.
    desktop.click("[data-testid=bulk-refresh]").await?;
    c.wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css("[data-testid=bulk-confirm]"))
        .await?;
    c.find(Locator::Css("body"))
        .await?
        .send_keys("\u{E00C}")
        .await?;
    desktop
        .wait_gone("[data-testid=bulk-confirm]", Duration::from_secs(5))
        .await
        .context("Esc closes the confirmation")?;
    ensure!(
        c.find_all(Locator::Css("[data-testid=bulk-panel]"))
            .await?
            .is_empty(),
        "nothing was queued"
    );
    desktop.click("[data-testid=bulk-refresh]").await?;
    let asked = desktop
        .wait_text(
            "[data-testid=bulk-confirm] h2",
            Duration::from_secs(5),
            |t| !t.is_empty(),
        )
        .await?;
    ensure!(asked == "Refresh 2 devices?", "confirmation: {asked:?}");
    desktop.screenshot("bulk-confirm").await?;
    desktop.click("[data-testid=bulk-confirm-yes]").await?;
    // A router that is busy is retried after a pause: the wait covers a few retries.
    let summary = desktop
        .wait_text(
            "[data-testid=bulk-summary]",
            Duration::from_secs(120),
            |t| t.ends_with("done"),
        )
        .await
        .context("the bulk refresh is followed to its end")?;
    ensure!(
        summary.starts_with("2 completed"),
        "both online devices answered: {summary}"
    );
    ensure!(
        c.find_all(Locator::Css("[data-testid=bulk-bar]"))
            .await?
            .is_empty(),
        "the selection is cleared once queued"
    );
    desktop.screenshot("bulk-done").await?;
    desktop.click("[data-testid=bulk-dismiss]").await?;
    Ok(())
}
