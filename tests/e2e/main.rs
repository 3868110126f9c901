//! End-to-end tests in the real AcsDesk window, driven over WebDriver under Xvfb: one
//! test per journey a person takes, each in a fresh window (they take turns).

mod about;
mod journeys;
mod keyring;
mod unlock;
