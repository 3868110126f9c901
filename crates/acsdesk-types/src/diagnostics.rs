//! Diagnostics a router ran through its TR-069 diagnostic objects (ping, traceroute,
//! download and upload tests): what each found, kept as the device's history.

use crate::DiagnosticKind;
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

/// One hop of a traceroute, as the router reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceHop {
    /// The hop's name (its address when it has none; empty when it never answered).
    pub host: String,
    /// The hop's address (empty when it never answered).
    pub address: String,
    /// The ICMP error the hop answered with (0: none).
    pub error_code: u32,
    /// Each probe's round trip, ms.
    pub rtts_ms: Vec<u64>,
}

impl TraceHop {
    /// Whether the hop answered at all.
    pub fn answered(&self) -> bool {
        !(self.host.is_empty() && self.address.is_empty())
    }

    /// `core1.isp.net (10.1.0.1)  3 ms, 4 ms` or `*` for a hop that never answered.
    pub fn describe(&self) -> String {
        if !self.answered() {
            return "*".into();
        }
        let who = if self.host.is_empty() || self.host == self.address {
            self.address.clone()
        } else if self.address.is_empty() {
            self.host.clone()
        } else {
            format!("{} ({})", self.host, self.address)
        };
        let times: Vec<String> = self.rtts_ms.iter().map(|t| format!("{t} ms")).collect();
        let mut line = if times.is_empty() {
            who
        } else {
            format!("{who}  {}", times.join(", "))
        };
        if self.error_code != 0 {
            line.push_str(&format!("  (ICMP error {})", self.error_code));
        }
        line
    }
}

/// What a traceroute found: the hops on the way, nearest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceResult {
    /// The hops, nearest first.
    pub hops: Vec<TraceHop>,
    /// The router's figure for the last hop's round trip, ms.
    pub response_ms: u64,
}

impl TraceResult {
    /// `9 hops, 23 ms to the last` (or `no hop answered`).
    pub fn describe(&self) -> String {
        if !self.hops.iter().any(TraceHop::answered) {
            return format!("no hop answered ({} tried)", self.hops.len());
        }
        let silent = self.hops.iter().filter(|h| !h.answered()).count();
        let mut text = format!(
            "{} hop{}, {} ms to the last",
            self.hops.len(),
            if self.hops.len() == 1 { "" } else { "s" },
            self.response_ms
        );
        if silent > 0 {
            text.push_str(&format!(" ({silent} did not answer)"));
        }
        text
    }
}

/// What a download or upload test found (TR-143): bytes moved over the time between
/// the first and the last byte.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferResult {
    /// Bytes of the test file moved (TR-181 `TestBytesReceived` / the upload's
    /// `TestFileLength`).
    pub bytes: u64,
    /// From the first byte to the last (`BOMTime` → `EOMTime`), ms (GenieACS keeps
    /// a router's `dateTime` to the millisecond).
    pub duration_ms: u64,
    /// From the request to the first byte (`ROMTime` → `BOMTime`), ms, when reported.
    #[serde(default)]
    pub request_ms: Option<u64>,
}

impl TransferResult {
    /// The throughput in Mbit/s (0 when no time passed).
    pub fn mbit_s(&self) -> f64 {
        if self.duration_ms == 0 {
            return 0.0;
        }
        self.bytes as f64 * 8.0 / (self.duration_ms as f64 * 1_000.0)
    }

    /// `94.2 Mbit/s (48.0 MB in 4.1 s)`.
    pub fn describe(&self) -> String {
        format!(
            "{:.1} Mbit/s ({:.1} MB in {:.1} s)",
            self.mbit_s(),
            self.bytes as f64 / 1_000_000.0,
            self.duration_ms as f64 / 1_000.0
        )
    }
}

/// What a completed diagnostic found, by kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DiagnosticResult {
    /// A ping's answers.
    Ping(PingResult),
    /// A traceroute's hops.
    Traceroute(TraceResult),
    /// A download test's throughput.
    Download(TransferResult),
    /// An upload test's throughput.
    Upload(TransferResult),
}

impl DiagnosticResult {
    /// What it found, in words.
    pub fn describe(&self) -> String {
        match self {
            DiagnosticResult::Ping(p) => p.describe(),
            DiagnosticResult::Traceroute(t) => t.describe(),
            DiagnosticResult::Download(t) | DiagnosticResult::Upload(t) => t.describe(),
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
    /// What it measured.
    pub kind: DiagnosticKind,
    /// The host it reached for (a URL for a download or upload test).
    pub target: String,
    /// Why it ended without results (none: it completed).
    pub error: Option<String>,
    /// What it found.
    pub result: Option<DiagnosticResult>,
}

impl DiagnosticRecord {
    /// `Ping 8.8.8.8: 5 of 5 answered, …` or `Ping x.invalid: the router cannot …`.
    pub fn describe(&self) -> String {
        let found = match (&self.error, &self.result) {
            (Some(e), _) => e.clone(),
            (None, Some(r)) => r.describe(),
            (None, None) => "no results".into(),
        };
        format!("{} {}: {found}", self.kind.label(), self.target)
    }

    /// A ping's answers, when it is a completed ping.
    pub fn ping(&self) -> Option<&PingResult> {
        match &self.result {
            Some(DiagnosticResult::Ping(p)) => Some(p),
            _ => None,
        }
    }

    /// A traceroute's hops, when it is a completed traceroute.
    pub fn trace(&self) -> Option<&TraceResult> {
        match &self.result {
            Some(DiagnosticResult::Traceroute(t)) => Some(t),
            _ => None,
        }
    }
}

/// One router of a bulk ping, as the summary lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweptRouter {
    /// The device (GenieACS id).
    pub device: String,
    /// Its ping's mean round trip, ms.
    pub average_ms: u64,
    /// Echoes it lost.
    pub lost: u64,
}

/// What one ping from many routers found (a street after an outage): who answers, who
/// is silent, who is slow.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PingSweep {
    /// The host pinged.
    pub host: String,
    /// Routers whose ping got at least one answer.
    pub answered: u64,
    /// Routers whose ping completed without a single answer (their line is down).
    pub silent: u64,
    /// Routers whose ping ended in an error state (the host did not resolve…).
    pub errors: u64,
    /// The answering routers' mean round trip, ms.
    pub average_ms: Option<u64>,
    /// Routers that lost some echoes but not all.
    pub lossy: u64,
    /// The slowest answering routers, slowest first (at most five).
    pub slowest: Vec<SweptRouter>,
    /// The silent routers (at most twenty).
    pub silent_routers: Vec<String>,
}

impl PingSweep {
    /// The summary of the pings kept for a bulk operation: `(device, record)` pairs.
    pub fn of<'a>(records: impl IntoIterator<Item = (&'a str, &'a DiagnosticRecord)>) -> Self {
        let mut sweep = PingSweep::default();
        let mut answering = Vec::new();
        for (device, r) in records {
            if r.kind != DiagnosticKind::Ping {
                continue;
            }
            if sweep.host.is_empty() {
                sweep.host = r.target.clone();
            }
            match (r.ping(), &r.error) {
                (_, Some(_)) | (None, None) => sweep.errors += 1,
                (Some(p), None) if p.answered == 0 => {
                    sweep.silent += 1;
                    if sweep.silent_routers.len() < 20 {
                        sweep.silent_routers.push(device.to_owned());
                    }
                }
                (Some(p), None) => {
                    sweep.answered += 1;
                    if p.lost > 0 {
                        sweep.lossy += 1;
                    }
                    answering.push(SweptRouter {
                        device: device.to_owned(),
                        average_ms: p.average_ms,
                        lost: p.lost,
                    });
                }
            }
        }
        if !answering.is_empty() {
            let total: u64 = answering.iter().map(|r| r.average_ms).sum();
            sweep.average_ms = Some(total / answering.len() as u64);
        }
        answering.sort_by(|a, b| {
            b.average_ms
                .cmp(&a.average_ms)
                .then(a.device.cmp(&b.device))
        });
        answering.truncate(5);
        sweep.slowest = answering;
        sweep
    }

    /// `12 answered (31 ms mean), 3 silent, 1 could not ping`.
    pub fn describe(&self) -> String {
        let mut parts = vec![match self.average_ms {
            Some(ms) if self.lossy > 0 => format!(
                "{} answered ({ms} ms mean; {} lost some echoes)",
                self.answered, self.lossy
            ),
            Some(ms) => format!("{} answered ({ms} ms mean)", self.answered),
            None => "none answered".to_owned(),
        }];
        if self.silent > 0 {
            parts.push(format!("{} silent", self.silent));
        }
        if self.errors > 0 {
            parts.push(format!("{} could not ping", self.errors));
        }
        format!("Ping {}: {}", self.host, parts.join(", "))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_say_what_was_found() {
        let t = TransferResult {
            bytes: 50_000_000,
            duration_ms: 4_000,
            request_ms: Some(30),
        };
        assert_eq!(t.mbit_s(), 100.0);
        assert_eq!(t.describe(), "100.0 Mbit/s (50.0 MB in 4.0 s)");
        let none = TransferResult {
            bytes: 10,
            duration_ms: 0,
            request_ms: None,
        };
        assert_eq!(none.mbit_s(), 0.0, "no time is no rate, not infinity");

        let hop = |host: &str, address: &str, rtts: &[u64]| TraceHop {
            host: host.into(),
            address: address.into(),
            error_code: 0,
            rtts_ms: rtts.to_vec(),
        };
        let trace = TraceResult {
            hops: vec![
                hop("gw.isp.net", "10.0.0.1", &[2, 3]),
                hop("", "", &[]),
                hop("8.8.8.8", "8.8.8.8", &[21]),
            ],
            response_ms: 21,
        };
        assert_eq!(
            trace.describe(),
            "3 hops, 21 ms to the last (1 did not answer)"
        );
        assert_eq!(
            trace.hops[0].describe(),
            "gw.isp.net (10.0.0.1)  2 ms, 3 ms"
        );
        assert_eq!(trace.hops[1].describe(), "*");
        assert_eq!(trace.hops[2].describe(), "8.8.8.8  21 ms");

        let record = DiagnosticRecord {
            at_ms: 0,
            action_id: None,
            kind: DiagnosticKind::Download,
            target: "http://speed.example/50MB".into(),
            error: None,
            result: Some(DiagnosticResult::Download(t)),
        };
        assert_eq!(
            record.describe(),
            "Download test http://speed.example/50MB: 100.0 Mbit/s (50.0 MB in 4.0 s)"
        );
        let ping = |answered: u64, lost: u64, average_ms: u64| DiagnosticRecord {
            at_ms: 0,
            action_id: None,
            kind: DiagnosticKind::Ping,
            target: "10.0.0.1".into(),
            error: None,
            result: Some(DiagnosticResult::Ping(PingResult {
                answered,
                lost,
                average_ms,
                minimum_ms: average_ms,
                maximum_ms: average_ms,
            })),
        };
        let unresolved = DiagnosticRecord {
            error: Some("the router cannot resolve 10.0.0.1".into()),
            result: None,
            ..ping(0, 0, 0)
        };
        let kept = [
            ("a", ping(4, 0, 10)),
            ("b", ping(3, 1, 50)),
            ("c", ping(0, 4, 0)),
            ("d", unresolved),
            ("e", ping(4, 0, 30)),
        ];
        let sweep = PingSweep::of(kept.iter().map(|(d, r)| (*d, r)));
        assert_eq!((sweep.answered, sweep.silent, sweep.errors), (3, 1, 1));
        assert_eq!(sweep.average_ms, Some(30));
        assert_eq!(sweep.silent_routers, ["c"]);
        let slowest: Vec<&str> = sweep.slowest.iter().map(|r| r.device.as_str()).collect();
        assert_eq!(slowest, ["b", "e", "a"]);
        assert_eq!(
            sweep.describe(),
            "Ping 10.0.0.1: 3 answered (30 ms mean; 1 lost some echoes), 1 silent, 1 could not ping"
        );
        let json = serde_json::to_value(&record).unwrap();
        assert_eq!(json["kind"], "download");
        assert_eq!(json["result"]["kind"], "download");
        assert_eq!(json["result"]["bytes"], 50_000_000);
    }
}
