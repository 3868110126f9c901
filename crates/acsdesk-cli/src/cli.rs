//! The command line's grammar (clap): global options and one variant per subcommand.

use clap::{Parser, Subcommand};
use std::sync::LazyLock;

static LONG_VERSION: LazyLock<String> = LazyLock::new(acsdesk_core::about::version_line);

/// AcsDesk: manage customers' routers through GenieACS, from the command line.
#[derive(Debug, Parser)]
#[command(name = "acsdesk", version = acsdesk_core::about::VERSION, long_version = LONG_VERSION.as_str())]
#[command(propagate_version = true, arg_required_else_help = true)]
pub(crate) struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The subcommands. Later work adds tenant, acs, sync, devices, act, alerts, sandbox…
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Show what build of AcsDesk this is.
    About(AboutArgs),
}

/// Options of `acsdesk about`.
#[derive(Debug, clap::Args)]
pub(crate) struct AboutArgs {
    /// Print JSON instead of text.
    #[arg(long)]
    pub(crate) json: bool,
}
