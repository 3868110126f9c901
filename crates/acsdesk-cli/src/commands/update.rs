//! `acsdesk update check`: what the release server offers this build, as text or JSON.

use crate::cli::UpdateCommand;
use std::io::Write;

/// Asks the release server; exit 0 when it answered (newer or not) or when this build does
/// not look for updates itself (it says why), an error when the server could not be asked.
pub(crate) async fn run(command: &UpdateCommand) -> anyhow::Result<()> {
    let UpdateCommand::Check(args) = command;
    let status = acsdesk_core::updates::check(acsdesk_core::about::VERSION)
        .await
        .map_err(anyhow::Error::msg)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &status)?;
        writeln!(out)?;
        return Ok(());
    }
    match (&status.unavailable, &status.available) {
        (Some(why), _) => writeln!(out, "Updates: {why}.")?,
        (None, None) => writeln!(out, "AcsDesk {} is the latest version.", status.current)?,
        (None, Some(u)) => {
            writeln!(
                out,
                "AcsDesk {} is available (this is {}).",
                u.version, status.current
            )?;
            if let Some(notes) = &u.notes {
                writeln!(out, "{notes}")?;
            }
            if let Some(url) = &u.url {
                writeln!(out, "Package: {url}")?;
            }
            writeln!(
                out,
                "Install it from the desktop's About page (its signature is checked there), or with the system's package manager."
            )?;
        }
    }
    Ok(())
}
