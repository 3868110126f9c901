//! `acsdesk about`: what build this is, as text or JSON.

use crate::cli::AboutArgs;
use std::io::Write;

/// Prints the build information to stdout.
pub(crate) fn run(args: &AboutArgs) -> anyhow::Result<()> {
    let info = acsdesk_core::about::build_info(None);
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &info)?;
        writeln!(out)?;
    } else {
        writeln!(out, "{} {}", info.product, info.version)?;
        writeln!(out, "commit:  {}", info.commit)?;
        writeln!(out, "profile: {}", info.profile)?;
        writeln!(out, "target:  {}", info.target)?;
        writeln!(out, "rustc:   {}", info.rustc)?;
    }
    Ok(())
}
