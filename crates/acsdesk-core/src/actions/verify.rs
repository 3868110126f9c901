//! Proof that an action did what it was asked: values read back from the device, a
//! reboot seen in `_lastBoot` or uptime, the target firmware version reported — or, for
//! secrets the device hides, a fault-free completion.

use super::evidence::Before;
use crate::normalize::NormalizedDevice;
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
}

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
            Verification::Values(expected) => {
                for (path, want) in expected {
                    let got = path
                        .split('.')
                        .try_fold(doc, |n, seg| n.get(seg))
                        .and_then(|n| n.get("_value"));
                    match got {
                        Some(v) if same_value(v, want) => {}
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
                    (Some(inform), Some(up)) => {
                        let implied_boot = inform - (up as i64) * 1000;
                        match before.last_boot_ms {
                            Some(b) => implied_boot > b + SAME_BOOT_MS,
                            None => inform > sent_ms && implied_boot >= sent_ms - 1000,
                        }
                    }
                    _ => false,
                };
                if booted_after || uptime_says {
                    Verdict::Verified
                } else {
                    Verdict::NotYet
                }
            }
            Verification::Firmware { version } => match &device.firmware {
                Some(v) if v == version => Verdict::Verified,
                Some(v) if booted_since => {
                    Verdict::Failed(format!("the device came back on {v}, not {version}"))
                }
                _ => Verdict::NotYet,
            },
            Verification::FirmwareChanged { from } => {
                let from = before.firmware.as_ref().or(from.as_ref());
                if device.firmware.is_some() && device.firmware.as_ref() != from {
                    Verdict::Verified
                } else {
                    Verdict::NotYet
                }
            }
        }
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
