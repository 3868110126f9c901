//! Diagnostics a router ran through its TR-069 diagnostic objects (a ping today): what
//! each found, kept as the device's history.

use serde::{Deserialize, Serialize};

/// What a ping found: the router's answers, times in ms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PingResult {
    /// Echoes answered.
    pub answered: u64,
    /// Echoes lost.
    pub lost: u64,
    /// Mean round trip of the answered ones.
    pub average_ms: u64,
    /// Shortest round trip.
    pub minimum_ms: u64,
    /// Longest round trip.
    pub maximum_ms: u64,
}

impl PingResult {
    /// `5 of 5 answered, 23 ms average (20–28 ms)`, or `no answer to 4 echo(es)`.
    pub fn describe(&self) -> String {
        if self.answered == 0 {
            format!("no answer to {} echo(es)", self.lost)
        } else {
            format!(
                "{} of {} answered, {} ms average ({}–{} ms)",
                self.answered,
                self.answered + self.lost,
                self.average_ms,
                self.minimum_ms,
                self.maximum_ms
            )
        }
    }
}

/// One diagnostic a router ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiagnosticRecord {
    /// When it ended (Unix ms).
    pub at_ms: i64,
    /// The action that asked for it.
    pub action_id: Option<i64>,
    /// `ping`.
    pub kind: String,
    /// The host it reached for.
    pub target: String,
    /// Why it ended without results (none: it completed).
    pub error: Option<String>,
    /// A ping's results.
    pub ping: Option<PingResult>,
}

impl DiagnosticRecord {
    /// `Ping 8.8.8.8: 5 of 5 answered, …` or `Ping x.invalid: the router cannot …`.
    pub fn describe(&self) -> String {
        let what = match self.kind.as_str() {
            "ping" => "Ping",
            other => other,
        };
        let found = match (&self.error, &self.ping) {
            (Some(e), _) => e.clone(),
            (None, Some(p)) => p.describe(),
            (None, None) => "no results".into(),
        };
        format!("{what} {}: {found}", self.target)
    }
}

/// Request of `device_diagnostics`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceDiagnosticsRequest {
    /// The device (GenieACS id).
    pub device: String,
    /// At most this many, newest first.
    #[serde(default)]
    pub limit: Option<u32>,
}
