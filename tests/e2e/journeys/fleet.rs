//! First run to the fleet: the welcome screen's two ways to start, the demo fleet in the
//! list with serials and addresses uncut, the offline filter, and columns chosen and
//! resized that are remembered; the fleet overview; the ACS health shows in the
//! navigation on every page.

use acsdesk_tests::desktop::Desktop;
use anyhow::{ensure, Context};
use fantoccini::Locator;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_run_the_fleet_its_filters_and_its_columns() -> anyhow::Result<()> {
    Desktop::journey("fleet", None, async |desktop| {
        welcome(desktop).await?;
        let online = desktop.start_demo().await?;
        ensure!(
            online > 0 && online < 200,
            "a realistic fleet has some devices offline: {online} online"
        );
        list(desktop).await?;
        offline_filter(desktop).await?;
        tag_filter(desktop).await?;
        columns(desktop).await?;
        report(desktop).await?;
        navigation_health(desktop).await
    })
    .await
}

/// The Report page sums the demo fleet up: its 200 routers, the share online, models
/// whose routers add up to the fleet, one bar per day of the period chosen; it exports
/// the actions as CSV.
async fn report(desktop: &Desktop) -> anyhow::Result<()> {
    desktop.click("[data-testid=nav-report]").await?;
    desktop
        .wait_text("[data-testid=report-total]", Duration::from_secs(20), |t| {
            t == "200"
        })
        .await
        .context("the report counts the demo fleet")?;
    let online = desktop.text_content("[data-testid=report-online]").await?;
    ensure!(online.ends_with('%'), "the share online: {online}");
    let (models, routers): (u64, u64) = desktop
        .eval(
            "const rows = [...document.querySelectorAll('[data-testid=report-model]')];
             return [rows.length, rows.reduce((s, r) => s + Number(r.children[1].textContent), 0)];",
        )
        .await?;
    ensure!(
        models >= 4 && routers == 200,
        "{models} models holding {routers} routers"
    );
    ensure!(desktop.count("[data-testid=report-day]").await? == 14);
    desktop.screenshot("report").await?;
    let (said, path) = desktop
        .export(
            "[data-testid=report-export-actions]",
            "[data-testid=report-exported]",
            "written to ",
        )
        .await?;
    let text = std::fs::read_to_string(&path).with_context(|| format!("{path:?}"))?;
    let rows = text.lines().count() - 1;
    ensure!(
        text.starts_with("id,device,acs,action,description,status,")
            && said.starts_with(&format!("{rows} action")),
        "{said}: {text}"
    );
    desktop
        .client
        .find(Locator::Css("[data-testid=report-days]"))
        .await?
        .select_by_value("30")
        .await?;
    for _ in 0..50 {
        if desktop.count("[data-testid=report-day]").await? == 30 {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    anyhow::bail!("30 days were chosen, the bars do not show them")
}

/// Two choices side by side at 1280×800, each wide enough to read.
async fn welcome(desktop: &Desktop) -> anyhow::Result<()> {
    desktop
        .client
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css("[data-testid=start-demo]"))
        .await?;
    desktop.screenshot("welcome").await?;
    let boxes: Vec<(f64, f64)> = desktop
        .eval(
            "return ['choice-demo', 'choice-connect'].map(id => {
                 const r = document.querySelector(`[data-testid=${id}]`).getBoundingClientRect();
                 return [r.top, r.width];
             });",
        )
        .await?;
    let [(top_demo, w_demo), (top_connect, w_connect)] = boxes[..] else {
        anyhow::bail!("two choices: {boxes:?}");
    };
    ensure!(
        (top_demo - top_connect).abs() < 2.0 && w_demo >= 400.0 && w_connect >= 400.0,
        "the choices sit side by side, each at least 400 px wide: {boxes:?}"
    );
    let wraps: f64 = desktop
        .eval(
            "const b = document.querySelector('[data-testid=start-demo]');
             return b.getBoundingClientRect().height / parseFloat(getComputedStyle(b).fontSize);",
        )
        .await?;
    ensure!(
        // One line of text with its padding is under three font sizes high; two are not.
        wraps < 3.0,
        "the demo button's text is on one line ({wraps:.1} font sizes high)"
    );
    Ok(())
}

/// Only visible rows are rendered; serials and IPv4 addresses are not cut.
async fn list(desktop: &Desktop) -> anyhow::Result<()> {
    let rows = desktop.count("[data-testid=device-row]").await?;
    ensure!(
        rows > 0 && rows < 100,
        "only visible rows are rendered: {rows}"
    );
    let cut: Vec<String> = desktop
        .eval(
            "return [...document.querySelectorAll('[data-testid=device-row] .c-serial, [data-testid=device-row] .c-ip')]
                 .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent);",
        )
        .await?;
    ensure!(cut.is_empty(), "cut serials or addresses: {cut:?}");
    desktop.screenshot("devices").await?;
    Ok(())
}

/// The offline filter lists offline routers only. (Not as many as were offline at the
/// start: the demo's routers go on and off line meanwhile.)
async fn offline_filter(desktop: &Desktop) -> anyhow::Result<()> {
    let c = &desktop.client;
    c.find(Locator::Css("[data-testid=filter-presence]"))
        .await?
        .select_by_value("offline")
        .await?;
    desktop
        .wait_counts(Duration::from_secs(20), |on, shown, _| on == 0 && shown > 0)
        .await?;
    // Read in the page: rows drawn again by a sync cannot go stale under the check.
    let statuses: Vec<String> = desktop
        .eval(
            "return [...document.querySelectorAll('[data-testid=device-row] .c-status')]
                 .map(e => e.textContent);",
        )
        .await?;
    ensure!(!statuses.is_empty(), "offline rows are drawn");
    for t in statuses {
        ensure!(
            t.contains("Offline"),
            "a row in the offline filter says {t:?}"
        );
    }
    desktop.screenshot("devices-offline").await?;
    desktop.click("[data-testid=clear-filters]").await?;
    Ok(())
}

/// A router tagged in GenieACS (by hand, or by another tool) is offered as a tag filter
/// once synced, and the filter narrows the list to it.
async fn tag_filter(desktop: &Desktop) -> anyhow::Result<()> {
    // An online router (held so): the sync learns the tag at its next inform. The list
    // is found whole again first (the filters were just cleared).
    desktop
        .wait_counts(Duration::from_secs(20), |_, shown, fleet| shown == fleet)
        .await?;
    let mut online = None;
    for _ in 0..50 {
        online = desktop
            .eval::<Option<String>>(
                "const dot = document.querySelector('[data-testid=device-row] .dot.online');
                 return dot ? dot.closest('[data-testid=device-row]').dataset.deviceId : null;",
            )
            .await?;
        if online.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let id = online.context("an online row")?;
    super::steady(desktop, std::slice::from_ref(&id)).await?;
    let url = desktop.demo_sandbox_url().await?;
    acsdesk_core::http::install_crypto_provider();
    let enc = percent_encoding::utf8_percent_encode(&id, percent_encoding::NON_ALPHANUMERIC);
    let r = reqwest::Client::new()
        .post(format!("{url}/devices/{enc}/tags/street-9"))
        .send()
        .await?;
    ensure!(r.status().is_success(), "tagging {id}: {}", r.status());
    // Its next inform and the sync after it bring the tag, and the filter offers it.
    let c = &desktop.client;
    let select = c
        .wait()
        .at_most(Duration::from_secs(60))
        .for_element(Locator::Css(
            "[data-testid=filter-tag] option[value=street-9]",
        ))
        .await
        .context("the tag is offered as a filter")?;
    ensure!(select.text().await?.contains("street-9 (1)"));
    let chosen: serde_json::Value = c
        .execute(
            "const s = document.querySelector('[data-testid=filter-tag]'); s.value = 'street-9'; s.dispatchEvent(new Event('change', {bubbles: true})); return s.value;",
            vec![],
        )
        .await?;
    ensure!(chosen == serde_json::json!("street-9"), "{chosen}");
    desktop
        .wait_counts(Duration::from_secs(20), |_, shown, _| shown == 1)
        .await
        .context("the tag filter narrows the list to the tagged router")?;
    let row = c
        .find(Locator::Css("[data-testid=device-row]"))
        .await?
        .attr("data-device-id")
        .await?;
    ensure!(row.as_deref() == Some(id.as_str()), "{row:?} is {id}");
    desktop.screenshot("devices-tag").await?;
    // The export writes what the filters match: the one tagged router.
    let (said, path) = desktop
        .export(
            "[data-testid=export-devices]",
            "[data-testid=devices-exported]",
            " written to ",
        )
        .await?;
    ensure!(said.starts_with("1 device written to "), "{said}");
    let text = std::fs::read_to_string(&path)?;
    let lines: Vec<&str> = text.lines().collect();
    ensure!(
        lines.len() == 2 && lines[0].starts_with("id,acs,status") && lines[1].starts_with(&id),
        "{text}"
    );
    desktop.screenshot("devices-exported").await?;
    desktop.click("[data-testid=clear-filters]").await?;
    Ok(())
}

/// The header cell of a column: (present, width in px).
async fn header(desktop: &Desktop, id: &str) -> anyhow::Result<Option<f64>> {
    desktop
        .eval(&format!(
            "const h = document.querySelector('.row.head .c-{id}');
             return h ? h.getBoundingClientRect().width : null;"
        ))
        .await
}

/// A column hidden from the picker and another dragged wider stay so after leaving the
/// page; "Reset columns" brings the natural layout back.
async fn columns(desktop: &Desktop) -> anyhow::Result<()> {
    let c = &desktop.client;
    ensure!(header(desktop, "signal").await?.is_some(), "Signal shows");
    let natural = header(desktop, "model").await?.context("Model shows")?;
    desktop.click("[data-testid=column-picker] summary").await?;
    desktop.click("[data-testid=column-signal]").await?;
    ensure!(
        header(desktop, "signal").await?.is_none()
            && desktop.count("[data-testid=device-row] .c-signal").await? == 0,
        "Signal is hidden from the header and the rows"
    );
    let before = header(desktop, "model").await?.context("Model shows")?;
    drag(desktop, "model", 90.0).await?;
    let after = header(desktop, "model").await?.context("Model shows")?;
    ensure!(
        (after - before - 90.0).abs() <= 3.0,
        "Model was dragged 90 px wider: {before} → {after}"
    );
    desktop.screenshot("devices-columns").await?;
    desktop.click("[data-testid=nav-alerts]").await?;
    desktop
        .wait_text("#alerts-title", Duration::from_secs(10), |t| t == "Alerts")
        .await?;
    desktop.click("[data-testid=nav-devices]").await?;
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("[data-testid=device-row]"))
        .await?;
    let kept = header(desktop, "model").await?.context("Model shows")?;
    ensure!(
        header(desktop, "signal").await?.is_none() && (kept - after).abs() <= 1.0,
        "the choice is remembered: Model {kept} px (was {after}), Signal hidden"
    );
    desktop.click("[data-testid=column-picker] summary").await?;
    desktop.click("[data-testid=columns-reset]").await?;
    let reset = header(desktop, "model").await?.context("Model shows")?;
    ensure!(
        header(desktop, "signal").await?.is_some() && (reset - natural).abs() <= 1.0,
        "reset brings Signal back and Model to {natural} px (now {reset})"
    );
    // The menu closes as it opened.
    desktop.click("[data-testid=column-picker] summary").await?;
    fit_to_content(desktop).await
}

/// Addresses cut by a column dragged too narrow; a double-click on its edge fits the
/// column to the widest address shown.
async fn fit_to_content(desktop: &Desktop) -> anyhow::Result<()> {
    let cut_ips = async || -> anyhow::Result<Vec<String>> {
        desktop
            .eval(
                "return [...document.querySelectorAll('[data-testid=device-row] .c-ip')]
                     .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent);",
            )
            .await
    };
    drag(desktop, "ip", -70.0).await?;
    ensure!(
        !cut_ips().await?.is_empty(),
        "a WAN IP column 70 px narrower cuts addresses"
    );
    desktop
        .eval::<bool>(
            "document.querySelector('[data-testid=resize-ip]')
                 .dispatchEvent(new MouseEvent('dblclick', {bubbles: true})); return true;",
        )
        .await?;
    let mut cut = cut_ips().await?;
    for _ in 0..20 {
        if cut.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        cut = cut_ips().await?;
    }
    ensure!(
        cut.is_empty(),
        "fitted to its content, none is cut: {cut:?}"
    );
    desktop.screenshot("devices-fitted").await?;
    desktop.click("[data-testid=column-picker] summary").await?;
    desktop.click("[data-testid=columns-reset]").await?;
    Ok(())
}

/// Drags the right edge of column `id`'s header by `dx` pixels.
async fn drag(desktop: &Desktop, id: &str, dx: f64) -> anyhow::Result<()> {
    desktop
        .eval::<bool>(&format!(
            "const h = document.querySelector('[data-testid=resize-{id}]');
             const r = h.getBoundingClientRect();
             const x = r.left + r.width / 2, y = r.top + r.height / 2;
             h.dispatchEvent(new PointerEvent('pointerdown', {{bubbles: true, clientX: x, clientY: y}}));
             window.dispatchEvent(new PointerEvent('pointermove', {{clientX: x + {dx} / 2, clientY: y}}));
             window.dispatchEvent(new PointerEvent('pointermove', {{clientX: x + {dx}, clientY: y}}));
             window.dispatchEvent(new PointerEvent('pointerup', {{clientX: x + {dx}, clientY: y}}));
             return true;"
        ))
        .await?;
    Ok(())
}

/// The ACS connection's health at the foot of the navigation, on every page.
async fn navigation_health(desktop: &Desktop) -> anyhow::Result<()> {
    for page in ["devices", "alerts", "settings", "about"] {
        desktop.click(&format!("[data-testid=nav-{page}]")).await?;
        desktop
            .wait_text(
                "[data-testid=nav-acs] .state",
                Duration::from_secs(20),
                |t| t == "ok",
            )
            .await
            .with_context(|| format!("the ACS health shows on {page}"))?;
    }
    Ok(())
}
