//! A bulk refresh from the device list: two routers picked, `Esc` cancels the
//! confirmation, which counts them; once confirmed, live progress to the end. Then a
//! bulk ping of three routers, the host checked as typed, summed up: who answers, who is
//! silent, who is slow.

use super::only_online;
use acsdesk_tests::desktop::Desktop;
use anyhow::{ensure, Context};
use fantoccini::Locator;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_refresh_is_confirmed_and_followed_to_its_end() -> anyhow::Result<()> {
    Desktop::journey("bulk", None, async |desktop| {
        desktop.start_demo().await?;
        only_online(desktop, None).await?;
        let rows = super::first_rows(desktop, 3).await?;
        super::steady(desktop, &rows).await?;
        bulk_refresh(desktop).await?;
        bulk_ping(desktop).await
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
    desktop
        .open("[data-testid=bulk-refresh]", "[data-testid=bulk-confirm]")
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
        desktop.count("[data-testid=bulk-panel]").await? == 0,
        "nothing was queued"
    );
    desktop
        .open("[data-testid=bulk-refresh]", "[data-testid=bulk-confirm]")
        .await?;
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
        desktop.count("[data-testid=bulk-bar]").await? == 0,
        "the selection is cleared once queued"
    );
    desktop.screenshot("bulk-done").await?;
    desktop.click("[data-testid=bulk-dismiss]").await?;
    Ok(())
}

async fn bulk_ping(desktop: &Desktop) -> anyhow::Result<()> {
    let c = &desktop.client;
    // One row at a time, found afresh: the list draws its rows again as syncs land, and a
    // click on a row drawn anew is lost.
    for n in 1..=3 {
        let want = format!("{n} selected");
        for _ in 0..5 {
            let boxes = c
                .find_all(Locator::Css(
                    "[data-testid=device-row] [data-testid=row-select]",
                ))
                .await?;
            if let Some(b) = boxes.get(n - 1) {
                let _ = b.click().await;
            }
            let counted = desktop
                .wait_text("[data-testid=bulk-count]", Duration::from_secs(2), |t| {
                    t == want
                })
                .await;
            if counted.is_ok() {
                break;
            }
        }
    }
    desktop
        .wait_text("[data-testid=bulk-count]", Duration::from_secs(5), |t| {
            t == "3 selected"
        })
        .await?;
    desktop
        .open("[data-testid=bulk-ping]", "[data-testid=bulk-ping-host]")
        .await?;
    let host = c.find(Locator::Css("[data-testid=bulk-ping-host]")).await?;
    super::shows_value(c, "[data-testid=bulk-ping-host]", "8.8.8.8")
        .await
        .context("the tenant's host is offered")?;
    host.clear().await?;
    host.send_keys("not a host").await?;
    let yes = c
        .find(Locator::Css("[data-testid=bulk-confirm-yes]"))
        .await?;
    ensure!(
        yes.prop("disabled").await?.as_deref() == Some("true"),
        "no ping of a host that is not one"
    );
    host.clear().await?;
    host.send_keys("example.net").await?;
    desktop
        .click("[data-testid=bulk-confirm-yes]:not([disabled])")
        .await?;
    let sweep = desktop
        .wait_text("[data-testid=bulk-ping]", Duration::from_secs(120), |t| {
            t.contains("Ping example.net: ") && (t.contains("answered") || t.contains("silent"))
        })
        .await
        .context("the pings are summed up")?;
    desktop
        .wait_text(
            "[data-testid=bulk-summary]",
            Duration::from_secs(120),
            |t| t.ends_with("done"),
        )
        .await
        .context("the bulk ping ends")?;
    let sweep_done = desktop.text_content("[data-testid=bulk-ping]").await?;
    ensure!(
        sweep_done.contains("3 answered") || sweep_done.contains("silent"),
        "every router accounted for: {sweep_done} (first seen: {sweep})"
    );
    desktop.screenshot("bulk-ping").await?;
    desktop.click("[data-testid=bulk-dismiss]").await?;
    Ok(())
}
