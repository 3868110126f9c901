//! Integration tests of the `acsdesk` binary, run as a user would run it.

// A test binary: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod about;
mod diag;
mod env;
mod exactly_once;
mod firmware;
mod pipeline;
mod provision;
mod report;
mod sandbox;
mod store;
mod subscribers;
