//! The TR-069 diagnostics a router runs when GenieACS sets its `DiagnosticsState` to
//! `Requested` — for now the IP ping (TR-098 `InternetGatewayDevice.IPPingDiagnostics`,
//! TR-181 `Device.IP.Diagnostics.IPPing`): the test takes its repetitions' time, then the
//! router writes its results and opens a session of its own with `8 DIAGNOSTICS
//! COMPLETE`, in which GenieACS reads them only if a task or a preset asks. No packet
//! leaves the machine: a host ending in `.invalid` cannot be resolved, others answer
//! with latencies seeded by the host and the router; a router whose internet line is down
//! loses every echo.

use super::*;

/// Where a model keeps its ping diagnostic.
pub(crate) fn ping_object(root: &str) -> String {
    if root == "Device" {
        "Device.IP.Diagnostics.IPPing".to_owned()
    } else {
        format!("{root}.IPPingDiagnostics")
    }
}

/// A diagnostic under way, its outcome decided when it was requested.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// The diagnostic's object (`…IPPingDiagnostics`).
    pub object: String,
    /// When the router has its results and informs.
    pub done_at_ms: i64,
    /// `Complete`, or the `Error_…` state it ends in.
    pub state: &'static str,
    /// The result leaves and their values.
    pub results: Vec<(&'static str, u64)>,
}

/// A number from a host name, the same for every run (a host's distance).
fn host_seed(host: &str) -> u64 {
    host.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl SimDevice {
    fn unsigned(&self, path: &str) -> Option<u64> {
        self.live_value(path).and_then(|v| v.as_u64())
    }

    /// After a setParameterValues: a ping asked for (`DiagnosticsState = Requested`)
    /// starts now, with the inputs as they are after the whole set.
    pub(crate) fn request_diagnostics(&mut self, set: &[(String, Value)], at: i64) {
        let ping = ping_object(&self.template.root);
        let state = format!("{ping}.DiagnosticsState");
        let asked = set
            .iter()
            .any(|(path, value)| *path == state && value.as_str() == Some("Requested"));
        if !asked {
            return;
        }
        let host = self
            .live_value(&format!("{ping}.Host"))
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let repetitions = self
            .unsigned(&format!("{ping}.NumberOfRepetitions"))
            .filter(|n| *n > 0)
            .unwrap_or(4)
            .min(100);
        let timeout_ms = self
            .unsigned(&format!("{ping}.Timeout"))
            .filter(|t| *t > 0)
            .unwrap_or(1000)
            .min(60_000);
        let (state, results, took_ms) = if host.trim().is_empty() || host.ends_with(".invalid") {
            // The name lookup fails after the resolver's timeout.
            ("Error_CannotResolveHostName", Vec::new(), 2_000)
        } else {
            let base = 4 + host_seed(&host) % 80;
            let line_up = self.ppp_ok();
            let mut rtts = Vec::new();
            let mut failed = 0;
            for _ in 0..repetitions {
                // An echo lost now and then, every one when the line is down.
                if !line_up || self.rng.unit() < 0.03 {
                    failed += 1;
                } else {
                    rtts.push(base + self.rng.range(0, base / 2 + 3));
                }
            }
            let ok = rtts.len() as u64;
            let (min, max) = (
                rtts.iter().copied().min().unwrap_or(0),
                rtts.iter().copied().max().unwrap_or(0),
            );
            let avg = rtts.iter().sum::<u64>().checked_div(ok).unwrap_or(0);
            // One echo a second; a lost one waits its timeout.
            let took = (ok * 1000 + failed * timeout_ms.max(1000)) as i64;
            (
                "Complete",
                vec![
                    ("SuccessCount", ok),
                    ("FailureCount", failed),
                    ("AverageResponseTime", avg),
                    ("MinimumResponseTime", min),
                    ("MaximumResponseTime", max),
                ],
                took,
            )
        };
        let done_at_ms = at + took_ms.max(100);
        self.pending_diagnostic = Some(Diagnostic {
            object: ping,
            done_at_ms,
            state,
            results,
        });
        self.schedule_diagnostic(at);
    }

    /// Brings the next session forward to when a diagnostic under way ends, keeping the
    /// periodic schedule to go back to.
    pub(crate) fn schedule_diagnostic(&mut self, at: i64) {
        let Some(done) = self.pending_diagnostic.as_ref().map(|d| d.done_at_ms) else {
            return;
        };
        if done > at && done < self.next_inform_ms {
            self.periodic_after_diagnostic_ms = Some(self.next_inform_ms);
            self.next_inform_ms = done;
        }
    }

    /// A diagnostic whose time has come writes its results: `true` when one did (the
    /// session carries `8 DIAGNOSTICS COMPLETE`).
    pub(crate) fn finish_diagnostic(&mut self, at: i64) -> bool {
        let due = self
            .pending_diagnostic
            .as_ref()
            .is_some_and(|d| d.done_at_ms <= at);
        if !due {
            return false;
        }
        let Some(d) = self.pending_diagnostic.take() else {
            return false;
        };
        // Every result leaf is rewritten: an error leaves zeros, not the last run's.
        for leaf in [
            "SuccessCount",
            "FailureCount",
            "AverageResponseTime",
            "MinimumResponseTime",
            "MaximumResponseTime",
        ] {
            let value = d
                .results
                .iter()
                .find(|(l, _)| *l == leaf)
                .map_or(0, |(_, v)| *v);
            self.write_result(&format!("{}.{leaf}", d.object), json!(value), at);
        }
        self.write_result(
            &format!("{}.DiagnosticsState", d.object),
            json!(d.state),
            at,
        );
        true
    }

    /// A value the router itself changes (read-only to GenieACS): kept as set at `at`;
    /// GenieACS goes on showing what it had until it reads it.
    fn write_result(&mut self, path: &str, value: Value, at: i64) {
        if self.known.is_none() && !self.unread.contains_key(path) {
            if let Some(l) = self.live_leaf(path) {
                if let (Some(v), Some(ts)) = (l.value, l.ts) {
                    self.unread.insert(path.to_owned(), (v, ts));
                }
            }
        }
        if let Some(slot) = self.template.slot(path) {
            self.overrides.insert(slot, (value, at));
        }
    }

    /// A reboot or a reset at `at` ends a diagnostic under way without results.
    pub(crate) fn drop_diagnostic(&mut self, at: i64) {
        if let Some(d) = self.pending_diagnostic.take() {
            self.write_result(&format!("{}.DiagnosticsState", d.object), json!("None"), at);
        }
        self.periodic_after_diagnostic_ms = None;
    }
}
