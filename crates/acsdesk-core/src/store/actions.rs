//! The `device_actions` table: the persistent action queue. An action's intent is written
//! before it is sent, so a crash at any point can be resolved without running it twice.

use super::{StoreError, TenantStore};
use crate::actions::{ActionRequest, ActionStatus};
use sqlx::Row;

/// An action as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionRow {
    /// Row id.
    pub id: i64,
    /// GenieACS id of the device.
    pub device: String,
    /// The request (secrets inside; never print it).
    pub request: ActionRequest,
    /// Its status.
    pub status: ActionStatus,
    /// Send attempts so far.
    pub attempts: i64,
    /// The `uniqueKey` it carries to GenieACS.
    pub unique_key: String,
    /// GenieACS's task id, once known.
    pub task_id: Option<String>,
    /// Fault code, when it failed.
    pub fault_code: Option<String>,
    /// Why it failed, for people.
    pub fault_message: Option<String>,
    /// Who asked.
    pub requested_by: String,
    /// When it was asked for.
    pub created_ms: i64,
    /// When it was (last) sent.
    pub sent_ms: Option<i64>,
    /// When it ended.
    pub finished_ms: Option<i64>,
}

fn row(r: &sqlx::sqlite::SqliteRow) -> Result<ActionRow, StoreError> {
    let status: String = r.get("status");
    let payload: String = r.get("payload");
    Ok(ActionRow {
        id: r.get("id"),
        device: r.get("genie_id"),
        request: serde_json::from_str(&payload)
            .map_err(|e| StoreError::Db(format!("stored action is unreadable: {e}")))?,
        status: ActionStatus::parse(&status)
            .ok_or_else(|| StoreError::Db(format!("unknown action status {status}")))?,
        attempts: r.get("attempts"),
        unique_key: r.get("unique_key"),
        task_id: r.get("task_id"),
        fault_code: r.get("fault_code"),
        fault_message: r.get("fault_message"),
        requested_by: r.get("requested_by"),
        created_ms: r.get("created_ms"),
        sent_ms: r.get("sent_ms"),
        finished_ms: r.get("finished_ms"),
    })
}

const SELECT: &str =
    "SELECT a.*, d.genie_id FROM device_actions a JOIN devices d ON d.id = a.device_id";

impl TenantStore {
    /// Queues an action on a device of this tenant (an unknown device is refused).
    pub async fn enqueue_action(
        &self,
        genie_id: &str,
        request: &ActionRequest,
        requested_by: &str,
        now_ms: i64,
    ) -> Result<ActionRow, StoreError> {
        let device_id: i64 = sqlx::query_scalar(
            "SELECT id FROM devices WHERE genie_id = ? AND missing = 0 ORDER BY id LIMIT 1",
        )
        .bind(genie_id)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("device {genie_id} in this tenant")))?;
        let mut key = [0_u8; 12];
        getrandom::fill(&mut key).map_err(|e| StoreError::Key(e.to_string()))?;
        let payload = serde_json::to_string(request).map_err(|e| StoreError::Db(e.to_string()))?;
        // The action and its log entry land together or not at all.
        let mut tx = self.pool().begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO device_actions (device_id, action, payload, status, unique_key, requested_by, created_ms)
             VALUES (?, ?, ?, 'pending', ?, ?, ?) RETURNING id",
        )
        .bind(device_id)
        .bind(request.name())
        .bind(payload)
        .bind(format!("acsdesk-{}", hex::encode(key)))
        .bind(requested_by)
        .bind(now_ms)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("INSERT INTO device_logs (device_id, level, kind, message, payload, created_ms) VALUES (?, 'info', 'action_requested', ?, ?, ?)")
            .bind(device_id)
            .bind(format!("{} requested by {requested_by}", request.describe()))
            .bind(serde_json::json!({"action_id": id}).to_string())
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.action(id).await
    }

    /// One action.
    pub async fn action(&self, id: i64) -> Result<ActionRow, StoreError> {
        let r = sqlx::query(&format!("{SELECT} WHERE a.id = ?"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("action {id}")))?;
        row(&r)
    }

    /// Actions, newest first, optionally with one status.
    pub async fn actions(
        &self,
        status: Option<ActionStatus>,
        limit: u32,
    ) -> Result<Vec<ActionRow>, StoreError> {
        let rows = match status {
            Some(s) => {
                sqlx::query(&format!(
                    "{SELECT} WHERE a.status = ? ORDER BY a.id DESC LIMIT ?"
                ))
                .bind(s.as_str())
                .bind(i64::from(limit))
                .fetch_all(self.pool())
                .await?
            }
            None => {
                sqlx::query(&format!("{SELECT} ORDER BY a.id DESC LIMIT ?"))
                    .bind(i64::from(limit))
                    .fetch_all(self.pool())
                    .await?
            }
        };
        rows.iter().map(row).collect()
    }

    /// The oldest pending action due at `now_ms`.
    pub async fn next_pending_action(&self, now_ms: i64) -> Result<Option<ActionRow>, StoreError> {
        let r = sqlx::query(&format!(
            "{SELECT} WHERE a.status = 'pending' AND (a.next_try_ms IS NULL OR a.next_try_ms <= ?) ORDER BY a.id LIMIT 1"
        ))
        .bind(now_ms)
        .fetch_optional(self.pool())
        .await?;
        r.as_ref().map(row).transpose()
    }

    /// Records the intent to send, before sending: status `sent`, one more attempt.
    pub async fn mark_action_sending(&self, id: i64, now_ms: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE device_actions SET status = 'sent', attempts = attempts + 1, sent_ms = ?, next_try_ms = NULL WHERE id = ? AND status IN ('pending', 'sent')")
            .bind(now_ms)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Records GenieACS's task id.
    pub async fn set_action_task(&self, id: i64, task_id: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE device_actions SET task_id = ? WHERE id = ?")
            .bind(task_id)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Puts a not-yet-sent action back in the queue until `at_ms`.
    pub async fn retry_action_at(&self, id: i64, at_ms: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE device_actions SET status = 'pending', next_try_ms = ? WHERE id = ? AND status IN ('pending', 'sent')")
            .bind(at_ms)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Ends an action (completed, failed or cancelled) and logs it on the device.
    pub async fn finish_action(
        &self,
        id: i64,
        status: ActionStatus,
        fault: Option<(&str, &str)>,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let current = self.action(id).await?;
        if !current.status.can_move_to(status) {
            return Err(StoreError::Conflict(format!(
                "action {id} is {} and cannot become {}",
                current.status.as_str(),
                status.as_str()
            )));
        }
        let mut tx = self.pool().begin().await?;
        sqlx::query("UPDATE device_actions SET status = ?, fault_code = ?, fault_message = ?, finished_ms = ? WHERE id = ?")
            .bind(status.as_str())
            .bind(fault.map(|f| f.0))
            .bind(fault.map(|f| f.1))
            .bind(now_ms)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let (level, verb) = match status {
            ActionStatus::Completed => ("info", "completed"),
            ActionStatus::Cancelled => ("info", "cancelled"),
            _ => ("error", "failed"),
        };
        let message = match fault {
            Some((code, msg)) => format!("{} {verb}: {msg} ({code})", current.request.describe()),
            None => format!("{} {verb}", current.request.describe()),
        };
        sqlx::query(
            "INSERT INTO device_logs (device_id, level, kind, message, payload, created_ms)
             SELECT device_id, ?, ?, ?, ?, ? FROM device_actions WHERE id = ?",
        )
        .bind(level)
        .bind(format!("action_{verb}"))
        .bind(message)
        .bind(serde_json::json!({"action_id": id, "task_id": current.task_id, "fault": fault.map(|f| f.0)}).to_string())
        .bind(now_ms)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
