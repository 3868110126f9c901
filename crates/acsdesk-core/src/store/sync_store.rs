//! Sync's view of the store for one ACS connection: the [`SyncStore`] implementation.
//! Each page is one transaction together with the cursor after it.

use super::{StoreError, TenantStore};
use crate::monitor::rates::CounterReading;
use crate::normalize::CounterWidth;
use crate::sync::{
    Cursor, DeviceUpdate, Known, LogLevel, SyncError, SyncState, SyncStore, WentOffline,
};
use serde_json::{json, Value};
use sqlx::{QueryBuilder, Row, Sqlite, Transaction};
use std::collections::HashMap;

/// The store of one tenant, seen from the sync of one of its ACS connections.
#[derive(Debug, Clone)]
pub struct AcsSyncStore {
    store: TenantStore,
    acs_id: i64,
}

impl TenantStore {
    /// The sync view of ACS connection `name`.
    pub async fn sync_store(&self, name: &str) -> Result<AcsSyncStore, StoreError> {
        let acs = self.acs(name).await?;
        Ok(AcsSyncStore {
            store: self.clone(),
            acs_id: acs.id,
        })
    }
}

fn db(e: impl Into<StoreError>) -> SyncError {
    SyncError::Store(e.into().to_string())
}

fn counters_to_json(c: &CounterReading) -> String {
    json!({
        "at_ms": c.at_ms,
        "sent": c.sent,
        "received": c.received,
        "bits": if c.width == CounterWidth::Bits64 { 64 } else { 32 },
        "uptime_s": c.uptime_s,
    })
    .to_string()
}

fn counters_from_json(text: &str) -> Option<CounterReading> {
    let v: Value = serde_json::from_str(text).ok()?;
    Some(CounterReading {
        at_ms: v["at_ms"].as_i64()?,
        sent: v["sent"].as_u64()?,
        received: v["received"].as_u64()?,
        width: if v["bits"].as_u64() == Some(64) {
            CounterWidth::Bits64
        } else {
            CounterWidth::Bits32
        },
        uptime_s: v["uptime_s"].as_u64(),
    })
}

fn level(l: LogLevel) -> &'static str {
    match l {
        LogLevel::Info => "info",
        LogLevel::Warning => "warning",
        LogLevel::Error => "error",
    }
}

async fn log(
    tx: &mut Transaction<'_, Sqlite>,
    device_id: i64,
    level: &str,
    kind: &str,
    message: &str,
    payload: &Value,
    at_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO device_logs (device_id, level, kind, message, payload, created_ms) VALUES (?, ?, ?, ?, ?, ?)")
        .bind(device_id)
        .bind(level)
        .bind(kind)
        .bind(message)
        .bind(payload.to_string())
        .bind(at_ms)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

impl SyncStore for AcsSyncStore {
    async fn sync_state(&self) -> Result<SyncState, SyncError> {
        let row = sqlx::query("SELECT watermark_ms, full_done, generation, cursor_json FROM sync_state WHERE acs_id = ?")
            .bind(self.acs_id)
            .fetch_optional(self.store.pool())
            .await
            .map_err(db)?;
        Ok(match row {
            None => SyncState::default(),
            Some(r) => SyncState {
                watermark_ms: r.get("watermark_ms"),
                full_done: r.get::<i64, _>("full_done") != 0,
                generation: r.get("generation"),
                cursor: r
                    .get::<Option<String>, _>("cursor_json")
                    .and_then(|c| serde_json::from_str::<Cursor>(&c).ok()),
            },
        })
    }

    async fn known(&self, ids: &[String]) -> Result<HashMap<String, Known>, SyncError> {
        let mut out = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let mut q = QueryBuilder::<Sqlite>::new(
                "SELECT genie_id, online, last_inform_ms, counters_json, wan_error, ppp_failing_since_ms, missing FROM devices WHERE acs_id = ",
            );
            q.push_bind(self.acs_id).push(" AND genie_id IN (");
            let mut sep = q.separated(", ");
            for id in chunk {
                sep.push_bind(id);
            }
            q.push(")");
            let rows = q.build().fetch_all(self.store.pool()).await.map_err(db)?;
            for r in rows {
                out.insert(
                    r.get::<String, _>("genie_id"),
                    Known {
                        online: r.get::<i64, _>("online") != 0,
                        last_inform_ms: r.get("last_inform_ms"),
                        counters: r
                            .get::<Option<String>, _>("counters_json")
                            .as_deref()
                            .and_then(counters_from_json),
                        wan_error: r.get("wan_error"),
                        ppp_failing_since_ms: r.get("ppp_failing_since_ms"),
                        missing: r.get::<i64, _>("missing") != 0,
                    },
                );
            }
        }
        Ok(out)
    }

    async fn apply_page(&self, updates: &[DeviceUpdate], cursor: &Cursor) -> Result<(), SyncError> {
        let mut tx = self.store.pool().begin().await.map_err(db)?;
        let now_ms = updates
            .iter()
            .filter_map(|u| u.device.last_inform_ms)
            .max()
            .unwrap_or_default();
        for u in updates {
            let d = &u.device;
            let normalized =
                serde_json::to_string(d).map_err(|e| SyncError::Store(e.to_string()))?;
            let tags =
                serde_json::to_string(&d.tags).map_err(|e| SyncError::Store(e.to_string()))?;
            let generation =
                (cursor.mode == crate::sync::SyncMode::Full).then_some(cursor.generation);
            let offline_since = if u.online {
                None
            } else {
                u.offline_deadline_ms
            };
            let row = sqlx::query(
                "INSERT INTO devices (acs_id, genie_id, serial, oui, product_class, manufacturer, model, firmware, hardware,
                    mac, wan_ip, lan_ip, uptime_s, cpu_pct, mem_pct, signal_dbm, pppoe_username, wan_status, wan_error,
                    inform_interval_s, last_inform_ms, last_boot_ms, data_model, tags, normalized, counters_json,
                    ppp_failing_since_ms, online, offline_since_ms, offline_deadline_ms, seen_generation, missing,
                    created_ms, updated_ms)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, COALESCE(?, 0), 0, ?, ?)
                 ON CONFLICT (acs_id, genie_id) DO UPDATE SET
                    serial = excluded.serial, oui = excluded.oui, product_class = excluded.product_class,
                    manufacturer = excluded.manufacturer, model = excluded.model, firmware = excluded.firmware,
                    hardware = excluded.hardware, mac = excluded.mac, wan_ip = excluded.wan_ip, lan_ip = excluded.lan_ip,
                    uptime_s = excluded.uptime_s, cpu_pct = excluded.cpu_pct, mem_pct = excluded.mem_pct,
                    signal_dbm = excluded.signal_dbm, pppoe_username = excluded.pppoe_username,
                    wan_status = excluded.wan_status, wan_error = excluded.wan_error,
                    inform_interval_s = excluded.inform_interval_s, last_inform_ms = excluded.last_inform_ms,
                    last_boot_ms = excluded.last_boot_ms, data_model = excluded.data_model, tags = excluded.tags,
                    normalized = excluded.normalized, counters_json = excluded.counters_json,
                    ppp_failing_since_ms = excluded.ppp_failing_since_ms, online = excluded.online,
                    offline_since_ms = CASE WHEN excluded.online = 1 THEN NULL
                                            ELSE COALESCE(devices.offline_since_ms, excluded.offline_since_ms) END,
                    offline_deadline_ms = excluded.offline_deadline_ms,
                    seen_generation = CASE WHEN ? IS NULL THEN devices.seen_generation ELSE excluded.seen_generation END,
                    missing = 0, updated_ms = excluded.updated_ms
                 RETURNING id",
            )
            .bind(self.acs_id)
            .bind(&d.id)
            .bind(&d.serial)
            .bind(&d.oui)
            .bind(&d.product_class)
            .bind(&d.manufacturer)
            .bind(&d.model)
            .bind(&d.firmware)
            .bind(&d.hardware)
            .bind(&d.mac)
            .bind(&d.wan_ip)
            .bind(&d.lan_ip)
            .bind(d.uptime_s.map(|u| u as i64))
            .bind(d.cpu_pct)
            .bind(d.mem_pct)
            .bind(d.signal_dbm)
            .bind(d.pppoe_username())
            .bind(d.wan.as_ref().and_then(|w| w.status.clone()))
            .bind(d.wan.as_ref().and_then(|w| w.last_error.clone()))
            .bind(d.inform_interval_s.map(i64::from))
            .bind(d.last_inform_ms)
            .bind(d.last_boot_ms)
            .bind(d.data_model.map(|m| m.as_str()))
            .bind(&tags)
            .bind(&normalized)
            .bind(u.counters.as_ref().map(counters_to_json))
            .bind(u.ppp_failing_since_ms)
            .bind(i64::from(u.online))
            .bind(offline_since)
            .bind(u.offline_deadline_ms)
            .bind(generation)
            .bind(now_ms)
            .bind(now_ms)
            .bind(generation)
            .fetch_one(&mut *tx)
            .await
            .map_err(db)?;
            let device_id: i64 = row.get("id");
            if let Some(s) = &u.sample {
                sqlx::query(
                    "INSERT OR IGNORE INTO device_samples (device_id, resolution, at_ms, cpu_pct, mem_pct, uptime_s, signal_dbm, rx_bps, tx_bps)
                     VALUES (?, 0, ?, ?, ?, ?, ?, ?, ?)",
                )
                .bind(device_id)
                .bind(s.at_ms)
                .bind(s.cpu_pct)
                .bind(s.mem_pct)
                .bind(s.uptime_s.map(|u| u as i64))
                .bind(s.signal_dbm)
                .bind(s.rx_bps)
                .bind(s.tx_bps)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            }
            for l in &u.logs {
                log(
                    &mut tx,
                    device_id,
                    level(l.level),
                    &l.kind,
                    &l.message,
                    &l.payload,
                    l.at_ms,
                )
                .await
                .map_err(db)?;
            }
        }
        let cursor_json =
            serde_json::to_string(cursor).map_err(|e| SyncError::Store(e.to_string()))?;
        sqlx::query(
            "INSERT INTO sync_state (acs_id, cursor_json) VALUES (?, ?)
             ON CONFLICT (acs_id) DO UPDATE SET cursor_json = excluded.cursor_json",
        )
        .bind(self.acs_id)
        .bind(cursor_json)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn finish(
        &self,
        state: &SyncState,
        full_generation: Option<i64>,
        now_ms: i64,
    ) -> Result<Vec<String>, SyncError> {
        let mut tx = self.store.pool().begin().await.map_err(db)?;
        sqlx::query(
            "INSERT INTO sync_state (acs_id, watermark_ms, full_done, generation, cursor_json) VALUES (?, ?, ?, ?, NULL)
             ON CONFLICT (acs_id) DO UPDATE SET watermark_ms = excluded.watermark_ms, full_done = excluded.full_done,
                generation = excluded.generation, cursor_json = NULL",
        )
        .bind(self.acs_id)
        .bind(state.watermark_ms)
        .bind(i64::from(state.full_done))
        .bind(state.generation)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        let mut missing = Vec::new();
        if let Some(generation) = full_generation {
            let rows = sqlx::query(
                "UPDATE devices SET missing = 1, online = 0, updated_ms = ?
                 WHERE acs_id = ? AND seen_generation < ? AND missing = 0 RETURNING id, genie_id, serial",
            )
            .bind(now_ms)
            .bind(self.acs_id)
            .bind(generation)
            .fetch_all(&mut *tx)
            .await
            .map_err(db)?;
            for r in rows {
                let serial: String = r.get("serial");
                log(
                    &mut tx,
                    r.get("id"),
                    "warning",
                    "disappeared",
                    &format!("Device {serial} is no longer in GenieACS"),
                    &json!({}),
                    now_ms,
                )
                .await
                .map_err(db)?;
                missing.push(r.get("genie_id"));
            }
        }
        tx.commit().await.map_err(db)?;
        Ok(missing)
    }

    async fn sweep_presence(&self, now_ms: i64) -> Result<Vec<WentOffline>, SyncError> {
        let mut tx = self.store.pool().begin().await.map_err(db)?;
        let rows = sqlx::query(
            "UPDATE devices SET online = 0, offline_since_ms = offline_deadline_ms, updated_ms = ?
             WHERE acs_id = ? AND online = 1 AND missing = 0 AND offline_deadline_ms < ?
             RETURNING id, genie_id, serial, offline_deadline_ms, last_inform_ms",
        )
        .bind(now_ms)
        .bind(self.acs_id)
        .bind(now_ms)
        .fetch_all(&mut *tx)
        .await
        .map_err(db)?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let at: i64 = r.get("offline_deadline_ms");
            let serial: String = r.get("serial");
            let last: Option<i64> = r.get("last_inform_ms");
            log(
                &mut tx,
                r.get("id"),
                "warning",
                "offline",
                &format!("Device {serial} went offline (no inform in time)"),
                &json!({ "last_inform_ms": last }),
                at,
            )
            .await
            .map_err(db)?;
            out.push(WentOffline {
                id: r.get("genie_id"),
                at_ms: at,
                last_inform_ms: last,
            });
        }
        tx.commit().await.map_err(db)?;
        Ok(out)
    }
}
