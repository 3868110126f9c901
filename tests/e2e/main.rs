//! End-to-end tests in the real AcsDesk window, driven over WebDriver under Xvfb.

mod about;
mod demo;
mod unlock;
