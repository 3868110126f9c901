//! The About page shows the backend's build information: proves the IPC path end to end.

use acsdesk_tests::desktop::Desktop;
use fantoccini::Locator;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn about_page_shows_the_version_the_backend_reports() -> anyhow::Result<()> {
    let desktop = Desktop::launch().await?;
    let outcome = check_about(&desktop).await;
    if outcome.is_err() {
        // Keep a picture of what the window showed when it failed.
        let _ = desktop.screenshot("about-failure").await;
    }
    desktop.shutdown().await;
    outcome
}

async fn check_about(desktop: &Desktop) -> anyhow::Result<()> {
    let client = &desktop.client;
    assert_eq!(client.title().await?, "AcsDesk");
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
    assert_eq!(version, backend.version, "the window shows the backend's version");
    let commit = client
        .find(Locator::Css("[data-testid=about-commit]"))
        .await?
        .text()
        .await?;
    assert_eq!(commit, backend.commit);
    let product = client
        .find(Locator::Css("[data-testid=about-product]"))
        .await?
        .text()
        .await?;
    assert_eq!(product, "AcsDesk");
    desktop.screenshot("about").await?;
    Ok(())
}
