//! `acsdesk`: AcsDesk without a display, for scripting and headless use. Every subcommand
//! is a thin layer over `acsdesk-core`; errors are one clear line on stderr and a
//! non-zero exit code.

mod cli;
mod commands;

use clap::Parser;
use std::process::ExitCode;

/// The exit status of a Unix tool ended by a closed pipe (128 + SIGPIPE).
const CLOSED_PIPE: i32 = 141;

/// `acsdesk devices | head -1`: when whatever reads the output goes away, the command
/// ends quietly, as any Unix tool does, instead of panicking on its next line. (Rust
/// ignores SIGPIPE so that network writes fail with an error rather than kill the
/// process; printing to a closed stdout then panics — that panic is what ends it here.)
fn end_quietly_on_a_closed_pipe() {
    let next = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(CLOSED_PIPE);
        }
        next(info);
    }));
}

fn main() -> ExitCode {
    acsdesk_core::store::keep_openssl_through_exit();
    end_quietly_on_a_closed_pipe();
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // Output written with `write!` meets the closed pipe as an error: as quiet.
        Err(err)
            if err.chain().any(|e| {
                e.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::from(CLOSED_PIPE as u8)
        }
        Err(err) => {
            eprintln!("acsdesk: {err:#}");
            ExitCode::FAILURE
        }
    }
}
