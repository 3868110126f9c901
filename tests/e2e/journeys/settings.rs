//! Settings in sections with a side index, each saved on its own: monitoring (refused
//! with the field named, saved, shown again), alert rules, the diagnostics' test
//! server (https:// refused), a maintenance window over
//! the demo ACS, and an alert channel saved without showing its secrets and tested
//! against a local receiver. The alert centre lists what the demo raised. The tenant is
//! backed up while in use, and restored from that backup after a confirmation. Last, the
//! demo connection is removed after a confirmation that says what removing it does, and
//! a connection added with a password over plain http:// to another machine is flagged,
//! and one to an https:// NBI with a self-signed certificate is trusted by its pin.

use super::{shows_value, Form};
use acsdesk_tests::desktop::Desktop;
use anyhow::{ensure, Context};
use fantoccini::Locator;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_sections_rules_maintenance_and_channels() -> anyhow::Result<()> {
    Desktop::journey("settings", None, async |desktop| {
        desktop.start_demo().await?;
        alerts(desktop).await?;
        sections(desktop).await?;
        monitoring_and_rules(desktop).await?;
        maintenance(desktop).await?;
        channel(desktop).await?;
        backups(desktop).await?;
        remove_connection(desktop).await?;
        cleartext_warning(desktop).await?;
        self_signed_connection(desktop).await?;
        header_token_connection(desktop).await
    })
    .await
}

async fn alerts(desktop: &Desktop) -> anyhow::Result<()> {
    desktop.click("[data-testid=nav-alerts]").await?;
    desktop
        .wait_text("#alerts-title", Duration::from_secs(10), |t| t == "Alerts")
        .await?;
    desktop
        .client
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css("[data-testid=alert-list] li"))
        .await
        .context("the demo fleet raises alerts")?;
    desktop.screenshot("alerts").await?;
    Ok(())
}

/// The index names every section; following an entry brings its section into view.
async fn sections(desktop: &Desktop) -> anyhow::Result<()> {
    desktop.click("[data-testid=nav-settings]").await?;
    let acs = desktop
        .wait_text("[data-testid=acs-list]", Duration::from_secs(10), |t| {
            t.contains("demo")
        })
        .await?;
    ensure!(acs.contains("ok"), "the demo connection is healthy: {acs}");
    let mut entries = Vec::new();
    for a in desktop
        .client
        .find_all(Locator::Css("[data-testid=settings-index] a"))
        .await?
    {
        entries.push(a.text().await?);
    }
    ensure!(
        entries
            == [
                "Tenants",
                "ACS connections",
                "Monitoring",
                "Alerts and channels",
                "Diagnostics",
                "Auto-provisioning",
                "Maintenance"
            ],
        "the side index: {entries:?}"
    );
    desktop.screenshot("settings").await?;
    no_sideways_scroll(desktop).await?;
    desktop
        .click("[data-testid=index-settings-maintenance]")
        .await?;
    let visible: bool = desktop
        .eval(
            "const r = document.getElementById('settings-maintenance').getBoundingClientRect();
             return r.top >= -1 && r.top < window.innerHeight;",
        )
        .await?;
    ensure!(visible, "the index scrolls to the Maintenance section");
    Ok(())
}

/// Out of range is refused with the field named and nothing saved; in range is saved
/// and shown again after leaving the page. Saving the alert rules leaves monitoring as
/// it was.
async fn monitoring_and_rules(desktop: &Desktop) -> anyhow::Result<()> {
    let c = &desktop.client;
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
    let rules = Form {
        field: "[data-testid=cpu_threshold_pct]",
        submit: "[data-testid=alert-settings] button[type=submit]",
        status: "[data-testid=alert-settings-status]",
    };
    let refused = rules.submit(desktop, "150", |t| !t.is_empty()).await?;
    ensure!(refused.contains("cpu_threshold_pct"), "{refused}");
    // Monitoring typed but not saved is not sent with the rules.
    let input = c.find(Locator::Css(field)).await?;
    input.clear().await?;
    input.send_keys("12").await?;
    rules.submit(desktop, "90", |t| t == "Saved.").await?;
    desktop.click("[data-testid=nav-alerts]").await?;
    desktop.click("[data-testid=nav-settings]").await?;
    shows_value(c, field, "6")
        .await
        .context("the saved full-sync interval is shown again, the unsaved one is not")?;
    shows_value(c, "[data-testid=cpu_threshold_pct]", "90").await?;
    // The diagnostics' test server: routers test over http:// or ftp://.
    shows_value(c, "[data-testid=ping_host]", "8.8.8.8").await?;
    let server = Form {
        field: "[data-testid=download_url]",
        submit: "[data-testid=diagnostic-settings] button[type=submit]",
        status: "[data-testid=diagnostic-settings-status]",
    };
    let refused = server
        .submit(desktop, "https://speed.example.net/50MB.bin", |t| {
            !t.is_empty()
        })
        .await?;
    ensure!(
        refused.contains("download_url") && refused.contains("http:// or ftp://"),
        "{refused}"
    );
    server
        .submit(desktop, "http://speed.example.net/50MB.bin", |t| {
            t == "Saved."
        })
        .await?;
    desktop.click("[data-testid=nav-alerts]").await?;
    desktop.click("[data-testid=nav-settings]").await?;
    shows_value(
        c,
        "[data-testid=download_url]",
        "http://speed.example.net/50MB.bin",
    )
    .await
    .context("the test server is kept")?;
    Ok(())
}

async fn maintenance(desktop: &Desktop) -> anyhow::Result<()> {
    let c = &desktop.client;
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
    desktop
        .click("[data-testid=maintenance-form] button[type=submit]")
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
    Ok(())
}

/// Saved from the form, listed without its secret, tested: the receiver gets a signed
/// POST.
async fn channel(desktop: &Desktop) -> anyhow::Result<()> {
    let c = &desktop.client;
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
    no_sideways_scroll(desktop).await?;
    desktop
        .click("[data-testid=channel-form] button[type=submit]")
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
    Ok(())
}

/// Nothing on the page is wider than the window: no sideways scrolling, nothing cut at
/// the right edge. Names what sticks out when something does.
async fn no_sideways_scroll(desktop: &Desktop) -> anyhow::Result<()> {
    let wide: Vec<String> = desktop
        .eval(
            "const main = document.querySelector('main');
             const edge = main.getBoundingClientRect().left + main.clientWidth;
             const out = [...main.querySelectorAll('*')]
                 .filter(e => e.getBoundingClientRect().right + main.scrollLeft > edge + 1)
                 .slice(0, 8)
                 .map(e => `${e.tagName.toLowerCase()}.${e.className} ${Math.round(e.getBoundingClientRect().right + main.scrollLeft)} > ${Math.round(edge)}`);
             if (main.scrollWidth > main.clientWidth + 1) out.push(`main scrolls ${main.scrollWidth} > ${main.clientWidth}`);
             return out;",
        )
        .await?;
    ensure!(wide.is_empty(), "wider than the window: {wide:?}");
    Ok(())
}

/// Back up now, see the file listed, restore it after the confirmation.
async fn backups(desktop: &Desktop) -> anyhow::Result<()> {
    desktop.click("[data-testid=nav-settings]").await?;
    desktop.click("[data-testid=backup-now]").await?;
    let said = desktop
        .wait_text(
            "[data-testid=backup-status]",
            Duration::from_secs(60),
            |t| !t.is_empty(),
        )
        .await
        .context("the backup says how it went")?;
    ensure!(
        said.starts_with("Backed up to") && said.contains("/backups/") && said.contains(" devices"),
        "{said}"
    );
    let list = desktop
        .wait_text("[data-testid=backup-list]", Duration::from_secs(10), |t| {
            t.contains(".db")
        })
        .await
        .context("the backup is listed")?;
    ensure!(list.contains("MB"), "{list}");
    desktop.screenshot("backups").await?;
    desktop.click("[data-testid=backup-restore]").await?;
    desktop
        .wait_text(
            "[data-testid=restore-confirm]",
            Duration::from_secs(10),
            |t| t.contains("Changes made since the backup are lost"),
        )
        .await
        .context("a restore asks first")?;
    desktop.screenshot("restore-confirm").await?;
    desktop.click("[data-testid=restore-yes]").await?;
    let said = desktop
        .wait_text(
            "[data-testid=backup-status]",
            Duration::from_secs(60),
            |t| t.starts_with("Restored from"),
        )
        .await
        .context("the restore says what it brought back")?;
    ensure!(said.contains(" devices"), "{said}");
    // The tenant works on: its connection is listed and syncs again.
    desktop
        .wait_text("[data-testid=acs-list]", Duration::from_secs(30), |t| {
            t.contains("demo")
        })
        .await?;
    Ok(())
}

/// Remove asks first, with the devices and actions it concerns; the history stays.
/// Before that, *Test connection* on the demo's connection gives the verdict and says
/// what the server runs.
async fn remove_connection(desktop: &Desktop) -> anyhow::Result<()> {
    desktop.click("[data-testid=acs-edit]").await?;
    desktop
        .click("[data-testid=acs-edit-form] [data-testid=acs-test]")
        .await?;
    let setup = desktop
        .wait_text("[data-testid=acs-setup]", Duration::from_secs(20), |t| {
            !t.is_empty()
        })
        .await
        .context("the connection test says what the server runs")?;
    ensure!(
        setup.contains("GenieACS") || setup.contains("AcsDesk's provisioning"),
        "{setup}"
    );
    let verdict = desktop.text_content("[data-testid=acs-verdict]").await?;
    ensure!(verdict.contains("devices"), "{verdict}");
    desktop.screenshot("acs-test").await?;
    desktop.click("[data-testid=acs-edit]").await?;
    desktop.click("[data-testid=acs-remove]").await?;
    let asked = desktop
        .wait_text(
            "[data-testid=acs-remove-confirm]",
            Duration::from_secs(10),
            |t| t.contains("devices leave the lists"),
        )
        .await
        .context("removing asks first")?;
    ensure!(
        asked.contains("Remove the connection demo?") && asked.contains("history"),
        "{asked}"
    );
    desktop.screenshot("acs-remove-confirm").await?;
    desktop.click("[data-testid=acs-remove-yes]").await?;
    desktop
        .wait_text("[role=status]", Duration::from_secs(30), |t| {
            t.contains("its history is kept as \"demo (removed ")
        })
        .await
        .context("the removal says where the history is")?;
    desktop
        .wait_text("[data-testid=acs-list]", Duration::from_secs(10), |t| {
            !t.contains("every")
        })
        .await
        .context("the connection is gone from the list")?;
    Ok(())
}

/// A connection added from Settings with a password over plain `http://` to a host that
/// is not this machine is listed with a warning (the credentials travel in clear).
async fn cleartext_warning(desktop: &Desktop) -> anyhow::Result<()> {
    let c = &desktop.client;
    c.find(Locator::Css("#settings-acs details summary"))
        .await?
        .click()
        .await?;
    fill_new_acs(desktop, "far", "http://192.0.2.7:7557", "basic").await?;
    c.wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css(&format!("{ACS_FORM} [data-testid=acs-user]")))
        .await?
        .send_keys("noc")
        .await?;
    c.find(Locator::Css(&format!(
        "{ACS_FORM} [data-testid=acs-secret]"
    )))
    .await?
    .send_keys("pw-in-clear")
    .await?;
    desktop
        .click(&format!("{ACS_FORM} [data-testid=acs-save]"))
        .await?;
    let warned = acs_list_until(desktop, |t| t.contains("credentials in clear"))
        .await
        .context("the connection is flagged")?;
    let _: Option<bool> = desktop
        .eval(
            "const e = document.getElementById('settings-acs');
             let p = e.parentElement;
             while (p && p.scrollHeight <= p.clientHeight) p = p.parentElement;
             (p || document.scrollingElement).scrollTop += e.getBoundingClientRect().top - 60;
             return null;",
        )
        .await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    ensure!(
        warned.contains("travel in clear over http:// to 192.0.2.7")
            && !warned.contains("pw-in-clear"),
        "{warned}"
    );
    desktop.screenshot("acs-cleartext").await?;
    Ok(())
}

/// A connection to an `https://` NBI behind a self-signed certificate (a local front
/// before a sandbox): the test says the certificate is not trusted and shows its SHA-256;
/// *Trust this certificate* pins it and tests again, now through; saved with its pin.
async fn self_signed_connection(desktop: &Desktop) -> anyhow::Result<()> {
    let sandbox = acsdesk_sandbox::Sandbox::builder(1_795_467_600_000)
        .devices(5)
        .start()
        .await?;
    let front = acsdesk_sandbox::tls::front(&sandbox.url()).await?;
    let c = &desktop.client;
    let _: bool = desktop
        .eval("document.querySelector('#settings-acs details').open = true; return true;")
        .await?;
    fill_new_acs(desktop, "secure", &front.url, "none").await?;
    // An https:// address has a certificate to trust: the choice shows.
    c.wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css(&format!("{ACS_FORM} [data-testid=acs-trust]")))
        .await
        .context("an https:// address offers the certificate's trust")?;
    desktop
        .click(&format!("{ACS_FORM} [data-testid=acs-test]"))
        .await?;
    let offer = desktop
        .wait_text(
            &format!("{ACS_FORM} [data-testid=acs-trust-offer]"),
            Duration::from_secs(30),
            |t| !t.is_empty(),
        )
        .await
        .context("an untrusted certificate is offered to be trusted")?;
    ensure!(offer.contains(&front.fingerprint), "{offer}");
    let verdict = desktop
        .text_content(&format!("{ACS_FORM} [data-testid=acs-verdict]"))
        .await?;
    ensure!(verdict.contains("✗ TLS"), "{verdict}");
    desktop.screenshot("acs-untrusted").await?;
    desktop
        .click(&format!("{ACS_FORM} [data-testid=acs-trust-this]"))
        .await?;
    desktop
        .wait_text(
            &format!("{ACS_FORM} [data-testid=acs-verdict]"),
            Duration::from_secs(30),
            |t| t.contains("5 devices"),
        )
        .await
        .context("pinned, the test goes through")?;
    let pin = c
        .find(Locator::Css(&format!("{ACS_FORM} [data-testid=acs-pin]")))
        .await?
        .prop("value")
        .await?;
    ensure!(
        pin.as_deref() == Some(front.fingerprint.as_str()),
        "{pin:?}"
    );
    desktop.screenshot("acs-pinned").await?;
    desktop
        .click(&format!("{ACS_FORM} [data-testid=acs-save]"))
        .await?;
    acs_list_until(desktop, |t| {
        t.contains(&front.url) && t.contains("pinned certificate")
    })
    .await
    .context("saved and listed with its pin")?;
    Ok(())
}

/// An NBI behind a proxy that wants a token in a header of its own: a wrong token is
/// refused by the test, the right one goes through; saved with the routers' CWMP URL and
/// a lower request rate, which the list shows (never the token).
async fn header_token_connection(desktop: &Desktop) -> anyhow::Result<()> {
    let sandbox = acsdesk_sandbox::Sandbox::builder(1_795_467_600_000)
        .devices(3)
        .require_header("X-Api-Key", "k-right-123")
        .start()
        .await?;
    let c = &desktop.client;
    let _: bool = desktop
        .eval("document.querySelector('#settings-acs details').open = true; return true;")
        .await?;
    fill_new_acs(desktop, "guarded", &sandbox.url(), "header").await?;
    let field = |id: &str| format!("{ACS_FORM} [data-testid={id}]");
    let header = c
        .wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css(&field("acs-header")))
        .await
        .context("a token in a header asks for the header's name")?;
    header.clear().await?;
    header.send_keys("X-Api-Key").await?;
    let secret = c.find(Locator::Css(&field("acs-secret"))).await?;
    secret.clear().await?;
    secret.send_keys("k-wrong").await?;
    desktop.click(&field("acs-test")).await?;
    desktop
        .wait_text(&field("acs-verdict"), Duration::from_secs(30), |t| {
            t.contains("credentials were refused")
        })
        .await
        .context("a wrong token is refused")?;
    secret.clear().await?;
    secret.send_keys("k-right-123").await?;
    desktop.click(&field("acs-test")).await?;
    desktop
        .wait_text(&field("acs-verdict"), Duration::from_secs(30), |t| {
            t.contains("3 devices")
        })
        .await
        .context("the right token goes through")?;
    desktop
        .click(&format!("{ACS_FORM} [data-testid=acs-more] summary"))
        .await?;
    for (id, value) in [
        ("acs-cwmp-url", "http://acs.far.example:7547"),
        ("acs-rate", "5"),
    ] {
        let input = c.find(Locator::Css(&field(id))).await?;
        input.clear().await?;
        input.send_keys(value).await?;
    }
    desktop.screenshot("acs-header-token").await?;
    desktop.click(&field("acs-save")).await?;
    let listed = acs_list_until(desktop, |t| t.contains("token in X-Api-Key"))
        .await
        .context("saved and listed with its header")?;
    ensure!(
        listed.contains(
            "Routers inform to http://acs.far.example:7547 · at most 5 requests a second"
        ) && !listed.contains("k-right-123"),
        "{listed}"
    );
    let _: bool = desktop
        .eval(
            "document.querySelector('[data-testid=acs-list] li:last-child').scrollIntoView({block: 'center'});
             return true;",
        )
        .await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    desktop.screenshot("acs-header-token-listed").await?;
    Ok(())
}

/// Fills the Settings form that adds a connection (to the tenant "Far ISP"): its name,
/// address and authentication.
async fn fill_new_acs(desktop: &Desktop, name: &str, url: &str, auth: &str) -> anyhow::Result<()> {
    let c = &desktop.client;
    for (field, value) in [
        ("acs-tenant", "Far ISP"),
        ("acs-name", name),
        ("acs-url", url),
    ] {
        let input = c
            .find(Locator::Css(&format!("{ACS_FORM} [data-testid={field}]")))
            .await?;
        input.clear().await?;
        input.send_keys(value).await?;
    }
    c.find(Locator::Css(&format!("{ACS_FORM} [data-testid=acs-auth]")))
        .await?
        .select_by_value(auth)
        .await?;
    Ok(())
}

/// The Settings form that adds a connection.
const ACS_FORM: &str = "#settings-acs [data-testid=acs-form]";

/// The connection list as the page holds it (its line may be scrolled out of view),
/// once `ok` says so (within 30 s).
async fn acs_list_until(desktop: &Desktop, ok: impl Fn(&str) -> bool) -> anyhow::Result<String> {
    let mut listed = String::new();
    for _ in 0..150 {
        listed = desktop
            .text_content("[data-testid=acs-list]")
            .await
            .unwrap_or_default();
        if ok(&listed) {
            return Ok(listed);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    anyhow::bail!("the connection list says {listed:?}")
}
