//! The `alerts` table: one row per ongoing problem (keyed by kind and subject), its
//! state, and its history in `alert_events` (raised, notified or silenced, reopened,
//! acknowledged, resolved), written from the reconciliation's changes; and what the
//! rules read of each device.

use super::{StoreError, TenantStore};
use crate::alerts::reconcile::{AlertRecord, AlertState, Change};
use crate::alerts::{AlertKey, AlertKind, Subject};
use sqlx::Row;

/// An alert as listed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AlertRow {
    /// Row id.
    pub id: i64,
    /// `device_offline`, `ppp_failing`, …
    pub kind: String,
    /// `device` or `acs`.
    pub subject_type: String,
    /// Device id or ACS name.
    pub subject: String,
    /// `info`, `warning` or `critical`.
    pub severity: String,
    /// `open`, `acknowledged` or `resolved`.
    pub state: String,
    /// What happened.
    pub message: String,
    /// When the problem began.
    pub first_seen_ms: i64,
    /// When it was last seen holding.
    pub last_seen_ms: i64,
    /// When it ended.
    pub resolved_ms: Option<i64>,
    /// How often it came back within the reopen window.
    pub flaps: i64,
}

fn kind_from(s: &str) -> Option<AlertKind> {
    Some(match s {
        "device_offline" => AlertKind::DeviceOffline,
        "firmware_failed" => AlertKind::FirmwareFailed,
        "provisioning_failed" => AlertKind::ProvisioningFailed,
        "ppp_failing" => AlertKind::PppFailing,
        "high_cpu" => AlertKind::HighCpu,
        "high_memory" => AlertKind::HighMemory,
        "low_optical_power" => AlertKind::LowOpticalPower,
        "acs_unreachable" => AlertKind::AcsUnreachable,
        _ => return None,
    })
}

fn severity(s: crate::alerts::Severity) -> &'static str {
    match s {
        crate::alerts::Severity::Info => "info",
        crate::alerts::Severity::Warning => "warning",
        crate::alerts::Severity::Critical => "critical",
    }
}

fn subject_parts(s: &Subject) -> (&'static str, &str) {
    match s {
        Subject::Device(id) => ("device", id),
        Subject::Acs(name) => ("acs", name),
    }
}

impl TenantStore {
    /// Active alerts and those resolved since `since_ms`, for reconciliation.
    pub async fn alert_records(&self, since_ms: i64) -> Result<Vec<AlertRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT * FROM alerts WHERE state != 'resolved' OR resolved_ms >= ? ORDER BY id",
        )
        .bind(since_ms)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                let kind = kind_from(&r.get::<String, _>("kind"))?;
                let id: String = r.get("subject_id");
                let subject = if r.get::<String, _>("subject_type") == "acs" {
                    Subject::Acs(id)
                } else {
                    Subject::Device(id)
                };
                let state = match r.get::<String, _>("state").as_str() {
                    "open" => AlertState::Open,
                    "acknowledged" => AlertState::Acknowledged,
                    _ => AlertState::Resolved,
                };
                Some(AlertRecord {
                    id: r.get("id"),
                    key: AlertKey { kind, subject },
                    state,
                    first_seen_ms: r.get("first_seen_ms"),
                    last_seen_ms: r.get("last_seen_ms"),
                    resolved_ms: r.get("resolved_ms"),
                    clear_since_ms: r.get("clear_since_ms"),
                })
            })
            .collect())
    }

    /// Applies reconciliation changes in one transaction, each with its history entry.
    /// Returns, for each `Raise` change in order, the id of the alert it raised — `None`
    /// when another evaluation had raised that problem meanwhile (the schema keeps one
    /// active alert per problem, so it is neither raised nor notified twice).
    pub async fn apply_alert_changes(
        &self,
        changes: &[Change],
        now_ms: i64,
    ) -> Result<Vec<Option<i64>>, StoreError> {
        let mut tx = self.write_tx().await?;
        let mut raised = Vec::new();
        for c in changes {
            match c {
                Change::Raise(p) => {
                    let (t, id) = subject_parts(&p.key.subject);
                    // Another evaluation may have raised it meanwhile (the schema allows
                    // one active alert per problem): then there is nothing to raise.
                    let alert: Option<i64> = sqlx::query_scalar(
                        "INSERT INTO alerts (kind, subject_type, subject_id, severity, state, message, first_seen_ms, last_seen_ms)
                         VALUES (?, ?, ?, ?, 'open', ?, ?, ?)
                         ON CONFLICT (kind, subject_type, subject_id) WHERE state <> 'resolved' DO NOTHING
                         RETURNING id",
                    )
                    .bind(p.key.kind.as_str())
                    .bind(t)
                    .bind(id)
                    .bind(severity(p.severity))
                    .bind(&p.message)
                    .bind(p.since_ms)
                    .bind(p.since_ms)
                    .fetch_optional(&mut *tx)
                    .await?;
                    raised.push(alert);
                    let Some(alert) = alert else {
                        continue;
                    };
                    event(&mut tx, alert, "raised", &p.message, now_ms).await?;
                }
                Change::Reopen { id, problem } => {
                    // Not when another evaluation raised the problem anew meanwhile.
                    let reopened = sqlx::query(
                        "UPDATE alerts SET state = 'open', resolved_ms = NULL, clear_since_ms = NULL, flaps = flaps + 1, message = ?
                         WHERE id = ? AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.kind = alerts.kind
                             AND a.subject_type = alerts.subject_type AND a.subject_id = alerts.subject_id
                             AND a.state <> 'resolved' AND a.id <> alerts.id)",
                    )
                    .bind(&problem.message)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                    if reopened.rows_affected() == 0 {
                        continue;
                    }
                    event(
                        &mut tx,
                        *id,
                        "reopened",
                        "came back within the reopen window (a flap): not notified again",
                        now_ms,
                    )
                    .await?;
                }
                Change::Touch {
                    id,
                    last_seen_ms,
                    message,
                    severity: s,
                } => {
                    sqlx::query("UPDATE alerts SET last_seen_ms = ?, message = ?, severity = ?, clear_since_ms = NULL WHERE id = ?")
                        .bind(last_seen_ms)
                        .bind(message)
                        .bind(severity(*s))
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
                Change::Clearing { id, since_ms } => {
                    sqlx::query("UPDATE alerts SET clear_since_ms = ? WHERE id = ?")
                        .bind(since_ms)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
                Change::Resolve {
                    id,
                    at_ms,
                    duration_ms,
                } => {
                    let lasted = format!("lasted {}", lasted(*duration_ms));
                    sqlx::query("UPDATE alerts SET state = 'resolved', resolved_ms = ?, message = message || ? WHERE id = ?")
                        .bind(at_ms)
                        .bind(format!(" — {lasted}"))
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    event(&mut tx, *id, "resolved", &lasted, now_ms).await?;
                }
            }
        }
        tx.commit().await?;
        Ok(raised)
    }

    /// Adds an entry to an alert's history.
    pub async fn note_alert_event(
        &self,
        id: i64,
        what: &str,
        detail: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        event(&mut tx, id, what, detail, now_ms).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adds an entry to the history of the latest alert about `key`.
    pub async fn note_problem_event(
        &self,
        key: &AlertKey,
        what: &str,
        detail: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let (t, id) = subject_parts(&key.subject);
        sqlx::query(
            "INSERT INTO alert_events (alert_id, at_ms, event, detail)
             SELECT id, ?, ?, ? FROM alerts WHERE kind = ? AND subject_type = ? AND subject_id = ?
             ORDER BY id DESC LIMIT 1",
        )
        .bind(now_ms)
        .bind(what)
        .bind(detail)
        .bind(key.kind.as_str())
        .bind(t)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// How many history entries of kind `what` were written since `since_ms`.
    pub async fn alert_events_since(&self, what: &str, since_ms: i64) -> Result<usize, StoreError> {
        let n: i64 =
            sqlx::query_scalar("SELECT count(*) FROM alert_events WHERE event = ? AND at_ms >= ?")
                .bind(what)
                .bind(since_ms)
                .fetch_one(self.pool())
                .await?;
        Ok(n.max(0) as usize)
    }

    /// An alert's history, oldest first.
    pub async fn alert_history(&self, id: i64) -> Result<Vec<AlertEventRow>, StoreError> {
        let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM alerts WHERE id = ?")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound(format!("alert {id}")));
        }
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT at_ms, event, detail FROM alert_events WHERE alert_id = ? ORDER BY at_ms, id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(at_ms, event, detail)| AlertEventRow {
                at_ms,
                event,
                detail,
            })
            .collect())
    }

    /// Alerts, newest first, optionally in one state.
    pub async fn alerts(
        &self,
        state: Option<&str>,
        limit: u32,
    ) -> Result<Vec<AlertRow>, StoreError> {
        self.find_alerts(&AlertQuery {
            state: state.map(str::to_owned),
            limit,
            ..AlertQuery::default()
        })
        .await
    }

    /// Alerts matching `q`, newest first.
    pub async fn find_alerts(&self, q: &AlertQuery) -> Result<Vec<AlertRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT * FROM alerts WHERE (?1 IS NULL OR state = ?1) AND (?2 IS NULL OR kind = ?2)
                AND (?3 IS NULL OR severity = ?3) AND (?4 IS NULL OR (subject_type = 'device' AND subject_id = ?4))
             ORDER BY last_seen_ms DESC, id DESC LIMIT ?5",
        )
        .bind(&q.state)
        .bind(&q.kind)
        .bind(&q.severity)
        .bind(&q.device)
        .bind(i64::from(q.limit.max(1)))
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| AlertRow {
                id: r.get("id"),
                kind: r.get("kind"),
                subject_type: r.get("subject_type"),
                subject: r.get("subject_id"),
                severity: r.get("severity"),
                state: r.get("state"),
                message: r.get("message"),
                first_seen_ms: r.get("first_seen_ms"),
                last_seen_ms: r.get("last_seen_ms"),
                resolved_ms: r.get("resolved_ms"),
                flaps: r.get("flaps"),
            })
            .collect())
    }

    /// Moves an alert to `acknowledged` or `resolved` by hand.
    pub async fn set_alert_state(
        &self,
        id: i64,
        state: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        if !matches!(state, "acknowledged" | "resolved") {
            return Err(StoreError::Invalid {
                field: "state",
                reason: "an alert can be acknowledged or resolved".into(),
            });
        }
        let done = sqlx::query("UPDATE alerts SET state = ?, resolved_ms = CASE WHEN ? = 'resolved' THEN ? ELSE resolved_ms END WHERE id = ? AND state != 'resolved'")
            .bind(state)
            .bind(state)
            .bind(now_ms)
            .bind(id)
            .execute(self.pool())
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("open alert {id}")));
        }
        self.note_alert_event(id, state, "by hand", now_ms).await
    }

    /// How many active alerts are open and how many acknowledged.
    pub async fn alert_state_counts(&self) -> Result<(u64, u64), StoreError> {
        let (open, acknowledged): (i64, i64) = sqlx::query_as(
            "SELECT coalesce(sum(state = 'open'), 0), coalesce(sum(state = 'acknowledged'), 0) FROM alerts",
        )
        .fetch_one(self.pool())
        .await?;
        Ok((open.max(0) as u64, acknowledged.max(0) as u64))
    }

    /// Alerts not yet resolved (open or acknowledged).
    pub async fn open_alert_count(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM alerts WHERE state != 'resolved'")
            .fetch_one(self.pool())
            .await?;
        Ok(n.max(0) as u64)
    }

    /// What the alert rules need of each device: presence, its own offline threshold,
    /// PPP failure, label, recent load (only when a load rule is on) and the faults
    /// GenieACS holds for it (not those of AcsDesk's own action tasks).
    pub async fn alert_device_states(
        &self,
        rules: &crate::alerts::rules::RuleSettings,
        now_ms: i64,
    ) -> Result<Vec<crate::alerts::rules::DeviceState>, StoreError> {
        use std::collections::HashMap;
        let rows = sqlx::query(
            "SELECT d.id, d.genie_id, d.serial, d.online, d.offline_since_ms, d.ppp_failing_since_ms, d.wan_error,
                    d.offline_after_min, s.name AS subscriber
             FROM devices d LEFT JOIN subscribers s ON s.id = d.subscriber_id WHERE d.missing = 0",
        )
        .fetch_all(self.pool())
        .await?;
        let mut cpu: HashMap<i64, Vec<(i64, f64)>> = HashMap::new();
        let mut mem: HashMap<i64, Vec<(i64, f64)>> = HashMap::new();
        if rules.cpu_threshold_pct.is_some() || rules.mem_threshold_pct.is_some() {
            // Twice the window: enough to see a run that started before it.
            let since = now_ms - 2 * i64::from(rules.load_window_min) * 60_000;
            let samples: Vec<(i64, i64, Option<f64>, Option<f64>)> = sqlx::query_as(
                "SELECT device_id, at_ms, cpu_pct, mem_pct FROM device_samples
                 WHERE resolution = 0 AND at_ms >= ? ORDER BY device_id, at_ms",
            )
            .bind(since)
            .fetch_all(self.pool())
            .await?;
            for (device, at, c, m) in samples {
                if let Some(c) = c {
                    cpu.entry(device).or_default().push((at, c));
                }
                if let Some(m) = m {
                    mem.entry(device).or_default().push((at, m));
                }
            }
        }
        // The receive power of the routers that have a PON port: their signal history.
        let mut optical: HashMap<i64, Vec<(i64, f64)>> = HashMap::new();
        if rules.optical_rx_min_dbm.is_some() {
            let since = now_ms - 2 * i64::from(rules.load_window_min) * 60_000;
            let samples: Vec<(i64, i64, f64)> = sqlx::query_as(
                "SELECT s.device_id, s.at_ms, s.signal_dbm FROM device_samples s
                 JOIN devices d ON d.id = s.device_id
                 WHERE d.optical_rx_dbm IS NOT NULL AND s.resolution = 0 AND s.at_ms >= ?
                   AND s.signal_dbm IS NOT NULL
                 ORDER BY s.device_id, s.at_ms",
            )
            .bind(since)
            .fetch_all(self.pool())
            .await?;
            for (device, at, dbm) in samples {
                optical.entry(device).or_default().push((at, dbm));
            }
        }
        let mut faults: HashMap<String, Vec<crate::alerts::rules::FaultState>> = HashMap::new();
        let fault_rows: Vec<FaultRow> =
            sqlx::query_as(
                "SELECT f.genie_id, f.channel, f.code, f.message, f.provisions, f.at_ms FROM device_faults f
                 WHERE NOT EXISTS (SELECT 1 FROM device_actions a
                                   WHERE a.task_id IS NOT NULL AND f.channel = 'task_' || a.task_id)
                 ORDER BY f.at_ms",
            )
            .fetch_all(self.pool())
            .await?;
        for (genie_id, channel, code, message, provisions, at_ms) in fault_rows {
            faults
                .entry(genie_id)
                .or_default()
                .push(crate::alerts::rules::FaultState {
                    download: provisions
                        .as_deref()
                        .is_some_and(|p| p.contains("\"download\"")),
                    channel,
                    code,
                    message,
                    at_ms,
                });
        }
        Ok(rows
            .iter()
            .map(|r| {
                let row_id: i64 = r.get("id");
                let genie_id: String = r.get("genie_id");
                let serial: String = r.get("serial");
                let subscriber: Option<String> = r.get("subscriber");
                crate::alerts::rules::DeviceState {
                    faults: faults.remove(&genie_id).unwrap_or_default(),
                    id: genie_id,
                    label: match subscriber {
                        Some(s) => format!("{serial} ({s})"),
                        None => serial,
                    },
                    online: r.get::<i64, _>("online") != 0,
                    offline_since_ms: r.get("offline_since_ms"),
                    offline_after_min: r
                        .get::<Option<i64>, _>("offline_after_min")
                        .and_then(|m| u32::try_from(m).ok()),
                    ppp_failing: r
                        .get::<Option<i64>, _>("ppp_failing_since_ms")
                        .map(|since| {
                            (
                                since,
                                r.get::<Option<String>, _>("wan_error").unwrap_or_default(),
                            )
                        }),
                    cpu_samples: cpu.remove(&row_id).unwrap_or_default(),
                    mem_samples: mem.remove(&row_id).unwrap_or_default(),
                    optical_samples: optical.remove(&row_id).unwrap_or_default(),
                }
            })
            .collect())
    }
}

/// A stored fault: device, channel, code, message, provisions, when.
type FaultRow = (String, String, String, String, Option<String>, Option<i64>);

/// What to list of the alerts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertQuery {
    /// `open`, `acknowledged` or `resolved`.
    pub state: Option<String>,
    /// `device_offline`, `ppp_failing`, …
    pub kind: Option<String>,
    /// `info`, `warning` or `critical`.
    pub severity: Option<String>,
    /// Only this device's (GenieACS id).
    pub device: Option<String>,
    /// At most this many.
    pub limit: u32,
}

impl Default for AlertQuery {
    fn default() -> Self {
        Self {
            state: None,
            kind: None,
            severity: None,
            device: None,
            limit: 200,
        }
    }
}

/// One entry of an alert's history.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AlertEventRow {
    /// When (Unix ms).
    pub at_ms: i64,
    /// `raised`, `notified`, `silenced`, `reopened`, `acknowledged`, `resolved`,
    /// `delivered`, `delivery_retry`, `delivery_failed`.
    pub event: String,
    /// The detail.
    pub detail: String,
}

async fn event(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    alert: i64,
    what: &str,
    detail: &str,
    now_ms: i64,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO alert_events (alert_id, at_ms, event, detail) VALUES (?, ?, ?, ?)")
        .bind(alert)
        .bind(now_ms)
        .bind(what)
        .bind(detail)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// How long a problem lasted, for people: "45 s", "5 min", "2 h 5 min".
fn lasted(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    match s {
        0..=59 => format!("{s} s"),
        60..=3599 => format!("{} min", s / 60),
        _ => format!("{} h {} min", s / 3600, (s % 3600) / 60),
    }
}
