//! The `acs_connections` table: a tenant's GenieACS servers. The secret (password or
//! token) leaves the store only through [`TenantStore::reveal_acs_secret`].

use super::{StoreError, TenantStore};
use acsdesk_types::secret::Secret;
use sqlx::Row;

/// An ACS connection, without its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcsConnection {
    /// Row id.
    pub id: i64,
    /// Name within the tenant.
    pub name: String,
    /// NBI base URL.
    pub url: String,
    /// `none`, `basic`, `token` or `header`.
    pub auth_kind: String,
    /// Basic-auth user, or (`header`) the token's header name.
    pub auth_user: Option<String>,
    /// Whether a secret is stored.
    pub has_secret: bool,
    /// The CWMP URL routers should use.
    pub cwmp_url: Option<String>,
    /// Requests per second allowed.
    pub rate_per_s: i64,
    /// Seconds between syncs.
    pub interval_s: i64,
}

/// What removing a connection would do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AcsRemovalPlan {
    /// Its devices (they leave the lists; their history stays).
    pub devices: u64,
    /// Its actions not yet sent (cancelled).
    pub pending: u64,
    /// Its actions waiting in GenieACS (their tasks withdrawn, then cancelled).
    pub queued: u64,
    /// Its actions sent with their outcome unknown (cancelled; they may have run).
    pub unsettled: u64,
}

/// A new ACS connection.
#[derive(Clone, PartialEq, Eq)]
pub struct NewAcs {
    /// Name within the tenant.
    pub name: String,
    /// NBI base URL (http or https).
    pub url: String,
    /// `none`, `basic`, `token` or `header`.
    pub auth_kind: String,
    /// Basic-auth user, or (`header`) the token's header name.
    pub auth_user: Option<String>,
    /// Password or token.
    pub auth_secret: Option<Secret>,
    /// The CWMP URL routers should use.
    pub cwmp_url: Option<String>,
    /// Requests per second allowed.
    pub rate_per_s: i64,
    /// Seconds between syncs.
    pub interval_s: i64,
}

impl std::fmt::Debug for NewAcs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewAcs")
            .field("name", &self.name)
            .field("url", &self.url)
            .field("auth_kind", &self.auth_kind)
            .field("auth_user", &self.auth_user)
            .field(
                "auth_secret",
                &self.auth_secret.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

impl AcsConnection {
    /// The warning a connection deserves when its credentials would travel in clear:
    /// plain `http://`, a password or token, and a host that is not this machine.
    pub fn cleartext_warning(&self) -> Option<String> {
        cleartext_warning(&self.url, &self.auth_kind)
    }
}

/// Whether two NBI URLs name the same endpoint (scheme, host, port and path, a trailing
/// `/` aside): a saved password or token is only ever sent to the endpoint it was saved
/// for.
pub fn same_endpoint(a: &str, b: &str) -> bool {
    match (reqwest::Url::parse(a.trim()), reqwest::Url::parse(b.trim())) {
        (Ok(a), Ok(b)) => {
            a.scheme() == b.scheme()
                && a.host_str().map(str::to_ascii_lowercase)
                    == b.host_str().map(str::to_ascii_lowercase)
                && a.port_or_known_default() == b.port_or_known_default()
                && a.path().trim_end_matches('/') == b.path().trim_end_matches('/')
        }
        _ => false,
    }
}

/// See [`AcsConnection::cleartext_warning`].
pub fn cleartext_warning(url: &str, auth_kind: &str) -> Option<String> {
    let url = reqwest::Url::parse(url.trim()).ok()?;
    if url.scheme() != "http" || auth_kind == "none" {
        return None;
    }
    let host = url.host_str()?;
    let local = match host.trim_matches(['[', ']']).parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    };
    (!local).then(|| {
        format!(
            "the credentials travel in clear over http:// to {}: use https:// (with the system's \
             roots, a CA file or a pinned certificate)",
            host
        )
    })
}

fn row_to_acs(r: &sqlx::sqlite::SqliteRow) -> AcsConnection {
    // A token in a header of its own is kept as a token with its header's name (0023).
    let header: Option<String> = r.get("auth_header");
    let (auth_kind, auth_user) = match header {
        Some(h) => ("header".to_owned(), Some(h)),
        None => (r.get("auth_kind"), r.get("auth_user")),
    };
    AcsConnection {
        id: r.get("id"),
        name: r.get("name"),
        url: r.get("url"),
        auth_kind,
        auth_user,
        has_secret: r.get::<Option<String>, _>("auth_secret").is_some(),
        cwmp_url: r.get("cwmp_url"),
        rate_per_s: r.get("rate_per_s"),
        interval_s: r.get("interval_s"),
    }
}

/// Checks a connection's name, URLs, rate, interval and authentication; returns the
/// trimmed name and the NBI URL as stored.
fn check(acs: &NewAcs) -> Result<(String, String), StoreError> {
    let name = acs.name.trim();
    if name.is_empty() || name.len() > 64 {
        return Err(StoreError::Invalid {
            field: "name",
            reason: "a connection name has 1 to 64 characters".into(),
        });
    }
    let url = reqwest::Url::parse(acs.url.trim()).map_err(|e| StoreError::Invalid {
        field: "url",
        reason: format!("not a URL ({e}); for example http://acs.example.net:7557"),
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(StoreError::Invalid {
            field: "url",
            reason: "the NBI URL must be http:// or https:// with a host".into(),
        });
    }
    if !url.username().is_empty() || url.password().is_some() {
        // Kept in the URL, a password would be stored in clear and printed with it.
        return Err(StoreError::Invalid {
            field: "url",
            reason: "the URL holds credentials (user:password@host): give the URL without them, the user with --user and the password with --password-stdin (in the desktop, the connection's user and password fields), so they are kept encrypted and never shown".into(),
        });
    }
    if !(1..=1000).contains(&acs.rate_per_s) {
        return Err(StoreError::Invalid {
            field: "rate",
            reason: format!(
                "{} requests a second is out of range: give 1 to 1000",
                acs.rate_per_s
            ),
        });
    }
    if !(5..=86_400).contains(&acs.interval_s) {
        return Err(StoreError::Invalid {
            field: "interval",
            reason: format!(
                "a sync every {} s is out of range: give 5 to 86400 seconds",
                acs.interval_s
            ),
        });
    }
    if let Some(cwmp) = acs.cwmp_url.as_deref() {
        let ok = reqwest::Url::parse(cwmp.trim()).is_ok_and(|u| {
            matches!(u.scheme(), "http" | "https")
                && u.host_str().is_some()
                && u.username().is_empty()
                && u.password().is_none()
        });
        if !ok {
            return Err(StoreError::Invalid {
            field: "cwmp-url",
            reason: "the CWMP URL routers use is http:// or https:// with a host and no credentials, e.g. http://acs.example.net:7547".into(),
        });
        }
    }
    match acs.auth_kind.as_str() {
        "none" | "basic" | "token" => {}
        "header" => check_header_name(acs.auth_user.as_deref().unwrap_or_default())?,
        _ => {
            return Err(StoreError::Invalid {
                field: "auth",
                reason: "authentication is none, basic, token or header".into(),
            })
        }
    }
    Ok((
        name.to_owned(),
        url.as_str().trim_end_matches('/').to_owned(),
    ))
}

/// How an authentication kind is stored: a token in a header of its own is a `token`
/// with its header named in `auth_header`.
fn stored_kind(kind: &str) -> &str {
    if kind == "header" {
        "token"
    } else {
        kind
    }
}

/// The basic-auth user as stored (none without a password, none for a token).
fn stored_user(acs: &NewAcs) -> Option<&str> {
    match acs.auth_kind.as_str() {
        "none" | "header" => None,
        _ => acs.auth_user.as_deref().map(str::trim),
    }
}

/// The header a token goes in, when not `Authorization: Bearer`.
fn stored_header(acs: &NewAcs) -> Option<&str> {
    (acs.auth_kind == "header")
        .then(|| acs.auth_user.as_deref().map(str::trim))
        .flatten()
}

/// A token's own header (`header` authentication) is named like any HTTP header, and is
/// not one the HTTP exchange itself needs.
fn check_header_name(name: &str) -> Result<(), StoreError> {
    let bad = |reason: String| StoreError::Invalid {
        field: "header",
        reason,
    };
    let name = name.trim();
    if name.is_empty() {
        return Err(bad(
            "token in a header: give the header's name, e.g. X-Api-Key".into(),
        ));
    }
    // RFC 9110 token characters.
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if name.len() > 64 || !name.chars().all(token) {
        return Err(bad(format!(
            "{name:?} is not a header name: letters, digits and - (e.g. X-Api-Key), up to 64"
        )));
    }
    const RESERVED: [&str; 6] = [
        "host",
        "content-length",
        "content-type",
        "transfer-encoding",
        "connection",
        "accept",
    ];
    if RESERVED.iter().any(|r| name.eq_ignore_ascii_case(r)) {
        return Err(bad(format!(
            "{name} is part of every request and cannot carry a token"
        )));
    }
    Ok(())
}

impl TenantStore {
    /// Adds an ACS connection after checking its name and URL.
    pub async fn add_acs(&self, acs: &NewAcs, now_ms: i64) -> Result<AcsConnection, StoreError> {
        let (name, url) = check(acs)?;
        if acs.auth_kind != "none" && acs.auth_secret.as_ref().is_none_or(Secret::is_empty) {
            return Err(StoreError::Invalid {
                field: "secret",
                reason: format!("{} authentication needs a password or token", acs.auth_kind),
            });
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO acs_connections (name, url, auth_kind, auth_user, auth_header, auth_secret, cwmp_url, rate_per_s, interval_s, created_ms)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(&name)
        .bind(&url)
        .bind(stored_kind(&acs.auth_kind))
        .bind(stored_user(acs))
        .bind(stored_header(acs))
        .bind(acs.auth_secret.as_ref().map(Secret::expose))
        .bind(acs.cwmp_url.as_deref().map(str::trim))
        .bind(acs.rate_per_s)
        .bind(acs.interval_s)
        .bind(now_ms)
        .fetch_one(self.pool())
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => StoreError::Conflict(format!("an ACS connection named \"{name}\" already exists")),
            other => other,
        })?;
        self.acs_by_id(id).await
    }

    /// Every ACS connection of the tenant.
    pub async fn list_acs(&self) -> Result<Vec<AcsConnection>, StoreError> {
        let rows =
            sqlx::query("SELECT * FROM acs_connections WHERE removed_ms IS NULL ORDER BY name")
                .fetch_all(self.pool())
                .await?;
        Ok(rows.iter().map(row_to_acs).collect())
    }

    /// One ACS connection by name.
    pub async fn acs(&self, name: &str) -> Result<AcsConnection, StoreError> {
        let row =
            sqlx::query("SELECT * FROM acs_connections WHERE name = ? AND removed_ms IS NULL")
                .bind(name)
                .fetch_optional(self.pool())
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("ACS connection \"{name}\"")))?;
        Ok(row_to_acs(&row))
    }

    async fn acs_by_id(&self, id: i64) -> Result<AcsConnection, StoreError> {
        let row = sqlx::query("SELECT * FROM acs_connections WHERE id = ?")
            .bind(id)
            .fetch_one(self.pool())
            .await?;
        Ok(row_to_acs(&row))
    }

    /// The connection's password or token, for building its HTTP client. Never log it.
    pub async fn reveal_acs_secret(&self, name: &str) -> Result<Option<Secret>, StoreError> {
        Ok(sqlx::query_scalar::<_, Option<String>>(
            "SELECT auth_secret FROM acs_connections WHERE name = ?",
        )
        .bind(name)
        .fetch_optional(self.pool())
        .await?
        .flatten()
        .map(Secret::new))
    }

    /// Changes connection `name` (URL, authentication, CWMP URL, rate, interval), checked
    /// like a new one. Its secret stays unless `acs.auth_secret` gives a new one, and goes
    /// when authentication becomes `none`. Devices and history are kept.
    pub async fn update_acs(&self, name: &str, acs: &NewAcs) -> Result<AcsConnection, StoreError> {
        let existing = self.acs(name).await?;
        let (_, url) = check(&NewAcs {
            name: name.to_owned(),
            ..acs.clone()
        })?;
        let keep_secret = acs.auth_kind != "none" && acs.auth_secret.is_none();
        if acs.auth_kind != "none"
            && !keep_secret
            && acs.auth_secret.as_ref().is_some_and(Secret::is_empty)
        {
            return Err(StoreError::Invalid {
                field: "secret",
                reason: "give the password or token, or leave it out to keep the saved one".into(),
            });
        }
        if acs.auth_kind != "none" && keep_secret && !existing.has_secret {
            return Err(StoreError::Invalid {
                field: "secret",
                reason: format!("{} authentication needs a password or token", acs.auth_kind),
            });
        }
        sqlx::query(
            "UPDATE acs_connections SET url = ?, auth_kind = ?, auth_user = ?, auth_header = ?,
                 auth_secret = CASE WHEN ? THEN auth_secret ELSE ? END,
                 cwmp_url = ?, rate_per_s = ?, interval_s = ? WHERE id = ?",
        )
        .bind(&url)
        .bind(stored_kind(&acs.auth_kind))
        .bind(stored_user(acs))
        .bind(stored_header(acs))
        .bind(keep_secret)
        .bind(if acs.auth_kind == "none" {
            None
        } else {
            acs.auth_secret.as_ref().map(Secret::expose)
        })
        .bind(acs.cwmp_url.as_deref().map(str::trim))
        .bind(acs.rate_per_s)
        .bind(acs.interval_s)
        .bind(existing.id)
        .execute(self.pool())
        .await?;
        self.acs_by_id(existing.id).await
    }

    /// Points an ACS connection at another URL (e.g. the demo sandbox's new port),
    /// keeping its devices and history.
    pub async fn set_acs_url(&self, name: &str, url: &str) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE acs_connections SET url = ? WHERE name = ?")
            .bind(url.trim_end_matches('/'))
            .bind(name)
            .execute(self.pool())
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("ACS connection \"{name}\"")));
        }
        Ok(())
    }

    /// Sets how the connection's TLS certificate is checked: an extra CA (PEM), a pinned
    /// SHA-256 fingerprint (64 hex digits, `:` allowed), or neither (system roots).
    pub async fn set_acs_tls(
        &self,
        name: &str,
        ca_pem: Option<&str>,
        pin_sha256: Option<&str>,
    ) -> Result<(), StoreError> {
        let pin = check_tls(ca_pem, pin_sha256)?;
        let done =
            sqlx::query("UPDATE acs_connections SET ca_pem = ?, pin_sha256 = ? WHERE name = ?")
                .bind(ca_pem)
                .bind(pin)
                .bind(name)
                .execute(self.pool())
                .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("ACS connection \"{name}\"")));
        }
        Ok(())
    }

    /// The connection's TLS settings: (CA PEM, pinned SHA-256).
    pub async fn acs_tls(
        &self,
        name: &str,
    ) -> Result<(Option<String>, Option<String>), StoreError> {
        let row = sqlx::query("SELECT ca_pem, pin_sha256 FROM acs_connections WHERE name = ?")
            .bind(name)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("ACS connection \"{name}\"")))?;
        Ok((row.get("ca_pem"), row.get("pin_sha256")))
    }

    /// What removing connection `name` would do: its devices, and its actions not yet
    /// ended (pending, waiting in GenieACS, or sent with their outcome unknown).
    pub async fn acs_removal_plan(&self, name: &str) -> Result<AcsRemovalPlan, StoreError> {
        let id = self.acs(name).await?.id;
        let (devices,): (i64,) =
            sqlx::query_as("SELECT count(*) FROM devices WHERE acs_id = ? AND missing = 0")
                .bind(id)
                .fetch_one(self.pool())
                .await?;
        let (pending, queued, unsettled): (i64, i64, i64) = sqlx::query_as(
            "SELECT coalesce(sum(a.status = 'pending'), 0),
                    coalesce(sum(a.status = 'sent' AND a.task_id IS NOT NULL), 0),
                    coalesce(sum(a.status = 'sent' AND a.task_id IS NULL), 0)
             FROM device_actions a JOIN devices d ON d.id = a.device_id WHERE d.acs_id = ?",
        )
        .bind(id)
        .fetch_one(self.pool())
        .await?;
        let n = |v: i64| v.max(0) as u64;
        Ok(AcsRemovalPlan {
            devices: n(devices),
            pending: n(pending),
            queued: n(queued),
            unsettled: n(unsettled),
        })
    }

    /// Removes connection `name`, keeping its history: the row is marked removed and
    /// renamed `<name> (removed <date> #<id>)` (its name is free again, its secret and
    /// TLS trust are dropped), its devices leave the lists, their open alerts are
    /// resolved, and its actions not yet ended fail with `reason_of(action)` — the
    /// caller withdraws their GenieACS tasks first. One transaction. Returns the name
    /// the history keeps.
    pub async fn remove_acs(&self, name: &str, now_ms: i64) -> Result<String, StoreError> {
        let id = self.acs(name).await?.id;
        let kept = format!(
            "{name} (removed {} #{id})",
            acsdesk_time::iso(now_ms).get(..10).unwrap_or_default()
        );
        let open: Vec<i64> = sqlx::query_scalar(
            "SELECT a.id FROM device_actions a JOIN devices d ON d.id = a.device_id
             WHERE d.acs_id = ? AND a.status IN ('pending', 'sent')",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        for action in open {
            // Ended one by one so each is logged on its device like any other end.
            let _ = self
                .finish_action(
                    action,
                    crate::actions::ActionStatus::Cancelled,
                    Some(("removed", "its ACS connection was removed")),
                    now_ms,
                )
                .await;
        }
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "UPDATE alerts SET state = 'resolved', resolved_ms = ?1
             WHERE state != 'resolved' AND ((subject_type = 'device' AND subject_id IN
                 (SELECT genie_id FROM devices WHERE acs_id = ?2)) OR (subject_type = 'acs' AND subject_id = ?3))",
        )
        .bind(now_ms)
        .bind(id)
        .bind(name)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE devices SET missing = 1 WHERE acs_id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM action_leases WHERE acs_id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE acs_connections SET name = ?, removed_ms = ?, auth_secret = NULL, ca_pem = NULL,
                pin_sha256 = NULL WHERE id = ?",
        )
        .bind(&kept)
        .bind(now_ms)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(kept)
    }

    /// Deletes a connection outright (one just added that could not be set up: nothing
    /// refers to it yet).
    pub async fn delete_acs(&self, name: &str) -> Result<(), StoreError> {
        let done = sqlx::query("DELETE FROM acs_connections WHERE name = ?")
            .bind(name)
            .execute(self.pool())
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("ACS connection \"{name}\"")));
        }
        Ok(())
    }
}

/// Checks a connection's TLS trust as it would be saved: a CA certificate (PEM) or a
/// pinned SHA-256 (64 hex digits, colons allowed), not both. Returns the pin as kept
/// (lower case, no colons).
pub fn check_tls(
    ca_pem: Option<&str>,
    pin_sha256: Option<&str>,
) -> Result<Option<String>, StoreError> {
    if ca_pem.is_some() && pin_sha256.is_some() {
        return Err(StoreError::Invalid {
            field: "tls",
            reason: "give either a CA certificate or a pinned fingerprint, not both".into(),
        });
    }
    if let Some(pem) = ca_pem {
        if !pem.contains("-----BEGIN CERTIFICATE-----") {
            return Err(StoreError::Invalid {
                field: "ca",
                reason: "the CA file is not a PEM certificate (-----BEGIN CERTIFICATE-----)".into(),
            });
        }
    }
    let pin = pin_sha256.map(|p| p.trim().replace(':', "").to_ascii_lowercase());
    if let Some(p) = &pin {
        if p.len() != 64 || !p.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(StoreError::Invalid {
                field: "pin",
                reason: "a pin is the certificate's SHA-256: 64 hex digits".into(),
            });
        }
    }
    Ok(pin)
}
