//! A device's dashboard, on a TP-Link that reports no CPU or memory: it reads identity →
//! status → charts → actions → log, says what the model does not report, keeps its own
//! settings in a side panel, and runs actions to their proven end — a WiFi change
//! (refused in place when invalid), pings, a traceroute and a download test, a reboot, a
//! firmware update — then finds the installed version in the live parameter tree.

use super::{only_online, Form};
use acsdesk_tests::desktop::Desktop;
use anyhow::{ensure, Context};
use fantoccini::Locator;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_dashboard_its_settings_and_its_actions() -> anyhow::Result<()> {
    Desktop::journey("device", None, async |desktop| {
        desktop.start_demo().await?;
        only_online(desktop, Some("TP-Link")).await?;
        let first = super::first_rows(desktop, 1).await?;
        super::steady(desktop, &first).await?;
        let serial = open_first(desktop).await?;
        layout(desktop).await?;
        side_panel(desktop).await?;
        wifi(desktop).await?;
        ping(desktop).await?;
        log_tab(desktop).await?;
        reboot(desktop, &serial).await?;
        firmware_and_parameters(desktop).await?;
        not_fetched(desktop, &serial).await
    })
    .await
}

/// The router as GenieACS holds one that has only informed (the demo sandbox forgets
/// what it read): the dashboard says what is not fetched yet instead of a dash, and
/// *Refresh now* has GenieACS read it.
async fn not_fetched(desktop: &Desktop, serial: &str) -> anyhow::Result<()> {
    let url = desktop.demo_sandbox_url().await?;
    acsdesk_core::http::install_crypto_provider();
    let http = reqwest::Client::new();
    let query = serde_json::json!({ "_deviceId._SerialNumber": serial }).to_string();
    let found: Vec<serde_json::Value> = http
        .get(format!("{url}/devices"))
        .query(&[("query", query.as_str()), ("projection", "_id")])
        .send()
        .await?
        .json()
        .await?;
    let id = found
        .first()
        .and_then(|d| d["_id"].as_str())
        .with_context(|| format!("the sandbox has {serial}: {found:?}"))?
        .to_owned();
    let enc = percent_encoding::utf8_percent_encode(&id, percent_encoding::NON_ALPHANUMERIC);
    let r = http
        .post(format!("{url}/_sandbox/devices/{enc}/unfetched"))
        .send()
        .await?;
    ensure!(r.status().is_success(), "{}", r.status());
    // Its next inform and the sync after it bring the partial document.
    let facts = desktop
        .wait_text("[data-testid=device-facts]", Duration::from_secs(60), |t| {
            t.contains("not fetched yet")
        })
        .await
        .context("the dashboard says what GenieACS has not read")?;
    ensure!(
        !facts.contains("Firmware\nnot fetched"),
        "the Inform's firmware stays: {facts}"
    );
    desktop
        .client
        .execute(
            "document.activeElement && document.activeElement.blur(); document.querySelector('[data-testid=device-facts]').scrollIntoView(); return true;",
            vec![],
        )
        .await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    desktop.screenshot("not-fetched").await?;
    // The list marks its cells GenieACS has yet to read (found by its serial), and
    // leads back to it.
    desktop.click("[data-testid=device-back]").await?;
    let search = desktop
        .client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("[data-testid=device-search]"))
        .await?;
    desktop
        .client
        .execute(
            "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true})); return true;",
            vec![serde_json::to_value(&search)?, serde_json::json!(serial)],
        )
        .await?;
    desktop
        .wait_counts(Duration::from_secs(20), |_, shown, _| shown == 1)
        .await
        .context("the search finds the router")?;
    let row = format!(
        "[data-testid=device-row][data-device-id={}]",
        serde_json::to_string(&id)?
    );
    desktop
        .client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(&format!("{row} [data-unfetched]")))
        .await
        .context("the list marks what GenieACS has not read")?;
    let marked = desktop.text_content(&format!("{row} .c-uptime")).await?;
    ensure!(marked == "not fetched", "the uptime says so: {marked:?}");
    let firmware = desktop.text_content(&format!("{row} .c-firmware")).await?;
    ensure!(firmware != "not fetched", "the Inform's firmware stays");
    desktop.screenshot("list-not-fetched").await?;
    let opened = desktop.client.find(Locator::Css(&row)).await?;
    desktop
        .client
        .execute(
            "arguments[0].dispatchEvent(new MouseEvent('dblclick', {bubbles: true}))",
            vec![serde_json::to_value(&opened)?],
        )
        .await?;
    desktop.click("[data-testid=action-refresh]").await?;
    desktop
        .wait_text("[data-testid=device-facts]", Duration::from_secs(60), |t| {
            !t.contains("not fetched yet")
        })
        .await
        .context("a refresh has GenieACS read it all")?;
    Ok(())
}

/// Opens the first row's dashboard; returns its serial.
async fn open_first(desktop: &Desktop) -> anyhow::Result<String> {
    let c = &desktop.client;
    let first = c.find(Locator::Css("[data-testid=device-row]")).await?;
    let serial = desktop
        .text_content("[data-testid=device-row] .c-serial")
        .await?;
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
    Ok(serial)
}

/// Identity, status, charts, actions and log, top to bottom; CPU and memory say that
/// this model does not report them instead of drawing an empty chart.
async fn layout(desktop: &Desktop) -> anyhow::Result<()> {
    desktop
        .client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("[data-testid=chart-uptime] svg"))
        .await
        .context("the uptime chart is drawn")?;
    desktop
        .client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("[data-testid=chart-clients_2g] svg"))
        .await
        .context("the 2.4 GHz clients are charted")?;
    let chart = desktop
        .client
        .find(Locator::Css("[data-testid=chart-clients_2g]"))
        .await?;
    desktop
        .client
        .execute(
            "arguments[0].scrollIntoView({block: 'center'}); return true;",
            vec![serde_json::to_value(&chart)?],
        )
        .await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    desktop.screenshot("clients-chart").await?;
    desktop
        .client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("[data-testid=action-wifi]"))
        .await?;
    let tops: Vec<Option<f64>> = desktop
        .eval(
            "return ['[data-testid=device-title]', '[data-testid=device-facts]', 'section.charts',
                     '[data-testid=action-wifi]', '[data-testid=diagnostics]']
                 .map(css => { const e = document.querySelector(css);
                               return e ? e.getBoundingClientRect().top : null; });",
        )
        .await?;
    let tops: Vec<f64> = tops.into_iter().flatten().collect();
    ensure!(
        tops.len() == 5 && tops.windows(2).all(|w| w[0] < w[1]),
        "identity → status → charts → actions → diagnostics: {tops:?}"
    );
    // Its WAN type, DNS servers and each network's channel and standards.
    let facts = desktop.text_content("[data-testid=device-facts]").await?;
    ensure!(
        facts.contains("PPPoE") && facts.contains("100.64.0.53, 100.64.0.54"),
        "WAN type and DNS: {facts}"
    );
    ensure!(
        facts.contains("channel 6, b/g/n"),
        "the 2.4 GHz radio: {facts}"
    );
    // A TP-Link has no PON port: the dashboard says so rather than a dash.
    desktop
        .wait_text("[data-testid=device-facts]", Duration::from_secs(10), |t| {
            t.contains("none: this router reports no optical (PON) interface")
        })
        .await
        .context("the optical power's absence has its reason")?;
    // The devices on its LAN, how many per band, each with how it is attached.
    let clients = desktop
        .wait_text(
            "[data-testid=clients-summary]",
            Duration::from_secs(10),
            |t| t.contains(" connected"),
        )
        .await
        .context("the LAN clients are summed up")?;
    ensure!(clients.contains(" on 2.4 GHz"), "{clients}");
    let rows = desktop.count("[data-testid=lan-client]").await?;
    ensure!(
        rows == 4,
        "two on 2.4 GHz, one on 5 GHz, one on a cable: {rows}"
    );
    for metric in ["cpu", "memory"] {
        desktop
            .wait_text(
                &format!("[data-testid=chart-{metric}] [data-testid=chart-unreported]"),
                Duration::from_secs(20),
                |t| t.contains("Not reported by this model"),
            )
            .await
            .with_context(|| format!("{metric} says the model does not report it"))?;
    }
    desktop
        .client
        .wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css("[data-testid=chart-uptime] svg"))
        .await
        .context("what the model reports is charted")?;
    desktop.screenshot("device").await?;
    // A chart as a picture for a report.
    let (_, path) = desktop
        .export(
            "[data-testid=chart-uptime] [data-testid=chart-export-png]",
            "[data-testid=chart-uptime] [data-testid=chart-exported]",
            "Written to ",
        )
        .await?;
    let bytes = std::fs::read(&path)?;
    ensure!(
        path.extension().is_some_and(|e| e == "png") && bytes.starts_with(b"\x89PNG"),
        "a PNG file: {}",
        path.display()
    );
    desktop.screenshot("chart-exported").await?;
    Ok(())
}

/// The device's own offline threshold lives in a side panel, hidden until asked for:
/// out of range refused, in range saved.
async fn side_panel(desktop: &Desktop) -> anyhow::Result<()> {
    let c = &desktop.client;
    let panel = c
        .find(Locator::Css("[data-testid=device-settings]"))
        .await?;
    ensure!(
        !panel.is_displayed().await?,
        "the settings panel is closed at first"
    );
    desktop.click("[data-testid=device-settings-open]").await?;
    c.wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css("[data-testid=device-settings].open"))
        .await?;
    // The panel slides in; typing waits until it is in place.
    tokio::time::sleep(Duration::from_millis(300)).await;
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
    desktop.screenshot("device-settings").await?;
    desktop.click("[data-testid=device-settings-close]").await?;
    c.wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css("[data-testid=device-settings]:not(.open)"))
        .await
        .context("the panel closes")?;
    Ok(())
}

/// An invalid password: an inline error and nothing queued; a valid one completes and
/// the new SSID shows.
async fn wifi(desktop: &Desktop) -> anyhow::Result<()> {
    let c = &desktop.client;
    desktop.click("[data-testid=action-wifi]").await?;
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
    // A sync landing meanwhile reloads the dashboard: what is typed stays.
    let changed = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const timer = setTimeout(() => done(false), 25000);
             window.__TAURI__.event.listen('devices-changed', () => { clearTimeout(timer); done(true); });",
            vec![],
        )
        .await?;
    ensure!(
        changed == serde_json::json!(true),
        "a sync landed within 25 s"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    let kept = c
        .find(Locator::Css("[data-testid=wifi-ssid]"))
        .await?
        .prop("value")
        .await?;
    ensure!(
        kept.as_deref() == Some("AcsDesk-E2E"),
        "the SSID typed survives a reload: {kept:?}"
    );
    let submit = c.find(Locator::Css("[data-testid=wifi-submit]")).await?;
    ensure!(
        submit.prop("disabled").await?.as_deref() == Some("true"),
        "submit is disabled while invalid"
    );
    desktop.screenshot("wifi-invalid").await?;
    ensure!(
        desktop.count("[data-testid=action-item]").await? == 0,
        "nothing was queued"
    );
    c.find(Locator::Css("[data-testid=wifi-password]"))
        .await?
        .send_keys("-long-enough")
        .await?;
    desktop
        .click("[data-testid=wifi-submit]:not([disabled])")
        .await?;
    desktop
        .wait_text(
            "[data-testid=action-status]",
            Duration::from_secs(90),
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
    Ok(())
}

/// Diagnostics from the device page: pings (the host checked as typed, the router's
/// answer under Diagnostics, a host it cannot resolve says so, the round trips charted),
/// a traceroute whose hops open under it, and a download test's rate.
async fn ping(desktop: &Desktop) -> anyhow::Result<()> {
    let c = &desktop.client;
    // The page reloads when a sync lands (one follows each finished action): what is
    // typed must survive that; the field is found afresh and read back before Start.
    let fill = async |field: &str, text: &str| -> anyhow::Result<()> {
        let css = format!("[data-testid={field}]");
        for _ in 0..5 {
            let typed = async {
                let input = c.find(Locator::Css(&css)).await?;
                input.clear().await?;
                input.send_keys(text).await?;
                c.find(Locator::Css(&css)).await?.prop("value").await
            };
            if let Ok(Some(v)) = typed.await {
                if v == text {
                    return Ok(());
                }
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        anyhow::bail!("{field} would not keep {text:?}")
    };
    // The test is chosen as the keyboard would: the select's value, then its change.
    let choose = async |kind: &str| -> anyhow::Result<()> {
        desktop.click("[data-testid=action-diagnose]").await?;
        // The page may draw the dialog again meanwhile (a sync landing): found afresh.
        let mut last = None;
        for _ in 0..5 {
            let chosen = async {
                let select = c
                    .wait()
                    .at_most(Duration::from_secs(10))
                    .for_element(Locator::Css("[data-testid=diagnose-kind]"))
                    .await?;
                c.execute(
                    "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change', {bubbles: true})); return arguments[0].value;",
                    vec![serde_json::to_value(&select)?, serde_json::json!(kind)],
                )
                .await
                .map_err(anyhow::Error::from)
            };
            match chosen.await {
                Ok(v) if v == kind => return Ok(()),
                other => last = Some(other),
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        anyhow::bail!("could not choose {kind} in the Diagnose dialog: {last:?}")
    };
    let start = async || {
        desktop
            .click("[data-testid=diagnose-start]:not([disabled])")
            .await
    };
    let ask = async |host: &str| -> anyhow::Result<()> {
        choose("ping").await?;
        fill("diagnose-host", host).await?;
        start().await
    };
    choose("ping").await?;
    fill("diagnose-host", "not a host").await?;
    let button = c.find(Locator::Css("[data-testid=diagnose-start]")).await?;
    ensure!(
        button.prop("disabled").await?.as_deref() == Some("true"),
        "Start is disabled for a host that is not one"
    );
    c.find(Locator::Css(
        "[data-testid=diagnose-dialog] button[type=button]",
    ))
    .await?
    .click()
    .await?;
    ask("8.8.8.8").await?;
    let seen = desktop
        .wait_text("[data-testid=diagnostics]", Duration::from_secs(90), |t| {
            t.contains("Ping 8.8.8.8: ") && t.contains("answered")
        })
        .await
        .context("the router's answer shows under Diagnostics")?;
    ensure!(
        seen.contains(" of 4 answered") || seen.contains("no answer to 4"),
        "{seen}"
    );
    ask("nowhere.invalid").await?;
    desktop
        .wait_text("[data-testid=diagnostics]", Duration::from_secs(90), |t| {
            t.contains("Ping nowhere.invalid: the router cannot resolve nowhere.invalid")
        })
        .await
        .context("an unresolved host says so")?;
    ask("example.net").await?;
    desktop
        .wait_text(
            "[data-testid=latency-chart] figcaption",
            Duration::from_secs(90),
            |t| t.contains("over 2 pings"),
        )
        .await
        .context("two answered pings are charted")?;

    choose("traceroute").await?;
    fill("diagnose-host", "example.net").await?;
    fill("diagnose-hops", "30").await?;
    start().await?;
    desktop
        .wait_text("[data-testid=diagnostics]", Duration::from_secs(90), |t| {
            t.contains("Traceroute example.net: ") && t.contains(" hops, ")
        })
        .await
        .context("the traceroute's answer shows")?;
    let hops = desktop
        .wait_text(
            "[data-kind=traceroute] [data-testid=trace-hops] ol",
            Duration::from_secs(10),
            |t| t.contains("example.net ("),
        )
        .await
        .context("its hops are open under it, the host last")?;
    let listed = desktop
        .count("[data-kind=traceroute] [data-testid=trace-hops] ol li")
        .await?;
    ensure!(listed >= 4, "{listed} hops: {hops}");

    choose("download").await?;
    fill("diagnose-url", "https://speed.example.net/30MB.bin").await?;
    let button = c.find(Locator::Css("[data-testid=diagnose-start]")).await?;
    ensure!(
        button.prop("disabled").await?.as_deref() == Some("true"),
        "routers test over http:// or ftp://, not https://"
    );
    fill("diagnose-url", "http://speed.example.net/30MB.bin").await?;
    start().await?;
    desktop
        .wait_text("[data-testid=diagnostics]", Duration::from_secs(90), |t| {
            t.contains("Download test http://speed.example.net/30MB.bin: ")
                && t.contains("Mbit/s (30.0 MB in ")
        })
        .await
        .context("the download test's rate shows")?;
    desktop
        .eval::<serde_json::Value>(
            "document.activeElement && document.activeElement.blur(); document.querySelector('[data-testid=diagnostics]').scrollIntoView(); return null;",
        )
        .await?;
    desktop.screenshot("diagnostics").await?;
    Ok(())
}

/// The device's log as a tab: narrowed to actions, then to a text, an entry's recorded
/// payload opened, and the narrowed log exported as CSV.
async fn log_tab(desktop: &Desktop) -> anyhow::Result<()> {
    let c = &desktop.client;
    desktop.click("[data-testid=tab-log]").await?;
    desktop
        .wait_text("[data-testid=log-entries]", Duration::from_secs(10), |t| {
            t.contains("Ping 8.8.8.8")
        })
        .await
        .context("the log tab lists what happened")?;
    let select = c.find(Locator::Css("[data-testid=log-group]")).await?;
    c.execute(
        "arguments[0].value = 'action'; arguments[0].dispatchEvent(new Event('change', {bubbles: true})); return true;",
        vec![serde_json::to_value(&select)?],
    )
    .await?;
    let mut only_actions = false;
    for _ in 0..50 {
        only_actions = desktop
            .eval(
                "const e = [...document.querySelectorAll('[data-testid=log-entry]')];
                 return e.length > 0 && e.every(x => x.dataset.kind.startsWith('action_'));",
            )
            .await?;
        if only_actions {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    ensure!(
        only_actions,
        "the Actions kind keeps only the actions' entries"
    );
    let search = c.find(Locator::Css("[data-testid=log-search]")).await?;
    search.send_keys("nowhere.invalid").await?;
    desktop
        .wait_text("[data-testid=log-entries]", Duration::from_secs(10), |t| {
            t.contains("nowhere.invalid") && !t.contains("8.8.8.8")
        })
        .await
        .context("the search narrows the log")?;
    desktop
        .click("[data-testid=log-entry] [data-testid=log-payload] summary")
        .await?;
    desktop
        .wait_text(
            "[data-testid=log-entry] [data-testid=log-payload] pre",
            Duration::from_secs(5),
            |t| t.contains('{'),
        )
        .await
        .context("an entry's raw payload opens")?;
    desktop.screenshot("device-log").await?;
    let (_, path) = desktop
        .export(
            "[data-testid=log-export]",
            "[data-testid=log-exported]",
            " saved to ",
        )
        .await?;
    let csv =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let mut lines = csv.lines();
    ensure!(
        lines.next() == Some("time,serial,level,group,kind,message,payload"),
        "{csv}"
    );
    ensure!(
        lines.clone().count() >= 1 && lines.all(|l| l.contains("nowhere.invalid")),
        "the export is the log as narrowed: {csv}"
    );
    desktop.click("[data-testid=tab-dashboard]").await?;
    Ok(())
}

/// A reboot, with a confirmation that names the device, recorded in its log.
async fn reboot(desktop: &Desktop, serial: &str) -> anyhow::Result<()> {
    desktop.click("[data-testid=action-reboot]").await?;
    let confirm = desktop
        .wait_text(
            "[data-testid=confirm-dialog] h2",
            Duration::from_secs(10),
            |t| !t.is_empty(),
        )
        .await?;
    ensure!(
        confirm.contains(serial),
        "the confirmation names the device: {confirm}"
    );
    desktop.click("[data-testid=confirm-yes]").await?;
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
    desktop.click("[data-testid=tab-log]").await?;
    desktop
        .wait_text("[data-testid=device-log]", Duration::from_secs(20), |t| {
            t.contains("Reboot completed") && t.contains("requested by desktop")
        })
        .await
        .context("the device log records the actions")?;
    desktop.click("[data-testid=tab-dashboard]").await?;
    Ok(())
}

/// The images in GenieACS for this model, one chosen, installed and proven; the tree,
/// live from GenieACS and searched, shows the installed version.
async fn firmware_and_parameters(desktop: &Desktop) -> anyhow::Result<()> {
    let c = &desktop.client;
    desktop.click("[data-testid=action-firmware]").await?;
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
    desktop
        .click("[data-testid=firmware-files] input[type=radio]")
        .await?;
    desktop.screenshot("firmware").await?;
    desktop.click("[data-testid=firmware-submit]").await?;
    // GenieACS deleted the task as soon as the router took the Download: the action says
    // the router is downloading, not that it waits in GenieACS.
    let stage = desktop
        .wait_text(
            "[data-testid=action-item]:first-child [data-testid=action-stage]",
            Duration::from_secs(30),
            |t| t.contains("downloading the image") || t.contains("transfer complete"),
        )
        .await
        .context("the firmware update shows its stage")?;
    desktop.screenshot("firmware-stage").await?;
    desktop
        .wait_text(
            "[data-testid=action-item]:first-child",
            Duration::from_secs(120),
            |t| t.starts_with("completed") && t.contains("Update firmware"),
        )
        .await
        .with_context(|| format!("the firmware update completes ({offered}; was: {stage})"))?;
    desktop.click("[data-testid=tab-log]").await?;
    desktop
        .wait_text("[data-testid=device-log]", Duration::from_secs(20), |t| {
            t.contains("downloading the image")
                && t.contains("transfer complete; waiting for the router to report the new version")
        })
        .await
        .context("the device log records each stage of the update")?;
    desktop.click("[data-testid=tab-dashboard]").await?;
    // The dashboard renders again when the firmware's action settles, which can swallow
    // a click on the button: click again while it is still offered.
    desktop.click("[data-testid=params-load]").await?;
    let mut loaded = Err(anyhow::anyhow!("never loaded"));
    for attempt in 0..4 {
        if attempt > 0 {
            // Still offered (not loading): the click was lost.
            let _ = desktop.click("[data-testid=params-load]").await;
        }
        loaded = desktop
            .wait_text("section.parameters", Duration::from_secs(15), |t| {
                t.contains(" of ") && t.contains(" parameters")
            })
            .await;
        if loaded.is_ok() {
            break;
        }
    }
    loaded.context("the parameter tree loads")?;
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
    set_parameter(desktop).await
}

/// A writable parameter set from the tree: a value of the wrong type is refused with the
/// reason and nothing queued; a good one is queued, followed under Actions to the
/// router's confirmation, and the tree read again shows it.
async fn set_parameter(desktop: &Desktop) -> anyhow::Result<()> {
    let c = &desktop.client;
    let search = c.find(Locator::Css("[data-testid=params-search]")).await?;
    search.clear().await?;
    search
        .send_keys("ManagementServer.PeriodicInformInterval")
        .await?;
    let edit = async || -> anyhow::Result<String> {
        let mut current = None;
        for _ in 0..25 {
            current = desktop
                .eval::<Option<String>>(
                    "const r = [...document.querySelectorAll('[data-testid=params-table] tbody tr')]
                         .find(r => r.cells[0].textContent.endsWith('ManagementServer.PeriodicInformInterval'));
                     const b = r && r.querySelector('[data-testid=param-edit]');
                     if (!b) return null;
                     b.click();
                     return r.cells[1].textContent;",
                )
                .await?;
            if current.is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        current.context("the inform interval is writable and offered to be set")
    };
    let type_value = async |text: &str| -> anyhow::Result<()> {
        let input = c
            .wait()
            .at_most(Duration::from_secs(5))
            .for_element(Locator::Css("[data-testid=param-value]"))
            .await?;
        input.clear().await?;
        input.send_keys(text).await?;
        desktop.click("[data-testid=param-set]").await
    };
    let before = edit().await?;
    let queued = |t: &str| t.contains("Set 1 parameter");
    let actions_before = desktop
        .text_content("[data-testid=action-list]")
        .await
        .unwrap_or_default();
    type_value("soon").await?;
    let refused = desktop
        .wait_text("[data-testid=param-said]", Duration::from_secs(10), |t| {
            !t.is_empty()
        })
        .await?;
    ensure!(
        refused.contains("PeriodicInformInterval") && refused.contains("not a whole number"),
        "{refused}"
    );
    ensure!(
        !queued(&actions_before)
            && !queued(
                &desktop
                    .text_content("[data-testid=action-list]")
                    .await
                    .unwrap_or_default()
            ),
        "nothing was queued"
    );
    let wanted = if before.trim() == "600" { "900" } else { "600" };
    type_value(wanted).await?;
    desktop
        .wait_text("[data-testid=param-said]", Duration::from_secs(10), |t| {
            t.contains("Queued")
        })
        .await?;
    desktop.screenshot("parameter-set").await?;
    desktop
        .wait_text("[data-testid=action-list]", Duration::from_secs(90), |t| {
            t.lines().any(|l| queued(l) && l.contains("completed"))
        })
        .await
        .context("the set is confirmed by the router")?;
    // The row's value as the page shows it now (None: no such row drawn).
    let shown = async || -> anyhow::Result<Option<String>> {
        desktop
            .eval::<Option<String>>(
                "const r = [...document.querySelectorAll('[data-testid=params-table] tbody tr')]
                     .find(r => r.cells[0].textContent.endsWith('ManagementServer.PeriodicInformInterval'));
                 return r ? r.cells[1].textContent : null;",
            )
            .await
    };
    // The action's completion redraws the dashboard, which can swallow the click on
    // Reload (as after the firmware update above): read again until the tree shows
    // the value, clicking Reload again while it does not — a reload is idempotent.
    let mut last = None;
    for _ in 0..4 {
        // A redrawn panel starts with an empty search: the one row again.
        let search = c.find(Locator::Css("[data-testid=params-search]")).await?;
        if search.prop("value").await?.unwrap_or_default().is_empty() {
            search
                .send_keys("ManagementServer.PeriodicInformInterval")
                .await?;
        }
        desktop.click("[data-testid=params-load]").await?;
        let start = std::time::Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            last = shown().await?;
            if last.as_deref() == Some(wanted) {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        println!("the tree still shows {last:?} for the inform interval: reloading again");
    }
    Err(anyhow::anyhow!(
        "the tree read again never showed the new value {wanted}; last seen: {last:?}"
    )
    .context("the tree read again shows the new value"))
}
