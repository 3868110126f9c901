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
    // Filters are remembered by the webview between runs: start from none.
    let clear = c
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css("[data-testid=clear-filters]"))
        .await?;
    if clear.prop("disabled").await?.as_deref() != Some("true") {
        clear.click().await?;
    }

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

    // Actions need a device that answers: switch to the online ones.
    c.find(Locator::Css("[data-testid=filter-presence]"))
        .await?
        .select_by_value("online")
        .await?;
    desktop
        .wait_text(
            "[data-testid=device-counts]",
            Duration::from_secs(20),
            |t| counts(t).is_some_and(|(on, shown, _)| on == shown && shown == online),
        )
        .await?;

    // Bulk: two devices picked (not the first, whose dashboard comes next and should
    // start with no actions), a confirmation that counts them, live progress to the end.
    for checkbox in c
        .find_all(Locator::Css(
            "[data-testid=device-row] [data-testid=row-select]",
        ))
        .await?
        .into_iter()
        .skip(1)
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
    c.find(Locator::Css("[data-testid=bulk-refresh]"))
        .await?
        .click()
        .await?;
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
    c.find(Locator::Css("[data-testid=bulk-refresh]"))
        .await?
        .click()
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
    c.find(Locator::Css("[data-testid=bulk-confirm-yes]"))
        .await?
        .click()
        .await?;
    let summary = desktop
        .wait_text("[data-testid=bulk-summary]", Duration::from_secs(60), |t| {
            t.ends_with("done")
        })
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
    c.find(Locator::Css("[data-testid=bulk-dismiss]"))
        .await?
        .click()
        .await?;

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

    // The device's own offline threshold: out of range refused, in range saved.
    let threshold = Form {
        field: "[data-testid=device-threshold-minutes]",
        submit: "[data-testid=device-threshold] button[type=submit]",
        status: "[data-testid=device-threshold-status]",
    };
    let refused = threshold.submit(desktop, "5000", |t| !t.is_empty()).await?;
    ensure!(refused.contains("1440"), "{refused}");
    threshold
        .submit(desktop, "240", |t| t.contains("after 240 min"))
        .await
        .context("the device's own threshold is saved")?;

    // Change WiFi with an invalid password: an inline error, nothing queued.
    c.find(Locator::Css("[data-testid=action-wifi]"))
        .await?
        .click()
        .await?;
    c.find(Locator::Css("[data-testid=wifi-ssid]"))
        .await?
        .send_keys("AcsDesk-E2E")
        .await?;
    c.find(Locator::Css("[data-testid=wifi-password]"))
        .await?
        .send_keys("short")
        .await?;
    let error = desktop
        .wait_text(
            "[data-testid=wifi-password-error]",
            Duration::from_secs(10),
            |t| !t.is_empty(),
        )
        .await?;
    ensure!(error.contains("at least 8"), "inline error: {error}");
    let submit = c.find(Locator::Css("[data-testid=wifi-submit]")).await?;
    ensure!(
        submit.prop("disabled").await?.as_deref() == Some("true"),
        "submit is disabled while invalid"
    );
    desktop.screenshot("wifi-invalid").await?;
    ensure!(
        c.find_all(Locator::Css("[data-testid=action-item]"))
            .await?
            .is_empty(),
        "nothing was queued"
    );
    // A valid password: the action completes and the new SSID shows.
    c.find(Locator::Css("[data-testid=wifi-password]"))
        .await?
        .send_keys("-long-enough")
        .await?;
    c.wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css("[data-testid=wifi-submit]:not([disabled])"))
        .await?
        .click()
        .await?;
    desktop
        .wait_text(
            "[data-testid=action-status]",
            Duration::from_secs(60),
            |t| t == "completed",
        )
        .await
        .context("the WiFi change completes")?;
    desktop
        .wait_text("[data-testid=device-facts]", Duration::from_secs(60), |t| {
            t.contains("AcsDesk-E2E")
        })
        .await
        .context("the new SSID shows on the dashboard")?;
    desktop.screenshot("wifi-done").await?;

    // Reboot, with a confirmation that names the device.
    c.find(Locator::Css("[data-testid=action-reboot]"))
        .await?
        .click()
        .await?;
    let confirm = desktop
        .wait_text(
            "[data-testid=confirm-dialog] h2",
            Duration::from_secs(10),
            |t| !t.is_empty(),
        )
        .await?;
    ensure!(
        confirm.contains(&serial),
        "the confirmation names the device: {confirm}"
    );
    c.find(Locator::Css("[data-testid=confirm-yes]"))
        .await?
        .click()
        .await?;
    // The newest action is listed first; until the reboot shows there, the first item
    // is the WiFi change that already completed.
    desktop
        .wait_text(
            "[data-testid=action-item]:first-child",
            Duration::from_secs(90),
            |t| t.starts_with("completed") && t.contains("Reboot"),
        )
        .await
        .context("the reboot completes")?;
    desktop.screenshot("reboot-done").await?;
    c.find(Locator::Css("[data-testid=device-log] summary"))
        .await?
        .click()
        .await?;
    desktop
        .wait_text("[data-testid=device-log]", Duration::from_secs(20), |t| {
            t.contains("Reboot completed") && t.contains("requested by desktop")
        })
        .await
        .context("the device log records the actions")?;

    // Firmware: the images in GenieACS for this model, one chosen, installed and proven.
    c.find(Locator::Css("[data-testid=action-firmware]"))
        .await?
        .click()
        .await?;
    let offered = desktop
        .wait_text(
            "[data-testid=firmware-files]",
            Duration::from_secs(20),
            |t| !t.is_empty(),
        )
        .await
        .context("the images that fit the device are offered")?;
    let submit = c
        .find(Locator::Css("[data-testid=firmware-submit]"))
        .await?;
    ensure!(
        submit.prop("disabled").await?.as_deref() == Some("true"),
        "nothing to install before one is chosen"
    );
    c.find(Locator::Css(
        "[data-testid=firmware-files] input[type=radio]",
    ))
    .await?
    .click()
    .await?;
    desktop.screenshot("firmware").await?;
    c.find(Locator::Css("[data-testid=firmware-submit]"))
        .await?
        .click()
        .await?;
    desktop
        .wait_text(
            "[data-testid=action-item]:first-child",
            Duration::from_secs(120),
            |t| t.starts_with("completed") && t.contains("Update firmware"),
        )
        .await
        .with_context(|| format!("the firmware update completes ({offered})"))?;

    // The parameter tree, live from GenieACS, searched.
    c.find(Locator::Css("[data-testid=params-load]"))
        .await?
        .click()
        .await?;
    desktop
        .wait_text("section.parameters", Duration::from_secs(30), |t| {
            t.contains(" of ") && t.contains(" parameters")
        })
        .await
        .context("the parameter tree loads")?;
    c.find(Locator::Css("[data-testid=params-search]"))
        .await?
        .send_keys("SoftwareVersion")
        .await?;
    let found = desktop
        .wait_text("[data-testid=params-table]", Duration::from_secs(10), |t| {
            t.contains("DeviceInfo.SoftwareVersion")
        })
        .await
        .context("searching the tree finds the firmware version")?;
    let installed = offered
        .split("version ")
        .nth(1)
        .and_then(|v| v.split(" · ").next())
        .unwrap_or_default()
        .to_owned();
    ensure!(
        !installed.is_empty() && found.contains(&installed),
        "the tree shows the installed version {installed:?}: {found}"
    );
    desktop.screenshot("parameters").await?;

    c.find(Locator::Css("[data-testid=nav-alerts]"))
        .await?
        .click()
        .await?;
    desktop
        .wait_text("#alerts-title", Duration::from_secs(10), |t| t == "Alerts")
        .await?;
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("[data-testid=alert-list] li"))
        .await?;
    desktop.screenshot("alerts").await?;

    c.find(Locator::Css("[data-testid=nav-settings]"))
        .await?
        .click()
        .await?;
    let acs = desktop
        .wait_text("[data-testid=acs-list]", Duration::from_secs(10), |t| {
            t.contains("demo")
        })
        .await?;
    ensure!(acs.contains("ok"), "the demo connection is healthy: {acs}");
    desktop.screenshot("settings").await?;

    // Monitoring settings: out of range is refused with the field named, nothing saved;
    // in range is saved and shown again after leaving the page.
    let field = "[data-testid=full_sync_every_h]";
    shows_value(c, field, "24")
        .await
        .context("the settings load")?;
    let monitoring = Form {
        field,
        submit: "[data-testid=sync-settings] button[type=submit]",
        status: "[data-testid=sync-settings-status]",
    };
    let refused = monitoring.submit(desktop, "0", |t| !t.is_empty()).await?;
    ensure!(
        refused.contains("full_sync_every_h") && refused.contains("1 and 720"),
        "{refused}"
    );
    monitoring.submit(desktop, "6", |t| t == "Saved.").await?;
    c.find(Locator::Css("[data-testid=nav-alerts]"))
        .await?
        .click()
        .await?;
    c.find(Locator::Css("[data-testid=nav-settings]"))
        .await?
        .click()
        .await?;
    shows_value(c, field, "6")
        .await
        .context("the saved full-sync interval is shown again")?;

    // Alert rules: a CPU threshold over 100 % is refused with the rule named.
    let rules = Form {
        field: "[data-testid=cpu_threshold_pct]",
        submit: "[data-testid=alert-settings] button[type=submit]",
        status: "[data-testid=alert-settings-status]",
    };
    let refused = rules.submit(desktop, "150", |t| !t.is_empty()).await?;
    ensure!(refused.contains("cpu_threshold_pct"), "{refused}");
    rules.submit(desktop, "90", |t| t == "Saved.").await?;

    // A maintenance window over the demo ACS: opened, listed, ended.
    c.find(Locator::Css("[data-testid=maintenance-scope]"))
        .await?
        .select_by_value("acs")
        .await?;
    c.find(Locator::Css("[data-testid=maintenance-target]"))
        .await?
        .send_keys("demo")
        .await?;
    c.find(Locator::Css("[data-testid=maintenance-reason]"))
        .await?
        .send_keys("E2E works")
        .await?;
    c.find(Locator::Css(
        "[data-testid=maintenance-form] button[type=submit]",
    ))
    .await?
    .click()
    .await?;
    desktop
        .wait_text(
            "[data-testid=maintenance-list]",
            Duration::from_secs(10),
            |t| t.contains("ACS demo") && t.contains("E2E works"),
        )
        .await
        .context("the window is listed")?;
    desktop.screenshot("maintenance").await?;
    c.find(Locator::XPath(
        "//li[@data-testid='maintenance-item'][contains(., 'E2E works')]//button",
    ))
    .await?
    .click()
    .await?;
    desktop
        .wait_text(
            "[data-testid=maintenance-list]",
            Duration::from_secs(10),
            |t| !t.contains("E2E works"),
        )
        .await
        .context("the window ends")?;

    // An alert channel: saved from the form, listed without its secret, tested.
    let (hook, mut received) = acsdesk_captures::receiver::start(204).await;
    c.find(Locator::Css("[data-testid=channel-form]"))
        .await?
        .find(Locator::XPath("ancestor::details/summary"))
        .await?
        .click()
        .await?;
    c.find(Locator::Css("[data-testid=channel-name]"))
        .await?
        .send_keys("noc")
        .await?;
    c.find(Locator::Css("[data-testid=channel-url]"))
        .await?
        .send_keys(&format!("{hook}/alerts?token=E2E-TOKEN"))
        .await?;
    c.find(Locator::Css("[data-testid=channel-secret]"))
        .await?
        .send_keys("e2e-signing-secret-123")
        .await?;
    c.find(Locator::Css(
        "[data-testid=channel-form] button[type=submit]",
    ))
    .await?
    .click()
    .await?;
    desktop
        .wait_text(
            "[data-testid=channel-status]",
            Duration::from_secs(10),
            |t| t.contains("saved"),
        )
        .await?;
    let listed = desktop
        .wait_text("[data-testid=channel-list]", Duration::from_secs(10), |t| {
            t.contains("noc")
        })
        .await?;
    ensure!(
        !listed.contains("E2E-TOKEN") && !listed.contains("e2e-signing-secret"),
        "secrets stay out of the list: {listed}"
    );
    c.find(Locator::XPath(
        "//li[@data-testid='channel-item'][contains(., 'noc')]//button[contains(., 'Send test')]",
    ))
    .await?
    .click()
    .await?;
    desktop
        .wait_text(
            "[data-testid=channel-status]",
            Duration::from_secs(20),
            |t| t.contains("Test sent"),
        )
        .await?;
    let request = tokio::time::timeout(Duration::from_secs(5), received.recv())
        .await
        .context("the webhook received the test")?
        .context("the receiver is running")?;
    ensure!(
        request.method == "POST"
            && request.target == "/alerts?token=E2E-TOKEN"
            && request
                .header("x-acsdesk-signature")
                .is_some_and(|s| s.starts_with("sha256=")),
        "{request:?}"
    );
    desktop.screenshot("channels").await?;

    // The connection edited to a dead address: the device list says since when the ACS
    // fails and keeps its cached rows; edited back, the banner goes.
    let edit_acs = |url: String| async move {
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
        field.send_keys(&url).await?;
        c.find(Locator::Css(
            "[data-testid=acs-edit-form] [data-testid=acs-save]",
        ))
        .await?
        .click()
        .await?;
        desktop
            .wait_text("[data-testid=acs-list]", Duration::from_secs(10), |t| {
                t.contains(&url)
            })
            .await?;
        anyhow::Ok(before)
    };
    let dead = "http://127.0.0.1:9".to_owned();
    let sandbox_url = edit_acs(dead.clone())
        .await
        .context("editing the connection")?;
    ensure!(
        sandbox_url.starts_with("http://127.0.0.1:"),
        "{sandbox_url}"
    );
    c.find(Locator::Css("[data-testid=nav-devices]"))
        .await?
        .click()
        .await?;
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
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("[data-testid=device-row]"))
        .await
        .context("cached rows stay")?;
    desktop.screenshot("acs-unreachable").await?;
    c.find(Locator::Css("[data-testid=nav-settings]"))
        .await?
        .click()
        .await?;
    edit_acs(sandbox_url).await.context("editing it back")?;
    c.find(Locator::Css("[data-testid=nav-devices]"))
        .await?
        .click()
        .await?;
    desktop
        .wait_gone("[data-testid=acs-banner]", Duration::from_secs(30))
        .await
        .context("the banner goes once the ACS is back")?;
    Ok(())
}

/// A form with one field under test: typed into, submitted, its status read.
struct Form {
    field: &'static str,
    submit: &'static str,
    status: &'static str,
}

impl Form {
    /// Replaces the field's value, submits, and returns the status once `ok` holds.
    async fn submit(
        &self,
        desktop: &Desktop,
        value: &str,
        ok: impl Fn(&str) -> bool,
    ) -> anyhow::Result<String> {
        let c = &desktop.client;
        let input = c.find(Locator::Css(self.field)).await?;
        input.clear().await?;
        input.send_keys(value).await?;
        c.find(Locator::Css(self.submit)).await?.click().await?;
        desktop
            .wait_text(self.status, Duration::from_secs(10), ok)
            .await
    }
}

/// Waits until the input at `css` holds `value` (its property, which the UI sets).
async fn shows_value(c: &fantoccini::Client, css: &str, value: &str) -> anyhow::Result<()> {
    let mut last = None;
    for _ in 0..50 {
        if let Ok(e) = c.find(Locator::Css(css)).await {
            last = e.prop("value").await?;
            if last.as_deref() == Some(value) {
                return Ok(());
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    anyhow::bail!("{css} holds {last:?}, not {value:?}")
}
