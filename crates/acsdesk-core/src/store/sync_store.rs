//! Sync's view of the store for one ACS connection: the [`SyncStore`] implementation.
//! Each page is one transaction together with the cursor after it.

use super::{StoreError, TenantStore};
use crate::monitor::rates::CounterReading;
use crate::normalize::CounterWidth;
use crate::sync::scheduler::AcsHealth;
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

    /// The last recorded health of connection `name` ([`AcsHealth::Unknown`] before its
    /// first sync), kept across restarts so "unreachable since" survives them.
    pub async fn acs_health(&self, name: &str) -> Result<AcsHealth, StoreError> {
        let acs = self.acs(name).await?;
        let text: Option<Option<String>> =
            sqlx::query_scalar("SELECT health_json FROM sync_state WHERE acs_id = ?")
                .bind(acs.id)
                .fetch_optional(self.pool())
                .await?;
        Ok(text
            .flatten()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or(AcsHealth::Unknown))
    }

    /// Records the health of connection `name`.
    pub async fn set_acs_health(&self, name: &str, health: &AcsHealth) -> Result<(), StoreError> {
        let acs = self.acs(name).await?;
        let text = serde_json::to_string(health).map_err(|e| StoreError::Db(e.to_string()))?;
        sqlx::query(
            "INSERT INTO sync_state (acs_id, health_json) VALUES (?, ?)
             ON CONFLICT (acs_id) DO UPDATE SET health_json = excluded.health_json",
        )
        .bind(acs.id)
        .bind(text)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Every connection's reachability as recorded, for the alert rules: one list for
    /// all connections, so evaluating after one connection's sync does not clear
    /// another's outage.
    pub async fn acs_states(&self) -> Result<Vec<crate::alerts::rules::AcsState>, StoreError> {
        let mut out = Vec::new();
        for acs in self.list_acs().await? {
            let health = self.acs_health(&acs.name).await?;
            out.push(crate::alerts::rules::AcsState {
                unreachable_since_ms: match health {
                    AcsHealth::Unreachable { since_ms, .. } => Some(since_ms),
                    _ => None,
                },
                name: acs.name,
            });
        }
        Ok(out)
    }

    /// Folds one sync outcome of connection `name` into its recorded health (for runs
    /// outside a poller, such as `acsdesk sync`) and returns the new health.
    pub async fn record_sync_outcome(
        &self,
        name: &str,
        outcome: Result<(), &str>,
        now_ms: i64,
    ) -> Result<AcsHealth, StoreError> {
        let next = self.acs_health(name).await?.next(
            outcome,
            now_ms,
            crate::sync::scheduler::UNREACHABLE_AFTER,
        );
        self.set_acs_health(name, &next).await?;
        Ok(next)
    }
}

fn db(e: impl Into<StoreError>) -> SyncError {
    SyncError::Store(e.into())
}

/// Devices per multi-row statement (34 values each, well under SQLite's 32,766).
const UPSERT_CHUNK: usize = 100;

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
        let row = sqlx::query("SELECT watermark_ms, full_done, generation, full_done_ms, cursor_json FROM sync_state WHERE acs_id = ?")
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
                full_done_ms: r.get("full_done_ms"),
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
                "SELECT d.genie_id, d.online, d.last_inform_ms, d.last_boot_ms, dd.counters_json, d.wan_error, d.ppp_failing_since_ms, d.missing, d.tags
                 FROM devices d LEFT JOIN device_documents dd ON dd.device_id = d.id WHERE d.acs_id = ",
            );
            q.push_bind(self.acs_id).push(" AND d.genie_id IN (");
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
                        last_boot_ms: r.get("last_boot_ms"),
                        tags: serde_json::from_str(&r.get::<String, _>("tags")).unwrap_or_default(),
                    },
                );
            }
        }
        Ok(out)
    }

    async fn apply_page(
        &self,
        updates: &[DeviceUpdate],
        cursor: &Cursor,
        now_ms: i64,
    ) -> Result<(), SyncError> {
        let mut tx = self.store.write_tx().await.map_err(db)?;
        let generation = (cursor.mode == crate::sync::SyncMode::Full).then_some(cursor.generation);
        // A device twice in one page (GenieACS's paging can repeat one): the later wins,
        // as one statement may not upsert a row twice.
        let mut seen = std::collections::HashSet::new();
        let mut unique: Vec<&DeviceUpdate> = updates
            .iter()
            .rev()
            .filter(|u| seen.insert(u.device.id.as_str()))
            .collect();
        unique.reverse();
        // Multi-row statements, a chunk of devices at a time: one round trip to SQLite
        // per chunk instead of three per device.
        for chunk in unique.chunks(UPSERT_CHUNK) {
            let mut rows = Vec::with_capacity(chunk.len());
            for &u in chunk {
                let normalized = serde_json::to_string(&u.device)
                    .map_err(|e| db(StoreError::Db(e.to_string())))?;
                let tags = serde_json::to_string(&u.device.tags)
                    .map_err(|e| db(StoreError::Db(e.to_string())))?;
                rows.push((u, normalized, tags));
            }
            let mut q = QueryBuilder::<Sqlite>::new(
                "INSERT INTO devices (acs_id, genie_id, serial, oui, product_class, manufacturer, vendor, model, firmware, hardware,
                    mac, wan_ip, lan_ip, uptime_s, cpu_pct, mem_pct, signal_dbm, optical_rx_dbm, not_fetched, pppoe_username, wan_status, wan_error,
                    inform_interval_s, last_inform_ms, last_boot_ms, data_model, tags,
                    ppp_failing_since_ms, online, offline_since_ms, offline_deadline_ms, seen_generation, missing,
                    created_ms, updated_ms, subscriber_id) ",
            );
            q.push_values(&rows, |mut b, (u, _, tags)| {
                let d = &u.device;
                let offline_since = if u.online {
                    None
                } else {
                    u.offline_deadline_ms
                };
                b.push_bind(self.acs_id)
                    .push_bind(&d.id)
                    .push_bind(&d.serial)
                    .push_bind(&d.oui)
                    .push_bind(&d.product_class)
                    .push_bind(&d.manufacturer)
                    .push_bind(crate::normalize::Vendor::label(
                        d.manufacturer.as_deref(),
                        &d.oui,
                    ))
                    .push_bind(&d.model)
                    .push_bind(&d.firmware)
                    .push_bind(&d.hardware)
                    .push_bind(&d.mac)
                    .push_bind(&d.wan_ip)
                    .push_bind(&d.lan_ip)
                    .push_bind(d.uptime_s.map(|u| u as i64))
                    .push_bind(d.cpu_pct)
                    .push_bind(d.mem_pct)
                    .push_bind(d.signal_dbm)
                    .push_bind(d.optical_rx_dbm)
                    .push_bind((!d.not_fetched.is_empty()).then(|| d.not_fetched.join(",")))
                    .push_bind(d.pppoe_username())
                    .push_bind(d.wan.as_ref().and_then(|w| w.status.clone()))
                    .push_bind(d.wan.as_ref().and_then(|w| w.last_error.clone()))
                    .push_bind(d.inform_interval_s.map(i64::from))
                    .push_bind(d.last_inform_ms)
                    .push_bind(d.last_boot_ms)
                    .push_bind(d.data_model.map(|m| m.as_str()))
                    .push_bind(tags)
                    .push_bind(u.ppp_failing_since_ms)
                    .push_bind(i64::from(u.online))
                    .push_bind(offline_since)
                    .push_bind(u.offline_deadline_ms)
                    .push_bind(generation.unwrap_or(0))
                    .push_bind(0_i64)
                    .push_bind(now_ms)
                    .push_bind(now_ms)
                    .push("(SELECT id FROM subscribers WHERE serial = upper(")
                    .push_bind_unseparated(&d.serial)
                    .push_unseparated(") OR serial_alt = upper(")
                    .push_bind_unseparated(&d.serial)
                    .push_unseparated(") LIMIT 1)");
            });
            q.push(
                " ON CONFLICT (acs_id, genie_id) DO UPDATE SET
                    serial = excluded.serial, oui = excluded.oui, product_class = excluded.product_class,
                    manufacturer = excluded.manufacturer, vendor = excluded.vendor, model = excluded.model, firmware = excluded.firmware,
                    hardware = excluded.hardware, mac = excluded.mac, wan_ip = excluded.wan_ip, lan_ip = excluded.lan_ip,
                    uptime_s = excluded.uptime_s, cpu_pct = excluded.cpu_pct, mem_pct = excluded.mem_pct,
                    signal_dbm = excluded.signal_dbm, optical_rx_dbm = excluded.optical_rx_dbm,
                    not_fetched = excluded.not_fetched,
                    pppoe_username = excluded.pppoe_username,
                    wan_status = excluded.wan_status, wan_error = excluded.wan_error,
                    inform_interval_s = excluded.inform_interval_s, last_inform_ms = excluded.last_inform_ms,
                    last_boot_ms = excluded.last_boot_ms, data_model = excluded.data_model, tags = excluded.tags,
                    ppp_failing_since_ms = excluded.ppp_failing_since_ms, online = excluded.online,
                    offline_since_ms = CASE WHEN excluded.online = 1 THEN NULL
                                            ELSE COALESCE(devices.offline_since_ms, excluded.offline_since_ms) END,
                    offline_deadline_ms = excluded.offline_deadline_ms,
                    seen_generation = ",
            );
            match generation {
                Some(_) => q.push("excluded.seen_generation"),
                None => q.push("devices.seen_generation"),
            };
            q.push(
                ", missing = 0, updated_ms = excluded.updated_ms,
                    subscriber_id = COALESCE(devices.subscriber_id, excluded.subscriber_id)
                 RETURNING id, genie_id",
            );
            let returned = q.build().fetch_all(&mut *tx).await.map_err(db)?;
            let ids: HashMap<String, i64> = returned
                .iter()
                .map(|r| (r.get::<String, _>("genie_id"), r.get::<i64, _>("id")))
                .collect();
            let id_of = |u: &DeviceUpdate| ids.get(&u.device.id).copied().unwrap_or_default();

            let mut docs = QueryBuilder::<Sqlite>::new(
                "INSERT INTO device_documents (device_id, normalized, counters_json) ",
            );
            docs.push_values(&rows, |mut b, (u, normalized, _)| {
                b.push_bind(id_of(u))
                    .push_bind(normalized)
                    .push_bind(u.counters.as_ref().map(counters_to_json));
            });
            docs.push(
                " ON CONFLICT (device_id) DO UPDATE SET normalized = excluded.normalized,
                     counters_json = excluded.counters_json",
            );
            docs.build().execute(&mut *tx).await.map_err(db)?;

            let samples: Vec<(i64, &crate::sync::Sample)> = chunk
                .iter()
                .filter_map(|u| u.sample.as_ref().map(|s| (id_of(u), s)))
                .collect();
            if !samples.is_empty() {
                let mut q = QueryBuilder::<Sqlite>::new(
                    "INSERT OR IGNORE INTO device_samples (device_id, resolution, at_ms, cpu_pct, mem_pct, uptime_s, signal_dbm, rx_bps, tx_bps, clients_2g, clients_5g) ",
                );
                q.push_values(&samples, |mut b, (id, s)| {
                    b.push_bind(*id)
                        .push_bind(0_i64)
                        .push_bind(s.at_ms)
                        .push_bind(s.cpu_pct)
                        .push_bind(s.mem_pct)
                        .push_bind(s.uptime_s.map(|u| u as i64))
                        .push_bind(s.signal_dbm)
                        .push_bind(s.rx_bps)
                        .push_bind(s.tx_bps)
                        .push_bind(s.clients_2g)
                        .push_bind(s.clients_5g);
                });
                q.build().execute(&mut *tx).await.map_err(db)?;
            }
            for &u in chunk {
                for l in &u.logs {
                    log(
                        &mut tx,
                        id_of(u),
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
        }
        let cursor_json =
            serde_json::to_string(cursor).map_err(|e| db(StoreError::Db(e.to_string())))?;
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

    async fn unseen(&self, generation: i64) -> Result<Vec<String>, SyncError> {
        sqlx::query_scalar(
            "SELECT genie_id FROM devices WHERE acs_id = ? AND seen_generation < ? AND missing = 0",
        )
        .bind(self.acs_id)
        .bind(generation)
        .fetch_all(self.store.pool())
        .await
        .map_err(db)
    }

    async fn finish(
        &self,
        state: &SyncState,
        missing: &[String],
        now_ms: i64,
    ) -> Result<Vec<String>, SyncError> {
        let mut tx = self.store.write_tx().await.map_err(db)?;
        sqlx::query(
            "INSERT INTO sync_state (acs_id, watermark_ms, full_done, generation, full_done_ms, cursor_json) VALUES (?, ?, ?, ?, ?, NULL)
             ON CONFLICT (acs_id) DO UPDATE SET watermark_ms = excluded.watermark_ms, full_done = excluded.full_done,
                generation = excluded.generation, full_done_ms = excluded.full_done_ms, cursor_json = NULL",
        )
        .bind(self.acs_id)
        .bind(state.watermark_ms)
        .bind(i64::from(state.full_done))
        .bind(state.generation)
        .bind(state.full_done_ms)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        let mut marked = Vec::new();
        for id in missing {
            let row = sqlx::query(
                "UPDATE devices SET missing = 1, online = 0, updated_ms = ?
                 WHERE acs_id = ? AND genie_id = ? AND missing = 0 RETURNING id, serial",
            )
            .bind(now_ms)
            .bind(self.acs_id)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
            let Some(r) = row else { continue };
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
            marked.push(id.clone());
        }
        tx.commit().await.map_err(db)?;
        Ok(marked)
    }

    async fn sweep_presence(&self, now_ms: i64) -> Result<Vec<WentOffline>, SyncError> {
        let mut tx = self.store.write_tx().await.map_err(db)?;
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
