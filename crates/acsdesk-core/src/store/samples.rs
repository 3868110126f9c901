//! The `device_samples` table: time series per device at three resolutions — raw,
//! 5-minute and hourly averages — with roll-ups and pruning on a schedule.

use super::{StoreError, TenantStore};
use crate::charts::Metric;
use acsdesk_types::settings::SyncSettings;

/// How long each resolution is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Raw samples (default 48 h).
    pub raw_ms: i64,
    /// 5-minute averages (default 30 days).
    pub five_min_ms: i64,
    /// Hourly averages (default 1 year).
    pub hourly_ms: i64,
}

impl Default for Retention {
    fn default() -> Self {
        Self {
            raw_ms: 48 * 3_600_000,
            five_min_ms: 30 * 86_400_000,
            hourly_ms: 365 * 86_400_000,
        }
    }
}

impl From<&SyncSettings> for Retention {
    fn from(s: &SyncSettings) -> Self {
        Self {
            raw_ms: i64::from(s.raw_retention_h) * 3_600_000,
            five_min_ms: i64::from(s.five_min_retention_d) * 86_400_000,
            hourly_ms: i64::from(s.hourly_retention_d) * 86_400_000,
        }
    }
}

fn column(metric: Metric) -> &'static str {
    match metric {
        Metric::Cpu => "cpu_pct",
        Metric::Memory => "mem_pct",
        Metric::Rx => "rx_bps",
        Metric::Tx => "tx_bps",
        Metric::Signal => "signal_dbm",
        Metric::Uptime => "uptime_s",
        Metric::Clients2g => "clients_2g",
        Metric::Clients5g => "clients_5g",
    }
}

/// The resolution that keeps a chart over `span_ms` to a few hundred points.
pub fn resolution_for(span_ms: i64) -> i64 {
    if span_ms <= 2 * 86_400_000 {
        0
    } else if span_ms <= 14 * 86_400_000 {
        300
    } else {
        3600
    }
}

impl TenantStore {
    /// Whether the device has ever given a value for `metric` (at any resolution still
    /// kept): `false` for a model that does not report it.
    pub async fn ever_reported(&self, genie_id: &str, metric: Metric) -> Result<bool, StoreError> {
        let col = column(metric);
        let sql = format!(
            "SELECT EXISTS (SELECT 1 FROM device_samples s JOIN devices d ON d.id = s.device_id
             WHERE d.genie_id = ? AND s.{col} IS NOT NULL)"
        );
        let (found,): (bool,) = sqlx::query_as(&sql)
            .bind(genie_id)
            .fetch_one(self.pool())
            .await?;
        Ok(found)
    }

    /// The points of one metric of one device between two instants, at the resolution
    /// that suits the span (falling back to finer data where roll-ups do not exist yet).
    pub async fn series(
        &self,
        genie_id: &str,
        metric: Metric,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<(i64, f64)>, StoreError> {
        let col = column(metric);
        let wanted = resolution_for(to_ms - from_ms);
        for resolution in [wanted, 300, 0] {
            if resolution > wanted {
                continue;
            }
            let sql = format!(
                "SELECT s.at_ms, CAST(s.{col} AS REAL) AS v FROM device_samples s JOIN devices d ON d.id = s.device_id
                 WHERE d.genie_id = ? AND s.resolution = ? AND s.at_ms BETWEEN ? AND ? AND s.{col} IS NOT NULL
                 ORDER BY s.at_ms"
            );
            let rows: Vec<(i64, f64)> = sqlx::query_as(&sql)
                .bind(genie_id)
                .bind(resolution)
                .bind(from_ms)
                .bind(to_ms)
                .fetch_all(self.pool())
                .await?;
            if !rows.is_empty() || resolution == 0 {
                return Ok(rows);
            }
        }
        Ok(Vec::new())
    }

    /// Rolls up and prunes samples with the tenant's own retention settings.
    pub async fn maintain_samples(&self, now_ms: i64) -> Result<u64, StoreError> {
        let retention = Retention::from(&self.sync_settings().await?);
        self.roll_up_and_prune(now_ms, retention).await
    }

    /// Rolls samples up into 5-minute and hourly averages, then prunes each resolution
    /// past its retention. Returns the rows deleted.
    ///
    /// Each roll-up continues from where the previous one stopped (`rollup_state`), so a
    /// run costs the samples recorded since, not the whole history. A bucket is averaged
    /// once it has been closed for one bucket length, so samples that arrive late (a
    /// sync that lagged behind the informs) still count; the hourly roll-up never runs
    /// ahead of the 5-minute one it reads.
    pub async fn roll_up_and_prune(
        &self,
        now_ms: i64,
        retention: Retention,
    ) -> Result<u64, StoreError> {
        let mut tx = self.write_tx().await?;
        let mut source_done: Option<i64> = None;
        for (from, to) in [(0_i64, 300_i64), (300, 3600)] {
            let bucket = to * 1000;
            let done: Option<i64> =
                sqlx::query_scalar("SELECT done_ms FROM rollup_state WHERE resolution = ?")
                    .bind(to)
                    .fetch_optional(&mut *tx)
                    .await?;
            let start = match done {
                Some(d) => Some(d),
                None => sqlx::query_scalar::<_, Option<i64>>(
                    "SELECT min(at_ms) FROM device_samples WHERE resolution = ?",
                )
                .bind(from)
                .fetch_one(&mut *tx)
                .await?
                .map(|first| first.div_euclid(bucket) * bucket),
            };
            let mut end = (now_ms - bucket).div_euclid(bucket) * bucket;
            if let Some(limit) = source_done {
                end = end.min(limit.div_euclid(bucket) * bucket);
            }
            let Some(start) = start.filter(|s| *s < end) else {
                source_done = Some(done.unwrap_or(end).min(end));
                continue;
            };
            let sql = format!(
                "INSERT OR REPLACE INTO device_samples (device_id, resolution, at_ms, cpu_pct, mem_pct, uptime_s, signal_dbm, rx_bps, tx_bps, clients_2g, clients_5g)
                 SELECT device_id, {to}, (at_ms / {bucket}) * {bucket}, avg(cpu_pct), avg(mem_pct), max(uptime_s), avg(signal_dbm), avg(rx_bps), avg(tx_bps), avg(clients_2g), avg(clients_5g)
                 FROM device_samples WHERE resolution = {from} AND at_ms >= ? AND at_ms < ?
                 GROUP BY device_id, at_ms / {bucket}"
            );
            sqlx::query(&sql)
                .bind(start)
                .bind(end)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO rollup_state (resolution, done_ms) VALUES (?, ?)
                 ON CONFLICT (resolution) DO UPDATE SET done_ms = excluded.done_ms",
            )
            .bind(to)
            .bind(end)
            .execute(&mut *tx)
            .await?;
            source_done = Some(end);
        }
        let mut deleted = 0;
        for (resolution, keep) in [
            (0, retention.raw_ms),
            (300, retention.five_min_ms),
            (3600, retention.hourly_ms),
        ] {
            deleted += sqlx::query("DELETE FROM device_samples WHERE resolution = ? AND at_ms < ?")
                .bind(resolution)
                .bind(now_ms - keep)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        tx.commit().await?;
        Ok(deleted)
    }
}
