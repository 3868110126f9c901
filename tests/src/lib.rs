//! Shared harness of AcsDesk's end-to-end tests: finds the built app, starts the WebDriver
//! bridge (tauri-driver over WebKitWebDriver) and opens a session on the real window.
//!
//! A missing display, driver or app binary is a set-up error with a message saying how
//! to fix it; it is never a silent skip.

pub mod desktop;
