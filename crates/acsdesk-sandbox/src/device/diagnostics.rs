//! The TR-069 diagnostics a router runs when GenieACS sets its `DiagnosticsState` to
//! `Requested`: the IP ping, the traceroute and the TR-143 download and upload tests
//! (TR-098 `InternetGatewayDevice.IPPingDiagnostics`, `.TraceRouteDiagnostics`,
//! `.DownloadDiagnostics`, `.UploadDiagnostics`; TR-181 under `Device.IP.Diagnostics`).
//! The test takes its time after the session that asked for it, then the router writes
//! its results and opens a session of its own with `8 DIAGNOSTICS COMPLETE`, in which
//! GenieACS reads them only if a task or a preset asks. No packet leaves the machine: a
//! host ending in `.invalid` cannot be resolved, others answer with latencies, hops and
//! line speeds seeded by the host and the router; a router whose internet line (PPP) is
//! down reaches nothing.

use super::*;

/// A diagnostic a router may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Test {
    /// The IP ping.
    Ping,
    /// The traceroute.
    TraceRoute,
    /// The TR-143 download test.
    Download,
    /// The TR-143 upload test.
    Upload,
}

impl Test {
    /// Every diagnostic.
    pub const ALL: [Test; 4] = [Test::Ping, Test::TraceRoute, Test::Download, Test::Upload];

    /// Where a data model (its root) keeps it.
    pub(crate) fn object(self, root: &str) -> String {
        let tr181 = root == "Device";
        match (self, tr181) {
            (Test::Ping, true) => "Device.IP.Diagnostics.IPPing".into(),
            (Test::Ping, false) => format!("{root}.IPPingDiagnostics"),
            (Test::TraceRoute, true) => "Device.IP.Diagnostics.TraceRoute".into(),
            (Test::TraceRoute, false) => format!("{root}.TraceRouteDiagnostics"),
            (Test::Download, true) => "Device.IP.Diagnostics.DownloadDiagnostics".into(),
            (Test::Download, false) => format!("{root}.DownloadDiagnostics"),
            (Test::Upload, true) => "Device.IP.Diagnostics.UploadDiagnostics".into(),
            (Test::Upload, false) => format!("{root}.UploadDiagnostics"),
        }
    }

    /// Its result leaves (relative to the object), each rewritten when a run ends — an
    /// error leaves them at zero, not at the last run's — with that zero.
    fn results(self) -> &'static [(&'static str, &'static str)] {
        const TIMES: [(&str, &str); 5] = [
            ("ROMTime", "xsd:dateTime"),
            ("BOMTime", "xsd:dateTime"),
            ("EOMTime", "xsd:dateTime"),
            ("TCPOpenRequestTime", "xsd:dateTime"),
            ("TCPOpenResponseTime", "xsd:dateTime"),
        ];
        match self {
            Test::Ping => &[
                ("SuccessCount", "xsd:unsignedInt"),
                ("FailureCount", "xsd:unsignedInt"),
                ("AverageResponseTime", "xsd:unsignedInt"),
                ("MinimumResponseTime", "xsd:unsignedInt"),
                ("MaximumResponseTime", "xsd:unsignedInt"),
            ],
            Test::TraceRoute => &[
                ("ResponseTime", "xsd:unsignedInt"),
                ("RouteHopsNumberOfEntries", "xsd:unsignedInt"),
            ],
            Test::Download => &[
                TIMES[0],
                TIMES[1],
                TIMES[2],
                TIMES[3],
                TIMES[4],
                ("TestBytesReceived", "xsd:unsignedInt"),
                ("TotalBytesReceived", "xsd:unsignedInt"),
            ],
            Test::Upload => &[
                TIMES[0],
                TIMES[1],
                TIMES[2],
                TIMES[3],
                TIMES[4],
                ("TotalBytesSent", "xsd:unsignedInt"),
            ],
        }
    }
}

/// Where a model keeps its ping diagnostic.
pub(crate) fn ping_object(root: &str) -> String {
    Test::Ping.object(root)
}

/// The instant TR-143 routers report for a time they have not measured.
const NO_TIME: &str = "1970-01-01T00:00:00.000Z";

/// A diagnostic under way, its outcome decided when it was requested.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// The diagnostic's object (`…IPPingDiagnostics`).
    pub object: String,
    /// What it is.
    pub test: Test,
    /// When the router has its results and informs.
    pub done_at_ms: i64,
    /// `Complete`, or the `Error_…` state it ends in.
    pub state: &'static str,
    /// The result leaves (relative to the object) and their values.
    pub results: Vec<(String, Value)>,
    /// A traceroute's hops: (name, address, error code, round trips in ms).
    pub hops: Vec<(String, String, u32, Vec<u64>)>,
}

/// A number from a host name, the same for every run (a host's distance).
fn host_seed(host: &str) -> u64 {
    host.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The host of a test server's URL (`http://user@host:port/path` → `host`).
fn url_host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit('@').next().unwrap_or_default();
    match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(h, _)| h),
    }
}

/// The size of a test file its URL names (`…/50MB.bin` → 50,000,000), else 20 MB.
fn url_file_size(url: &str) -> u64 {
    let upper = url.to_ascii_uppercase();
    let Some(at) = upper.rfind("MB") else {
        return 20_000_000;
    };
    let digits: String = upper[..at]
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    digits
        .parse::<u64>()
        .ok()
        .filter(|mb| (1..=1000).contains(mb))
        .map_or(20_000_000, |mb| mb * 1_000_000)
}

/// Whether a host can be resolved here: not empty, not under `.invalid`.
fn resolves(host: &str) -> bool {
    let host = host.trim();
    !host.is_empty() && !host.ends_with(".invalid")
}

impl SimDevice {
    fn unsigned(&self, path: &str) -> Option<u64> {
        self.live_value(path).and_then(|v| v.as_u64())
    }

    fn text(&self, path: &str) -> String {
        self.live_value(path)
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    /// After a setParameterValues: a diagnostic asked for (`DiagnosticsState =
    /// Requested`) starts now, with the inputs as they are after the whole set. A new
    /// request replaces a test under way.
    pub(crate) fn request_diagnostics(&mut self, set: &[(String, Value)], at: i64) {
        let root = self.template.root.clone();
        let Some((test, object)) = Test::ALL.into_iter().find_map(|t| {
            let object = t.object(&root);
            let state = format!("{object}.DiagnosticsState");
            set.iter()
                .any(|(path, value)| *path == state && value.as_str() == Some("Requested"))
                .then_some((t, object))
        }) else {
            return;
        };
        let (state, results, hops, took_ms) = match test {
            Test::Ping => self.run_ping(&object),
            Test::TraceRoute => self.run_traceroute(&object),
            Test::Download | Test::Upload => self.run_transfer(test, &object, at),
        };
        self.pending_diagnostic = Some(Diagnostic {
            object,
            test,
            done_at_ms: at + took_ms.max(100),
            state,
            results,
            hops,
        });
        self.schedule_diagnostic(at);
    }

    fn run_ping(&mut self, ping: &str) -> Run {
        let host = self.text(&format!("{ping}.Host"));
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
        if !resolves(&host) {
            // The name lookup fails after the resolver's timeout.
            return ("Error_CannotResolveHostName", Vec::new(), Vec::new(), 2_000);
        }
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
        let results = [
            ("SuccessCount", ok),
            ("FailureCount", failed),
            ("AverageResponseTime", avg),
            ("MinimumResponseTime", min),
            ("MaximumResponseTime", max),
        ]
        .into_iter()
        .map(|(l, v)| (l.to_owned(), json!(v)))
        .collect();
        ("Complete", results, Vec::new(), took)
    }

    /// Hops seeded by the host: the ISP's gateway, its core, a silent router now and
    /// then, the host last. A path longer than `MaxHopCount` ends in
    /// `Error_MaxHopCountExceeded` with the hops tried.
    fn run_traceroute(&mut self, object: &str) -> Run {
        let host = self.text(&format!("{object}.Host"));
        let max_hops = self
            .unsigned(&format!("{object}.MaxHopCount"))
            .filter(|n| *n > 0)
            .unwrap_or(30)
            .min(64);
        let tries = self
            .unsigned(&format!("{object}.NumberOfTries"))
            .filter(|n| *n > 0)
            .unwrap_or(3)
            .min(3);
        let timeout_ms = self
            .unsigned(&format!("{object}.Timeout"))
            .filter(|t| *t > 0)
            .unwrap_or(5000)
            .min(60_000);
        if !resolves(&host) {
            return ("Error_CannotResolveHostName", Vec::new(), Vec::new(), 2_000);
        }
        if !self.ppp_ok() {
            let state = if self.template.root == "Device" {
                "Error_NoRouteToHost"
            } else {
                "Error_Other"
            };
            return (state, Vec::new(), Vec::new(), 1_000);
        }
        let seed = host_seed(&host);
        let distance = 4 + seed % 9;
        let base = 4 + seed % 80;
        let address = if host.parse::<std::net::IpAddr>().is_ok() {
            host.clone()
        } else {
            format!(
                "{}.{}.{}.{}",
                23 + seed % 180,
                (seed >> 8) % 256,
                (seed >> 16) % 256,
                1 + (seed >> 24) % 254
            )
        };
        let [a, b, c, ..] = self.addr;
        let mut hops = Vec::new();
        let mut took = 0_i64;
        for i in 1..=distance.min(max_hops) {
            let last = i == distance;
            // A middle router that never answers, by the host's path.
            let silent = !last && i > 2 && (seed >> (i * 3)).is_multiple_of(7);
            if silent {
                hops.push((String::new(), String::new(), 0, Vec::new()));
                took += (tries * timeout_ms) as i64;
                continue;
            }
            let (name, hop_address) = match i {
                1 => (String::new(), format!("100.64.{a}.1")),
                2 => (
                    format!("bras{}.isp.example", 1 + u64::from(b) % 4),
                    format!("10.{b}.{c}.1"),
                ),
                _ if last => (host.clone(), address.clone()),
                _ => (
                    format!("core{i}.transit.example"),
                    format!("62.{}.{}.{}", (seed >> i) % 256, i, 1 + (seed >> 3) % 250),
                ),
            };
            let share = base * i / distance;
            let rtts: Vec<u64> = (0..tries)
                .map(|_| 1 + share + self.rng.range(0, share / 4 + 2))
                .collect();
            took += rtts.iter().sum::<u64>() as i64 + 50;
            hops.push((name, hop_address, 0, rtts));
        }
        let reached = distance <= max_hops;
        let response = if reached {
            hops.last()
                .and_then(|h| h.3.iter().sum::<u64>().checked_div(h.3.len() as u64))
                .unwrap_or(0)
        } else {
            0
        };
        let results = vec![
            ("ResponseTime".to_owned(), json!(response)),
            ("RouteHopsNumberOfEntries".to_owned(), json!(hops.len())),
        ];
        let state = if reached {
            "Complete"
        } else {
            "Error_MaxHopCountExceeded"
        };
        (state, results, hops, took)
    }

    /// A transfer at the router's line speed (seeded by the router, a little jitter):
    /// the file's size from its URL for a download, `TestFileLength` for an upload.
    fn run_transfer(&mut self, test: Test, object: &str, at: i64) -> Run {
        let upload = test == Test::Upload;
        let url = self.text(&format!(
            "{object}.{}",
            if upload { "UploadURL" } else { "DownloadURL" }
        ));
        let host = url_host(&url).to_owned();
        if !resolves(&host) {
            // TR-181 names the failed lookup; TR-098's TR-143 has no such state.
            let state = if self.template.root == "Device" {
                "Error_CannotResolveHostName"
            } else {
                "Error_InitConnectionFailed"
            };
            return (state, Vec::new(), Vec::new(), 2_000);
        }
        if !self.ppp_ok() {
            return ("Error_InitConnectionFailed", Vec::new(), Vec::new(), 3_000);
        }
        let bytes = if upload {
            self.unsigned(&format!("{object}.TestFileLength"))
                .filter(|n| *n > 0)
                .unwrap_or(10_000_000)
        } else {
            url_file_size(&url)
        };
        // The subscriber's plan: 20 to 300 Mbit/s down, a third to all of it up.
        let plan_kbit = 20_000 + (self.n.wrapping_mul(7919) ^ u64::from(self.addr[2])) % 280_000;
        let kbit = if upload {
            plan_kbit / (1 + self.n % 3)
        } else {
            plan_kbit
        };
        let kbit = kbit * (90 + self.rng.range(0, 11)) / 100;
        let rtt = 4 + host_seed(&host) % 40;
        let open_request = at + 100;
        let open_response = open_request + rtt as i64;
        let rom = open_response + 1;
        let bom = rom + rtt as i64;
        // ms = bytes · 8 / (kbit/s).
        let transfer_ms = (bytes * 8 / kbit.max(1)).max(1) as i64;
        let eom = bom + transfer_ms;
        let overhead = bytes / 50 + 400;
        let mut results = vec![
            ("ROMTime".to_owned(), json!(iso(rom))),
            ("BOMTime".to_owned(), json!(iso(bom))),
            ("EOMTime".to_owned(), json!(iso(eom))),
            ("TCPOpenRequestTime".to_owned(), json!(iso(open_request))),
            ("TCPOpenResponseTime".to_owned(), json!(iso(open_response))),
        ];
        if upload {
            results.push(("TotalBytesSent".to_owned(), json!(bytes + overhead)));
        } else {
            results.push(("TestBytesReceived".to_owned(), json!(bytes)));
            results.push(("TotalBytesReceived".to_owned(), json!(bytes + overhead)));
        }
        ("Complete", results, Vec::new(), eom - at + 200)
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
        for (leaf, xsd) in d.test.results() {
            let value = d.results.iter().find(|(l, _)| l == leaf).map_or_else(
                || {
                    if *xsd == "xsd:dateTime" {
                        json!(NO_TIME)
                    } else {
                        json!(0)
                    }
                },
                |(_, v)| v.clone(),
            );
            self.write_result(&format!("{}.{leaf}", d.object), value, xsd, at);
        }
        if d.test == Test::TraceRoute {
            self.write_hops(&d.object, &d.hops, at);
        }
        self.write_result(
            &format!("{}.DiagnosticsState", d.object),
            json!(d.state),
            "xsd:string",
            at,
        );
        true
    }

    /// A traceroute's hops replace the last run's (`RouteHops.{i}`, named as the data
    /// model names them).
    fn write_hops(&mut self, object: &str, hops: &[(String, String, u32, Vec<u64>)], at: i64) {
        let prefix = format!("{object}.RouteHops.");
        let tr181 = self.template.root == "Device";
        let names: [&str; 4] = if tr181 {
            ["Host", "HostAddress", "ErrorCode", "RTTimes"]
        } else {
            ["HopHost", "HopHostAddress", "HopErrorCode", "HopRTTimes"]
        };
        for (i, (host, address, code, rtts)) in hops.iter().enumerate() {
            let rtts: Vec<String> = rtts.iter().map(u64::to_string).collect();
            let values = [
                (names[0], json!(host), "xsd:string"),
                (names[1], json!(address), "xsd:string"),
                (names[2], json!(code), "xsd:unsignedInt"),
                (names[3], json!(rtts.join(",")), "xsd:string"),
            ];
            for (leaf, value, xsd) in values {
                self.write_result(&format!("{prefix}{}.{leaf}", i + 1), value, xsd, at);
            }
        }
        // The last run's hops beyond this one's are gone.
        let beyond: Vec<String> = self
            .extra
            .keys()
            .filter(|p| {
                p.strip_prefix(&prefix)
                    .and_then(|rest| rest.split('.').next()?.parse::<usize>().ok())
                    .is_some_and(|i| i > hops.len())
            })
            .cloned()
            .collect();
        for path in beyond {
            self.extra.remove(&path);
            self.unread.remove(&path);
        }
    }

    /// A value the router itself changes (read-only to GenieACS): kept as set at `at`;
    /// GenieACS goes on showing what it had (nothing, for a new leaf) until it reads it.
    fn write_result(&mut self, path: &str, value: Value, xsd: &'static str, at: i64) {
        if self.known.is_none() && !self.unread.contains_key(path) {
            let held = self.live_leaf(path).and_then(|l| Some((l.value?, l.ts?)));
            self.unread.insert(path.to_owned(), held);
        }
        match self.template.slot(path) {
            Some(slot) => {
                self.overrides.insert(slot, (value, at));
            }
            None => {
                self.extra.insert(
                    path.to_owned(),
                    Extra {
                        value,
                        xsd,
                        writable: Some(false),
                        ts_ms: at,
                    },
                );
            }
        }
    }

    /// A reboot or a reset at `at` ends a diagnostic under way without results.
    pub(crate) fn drop_diagnostic(&mut self, at: i64) {
        if let Some(d) = self.pending_diagnostic.take() {
            self.write_result(
                &format!("{}.DiagnosticsState", d.object),
                json!("None"),
                "xsd:string",
                at,
            );
        }
        self.periodic_after_diagnostic_ms = None;
    }
}

/// A run decided: its state, result leaves, a traceroute's hops, and how long it takes.
type Run = (
    &'static str,
    Vec<(String, Value)>,
    Vec<(String, String, u32, Vec<u64>)>,
    i64,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_urls_give_their_host_and_size() {
        assert_eq!(url_host("http://speed.example/50MB.bin"), "speed.example");
        assert_eq!(url_host("ftp://u:p@10.0.0.5:2121/x"), "10.0.0.5");
        assert_eq!(url_host("http://[2001:db8::1]:80/f"), "2001:db8::1");
        assert_eq!(url_file_size("http://speed.example/50MB.bin"), 50_000_000);
        assert_eq!(url_file_size("http://speed.example/file"), 20_000_000);
        assert_eq!(url_file_size("http://speed.example/5000MB"), 20_000_000);
    }
}
