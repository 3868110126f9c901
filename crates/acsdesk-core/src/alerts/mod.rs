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

/// What kind of problem an alert reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// The device has not informed for longer than the offline threshold.
    DeviceOffline,
    /// A firmware update failed (action failure, transfer fault, old version after).
    FirmwareFailed,
    /// Provisioning failed (a GenieACS fault on a provisioning channel or task).
    ProvisioningFailed,
    /// PPP negotiation keeps failing (authentication failure, PPPoE down while online).
    PppFailing,
    /// CPU above the threshold for the whole window.
    HighCpu,
    /// Memory above the threshold for the whole window.
    HighMemory,
    /// The ACS has been unreachable for longer than the threshold.
    AcsUnreachable,
}

impl AlertKind {
    /// The stored name of the kind.
    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::DeviceOffline => "device_offline",
            AlertKind::FirmwareFailed => "firmware_failed",
            AlertKind::ProvisioningFailed => "provisioning_failed",
            AlertKind::PppFailing => "ppp_failing",
            AlertKind::HighCpu => "high_cpu",
            AlertKind::HighMemory => "high_memory",
            AlertKind::AcsUnreachable => "acs_unreachable",
        }
    }

    /// Whether the problem ends by itself when the condition clears (offline, PPP, load,
    /// ACS, and a provisioning fault GenieACS no longer holds — it was retried, or
    /// cleared) or stays until someone resolves it (a failed firmware update: the
    /// router may be on the old image, or worse, and someone must look).
    pub fn clears_by_itself(self) -> bool {
        !matches!(self, AlertKind::FirmwareFailed)
    }
}

/// How urgent an alert is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Needs attention soon.
    Warning,
    /// A customer is affected now.
    Critical,
}

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
