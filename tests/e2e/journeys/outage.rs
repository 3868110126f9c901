//! The ACS goes away: with its connection edited to a dead address, the device list says
//! since when it fails and keeps its cached rows, and the navigation shows it from every
//! page; edited back, both clear.

use acsdesk_tests::desktop::Desktop;
use anyhow::{ensure, Context};
use fantoccini::Locator;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_acs_is_shown_everywhere_until_it_answers_again() -> anyhow::Result<()> {
    Desktop::journey("outage", None, async |desktop| {
        desktop.start_demo().await?;
        desktop.click("[data-testid=nav-settings]").await?;
        let sandbox_url = edit_acs(desktop, "http://127.0.0.1:9")
            .await
            .context("editing the connection")?;
        ensure!(
            sandbox_url.starts_with("http://127.0.0.1:"),
            "{sandbox_url}"
        );
        desktop.click("[data-testid=nav-devices]").await?;
        let banner = desktop
            .wait_text("[data-testid=acs-banner]", Duration::from_secs(30), |t| {
                t.contains("ACS demo")
            })
            .await
            .context("the device list says the ACS fails")?;
        ensure!(
            banner.contains(" since ") && banner.contains("synced before"),
            "{banner}"
        );
        desktop
            .client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css("[data-testid=device-row]"))
            .await
            .context("cached rows stay")?;
        for page in ["alerts", "about", "devices"] {
            desktop.click(&format!("[data-testid=nav-{page}]")).await?;
            desktop
                .wait_text(
                    "[data-testid=nav-acs] .state",
                    Duration::from_secs(10),
                    |t| t == "degraded" || t == "unreachable",
                )
                .await
                .with_context(|| format!("the navigation shows the failing ACS on {page}"))?;
        }
        desktop.screenshot("acs-unreachable").await?;
        desktop.click("[data-testid=nav-settings]").await?;
        edit_acs(desktop, &sandbox_url)
            .await
            .context("editing it back")?;
        desktop.click("[data-testid=nav-devices]").await?;
        desktop
            .wait_gone("[data-testid=acs-banner]", Duration::from_secs(30))
            .await
            .context("the banner goes once the ACS is back")?;
        desktop
            .wait_text(
                "[data-testid=nav-acs] .state",
                Duration::from_secs(30),
                |t| t == "ok",
            )
            .await
            .context("the navigation says the ACS is ok again")?;
        Ok(())
    })
    .await
}

/// Edits the connection's URL from Settings; returns the URL it had.
async fn edit_acs(desktop: &Desktop, url: &str) -> anyhow::Result<String> {
    let c = &desktop.client;
    // The list renders again when the page's state arrives: a button found just before
    // may be replaced, so find and click again until the form opens.
    let mut form = None;
    for _ in 0..10 {
        if let Ok(edit) = c.find(Locator::Css("[data-testid=acs-edit]")).await {
            let _ = edit.click().await;
        }
        if let Ok(f) = c
            .wait()
            .at_most(Duration::from_secs(1))
            .for_element(Locator::Css(
                "[data-testid=acs-edit-form] [data-testid=acs-url]",
            ))
            .await
        {
            form = Some(f);
            break;
        }
    }
    let field = form.context("the edit form opens")?;
    let before = field.prop("value").await?.unwrap_or_default();
    field.clear().await?;
    field.send_keys(url).await?;
    desktop
        .click("[data-testid=acs-edit-form] [data-testid=acs-save]")
        .await?;
    desktop
        .wait_text("[data-testid=acs-list]", Duration::from_secs(10), |t| {
            t.contains(url)
        })
        .await?;
    Ok(before)
}
