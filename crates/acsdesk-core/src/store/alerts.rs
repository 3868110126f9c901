//! The `alerts` table: one row per ongoing problem (keyed by kind and subject), its
//! state and history, written from the reconciliation's changes.

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

    /// Applies reconciliation changes in one transaction.
    pub async fn apply_alert_changes(&self, changes: &[Change]) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        for c in changes {
            match c {
                Change::Raise(p) => {
                    let (t, id) = subject_parts(&p.key.subject);
                    sqlx::query(
                        "INSERT INTO alerts (kind, subject_type, subject_id, severity, state, message, first_seen_ms, last_seen_ms)
                         VALUES (?, ?, ?, ?, 'open', ?, ?, ?)",
                    )
                    .bind(p.key.kind.as_str())
                    .bind(t)
                    .bind(id)
                    .bind(severity(p.severity))
                    .bind(&p.message)
                    .bind(p.since_ms)
                    .bind(p.since_ms)
                    .execute(&mut *tx)
                    .await?;
                }
                Change::Reopen { id, problem } => {
                    sqlx::query("UPDATE alerts SET state = 'open', resolved_ms = NULL, clear_since_ms = NULL, flaps = flaps + 1, message = ? WHERE id = ?")
                        .bind(&problem.message)
                        .bind(id)
                        .execute(&mut *tx)
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
                    sqlx::query("UPDATE alerts SET state = 'resolved', resolved_ms = ?, message = message || ? WHERE id = ?")
                        .bind(at_ms)
                        .bind(format!(" — resolved after {} min", duration_ms / 60_000))
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Alerts, newest first, optionally in one state.
    pub async fn alerts(
        &self,
        state: Option<&str>,
        limit: u32,
    ) -> Result<Vec<AlertRow>, StoreError> {
        let rows = sqlx::query("SELECT * FROM alerts WHERE (? IS NULL OR state = ?) ORDER BY last_seen_ms DESC, id DESC LIMIT ?")
            .bind(state)
            .bind(state)
            .bind(i64::from(limit))
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
        Ok(())
    }

    /// Alerts not yet resolved.
    pub async fn open_alert_count(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM alerts WHERE state != 'resolved'")
            .fetch_one(self.pool())
            .await?;
        Ok(n.max(0) as u64)
    }

    /// What the alert rules need of each device: presence, PPP failure, label.
    pub async fn alert_device_states(
        &self,
    ) -> Result<Vec<crate::alerts::rules::DeviceState>, StoreError> {
        let offline_override: Option<u32> = None;
        let rows = sqlx::query(
            "SELECT d.genie_id, d.serial, d.online, d.offline_since_ms, d.ppp_failing_since_ms, d.wan_error, s.name AS subscriber
             FROM devices d LEFT JOIN subscribers s ON s.id = d.subscriber_id WHERE d.missing = 0",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| {
                let serial: String = r.get("serial");
                let subscriber: Option<String> = r.get("subscriber");
                crate::alerts::rules::DeviceState {
                    id: r.get("genie_id"),
                    label: match subscriber {
                        Some(s) => format!("{serial} ({s})"),
                        None => serial,
                    },
                    online: r.get::<i64, _>("online") != 0,
                    offline_since_ms: r.get("offline_since_ms"),
                    offline_after_min: offline_override,
                    ppp_failing: r
                        .get::<Option<i64>, _>("ppp_failing_since_ms")
                        .map(|since| {
                            (
                                since,
                                r.get::<Option<String>, _>("wan_error").unwrap_or_default(),
                            )
                        }),
                    cpu_samples: Vec::new(),
                    mem_samples: Vec::new(),
                }
            })
            .collect())
    }
}
