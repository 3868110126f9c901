//! Subscribers in the window: a billing export previewed row by row (a bad row refused
//! with its line and column) and imported, a router linked to one subscriber refused
//! for another by name, a subscriber renamed and one deleted after a confirmation that
//! says what happens to the router, and the linked router one click away.

use acsdesk_tests::desktop::Desktop;
use anyhow::{ensure, Context};
use fantoccini::Locator;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribers_are_imported_edited_and_lead_to_their_router() -> anyhow::Result<()> {
    Desktop::journey("subscribers", None, async |desktop| {
        desktop.start_demo().await?;
        let serial = desktop
            .text_content("[data-testid=device-row] .c-serial")
            .await?;
        desktop.click("[data-testid=nav-subscribers]").await?;
        desktop
            .wait_text(
                "[data-testid=subscriber-list]",
                Duration::from_secs(10),
                |t| t.contains("No subscribers here yet"),
            )
            .await?;
        import(desktop, &serial).await?;
        export(desktop).await?;
        edit(desktop, &serial).await?;
        mapped(desktop).await?;
        many(desktop).await?;
        desktop.screenshot("subscribers").await?;
        // The linked router, one click away.
        desktop.click("[data-testid=subscriber-router]").await?;
        desktop
            .wait_text("[data-testid=device-title]", Duration::from_secs(20), |t| {
                t.contains(&serial)
            })
            .await
            .context("the router's dashboard opens")?;
        Ok(())
    })
    .await
}

async fn import(desktop: &Desktop, serial: &str) -> anyhow::Result<()> {
    let c = &desktop.client;
    desktop.click("[data-testid=subscriber-import]").await?;
    // Pasted, as from a spreadsheet (typing a newline into a textarea over WebDriver
    // is not portable).
    paste(
        desktop,
        &format!(
            "account,name,phone,serial,wifi_ssid\n\
             E-1,Ana Test,+54 11 5555-0101,{serial},Casa Ana\n\
             E-2,Bruno Test,,,\n\
             E-3,Carla Test,,bad serial!,\n"
        ),
    )
    .await?;
    desktop.click("[data-testid=import-preview]").await?;
    let summary = desktop
        .wait_text(
            "[data-testid=import-summary]",
            Duration::from_secs(10),
            |t| !t.is_empty(),
        )
        .await?;
    ensure!(
        summary == "2 to create · 0 to update · 0 unchanged · 1 refused",
        "{summary}"
    );
    let refused = c
        .find(Locator::Css("[data-testid=import-row]"))
        .await?
        .text()
        .await?;
    ensure!(
        refused.starts_with('4')
            && refused.contains("E-3")
            && refused.contains("refused (serial):"),
        "the refused row first, with its line and column: {refused}"
    );
    ensure!(
        desktop.count("[data-testid=subscriber-row]").await? == 0,
        "a preview writes nothing"
    );
    desktop.screenshot("subscribers-import").await?;
    apply_import(desktop, "Imported: 2 to create").await?;
    desktop
        .wait_text(
            "[data-testid=subscriber-list]",
            Duration::from_secs(10),
            |t| t.contains("Ana Test") && t.contains("Bruno Test") && !t.contains("Carla"),
        )
        .await
        .context("the accepted rows are listed")?;
    Ok(())
}

/// *Export CSV* writes every subscriber to a file an import reads back; passwords only
/// when asked for, with a warning.
async fn export(desktop: &Desktop) -> anyhow::Result<()> {
    desktop.click("[data-testid=subscriber-export]").await?;
    let (saved, path) = desktop
        .export(
            "[data-testid=export-save]",
            "[data-testid=export-result]",
            " subscribers to ",
        )
        .await?;
    ensure!(saved.starts_with("Saved 2 subscribers to "), "{saved}");
    ensure!(
        path.starts_with(desktop.export_dir()),
        "written to the export folder: {}",
        path.display()
    );
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    ensure!(
        text.starts_with("account,name,")
            && text.contains("Ana Test")
            && text.contains("Bruno Test"),
        "{text}"
    );
    ensure!(
        !text.contains("pppoe_password"),
        "no password column unless asked: {text}"
    );
    desktop.click("[data-testid=export-secrets]").await?;
    desktop.click("[data-testid=export-save]").await?;
    desktop
        .wait_text(
            "[data-testid=export-result]",
            Duration::from_secs(10),
            |t| t.contains("it holds their passwords"),
        )
        .await?;
    desktop.screenshot("subscribers-export").await?;
    desktop.click("[data-testid=export-close]").await?;
    Ok(())
}

async fn edit(desktop: &Desktop, serial: &str) -> anyhow::Result<()> {
    let c = &desktop.client;
    let typed = async |css: &str, text: &str| -> anyhow::Result<()> {
        let field = c.find(Locator::Css(css)).await?;
        field.clear().await?;
        if !text.is_empty() {
            field.send_keys(text).await?;
        }
        Ok(())
    };
    // A new subscriber cannot take Ana's router.
    desktop.click("[data-testid=subscriber-add]").await?;
    typed("[data-testid=sub-account]", "E-4").await?;
    typed("[data-testid=sub-name]", "Dario Test").await?;
    typed("[data-testid=sub-serial]", serial).await?;
    desktop.click("[data-testid=subscriber-save]").await?;
    let refused = desktop
        .wait_text(
            "[data-testid=subscriber-error]",
            Duration::from_secs(10),
            |t| !t.is_empty(),
        )
        .await?;
    ensure!(
        refused.contains("linked to Ana Test (E-1)"),
        "the router's subscriber is named: {refused}"
    );
    typed("[data-testid=sub-serial]", "").await?;
    desktop.click("[data-testid=subscriber-save]").await?;
    desktop
        .wait_text(
            "[data-testid=subscriber-list]",
            Duration::from_secs(10),
            |t| t.contains("Dario Test"),
        )
        .await?;
    // Renamed.
    row(desktop, "Bruno Test").await?;
    typed("[data-testid=sub-name]", "Bruno Renamed").await?;
    desktop.click("[data-testid=subscriber-save]").await?;
    desktop
        .wait_text(
            "[data-testid=subscriber-list]",
            Duration::from_secs(10),
            |t| t.contains("Bruno Renamed") && !t.contains("Bruno Test"),
        )
        .await?;
    // Deleted, after saying what happens to its router.
    row(desktop, "Ana Test").await?;
    desktop.click("[data-testid=subscriber-delete]").await?;
    let asked = desktop
        .wait_text(
            "[data-testid=subscriber-delete-confirm]",
            Duration::from_secs(5),
            |t| !t.is_empty(),
        )
        .await?;
    ensure!(
        asked.contains(&format!("Its router {serial} stays in the fleet, unlinked")),
        "{asked}"
    );
    c.find(Locator::Css(
        "[data-testid=subscriber-delete-confirm] button:last-child",
    ))
    .await?
    .click()
    .await?;
    desktop
        .wait_gone(
            "[data-testid=subscriber-delete-confirm]",
            Duration::from_secs(5),
        )
        .await?;
    // Kept after all: Ana and her router stay.
    desktop
        .click("[data-testid=subscriber-panel] header button")
        .await?;
    row(desktop, "Dario Test").await?;
    desktop.click("[data-testid=subscriber-delete]").await?;
    let asked = desktop
        .wait_text(
            "[data-testid=subscriber-delete-confirm]",
            Duration::from_secs(5),
            |t| !t.is_empty(),
        )
        .await?;
    ensure!(asked.contains("It has no router linked"), "{asked}");
    desktop.click("[data-testid=subscriber-delete-yes]").await?;
    desktop
        .wait_text(
            "[data-testid=subscriber-list]",
            Duration::from_secs(10),
            |t| !t.contains("Dario Test") && t.contains("Ana Test"),
        )
        .await
        .context("the deleted subscriber is gone, the kept one stays")?;
    Ok(())
}

/// Opens the panel of the subscriber named `name` (the list may render again under
/// the pointer when it refreshes: find and click again until the panel opens).
pub(super) async fn row(desktop: &Desktop, name: &str) -> anyhow::Result<()> {
    let c = &desktop.client;
    let cell = format!("//tr[@data-testid='subscriber-row']/td[contains(., '{name}')]");
    for _ in 0..10 {
        if let Ok(td) = c.find(Locator::XPath(&cell)).await {
            let _ = td.click().await;
        }
        if c.wait()
            .at_most(Duration::from_secs(1))
            .for_element(Locator::Css("[data-testid=subscriber-panel]"))
            .await
            .is_ok()
        {
            return Ok(());
        }
    }
    anyhow::bail!("the panel of {name} never opened")
}

/// Imports the previewed rows, waits for the summary to start with `summary`, and closes
/// the dialog.
pub(super) async fn apply_import(desktop: &Desktop, summary: &str) -> anyhow::Result<()> {
    desktop.click("[data-testid=import-apply]").await?;
    desktop
        .wait_text(
            "[data-testid=import-summary]",
            Duration::from_secs(10),
            |t| t.starts_with(summary),
        )
        .await?;
    desktop.click("[data-testid=import-close]").await
}

/// Pastes `csv` into the import dialog, as from a spreadsheet (typing a newline into a
/// textarea over WebDriver is not portable).
pub(super) async fn paste(desktop: &Desktop, csv: &str) -> anyhow::Result<()> {
    let c = &desktop.client;
    let area = c.find(Locator::Css("[data-testid=import-text]")).await?;
    c.execute(
        "arguments[0].value = arguments[1];
         arguments[0].dispatchEvent(new Event('input', {bubbles: true}));
         return true;",
        vec![
            serde_json::to_value(&area)?,
            serde_json::Value::String(csv.to_owned()),
        ],
    )
    .await?;
    Ok(())
}

/// Headers nobody can guess are mapped by hand, and the next file from the same billing
/// system maps without asking.
async fn mapped(desktop: &Desktop) -> anyhow::Result<()> {
    let c = &desktop.client;
    desktop.click("[data-testid=subscriber-import]").await?;
    paste(desktop, "Ref,Cliente\nE-9,Zoe Map\n").await?;
    for (header, field) in [("Ref", "account"), ("Cliente", "name")] {
        c.find(Locator::Css(&format!(
            "[data-testid=import-map][data-header={header}]"
        )))
        .await?
        .select_by_value(field)
        .await?;
    }
    desktop.click("[data-testid=import-preview]").await?;
    desktop
        .wait_text(
            "[data-testid=import-summary]",
            Duration::from_secs(10),
            |t| t.starts_with("1 to create"),
        )
        .await
        .context("mapped by hand, the row is read")?;
    desktop.screenshot("subscribers-mapping").await?;
    apply_import(desktop, "Imported:").await?;
    desktop.click("[data-testid=subscriber-import]").await?;
    paste(desktop, "Ref,Cliente\nE-10,Yago Map\n").await?;
    desktop.click("[data-testid=import-preview]").await?;
    desktop
        .wait_text(
            "[data-testid=import-summary]",
            Duration::from_secs(10),
            |t| t.starts_with("1 to create"),
        )
        .await
        .context("the mapping is remembered")?;
    desktop.click("[data-testid=import-close]").await?;
    desktop
        .wait_text(
            "[data-testid=subscriber-list]",
            Duration::from_secs(10),
            |t| t.contains("Zoe Map") && !t.contains("Yago Map"),
        )
        .await
        .context("the mapped import is listed; the previewed one is not written")?;
    Ok(())
}

/// A billing system's thousands: only the visible rows are in the page, and scrolling
/// brings the last ones.
async fn many(desktop: &Desktop) -> anyhow::Result<()> {
    let c = &desktop.client;
    let mut csv = String::from("account,name\n");
    for i in 1..=3000 {
        csv.push_str(&format!("Z-{i:05},Zz Many {i:05}\n"));
    }
    desktop.click("[data-testid=subscriber-import]").await?;
    paste(desktop, &csv).await?;
    desktop.click("[data-testid=import-preview]").await?;
    desktop
        .wait_text(
            "[data-testid=import-summary]",
            Duration::from_secs(30),
            |t| t.starts_with("3000 to create"),
        )
        .await?;
    apply_import(desktop, "Imported: 3000 to create").await?;
    desktop
        .wait_text(
            "[data-testid=subscriber-count]",
            Duration::from_secs(10),
            |t| t.starts_with("300") && t.ends_with("shown"),
        )
        .await
        .context("every subscriber is listed")?;
    let in_page = desktop.count("[data-testid=subscriber-row]").await?;
    ensure!(
        in_page < 80,
        "{in_page} rows in the page: the list is not virtualised"
    );
    c.execute(
        "const s = document.querySelector('[data-testid=subscriber-scroller]');
         s.scrollTop = s.scrollHeight; s.dispatchEvent(new Event('scroll')); return true;",
        vec![],
    )
    .await?;
    desktop
        .wait_text(
            "[data-testid=subscriber-list]",
            Duration::from_secs(10),
            |t| t.contains("Zz Many 03000"),
        )
        .await
        .context("the last subscriber is reached by scrolling")?;
    let in_page = desktop.count("[data-testid=subscriber-row]").await?;
    ensure!(in_page < 80, "{in_page} rows in the page after scrolling");
    c.execute(
        "const s = document.querySelector('[data-testid=subscriber-scroller]');
         s.scrollTop = 0; s.dispatchEvent(new Event('scroll')); return true;",
        vec![],
    )
    .await?;
    Ok(())
}
