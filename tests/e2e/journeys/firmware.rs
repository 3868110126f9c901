//! The firmware library: the demo fleet's models with how many routers are behind the
//! newest image, what a MikroTik takes, an image uploaded from a file (to AcsDesk in
//! chunks, then to GenieACS), listed, and deleted after a confirmation.

use acsdesk_tests::desktop::Desktop;
use anyhow::{ensure, Context};
use fantoccini::Locator;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_image_is_uploaded_listed_and_deleted() -> anyhow::Result<()> {
    Desktop::journey("firmware", None, async |desktop| {
        desktop.start_demo().await?;
        let c = &desktop.client;
        desktop.click("[data-testid=nav-firmware]").await?;
        let models = desktop
            .wait_text("[data-testid=firmware-models]", Duration::from_secs(30), |t| {
                t.contains("ArcherC6")
            })
            .await
            .context("the fleet's models are listed")?;
        let behind = desktop
            .text_content("[data-testid=firmware-model][data-product-class=ArcherC6] [data-testid=firmware-behind]")
            .await?;
        ensure!(
            behind.trim().parse::<u64>().is_ok_and(|n| n > 0),
            "the demo's TP-Links are behind its newest image: {behind:?} in {models}"
        );
        ensure!(
            models.contains("package list"),
            "a MikroTik's row says it takes a package list: {models}"
        );
        desktop.screenshot("firmware-library").await?;

        // The image: a file on disk, chosen in the form, for the TP-Link model.
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("archer-e2e-9.9.9.bin");
        std::fs::write(&path, vec![0x5a_u8; 5 * 1024 * 1024 + 123])?;
        c.find(Locator::Css("[data-testid=firmware-file]"))
            .await?
            .send_keys(&path.to_string_lossy())
            .await?;
        let options = c
            .find_all(Locator::Css("[data-testid=firmware-model-select] option"))
            .await?;
        let mut chose = false;
        for o in options {
            if o.text().await?.contains("ArcherC6") {
                o.click().await?;
                chose = true;
                break;
            }
        }
        ensure!(chose, "the TP-Link model is offered");
        c.find(Locator::Css("[data-testid=firmware-version]"))
            .await?
            .send_keys("9.9.9")
            .await?;
        let name = c
            .find(Locator::Css("[data-testid=firmware-name]"))
            .await?
            .prop("value")
            .await?
            .unwrap_or_default();
        ensure!(
            name == "archer-e2e-9.9.9.bin",
            "the name comes from the file: {name:?}"
        );
        desktop.click("[data-testid=firmware-upload-submit]").await?;
        let result = desktop
            .wait_text(
                "[data-testid=firmware-upload-result]",
                Duration::from_secs(60),
                |t| !t.is_empty(),
            )
            .await
            .context("the upload ends")?;
        ensure!(
            result.contains("Uploaded archer-e2e-9.9.9.bin (5.2 MB)"),
            "every chunk arrived: {result}"
        );
        desktop
            .wait_text("[data-testid=firmware-images]", Duration::from_secs(20), |t| {
                t.contains("archer-e2e-9.9.9.bin") && t.contains("9.9.9")
            })
            .await
            .context("the image is listed")?;
        desktop
            .wait_text(
                "[data-testid=firmware-model][data-product-class=ArcherC6]",
                Duration::from_secs(20),
                |t| t.contains("9.9.9"),
            )
            .await
            .context("it is the model's newest image now")?;
        desktop.screenshot("firmware-uploaded").await?;

        // Deleted after a confirmation.
        desktop
            .click("[data-testid=firmware-image][data-name='archer-e2e-9.9.9.bin'] [data-testid=firmware-delete]")
            .await?;
        desktop.click("[data-testid=firmware-delete-yes]").await?;
        desktop
            .wait_text("[data-testid=firmware-images]", Duration::from_secs(20), |t| {
                !t.contains("archer-e2e-9.9.9.bin")
            })
            .await
            .context("the image is gone")?;
        rollout_halts_and_resumes(desktop).await
    })
    .await
}

/// A rollout of an image the routers reject: its canary fails, it halts itself in the
/// window; mended and resumed, it runs again; cancelled, it ends.
async fn rollout_halts_and_resumes(desktop: &Desktop) -> anyhow::Result<()> {
    let c = &desktop.client;
    let image = "HG8245H-V3R017C10S120.bin";
    let url = desktop.demo_sandbox_url().await?;
    acsdesk_core::http::install_crypto_provider();
    let http = reqwest::Client::new();
    let mark = async |how: &str| -> anyhow::Result<()> {
        let r = http
            .post(format!("{url}/_sandbox/files/{image}/{how}"))
            .send()
            .await?;
        ensure!(r.status().is_success(), "{how}: {}", r.status());
        Ok(())
    };
    mark("bad").await?;
    desktop
        .click(&format!(
            "[data-testid=firmware-image][data-name='{image}'] [data-testid=firmware-rollout]"
        ))
        .await?;
    for (field, value) in [
        ("rollout-canary", "2"),
        ("rollout-batch", "10"),
        ("rollout-pause", "0"),
        ("rollout-max-failures", "0"),
        ("rollout-concurrency", "2"),
        ("rollout-rate", "600"),
        ("rollout-hours", "00:00-24:00"),
    ] {
        let input = c
            .find(Locator::Css(&format!("[data-testid={field}]")))
            .await?;
        input.clear().await?;
        input.send_keys(value).await?;
    }
    desktop.click("[data-testid=rollout-start]").await?;
    desktop
        .wait_text("[data-testid=rollouts]", Duration::from_secs(120), |t| {
            t.contains("halted") && t.contains("the canary")
        })
        .await
        .context("the rollout halts itself on the canary's failure")?;
    let pace = desktop.text_content("[data-testid=rollout-pace]").await?;
    ensure!(
        pace.contains("2 at once, 600/h, only 00:00-24:00 every day ("),
        "the pace and the window in the browser's time zone: {pace}"
    );
    desktop.screenshot("rollout-halted").await?;
    // Its log tells why, step by step.
    desktop.click("[data-testid=rollout-log-toggle]").await?;
    desktop
        .wait_text("[data-testid=rollout-log]", Duration::from_secs(20), |t| {
            t.contains("Canary started: 2 router(s)") && t.contains("Halted:")
        })
        .await
        .context("the log shows the canary and the halt")?;
    desktop.screenshot("rollout-log").await?;
    // The overview shows it, and leads back here.
    desktop.click("[data-testid=nav-devices]").await?;
    desktop
        .wait_text(
            "[data-testid=rollouts-banner]",
            Duration::from_secs(20),
            |t| t.contains(&format!("of {image}")) && t.contains("halted"),
        )
        .await
        .context("the overview shows the halted rollout")?;
    desktop.screenshot("rollouts-overview").await?;
    desktop.click("[data-testid=rollouts-banner-open]").await?;
    desktop
        .wait_text(
            "[data-testid=rollout-state]",
            Duration::from_secs(20),
            |t| t == "halted",
        )
        .await
        .context("the banner opens the Firmware page")?;
    mark("good").await?;
    desktop.click("[data-testid=rollout-resume]").await?;
    desktop
        .wait_text(
            "[data-testid=rollout-state]",
            Duration::from_secs(20),
            |t| t == "running" || t == "completed",
        )
        .await
        .context("resumed, it runs again")?;
    desktop.screenshot("rollout-resumed").await?;
    if c.find(Locator::Css("[data-testid=rollout-cancel]"))
        .await
        .is_ok()
    {
        desktop.click("[data-testid=rollout-cancel]").await?;
        desktop
            .wait_text(
                "[data-testid=rollout-state]",
                Duration::from_secs(20),
                |t| t == "cancelled" || t == "completed",
            )
            .await
            .context("cancelled, it ends")?;
    }
    firmware_target(desktop).await
}

/// A model's firmware target chosen in its row: it stands in the rollouts table, and
/// goes when the model's new routers are left as they come.
async fn firmware_target(desktop: &Desktop) -> anyhow::Result<()> {
    let c = &desktop.client;
    let select =
        "[data-testid=firmware-model][data-product-class='ArcherC6'] [data-testid=firmware-target]";
    c.find(Locator::Css(select))
        .await?
        .select_by_value("ArcherC6v3-1.4.1-Build-20240618.bin")
        .await?;
    desktop
        .wait_text("[data-testid=rollouts]", Duration::from_secs(20), |t| {
            t.contains("Firmware target: new ArcherC6 routers, one at a time")
        })
        .await
        .context("the target stands in the rollouts table")?;
    desktop.screenshot("firmware-target").await?;
    c.find(Locator::Css(select))
        .await?
        .select_by_value("")
        .await?;
    desktop
        .wait_text(
            "[data-testid=rollout-state]",
            Duration::from_secs(20),
            |t| t == "cancelled",
        )
        .await
        .context("left as they come, the target ends")?;
    Ok(())
}
