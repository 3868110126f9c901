//! Firmware rollouts in the tenant's store: the rollout (its image, spec and state) and
//! its routers (batch, where each stands, the action that updates it), with the
//! candidates a rollout may target.

use super::{StoreError, TenantStore};
use acsdesk_types::firmware::{RolloutLogEntry, RolloutState};
use sqlx::Row;

/// A rollout as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct RolloutRow {
    /// Its id.
    pub id: i64,
    /// Its ACS connection's name.
    pub acs: String,
    /// The image.
    pub file: String,
    /// The version it installs.
    pub version: Option<String>,
    /// The spec, JSON of `RolloutSpec`.
    pub spec_json: String,
    /// Where it stands.
    pub state: RolloutState,
    /// Why it halted or ended.
    pub reason: Option<String>,
    /// When it started.
    pub created_ms: i64,
    /// When its last batch ended.
    pub batch_done_ms: Option<i64>,
    /// The rate limit's next dispatch time.
    pub next_dispatch_ms: Option<i64>,
}

/// One router of a rollout, with its device and its action as they are now.
#[derive(Debug, Clone, PartialEq)]
pub struct RolloutDevice {
    /// The device's row id.
    pub device_id: i64,
    /// GenieACS id.
    pub genie_id: String,
    /// Serial.
    pub serial: String,
    /// Whether it is online now.
    pub online: bool,
    /// Its batch.
    pub batch: u32,
    /// `waiting`, `queued`, `done`, `failed` or `skipped`.
    pub state: String,
    /// The action updating it.
    pub action_id: Option<i64>,
    /// Why it failed or was skipped.
    pub reason: Option<String>,
    /// The action's status and fault, when queued.
    pub action: Option<(String, Option<String>)>,
    /// When its update was queued.
    pub queued_ms: Option<i64>,
    /// When it was updated, failed or skipped.
    pub ended_ms: Option<i64>,
}

/// A router a rollout may target.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The device's row id.
    pub device_id: i64,
    /// GenieACS id.
    pub genie_id: String,
    /// Its firmware version.
    pub firmware: Option<String>,
    /// Whether a subscriber is linked to it.
    pub linked: bool,
}

fn rollout_row(r: &sqlx::sqlite::SqliteRow) -> Result<RolloutRow, StoreError> {
    let state: String = r.get("state");
    Ok(RolloutRow {
        id: r.get("id"),
        acs: r.get("acs_name"),
        file: r.get("file"),
        version: r.get("version"),
        spec_json: r.get("spec_json"),
        state: RolloutState::parse(&state)
            .ok_or_else(|| StoreError::Db(format!("unknown rollout state {state}")))?,
        reason: r.get("reason"),
        created_ms: r.get("created_ms"),
        batch_done_ms: r.get("batch_done_ms"),
        next_dispatch_ms: r.get("next_dispatch_ms"),
    })
}

fn candidate(r: &sqlx::sqlite::SqliteRow) -> Candidate {
    Candidate {
        device_id: r.get("id"),
        genie_id: r.get("genie_id"),
        firmware: r.get("firmware"),
        linked: r.get::<i64, _>("linked") != 0,
    }
}

async fn insert_routers(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    id: i64,
    routers: &[(i64, u32)],
) -> Result<(), StoreError> {
    for chunk in routers.chunks(300) {
        let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
            "INSERT INTO rollout_devices (rollout_id, device_id, batch, state) ",
        );
        q.push_values(chunk, |mut b, (device, batch)| {
            b.push_bind(id)
                .push_bind(*device)
                .push_bind(i64::from(*batch))
                .push_bind("waiting");
        });
        q.build().execute(&mut **tx).await?;
    }
    Ok(())
}

const SELECT: &str =
    "SELECT r.*, c.name AS acs_name FROM rollouts r JOIN acs_connections c ON c.id = r.acs_id";

impl TenantStore {
    /// The routers of connection `acs` of one model (product class, and OUI when
    /// given), present in the fleet.
    pub async fn rollout_candidates(
        &self,
        acs: &str,
        product_class: &str,
        oui: Option<&str>,
    ) -> Result<Vec<Candidate>, StoreError> {
        let rows = sqlx::query(
            "SELECT d.id, d.genie_id, d.firmware, d.subscriber_id IS NOT NULL AS linked
             FROM devices d JOIN acs_connections c ON c.id = d.acs_id
             WHERE c.name = ? AND c.removed_ms IS NULL AND d.missing = 0
               AND d.product_class = ? COLLATE NOCASE
               AND (? IS NULL OR d.oui = ? COLLATE NOCASE)
             ORDER BY d.serial",
        )
        .bind(acs)
        .bind(product_class)
        .bind(oui)
        .bind(oui)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.iter().map(candidate).collect())
    }

    /// Records a new rollout with its routers and their batches, at once.
    #[allow(clippy::too_many_arguments)]
    pub async fn create_rollout(
        &self,
        acs: &str,
        file: &str,
        version: Option<&str>,
        spec_json: &str,
        routers: &[(i64, u32)],
        now_ms: i64,
    ) -> Result<i64, StoreError> {
        let mut tx = self.write_tx().await?;
        let (acs_id,): (i64,) =
            sqlx::query_as("SELECT id FROM acs_connections WHERE name = ? AND removed_ms IS NULL")
                .bind(acs)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("ACS connection {acs}")))?;
        let id = sqlx::query(
            "INSERT INTO rollouts (acs_id, file, version, spec_json, state, created_ms, updated_ms)
             VALUES (?, ?, ?, ?, 'running', ?, ?)",
        )
        .bind(acs_id)
        .bind(file)
        .bind(version)
        .bind(spec_json)
        .bind(now_ms)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?
        .last_insert_rowid();
        insert_routers(&mut tx, id, routers).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Adds routers to a rollout, waiting in the batches given.
    pub async fn add_rollout_devices(
        &self,
        id: i64,
        routers: &[(i64, u32)],
    ) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        insert_routers(&mut tx, id, routers).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The routers of a model that AcsDesk first saw at or after `since_ms` and that
    /// are not yet part of rollout `id`: those a standing rollout may take.
    pub async fn rollout_newcomers(
        &self,
        id: i64,
        acs: &str,
        product_class: &str,
        oui: Option<&str>,
        since_ms: i64,
    ) -> Result<Vec<Candidate>, StoreError> {
        let rows = sqlx::query(
            "SELECT d.id, d.genie_id, d.firmware, d.subscriber_id IS NOT NULL AS linked
             FROM devices d JOIN acs_connections c ON c.id = d.acs_id
             WHERE c.name = ? AND c.removed_ms IS NULL AND d.missing = 0
               AND d.product_class = ? COLLATE NOCASE
               AND (? IS NULL OR d.oui = ? COLLATE NOCASE)
               AND d.created_ms >= ?
               AND NOT EXISTS (SELECT 1 FROM rollout_devices rd
                               WHERE rd.rollout_id = ? AND rd.device_id = d.id)
             ORDER BY d.created_ms, d.serial",
        )
        .bind(acs)
        .bind(product_class)
        .bind(oui)
        .bind(oui)
        .bind(since_ms)
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.iter().map(candidate).collect())
    }

    /// One rollout.
    pub async fn rollout(&self, id: i64) -> Result<RolloutRow, StoreError> {
        let r = sqlx::query(&format!("{SELECT} WHERE r.id = ?"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("rollout {id}")))?;
        rollout_row(&r)
    }

    /// The rollouts, newest first; of connection `acs` only when given.
    pub async fn rollouts(&self, acs: Option<&str>) -> Result<Vec<RolloutRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "{SELECT} WHERE ? IS NULL OR c.name = ? ORDER BY r.id DESC"
        ))
        .bind(acs)
        .bind(acs)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(rollout_row).collect()
    }

    /// How many rollouts not yet ended install `file` from connection `acs`.
    pub async fn rollouts_using(&self, acs: &str, file: &str) -> Result<u64, StoreError> {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT count(*) FROM rollouts r JOIN acs_connections c ON c.id = r.acs_id
             WHERE c.name = ? AND r.file = ? AND r.state NOT IN ('completed', 'cancelled')",
        )
        .bind(acs)
        .bind(file)
        .fetch_one(self.pool())
        .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// A rollout's routers with their devices and actions as they are now.
    pub async fn rollout_devices(&self, id: i64) -> Result<Vec<RolloutDevice>, StoreError> {
        let rows = sqlx::query(
            "SELECT rd.device_id, d.genie_id, d.serial, d.online, d.missing, rd.batch, rd.state,
                    rd.action_id, rd.reason, rd.queued_ms, rd.ended_ms, a.status AS action_status,
                    a.fault_message AS action_fault
             FROM rollout_devices rd JOIN devices d ON d.id = rd.device_id
             LEFT JOIN device_actions a ON a.id = rd.action_id
             WHERE rd.rollout_id = ? ORDER BY rd.batch, d.serial",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| RolloutDevice {
                device_id: r.get("device_id"),
                genie_id: r.get("genie_id"),
                serial: r.get("serial"),
                online: r.get::<i64, _>("online") != 0 && r.get::<i64, _>("missing") == 0,
                batch: u32::try_from(r.get::<i64, _>("batch")).unwrap_or(0),
                state: r.get("state"),
                action_id: r.get("action_id"),
                reason: r.get("reason"),
                action: r
                    .get::<Option<String>, _>("action_status")
                    .map(|s| (s, r.get("action_fault"))),
                queued_ms: r.get("queued_ms"),
                ended_ms: r.get("ended_ms"),
            })
            .collect())
    }

    /// Sets where one router of a rollout stands (at `now_ms`: when it was queued, or
    /// when it was updated, failed or skipped).
    pub async fn set_rollout_device(
        &self,
        id: i64,
        device_id: i64,
        state: &str,
        action_id: Option<i64>,
        reason: Option<&str>,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE rollout_devices SET state = ?1, action_id = COALESCE(?2, action_id), reason = ?3,
                 queued_ms = CASE WHEN ?1 = 'queued' THEN ?6 ELSE queued_ms END,
                 ended_ms = CASE WHEN ?1 IN ('done', 'failed', 'skipped') THEN ?6 ELSE ended_ms END
             WHERE rollout_id = ?4 AND device_id = ?5",
        )
        .bind(state)
        .bind(action_id)
        .bind(reason)
        .bind(id)
        .bind(device_id)
        .bind(now_ms)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Moves a rollout to `state` (with why), only from `from` states: `false` when it was
    /// in none of them.
    pub async fn set_rollout_state(
        &self,
        id: i64,
        from: &[RolloutState],
        state: RolloutState,
        reason: Option<&str>,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new("UPDATE rollouts SET state = ");
        q.push_bind(state.as_str())
            .push(", reason = ")
            .push_bind(reason)
            .push(", updated_ms = ")
            .push_bind(now_ms)
            .push(" WHERE id = ")
            .push_bind(id)
            .push(" AND state IN (");
        let mut sep = q.separated(", ");
        for s in from {
            sep.push_bind(s.as_str());
        }
        q.push(")");
        Ok(q.build().execute(self.pool()).await?.rows_affected() > 0)
    }

    /// Sets the rate limit's next dispatch time (none: no schedule, start from now).
    pub async fn set_rollout_next_dispatch(
        &self,
        id: i64,
        at_ms: Option<i64>,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE rollouts SET next_dispatch_ms = ? WHERE id = ?")
            .bind(at_ms)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Adds a line to a rollout's log.
    pub async fn log_rollout(
        &self,
        id: i64,
        now_ms: i64,
        level: &str,
        kind: &str,
        message: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO rollout_log (rollout_id, at_ms, level, kind, message) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(now_ms)
        .bind(level)
        .bind(kind)
        .bind(message)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// A rollout's log, oldest first; the last `limit` lines when given.
    pub async fn rollout_log(
        &self,
        id: i64,
        limit: Option<u32>,
    ) -> Result<Vec<RolloutLogEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT * FROM (SELECT id, at_ms, level, kind, message FROM rollout_log
                            WHERE rollout_id = ? ORDER BY id DESC LIMIT ?)
             ORDER BY id",
        )
        .bind(id)
        .bind(limit.map_or(-1, i64::from))
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| RolloutLogEntry {
                at_ms: r.get("at_ms"),
                level: r.get("level"),
                kind: r.get("kind"),
                message: r.get("message"),
            })
            .collect())
    }

    /// The kind of the last line of a rollout's log among `kinds`.
    pub async fn last_rollout_log_kind(
        &self,
        id: i64,
        kinds: &[&str],
    ) -> Result<Option<String>, StoreError> {
        let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
            "SELECT kind FROM rollout_log WHERE rollout_id = ",
        );
        q.push_bind(id).push(" AND kind IN (");
        let mut sep = q.separated(", ");
        for k in kinds {
            sep.push_bind(*k);
        }
        q.push(") ORDER BY id DESC LIMIT 1");
        Ok(q.build_query_scalar().fetch_optional(self.pool()).await?)
    }

    /// Records that a rollout's batch ended now (the pause counts from here).
    pub async fn set_rollout_batch_done(&self, id: i64, now_ms: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE rollouts SET batch_done_ms = ?, updated_ms = ? WHERE id = ?")
            .bind(now_ms)
            .bind(now_ms)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
