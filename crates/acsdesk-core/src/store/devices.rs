//! The `devices` table as the UI and CLI read it: filtered, sorted, paged lists with
//! counts (a page holds at most [`MAX_PAGE`] rows; the whole list is streamed),
//! facets for the filters, and one device's detail.

use super::{StoreError, TenantStore};
use crate::normalize::NormalizedDevice;
use acsdesk_types::devices::{DeviceFilter, DeviceRow, DeviceSort, Presence, SortKey};
use sqlx::{QueryBuilder, Row, Sqlite};

/// A device as stored: the list row plus the normalised document.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredDevice {
    /// The list row.
    pub row: DeviceRow,
    /// The normalised device of the last sync.
    pub normalized: NormalizedDevice,
    /// Since when it has been offline, when it is.
    pub offline_since_ms: Option<i64>,
    /// Whether GenieACS no longer has it.
    pub missing: bool,
}

/// A `LIKE … ESCAPE '\\'` pattern for "contains `text`" (its `%`, `_` and `\\` literal).
fn contains_pattern(text: &str) -> String {
    format!(
        "%{}%",
        text.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    )
}

fn push_filter<'a>(q: &mut QueryBuilder<'a, Sqlite>, f: &'a DeviceFilter) {
    q.push(" WHERE d.missing = 0");
    match f.presence {
        Some(Presence::Online) => {
            q.push(" AND d.online = 1");
        }
        Some(Presence::Offline) => {
            q.push(" AND d.online = 0");
        }
        None => {}
    }
    for (column, value) in [
        ("d.vendor", &f.vendor),
        ("d.model", &f.model),
        ("d.firmware", &f.firmware),
        ("a.name", &f.acs),
    ] {
        if let Some(v) = value {
            q.push(format!(" AND {column} = ")).push_bind(v.as_str());
            // A vendor is named as people write it: "huawei" finds Huawei.
            if column == "d.vendor" {
                q.push(" COLLATE NOCASE");
            }
        }
    }
    if let Some(tag) = &f.tag {
        q.push(" AND EXISTS (SELECT 1 FROM json_each(d.tags) WHERE value = ")
            .push_bind(tag.as_str())
            .push(")");
    }
    match f.linked {
        Some(true) => {
            q.push(" AND d.subscriber_id IS NOT NULL");
        }
        Some(false) => {
            q.push(" AND d.subscriber_id IS NULL");
        }
        None => {}
    }
    if let Some(text) = f.search.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let like = contains_pattern(text);
        q.push(" AND (d.serial LIKE ")
            .push_bind(like.clone())
            .push(" ESCAPE '\\' OR d.wan_ip LIKE ")
            .push_bind(like.clone())
            .push(" ESCAPE '\\' OR d.lan_ip LIKE ")
            .push_bind(like.clone())
            .push(" ESCAPE '\\' OR d.mac LIKE ")
            .push_bind(like.clone())
            .push(" ESCAPE '\\' OR d.pppoe_username LIKE ")
            .push_bind(like.clone())
            .push(" ESCAPE '\\' OR s.name LIKE ")
            .push_bind(like.clone())
            .push(" ESCAPE '\\' OR s.account LIKE ")
            .push_bind(like)
            .push(" ESCAPE '\\')");
    }
}

const FROM: &str = " FROM devices d JOIN acs_connections a ON a.id = d.acs_id LEFT JOIN subscribers s ON s.id = d.subscriber_id";

/// The joins a count needs: the ACS only to filter by it, subscribers only to search
/// their names; without them the count reads the covering presence index alone.
fn count_from(f: &DeviceFilter) -> String {
    let mut from = String::from(" FROM devices d");
    if f.acs.is_some() {
        from.push_str(" JOIN acs_connections a ON a.id = d.acs_id");
    }
    if f.search.as_deref().is_some_and(|t| !t.trim().is_empty()) {
        from.push_str(" LEFT JOIN subscribers s ON s.id = d.subscriber_id");
    }
    from
}

fn order_by(sort: DeviceSort) -> String {
    let column = match sort.key {
        SortKey::Status => "d.online",
        SortKey::Model => "d.model",
        SortKey::Serial => "d.serial",
        SortKey::Subscriber => "s.name",
        SortKey::WanIp => "d.wan_ip",
        SortKey::Uptime => "d.uptime_s",
        SortKey::Signal => "d.signal_dbm",
        SortKey::Firmware => "d.firmware",
        SortKey::LastSeen => "d.last_inform_ms",
    };
    let dir = if sort.descending { "DESC" } else { "ASC" };
    if sort.key == SortKey::Serial {
        // Never null: the order follows the serial index (the default list at 100,000
        // devices is then a walk of its first entries, not a sort of the whole fleet).
        return format!(" ORDER BY d.serial {dir}, d.id {dir}");
    }
    // Ties broken by serial then id for a stable order. Descending, missing values come
    // last and the order can follow an index; ascending puts them last explicitly.
    if sort.descending {
        format!(" ORDER BY {column} {dir}, d.serial {dir}, d.id {dir}")
    } else {
        format!(" ORDER BY {column} IS NULL, {column} {dir}, d.serial {dir}, d.id {dir}")
    }
}

fn row(r: &sqlx::sqlite::SqliteRow) -> DeviceRow {
    DeviceRow {
        id: r.get("genie_id"),
        acs: r.get("acs"),
        online: r.get::<i64, _>("online") != 0,
        vendor: r.get("vendor"),
        model: r.get("model"),
        serial: r.get("serial"),
        subscriber: r.get("subscriber"),
        wan_ip: r.get("wan_ip"),
        uptime_s: r.get::<Option<i64>, _>("uptime_s").map(|u| u.max(0) as u64),
        signal_dbm: r.get("signal_dbm"),
        firmware: r.get("firmware"),
        last_inform_ms: r.get("last_inform_ms"),
        not_fetched: r
            .get::<Option<String>, _>("not_fetched")
            .map(|n| n.split(',').map(str::to_owned).collect())
            .unwrap_or_default(),
    }
}

/// The most rows one page of the list holds; more is read with
/// [`TenantStore::stream_devices`].
pub const MAX_PAGE: u32 = 1000;

const COLUMNS: &str =
    "SELECT d.genie_id, a.name AS acs, d.online, d.vendor, d.model, d.serial, s.name AS subscriber,
    d.wan_ip, d.uptime_s, d.signal_dbm, d.firmware, d.last_inform_ms, d.not_fetched";

/// One page of the filtered, sorted list with its counts.
#[derive(Debug, Clone, PartialEq)]
pub struct DevicePage {
    /// Matching devices.
    pub total: u64,
    /// Matching devices that are online.
    pub online: u64,
    /// All devices of the tenant.
    pub fleet: u64,
    /// The rows asked for.
    pub rows: Vec<DeviceRow>,
}

impl TenantStore {
    /// One page of the device list: `limit` rows at most, and never more than
    /// [`MAX_PAGE`] (the counts say how many match).
    pub async fn list_devices(
        &self,
        filter: &DeviceFilter,
        sort: DeviceSort,
        offset: u32,
        limit: u32,
    ) -> Result<DevicePage, StoreError> {
        let mut count = QueryBuilder::<Sqlite>::new(
            "SELECT count(*) AS total, coalesce(sum(d.online), 0) AS online",
        );
        count.push(count_from(filter));
        push_filter(&mut count, filter);
        let c = count.build().fetch_one(self.pool()).await?;
        let fleet: i64 = sqlx::query_scalar("SELECT count(*) FROM devices WHERE missing = 0")
            .fetch_one(self.pool())
            .await?;
        let mut q = QueryBuilder::<Sqlite>::new(COLUMNS);
        q.push(FROM);
        push_filter(&mut q, filter);
        q.push(order_by(sort));
        q.push(" LIMIT ").push_bind(i64::from(limit.min(MAX_PAGE)));
        q.push(" OFFSET ").push_bind(i64::from(offset));
        let rows = q.build().fetch_all(self.pool()).await?;
        Ok(DevicePage {
            total: c.get::<i64, _>("total").max(0) as u64,
            online: c.get::<i64, _>("online").max(0) as u64,
            fleet: fleet.max(0) as u64,
            rows: rows.iter().map(row).collect(),
        })
    }

    /// Every device the filter matches in list order (at most `limit`), read by one
    /// statement — one consistent snapshot, however the sync writes meanwhile — and
    /// handed over as they are read, so the whole fleet is never held at once. An error
    /// ends the stream.
    pub fn stream_devices(
        &self,
        filter: DeviceFilter,
        sort: DeviceSort,
        limit: Option<u64>,
    ) -> tokio::sync::mpsc::Receiver<Result<DeviceRow, StoreError>> {
        let (tx, rx) = tokio::sync::mpsc::channel(256);
        let pool = self.pool().clone();
        tokio::spawn(async move {
            use futures::StreamExt;
            let mut q = QueryBuilder::<Sqlite>::new(COLUMNS);
            q.push(FROM);
            push_filter(&mut q, &filter);
            q.push(order_by(sort));
            if let Some(n) = limit {
                q.push(" LIMIT ")
                    .push_bind(i64::try_from(n).unwrap_or(i64::MAX));
            }
            let mut rows = q.build().fetch(&pool);
            while let Some(r) = rows.next().await {
                let failed = r.is_err();
                if tx
                    .send(r.map(|r| row(&r)).map_err(Into::into))
                    .await
                    .is_err()
                    || failed
                {
                    break;
                }
            }
        });
        rx
    }

    /// Every device the filter matches, as (GenieACS id, ACS connection), in list order:
    /// the targets of a bulk action chosen by filter.
    pub async fn matching_devices(
        &self,
        filter: &DeviceFilter,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let mut q = QueryBuilder::<Sqlite>::new("SELECT d.genie_id, a.name AS acs");
        q.push(FROM);
        push_filter(&mut q, filter);
        q.push(order_by(DeviceSort::default()));
        let rows = q.build().fetch_all(self.pool()).await?;
        Ok(rows
            .iter()
            .map(|r| (r.get("genie_id"), r.get("acs")))
            .collect())
    }

    /// The distinct values of a column with their counts, most common first.
    pub async fn facet(&self, column: &str) -> Result<Vec<(String, u64)>, StoreError> {
        let sql = match column {
            "vendor" => "SELECT vendor AS v, count(*) AS n FROM devices WHERE missing = 0 AND vendor IS NOT NULL GROUP BY v ORDER BY n DESC, v",
            "model" => "SELECT model AS v, count(*) AS n FROM devices WHERE missing = 0 AND model IS NOT NULL GROUP BY v ORDER BY n DESC, v",
            "firmware" => "SELECT firmware AS v, count(*) AS n FROM devices WHERE missing = 0 AND firmware IS NOT NULL GROUP BY v ORDER BY n DESC, v",
            "acs" => "SELECT a.name AS v, count(d.id) AS n FROM acs_connections a LEFT JOIN devices d ON d.acs_id = a.id AND d.missing = 0 GROUP BY v ORDER BY n DESC, v",
            "tag" => "SELECT j.value AS v, count(*) AS n FROM devices d, json_each(d.tags) j WHERE d.missing = 0 GROUP BY v ORDER BY n DESC, v",
            other => {
                return Err(StoreError::Invalid {
                    field: "facet",
                    reason: format!("no facet named {other}"),
                })
            }
        };
        let rows = sqlx::query(sql).fetch_all(self.pool()).await?;
        Ok(rows
            .iter()
            .map(|r| (r.get::<String, _>("v"), r.get::<i64, _>("n").max(0) as u64))
            .collect())
    }

    /// The devices a person's reference names, as (GenieACS id, connection, serial):
    /// the exact id, the id with GenieACS's escapes spelled out (`EC220-G5` for
    /// `EC220%2DG5`), or the serial (any case); when none is named so, up to `limit`
    /// devices whose id or serial contains the text, as suggestions (`exact` false).
    pub async fn find_device_refs(
        &self,
        text: &str,
        limit: u32,
    ) -> Result<(bool, Vec<(String, String, String)>), StoreError> {
        let text = text.trim();
        let exact: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT d.genie_id, a.name, d.serial FROM devices d JOIN acs_connections a ON a.id = d.acs_id
             WHERE d.missing = 0 AND (d.genie_id = ?1 OR d.serial = ?1 COLLATE NOCASE
                OR replace(replace(replace(d.genie_id, '%2D', '-'), '%20', ' '), '%2E', '.') = ?1)
             ORDER BY d.genie_id, a.name LIMIT ?2",
        )
        .bind(text)
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        if !exact.is_empty() || text.is_empty() {
            return Ok((true, exact));
        }
        let like = contains_pattern(text);
        let near = sqlx::query_as(
            "SELECT d.genie_id, a.name, d.serial FROM devices d JOIN acs_connections a ON a.id = d.acs_id
             WHERE d.missing = 0 AND (d.genie_id LIKE ?1 ESCAPE '\\' OR d.serial LIKE ?1 ESCAPE '\\')
             ORDER BY d.genie_id LIMIT ?2",
        )
        .bind(like)
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        Ok((false, near))
    }

    /// One device by GenieACS id (the first ACS that has it).
    pub async fn device(&self, genie_id: &str) -> Result<StoredDevice, StoreError> {
        let sql = format!("{COLUMNS}, dd.normalized, d.offline_since_ms, d.missing{FROM} JOIN device_documents dd ON dd.device_id = d.id WHERE d.genie_id = ? ORDER BY d.id LIMIT 1");
        let r = sqlx::query(&sql)
            .bind(genie_id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("device {genie_id}")))?;
        let normalized: NormalizedDevice = serde_json::from_str(&r.get::<String, _>("normalized"))
            .map_err(|e| StoreError::Db(format!("stored device is unreadable: {e}")))?;
        Ok(StoredDevice {
            row: row(&r),
            normalized,
            offline_since_ms: r.get("offline_since_ms"),
            missing: r.get::<i64, _>("missing") != 0,
        })
    }

    /// The latest log entries, newest first, of one device or of all.
    pub async fn logs(
        &self,
        genie_id: Option<&str>,
        limit: u32,
    ) -> Result<Vec<LogRow>, StoreError> {
        let mut q = QueryBuilder::<Sqlite>::new(
            "SELECT d.genie_id, d.serial, l.level, l.kind, l.message, l.payload, l.created_ms FROM device_logs l JOIN devices d ON d.id = l.device_id",
        );
        if let Some(id) = genie_id {
            q.push(" WHERE d.genie_id = ").push_bind(id);
        }
        q.push(" ORDER BY l.created_ms DESC, l.id DESC LIMIT ")
            .push_bind(i64::from(limit));
        let rows = q.build().fetch_all(self.pool()).await?;
        Ok(rows
            .iter()
            .map(|r| LogRow {
                device: r.get("genie_id"),
                serial: r.get("serial"),
                level: r.get("level"),
                kind: r.get("kind"),
                message: r.get("message"),
                payload: r.get("payload"),
                at_ms: r.get("created_ms"),
            })
            .collect())
    }
}

/// A device log entry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LogRow {
    /// GenieACS id.
    pub device: String,
    /// Serial.
    pub serial: String,
    /// `info`, `warning` or `error`.
    pub level: String,
    /// Kind (`online`, `offline`, `router_error`, …).
    pub kind: String,
    /// Message.
    pub message: String,
    /// Raw payload, JSON text.
    pub payload: String,
    /// When, Unix ms.
    pub at_ms: i64,
}

/// Routers of one model on one firmware version (the firmware library's spread).
#[derive(Debug, Clone, PartialEq)]
pub struct SpreadRow {
    /// Their ACS connection.
    pub acs: String,
    /// AcsDesk's vendor name.
    pub vendor: Option<String>,
    /// The model name they report.
    pub model: Option<String>,
    /// Manufacturer OUI.
    pub oui: String,
    /// Product class.
    pub product_class: String,
    /// The version they report.
    pub firmware: Option<String>,
    /// How many.
    pub devices: u64,
}

impl TenantStore {
    /// How many routers of each model (OUI and product class, per connection) run each
    /// firmware version, most first.
    pub async fn firmware_spread(&self) -> Result<Vec<SpreadRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT c.name AS acs, max(d.vendor) AS vendor, max(d.model) AS model, d.oui,
                    d.product_class, d.firmware, count(*) AS n
             FROM devices d JOIN acs_connections c ON c.id = d.acs_id
             WHERE d.missing = 0 AND c.removed_ms IS NULL
             GROUP BY c.name, d.oui, d.product_class, d.firmware
             ORDER BY n DESC, d.product_class, d.firmware",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| SpreadRow {
                acs: r.get("acs"),
                vendor: r.get("vendor"),
                model: r.get("model"),
                oui: r.get("oui"),
                product_class: r.get("product_class"),
                firmware: r.get("firmware"),
                devices: u64::try_from(r.get::<i64, _>("n")).unwrap_or(0),
            })
            .collect())
    }
}
