//! Auto-provisioning in the window: a subscriber imported and linked to a router the ACS
//! has never seen, AcsDesk's provisions installed into GenieACS from Settings (what each
//! server holds shown before and after), the subscriber's panel waiting for first
//! contact, then the router coming up factory-fresh and the panel following it to
//! "configured", with the subscriber's PPPoE user and WiFi name read back from GenieACS.

use super::subscribers::{apply_import, paste, row};
use acsdesk_tests::desktop::Desktop;
use anyhow::{ensure, Context};
use fantoccini::Locator;
use serde_json::Value;
use std::time::Duration;

const SERIAL: &str = "48575443E2E00001";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_linked_router_is_configured_at_first_contact() -> anyhow::Result<()> {
    Desktop::journey("provisioning", None, async |desktop| {
        desktop.start_demo().await?;
        let acs = demo_url(desktop).await?;
        import(desktop).await?;
        install(desktop).await?;
        // The subscriber's panel: its router has not made first contact.
        desktop.click("[data-testid=nav-subscribers]").await?;
        row(desktop, "Lucia Prov").await?;
        desktop
            .wait_text(
                "[data-testid=subscriber-provisioning-state]",
                Duration::from_secs(15),
                |t| t.contains("Waiting for first contact"),
            )
            .await?;
        let steps = desktop
            .wait_text("[data-testid=router-steps]", Duration::from_secs(5), |t| {
                t.contains("TR-069")
            })
            .await?;
        ensure!(
            steps.contains("http://acs.demo.invalid:7547") && steps.contains("interval 300"),
            "the serial's vendor (Huawei) steps, with the demo's CWMP URL: {steps}"
        );
        desktop
            .client
            .find(Locator::Css("[data-testid=router-vendor]"))
            .await?
            .select_by_value("MikroTik")
            .await?;
        desktop
            .wait_text("[data-testid=router-steps]", Duration::from_secs(5), |t| {
                t.contains("/tr069-client set enabled=yes acs-url=http://acs.demo.invalid:7547")
            })
            .await
            .context("MikroTik's command, filled in")?;
        desktop.screenshot("provisioning-waiting").await?;

        // The technician plugs the router in: the sandbox brings it up factory-fresh and
        // GenieACS configures it at its first inform, without AcsDesk's help.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::new();
        let made: Value = http
            .post(format!(
                "{acs}/_sandbox/devices/new?vendor=huawei&serial={SERIAL}"
            ))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let id = made["_id"]
            .as_str()
            .context("the new router's id")?
            .to_owned();
        let query = serde_json::json!({ "_id": id }).to_string();
        let docs: Value = http
            .get(format!("{acs}/devices/"))
            .query(&[("query", query.as_str())])
            .send()
            .await?
            .json()
            .await?;
        let igd = &docs[0]["InternetGatewayDevice"];
        ensure!(
            igd["WANDevice"]["1"]["WANConnectionDevice"]["2"]["WANPPPConnection"]["1"]["Username"]
                ["_value"]
                == "lucia@isp",
            "GenieACS applied the PPPoE user: {igd}"
        );
        ensure!(
            igd["LANDevice"]["1"]["WLANConfiguration"]["1"]["SSID"]["_value"] == "Casa Lucia",
            "and the WiFi name"
        );
        ensure!(
            igd["ManagementServer"]["ConnectionRequestUsername"]["_value"]
                .as_str()
                .is_some_and(|u| u.starts_with("acs-")),
            "and its own connection-request user: {}",
            igd["ManagementServer"]
        );
        // The next sync sees it: the panel turns to configured by itself.
        desktop
            .wait_text(
                "[data-testid=subscriber-provisioning-state]",
                Duration::from_secs(60),
                |t| t.starts_with("Configured ✓"),
            )
            .await
            .context("the panel follows the router to configured")?;
        desktop
            .wait_text(
                "[data-testid=subscriber-list]",
                Duration::from_secs(20),
                |t| t.contains(SERIAL) && !t.contains("waiting for first contact"),
            )
            .await
            .context("the list shows the router met")?;
        // The panel shows the router as the sync read it: online, with the subscriber's
        // PPPoE user and WiFi name.
        desktop
            .wait_text(
                "[data-testid=subscriber-router-status]",
                Duration::from_secs(15),
                |t| {
                    t.contains("online")
                        && t.contains("PPPoE user on the router: lucia@isp")
                        && t.contains("WiFi on the router: Casa Lucia")
                },
            )
            .await
            .context("the router's live status in the panel")?;
        desktop
            .wait_text(
                "[data-testid=subscriber-provisioning-history]",
                Duration::from_secs(15),
                |t| t.contains("Provisioning history") && t.contains("was applied"),
            )
            .await
            .context("the panel tells the router's provisioning history")?;
        desktop.screenshot("provisioning-configured").await?;
        // Nobody's router failed its provisioning; Lucia's is online.
        let linked = desktop
            .client
            .find(Locator::Css("[data-testid=subscriber-linked]"))
            .await?;
        linked.select_by_value("provisioning_failed").await?;
        desktop
            .wait_text(
                "[data-testid=subscriber-list]",
                Duration::from_secs(10),
                |t| !t.contains("Lucia Prov"),
            )
            .await
            .context("the provisioning-failed filter leaves her out")?;
        linked.select_by_value("linked").await?;
        desktop
            .wait_text(
                "[data-testid=subscriber-list]",
                Duration::from_secs(10),
                |t| t.contains("Lucia Prov"),
            )
            .await?;
        Ok(())
    })
    .await
}

/// The demo ACS's address, as Settings shows it.
async fn demo_url(desktop: &Desktop) -> anyhow::Result<String> {
    desktop.click("[data-testid=nav-settings]").await?;
    let line = desktop
        .wait_text(".acs-line", Duration::from_secs(10), |t| {
            t.contains("http://")
        })
        .await?;
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .context("an URL in the connection's line")?;
    Ok(url.trim_end_matches('/').to_owned())
}

async fn import(desktop: &Desktop) -> anyhow::Result<()> {
    desktop.click("[data-testid=nav-subscribers]").await?;
    desktop.click("[data-testid=subscriber-import]").await?;
    paste(
        desktop,
        &format!(
            "account,name,pppoe_username,pppoe_password,wifi_ssid,wifi_password,serial\n\
             P-1,Lucia Prov,lucia@isp,ppp-secret-77,Casa Lucia,wifi-secret-77,{SERIAL}\n"
        ),
    )
    .await?;
    desktop.click("[data-testid=import-preview]").await?;
    desktop
        .wait_text(
            "[data-testid=import-summary]",
            Duration::from_secs(10),
            |t| t.starts_with("1 to create"),
        )
        .await?;
    apply_import(desktop, "Imported: 1 to create").await
}

/// Settings shows what GenieACS lacks, installs it, and shows it installed.
async fn install(desktop: &Desktop) -> anyhow::Result<()> {
    let c = &desktop.client;
    desktop.click("[data-testid=nav-settings]").await?;
    desktop
        .click("[data-testid=index-settings-provisioning]")
        .await?;
    // Read in the page: a section drawn again cannot go stale under the read.
    let states = async || -> anyhow::Result<Vec<String>> {
        desktop
            .eval(
                "return [...document.querySelectorAll('[data-testid=provisioning-object-state]')]
                     .map(e => e.innerText);",
            )
            .await
    };
    desktop
        .wait_text(
            "[data-testid=provisioning-routers]",
            Duration::from_secs(15),
            |t| t.starts_with("1 router awaiting"),
        )
        .await
        .context("the check runs when the section opens")?;
    let before = states().await?;
    ensure!(
        before.len() == 6 && before.iter().all(|s| s.starts_with("missing")),
        "nothing installed yet: {before:?}"
    );
    // Every router its own connection-request credentials.
    desktop.click("[data-testid=provisioning-own-cr]").await?;
    desktop
        .click("[data-testid=provisioning-profile] button[type=submit]")
        .await?;
    desktop
        .wait_text(
            "[data-testid=provisioning-profile-status]",
            Duration::from_secs(10),
            |t| t.starts_with("Saved"),
        )
        .await
        .context("the profile is saved")?;
    // Saving checks the servers again; install once that is done.
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while !c
        .find(Locator::Css("[data-testid=provisioning-install]"))
        .await?
        .is_enabled()
        .await?
    {
        ensure!(
            std::time::Instant::now() < deadline,
            "the check never ended"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    desktop.click("[data-testid=provisioning-install]").await?;
    desktop
        .wait_text(
            "[data-testid=provisioning-status]",
            Duration::from_secs(20),
            |t| t.starts_with("Installed"),
        )
        .await?;
    let after = states().await?;
    ensure!(
        after.iter().all(|s| s.starts_with("created")),
        "written: {after:?}"
    );
    desktop.screenshot("provisioning-installed").await?;
    desktop.click("[data-testid=provisioning-check]").await?;
    desktop
        .wait_text(
            "[data-testid=provisioning-status]",
            Duration::from_secs(20),
            |t| t.starts_with("Checked"),
        )
        .await?;
    let checked = states().await?;
    ensure!(
        checked.iter().all(|s| s.starts_with("installed")),
        "GenieACS holds what it should: {checked:?}"
    );
    Ok(())
}
