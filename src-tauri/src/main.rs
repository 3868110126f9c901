//! The AcsDesk desktop binary: opens the main window (see `lib.rs`).

// Hide the console window of release builds on Windows.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    acsdesk_desktop::run();
}
