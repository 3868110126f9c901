//! The `diagnostics` table: each diagnostic a router ran (kind, target, when, what it
//! found or why it failed), the device's history of them.

use super::{StoreError, TenantStore};
use acsdesk_types::diagnostics::{DiagnosticRecord, DiagnosticResult, PingResult};
use acsdesk_types::DiagnosticKind;
use sqlx::Row;

impl TenantStore {
    /// Records a diagnostic device `genie_id` ran for `action_id`.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_diagnostic(
        &self,
        genie_id: &str,
        action_id: Option<i64>,
        kind: DiagnosticKind,
        target: &str,
        error: Option<&str>,
        result: Option<&DiagnosticResult>,
        at_ms: i64,
    ) -> Result<(), StoreError> {
        let result = result
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| StoreError::Db(e.to_string()))?;
        let done = sqlx::query(
            "INSERT INTO diagnostics (device_id, action_id, kind, target, at_ms, error, result_json)
             SELECT id, ?, ?, ?, ?, ?, ? FROM devices WHERE genie_id = ?
             ORDER BY missing LIMIT 1",
        )
        .bind(action_id)
        .bind(kind.as_str())
        .bind(target)
        .bind(at_ms)
        .bind(error)
        .bind(result)
        .bind(genie_id)
        .execute(self.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("device {genie_id}")));
        }
        Ok(())
    }

    /// The diagnostics actions `ids` left, with their devices' GenieACS ids (a bulk
    /// operation's results).
    pub async fn diagnostics_of_actions(
        &self,
        ids: &[i64],
    ) -> Result<Vec<(String, DiagnosticRecord)>, StoreError> {
        let mut out = Vec::new();
        // Within SQLite's limit on bound parameters.
        for chunk in ids.chunks(500) {
            let marks = vec!["?"; chunk.len()].join(",");
            let sql = format!(
                "SELECT g.*, d.genie_id FROM diagnostics g JOIN devices d ON d.id = g.device_id
                 WHERE g.action_id IN ({marks}) ORDER BY g.id"
            );
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(id);
            }
            for r in q.fetch_all(self.pool()).await? {
                out.push((r.get("genie_id"), record(&r)));
            }
        }
        Ok(out)
    }

    /// Device `genie_id`'s diagnostics, newest first, at most `limit`.
    pub async fn diagnostics(
        &self,
        genie_id: &str,
        limit: u32,
    ) -> Result<Vec<DiagnosticRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT g.* FROM diagnostics g JOIN devices d ON d.id = g.device_id
             WHERE d.genie_id = ? ORDER BY g.at_ms DESC, g.id DESC LIMIT ?",
        )
        .bind(genie_id)
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        Ok(rows.iter().map(record).collect())
    }
}

/// A `diagnostics` row as kept.
fn record(r: &sqlx::sqlite::SqliteRow) -> DiagnosticRecord {
    let kind = DiagnosticKind::parse(r.get("kind")).unwrap_or(DiagnosticKind::Ping);
    let json = r.get::<Option<String>, _>("result_json");
    DiagnosticRecord {
        at_ms: r.get("at_ms"),
        action_id: r.get("action_id"),
        kind,
        target: r.get("target"),
        error: r.get("error"),
        result: json.and_then(|j| read_result(kind, &j)),
    }
}

/// A kept result: tagged with its kind, or a ping's as the first pings were kept
/// (untagged).
fn read_result(kind: DiagnosticKind, json: &str) -> Option<DiagnosticResult> {
    serde_json::from_str(json).ok().or_else(|| {
        (kind == DiagnosticKind::Ping)
            .then(|| serde_json::from_str::<PingResult>(json).ok())
            .flatten()
            .map(DiagnosticResult::Ping)
    })
}
