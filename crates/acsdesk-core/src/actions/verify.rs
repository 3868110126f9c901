//! Proof that an action did what it was asked: values read back from the device, a
//! reboot seen in `_lastBoot` or uptime, the target firmware version reported — or, for
//! secrets the device hides, a fault-free completion.

use super::evidence::Before;
use crate::normalize::{NormalizedDevice, WanKind};
use acsdesk_types::actions::ActionStage;
use acsdesk_types::diagnostics::{
    DiagnosticResult, PingResult, TraceHop, TraceResult, TransferResult,
};
use acsdesk_types::DiagnosticKind;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What to check after GenieACS reports the task done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Verification {
    /// The task completing without a fault is the evidence (secrets, refresh, summon).
    FaultFree,
    /// These parameters must read back with these values.
    Values(Vec<(String, Value)>),
    /// The device must have booted after the action was sent.
    Rebooted,
    /// The device must report this software version.
    Firmware {
        /// The target version.
        version: String,
    },
    /// The device must report a software version other than this one.
    FirmwareChanged {
        /// The version before the update.
        from: Option<String>,
    },
    /// The internet WAN's PPP session must come back up with this username: a new
    /// session (its connection time restarted after the change), `Connected`, read in a
    /// later session than the one that wrote the credentials. A session that stays down
    /// with an error fails with that error.
    PppReconnected {
        /// The new PPPoE username.
        username: String,
    },
    /// The configuration AcsDesk installed for the router must have been applied: its
    /// tag is on the router and, when it rewrote the PPPoE credentials, the session
    /// came back as for [`Verification::PppReconnected`].
    Configured {
        /// The tag the configuration leaves (`acsdesk-cfg-<version>`).
        tag: String,
        /// The PPPoE username it sets, if any.
        pppoe_username: Option<String>,
        /// The tag of its PPPoE part: when the router did not carry it before the send
        /// (its credentials are rewritten), a new PPP session is required.
        #[serde(default)]
        ppp_tag: Option<String>,
    },
    /// A diagnostic (`object`, e.g. the ping's) must end: `DiagnosticsState` read as
    /// `Complete` (its results beside it) or an `Error_…` state, which fails with what it
    /// means. It reads `Requested` — what GenieACS set — until its results are read at the
    /// router's own session when it is done.
    Diagnostic {
        /// The diagnostic's object.
        object: String,
        /// The host it reaches (a download or upload test's URL, a password in it
        /// masked), for the messages and the history.
        host: String,
        /// What it measures (a ping for actions stored before there were others).
        #[serde(default = "ping")]
        diagnostic: DiagnosticKind,
    },
}

fn ping() -> DiagnosticKind {
    DiagnosticKind::Ping
}

/// What a diagnostic's `Error_…` state means, for people.
pub fn diagnostic_error(state: &str, host: &str) -> String {
    match state {
        "Error_CannotResolveHostName" => format!("the router cannot resolve {host}"),
        "Error_MaxHopCountExceeded" => format!("{host} is more hops away than the test allows"),
        "Error_NoRouteToHost" => format!("the router has no route to {host}"),
        "Error_InitConnectionFailed" => format!("the router could not connect to {host}"),
        "Error_NoResponse" => format!("{host} did not answer the router"),
        "Error_TransferFailed" => format!("the transfer with {host} broke off"),
        "Error_PasswordRequestFailed" | "Error_LoginFailed" => {
            format!("{host} refused the router's login")
        }
        "Error_NoTransferMode" | "Error_NoPASV" | "Error_NoCWD" | "Error_NoSTOR" => {
            format!("the FTP server at {host} refused a step of the test ({state})")
        }
        "Error_IncorrectSize" => format!("{host} sent or took a size other than expected"),
        "Error_Timeout" => format!("the test with {host} ran out of time"),
        "Error_Internal" => "the router could not run the test (internal error)".into(),
        "Error_Other" => "the router could not run the test".into(),
        "None" => "the router ended the test without results (a reboot or a new request)".into(),
        other => format!("the test ended in {other}"),
    }
}

/// An unsigned number a router reported, as a number or as text.
fn as_u64(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The unsigned number at `path` in a device document.
fn number(doc: &Value, path: &str) -> Option<u64> {
    leaf_value(doc, path).as_ref().and_then(as_u64)
}

/// How far apart two readings may be and still come from one CWMP session.
const SAME_SESSION_MS: i64 = 10_000;

/// How far apart two boot times read from uptime and inform may be and still be the
/// same boot (uptime is counted in seconds and read at a different moment than the
/// inform time).
const SAME_BOOT_MS: i64 = 30_000;

/// The result of a check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Proven.
    Verified,
    /// Not yet visible (the device has not informed since); check again later.
    NotYet,
    /// Disproven: the device reports something else.
    Failed(String),
}

impl Verification {
    /// Checks the device as re-read after the task finished. `doc` is its GenieACS
    /// document, `device` that document normalised, `sent_ms` when the action was sent,
    /// `before` what the device said before the first send (boots and versions are
    /// compared with that, on GenieACS's clock; `sent_ms` only when it is unknown).
    pub fn check(
        &self,
        doc: &Value,
        device: &NormalizedDevice,
        sent_ms: i64,
        before: &Before,
    ) -> Verdict {
        let booted_since = match before.last_boot_ms {
            Some(b) => device.last_boot_ms.is_some_and(|now| now > b),
            None => device.last_boot_ms.is_some_and(|now| now >= sent_ms),
        };
        match self {
            Verification::FaultFree => Verdict::Verified,
            Verification::Diagnostic { object, host, .. } => {
                match leaf_value(doc, &format!("{object}.DiagnosticsState"))
                    .as_ref()
                    .and_then(Value::as_str)
                {
                    Some("Complete") => Verdict::Verified,
                    Some("Requested") | None => Verdict::NotYet,
                    Some(state) => Verdict::Failed(diagnostic_error(state, host)),
                }
            }
            Verification::Values(expected) => {
                for (path, want) in expected {
                    let got = path
                        .split('.')
                        .try_fold(doc, |n, seg| n.get(seg))
                        .and_then(|n| n.get("_value"));
                    match got {
                        Some(v) if same_value(v, want) => {}
                        Some(_) if acsdesk_normalize::registry::is_secret(path) => {
                            return Verdict::Failed(format!(
                                "{path} reads back another value than the one set (a secret: not shown)"
                            ))
                        }
                        Some(v) => {
                            return Verdict::Failed(format!(
                                "{path} reads back {v} instead of {want}"
                            ))
                        }
                        None => return Verdict::NotYet,
                    }
                }
                Verdict::Verified
            }
            Verification::Rebooted => {
                let booted_after = booted_since;
                // The boot the uptime implies, on GenieACS's clock like the inform. With
                // the boot before the send known, it is compared with that (same clock);
                // only without it with the local send time.
                let uptime_says = match (device.last_inform_ms, device.uptime_s) {
                    (Some(inform), Some(up)) => match started(inform, up) {
                        Some(implied_boot) => match before.last_boot_ms {
                            Some(b) => implied_boot > b.saturating_add(SAME_BOOT_MS),
                            None => inform > sent_ms && implied_boot >= sent_ms - 1000,
                        },
                        // An uptime no clock can hold says nothing.
                        None => false,
                    },
                    _ => false,
                };
                if booted_after || uptime_says {
                    Verdict::Verified
                } else {
                    Verdict::NotYet
                }
            }
            Verification::Firmware { version } => {
                // A boot judges the image only once its transfer completed (a router
                // that reboots mid-transfer comes back on the old version, rightly).
                let transferred = download(doc, before).is_none_or(|d| d.completed_ms.is_some());
                match &device.firmware {
                    Some(v) if v == version => Verdict::Verified,
                    Some(v) if booted_since && transferred => {
                        Verdict::Failed(format!("the device came back on {v}, not {version}"))
                    }
                    _ => Verdict::NotYet,
                }
            }
            Verification::FirmwareChanged { from } => {
                let from = before.firmware.as_ref().or(from.as_ref());
                if device.firmware.is_some() && device.firmware.as_ref() != from {
                    Verdict::Verified
                } else {
                    Verdict::NotYet
                }
            }
            Verification::PppReconnected { username } => {
                ppp_reconnected(doc, device, username, before)
            }
            Verification::Configured {
                tag,
                pppoe_username,
                ppp_tag,
            } => {
                let tagged = doc
                    .get("_tags")
                    .and_then(Value::as_array)
                    .is_some_and(|tags| tags.iter().any(|t| t.as_str() == Some(tag)));
                // The router had this PPPoE part already when the action was sent (as
                // GenieACS's tags said then): its credentials are not written again.
                let ppp_kept = ppp_tag.as_ref().is_some_and(|t| before.tags.contains(t));
                match (tagged, pppoe_username) {
                    (false, _) => Verdict::NotYet,
                    (true, Some(user)) if !ppp_kept => ppp_reconnected(doc, device, user, before),
                    (true, _) => Verdict::Verified,
                }
            }
        }
    }

    /// The GenieACS channel whose fault means the change could not be applied (the
    /// preset channel of AcsDesk's per-router configuration), for checks whose change is
    /// made by a preset rather than by a task of the action's own.
    pub fn fault_channel(&self) -> Option<&'static str> {
        match self {
            Verification::Configured { .. } => Some(crate::provisioning::CONFIG_CHANNEL),
            _ => None,
        }
    }

    /// The diagnostic whose results are read at the router's next session (the one it
    /// opens when done): its object.
    pub fn reads_at_next_session(&self) -> Option<&str> {
        match self {
            Verification::Diagnostic { object, .. } => Some(object),
            _ => None,
        }
    }

    /// What a proven diagnostic found, read from the router's results beside its
    /// `Complete` state: a ping's answers, a traceroute's hops, a transfer's bytes and
    /// times. `None` when the results are not there to read.
    pub fn diagnostic_result(&self, doc: &Value) -> Option<DiagnosticResult> {
        let Verification::Diagnostic {
            object,
            diagnostic: kind,
            ..
        } = self
        else {
            return None;
        };
        let n = |leaf: &str| number(doc, &format!("{object}.{leaf}"));
        let time = |leaf: &str| {
            leaf_value(doc, &format!("{object}.{leaf}"))
                .as_ref()
                .and_then(Value::as_str)
                .and_then(acsdesk_time::parse_iso)
        };
        Some(match kind {
            DiagnosticKind::Ping => DiagnosticResult::Ping(PingResult {
                answered: n("SuccessCount")?,
                lost: n("FailureCount").unwrap_or(0),
                average_ms: n("AverageResponseTime").unwrap_or(0),
                minimum_ms: n("MinimumResponseTime").unwrap_or(0),
                maximum_ms: n("MaximumResponseTime").unwrap_or(0),
            }),
            DiagnosticKind::Traceroute => {
                let model = if object.starts_with("Device.") {
                    crate::normalize::DataModel::Tr181
                } else {
                    crate::normalize::DataModel::Tr098
                };
                let names = crate::normalize::registry::objects::trace_hop(model);
                let hops_node = format!("{object}.RouteHops")
                    .split('.')
                    .try_fold(doc, |v, k| v.get(k))?;
                let mut instances: Vec<(u32, &Value)> = hops_node
                    .as_object()?
                    .iter()
                    .filter_map(|(k, v)| Some((k.parse().ok()?, v)))
                    .collect();
                instances.sort_by_key(|(i, _)| *i);
                let text = |hop: &Value, leaf: &str| {
                    hop.get(leaf)
                        .and_then(|l| l.get("_value"))
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .trim()
                        .to_owned()
                };
                let hops = instances
                    .into_iter()
                    .map(|(_, hop)| TraceHop {
                        host: text(hop, names.host),
                        address: text(hop, names.address),
                        error_code: hop
                            .get(names.error_code)
                            .and_then(|l| l.get("_value"))
                            .and_then(as_u64)
                            .and_then(|c| u32::try_from(c).ok())
                            .unwrap_or(0),
                        rtts_ms: text(hop, names.rtts)
                            .split(',')
                            .filter_map(|t| t.trim().parse().ok())
                            .collect(),
                    })
                    .collect();
                DiagnosticResult::Traceroute(TraceResult {
                    hops,
                    response_ms: n("ResponseTime").unwrap_or(0),
                })
            }
            DiagnosticKind::Download | DiagnosticKind::Upload => {
                let (begin, end) = (time("BOMTime")?, time("EOMTime")?);
                let bytes = if *kind == DiagnosticKind::Download {
                    n("TestBytesReceived").or_else(|| n("TotalBytesReceived"))?
                } else {
                    n("TestFileLength").or_else(|| n("TotalBytesSent"))?
                };
                let since = |a: i64, b: i64| u64::try_from(b.checked_sub(a)?).ok();
                let transfer = TransferResult {
                    bytes,
                    duration_ms: since(begin, end)?,
                    request_ms: time("ROMTime").and_then(|rom| since(rom, begin)),
                };
                if *kind == DiagnosticKind::Download {
                    DiagnosticResult::Download(transfer)
                } else {
                    DiagnosticResult::Upload(transfer)
                }
            }
        })
    }

    /// The diagnostic's kind and target, when the action is one.
    pub fn diagnostic(&self) -> Option<(DiagnosticKind, &str)> {
        match self {
            Verification::Diagnostic {
                host, diagnostic, ..
            } => Some((*diagnostic, host)),
            _ => None,
        }
    }

    /// Where an action that ran stands while its proof is awaited: for a firmware
    /// update, the router downloading or done transferring (GenieACS's `Downloads`
    /// records), else simply run.
    pub fn stage(&self, doc: &Value, device: &NormalizedDevice, before: &Before) -> ActionStage {
        if self.reads_at_next_session().is_some() {
            return ActionStage::Testing;
        }
        if !matches!(
            self,
            Verification::Firmware { .. } | Verification::FirmwareChanged { .. }
        ) {
            return ActionStage::Ran;
        }
        match download(doc, before) {
            Some(Download {
                completed_ms: Some(at),
                ..
            }) => ActionStage::TransferComplete {
                at_ms: Some(at),
                reports: device.firmware.clone(),
            },
            Some(d) => ActionStage::Downloading {
                since_ms: d.requested_ms,
            },
            None => ActionStage::Ran,
        }
    }

    /// What the device shows of a change still unproven when its time runs out, to say
    /// with the failure (the WAN's state for a PPPoE change, how far a download got).
    pub fn pending_detail(
        &self,
        doc: &Value,
        device: &NormalizedDevice,
        before: &Before,
    ) -> Option<String> {
        if matches!(
            self,
            Verification::Firmware { .. } | Verification::FirmwareChanged { .. }
        ) {
            let d = download(doc, before)?;
            let reports = device.firmware.as_deref().unwrap_or("no version");
            return Some(match d.completed_ms {
                Some(_) => format!("transfer completed but the router still reports {reports}"),
                None => format!(
                    "the router accepted the download but never reported the transfer complete (it reports {reports})"
                ),
            });
        }
        if let Verification::Diagnostic { .. } = self {
            return Some(
                "the router never reported the test done (offline, or it does not run diagnostics)"
                    .into(),
            );
        }
        let (user, tag) = match self {
            Verification::PppReconnected { username } => (Some(username), None),
            Verification::Configured {
                tag,
                pppoe_username,
                ..
            } => (pppoe_username.as_ref(), Some(tag)),
            _ => return None,
        };
        if let Some(tag) = tag {
            let tagged = doc
                .get("_tags")
                .and_then(Value::as_array)
                .is_some_and(|tags| tags.iter().any(|t| t.as_str() == Some(tag)));
            if !tagged {
                return Some(
                    "GenieACS has not applied the configuration (no session with the router since)"
                        .into(),
                );
            }
        }
        user?;
        let wan = device.wan.as_ref()?;
        Some(format!(
            "the WAN reads {} with user {}{}",
            wan.status.as_deref().unwrap_or("no status"),
            wan.username.as_deref().unwrap_or("(none)"),
            wan.last_error
                .as_deref()
                .filter(|e| !e.is_empty() && *e != "ERROR_NONE")
                .map(|e| format!(", last error {e}"))
                .unwrap_or_default()
        ))
    }
}

/// A download GenieACS sent the router since the action's first send, from its own
/// records: `Downloads.{i}.Download` (when it sent the Download) moved since, and
/// `LastDownload` equal to it once the router's TransferComplete arrived, with the
/// router's `CompleteTime`.
#[derive(Debug, Clone, PartialEq)]
struct Download {
    requested_ms: Option<i64>,
    completed_ms: Option<i64>,
}

fn download(doc: &Value, before: &Before) -> Option<Download> {
    // Without the records from before the send, an old download could pass for this one.
    let earlier = before.marks.get("Downloads")?;
    let instances = doc.get("Downloads")?.as_object()?;
    let value = |d: &Value, leaf: &str| d.get(leaf).and_then(|n| n.get("_value")).cloned();
    instances
        .iter()
        .filter(|(k, _)| !k.starts_with('_'))
        .filter_map(|(i, d)| {
            let requested = value(d, "Download")?;
            if earlier.get(i) == Some(&requested) {
                return None;
            }
            let when = |v: &Value| v.as_str().and_then(acsdesk_time::parse_iso);
            let completed = (value(d, "LastDownload").as_ref() == Some(&requested))
                .then(|| value(d, "CompleteTime"))
                .map(|c| c.as_ref().and_then(when).or_else(|| when(&requested)));
            Some(Download {
                requested_ms: when(&requested),
                completed_ms: completed.flatten(),
            })
        })
        .max_by_key(|d| d.requested_ms)
}

/// The value GenieACS holds at `path`.
fn leaf_value(doc: &Value, path: &str) -> Option<Value> {
    path.split('.')
        .try_fold(doc, |n, seg| n.get(seg))?
        .get("_value")
        .cloned()
}

/// When GenieACS read the leaf at `path` (its `_timestamp`), Unix ms.
fn read_at(doc: &Value, path: &str) -> Option<i64> {
    let leaf = path.split('.').try_fold(doc, |n, seg| n.get(seg))?;
    match leaf.get("_timestamp")? {
        Value::String(s) => acsdesk_time::parse_iso(s),
        Value::Number(n) => n.as_i64(),
        _ => None,
    }
}

/// When the internet WAN's present PPP session began, on GenieACS's clock: the time its
/// connection time was read, less that time. `None` without both.
pub(super) fn wan_up_since_ms(doc: &Value, device: &NormalizedDevice) -> Option<i64> {
    let wan = device.wan.as_ref()?;
    let up = wan.uptime_s?;
    let at = read_at(doc, &format!("{}.Uptime", wan.path))
        .or_else(|| read_at(doc, &format!("{}.LastChange", wan.path)))?;
    started(at, up)
}

/// When something that has run for `seconds` as of `at_ms` began; `None` when a router
/// reports a duration no clock can hold (checked, never wrapping).
fn started(at_ms: i64, seconds: u64) -> Option<i64> {
    i64::try_from(seconds)
        .ok()
        .and_then(|s| s.checked_mul(1000))
        .and_then(|ms| at_ms.checked_sub(ms))
}

fn ppp_reconnected(
    doc: &Value,
    device: &NormalizedDevice,
    username: &str,
    before: &Before,
) -> Verdict {
    let Some(wan) = device.wan.as_ref().filter(|w| w.kind == WanKind::Ppp) else {
        return Verdict::NotYet;
    };
    if wan.username.as_deref() != Some(username) {
        return Verdict::NotYet;
    }
    // When the credentials were written: the password's reading time (GenieACS records
    // the value it sets; nothing refreshes a password, where the username is re-read at
    // every inform by the monitoring).
    let written = read_at(doc, &format!("{}.Password", wan.path));
    let Some(status_read) = read_at(doc, &format!("{}.ConnectionStatus", wan.path)) else {
        return Verdict::NotYet;
    };
    // The session that wrote the credentials read the state from before they took
    // effect: only a later session's reading says anything.
    let read_later = written.is_none_or(|w| status_read > w.saturating_add(SAME_SESSION_MS));
    if matches!(wan.status.as_deref(), Some("Connected" | "Up")) {
        let restarted = match (wan_up_since_ms(doc, device), before.wan_up_since_ms) {
            (Some(now), Some(was)) => now > was.saturating_add(SAME_SESSION_MS),
            (Some(now), None) => read_later && written.is_none_or(|w| now >= w),
            // No connection time to compare: connected, read after the change.
            (None, _) => read_later,
        };
        return if restarted {
            Verdict::Verified
        } else {
            Verdict::NotYet
        };
    }
    if !read_later || written.is_none() {
        return Verdict::NotYet;
    }
    match wan
        .last_error
        .as_deref()
        .filter(|e| !e.is_empty() && *e != "ERROR_NONE")
    {
        Some(error) => Verdict::Failed(format!(
            "the PPPoE session did not come back with user {username}: the router reports {error}"
        )),
        None => Verdict::NotYet,
    }
}

/// GenieACS may hand back a number as a string or the reverse; compare as text then.
fn same_value(got: &Value, want: &Value) -> bool {
    got == want
        || match (got, want) {
            (Value::String(a), b) | (b, Value::String(a)) => a == &b.to_string(),
            _ => false,
        }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::ActionRequest;
    use crate::normalize::normalize;
    use serde_json::json;

    fn device(
        last_inform: &str,
        last_boot: Option<&str>,
        uptime: u64,
        firmware: &str,
    ) -> (Value, NormalizedDevice) {
        let mut doc = json!({
            "_id": "A-B-C",
            "_deviceId": {"_OUI": "A", "_ProductClass": "B", "_SerialNumber": "C"},
            "_lastInform": last_inform,
            "Device": {
                "DeviceInfo": {
                    "UpTime": {"_value": uptime, "_type": "xsd:unsignedInt"},
                    "SoftwareVersion": {"_value": firmware, "_type": "xsd:string"}
                },
                "WiFi": {"SSID": {"1": {"SSID": {"_value": "Casa", "_type": "xsd:string"}}}}
            }
        });
        if let Some(b) = last_boot {
            doc["_lastBoot"] = json!(b);
        }
        let d = normalize(&doc).unwrap();
        (doc, d)
    }

    // 2026-11-23T10:00:00Z
    const SENT: i64 = 1_795_428_000_000;

    #[test]
    fn values_read_back() {
        let (doc, d) = device("2026-11-23T10:01:00.000Z", None, 100, "1.0");
        let ok = Verification::Values(vec![("Device.WiFi.SSID.1.SSID".into(), json!("Casa"))]);
        assert_eq!(
            ok.check(&doc, &d, SENT, &Before::default()),
            Verdict::Verified
        );
        let wrong = Verification::Values(vec![("Device.WiFi.SSID.1.SSID".into(), json!("Other"))]);
        assert!(
            matches!(wrong.check(&doc, &d, SENT, &Before::default()), Verdict::Failed(m) if m.contains("reads back"))
        );
        let missing = Verification::Values(vec![("Device.WiFi.SSID.9.SSID".into(), json!("x"))]);
        assert_eq!(
            missing.check(&doc, &d, SENT, &Before::default()),
            Verdict::NotYet
        );
        assert!(same_value(&json!("600"), &json!(600)));
    }

    #[test]
    fn a_reboot_is_seen_in_last_boot_or_uptime() {
        let (doc, d) = device(
            "2026-11-23T09:59:00.000Z",
            Some("2026-11-20T00:00:00.000Z"),
            99_999,
            "1.0",
        );
        assert_eq!(
            Verification::Rebooted.check(&doc, &d, SENT, &Before::default()),
            Verdict::NotYet
        );
        let (doc, d) = device(
            "2026-11-23T10:03:00.000Z",
            Some("2026-11-23T10:02:00.000Z"),
            60,
            "1.0",
        );
        assert_eq!(
            Verification::Rebooted.check(&doc, &d, SENT, &Before::default()),
            Verdict::Verified
        );
        // This machine's clock runs 10 minutes ahead of GenieACS's: compared with the
        // boot before the send, the reboot is seen; compared with the local send time
        // it would not be.
        let (_, old) = device(
            "2026-11-23T09:59:00.000Z",
            Some("2026-11-20T00:00:00.000Z"),
            99_999,
            "1.0",
        );
        let before = Before {
            last_boot_ms: old.last_boot_ms,
            ..Before::default()
        };
        let skewed = SENT + 600_000;
        assert_eq!(
            Verification::Rebooted.check(&doc, &d, skewed, &before),
            Verdict::Verified
        );
        assert_eq!(
            Verification::Rebooted.check(&doc, &d, skewed, &Before::default()),
            Verdict::NotYet
        );
        // GenieACS's clock far ahead of this machine's (the demo sandbox runs an hour a
        // minute): an inform whose uptime goes back to the boot before the send is not a
        // reboot, however the local send time compares; one from a later boot is.
        let before = Before {
            last_boot_ms: d.last_boot_ms,
            ..Before::default()
        };
        let (doc, same_boot) = device(
            "2026-11-23T10:05:00.000Z",
            Some("2026-11-23T10:02:00.000Z"),
            180,
            "1.0",
        );
        let local_send_long_before = SENT - 86_400_000;
        assert_eq!(
            Verification::Rebooted.check(&doc, &same_boot, local_send_long_before, &before),
            Verdict::NotYet
        );
        let (doc, later_boot) = device(
            "2026-11-23T10:09:00.000Z",
            Some("2026-11-23T10:02:00.000Z"),
            60,
            "1.0",
        );
        assert_eq!(
            Verification::Rebooted.check(&doc, &later_boot, local_send_long_before, &before),
            Verdict::Verified
        );
        // No _lastBoot: an inform 3 minutes after sending with 90 s of uptime.
        let (doc, d) = device("2026-11-23T10:03:00.000Z", None, 90, "1.0");
        assert_eq!(
            Verification::Rebooted.check(&doc, &d, SENT, &Before::default()),
            Verdict::Verified
        );
        let (doc, d) = device("2026-11-23T10:03:00.000Z", None, 900, "1.0");
        assert_eq!(
            Verification::Rebooted.check(&doc, &d, SENT, &Before::default()),
            Verdict::NotYet
        );
    }

    /// A TR-181 router whose PPP session reads `status`/`error` at `read`, up for
    /// `up_s`; its password was last written at `written`.
    fn ppp(
        status: &str,
        error: &str,
        up_s: u64,
        read: &str,
        written: &str,
        tags: &[&str],
    ) -> (Value, NormalizedDevice) {
        let leaf =
            |v: Value, at: &str| json!({"_value": v, "_timestamp": at, "_type": "xsd:string"});
        let doc = json!({
            "_id": "A-B-C",
            "_deviceId": {"_OUI": "A", "_ProductClass": "B", "_SerialNumber": "C"},
            "_lastInform": read,
            "_tags": tags,
            "Device": {
                "DeviceInfo": {"SoftwareVersion": leaf(json!("1.0"), read)},
                "IP": {"Interface": {"1": {
                    "Status": leaf(json!("Up"), read),
                    "LowerLayers": leaf(json!("Device.PPP.Interface.1."), read)
                }}},
                "PPP": {"Interface": {"1": {
                    "Username": leaf(json!("ana@isp"), read),
                    "Password": leaf(json!(""), written),
                    "ConnectionStatus": leaf(json!(status), read),
                    "LastConnectionError": leaf(json!(error), read),
                    "LastChange": leaf(json!(up_s), read)
                }}}
            }
        });
        let d = normalize(&doc).unwrap();
        (doc, d)
    }

    #[test]
    fn a_pppoe_change_is_proven_by_a_new_session_with_the_new_user() {
        let check = Verification::PppReconnected {
            username: "ana@isp".into(),
        };
        // Before: up since 09:00 (3600 s at 10:00).
        let (doc0, d0) = ppp(
            "Connected",
            "ERROR_NONE",
            3600,
            "2026-11-23T10:00:00.000Z",
            "2026-11-01T00:00:00.000Z",
            &[],
        );
        let before = Before::of(&ActionRequest::Refresh, &doc0, &d0);
        assert_eq!(before.wan_up_since_ms, Some(SENT - 3_600_000));
        // The session that wrote the credentials at 10:01 still reads the old session.
        let (doc, d) = ppp(
            "Connected",
            "ERROR_NONE",
            3660,
            "2026-11-23T10:01:00.000Z",
            "2026-11-23T10:01:00.000Z",
            &[],
        );
        assert_eq!(check.check(&doc, &d, SENT, &before), Verdict::NotYet);
        // The next inform: a session up for 290 s, begun after the change.
        let (doc, d) = ppp(
            "Connected",
            "ERROR_NONE",
            290,
            "2026-11-23T10:06:00.000Z",
            "2026-11-23T10:01:00.000Z",
            &[],
        );
        assert_eq!(check.check(&doc, &d, SENT, &before), Verdict::Verified);
        // Down in the writing session: not yet a verdict (it read the old credentials' state).
        let (doc, d) = ppp(
            "Disconnected",
            "ERROR_AUTHENTICATION_FAILURE",
            0,
            "2026-11-23T10:01:00.000Z",
            "2026-11-23T10:01:00.000Z",
            &[],
        );
        assert_eq!(check.check(&doc, &d, SENT, &before), Verdict::NotYet);
        // Down at the next inform: failed, with the router's error.
        let (doc, d) = ppp(
            "Disconnected",
            "ERROR_AUTHENTICATION_FAILURE",
            290,
            "2026-11-23T10:06:00.000Z",
            "2026-11-23T10:01:00.000Z",
            &[],
        );
        match check.check(&doc, &d, SENT, &before) {
            Verdict::Failed(why) => assert!(
                why.contains("ERROR_AUTHENTICATION_FAILURE") && why.contains("ana@isp"),
                "{why}"
            ),
            other => panic!("{other:?}"),
        }
        assert!(check
            .pending_detail(&doc, &d, &Before::default())
            .unwrap()
            .contains("Disconnected"));
        // Another user on the router: not this change.
        let other = Verification::PppReconnected {
            username: "bea@isp".into(),
        };
        let (doc, d) = ppp(
            "Connected",
            "ERROR_NONE",
            290,
            "2026-11-23T10:06:00.000Z",
            "2026-11-23T10:01:00.000Z",
            &[],
        );
        assert_eq!(other.check(&doc, &d, SENT, &before), Verdict::NotYet);
        // A configuration: its tag first, then the same proof.
        let cfg = Verification::Configured {
            tag: "acsdesk-cfg-1".into(),
            pppoe_username: Some("ana@isp".into()),
            ppp_tag: Some("acsdesk-ppp-1".into()),
        };
        assert_eq!(cfg.check(&doc, &d, SENT, &before), Verdict::NotYet);
        assert!(cfg
            .pending_detail(&doc, &d, &Before::default())
            .unwrap()
            .contains("not applied"));
        assert_eq!(cfg.fault_channel(), Some("acsdesk-config"));
        let (doc, d) = ppp(
            "Connected",
            "ERROR_NONE",
            290,
            "2026-11-23T10:06:00.000Z",
            "2026-11-23T10:01:00.000Z",
            &["acsdesk-cfg-1"],
        );
        assert_eq!(cfg.check(&doc, &d, SENT, &before), Verdict::Verified);
        let wifi_only = Verification::Configured {
            tag: "acsdesk-cfg-1".into(),
            pppoe_username: None,
            ppp_tag: None,
        };
        assert_eq!(wifi_only.check(&doc, &d, SENT, &before), Verdict::Verified);
        // The router had this PPPoE part already when the action was sent: only the tag
        // is asked, even while its PPP session is down from before.
        let (down_doc, down) = ppp(
            "Disconnected",
            "ERROR_AUTHENTICATION_FAILURE",
            290,
            "2026-11-23T10:06:00.000Z",
            "2026-11-23T10:01:00.000Z",
            &["acsdesk-cfg-1", "acsdesk-ppp-1"],
        );
        let had_it = Before {
            tags: vec!["acsdesk-ppp-1".into()],
            ..before.clone()
        };
        assert_eq!(
            cfg.check(&down_doc, &down, SENT, &had_it),
            Verdict::Verified
        );
        assert!(matches!(
            cfg.check(&down_doc, &down, SENT, &before),
            Verdict::Failed(_)
        ));
    }

    #[test]
    fn an_absurd_uptime_from_a_router_is_no_reboot_and_no_panic() {
        let (doc, mut d) = device("2026-11-23T10:03:00.000Z", None, 90, "1.0");
        d.uptime_s = Some(u64::MAX);
        assert_eq!(
            Verification::Rebooted.check(&doc, &d, SENT, &Before::default()),
            Verdict::NotYet
        );
        d.uptime_s = Some(u64::MAX / 1000);
        assert_eq!(
            Verification::Rebooted.check(&doc, &d, SENT, &Before::default()),
            Verdict::NotYet
        );
        assert_eq!(started(1_000, 1), Some(0));
        assert_eq!(started(i64::MIN, 1), None);
        let (doc, mut d) = ppp(
            "Connected",
            "ERROR_NONE",
            60,
            "2026-11-23T10:06:00.000Z",
            "2026-11-23T10:01:00.000Z",
            &[],
        );
        if let Some(w) = d.wan.as_mut() {
            w.uptime_s = Some(u64::MAX);
        }
        assert_eq!(wan_up_since_ms(&doc, &d), None);
    }

    #[test]
    fn firmware_version_after_update() {
        let target = Verification::Firmware {
            version: "2.0".into(),
        };
        let (doc, d) = device(
            "2026-11-23T10:05:00.000Z",
            Some("2026-11-23T10:04:00.000Z"),
            60,
            "2.0",
        );
        assert_eq!(
            target.check(&doc, &d, SENT, &Before::default()),
            Verdict::Verified
        );
        let (doc, d) = device(
            "2026-11-23T10:05:00.000Z",
            Some("2026-11-23T10:04:00.000Z"),
            60,
            "1.0",
        );
        assert!(
            matches!(target.check(&doc, &d, SENT, &Before::default()), Verdict::Failed(m) if m.contains("came back on 1.0"))
        );
        let (doc, d) = device("2026-11-23T10:05:00.000Z", None, 9000, "1.0");
        assert_eq!(
            target.check(&doc, &d, SENT, &Before::default()),
            Verdict::NotYet,
            "not rebooted yet"
        );
    }
}
