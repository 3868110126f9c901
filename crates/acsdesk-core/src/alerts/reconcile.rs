//! From problems to alerts: one alert per ongoing problem, raised once, touched while it
//! lasts, resolved after it has stayed clear for a hold-down period (so a flapping device
//! reopens its alert instead of raising a storm), and delivery planned around
//! maintenance windows and digests.

use super::{AlertKey, AlertKind, Problem, Severity, Subject};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where an alert is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertState {
    /// Raised, nobody has looked at it.
    Open,
    /// Someone has seen it; it still holds.
    Acknowledged,
    /// It is over.
    Resolved,
}

/// An alert as stored, as far as reconciliation needs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertRecord {
    /// Store id.
    pub id: i64,
    /// The problem it reports.
    pub key: AlertKey,
    /// Its state.
    pub state: AlertState,
    /// When the problem started (Unix ms).
    pub first_seen_ms: i64,
    /// When the problem was last seen holding.
    pub last_seen_ms: i64,
    /// When it was resolved, if it is.
    pub resolved_ms: Option<i64>,
    /// Since when the problem has been seen clear while the alert is still active.
    pub clear_since_ms: Option<i64>,
}

impl AlertRecord {
    fn active(&self) -> bool {
        self.state != AlertState::Resolved
    }
}

/// How reconciliation treats flapping problems.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlapPolicy {
    /// A problem must stay clear this long before its alert is resolved (default 5
    /// minutes; 0 resolves at once).
    pub hold_down_ms: i64,
    /// A problem that comes back within this long after the end of its resolved alert
    /// reopens that alert instead of raising a new one (default 15 minutes: longer than
    /// the default offline threshold, so a device that drops again right after coming
    /// back is one story).
    pub reopen_within_ms: i64,
}

impl Default for FlapPolicy {
    fn default() -> Self {
        Self {
            hold_down_ms: 5 * 60_000,
            reopen_within_ms: 15 * 60_000,
        }
    }
}

/// One change to the stored alerts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Change {
    /// A new alert: store it and deliver it.
    Raise(Problem),
    /// The problem of a recently resolved alert is back: reopen it, count a flap, and do
    /// not deliver it again.
    Reopen {
        /// The alert to reopen.
        id: i64,
        /// The problem as it holds now.
        problem: Problem,
    },
    /// The problem still holds: refresh last-seen and message, clear any clearing mark.
    Touch {
        /// The alert.
        id: i64,
        /// Now.
        last_seen_ms: i64,
        /// The current message.
        message: String,
        /// The current severity.
        severity: Severity,
    },
    /// The problem was seen clear for the first time: mark since when.
    Clearing {
        /// The alert.
        id: i64,
        /// When it was first seen clear.
        since_ms: i64,
    },
    /// The problem has stayed clear through the hold-down: resolve the alert.
    Resolve {
        /// The alert.
        id: i64,
        /// When the problem ended.
        at_ms: i64,
        /// How long the problem lasted (e.g. the outage).
        duration_ms: i64,
    },
}

/// Compares the alerts on record with the problems that hold at `now_ms`.
///
/// `existing` holds the active alerts and those resolved within the hold-down; at most
/// one per key is expected (the newest wins otherwise). `problems` holds every problem
/// that holds now; a condition rule missing from it has cleared. Alerts of kinds that do
/// not clear by themselves (failed firmware or provisioning) are never resolved here.
pub fn reconcile(
    existing: &[AlertRecord],
    problems: &[Problem],
    now_ms: i64,
    policy: FlapPolicy,
) -> Vec<Change> {
    let mut by_key: BTreeMap<&AlertKey, &AlertRecord> = BTreeMap::new();
    for record in existing {
        let newer = by_key
            .get(&record.key)
            .is_none_or(|r| record.first_seen_ms >= r.first_seen_ms);
        if newer {
            by_key.insert(&record.key, record);
        }
    }
    let mut changes = Vec::new();
    let mut seen: Vec<&AlertKey> = Vec::new();
    for problem in problems {
        if seen.contains(&&problem.key) {
            continue; // The same problem twice in one evaluation is one alert.
        }
        seen.push(&problem.key);
        match by_key.get(&problem.key) {
            Some(r) if r.active() => changes.push(Change::Touch {
                id: r.id,
                last_seen_ms: now_ms,
                message: problem.message.clone(),
                severity: problem.severity,
            }),
            Some(r)
                if r.resolved_ms
                    .is_some_and(|at| now_ms - at < policy.reopen_within_ms) =>
            {
                changes.push(Change::Reopen {
                    id: r.id,
                    problem: problem.clone(),
                })
            }
            _ => changes.push(Change::Raise(problem.clone())),
        }
    }
    for (key, r) in by_key {
        if !r.active() || seen.contains(&key) || !key.kind.clears_by_itself() {
            continue;
        }
        let clear_since = r.clear_since_ms.unwrap_or(now_ms);
        if now_ms - clear_since >= policy.hold_down_ms {
            changes.push(Change::Resolve {
                id: r.id,
                at_ms: clear_since,
                duration_ms: clear_since - r.first_seen_ms,
            });
        } else if r.clear_since_ms.is_none() {
            changes.push(Change::Clearing {
                id: r.id,
                since_ms: now_ms,
            });
        }
    }
    changes
}

/// A period during which alerts are recorded but not delivered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaintenanceWindow {
    /// The device or ACS it covers; `None` covers the whole tenant.
    pub subject: Option<Subject>,
    /// When it starts (Unix ms).
    pub from_ms: i64,
    /// When it ends (Unix ms).
    pub until_ms: i64,
}

/// Whether delivery of an alert about `subject` is silenced at `now_ms`.
pub fn silenced(subject: &Subject, windows: &[MaintenanceWindow], now_ms: i64) -> bool {
    windows.iter().any(|w| {
        (w.from_ms..w.until_ms).contains(&now_ms) && w.subject.as_ref().is_none_or(|s| s == subject)
    })
}

/// A notification to send.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Delivery {
    /// One alert.
    Single(Problem),
    /// Many alerts at once (a power cut), summarised.
    Digest {
        /// How many alerts it covers.
        count: usize,
        /// One line for the notification's summary, e.g. "40 new alerts".
        summary: String,
        /// Counts per kind, e.g. "38 devices offline, 2 PPP failing".
        body: String,
        /// The alerts it covers.
        problems: Vec<Problem>,
    },
}

impl Delivery {
    /// The notification's summary and body.
    pub fn text(&self) -> (String, String) {
        match self {
            Delivery::Single(p) => (p.message.clone(), severity_line(p)),
            Delivery::Digest { summary, body, .. } => (summary.clone(), body.clone()),
        }
    }

    /// The device a click on the notification should open, when it is about one.
    pub fn device(&self) -> Option<&str> {
        match self {
            Delivery::Single(Problem {
                key:
                    AlertKey {
                        subject: Subject::Device(id),
                        ..
                    },
                ..
            }) => Some(id),
            _ => None,
        }
    }
}

fn severity_line(p: &Problem) -> String {
    let severity = match p.severity {
        Severity::Critical => "Critical",
        Severity::Warning => "Warning",
        Severity::Info => "Info",
    };
    let since = format!("{} UTC", acsdesk_time::clock_time(p.since_ms, 0));
    format!("{severity} · {} since {since}", labels(p.key.kind).0)
}

/// How far back notifications count towards a storm (see [`plan_delivery`]).
pub const STORM_WINDOW_MS: i64 = 10 * 60_000;

/// Plans the notifications for newly raised problems: silenced ones are dropped (they
/// stay recorded), and when at least `digest_threshold` remain (0 = never), one digest
/// replaces the individual notifications. A power cut rarely lands in one evaluation —
/// each router is found offline at its own deadline — so the alerts notified within
/// [`STORM_WINDOW_MS`] before (`recently_notified`) count too: once a storm has begun,
/// each further batch of two or more is one digest.
pub fn plan_delivery(
    raised: &[Problem],
    windows: &[MaintenanceWindow],
    now_ms: i64,
    digest_threshold: usize,
    recently_notified: usize,
) -> Vec<Delivery> {
    let deliverable: Vec<Problem> = raised
        .iter()
        .filter(|p| !silenced(&p.key.subject, windows, now_ms))
        .cloned()
        .collect();
    let storm = deliverable.len() >= 2 && deliverable.len() + recently_notified >= digest_threshold;
    if digest_threshold > 0 && (deliverable.len() >= digest_threshold || storm) {
        let mut per_kind: BTreeMap<AlertKind, usize> = BTreeMap::new();
        for p in &deliverable {
            *per_kind.entry(p.key.kind).or_default() += 1;
        }
        let body = per_kind
            .iter()
            .map(|(kind, n)| describe(*kind, *n))
            .collect::<Vec<_>>()
            .join(", ");
        vec![Delivery::Digest {
            count: deliverable.len(),
            summary: format!("{} new alerts", deliverable.len()),
            body,
            problems: deliverable,
        }]
    } else {
        deliverable.into_iter().map(Delivery::Single).collect()
    }
}

fn describe(kind: AlertKind, n: usize) -> String {
    let (one, many) = labels(kind);
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The singular and plural names of a kind of problem.
fn labels(kind: AlertKind) -> (&'static str, &'static str) {
    match kind {
        AlertKind::DeviceOffline => ("device offline", "devices offline"),
        AlertKind::FirmwareFailed => ("firmware update failed", "firmware updates failed"),
        AlertKind::ProvisioningFailed => ("provisioning failed", "provisionings failed"),
        AlertKind::PppFailing => ("PPP failing", "PPP failing"),
        AlertKind::HighCpu => ("high CPU", "high CPU"),
        AlertKind::HighMemory => ("high memory", "high memory"),
        AlertKind::LowOpticalPower => ("low optical power", "low optical power"),
        AlertKind::AcsUnreachable => ("ACS unreachable", "ACS unreachable"),
    }
}

#[cfg(test)]
mod tests {
    use super::super::rules::{device_problems, DeviceState, RuleSettings};
    use super::*;

    const MIN: i64 = 60_000;
    const T0: i64 = 1_800_000_000_000;

    /// A tiny in-memory alert table that applies changes, as the store does.
    #[derive(Default)]
    struct Table {
        rows: Vec<AlertRecord>,
        delivered: Vec<Problem>,
        flaps: usize,
    }

    impl Table {
        fn apply(&mut self, changes: Vec<Change>) {
            for change in changes {
                match change {
                    Change::Raise(p) => {
                        self.rows.push(AlertRecord {
                            id: self.rows.len() as i64 + 1,
                            key: p.key.clone(),
                            state: AlertState::Open,
                            first_seen_ms: p.since_ms,
                            last_seen_ms: p.since_ms,
                            resolved_ms: None,
                            clear_since_ms: None,
                        });
                        self.delivered.push(p);
                    }
                    Change::Reopen { id, .. } => {
                        let r = self.row(id);
                        r.state = AlertState::Open;
                        r.resolved_ms = None;
                        r.clear_since_ms = None;
                        self.flaps += 1;
                    }
                    Change::Touch {
                        id, last_seen_ms, ..
                    } => {
                        let r = self.row(id);
                        r.last_seen_ms = last_seen_ms;
                        r.clear_since_ms = None;
                    }
                    Change::Clearing { id, since_ms } => {
                        self.row(id).clear_since_ms = Some(since_ms)
                    }
                    Change::Resolve { id, at_ms, .. } => {
                        let r = self.row(id);
                        r.state = AlertState::Resolved;
                        r.resolved_ms = Some(at_ms);
                    }
                }
            }
        }

        fn row(&mut self, id: i64) -> &mut AlertRecord {
            self.rows.iter_mut().find(|r| r.id == id).unwrap()
        }
    }

    fn device(id: &str, online: bool, offline_since: Option<i64>) -> DeviceState {
        DeviceState {
            id: id.into(),
            label: id.into(),
            online,
            offline_since_ms: offline_since,
            offline_after_min: None,
            ppp_failing: None,
            cpu_samples: vec![],
            optical_samples: vec![],
            mem_samples: vec![],
            faults: vec![],
        }
    }

    fn evaluate(table: &mut Table, devices: &[DeviceState], now: i64) {
        let problems: Vec<Problem> = devices
            .iter()
            .flat_map(|d| device_problems(d, &RuleSettings::default(), now))
            .collect();
        let changes = reconcile(&table.rows, &problems, now, FlapPolicy::default());
        table.apply(changes);
    }

    #[test]
    fn an_outage_is_one_alert_however_many_syncs_then_resolves_with_its_duration() {
        let mut t = Table::default();
        let off = T0;
        for minute in 0..30 {
            evaluate(
                &mut t,
                &[device("d1", false, Some(off))],
                off + minute * MIN,
            );
        }
        assert_eq!(t.rows.len(), 1, "one alert per outage");
        assert_eq!(t.delivered.len(), 1);
        assert_eq!(t.rows[0].first_seen_ms, off);
        // Back online at minute 30: cleared, resolved after the 5-minute hold-down.
        let back = off + 30 * MIN;
        evaluate(&mut t, &[device("d1", true, None)], back);
        assert_eq!(t.rows[0].state, AlertState::Open);
        let changes = reconcile(&t.rows, &[], back + 5 * MIN, FlapPolicy::default());
        assert_eq!(
            changes,
            vec![Change::Resolve {
                id: 1,
                at_ms: back,
                duration_ms: 30 * MIN
            }]
        );
        t.apply(changes);
        assert_eq!(t.rows[0].state, AlertState::Resolved);
    }

    #[test]
    fn a_flapping_device_does_not_raise_a_storm() {
        let mut t = Table::default();
        let mut now = T0;
        // Offline 11 min, online 2 min, offline again 11 min… six times in two hours.
        for _ in 0..6 {
            let off = now;
            now += 11 * MIN;
            evaluate(&mut t, &[device("d1", false, Some(off))], now);
            now += 2 * MIN;
            evaluate(&mut t, &[device("d1", true, None)], now);
        }
        assert_eq!(t.rows.len(), 1, "still one alert");
        assert_eq!(t.delivered.len(), 1, "delivered once");
    }

    #[test]
    fn a_problem_back_soon_after_resolution_reopens_without_delivery() {
        let mut t = Table::default();
        evaluate(&mut t, &[device("d1", false, Some(T0))], T0 + 11 * MIN);
        evaluate(&mut t, &[device("d1", true, None)], T0 + 12 * MIN);
        evaluate(&mut t, &[device("d1", true, None)], T0 + 17 * MIN);
        assert_eq!(t.rows[0].state, AlertState::Resolved);
        evaluate(
            &mut t,
            &[device("d1", false, Some(T0 + 8 * MIN))],
            T0 + 19 * MIN,
        );
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.flaps, 1);
        assert_eq!(t.delivered.len(), 1);
        // Long after the hold-down, a new outage is a new alert.
        let later = T0 + 200 * MIN;
        evaluate(&mut t, &[device("d1", true, None)], later - 10 * MIN);
        evaluate(&mut t, &[device("d1", true, None)], later - 4 * MIN);
        evaluate(
            &mut t,
            &[device("d1", false, Some(later))],
            later + 11 * MIN,
        );
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.delivered.len(), 2);
    }

    #[test]
    fn manual_kinds_are_never_resolved_automatically() {
        let p = super::super::rules::firmware_failed("d1", "d1", T0, "cwmp.9010");
        let mut t = Table::default();
        t.apply(reconcile(
            &t.rows,
            std::slice::from_ref(&p),
            T0,
            FlapPolicy::default(),
        ));
        assert!(reconcile(&t.rows, &[], T0 + 999 * MIN, FlapPolicy::default()).is_empty());
        // The same failure again is the same alert.
        let again = reconcile(&t.rows, &[p], T0 + MIN, FlapPolicy::default());
        assert!(matches!(again.as_slice(), [Change::Touch { id: 1, .. }]));
    }

    #[test]
    fn a_power_cut_of_40_devices_is_one_digest() {
        let mut t = Table::default();
        let devices: Vec<DeviceState> = (0..40)
            .map(|i| device(&format!("d{i}"), false, Some(T0)))
            .collect();
        evaluate(&mut t, &devices, T0 + 11 * MIN);
        assert_eq!(t.rows.len(), 40, "every alert is recorded");
        let plan = plan_delivery(&t.delivered, &[], T0 + 11 * MIN, 5, 0);
        assert_eq!(plan.len(), 1);
        match &plan[0] {
            Delivery::Digest {
                count,
                summary,
                body,
                ..
            } => {
                assert_eq!(*count, 40);
                assert_eq!(summary, "40 new alerts");
                assert_eq!(body, "40 devices offline");
            }
            other => panic!("expected a digest, got {other:?}"),
        }
        let (summary, body) = plan[0].text();
        assert_eq!(
            (summary.as_str(), body.as_str()),
            ("40 new alerts", "40 devices offline")
        );
        assert_eq!(plan[0].device(), None);
        // Below the threshold, each alert is its own notification.
        let singles = plan_delivery(&t.delivered[..3], &[], T0, 5, 0);
        assert_eq!(singles.len(), 3);
        let (summary, body) = singles[0].text();
        assert_eq!(summary, "d0 has been offline for 11 min");
        assert!(
            body.starts_with("Critical · device offline since "),
            "{body}"
        );
        assert_eq!(singles[0].device(), Some("d0"));
        // Mid-storm (4 notified in the last minutes), the next 2 are one digest; a
        // lone one stays itself.
        let storm = plan_delivery(&t.delivered[..2], &[], T0, 5, 4);
        assert!(
            matches!(storm.as_slice(), [Delivery::Digest { count: 2, .. }]),
            "{storm:?}"
        );
        let lone = plan_delivery(&t.delivered[..1], &[], T0, 5, 4);
        assert!(matches!(lone.as_slice(), [Delivery::Single(_)]));
    }

    #[test]
    fn maintenance_windows_silence_delivery_but_not_recording() {
        let mut t = Table::default();
        evaluate(
            &mut t,
            &[device("d1", false, Some(T0)), device("d2", false, Some(T0))],
            T0 + 11 * MIN,
        );
        assert_eq!(t.rows.len(), 2);
        let window = MaintenanceWindow {
            subject: Some(Subject::Device("d1".into())),
            from_ms: T0,
            until_ms: T0 + 60 * MIN,
        };
        let plan = plan_delivery(
            &t.delivered,
            std::slice::from_ref(&window),
            T0 + 11 * MIN,
            0,
            0,
        );
        assert_eq!(plan.len(), 1);
        assert!(
            matches!(&plan[0], Delivery::Single(p) if p.key.subject == Subject::Device("d2".into()))
        );
        let tenant_wide = MaintenanceWindow {
            subject: None,
            ..window.clone()
        };
        assert!(plan_delivery(
            &t.delivered,
            std::slice::from_ref(&tenant_wide),
            T0 + 11 * MIN,
            0,
            0
        )
        .is_empty());
        // After the window ends, delivery resumes.
        assert_eq!(
            plan_delivery(&t.delivered, &[tenant_wide], T0 + 61 * MIN, 0, 0).len(),
            2
        );
    }
}
