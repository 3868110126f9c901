//! The faults GenieACS holds for a connection's devices, replaced after each sync: the
//! alert rules read provisioning and firmware failures from them.

use super::{StoreError, TenantStore};
use acsdesk_genieacs::api::faults::Fault;

/// The channel of AcsDesk's own read-back findings, beside GenieACS's faults.
pub const READBACK_CHANNEL: &str = "acsdesk-readback";

impl TenantStore {
    /// Replaces what is known of connection `acs`'s faults with `faults` (GenieACS's
    /// whole list), in one transaction. A provisioning fault (one not on a task's
    /// channel, which the action's own log tells) that appears or goes is written to its
    /// device's log, stamped `now_ms`.
    pub async fn replace_faults(
        &self,
        acs: &str,
        faults: &[Fault],
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let acs_id = self.acs(acs).await?.id;
        let mut tx = self.write_tx().await?;
        let before: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT fault_id, genie_id, channel FROM device_faults WHERE acs_id = ?",
        )
        .bind(acs_id)
        .fetch_all(&mut *tx)
        .await?;
        let provisioning =
            |channel: &str| !channel.starts_with("task_") && channel != READBACK_CHANNEL;
        // Tasks AcsDesk queued: their fault fails their action, which logs it.
        let ours: Vec<String> = sqlx::query_scalar(
            "SELECT 'task_' || a.task_id FROM device_actions a JOIN devices d ON d.id = a.device_id
             WHERE d.acs_id = ? AND a.task_id IS NOT NULL",
        )
        .bind(acs_id)
        .fetch_all(&mut *tx)
        .await?;
        let mut notes: Vec<(String, &str, &str, String, serde_json::Value)> = Vec::new();
        for f in faults {
            let new = !before.iter().any(|(id, ..)| *id == f.id);
            if new && f.channel.starts_with("task_") && !ours.contains(&f.channel) {
                notes.push((
                    f.device.clone(),
                    "warning",
                    "task_failed",
                    format!(
                        "A task queued outside AcsDesk failed ({}: {})",
                        f.code, f.message
                    ),
                    serde_json::json!({"channel": f.channel, "code": f.code, "retries": f.retries}),
                ));
            }
            if provisioning(&f.channel) && new {
                notes.push((
                    f.device.clone(),
                    "warning",
                    "provisioning_failed",
                    format!(
                        "Provisioning failed on {} ({}: {})",
                        f.channel, f.code, f.message
                    ),
                    serde_json::json!({"channel": f.channel, "code": f.code, "retries": f.retries}),
                ));
            }
        }
        for (id, device, channel) in &before {
            if provisioning(channel) && !faults.iter().any(|f| f.id == *id) {
                notes.push((
                    device.clone(),
                    "info",
                    "provisioning_recovered",
                    format!("Provisioning on {channel} succeeded again"),
                    serde_json::json!({"channel": channel}),
                ));
            }
        }
        for (device, level, kind, message, payload) in notes {
            sqlx::query(
                "INSERT INTO device_logs (device_id, level, kind, message, payload, created_ms)
                 SELECT id, ?, ?, ?, ?, ? FROM devices WHERE acs_id = ? AND genie_id = ?",
            )
            .bind(level)
            .bind(kind)
            .bind(message)
            .bind(payload.to_string())
            .bind(now_ms)
            .bind(acs_id)
            .bind(device)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("DELETE FROM device_faults WHERE acs_id = ? AND channel <> ?")
            .bind(acs_id)
            .bind(READBACK_CHANNEL)
            .execute(&mut *tx)
            .await?;
        for f in faults {
            let at_ms = acsdesk_time::parse_iso(&f.timestamp);
            sqlx::query(
                "INSERT OR REPLACE INTO device_faults (acs_id, fault_id, genie_id, channel, code, message, provisions, retries, at_ms)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(acs_id)
            .bind(&f.id)
            .bind(&f.device)
            .bind(&f.channel)
            .bind(&f.code)
            .bind(&f.message)
            .bind(&f.provisions)
            .bind(i64::from(f.retries))
            .bind(at_ms)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Replaces AcsDesk's own findings for connection `acs`: routers that carry their
    /// configuration's tag but read back other values (`genie_id`, what differs). Kept
    /// beside GenieACS's faults on [`READBACK_CHANNEL`], so they raise the same
    /// *provisioning failed* alert; each one that appears or goes is written to its
    /// device's log, stamped `now_ms` (one that stays keeps its first time).
    pub async fn replace_readback_faults(
        &self,
        acs: &str,
        mismatches: &[(String, String)],
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let acs_id = self.acs(acs).await?.id;
        let mut tx = self.write_tx().await?;
        let before: Vec<(String, String)> = sqlx::query_as(
            "SELECT genie_id, message FROM device_faults WHERE acs_id = ? AND channel = ?",
        )
        .bind(acs_id)
        .bind(READBACK_CHANNEL)
        .fetch_all(&mut *tx)
        .await?;
        let log = |device: &str, level: &'static str, kind: &'static str, message: String| {
            sqlx::query(
                "INSERT INTO device_logs (device_id, level, kind, message, payload, created_ms)
                 SELECT id, ?, ?, ?, '{}', ? FROM devices WHERE acs_id = ? AND genie_id = ?",
            )
            .bind(level)
            .bind(kind)
            .bind(message)
            .bind(now_ms)
            .bind(acs_id)
            .bind(device.to_owned())
        };
        for (device, what) in mismatches {
            if before.iter().any(|(d, m)| d == device && m == what) {
                continue;
            }
            log(
                device,
                "warning",
                "provisioning_failed",
                format!("Provisioning failed: the router was configured, but {what}"),
            )
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO device_faults (acs_id, fault_id, genie_id, channel, code, message, provisions, retries, at_ms)
                 VALUES (?, ?, ?, ?, 'readback', ?, '[]', 0, ?)
                 ON CONFLICT (acs_id, fault_id) DO UPDATE SET message = excluded.message",
            )
            .bind(acs_id)
            .bind(format!("{device}:{READBACK_CHANNEL}"))
            .bind(device)
            .bind(READBACK_CHANNEL)
            .bind(what)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
        }
        for (device, _) in &before {
            if mismatches.iter().any(|(d, _)| d == device) {
                continue;
            }
            log(
                device,
                "info",
                "provisioning_recovered",
                "The router reads back its configuration again".into(),
            )
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "DELETE FROM device_faults WHERE acs_id = ? AND genie_id = ? AND channel = ?",
            )
            .bind(acs_id)
            .bind(device)
            .bind(READBACK_CHANNEL)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Device `genie_id`'s own offline threshold in minutes, if it has one.
    pub async fn device_offline_after(&self, genie_id: &str) -> Result<Option<u32>, StoreError> {
        let m: Option<Option<i64>> = sqlx::query_scalar(
            "SELECT offline_after_min FROM devices WHERE genie_id = ? ORDER BY id LIMIT 1",
        )
        .bind(genie_id)
        .fetch_optional(self.pool())
        .await?;
        let m = m.ok_or_else(|| StoreError::NotFound(format!("device {genie_id}")))?;
        Ok(m.and_then(|m| u32::try_from(m).ok()))
    }

    /// Sets device `genie_id`'s own offline threshold in minutes (1 to 1,440), or goes
    /// back to the tenant's with `None`.
    pub async fn set_device_offline_after(
        &self,
        genie_id: &str,
        minutes: Option<u32>,
    ) -> Result<(), StoreError> {
        if minutes.is_some_and(|m| !(1..=1440).contains(&m)) {
            return Err(StoreError::Invalid {
                field: "offline_after_min",
                reason: "choose between 1 and 1440 minutes, or the tenant's default".into(),
            });
        }
        let done = sqlx::query("UPDATE devices SET offline_after_min = ? WHERE genie_id = ?")
            .bind(minutes.map(i64::from))
            .bind(genie_id)
            .execute(self.pool())
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("device {genie_id}")));
        }
        Ok(())
    }
}
