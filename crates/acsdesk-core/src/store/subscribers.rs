//! The `subscribers` table: the billing system's network users (account, name, phone,
//! PPPoE and WiFi credentials, plan, notes, status) and the router each is linked to by
//! serial number. Passwords leave the store only through
//! [`TenantStore::reveal_subscriber_secrets`]; rows carry only whether one is set.

use super::{StoreError, TenantStore};
use acsdesk_types::input::{PppoePassword, PppoeUsername, SerialNumber, Ssid, WpaPassphrase};
use sqlx::{QueryBuilder, Row, Sqlite};
use std::fmt;

/// A subscriber's status in the billing system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubscriberStatus {
    /// Paying and connected.
    Active,
    /// Temporarily cut off (unpaid, on request).
    Suspended,
    /// Gone.
    Terminated,
}

impl SubscriberStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            SubscriberStatus::Active => "active",
            SubscriberStatus::Suspended => "suspended",
            SubscriberStatus::Terminated => "terminated",
        }
    }

    /// From the stored (or typed) name.
    pub fn parse(s: &str) -> Result<Self, StoreError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "active" => Ok(SubscriberStatus::Active),
            "suspended" => Ok(SubscriberStatus::Suspended),
            "terminated" => Ok(SubscriberStatus::Terminated),
            other => Err(StoreError::Invalid {
                field: "status",
                reason: format!("{other:?} is not a status: use active, suspended or terminated"),
            }),
        }
    }
}

/// A subscriber as listed: everything but the passwords.
#[derive(Debug, Clone, PartialEq)]
pub struct Subscriber {
    /// Row id.
    pub id: i64,
    /// The billing system's account number (unique in the tenant).
    pub account: String,
    /// Name.
    pub name: String,
    /// Phone, for SMS alerts and the technician.
    pub phone: Option<String>,
    /// PPPoE username.
    pub pppoe_username: Option<String>,
    /// Whether a PPPoE password is stored.
    pub has_pppoe_password: bool,
    /// WiFi network name.
    pub wifi_ssid: Option<String>,
    /// Whether a WiFi password is stored.
    pub has_wifi_password: bool,
    /// Plan or bandwidth (`50/10 Mbps`).
    pub plan: Option<String>,
    /// Free notes.
    pub notes: Option<String>,
    /// Billing status.
    pub status: SubscriberStatus,
    /// The serial of the router linked to the subscriber.
    pub serial: Option<String>,
    /// The GenieACS ids of the devices with that serial, in any ACS connection.
    pub devices: Vec<String>,
    /// When created.
    pub created_ms: i64,
    /// When last changed.
    pub updated_ms: i64,
}

/// A subscriber's passwords, revealed for provisioning. Never log it.
#[derive(Clone, PartialEq, Eq)]
pub struct SubscriberSecrets {
    /// PPPoE password.
    pub pppoe_password: Option<String>,
    /// WiFi passphrase.
    pub wifi_password: Option<String>,
}

impl fmt::Debug for SubscriberSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = |s: &Option<String>| s.as_ref().map(|_| "<redacted>");
        f.debug_struct("SubscriberSecrets")
            .field("pppoe_password", &shown(&self.pppoe_password))
            .field("wifi_password", &shown(&self.wifi_password))
            .finish()
    }
}

/// What a subscriber is made of, validated: credentials through the same rules the UI
/// and the action queue use.
#[derive(Debug, Clone, PartialEq)]
pub struct SubscriberInput {
    /// Account number: 1 to 64 characters, no control characters.
    pub account: String,
    /// Name: 1 to 128 characters.
    pub name: String,
    /// Phone (digits, spaces, `+ - ( )`).
    pub phone: Option<String>,
    /// PPPoE username.
    pub pppoe_username: Option<PppoeUsername>,
    /// PPPoE password (redacted in `Debug`).
    pub pppoe_password: Option<PppoePassword>,
    /// WiFi network name.
    pub wifi_ssid: Option<Ssid>,
    /// WiFi passphrase (redacted in `Debug`).
    pub wifi_password: Option<WpaPassphrase>,
    /// Plan or bandwidth.
    pub plan: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// Status.
    pub status: SubscriberStatus,
    /// The router's serial.
    pub serial: Option<SerialNumber>,
}

impl SubscriberInput {
    /// A subscriber with only an account and a name.
    pub fn new(account: &str, name: &str) -> Self {
        Self {
            account: account.to_owned(),
            name: name.to_owned(),
            phone: None,
            pppoe_username: None,
            pppoe_password: None,
            wifi_ssid: None,
            wifi_password: None,
            plan: None,
            notes: None,
            status: SubscriberStatus::Active,
            serial: None,
        }
    }

    pub(crate) fn check(&self) -> Result<(String, String), StoreError> {
        let account = self.account.trim().to_owned();
        if account.is_empty()
            || account.chars().count() > 64
            || account.chars().any(char::is_control)
        {
            return Err(StoreError::Invalid {
                field: "account",
                reason: "an account number has 1 to 64 characters, no control characters".into(),
            });
        }
        let name = self.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 128 || name.chars().any(char::is_control) {
            return Err(StoreError::Invalid {
                field: "name",
                reason: "a name has 1 to 128 characters, no control characters".into(),
            });
        }
        if let Some(p) = &self.phone {
            let ok = !p.trim().is_empty()
                && p.chars().count() <= 32
                && p.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c))
                && p.chars().filter(char::is_ascii_digit).count() >= 5;
            if !ok {
                return Err(StoreError::Invalid {
                    field: "phone",
                    reason: "a phone number has digits (at least 5), spaces and + - ( ) only, e.g. +54 11 5555-0101".into(),
                });
            }
        }
        for (field, text, max) in [("plan", &self.plan, 64), ("notes", &self.notes, 2000)] {
            if text.as_ref().is_some_and(|t| t.chars().count() > max) {
                return Err(StoreError::Invalid {
                    field,
                    reason: format!("at most {max} characters"),
                });
            }
        }
        Ok((account, name))
    }
}

/// Which subscribers to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubscriberFilter {
    /// Text in the account, name, phone, PPPoE user or serial.
    pub search: Option<String>,
    /// Only this status.
    pub status: Option<String>,
    /// Only those linked (`true`) or not (`false`) to a router.
    pub linked: Option<bool>,
    /// Only those whose router has this problem.
    pub problem: Option<acsdesk_types::RouterProblem>,
    /// At most this many (default 500).
    pub limit: Option<u32>,
}

pub(super) const COLUMNS: &str = "SELECT s.id, s.account, s.name, s.phone, s.pppoe_username,
    s.pppoe_password IS NOT NULL AS has_pppoe, s.wifi_ssid, s.wifi_password IS NOT NULL AS has_wifi,
    s.plan, s.notes, s.status, s.serial, s.created_ms, s.updated_ms,
    (SELECT group_concat(d.genie_id, char(10)) FROM devices d WHERE d.subscriber_id = s.id) AS device_ids
    FROM subscribers s";

pub(super) fn row_to_subscriber(r: &sqlx::sqlite::SqliteRow) -> Result<Subscriber, StoreError> {
    let devices: Option<String> = r.get("device_ids");
    Ok(Subscriber {
        id: r.get("id"),
        account: r.get("account"),
        name: r.get("name"),
        phone: r.get("phone"),
        pppoe_username: r.get("pppoe_username"),
        has_pppoe_password: r.get::<i64, _>("has_pppoe") != 0,
        wifi_ssid: r.get("wifi_ssid"),
        has_wifi_password: r.get::<i64, _>("has_wifi") != 0,
        plan: r.get("plan"),
        notes: r.get("notes"),
        status: SubscriberStatus::parse(r.get::<String, _>("status").as_str())?,
        serial: r.get("serial"),
        devices: devices
            .map(|d| d.lines().map(str::to_owned).collect())
            .unwrap_or_default(),
        created_ms: r.get("created_ms"),
        updated_ms: r.get("updated_ms"),
    })
}

pub(super) fn serial_conflict(e: sqlx::Error, serial: Option<&SerialNumber>) -> StoreError {
    match StoreError::from(e) {
        StoreError::Conflict(m) if m.contains("subscribers.serial") => {
            StoreError::Conflict(format!(
                "the router {} is already linked to another subscriber",
                serial.map(SerialNumber::as_str).unwrap_or("?")
            ))
        }
        StoreError::Conflict(m) if m.contains("subscribers.account") => {
            StoreError::Conflict("a subscriber with this account number already exists".into())
        }
        other => other,
    }
}

/// What a router linked to a subscriber reads now, for checking it against what it was
/// given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedRouterValues {
    /// Its serial.
    pub serial: String,
    /// Its GenieACS id.
    pub genie_id: String,
    /// Its GenieACS tags.
    pub tags: Vec<String>,
    /// The PPPoE username its internet WAN reads.
    pub pppoe_username: Option<String>,
    /// The name of its first WiFi network on each band (the one a configuration sets).
    pub ssids: Vec<String>,
}

const LOWER_ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// `len` characters of `alphabet`, uniformly from the OS's random source (bytes that
/// would bias the choice are drawn again).
fn random_text(len: usize, alphabet: &[u8]) -> Result<String, StoreError> {
    let n = alphabet.len();
    let limit = 256 - 256 % n;
    let mut out = String::with_capacity(len);
    let mut buf = [0_u8; 64];
    while out.len() < len {
        getrandom::fill(&mut buf).map_err(|e| StoreError::Invalid {
            field: "random",
            reason: format!("the OS's random source failed: {e}"),
        })?;
        for b in buf.iter().map(|b| usize::from(*b)).filter(|b| *b < limit) {
            if out.len() == len {
                break;
            }
            out.push(char::from(alphabet[b % n]));
        }
    }
    Ok(out)
}

/// From `band<TAB>ssid` lines in instance order, the first network's name of each band.
fn first_per_band(lines: &str) -> Vec<String> {
    let mut bands = Vec::new();
    let mut out = Vec::new();
    for (band, ssid) in lines.lines().filter_map(|l| l.split_once('\t')) {
        if !bands.contains(&band) {
            bands.push(band);
            out.push(ssid.to_owned());
        }
    }
    out
}

impl TenantStore {
    /// Adds a subscriber, linking the router with its serial if one is given.
    pub async fn add_subscriber(
        &self,
        input: &SubscriberInput,
        now_ms: i64,
    ) -> Result<Subscriber, StoreError> {
        let (account, name) = input.check()?;
        let mut tx = self.write_tx().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO subscribers (account, name, phone, pppoe_username, pppoe_password, wifi_ssid,
                 wifi_password, plan, notes, status, serial, serial_alt, created_ms, updated_ms)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(&account)
        .bind(&name)
        .bind(input.phone.as_deref().map(str::trim))
        .bind(input.pppoe_username.as_ref().map(PppoeUsername::as_str))
        .bind(input.pppoe_password.as_ref().map(PppoePassword::reveal))
        .bind(input.wifi_ssid.as_ref().map(Ssid::as_str))
        .bind(input.wifi_password.as_ref().map(WpaPassphrase::reveal))
        .bind(&input.plan)
        .bind(&input.notes)
        .bind(input.status.as_str())
        .bind(input.serial.as_ref().map(SerialNumber::as_str))
        .bind(input.serial.as_ref().and_then(SerialNumber::gpon_alternate))
        .bind(now_ms)
        .bind(now_ms)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| serial_conflict(e, input.serial.as_ref()))?;
        link_devices(&mut tx, id).await?;
        tx.commit().await?;
        self.subscriber_by_id(id).await
    }

    /// Replaces a subscriber's details. Passwords left `None` keep their stored value;
    /// the serial follows the input (`None` unlinks).
    pub async fn update_subscriber(
        &self,
        account: &str,
        input: &SubscriberInput,
        now_ms: i64,
    ) -> Result<Subscriber, StoreError> {
        let (new_account, name) = input.check()?;
        let mut tx = self.write_tx().await?;
        let id: i64 = sqlx::query_scalar("SELECT id FROM subscribers WHERE account = ?")
            .bind(account)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("subscriber {account}")))?;
        sqlx::query(
            "UPDATE subscribers SET account = ?, name = ?, phone = ?, pppoe_username = ?,
                 pppoe_password = COALESCE(?, pppoe_password), wifi_ssid = ?,
                 wifi_password = COALESCE(?, wifi_password), plan = ?, notes = ?, status = ?,
                 serial = ?, serial_alt = ?, updated_ms = ? WHERE id = ?",
        )
        .bind(&new_account)
        .bind(&name)
        .bind(input.phone.as_deref().map(str::trim))
        .bind(input.pppoe_username.as_ref().map(PppoeUsername::as_str))
        .bind(input.pppoe_password.as_ref().map(PppoePassword::reveal))
        .bind(input.wifi_ssid.as_ref().map(Ssid::as_str))
        .bind(input.wifi_password.as_ref().map(WpaPassphrase::reveal))
        .bind(&input.plan)
        .bind(&input.notes)
        .bind(input.status.as_str())
        .bind(input.serial.as_ref().map(SerialNumber::as_str))
        .bind(input.serial.as_ref().and_then(SerialNumber::gpon_alternate))
        .bind(now_ms)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(|e| serial_conflict(e, input.serial.as_ref()))?;
        sqlx::query("UPDATE devices SET subscriber_id = NULL WHERE subscriber_id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        link_devices(&mut tx, id).await?;
        tx.commit().await?;
        self.subscriber_by_id(id).await
    }

    /// Links the router with `serial` to a subscriber (replacing any previous link).
    /// The serial is kept even when no device has informed with it yet: the sync links
    /// the device when it appears.
    pub async fn link_subscriber(
        &self,
        account: &str,
        serial: &SerialNumber,
        now_ms: i64,
    ) -> Result<Subscriber, StoreError> {
        let mut tx = self.write_tx().await?;
        let id: i64 = sqlx::query_scalar("SELECT id FROM subscribers WHERE account = ?")
            .bind(account)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("subscriber {account}")))?;
        sqlx::query(
            "UPDATE subscribers SET serial = ?, serial_alt = ?, updated_ms = ? WHERE id = ?",
        )
        .bind(serial.as_str())
        .bind(serial.gpon_alternate())
        .bind(now_ms)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(|e| serial_conflict(e, Some(serial)))?;
        sqlx::query("UPDATE devices SET subscriber_id = NULL WHERE subscriber_id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        link_devices(&mut tx, id).await?;
        tx.commit().await?;
        self.subscriber_by_id(id).await
    }

    /// Unlinks a subscriber's router.
    pub async fn unlink_subscriber(&self, account: &str, now_ms: i64) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        let id: i64 = sqlx::query_scalar("SELECT id FROM subscribers WHERE account = ?")
            .bind(account)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("subscriber {account}")))?;
        sqlx::query(
            "UPDATE subscribers SET serial = NULL, serial_alt = NULL, updated_ms = ? WHERE id = ?",
        )
        .bind(now_ms)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE devices SET subscriber_id = NULL WHERE subscriber_id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// One subscriber by account number.
    pub async fn subscriber(&self, account: &str) -> Result<Subscriber, StoreError> {
        let row = sqlx::query(&format!("{COLUMNS} WHERE s.account = ?"))
            .bind(account)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("subscriber {account}")))?;
        row_to_subscriber(&row)
    }

    async fn subscriber_by_id(&self, id: i64) -> Result<Subscriber, StoreError> {
        let row = sqlx::query(&format!("{COLUMNS} WHERE s.id = ?"))
            .bind(id)
            .fetch_one(self.pool())
            .await?;
        row_to_subscriber(&row)
    }

    /// Subscribers matching a filter, by name.
    pub async fn list_subscribers(
        &self,
        filter: &SubscriberFilter,
    ) -> Result<Vec<Subscriber>, StoreError> {
        let mut q = QueryBuilder::<Sqlite>::new(COLUMNS);
        q.push(" WHERE 1 = 1");
        if let Some(text) = filter
            .search
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            let like = format!("%{}%", text.replace('%', "\\%").replace('_', "\\_"));
            q.push(" AND (");
            for (i, col) in [
                "s.account",
                "s.name",
                "s.phone",
                "s.pppoe_username",
                "s.serial",
            ]
            .iter()
            .enumerate()
            {
                if i > 0 {
                    q.push(" OR ");
                }
                q.push(*col)
                    .push(" LIKE ")
                    .push_bind(like.clone())
                    .push(" ESCAPE '\\'");
            }
            q.push(")");
        }
        if let Some(status) = &filter.status {
            q.push(" AND s.status = ")
                .push_bind(SubscriberStatus::parse(status)?.as_str());
        }
        match filter.linked {
            Some(true) => {
                q.push(" AND s.serial IS NOT NULL");
            }
            Some(false) => {
                q.push(" AND s.serial IS NULL");
            }
            None => {}
        }
        match filter.problem {
            Some(acsdesk_types::RouterProblem::Offline) => {
                q.push(
                    " AND EXISTS (SELECT 1 FROM devices d WHERE d.subscriber_id = s.id AND d.online = 0 AND d.missing = 0)",
                );
            }
            Some(acsdesk_types::RouterProblem::ProvisioningFailed) => {
                q.push(
                    " AND EXISTS (SELECT 1 FROM devices d JOIN device_faults f
                       ON f.acs_id = d.acs_id AND f.genie_id = d.genie_id
                       WHERE d.subscriber_id = s.id AND f.channel NOT LIKE 'task\\_%' ESCAPE '\\')",
                );
            }
            None => {}
        }
        q.push(" ORDER BY s.name, s.account LIMIT ")
            .push_bind(i64::from(filter.limit.unwrap_or(500).clamp(1, 100_000)));
        let rows = q.build().fetch_all(self.pool()).await?;
        rows.iter().map(row_to_subscriber).collect()
    }

    /// Deletes a subscriber; its router stays, unlinked.
    pub async fn remove_subscriber(&self, account: &str) -> Result<(), StoreError> {
        let done = sqlx::query("DELETE FROM subscribers WHERE account = ?")
            .bind(account)
            .execute(self.pool())
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("subscriber {account}")));
        }
        Ok(())
    }

    /// Every subscriber linked to a router and not terminated, with the passwords and
    /// the configuration tags (`acsdesk-cfg-…`) its router carries in any ACS, for
    /// provisioning. Never log them.
    pub async fn router_inputs(
        &self,
    ) -> Result<Vec<(crate::provisioning::RouterInput, Vec<String>)>, StoreError> {
        let rows = sqlx::query(
            "SELECT s.account, s.name, s.phone, s.serial, s.pppoe_username, s.pppoe_password,
                    s.wifi_ssid, s.wifi_password, c.username AS cr_username, c.password AS cr_password,
                    (SELECT group_concat(j.value, char(10)) FROM devices d, json_each(d.tags) j
                      WHERE d.subscriber_id = s.id AND j.value LIKE 'acsdesk-%') AS tags
             FROM subscribers s
             LEFT JOIN router_credentials c ON c.serial = s.serial
             WHERE s.serial IS NOT NULL AND s.serial <> '' AND s.status <> 'terminated'
             ORDER BY s.account",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let tags: Option<String> = r.try_get("tags")?;
                Ok((
                    crate::provisioning::RouterInput {
                        account: r.try_get("account")?,
                        name: r.try_get("name")?,
                        phone: r.try_get("phone")?,
                        serial: r.try_get("serial")?,
                        pppoe_username: r.try_get("pppoe_username")?,
                        pppoe_password: r.try_get("pppoe_password")?,
                        wifi_ssid: r.try_get("wifi_ssid")?,
                        wifi_password: r.try_get("wifi_password")?,
                        connection_request: match (
                            r.try_get::<Option<String>, _>("cr_username")?,
                            r.try_get::<Option<String>, _>("cr_password")?,
                        ) {
                            (Some(u), Some(p)) => Some((u, p)),
                            _ => None,
                        },
                    },
                    tags.map(|t| t.lines().map(str::to_owned).collect())
                        .unwrap_or_default(),
                ))
            })
            .collect()
    }

    /// Makes connection-request credentials for every linked router that has none yet:
    /// a random username and password each (from the OS's random source), kept here and
    /// never shown. Returns how many were made.
    pub async fn ensure_router_credentials(&self, now_ms: i64) -> Result<u64, StoreError> {
        let missing: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT s.serial FROM subscribers s
             WHERE s.serial IS NOT NULL AND s.serial <> ''
               AND NOT EXISTS (SELECT 1 FROM router_credentials c WHERE c.serial = s.serial)",
        )
        .fetch_all(self.pool())
        .await?;
        let mut tx = self.write_tx().await?;
        for serial in &missing {
            let username = format!("acs-{}", random_text(10, LOWER_ALNUM)?);
            let password = random_text(24, ALNUM)?;
            sqlx::query(
                "INSERT OR IGNORE INTO router_credentials (serial, username, password, created_ms)
                 VALUES (?, ?, ?, ?)",
            )
            .bind(serial)
            .bind(username)
            .bind(password)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(missing.len() as u64)
    }

    /// What each router linked to a subscriber on connection `acs` reads now: serial,
    /// GenieACS id, AcsDesk tags, PPPoE username and WiFi names (every band's).
    pub async fn linked_router_values(
        &self,
        acs: &str,
    ) -> Result<Vec<LinkedRouterValues>, StoreError> {
        let rows = sqlx::query(
            "SELECT d.serial, d.genie_id, d.tags, d.pppoe_username,
                    (SELECT group_concat(json_extract(j.value, '$.band') || char(9)
                                         || ifnull(json_extract(j.value, '$.ssid'), ''), char(10))
                       FROM json_each(dd.normalized, '$.wifi') j) AS ssids
             FROM devices d
             JOIN acs_connections a ON a.id = d.acs_id
             LEFT JOIN device_documents dd ON dd.device_id = d.id
             WHERE a.name = ? AND d.subscriber_id IS NOT NULL AND d.missing = 0",
        )
        .bind(acs)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let tags: String = r.try_get("tags")?;
                let ssids: Option<String> = r.try_get("ssids")?;
                Ok(LinkedRouterValues {
                    serial: r.try_get("serial")?,
                    genie_id: r.try_get("genie_id")?,
                    tags: serde_json::from_str(&tags).unwrap_or_default(),
                    pppoe_username: r.try_get("pppoe_username")?,
                    ssids: first_per_band(ssids.as_deref().unwrap_or_default()),
                })
            })
            .collect()
    }

    /// The online routers linked to a subscriber: serial, GenieACS id and connection name.
    pub async fn linked_online_routers(&self) -> Result<Vec<(String, String, String)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT d.serial, d.genie_id, a.name FROM devices d
             JOIN acs_connections a ON a.id = d.acs_id
             WHERE d.subscriber_id IS NOT NULL AND d.online = 1 AND d.missing = 0",
        )
        .fetch_all(self.pool())
        .await?)
    }

    /// A subscriber's passwords, for provisioning the router. Never log them.
    pub async fn reveal_subscriber_secrets(
        &self,
        account: &str,
    ) -> Result<SubscriberSecrets, StoreError> {
        let row =
            sqlx::query("SELECT pppoe_password, wifi_password FROM subscribers WHERE account = ?")
                .bind(account)
                .fetch_optional(self.pool())
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("subscriber {account}")))?;
        Ok(SubscriberSecrets {
            pppoe_password: row.get("pppoe_password"),
            wifi_password: row.get("wifi_password"),
        })
    }
}

/// Links the devices whose serial is the subscriber's (either form), in one transaction
/// with the change that set it.
async fn link_devices(
    tx: &mut sqlx::Transaction<'_, Sqlite>,
    subscriber: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE devices SET subscriber_id = ?1 WHERE upper(serial) IN (
             SELECT serial FROM subscribers WHERE id = ?1 AND serial IS NOT NULL
             UNION SELECT serial_alt FROM subscribers WHERE id = ?1 AND serial_alt IS NOT NULL)",
    )
    .bind(subscriber)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
