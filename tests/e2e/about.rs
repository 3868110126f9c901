//! The About page shows the backend's build information: proves the IPC path end to end.

use acsdesk_tests::desktop::Desktop;
use anyhow::ensure;
use fantoccini::Locator;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn about_page_shows_the_version_the_backend_reports() -> anyhow::Result<()> {
    Desktop::journey("about", None, check_about).await
}

async fn check_about(desktop: &Desktop) -> anyhow::Result<()> {
    let client = &desktop.client;
    let title = client.title().await?;
    ensure!(title == "AcsDesk", "window title is {title:?}");
    client
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css("[data-testid=nav-about]"))
        .await?
        .click()
        .await?;
    let version = client
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css("[data-testid=about-version]"))
        .await?
        .text()
        .await?;
    let backend = acsdesk_core::about::build_info(None);
    ensure!(
        version == backend.version,
        "the window shows version {version:?}, the backend reports {:?}",
        backend.version
    );
    let commit = client
        .find(Locator::Css("[data-testid=about-commit]"))
        .await?
        .text()
        .await?;
    ensure!(
        commit == backend.commit,
        "the window shows commit {commit:?}, the backend reports {:?}",
        backend.commit
    );
    let product = client
        .find(Locator::Css("[data-testid=about-product]"))
        .await?
        .text()
        .await?;
    ensure!(product == "AcsDesk", "the window shows product {product:?}");
    // A build without an update key leaves updates to the package manager, and says so.
    desktop.click("[data-testid=update-check]").await?;
    desktop
        .wait_text("[data-testid=update-status]", Duration::from_secs(20), |t| {
            t == "Updates: this build has no update key: the system's package manager updates it."
        })
        .await?;
    desktop.screenshot("about").await?;
    Ok(())
}
