//! The alert rules: pure functions from observed state to the problems that hold now.

use super::{AlertKey, AlertKind, Problem, Severity, Subject};
use serde::{Deserialize, Serialize};

const MINUTE_MS: i64 = 60_000;

/// A tenant's rule settings. Defaults follow the product specification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleSettings {
    /// Minutes offline before an alert (default 10).
    pub offline_after_min: u32,
    /// Minutes of failing PPP before an alert (default 5).
    pub ppp_failing_after_min: u32,
    /// CPU threshold in percent; `None` turns the rule off (the default).
    pub cpu_threshold_pct: Option<f64>,
    /// Memory threshold in percent; `None` turns the rule off (the default).
    pub mem_threshold_pct: Option<f64>,
    /// Minutes the load must stay above its threshold (default 15).
    pub load_window_min: u32,
    /// Minutes an ACS may be unreachable before an alert (default 5).
    pub acs_unreachable_after_min: u32,
    /// A PON router's optical receive power below this, dBm, for the load window raises
    /// an alert (default −27, the class B+ receiver's sensitivity); `None` turns it off.
    #[serde(default = "optical_default")]
    pub optical_rx_min_dbm: Option<f64>,
}

fn optical_default() -> Option<f64> {
    Some(-27.0)
}

impl Default for RuleSettings {
    fn default() -> Self {
        Self {
            offline_after_min: 10,
            ppp_failing_after_min: 5,
            cpu_threshold_pct: None,
            mem_threshold_pct: None,
            load_window_min: 15,
            acs_unreachable_after_min: 5,
            optical_rx_min_dbm: optical_default(),
        }
    }
}

/// What the rules need to know of one device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceState {
    /// GenieACS id.
    pub id: String,
    /// How people know the device: serial, and the subscriber's name when linked.
    pub label: String,
    /// Whether the device is online now.
    pub online: bool,
    /// Since when the device has been offline (Unix ms), when it is.
    pub offline_since_ms: Option<i64>,
    /// Per-device offline threshold in minutes, overriding the tenant's.
    pub offline_after_min: Option<u32>,
    /// Since when PPP has been failing (Unix ms), when it is, with the device's error.
    pub ppp_failing: Option<(i64, String)>,
    /// Recent CPU samples `(at_ms, pct)`, oldest first.
    pub cpu_samples: Vec<(i64, f64)>,
    /// Recent memory samples `(at_ms, pct)`, oldest first.
    pub mem_samples: Vec<(i64, f64)>,
    /// Recent optical receive power samples `(at_ms, dBm)` of a PON router, oldest first.
    #[serde(default)]
    pub optical_samples: Vec<(i64, f64)>,
    /// The faults GenieACS holds for the device (not those of AcsDesk's own actions,
    /// which fail the action instead), oldest first.
    #[serde(default)]
    pub faults: Vec<FaultState>,
}

/// A fault GenieACS holds for a device: a provision, preset or task that failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultState {
    /// `task_<id>`, or the provisioning channel (a preset's channel, `default`, …).
    pub channel: String,
    /// `cwmp.9002`, `script.…`, `timeout`, …
    pub code: String,
    /// The device's or GenieACS's message.
    pub message: String,
    /// When it happened (Unix ms), if known.
    pub at_ms: Option<i64>,
    /// Whether the failed provisions were a download (firmware).
    pub download: bool,
}

/// What the rules need to know of one ACS connection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AcsState {
    /// Connection name.
    pub name: String,
    /// Since when it has been unreachable (Unix ms), when it is.
    pub unreachable_since_ms: Option<i64>,
}

fn minutes(ms: i64) -> i64 {
    ms / MINUTE_MS
}

/// The device problems that hold at `now_ms`.
pub fn device_problems(d: &DeviceState, s: &RuleSettings, now_ms: i64) -> Vec<Problem> {
    let mut out = Vec::new();
    let device = Subject::Device(d.id.clone());
    if !d.online {
        if let Some(since) = d.offline_since_ms {
            let threshold = i64::from(d.offline_after_min.unwrap_or(s.offline_after_min));
            let down = now_ms - since;
            if down >= threshold * MINUTE_MS {
                out.push(Problem {
                    key: AlertKey {
                        kind: AlertKind::DeviceOffline,
                        subject: device.clone(),
                    },
                    severity: Severity::Critical,
                    since_ms: since,
                    message: format!("{} has been offline for {} min", d.label, minutes(down)),
                });
            }
        }
    }
    if let Some((since, error)) = &d.ppp_failing {
        let failing = now_ms - since;
        if failing >= i64::from(s.ppp_failing_after_min) * MINUTE_MS {
            out.push(Problem {
                key: AlertKey {
                    kind: AlertKind::PppFailing,
                    subject: device.clone(),
                },
                severity: Severity::Critical,
                since_ms: *since,
                message: format!(
                    "{}: PPP has been failing for {} min ({error})",
                    d.label,
                    minutes(failing)
                ),
            });
        }
    }
    // GenieACS's faults on its presets' channels: a failed download is a failed firmware
    // update, anything else a failed provisioning; one alert of each kind per device,
    // however many faults. A task's fault (`task_<id>`) is not provisioning: AcsDesk's own
    // fails its action (which alerts), anyone else's is a line in the device's log.
    for (kind, download) in [
        (AlertKind::FirmwareFailed, true),
        (AlertKind::ProvisioningFailed, false),
    ] {
        let faults: Vec<&FaultState> = d
            .faults
            .iter()
            .filter(|f| f.download == download && !f.channel.starts_with("task_"))
            .collect();
        let Some(first) = faults.first() else {
            continue;
        };
        let since = faults
            .iter()
            .filter_map(|f| f.at_ms)
            .min()
            .unwrap_or(now_ms);
        let more = match faults.len() {
            1 => String::new(),
            n => format!(" and {} more", n - 1),
        };
        let what = if download {
            "firmware download failed"
        } else {
            "provisioning failed"
        };
        out.push(Problem {
            key: AlertKey {
                kind,
                subject: device.clone(),
            },
            severity: Severity::Warning,
            since_ms: since,
            message: format!(
                "{}: {what} on {} ({}: {}){more}",
                d.label, first.channel, first.code, first.message
            ),
        });
    }
    let window = i64::from(s.load_window_min) * MINUTE_MS;
    for (kind, threshold, samples, what) in [
        (
            AlertKind::HighCpu,
            s.cpu_threshold_pct,
            &d.cpu_samples,
            "CPU",
        ),
        (
            AlertKind::HighMemory,
            s.mem_threshold_pct,
            &d.mem_samples,
            "memory",
        ),
    ] {
        let Some(threshold) = threshold else { continue };
        if let Some(since) = sustained(samples, |v| v > threshold, window, now_ms) {
            out.push(Problem {
                key: AlertKey {
                    kind,
                    subject: device.clone(),
                },
                severity: Severity::Warning,
                since_ms: since,
                message: format!(
                    "{}: {what} above {threshold:.0}% for {} min",
                    d.label,
                    minutes(now_ms - since)
                ),
            });
        }
    }
    // Too little light on the fibre: a dirty connector, a bent cable, a failing splitter.
    if let Some(min) = s.optical_rx_min_dbm {
        if let Some(since) = sustained(&d.optical_samples, |v| v < min, window, now_ms) {
            let last = d.optical_samples.last().map_or(min, |s| s.1);
            out.push(Problem {
                key: AlertKey {
                    kind: AlertKind::LowOpticalPower,
                    subject: device.clone(),
                },
                severity: Severity::Warning,
                since_ms: since,
                message: format!(
                    "{}: optical receive power {last:.1} dBm, below {min:.1} dBm for {} min",
                    d.label,
                    minutes(now_ms - since)
                ),
            });
        }
    }
    out
}

/// When the samples have stayed `beyond` the threshold for at least `window_ms` up to
/// `now_ms`, the start of that run; `None` otherwise. The run must be covered by
/// samples: a single reading, or a gap longer than the window, is not "sustained".
fn sustained(
    samples: &[(i64, f64)],
    beyond: impl Fn(f64) -> bool,
    window_ms: i64,
    now_ms: i64,
) -> Option<i64> {
    let last = samples.last()?;
    if !beyond(last.1) || now_ms - last.0 > window_ms {
        return None;
    }
    let mut start = last.0;
    for (at, value) in samples.iter().rev().skip(1) {
        if !beyond(*value) || start - at > window_ms {
            break;
        }
        start = *at;
    }
    (last.0 - start >= window_ms).then_some(start)
}

/// The ACS problem that holds at `now_ms`, if any.
pub fn acs_problem(a: &AcsState, s: &RuleSettings, now_ms: i64) -> Option<Problem> {
    let since = a.unreachable_since_ms?;
    let down = now_ms - since;
    (down >= i64::from(s.acs_unreachable_after_min) * MINUTE_MS).then(|| Problem {
        key: AlertKey {
            kind: AlertKind::AcsUnreachable,
            subject: Subject::Acs(a.name.clone()),
        },
        severity: Severity::Critical,
        since_ms: since,
        message: format!(
            "ACS {} has been unreachable for {} min",
            a.name,
            minutes(down)
        ),
    })
}

/// A firmware update that failed, as a problem: raised by the action outcome or a
/// transfer fault (`cwmp.90xx`), resolved by people.
pub fn firmware_failed(device_id: &str, label: &str, at_ms: i64, reason: &str) -> Problem {
    Problem {
        key: AlertKey {
            kind: AlertKind::FirmwareFailed,
            subject: Subject::Device(device_id.to_owned()),
        },
        severity: Severity::Warning,
        since_ms: at_ms,
        message: format!("{label}: firmware update failed ({reason})"),
    }
}

/// Whether a WAN's last error means PPP negotiation is failing.
pub fn is_ppp_error(last_error: &str) -> bool {
    matches!(
        last_error,
        "ERROR_AUTHENTICATION_FAILURE"
            | "ERROR_ISP_TIME_OUT"
            | "ERROR_ISP_DISCONNECT"
            | "ERROR_IDLE_DISCONNECT"
            | "ERROR_NO_CARRIER"
            | "ERROR_SERVER_OUT_OF_RESOURCES"
            | "ERROR_UNKNOWN"
    ) || last_error.contains("AUTH")
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000_000;

    fn device(online: bool, offline_min_ago: Option<i64>) -> DeviceState {
        DeviceState {
            id: "202BC1-BM632w-000001".into(),
            label: "000001 (Ana Pérez)".into(),
            online,
            offline_since_ms: offline_min_ago.map(|m| NOW - m * MINUTE_MS),
            offline_after_min: None,
            ppp_failing: None,
            cpu_samples: vec![],
            mem_samples: vec![],
            optical_samples: vec![],
            faults: vec![],
        }
    }

    #[test]
    fn low_optical_power_must_last_the_window_and_can_be_turned_off() {
        let mut s = RuleSettings::default();
        let mut d = device(true, None);
        let at = |m: i64| NOW - m * MINUTE_MS;
        // -28.4 dBm for 10 minutes of a 15-minute window: not yet.
        d.optical_samples = vec![
            (at(20), -19.0),
            (at(10), -28.4),
            (at(5), -28.6),
            (at(0), -28.4),
        ];
        assert!(device_problems(&d, &s, NOW).is_empty());
        d.optical_samples.insert(1, (at(15), -28.2));
        let p = device_problems(&d, &s, NOW);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].key.kind, AlertKind::LowOpticalPower);
        assert_eq!(p[0].since_ms, at(15));
        assert_eq!(
            p[0].message,
            "000001 (Ana Pérez): optical receive power -28.4 dBm, below -27.0 dBm for 15 min"
        );
        s.optical_rx_min_dbm = Some(-30.0);
        assert!(device_problems(&d, &s, NOW).is_empty(), "a laxer threshold");
        s.optical_rx_min_dbm = None;
        assert!(device_problems(&d, &s, NOW).is_empty(), "off");
    }

    #[test]
    fn offline_for_9_minutes_is_no_alert_and_11_minutes_is_one() {
        let s = RuleSettings::default();
        assert!(device_problems(&device(false, Some(9)), &s, NOW).is_empty());
        let p = device_problems(&device(false, Some(11)), &s, NOW);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].key.kind, AlertKind::DeviceOffline);
        assert_eq!(p[0].since_ms, NOW - 11 * MINUTE_MS);
        assert_eq!(
            p[0].message,
            "000001 (Ana Pérez) has been offline for 11 min"
        );
        assert!(device_problems(&device(true, None), &s, NOW).is_empty());
    }

    #[test]
    fn a_per_device_threshold_overrides_the_tenant() {
        let s = RuleSettings::default();
        let mut d = device(false, Some(3));
        d.offline_after_min = Some(2);
        assert_eq!(device_problems(&d, &s, NOW).len(), 1);
        d.offline_after_min = Some(60);
        d.offline_since_ms = Some(NOW - 30 * MINUTE_MS);
        assert!(device_problems(&d, &s, NOW).is_empty());
    }

    #[test]
    fn ppp_failing_after_m_minutes() {
        let s = RuleSettings::default();
        let mut d = device(true, None);
        d.ppp_failing = Some((NOW - 4 * MINUTE_MS, "ERROR_AUTHENTICATION_FAILURE".into()));
        assert!(device_problems(&d, &s, NOW).is_empty());
        d.ppp_failing = Some((NOW - 6 * MINUTE_MS, "ERROR_AUTHENTICATION_FAILURE".into()));
        let p = device_problems(&d, &s, NOW);
        assert_eq!(p[0].key.kind, AlertKind::PppFailing);
        assert!(p[0].message.contains("ERROR_AUTHENTICATION_FAILURE"));
        assert!(is_ppp_error("ERROR_AUTHENTICATION_FAILURE"));
        assert!(!is_ppp_error("ERROR_NONE"));
        assert!(!is_ppp_error("ERROR_USER_DISCONNECT"));
    }

    #[test]
    fn load_rules_are_off_by_default_and_need_a_sustained_run() {
        let mut d = device(true, None);
        d.cpu_samples = (0..=20)
            .map(|m| (NOW - (20 - m) * MINUTE_MS, 97.0))
            .collect();
        assert!(device_problems(&d, &RuleSettings::default(), NOW).is_empty());
        let s = RuleSettings {
            cpu_threshold_pct: Some(90.0),
            ..RuleSettings::default()
        };
        let p = device_problems(&d, &s, NOW);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].key.kind, AlertKind::HighCpu);
        assert_eq!(p[0].since_ms, NOW - 20 * MINUTE_MS);
        // A dip below the threshold 10 minutes ago breaks the run: not 15 minutes yet.
        d.cpu_samples[10].1 = 40.0;
        assert!(device_problems(&d, &s, NOW).is_empty());
        // One high sample is not sustained.
        d.cpu_samples = vec![(NOW, 99.0)];
        assert!(device_problems(&d, &s, NOW).is_empty());
        // Stale samples (the last one older than the window) say nothing about now.
        d.cpu_samples = (0..=20)
            .map(|m| (NOW - (60 - m) * MINUTE_MS, 97.0))
            .collect();
        assert!(device_problems(&d, &s, NOW).is_empty());
    }

    #[test]
    fn acs_unreachable_after_k_minutes() {
        let s = RuleSettings::default();
        let a = AcsState {
            name: "main".into(),
            unreachable_since_ms: Some(NOW - 4 * MINUTE_MS),
        };
        assert!(acs_problem(&a, &s, NOW).is_none());
        let a = AcsState {
            unreachable_since_ms: Some(NOW - 6 * MINUTE_MS),
            ..a
        };
        let p = acs_problem(&a, &s, NOW).unwrap();
        assert_eq!(p.key.subject, Subject::Acs("main".into()));
        assert!(acs_problem(
            &AcsState {
                name: "x".into(),
                unreachable_since_ms: None
            },
            &s,
            NOW
        )
        .is_none());
    }

    #[test]
    fn genieacs_faults_are_one_provisioning_and_one_firmware_alert_per_device() {
        let s = RuleSettings::default();
        let fault = |channel: &str, code: &str, download: bool, at: i64| FaultState {
            channel: channel.into(),
            code: code.into(),
            message: "boom".into(),
            at_ms: Some(at),
            download,
        };
        let mut d = device(true, None);
        d.faults = vec![
            fault(
                "default",
                "script.ReferenceError",
                false,
                NOW - 5 * MINUTE_MS,
            ),
            fault("bootstrap", "cwmp.9002", false, NOW - 2 * MINUTE_MS),
            fault("acsdesk-firmware", "cwmp.9010", true, NOW - MINUTE_MS),
            // Someone else's tasks: a reboot the router refused, a download of theirs.
            fault("task_6b13", "cwmp.9000", false, NOW - MINUTE_MS),
            fault("task_7c24", "cwmp.9010", true, NOW - MINUTE_MS),
        ];
        let p = device_problems(&d, &s, NOW);
        assert_eq!(p.len(), 2, "{p:?}");
        let prov = p
            .iter()
            .find(|p| p.key.kind == AlertKind::ProvisioningFailed)
            .unwrap();
        assert_eq!(prov.since_ms, NOW - 5 * MINUTE_MS, "since the oldest");
        assert!(
            prov.message.contains(
                "provisioning failed on default (script.ReferenceError: boom) and 1 more"
            ),
            "{}",
            prov.message
        );
        let fw = p
            .iter()
            .find(|p| p.key.kind == AlertKind::FirmwareFailed)
            .unwrap();
        assert!(fw.message.contains("cwmp.9010"), "{}", fw.message);
        assert!(AlertKind::ProvisioningFailed.clears_by_itself());
        assert!(!AlertKind::FirmwareFailed.clears_by_itself());
    }
}
