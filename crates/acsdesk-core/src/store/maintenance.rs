//! Maintenance windows: while one is open, alerts about what it covers (a device, an
//! ACS connection, or the whole tenant) are recorded but not notified.

use super::{StoreError, TenantStore};
use crate::alerts::reconcile::MaintenanceWindow;
use crate::alerts::Subject;
use sqlx::Row;

/// A window as listed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MaintenanceRow {
    /// Row id.
    pub id: i64,
    /// What it covers; `None` is the whole tenant.
    pub subject: Option<Subject>,
    /// When it starts (Unix ms).
    pub from_ms: i64,
    /// When it ends.
    pub until_ms: i64,
    /// Why, for people.
    pub reason: String,
}

fn subject_of(r: &sqlx::sqlite::SqliteRow) -> Option<Subject> {
    let kind: Option<String> = r.get("subject_type");
    let id: Option<String> = r.get("subject_id");
    match (kind.as_deref(), id) {
        (Some("device"), Some(id)) => Some(Subject::Device(id)),
        (Some("acs"), Some(name)) => Some(Subject::Acs(name)),
        _ => None,
    }
}

impl TenantStore {
    /// Opens a maintenance window from `from_ms` to `until_ms` over `subject` (the whole
    /// tenant when `None`). A device or connection it names must exist; a window must
    /// end after it starts and after now.
    pub async fn add_maintenance(
        &self,
        subject: Option<&Subject>,
        from_ms: i64,
        until_ms: i64,
        reason: &str,
        now_ms: i64,
    ) -> Result<i64, StoreError> {
        if until_ms <= from_ms || until_ms <= now_ms {
            return Err(StoreError::Invalid {
                field: "until",
                reason: "a maintenance window must end after it starts and after now".into(),
            });
        }
        if until_ms - from_ms > 31 * 86_400_000 {
            return Err(StoreError::Invalid {
                field: "until",
                reason: "a maintenance window lasts at most 31 days".into(),
            });
        }
        let (kind, id) = match subject {
            None => (None, None),
            Some(Subject::Device(id)) => {
                self.device(id).await?;
                (Some("device"), Some(id.as_str()))
            }
            Some(Subject::Acs(name)) => {
                self.acs(name).await?;
                (Some("acs"), Some(name.as_str()))
            }
        };
        Ok(sqlx::query_scalar(
            "INSERT INTO maintenance_windows (subject_type, subject_id, from_ms, until_ms, reason, created_ms)
             VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(kind)
        .bind(id)
        .bind(from_ms)
        .bind(until_ms)
        .bind(reason.trim())
        .bind(now_ms)
        .fetch_one(self.pool())
        .await?)
    }

    /// Windows not yet over at `now_ms` (open or to come), soonest first.
    pub async fn maintenance(&self, now_ms: i64) -> Result<Vec<MaintenanceRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT * FROM maintenance_windows WHERE until_ms > ? ORDER BY from_ms, id",
        )
        .bind(now_ms)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| MaintenanceRow {
                id: r.get("id"),
                subject: subject_of(r),
                from_ms: r.get("from_ms"),
                until_ms: r.get("until_ms"),
                reason: r.get("reason"),
            })
            .collect())
    }

    /// The windows open at `now_ms`, as delivery planning reads them.
    pub async fn active_maintenance(
        &self,
        now_ms: i64,
    ) -> Result<Vec<MaintenanceWindow>, StoreError> {
        Ok(self
            .maintenance(now_ms)
            .await?
            .into_iter()
            .filter(|w| w.from_ms <= now_ms)
            .map(|w| MaintenanceWindow {
                subject: w.subject,
                from_ms: w.from_ms,
                until_ms: w.until_ms,
            })
            .collect())
    }

    /// Ends a window now (or drops one that has not started).
    pub async fn end_maintenance(&self, id: i64, now_ms: i64) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE maintenance_windows SET until_ms = max(from_ms + 1, ?) WHERE id = ? AND until_ms > ?",
        )
        .bind(now_ms)
        .bind(id)
        .bind(now_ms)
        .execute(self.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!(
                "open maintenance window {id}"
            )));
        }
        Ok(())
    }
}
