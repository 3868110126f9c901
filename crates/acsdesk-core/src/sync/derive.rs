//! What one fetched device means against what the store knew of it: presence, rates,
//! PPP failure tracking, and the log entries for what changed — each logged once.

use super::{DeviceUpdate, Known, LogEntry, LogLevel, Sample};
use crate::alerts::rules::is_ppp_error;
use crate::monitor::presence::PresencePolicy;
use crate::monitor::rates::{rates, CounterReading};
use crate::normalize::{NormalizedDevice, WanKind};
use serde_json::json;

/// Derives the update for one fetched device.
///
/// A device re-fetched without a newer inform (the overlap window) yields no sample and
/// no log: the same inform is never counted twice.
pub fn derive(
    device: NormalizedDevice,
    known: Option<&Known>,
    policy: &PresencePolicy,
    now_ms: i64,
) -> DeviceUpdate {
    let online = policy.is_online(device.last_inform_ms, device.inform_interval_s, now_ms);
    let offline_deadline_ms = device
        .last_inform_ms
        .map(|last| policy.deadline_ms(last, device.inform_interval_s));
    let at_ms = device.last_inform_ms.unwrap_or(now_ms);
    let fresh = match known {
        None => true,
        Some(k) => match (k.last_inform_ms, device.last_inform_ms) {
            (Some(before), Some(now)) => now > before,
            (None, Some(_)) => true,
            _ => false,
        },
    };
    let counters = device.counters.map(|c| CounterReading {
        at_ms,
        sent: c.sent,
        received: c.received,
        width: c.width,
        uptime_s: device.uptime_s,
    });
    let wan_error = device
        .wan
        .as_ref()
        .and_then(|w| w.last_error.clone())
        .filter(|e| e != "ERROR_NONE");
    let ppp_down = device.wan.as_ref().is_some_and(|w| {
        w.kind == WanKind::Ppp
            && w.status.as_deref() != Some("Connected")
            && w.last_error.as_deref().is_some_and(is_ppp_error)
    });
    let ppp_failing_since_ms =
        ppp_down.then(|| known.and_then(|k| k.ppp_failing_since_ms).unwrap_or(at_ms));

    let mut logs = Vec::new();
    let mut sample = None;
    let label = device.serial.clone();
    match known {
        None => logs.push(LogEntry {
            level: LogLevel::Info,
            kind: "discovered".into(),
            message: format!(
                "Device {label} ({} {}) discovered",
                device.manufacturer.as_deref().unwrap_or("unknown vendor"),
                device.model.as_deref().unwrap_or(&device.product_class)
            ),
            payload: json!({ "firmware": device.firmware, "data_model": device.data_model }),
            at_ms: now_ms,
        }),
        Some(k) => {
            if k.missing {
                logs.push(LogEntry {
                    level: LogLevel::Info,
                    kind: "reappeared".into(),
                    message: format!("Device {label} is back in GenieACS"),
                    payload: json!({}),
                    at_ms: now_ms,
                });
            }
            if online && !k.online && fresh {
                logs.push(LogEntry {
                    level: LogLevel::Info,
                    kind: "online".into(),
                    message: format!("Device {label} is online"),
                    payload: json!({ "last_inform_ms": device.last_inform_ms }),
                    at_ms,
                });
            }
            // Fetched but past its deadline (a full sync after a long gap, or a device
            // that stopped informing while the ACS was out of reach): the transition is
            // logged here, as the presence sweep only sees devices still marked online.
            if !online && k.online && !k.missing {
                logs.push(LogEntry {
                    level: LogLevel::Warning,
                    kind: "offline".into(),
                    message: format!("Device {label} went offline (no inform in time)"),
                    payload: json!({ "last_inform_ms": device.last_inform_ms }),
                    at_ms: offline_deadline_ms.unwrap_or(now_ms).min(now_ms),
                });
            }
            if fresh && rebooted(k, &device) {
                logs.push(LogEntry {
                    level: LogLevel::Info,
                    kind: "rebooted".into(),
                    message: format!("Device {label} rebooted"),
                    payload: json!({ "last_boot_ms": device.last_boot_ms, "uptime_s": device.uptime_s }),
                    at_ms: device.last_boot_ms.unwrap_or(at_ms),
                });
            }
        }
    }
    if fresh {
        let rate = known
            .and_then(|k| k.counters.as_ref())
            .zip(counters.as_ref())
            .and_then(|(prev, cur)| rates(prev, cur));
        sample = Some(Sample {
            at_ms,
            cpu_pct: device.cpu_pct,
            mem_pct: device.mem_pct,
            uptime_s: device.uptime_s,
            signal_dbm: device.signal_dbm,
            rx_bps: rate.map(|r| r.rx_bps),
            tx_bps: rate.map(|r| r.tx_bps),
            clients_2g: clients_on(&device, crate::normalize::Band::Ghz2_4),
            clients_5g: clients_on(&device, crate::normalize::Band::Ghz5),
        });
        let previous_error = known
            .and_then(|k| k.wan_error.as_deref())
            .filter(|e| *e != "ERROR_NONE");
        // `LastConnectionError` is history: on a WAN that is up it is news only when it
        // changed from a value already known (a first sight of it is an old story).
        let connected = device.wan.as_ref().and_then(|w| w.status.as_deref()) == Some("Connected");
        let changed = known
            .and_then(|k| k.wan_error.as_deref())
            .is_some_and(|before| Some(before) != wan_error.as_deref());
        match wan_error.as_deref() {
            Some(error) if Some(error) != previous_error && (!connected || changed) => {
                let (level, what) = error_level(error, ppp_down);
                logs.push(LogEntry {
                    level,
                    kind: "router_error".into(),
                    message: format!("Device {label}: {what} ({error})"),
                    payload: json!({ "error": error, "wan": device.wan }),
                    at_ms,
                });
            }
            None if previous_error.is_some() && known.is_some() => logs.push(LogEntry {
                level: LogLevel::Info,
                kind: "router_error_cleared".into(),
                message: format!(
                    "Device {label}: WAN error {} cleared",
                    previous_error.unwrap_or_default()
                ),
                payload: json!({ "previous": previous_error, "wan": device.wan }),
                at_ms,
            }),
            _ => {}
        }
    }
    // A configuration AcsDesk installed, applied by GenieACS (maybe with AcsDesk closed):
    // its tag appeared on the router.
    for tag in &device.tags {
        let Some(version) = tag.strip_prefix(crate::provisioning::CFG_PREFIX) else {
            continue;
        };
        if known.is_some_and(|k| k.tags.contains(tag)) {
            continue;
        }
        // What the router reads now, which is what was set (GenieACS records the values
        // it sets): the PPPoE user and each band's WiFi name.
        let mut values: Vec<String> = device
            .wan
            .as_ref()
            .and_then(|w| w.username.as_ref())
            .map(|u| format!("PPPoE user {u}"))
            .into_iter()
            .chain(
                device
                    .wifi
                    .iter()
                    .filter_map(|w| w.ssid.as_ref())
                    .map(|s| format!("WiFi \"{s}\"")),
            )
            .collect();
        // The same name on both bands is said once.
        values.dedup();
        let values = if values.is_empty() {
            String::new()
        } else {
            format!(": {}", values.join(", "))
        };
        logs.push(LogEntry {
            level: LogLevel::Info,
            kind: "provisioned".into(),
            message: format!(
                "Device {label}: the subscriber's configuration {version} was applied{values}"
            ),
            payload: json!({ "version": version, "wan": device.wan, "wifi": device.wifi }),
            at_ms,
        });
    }
    // A router that bootstrapped again (a factory reset) lost its configuration, and
    // AcsDesk's bootstrap provision its tags: the configuration is applied again.
    if let Some(k) = known {
        let configured = |tags: &[String]| {
            tags.iter()
                .any(|t| t.starts_with(crate::provisioning::CFG_PREFIX))
        };
        if configured(&k.tags) && !configured(&device.tags) {
            logs.push(LogEntry {
                level: LogLevel::Warning,
                kind: "configuration_lost".into(),
                message: format!(
                    "Device {label} bootstrapped again (a factory reset?) and lost the subscriber's configuration: it is applied again"
                ),
                payload: json!({ "tags": k.tags }),
                at_ms,
            });
        }
    }
    let changed = match known {
        None => true,
        Some(k) => fresh || k.missing || k.online != online || !logs.is_empty(),
    };
    DeviceUpdate {
        changed,
        online,
        offline_deadline_ms,
        counters,
        ppp_failing_since_ms,
        sample,
        logs,
        device,
    }
}

/// Whether the device booted since the previous sync: `_lastBoot` moved on, or, when
/// there are not two boot times to compare, its uptime went backwards.
fn rebooted(known: &Known, device: &NormalizedDevice) -> bool {
    match (known.last_boot_ms, device.last_boot_ms) {
        (Some(before), Some(now)) => now > before,
        _ => known
            .counters
            .as_ref()
            .and_then(|c| c.uptime_s)
            .zip(device.uptime_s)
            .is_some_and(|(before, now)| now < before),
    }
}

/// How serious a WAN's last connection error is, and what it means in words. Account
/// and authentication failures stop the subscriber's internet: errors. Disconnections
/// the user or an idle timer asked for are information. The rest are warnings.
fn error_level(error: &str, ppp_down: bool) -> (LogLevel, &'static str) {
    match error {
        "ERROR_AUTHENTICATION_FAILURE" => (LogLevel::Error, "PPP authentication failed"),
        "ERROR_ACCOUNT_DISABLED"
        | "ERROR_ACCOUNT_EXPIRED"
        | "ERROR_PASSWORD_EXPIRED"
        | "ERROR_RESTRICTED_LOGON_HOURS" => (LogLevel::Error, "the PPP account is refused"),
        "ERROR_USER_DISCONNECT" | "ERROR_IDLE_DISCONNECT" | "ERROR_FORCED_DISCONNECT" => {
            (LogLevel::Info, "the WAN was disconnected on purpose")
        }
        e if ppp_down && is_ppp_error(e) => (LogLevel::Error, "PPP cannot connect"),
        "ERROR_ISP_TIME_OUT" | "ERROR_ISP_DISCONNECT" | "ERROR_SERVER_OUT_OF_RESOURCES" => {
            (LogLevel::Warning, "the ISP side dropped the WAN session")
        }
        "ERROR_NO_CARRIER"
        | "ERROR_NO_ANSWER"
        | "ERROR_NO_DIALTONE"
        | "ERROR_LINE_BUSY"
        | "ERROR_TOO_MANY_LINE_ERRORS" => (LogLevel::Warning, "the line has a problem"),
        "ERROR_IP_CONFIGURATION" => (LogLevel::Warning, "the WAN got no IP configuration"),
        _ => (LogLevel::Warning, "WAN connection error"),
    }
}

/// Connected WiFi clients on `band`: none when the router has no network there or lists
/// no clients at all (nothing known is not zero).
fn clients_on(device: &NormalizedDevice, band: crate::normalize::Band) -> Option<f64> {
    let has_network = device.wifi.iter().any(|w| w.band == band);
    let knows = !device.clients.is_empty() || !device.wifi_clients.is_empty();
    (has_network && knows).then(|| {
        device
            .wifi_clients
            .iter()
            .find(|(b, _)| *b == band)
            .map_or(0.0, |(_, n)| f64::from(*n))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::normalize;

    const NOW: i64 = 1_795_467_900_000; // 83 s after the fixture's last inform.

    fn tr181() -> NormalizedDevice {
        let text = std::fs::read_to_string(
            acsdesk_captures::fixtures_dir().join("device-full-tr181.json"),
        )
        .unwrap();
        let docs: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
        normalize(&docs[0]).unwrap()
    }

    #[test]
    fn a_new_device_is_discovered_sampled_and_online() {
        let d = tr181();
        let u = derive(d, None, &PresencePolicy::default(), NOW);
        assert!(u.online);
        assert_eq!(u.logs.len(), 1);
        assert_eq!(u.logs[0].kind, "discovered");
        let s = u.sample.unwrap();
        assert_eq!(s.cpu_pct, Some(6.0));
        assert_eq!(s.rx_bps, None, "no previous reading, no rate");
    }

    #[test]
    fn the_overlap_window_never_samples_or_logs_the_same_inform_twice() {
        let d = tr181();
        let first = derive(d.clone(), None, &PresencePolicy::default(), NOW);
        let known = Known {
            online: true,
            last_inform_ms: d.last_inform_ms,
            counters: first.counters,
            wan_error: None,
            ppp_failing_since_ms: None,
            missing: false,
            last_boot_ms: d.last_boot_ms,
            tags: Vec::new(),
        };
        let again = derive(d, Some(&known), &PresencePolicy::default(), NOW + 1000);
        assert!(again.sample.is_none());
        assert!(again.logs.is_empty());
        assert!(!again.changed, "nothing to write again");
        assert!(first.changed);
    }

    #[test]
    fn coming_back_online_logs_once_and_rates_follow_the_counters() {
        let mut d = tr181();
        let before = d.last_inform_ms.unwrap() - 60_000;
        let known = Known {
            online: false,
            last_inform_ms: Some(before),
            counters: d.counters.map(|c| CounterReading {
                at_ms: before,
                sent: c.sent - 60_000,
                received: c.received - 120_000,
                width: c.width,
                uptime_s: Some(485),
            }),
            ..Known::default()
        };
        d.uptime_s = Some(545);
        let u = derive(d, Some(&known), &PresencePolicy::default(), NOW);
        assert_eq!(
            u.logs.iter().map(|l| l.kind.as_str()).collect::<Vec<_>>(),
            vec!["online"]
        );
        let s = u.sample.unwrap();
        assert_eq!((s.tx_bps, s.rx_bps), (Some(1000.0), Some(2000.0)));
    }

    #[test]
    fn ppp_authentication_failure_is_logged_once_and_tracked_since_it_began() {
        let mut d = tr181();
        let wan = d.wan.as_mut().unwrap();
        wan.status = Some("Disconnected".into());
        wan.last_error = Some("ERROR_AUTHENTICATION_FAILURE".into());
        let u = derive(d.clone(), None, &PresencePolicy::default(), NOW);
        assert!(u.logs.iter().any(|l| l.kind == "router_error"
            && l.level == LogLevel::Error
            && l.message.contains("ERROR_AUTHENTICATION_FAILURE")));
        let began = u.ppp_failing_since_ms.unwrap();
        assert_eq!(Some(began), d.last_inform_ms);
        // Next inform, still failing: no new log, the start is kept.
        let known = Known {
            online: true,
            last_inform_ms: d.last_inform_ms,
            wan_error: Some("ERROR_AUTHENTICATION_FAILURE".into()),
            ppp_failing_since_ms: Some(began),
            ..Known::default()
        };
        d.last_inform_ms = d.last_inform_ms.map(|t| t + 60_000);
        let u = derive(d, Some(&known), &PresencePolicy::default(), NOW + 60_000);
        assert!(u.logs.is_empty());
        assert_eq!(u.ppp_failing_since_ms, Some(began));
    }

    #[test]
    fn an_old_inform_is_offline_with_its_deadline() {
        let d = tr181();
        let last = d.last_inform_ms.unwrap();
        let u = derive(d, None, &PresencePolicy::default(), last + 3_600_000);
        assert!(!u.online);
        // 60 s interval × 2 + 120 s grace.
        assert_eq!(u.offline_deadline_ms, Some(last + 240_000));
    }

    fn known_of(d: &NormalizedDevice, online: bool) -> Known {
        Known {
            online,
            last_inform_ms: d.last_inform_ms,
            counters: d.counters.map(|c| CounterReading {
                at_ms: d.last_inform_ms.unwrap_or_default(),
                sent: c.sent,
                received: c.received,
                width: c.width,
                uptime_s: d.uptime_s,
            }),
            wan_error: d.wan.as_ref().and_then(|w| w.last_error.clone()),
            ppp_failing_since_ms: None,
            missing: false,
            last_boot_ms: d.last_boot_ms,
            tags: Vec::new(),
        }
    }

    fn kinds(u: &DeviceUpdate) -> Vec<&str> {
        u.logs.iter().map(|l| l.kind.as_str()).collect()
    }

    #[test]
    fn a_fetched_device_past_its_deadline_logs_offline_once_at_its_deadline() {
        let d = tr181();
        let last = d.last_inform_ms.unwrap();
        let later = last + 3_600_000;
        let u = derive(
            d.clone(),
            Some(&known_of(&d, true)),
            &PresencePolicy::default(),
            later,
        );
        assert!(!u.online);
        assert_eq!(kinds(&u), vec!["offline"]);
        assert_eq!(u.logs[0].at_ms, last + 240_000, "dated at the deadline");
        // Known offline already (the sweep or this sync said so): nothing more.
        let again = derive(
            d.clone(),
            Some(&known_of(&d, false)),
            &PresencePolicy::default(),
            later,
        );
        assert!(again.logs.is_empty());
    }

    #[test]
    fn a_reboot_is_logged_from_last_boot_or_from_uptime_going_back() {
        let mut d = tr181();
        d.last_boot_ms = d.last_inform_ms.map(|t| t - 3_600_000);
        let known = known_of(&d, true);
        d.last_inform_ms = d.last_inform_ms.map(|t| t + 60_000);
        d.last_boot_ms = d.last_inform_ms.map(|t| t - 30_000);
        d.uptime_s = Some(30);
        let u = derive(
            d.clone(),
            Some(&known),
            &PresencePolicy::default(),
            NOW + 60_000,
        );
        assert_eq!(kinds(&u), vec!["rebooted"]);
        assert_eq!(u.logs[0].at_ms, d.last_boot_ms.unwrap());
        // No `_lastBoot` on either side: the uptime tells.
        let mut known = known_of(&tr181(), true);
        known.last_boot_ms = None;
        d.last_boot_ms = None;
        let u = derive(
            d.clone(),
            Some(&known),
            &PresencePolicy::default(),
            NOW + 60_000,
        );
        assert_eq!(kinds(&u), vec!["rebooted"]);
        // Uptime that grew is no reboot.
        d.uptime_s = known
            .counters
            .as_ref()
            .and_then(|c| c.uptime_s)
            .map(|u| u + 60);
        let u = derive(d, Some(&known), &PresencePolicy::default(), NOW + 60_000);
        assert!(u.logs.is_empty(), "{:?}", kinds(&u));
    }

    #[test]
    fn a_configuration_applied_by_genieacs_is_logged_once() {
        let mut d = tr181();
        d.tags = vec!["acsdesk-cfg-0a1b2c3d4e5f".into(), "vip".into()];
        let first = derive(d.clone(), None, &PresencePolicy::default(), NOW);
        let logged: Vec<&str> = first
            .logs
            .iter()
            .filter(|l| l.kind == "provisioned")
            .map(|l| l.message.as_str())
            .collect();
        assert_eq!(logged.len(), 1);
        assert!(
            logged[0].contains("configuration 0a1b2c3d4e5f was applied: PPPoE user"),
            "{logged:?}"
        );
        assert!(logged[0].contains("WiFi \""), "{logged:?}");
        let known = Known {
            tags: d.tags.clone(),
            ..known_of(&d, true)
        };
        d.last_inform_ms = d.last_inform_ms.map(|t| t + 60_000);
        let again = derive(
            d.clone(),
            Some(&known),
            &PresencePolicy::default(),
            NOW + 60_000,
        );
        assert!(again.logs.iter().all(|l| l.kind != "provisioned"));
        assert!(again.logs.iter().all(|l| l.kind != "configuration_lost"));
        // A factory reset: the bootstrap provision removed AcsDesk's tags.
        d.tags = vec!["vip".into()];
        d.last_inform_ms = d.last_inform_ms.map(|t| t + 60_000);
        let reset = derive(d, Some(&known), &PresencePolicy::default(), NOW + 120_000);
        let lost: Vec<&LogEntry> = reset
            .logs
            .iter()
            .filter(|l| l.kind == "configuration_lost")
            .collect();
        assert_eq!(lost.len(), 1, "{:?}", reset.logs);
        assert!(lost[0].message.contains("factory reset"));
    }

    #[test]
    fn wan_errors_are_logged_by_seriousness_and_their_clearing_once() {
        let base = tr181();
        let mut known = known_of(&base, true);
        known.wan_error = None;
        let with_error = |error: &str, status: &str| {
            let mut d = base.clone();
            d.last_inform_ms = d.last_inform_ms.map(|t| t + 60_000);
            let wan = d.wan.as_mut().unwrap();
            wan.last_error = Some(error.into());
            wan.status = Some(status.into());
            d
        };
        // On a connected WAN, the error is news when it changed from what was known.
        let mut was_fine = known.clone();
        was_fine.wan_error = Some("ERROR_NONE".into());
        for (error, status, level) in [
            (
                "ERROR_AUTHENTICATION_FAILURE",
                "Disconnected",
                LogLevel::Error,
            ),
            ("ERROR_ACCOUNT_EXPIRED", "Disconnected", LogLevel::Error),
            ("ERROR_NO_CARRIER", "Connected", LogLevel::Warning),
            ("ERROR_IP_CONFIGURATION", "Connecting", LogLevel::Warning),
            ("ERROR_USER_DISCONNECT", "Disconnected", LogLevel::Info),
            ("ERROR_SOMETHING_NEW", "Connected", LogLevel::Warning),
        ] {
            let before = if status == "Connected" {
                &was_fine
            } else {
                &known
            };
            let u = derive(
                with_error(error, status),
                Some(before),
                &PresencePolicy::default(),
                NOW + 60_000,
            );
            assert_eq!(kinds(&u), vec!["router_error"], "{error}");
            assert_eq!(u.logs[0].level, level, "{error}");
            assert!(u.logs[0].message.contains(error), "{}", u.logs[0].message);
        }
        // First seen on a WAN that is up (a Huawei's last disconnect, long ago): history,
        // not logged.
        for error in ["ERROR_USER_DISCONNECT", "ERROR_NO_CARRIER"] {
            let u = derive(
                with_error(error, "Connected"),
                Some(&known),
                &PresencePolicy::default(),
                NOW + 60_000,
            );
            assert!(u.logs.is_empty(), "{error}: {:?}", kinds(&u));
        }
        // The same error again: not logged twice.
        let mut failing = known.clone();
        failing.wan_error = Some("ERROR_NO_CARRIER".into());
        let u = derive(
            with_error("ERROR_NO_CARRIER", "Connected"),
            Some(&failing),
            &PresencePolicy::default(),
            NOW + 60_000,
        );
        assert!(u.logs.is_empty());
        // It clears: logged once as information.
        let u = derive(
            with_error("ERROR_NONE", "Connected"),
            Some(&failing),
            &PresencePolicy::default(),
            NOW + 60_000,
        );
        assert_eq!(kinds(&u), vec!["router_error_cleared"]);
        assert_eq!(u.logs[0].level, LogLevel::Info);
        let mut cleared = failing;
        cleared.wan_error = Some("ERROR_NONE".into());
        let u = derive(
            with_error("ERROR_NONE", "Connected"),
            Some(&cleared),
            &PresencePolicy::default(),
            NOW + 60_000,
        );
        assert!(u.logs.is_empty());
    }
}
