//! First run to the fleet: the welcome screen starts the demo, the list shows the fleet,
//! the offline filter narrows it, and a device opens on its dashboard.

use acsdesk_tests::desktop::Desktop;
use anyhow::{ensure, Context};
use fantoccini::Locator;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_run_demo_fleet_filter_and_device_dashboard() -> anyhow::Result<()> {
    let desktop = Desktop::launch().await?;
    let outcome = scenario(&desktop).await;
    if outcome.is_err() {
        let _ = desktop.screenshot("demo-failure").await;
    }
    desktop.shutdown().await;
    outcome
}

/// Parses "12 online / 200 shown of 200".
fn counts(text: &str) -> Option<(u64, u64, u64)> {
    let nums: Vec<u64> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    match nums.as_slice() {
        [online, shown, fleet] => Some((*online, *shown, *fleet)),
        _ => None,
    }
}

async fn scenario(desktop: &Desktop) -> anyhow::Result<()> {
    let c = &desktop.client;
    let start = c
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css("[data-testid=start-demo]"))
        .await
        .context("a first run offers the demo fleet")?;
    desktop.screenshot("welcome").await?;
    start.click().await?;

    let text = desktop
        .wait_text(
            "[data-testid=device-counts]",
            Duration::from_secs(90),
            |t| counts(t).is_some_and(|(_, shown, fleet)| fleet == 200 && shown == 200),
        )
        .await?;
    let (online, _, _) = counts(&text).context("counts")?;
    ensure!(
        online > 0 && online < 200,
        "a realistic fleet has some devices offline: {text}"
    );
    let rows = c.find_all(Locator::Css("[data-testid=device-row]")).await?;
    ensure!(
        !rows.is_empty() && rows.len() < 100,
        "only visible rows are rendered: {}",
        rows.len()
    );
    desktop.screenshot("devices").await?;

    c.find(Locator::Css("[data-testid=filter-presence]"))
        .await?
        .select_by_value("offline")
        .await?;
    let offline_text = desktop
        .wait_text(
            "[data-testid=device-counts]",
            Duration::from_secs(20),
            |t| counts(t).is_some_and(|(on, shown, _)| on == 0 && shown == 200 - online),
        )
        .await?;
    let statuses = c
        .find_all(Locator::Css("[data-testid=device-row] .c-status"))
        .await?;
    for s in &statuses {
        let t = s.text().await?;
        ensure!(
            t.contains("Offline"),
            "a row in the offline filter says {t:?}"
        );
    }
    desktop.screenshot("devices-offline").await?;
    let _ = offline_text;

    let first = c.find(Locator::Css("[data-testid=device-row]")).await?;
    let serial = first.find(Locator::Css(".c-serial")).await?.text().await?;
    c.execute(
        "arguments[0].dispatchEvent(new MouseEvent('dblclick', {bubbles: true}))",
        vec![serde_json::to_value(&first)?],
    )
    .await?;
    let title = desktop
        .wait_text("[data-testid=device-title]", Duration::from_secs(20), |t| {
            !t.is_empty()
        })
        .await?;
    ensure!(
        title.contains(&serial),
        "the dashboard of {serial} opened: {title:?}"
    );
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("[data-testid=chart-uptime] svg"))
        .await
        .context("the uptime chart is drawn")?;
    desktop.screenshot("device").await?;
    Ok(())
}
