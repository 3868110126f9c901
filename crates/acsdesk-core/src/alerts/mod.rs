//! Alerting: rules that turn the fleet's state into problems, and the reconciliation
//! that turns problems into alerts — one alert per ongoing problem, resolved when it
//! ends, with flap suppression, maintenance windows and digests. Everything here is a
//! pure function of its inputs and an injected `now`; storage and delivery call it.

pub mod channels;
pub mod deliver;
pub mod engine;
pub mod reconcile;
pub mod rules;

use serde::{Deserialize, Serialize};

pub use acsdesk_types::{AlertKind, Severity};

/// What an alert is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Subject {
    /// A device, by GenieACS id.
    Device(String),
    /// An ACS connection, by name.
    Acs(String),
}

/// The identity of an ongoing problem: at most one open alert exists per key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AlertKey {
    /// The kind of problem.
    pub kind: AlertKind,
    /// What it is about.
    pub subject: Subject,
}

/// A problem that holds at the time of evaluation, as found by a rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    /// Which problem.
    pub key: AlertKey,
    /// How urgent.
    pub severity: Severity,
    /// Since when the problem holds (Unix ms), e.g. when the device went offline.
    pub since_ms: i64,
    /// One sentence for people, naming the device or ACS and what happened.
    pub message: String,
}

#[cfg(test)]
mod tests;
