//! The counts behind the fleet overview: routers per model and firmware with their
//! presence, alerts raised per span of time and per kind, actions per status — each one
//! grouped query over the tenant's tables.

use super::{StoreError, TenantStore};
use sqlx::{QueryBuilder, Row, Sqlite};

/// Routers of one product class (and model name, when read) on one firmware version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelFirmware {
    /// The vendor as AcsDesk names it, when known.
    pub vendor: Option<String>,
    /// The product class (in the device's id: always known).
    pub product_class: String,
    /// The model name, when GenieACS has read it.
    pub model: Option<String>,
    /// The firmware version, when read.
    pub firmware: Option<String>,
    /// Routers.
    pub total: u64,
    /// Of which online.
    pub online: u64,
}

fn count(r: &sqlx::sqlite::SqliteRow, column: &str) -> u64 {
    u64::try_from(r.get::<i64, _>(column)).unwrap_or(0)
}

impl TenantStore {
    /// The routers GenieACS still has, per vendor, product class, model name and
    /// firmware version.
    pub async fn fleet_by_model_and_firmware(&self) -> Result<Vec<ModelFirmware>, StoreError> {
        let rows = sqlx::query(
            "SELECT vendor, product_class, model, firmware,
                    count(*) AS total, coalesce(sum(online), 0) AS online
             FROM devices WHERE missing = 0
             GROUP BY vendor, product_class, model, firmware",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| ModelFirmware {
                vendor: r.get("vendor"),
                product_class: r.get("product_class"),
                model: r.get("model"),
                firmware: r.get("firmware"),
                total: count(r, "total"),
                online: count(r, "online"),
            })
            .collect())
    }

    /// How many alerts were raised (first seen) in each span `[start_ms, end_ms)`, in
    /// the spans' order.
    pub async fn alerts_raised_in(&self, spans: &[(i64, i64)]) -> Result<Vec<u64>, StoreError> {
        if spans.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = QueryBuilder::<Sqlite>::new("WITH spans(i, start_ms, end_ms) AS (VALUES ");
        let mut values = q.separated(", ");
        for (i, (start, end)) in spans.iter().enumerate() {
            values
                .push("(")
                .push_bind_unseparated(i64::try_from(i).unwrap_or(i64::MAX))
                .push_unseparated(", ")
                .push_bind_unseparated(*start)
                .push_unseparated(", ")
                .push_bind_unseparated(*end)
                .push_unseparated(")");
        }
        q.push(
            ") SELECT s.i, count(a.id) AS n FROM spans s
               LEFT JOIN alerts a ON a.first_seen_ms >= s.start_ms AND a.first_seen_ms < s.end_ms
               GROUP BY s.i ORDER BY s.i",
        );
        let rows = q.build().fetch_all(self.pool()).await?;
        Ok(rows.iter().map(|r| count(r, "n")).collect())
    }

    /// Alerts raised (first seen) since `since_ms`, per kind, most first.
    pub async fn alert_kinds_since(&self, since_ms: i64) -> Result<Vec<(String, u64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT kind, count(*) AS n FROM alerts WHERE first_seen_ms >= ?
             GROUP BY kind ORDER BY n DESC, kind",
        )
        .bind(since_ms)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| (r.get("kind"), count(r, "n")))
            .collect())
    }

    /// Actions asked for since `since_ms`, per status.
    pub async fn actions_by_status_since(
        &self,
        since_ms: i64,
    ) -> Result<Vec<(String, u64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT status, count(*) AS n FROM device_actions WHERE created_ms >= ?
             GROUP BY status ORDER BY status",
        )
        .bind(since_ms)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| (r.get("status"), count(r, "n")))
            .collect())
    }
}
