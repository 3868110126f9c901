//! The `device_actions` table: the persistent action queue. An action's intent is written
//! before it is sent, so a crash at any point can be resolved without running it twice.

use super::leases::{hold_for_action, LeaseTerms};
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
    /// The ACS connection the device belongs to.
    pub acs: String,
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
    /// GenieACS's records of this kind of task on the device before the first send.
    pub evidence: Option<serde_json::Value>,
    /// When its task left GenieACS's queue (ran), as far as the worker saw.
    pub ran_ms: Option<i64>,
    /// Where a sent action is on its way, as the worker last saw it.
    pub stage: Option<acsdesk_types::actions::ActionStage>,
}

/// Where a set of actions stands, from [`TenantStore::action_tally`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActionTally {
    /// Waiting to be sent.
    pub pending: u64,
    /// In GenieACS, not yet proven.
    pub sent: u64,
    /// Proven done.
    pub completed: u64,
    /// Failed.
    pub failed: u64,
    /// Withdrawn.
    pub cancelled: u64,
    /// The first failed actions, oldest first.
    pub failed_rows: Vec<ActionRow>,
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
        acs: r.get("acs_name"),
        evidence: r
            .get::<Option<String>, _>("evidence_json")
            .and_then(|t| serde_json::from_str(&t).ok()),
        ran_ms: r.get("ran_ms"),
        stage: r
            .get::<Option<String>, _>("stage_json")
            .and_then(|t| serde_json::from_str(&t).ok()),
    })
}

const SELECT: &str = "SELECT a.*, d.genie_id, c.name AS acs_name FROM device_actions a
     JOIN devices d ON d.id = a.device_id JOIN acs_connections c ON c.id = d.acs_id";

impl TenantStore {
    /// Queues an action on a device of this tenant (an unknown device is refused; one
    /// that several of the tenant's ACS connections know needs [`Self::enqueue_action_in`]).
    pub async fn enqueue_action(
        &self,
        genie_id: &str,
        request: &ActionRequest,
        requested_by: &str,
        now_ms: i64,
    ) -> Result<ActionRow, StoreError> {
        self.enqueue_action_in(None, genie_id, request, requested_by, now_ms)
            .await
    }

    /// Queues an action on a device of connection `acs` (any connection when `None`, as
    /// long as only one knows the device).
    pub async fn enqueue_action_in(
        &self,
        acs: Option<&str>,
        genie_id: &str,
        request: &ActionRequest,
        requested_by: &str,
        now_ms: i64,
    ) -> Result<ActionRow, StoreError> {
        let ids = self
            .enqueue_actions(
                &[(acs.map(str::to_owned), genie_id.to_owned())],
                request,
                requested_by,
                now_ms,
            )
            .await?;
        let id = ids
            .first()
            .copied()
            .ok_or_else(|| StoreError::Db("the action was not queued".into()))?;
        self.action(id).await
    }

    /// Queues one action on many devices (connection, GenieACS id) in one transaction:
    /// all of them or, when one device is unknown or ambiguous, none. Returns the action
    /// ids in the order given.
    pub async fn enqueue_actions(
        &self,
        targets: &[(Option<String>, String)],
        request: &ActionRequest,
        requested_by: &str,
        now_ms: i64,
    ) -> Result<Vec<i64>, StoreError> {
        let payload = serde_json::to_string(request).map_err(|e| StoreError::Db(e.to_string()))?;
        let message = format!("{} requested by {requested_by}", request.describe());
        let mut devices = Vec::with_capacity(targets.len());
        for (acs, genie_id) in targets {
            devices.push(self.locate_device(acs.as_deref(), genie_id).await?.0);
        }
        // Each action and its log entry land together, and the batch as one.
        let mut tx = self.write_tx().await?;
        let mut ids = Vec::with_capacity(devices.len());
        for device_id in devices {
            let mut key = [0_u8; 12];
            getrandom::fill(&mut key).map_err(|e| StoreError::Key(e.to_string()))?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO device_actions (device_id, action, payload, status, unique_key, requested_by, created_ms)
                 VALUES (?, ?, ?, 'pending', ?, ?, ?) RETURNING id",
            )
            .bind(device_id)
            .bind(request.name())
            .bind(&payload)
            .bind(format!("acsdesk-{}", hex::encode(key)))
            .bind(requested_by)
            .bind(now_ms)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("INSERT INTO device_logs (device_id, level, kind, message, payload, created_ms) VALUES (?, 'info', 'action_requested', ?, ?, ?)")
                .bind(device_id)
                .bind(&message)
                .bind(serde_json::json!({"action_id": id}).to_string())
                .bind(now_ms)
                .execute(&mut *tx)
                .await?;
            ids.push(id);
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// The ACS connection device `genie_id` is on (within `acs` when given). A device
    /// several connections know must be named with its connection.
    pub async fn device_acs(
        &self,
        acs: Option<&str>,
        genie_id: &str,
    ) -> Result<String, StoreError> {
        Ok(self.locate_device(acs, genie_id).await?.1)
    }

    async fn locate_device(
        &self,
        acs: Option<&str>,
        genie_id: &str,
    ) -> Result<(i64, String), StoreError> {
        let found: Vec<(i64, String)> = sqlx::query_as(
            "SELECT d.id, c.name FROM devices d JOIN acs_connections c ON c.id = d.acs_id
             WHERE d.genie_id = ? AND d.missing = 0 AND (? IS NULL OR c.name = ?) ORDER BY d.id",
        )
        .bind(genie_id)
        .bind(acs)
        .bind(acs)
        .fetch_all(self.pool())
        .await?;
        match found.as_slice() {
            [] => Err(StoreError::NotFound(match acs {
                Some(a) => format!("device {genie_id} on ACS connection \"{a}\""),
                None => format!("device {genie_id} in this tenant"),
            })),
            [one] => Ok(one.clone()),
            several => {
                let names: Vec<&str> = several.iter().map(|(_, n)| n.as_str()).collect();
                Err(StoreError::Invalid {
                    field: "acs",
                    reason: format!(
                        "device {genie_id} is on several ACS connections ({}): say which",
                        names.join(", ")
                    ),
                })
            }
        }
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

    /// One device's actions, newest first (`acs` narrows to one connection's device).
    pub async fn device_actions(
        &self,
        acs: Option<&str>,
        genie_id: &str,
        limit: u32,
    ) -> Result<Vec<ActionRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "{SELECT} WHERE d.genie_id = ? AND (? IS NULL OR c.name = ?) ORDER BY a.id DESC LIMIT ?"
        ))
        .bind(genie_id)
        .bind(acs)
        .bind(acs)
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(row).collect()
    }

    /// Where a set of actions stands (a bulk action's progress): how many are in each
    /// status, and the first `failures` that failed. Ids that do not exist are not
    /// counted.
    pub async fn action_tally(
        &self,
        ids: &[i64],
        failures: usize,
    ) -> Result<ActionTally, StoreError> {
        let mut tally = ActionTally::default();
        // Within SQLite's limit on bound parameters.
        for chunk in ids.chunks(500) {
            let marks = vec!["?"; chunk.len()].join(",");
            let sql = format!(
                "SELECT status, count(*) AS n FROM device_actions WHERE id IN ({marks}) GROUP BY status"
            );
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(id);
            }
            for r in q.fetch_all(self.pool()).await? {
                let status: String = r.get("status");
                let n = r.get::<i64, _>("n").max(0) as u64;
                match ActionStatus::parse(&status) {
                    Some(ActionStatus::Pending) => tally.pending += n,
                    Some(ActionStatus::Sent) => tally.sent += n,
                    Some(ActionStatus::Completed) => tally.completed += n,
                    Some(ActionStatus::Failed) => tally.failed += n,
                    Some(ActionStatus::Cancelled) | None => tally.cancelled += n,
                }
            }
            if tally.failed_rows.len() < failures {
                let sql = format!(
                    "{SELECT} WHERE a.id IN ({marks}) AND a.status = 'failed' ORDER BY a.id LIMIT ?"
                );
                let mut q = sqlx::query(&sql);
                for id in chunk {
                    q = q.bind(id);
                }
                let room = failures - tally.failed_rows.len();
                for r in q.bind(room as i64).fetch_all(self.pool()).await? {
                    tally.failed_rows.push(row(&r)?);
                }
            }
        }
        Ok(tally)
    }

    /// The oldest pending action of connection `acs` due at `now_ms`.
    pub async fn next_pending_action(
        &self,
        acs: &str,
        now_ms: i64,
    ) -> Result<Option<ActionRow>, StoreError> {
        let r = sqlx::query(&format!(
            "{SELECT} WHERE c.name = ? AND a.status = 'pending' AND (a.next_try_ms IS NULL OR a.next_try_ms <= ?) ORDER BY a.id LIMIT 1"
        ))
        .bind(acs)
        .bind(now_ms)
        .fetch_optional(self.pool())
        .await?;
        r.as_ref().map(row).transpose()
    }

    /// The ids of connection `acs`'s pending actions that are due, oldest first, at most
    /// `limit` (a runner sends them a few at a time).
    pub async fn due_actions(
        &self,
        acs: &str,
        now_ms: i64,
        limit: u32,
    ) -> Result<Vec<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT a.id FROM device_actions a JOIN devices d ON d.id = a.device_id
             JOIN acs_connections c ON c.id = d.acs_id WHERE c.name = ? AND a.status = 'pending' AND (a.next_try_ms IS NULL OR a.next_try_ms <= ?)
             ORDER BY a.id LIMIT ?",
        )
        .bind(acs)
        .bind(now_ms)
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?)
    }

    /// The sent actions of connection `acs` (their tasks to follow), oldest first.
    pub async fn sent_actions(&self, acs: &str, limit: u32) -> Result<Vec<ActionRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "{SELECT} WHERE c.name = ? AND a.status = 'sent' ORDER BY a.id LIMIT ?"
        ))
        .bind(acs)
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(row).collect()
    }

    /// Claims a pending action for sending and records the intent first: status `sent`,
    /// one more attempt, and (the first time) what the device document said before.
    /// Returns `false` when another worker claimed it first, which then sends it, or
    /// when `lease.owner` does not hold its connection's lease (checked and renewed in
    /// the same transaction).
    pub async fn claim_action(
        &self,
        id: i64,
        evidence: Option<&serde_json::Value>,
        lease: LeaseTerms<'_>,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write_tx().await?;
        if !hold_for_action(&mut tx, id, lease, now_ms).await? {
            return Ok(false);
        }
        let claimed = sqlx::query(
            "UPDATE device_actions SET status = 'sent', attempts = attempts + 1, sent_ms = ?, next_try_ms = NULL,
                evidence_json = COALESCE(evidence_json, ?)
             WHERE id = ? AND status = 'pending'",
        )
        .bind(now_ms)
        .bind(evidence.map(|e| e.to_string()))
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if claimed {
            sent_log(&mut tx, id, now_ms).await?;
        }
        tx.commit().await?;
        Ok(claimed)
    }

    /// Counts one more send of an action already `sent` whose first send left no trace
    /// in GenieACS. `false` when it is no longer `sent`, another worker resent it, or
    /// `lease.owner` does not hold its connection's lease.
    pub async fn claim_resend(
        &self,
        id: i64,
        attempts_seen: i64,
        lease: LeaseTerms<'_>,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write_tx().await?;
        if !hold_for_action(&mut tx, id, lease, now_ms).await? {
            return Ok(false);
        }
        let claimed = sqlx::query(
            "UPDATE device_actions SET attempts = attempts + 1, sent_ms = ?
             WHERE id = ? AND status = 'sent' AND attempts = ? AND task_id IS NULL",
        )
        .bind(now_ms)
        .bind(id)
        .bind(attempts_seen)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if claimed {
            sent_log(&mut tx, id, now_ms).await?;
        }
        tx.commit().await?;
        Ok(claimed)
    }

    /// Adds a line about an action to its device's log.
    pub async fn note_action(
        &self,
        id: i64,
        level: &str,
        kind: &str,
        message: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO device_logs (device_id, level, kind, message, payload, created_ms)
             SELECT device_id, ?, ?, ?, ?, ? FROM device_actions WHERE id = ?",
        )
        .bind(level)
        .bind(kind)
        .bind(message)
        .bind(serde_json::json!({"action_id": id}).to_string())
        .bind(now_ms)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Records when the action's task left GenieACS's queue (the first time only).
    pub async fn set_action_ran(&self, id: i64, now_ms: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE device_actions SET ran_ms = COALESCE(ran_ms, ?) WHERE id = ?")
            .bind(now_ms)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Records where a sent action now is on its way, with a line in its device's log
    /// when that changed. Returns whether it changed.
    pub async fn set_action_stage(
        &self,
        id: i64,
        stage: &acsdesk_types::actions::ActionStage,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let text = serde_json::to_string(stage)
            .map_err(|e| StoreError::Db(format!("action stage: {e}")))?;
        let mut tx = self.write_tx().await?;
        let changed = sqlx::query(
            "UPDATE device_actions SET stage_json = ? WHERE id = ? AND status = 'sent'
             AND stage_json IS NOT ?",
        )
        .bind(&text)
        .bind(id)
        .bind(&text)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            > 0;
        if changed {
            let payload: Option<(String,)> =
                sqlx::query_as("SELECT payload FROM device_actions WHERE id = ?")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let what = payload
                .and_then(|(p,)| serde_json::from_str::<ActionRequest>(&p).ok())
                .map(|r| r.describe())
                .unwrap_or_else(|| format!("action {id}"));
            sqlx::query(
                "INSERT INTO device_logs (device_id, level, kind, message, payload, created_ms)
                 SELECT device_id, 'info', 'action_stage', ?, ?, ? FROM device_actions WHERE id = ?",
            )
            .bind(format!("{what}: {}", stage.describe()))
            .bind(serde_json::json!({"action_id": id, "stage": stage}).to_string())
            .bind(now_ms)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(changed)
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

    /// Puts an action GenieACS never received back in the queue until `at_ms` (one that
    /// has a task id reached GenieACS and stays `sent`).
    pub async fn retry_action_at(&self, id: i64, at_ms: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE device_actions SET status = 'pending', next_try_ms = ? WHERE id = ? AND status IN ('pending', 'sent') AND task_id IS NULL")
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
        let mut tx = self.write_tx().await?;
        sqlx::query("UPDATE device_actions SET status = ?, fault_code = ?, fault_message = ?, finished_ms = ?, stage_json = NULL WHERE id = ?")
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

/// The device log's line for a send, in the claim's transaction.
async fn sent_log(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    id: i64,
    now_ms: i64,
) -> Result<(), StoreError> {
    let (payload, attempts): (String, i64) =
        sqlx::query_as("SELECT payload, attempts FROM device_actions WHERE id = ?")
            .bind(id)
            .fetch_one(&mut **tx)
            .await?;
    let request: ActionRequest = serde_json::from_str(&payload)
        .map_err(|e| StoreError::Db(format!("stored action is unreadable: {e}")))?;
    sqlx::query(
        "INSERT INTO device_logs (device_id, level, kind, message, payload, created_ms)
         SELECT device_id, 'info', 'action_sent', ?, ?, ? FROM device_actions WHERE id = ?",
    )
    .bind(if attempts > 1 {
        format!(
            "{} sent to GenieACS (attempt {attempts})",
            request.describe()
        )
    } else {
        format!("{} sent to GenieACS", request.describe())
    })
    .bind(serde_json::json!({"action_id": id, "attempt": attempts}).to_string())
    .bind(now_ms)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
