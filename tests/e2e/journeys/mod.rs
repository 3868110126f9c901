//! The journeys through the demo fleet, one module each, and the steps they share.

mod bulk;
mod device;
mod firmware;
mod fleet;
mod outage;
mod provisioning;
mod settings;
mod subscribers;

use acsdesk_tests::desktop::Desktop;
use anyhow::Context;
use fantoccini::Locator;
use std::time::Duration;

/// A form with one field under test: typed into, submitted, its status read.
pub(crate) struct Form {
    pub(crate) field: &'static str,
    pub(crate) submit: &'static str,
    pub(crate) status: &'static str,
}

impl Form {
    /// Replaces the field's value, submits, and returns the status once `ok` holds.
    pub(crate) async fn submit(
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
pub(crate) async fn shows_value(
    c: &fantoccini::Client,
    css: &str,
    value: &str,
) -> anyhow::Result<()> {
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

/// Shows only the online devices (actions need a device that answers), optionally of
/// one vendor, and waits until the list says so: every router shown is online. (Not a
/// count taken before: the demo's routers go on and off line meanwhile.)
pub(crate) async fn only_online(desktop: &Desktop, vendor: Option<&str>) -> anyhow::Result<()> {
    let c = &desktop.client;
    c.find(Locator::Css("[data-testid=filter-presence]"))
        .await?
        .select_by_value("online")
        .await?;
    let (_, online, _) = desktop
        .wait_counts(Duration::from_secs(20), |on, shown, _| {
            on == shown && shown > 0
        })
        .await
        .context("only online routers are listed")?;
    if let Some(v) = vendor {
        c.find(Locator::Css("[data-testid=filter-vendor]"))
            .await?
            .select_by_value(v)
            .await?;
        desktop
            .wait_counts(Duration::from_secs(20), |on, shown, _| {
                on == shown && shown > 0 && shown < online
            })
            .await
            .with_context(|| format!("only online {v} routers are listed"))?;
    }
    Ok(())
}

/// Holds the demo's routers `ids` steady (no spontaneous outage or reboot), so a journey
/// that follows them through many sessions is not cut short by the demo's own life.
pub(crate) async fn steady(desktop: &Desktop, ids: &[String]) -> anyhow::Result<()> {
    let url = desktop.demo_sandbox_url().await?;
    acsdesk_core::http::install_crypto_provider();
    let http = reqwest::Client::new();
    for id in ids {
        let enc = percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC);
        let r = http
            .post(format!("{url}/_sandbox/devices/{enc}/steady"))
            .send()
            .await?;
        anyhow::ensure!(r.status().is_success(), "steady {id}: {}", r.status());
    }
    Ok(())
}

/// The GenieACS ids of the first `n` rows of the device list.
pub(crate) async fn first_rows(desktop: &Desktop, n: usize) -> anyhow::Result<Vec<String>> {
    // Read in the page: a row drawn again between finding it and reading it cannot fail this.
    desktop
        .eval(&format!(
            "return [...document.querySelectorAll('[data-testid=device-row]')].slice(0, {n})
                 .map(r => r.getAttribute('data-device-id')).filter(id => id);"
        ))
        .await
}
