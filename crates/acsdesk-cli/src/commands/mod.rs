//! Runs a parsed command line: one module per subcommand.

mod about;

use crate::cli::{Cli, Command};

/// Runs the subcommand the user asked for.
pub(crate) fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::About(args) => about::run(&args),
    }
}
