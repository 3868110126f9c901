//! `acsdesk`: AcsDesk without a display, for scripting and headless use. Every subcommand
//! is a thin layer over `acsdesk-core`; errors are one clear line on stderr and a
//! non-zero exit code.

mod cli;
mod commands;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("acsdesk: {err:#}");
            ExitCode::FAILURE
        }
    }
}
