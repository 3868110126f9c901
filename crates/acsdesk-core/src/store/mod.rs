//! The local store: a small app database listing tenants (no secrets), and one SQLCipher
//! database file per tenant, each with its own 256-bit key.
//!
//! Isolation holds by construction: a [`TenantStore`] wraps the connection pool of one
//! tenant's file, so code holding tenant A's handle has no way to name tenant B's rows.
//! Keys come from the OS credential store (a random key per tenant) or, with
//! `ACSDESK_PASSPHRASE` or where no credential store exists, from a passphrase through
//! Argon2id with a salt kept in the app database; a tenant created with a passphrase
//! always needs it. A wrong key is refused before anything is written: the file is never
//! touched. SQLCipher encrypts every page (AES-256, HMAC per page), so neither serial
//! numbers nor passwords can be read from the file.

pub mod acs;
pub mod actions;
pub mod alerts;
pub mod backup;
pub mod channels;
pub mod devices;
pub mod diagnostics;
mod error;
pub mod faults;
pub mod key;
pub mod leases;
pub mod maintenance;
pub mod outbox;
pub mod report;
pub mod rollouts;
pub mod samples;
pub mod settings;
pub mod subscribers;
mod subscribers_bulk;
pub mod sync_store;

pub use error::StoreError;
use key::DbKey;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Executor, Row, SqlitePool};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// How a new tenant's key is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyChoice {
    /// A random key in the OS credential store.
    Keyring,
    /// Derived from this passphrase; it will be asked for every time.
    Passphrase(acsdesk_types::secret::Secret),
}

impl KeyChoice {
    /// How a new tenant's key is kept, the one rule of both shells:
    /// `ACSDESK_PASSPHRASE` when set, else the OS credential store when one answers (and
    /// `keyring` allows it: not after it refused a key in this session). `None`: the
    /// shell asks for a passphrase (the CLI on the terminal, the desktop in a dialog).
    pub fn for_new_tenant(keyring: bool) -> Option<Self> {
        match std::env::var("ACSDESK_PASSPHRASE") {
            Ok(p) if !p.is_empty() => Some(KeyChoice::Passphrase(p.into())),
            _ if keyring && key::keyring_available() => Some(KeyChoice::Keyring),
            _ => None,
        }
    }
}

/// A tenant as listed in the app database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantEntry {
    /// Its name.
    pub name: String,
    /// Its database file name, inside the data directory.
    pub file: String,
    /// `keyring` or `passphrase`.
    pub key_kind: String,
}

/// The data directory: the app database and the tenant files.
#[derive(Debug, Clone)]
pub struct Workspace {
    dir: PathBuf,
    app: SqlitePool,
}

/// Tells OpenSSL (which SQLCipher encrypts with) not to free its global state from an
/// `atexit` handler. At exit that handler raced the threads of closing database
/// connections freeing their own OpenSSL state, and about one CLI run in 300 ended in
/// "double free or corruption". The memory goes back to the system with the process.
/// Call it first thing in `main`, before any database is opened.
pub fn keep_openssl_through_exit() {
    /// `OPENSSL_INIT_NO_ATEXIT` (OpenSSL 1.1.1 and 3).
    const NO_ATEXIT: u64 = 0x0008_0000;
    extern "C" {
        fn OPENSSL_init_crypto(opts: u64, settings: *const std::ffi::c_void) -> std::ffi::c_int;
    }
    // SAFETY: OPENSSL_init_crypto takes option bits and an optional (null) settings
    // pointer; called before any other use of OpenSSL, it only records the option.
    unsafe {
        OPENSSL_init_crypto(NO_ATEXIT, std::ptr::null());
    }
}

/// Every database pool this process opened, so that all can be closed before it exits.
/// SQLite (SQLCipher) connections live on threads of their own; left running while the C
/// runtime tears the process down at exit, one crashed it ("double free or corruption")
/// in a CLI run. Closed pools are forgotten as new ones open.
static OPEN_POOLS: std::sync::Mutex<Vec<SqlitePool>> = std::sync::Mutex::new(Vec::new());

fn remember(pool: &SqlitePool) {
    if let Ok(mut pools) = OPEN_POOLS.lock() {
        pools.retain(|p| !p.is_closed());
        pools.push(pool.clone());
    }
}

/// Closes every database this process opened — idle connections at once, busy ones as
/// they are given back, each tenant's WAL checkpointed into its file — so nothing of
/// SQLite still runs when the process exits. Call it last (the CLI after its command,
/// the desktop when its window closes); a store used afterwards answers that its pool
/// is closed.
pub async fn close_all() {
    let pools = OPEN_POOLS
        .lock()
        .map(|mut p| std::mem::take(&mut *p))
        .unwrap_or_default();
    for pool in pools {
        let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&pool)
            .await;
        pool.close().await;
    }
}

/// `BEGIN IMMEDIATE` on a connection of `pool`, begun in a task of its own so that the
/// caller being cancelled (a background task aborted when the tenant changes) cannot
/// leave it half done. sqlx's worker thread runs the `BEGIN` and hands its answer over;
/// a future dropped between the two never builds the `Transaction` whose drop would roll
/// back, and the connection went back to the pool inside an open transaction — holding
/// the write lock (every other writer then failed with "database is locked") and taking
/// whatever that connection wrote next into a transaction nobody commits. Begun here,
/// a transaction nobody awaits any more is dropped with the task's result: rolled back.
pub(crate) async fn begin_immediate(
    pool: &SqlitePool,
) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
    let pool = pool.clone();
    tokio::spawn(async move { pool.begin_with("BEGIN IMMEDIATE").await })
        .await
        .map_err(|e| sqlx::Error::Protocol(format!("a transaction could not begin: {e}")))?
}

/// "file is not a database" (what SQLCipher says of a wrong key) as [`StoreError::WrongKey`].
fn wrong_key_or(e: sqlx::Error, tenant: &str) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.message().contains("file is not a database") => {
            StoreError::WrongKey(format!("tenant \"{tenant}\""))
        }
        _ => StoreError::from(e),
    }
}

static APP_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/app");
static TENANT_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/tenant");

impl Workspace {
    /// Opens (creating when needed) the workspace in `dir`.
    pub async fn open(dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir.join("tenants"))
            .map_err(|e| StoreError::Io(format!("cannot create {}: {e}", dir.display())))?;
        let options = SqliteConnectOptions::new()
            .filename(dir.join("app.db"))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .busy_timeout(std::time::Duration::from_secs(10));
        let app = SqlitePoolOptions::new()
            .max_connections(2)
            .connect_with(options)
            .await?;
        remember(&app);
        APP_MIGRATIONS.run(&app).await?;
        Ok(Self {
            dir: dir.to_owned(),
            app,
        })
    }

    /// The data directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Every tenant, by name.
    pub async fn tenants(&self) -> Result<Vec<TenantEntry>, StoreError> {
        let rows = sqlx::query("SELECT name, file, key_kind FROM tenants ORDER BY name")
            .fetch_all(&self.app)
            .await?;
        Ok(rows
            .iter()
            .map(|r| TenantEntry {
                name: r.get("name"),
                file: r.get("file"),
                key_kind: r.get("key_kind"),
            })
            .collect())
    }

    /// Creates a tenant with its own encrypted database and opens it.
    pub async fn create_tenant(
        &self,
        name: &str,
        choice: KeyChoice,
        now_ms: i64,
    ) -> Result<TenantStore, StoreError> {
        let name = name.trim();
        if name.is_empty() || name.len() > 64 || name.chars().any(char::is_control) {
            return Err(StoreError::Invalid {
                field: "tenant",
                reason: "a tenant name has 1 to 64 characters, no control characters".into(),
            });
        }
        if self.tenants().await?.iter().any(|t| t.name == name) {
            return Err(StoreError::Conflict(format!(
                "tenant \"{name}\" already exists"
            )));
        }
        let file = format!("{}.db", uuid_like()?);
        let (key, kind, salt) = match &choice {
            KeyChoice::Keyring => {
                let key = DbKey::random()?;
                key::keyring_save(&file, &key)?;
                (key, "keyring", None)
            }
            KeyChoice::Passphrase(p) => {
                let salt = key::random_salt()?;
                (
                    DbKey::from_passphrase(p.expose(), &salt)?,
                    "passphrase",
                    Some(salt),
                )
            }
        };
        let store =
            TenantStore::open_file(&self.dir.join("tenants").join(&file), name, &key, true).await?;
        sqlx::query(
            "INSERT INTO tenants (name, file, key_kind, salt, created_ms) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(name)
        .bind(&file)
        .bind(kind)
        .bind(salt)
        .bind(now_ms)
        .execute(&self.app)
        .await?;
        Ok(store)
    }

    /// Opens an existing tenant. `passphrase` is required for tenants created with one.
    /// A re-key interrupted by a crash is finished here: whichever of the old and the new
    /// key opens the file is the tenant's key from then on.
    pub async fn open_tenant(
        &self,
        name: &str,
        passphrase: Option<&str>,
    ) -> Result<TenantStore, StoreError> {
        let t = self.entry(name).await?;
        let path = self.dir.join("tenants").join(&t.file);
        let current = match t.key(name, passphrase) {
            Ok(k) => Some(k),
            // A passphrase tenant being moved to the keyring: the passphrase is optional.
            Err(StoreError::PassphraseRequired(_)) if t.pending_kind.is_some() => None,
            Err(e) => return Err(e),
        };
        let opened = match &current {
            Some(k) => TenantStore::open_file(&path, name, k, false).await,
            None => Err(StoreError::PassphraseRequired(name.to_owned())),
        };
        match (opened, &t.pending_kind) {
            (Ok(store), Some(_)) => {
                // The re-key never reached the file: forget it.
                self.abandon_rekey(name, &t).await?;
                Ok(store)
            }
            (Ok(store), None) => Ok(store),
            (Err(err @ (StoreError::WrongKey(_) | StoreError::PassphraseRequired(_))), Some(_)) => {
                let Ok(pending) = t.pending_key(name, passphrase) else {
                    return Err(err);
                };
                let store = TenantStore::open_file(&path, name, &pending, false).await?;
                self.finish_rekey(name, &t, &pending).await?;
                Ok(store)
            }
            (Err(e), _) => Err(e),
        }
    }

    async fn entry(&self, name: &str) -> Result<KeyRecord, StoreError> {
        let row = sqlx::query(
            "SELECT file, key_kind, salt, pending_kind, pending_salt FROM tenants WHERE name = ?",
        )
        .bind(name)
        .fetch_optional(&self.app)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("tenant \"{name}\"")))?;
        Ok(KeyRecord {
            file: row.get("file"),
            kind: row.get("key_kind"),
            salt: row.get("salt"),
            pending_kind: row.get("pending_kind"),
            pending_salt: row.get("pending_salt"),
        })
    }

    /// Re-encrypts a tenant's file under a new key — a new random key in the credential
    /// store, or one derived from a new passphrase — and returns it opened with that key.
    /// The handle given (and every clone of it) is closed first: SQLCipher re-keys through
    /// the one connection left. The new key is recorded before the file changes, so a
    /// crash at any point leaves a tenant that opens with the old key or the new one.
    pub async fn rekey_tenant(
        &self,
        tenant: TenantStore,
        new: KeyChoice,
    ) -> Result<TenantStore, StoreError> {
        let name = tenant.name().to_owned();
        let t = self.entry(&name).await?;
        if t.pending_kind.is_some() {
            return Err(StoreError::Conflict(format!(
                "tenant \"{name}\" has an unfinished re-key: open it once to finish it"
            )));
        }
        let path = self.dir.join("tenants").join(&t.file);
        let old = tenant.key.clone();
        let (new_key, pending_kind, pending_salt) = match &new {
            KeyChoice::Keyring => {
                let k = DbKey::random()?;
                key::keyring_save(&pending_entry(&t.file), &k)?;
                (k, "keyring", None)
            }
            KeyChoice::Passphrase(p) => {
                let salt = key::random_salt()?;
                (
                    DbKey::from_passphrase(p.expose(), &salt)?,
                    "passphrase",
                    Some(salt),
                )
            }
        };
        sqlx::query("UPDATE tenants SET pending_kind = ?, pending_salt = ? WHERE name = ?")
            .bind(pending_kind)
            .bind(&pending_salt)
            .bind(&name)
            .execute(&self.app)
            .await?;
        tenant.close().await;
        rekey_file(&path, &old, &new_key).await?;
        let t = self.entry(&name).await?;
        self.finish_rekey(&name, &t, &new_key).await?;
        TenantStore::open_file(&path, &name, &new_key, false).await
    }

    /// Records the pending key as the tenant's key.
    async fn finish_rekey(&self, name: &str, t: &KeyRecord, new: &DbKey) -> Result<(), StoreError> {
        let pending = t.pending_kind.as_deref().unwrap_or("keyring");
        if pending == "keyring" {
            key::keyring_save(&t.file, new)?;
        }
        sqlx::query(
            "UPDATE tenants SET key_kind = pending_kind, salt = pending_salt, pending_kind = NULL,
                 pending_salt = NULL WHERE name = ?",
        )
        .bind(name)
        .execute(&self.app)
        .await?;
        if pending == "keyring" {
            key::keyring_delete(&pending_entry(&t.file))?;
        } else if t.kind == "keyring" {
            key::keyring_delete(&t.file)?;
        }
        Ok(())
    }

    async fn abandon_rekey(&self, name: &str, t: &KeyRecord) -> Result<(), StoreError> {
        sqlx::query("UPDATE tenants SET pending_kind = NULL, pending_salt = NULL WHERE name = ?")
            .bind(name)
            .execute(&self.app)
            .await?;
        if t.pending_kind.as_deref() == Some("keyring") {
            key::keyring_delete(&pending_entry(&t.file))?;
        }
        Ok(())
    }

    /// Deletes a tenant: its database file, its key and its entry.
    pub async fn remove_tenant(&self, name: &str) -> Result<(), StoreError> {
        let t = self.entry(name).await?;
        let (file, kind) = (t.file.clone(), t.kind.clone());
        sqlx::query("DELETE FROM tenants WHERE name = ?")
            .bind(name)
            .execute(&self.app)
            .await?;
        for suffix in ["", "-wal", "-shm"] {
            let path = self.dir.join("tenants").join(format!("{file}{suffix}"));
            if path.exists() {
                std::fs::remove_file(&path).map_err(|e| {
                    StoreError::Io(format!("cannot delete {}: {e}", path.display()))
                })?;
            }
        }
        if kind == "keyring" {
            key::keyring_delete(&file)?;
        }
        if t.pending_kind.as_deref() == Some("keyring") {
            key::keyring_delete(&pending_entry(&file))?;
        }
        Ok(())
    }

    /// Reads an app setting.
    pub async fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT value FROM app_settings WHERE key = ?")
                .bind(key)
                .fetch_optional(&self.app)
                .await?,
        )
    }

    /// Writes an app setting.
    pub async fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO app_settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
            .bind(key)
            .bind(value)
            .execute(&self.app)
            .await?;
        Ok(())
    }
}

/// How a tenant's key is found, as the app database records it.
#[derive(Debug, Clone)]
struct KeyRecord {
    file: String,
    kind: String,
    salt: Option<Vec<u8>>,
    pending_kind: Option<String>,
    pending_salt: Option<Vec<u8>>,
}

impl KeyRecord {
    fn derive(
        kind: &str,
        keyring_entry: &str,
        salt: Option<&[u8]>,
        name: &str,
        passphrase: Option<&str>,
    ) -> Result<DbKey, StoreError> {
        if kind == "passphrase" {
            let pass = passphrase.ok_or_else(|| StoreError::PassphraseRequired(name.to_owned()))?;
            let salt =
                salt.ok_or_else(|| StoreError::Key("the passphrase salt is missing".into()))?;
            DbKey::from_passphrase(pass, salt)
        } else {
            key::keyring_load(keyring_entry)
        }
    }

    /// The tenant's current key.
    fn key(&self, name: &str, passphrase: Option<&str>) -> Result<DbKey, StoreError> {
        Self::derive(
            &self.kind,
            &self.file,
            self.salt.as_deref(),
            name,
            passphrase,
        )
    }

    /// The key of a re-key in progress.
    fn pending_key(&self, name: &str, passphrase: Option<&str>) -> Result<DbKey, StoreError> {
        let kind = self.pending_kind.as_deref().unwrap_or("keyring");
        Self::derive(
            kind,
            &pending_entry(&self.file),
            self.pending_salt.as_deref(),
            name,
            passphrase,
        )
    }
}

/// The credential-store entry holding the key of a re-key in progress.
fn pending_entry(file: &str) -> String {
    format!("{file}:pending")
}

/// Re-encrypts a database file through one connection (`PRAGMA rekey`), with the write-
/// ahead log checkpointed before and after so the file alone holds everything.
async fn rekey_file(path: &Path, old: &DbKey, new: &DbKey) -> Result<(), StoreError> {
    let options = SqliteConnectOptions::from_str("sqlite://")
        .map_err(StoreError::from)?
        .filename(path)
        .pragma("key", old.pragma())
        .journal_mode(SqliteJournalMode::Wal)
        .busy_timeout(std::time::Duration::from_secs(10));
    let mut conn = sqlx::ConnectOptions::connect(&options).await?;
    conn.execute("SELECT count(*) FROM sqlite_master")
        .await
        .map_err(|_| StoreError::WrongKey(path.display().to_string()))?;
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").await?;
    conn.execute(format!("PRAGMA rekey = {}", new.pragma()).as_str())
        .await?;
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").await?;
    sqlx::Connection::close(conn).await?;
    Ok(())
}

/// Rows synced before the vendor column existed get their vendor (migration 0014):
/// computed by the registry's rules, which SQL cannot run.
async fn fill_in_vendors(pool: &SqlitePool) -> Result<(), StoreError> {
    let rows: Vec<(i64, Option<String>, String)> = sqlx::query_as(
        "SELECT id, manufacturer, oui FROM devices WHERE vendor IS NULL
         AND (manufacturer IS NOT NULL OR oui <> '')",
    )
    .fetch_all(pool)
    .await?;
    let labelled: Vec<(i64, String)> = rows
        .into_iter()
        .filter_map(|(id, m, oui)| {
            crate::normalize::Vendor::label(m.as_deref(), &oui).map(|v| (id, v))
        })
        .collect();
    if labelled.is_empty() {
        return Ok(());
    }
    let mut tx = begin_immediate(pool).await?;
    for (id, vendor) in labelled {
        sqlx::query("UPDATE devices SET vendor = ? WHERE id = ?")
            .bind(vendor)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// 128 random bits in hex: tenant file names that reveal nothing about the tenant.
fn uuid_like() -> Result<String, StoreError> {
    let mut b = [0_u8; 16];
    getrandom::fill(&mut b).map_err(|e| StoreError::Key(format!("no randomness: {e}")))?;
    Ok(hex::encode(b))
}

/// One tenant's encrypted database. Every query of the store goes through one of these,
/// so a query cannot reach another tenant's file.
#[derive(Debug, Clone)]
pub struct TenantStore {
    name: String,
    pool: SqlitePool,
    key: DbKey,
}

impl TenantStore {
    /// Opens (or, with `create`, creates) an encrypted database file with `key`, checks
    /// the key before anything else, and runs the migrations.
    pub async fn open_file(
        path: &Path,
        name: &str,
        key: &DbKey,
        create: bool,
    ) -> Result<Self, StoreError> {
        if !create && !path.exists() {
            return Err(StoreError::NotFound(format!(
                "database file {}",
                path.display()
            )));
        }
        if !create {
            // A wrong key or a damaged file is refused before anything could write.
            backup::check_on_open(path, name, key).await?;
        }
        let options = SqliteConnectOptions::from_str("sqlite://")
            .map_err(StoreError::from)?
            .filename(path)
            .create_if_missing(create)
            .pragma("key", key.pragma())
            // 32 MB of decrypted pages per connection: indexes of a large fleet stay hot
            // instead of being decrypted again on every statement.
            .pragma("cache_size", "-32000")
            .pragma("temp_store", "memory")
            .journal_mode(SqliteJournalMode::Wal)
            // Every commit reaches the disk before it returns: an action's claim, once
            // committed, survives a power cut that follows the send (NORMAL could roll it
            // back, and the action would be sent again). Its cost is measured by `cargo
            // bench -p acsdesk-core --bench store`.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(std::time::Duration::from_secs(10));
        let label = name.to_owned();
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    // With a wrong key SQLCipher still "connects": this read fails instead.
                    conn.execute("SELECT count(*) FROM sqlite_master")
                        .await
                        .map(|_| ())
                })
            })
            .connect_with(options)
            .await
            .map_err(|e| wrong_key_or(e, &label))?;
        remember(&pool);
        TENANT_MIGRATIONS.run(&pool).await?;
        fill_in_vendors(&pool).await?;
        Ok(Self {
            name: name.to_owned(),
            pool,
            key: key.clone(),
        })
    }

    /// Opens an unencrypted database, with commits synced to disk (`full`, as tenants
    /// are) or not. For benchmarks that measure the cost of encryption and of durable
    /// commits only: nothing in AcsDesk stores data this way.
    #[doc(hidden)]
    pub async fn open_plain_for_benchmarks(path: &Path, full: bool) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .pragma("cache_size", "-32000")
            .pragma("temp_store", "memory")
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(if full {
                SqliteSynchronous::Full
            } else {
                SqliteSynchronous::Normal
            })
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        TENANT_MIGRATIONS.run(&pool).await?;
        Ok(Self {
            name: "plain".into(),
            pool,
            key: DbKey::random()?,
        })
    }

    /// The tenant's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Re-encrypts the database file with a new key and reopens it: this handle and its
    /// clones are closed first (the re-key runs on the only connection). Tenants re-key
    /// through [`Workspace::rekey_tenant`], which also records the new key.
    pub async fn rekey(self, path: &Path, key: &DbKey) -> Result<TenantStore, StoreError> {
        self.close().await;
        rekey_file(path, &self.key, key).await?;
        TenantStore::open_file(path, &self.name, key, false).await
    }

    /// Whether [`TenantStore::close`] has closed it (every clone shares its pool).
    pub fn is_closed(&self) -> bool {
        self.pool.is_closed()
    }

    /// Checkpoints the write-ahead log into the database file, then closes the pool: after
    /// this the file alone holds every committed change.
    pub async fn close(&self) {
        // A failed checkpoint leaves the WAL for SQLite to replay on the next open.
        let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await;
        self.pool.close().await;
    }

    /// A write transaction that takes the database's write lock at once (`BEGIN
    /// IMMEDIATE`), waiting its turn behind another writer (the busy timeout) instead of
    /// failing with "database is locked" when a transaction that read first tries to
    /// write after another connection did. Every transaction of the store writes.
    pub(crate) async fn write_tx(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
        begin_immediate(&self.pool).await
    }

    pub(crate) fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Reads a tenant setting.
    pub async fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT value FROM settings WHERE key = ?")
                .bind(key)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Writes a tenant setting.
    pub async fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
            .bind(key)
            .bind(value)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
