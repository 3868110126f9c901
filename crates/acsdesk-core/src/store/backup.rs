//! Backups of a tenant: a consistent copy made while AcsDesk runs (`VACUUM INTO`, one
//! read transaction), still encrypted under the tenant's key; the check a copy passes
//! before a restore replaces anything (it opens with the key, is intact, and its schema
//! is one this AcsDesk knows); and the integrity check every open makes.

use super::{wrong_key_or, DbKey, StoreError, TenantStore, Workspace, TENANT_MIGRATIONS};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, Executor};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// What a checked backup holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSummary {
    /// The file.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// The last migration it has (this AcsDesk's schema version or an older one).
    pub schema_version: i64,
    /// Devices in it.
    pub devices: u64,
    /// Subscribers in it.
    pub subscribers: u64,
}

/// A read-only connection to an encrypted database file with `key`: nothing it does
/// writes to the file, replays its log or removes it.
async fn read_only(path: &Path, key: &DbKey) -> Result<sqlx::SqliteConnection, StoreError> {
    read_only_raw(path, key)
        .await
        .map_err(|e| wrong_key_or(e, &path.display().to_string()))
}

async fn read_only_raw(path: &Path, key: &DbKey) -> Result<sqlx::SqliteConnection, sqlx::Error> {
    SqliteConnectOptions::from_str("sqlite://")?
        .filename(path)
        .read_only(true)
        .pragma("key", key.pragma())
        .connect()
        .await
}

/// SQLite's verdict on a file: `ok`, or what is damaged (`quick`: the faster check that
/// skips matching index contents against their tables).
async fn integrity(conn: &mut sqlx::SqliteConnection, quick: bool) -> Result<(), String> {
    let pragma = if quick {
        "PRAGMA quick_check(5)"
    } else {
        "PRAGMA integrity_check(5)"
    };
    match sqlx::query_scalar::<_, String>(pragma)
        .fetch_all(&mut *conn)
        .await
    {
        Ok(lines) if lines.len() == 1 && lines[0] == "ok" => Ok(()),
        Ok(lines) => Err(lines.join("; ")),
        Err(e) => Err(e.to_string()),
    }
}

/// Checks what a file holds before anything relies on it: it opens with `key` (else
/// [`StoreError::WrongKey`]), it is intact (else [`StoreError::Damaged`]), and its
/// schema is not newer than this AcsDesk's. Nothing in the file is changed.
pub async fn check_copy(path: &Path, key: &DbKey) -> Result<BackupSummary, StoreError> {
    let bytes = std::fs::metadata(path)
        .map_err(|e| StoreError::Io(format!("cannot read {}: {e}", path.display())))?
        .len();
    let mut conn = read_only(path, key).await?;
    let checked = async {
        conn.execute("SELECT count(*) FROM sqlite_master")
            .await
            .map_err(|e| wrong_key_or(e, &path.display().to_string()))?;
        integrity(&mut conn, false)
            .await
            .map_err(|why| StoreError::Damaged(format!("{}: {why}", path.display())))?;
        let version: Option<i64> = sqlx::query_scalar(
            "SELECT max(version) FROM _sqlx_migrations WHERE success = 1",
        )
        .fetch_one(&mut conn)
        .await
        .map_err(|_| {
            StoreError::Damaged(format!("{} is not an AcsDesk tenant", path.display()))
        })?;
        let version = version.unwrap_or(0);
        let known = TENANT_MIGRATIONS
            .iter()
            .map(|m| m.version)
            .max()
            .unwrap_or(0);
        if version > known {
            return Err(StoreError::Conflict(format!(
                "{} was made by a newer AcsDesk (schema {version}, this one knows {known}): update AcsDesk first",
                path.display()
            )));
        }
        let devices = sqlx::query_scalar::<_, i64>("SELECT count(*) FROM devices")
            .fetch_one(&mut conn)
            .await?;
        let subscribers =
            sqlx::query_scalar::<_, i64>("SELECT count(*) FROM subscribers")
                .fetch_one(&mut conn)
                .await?;
        Ok(BackupSummary {
            path: path.to_owned(),
            bytes,
            schema_version: version,
            devices: devices.max(0) as u64,
            subscribers: subscribers.max(0) as u64,
        })
    }
    .await;
    let _ = conn.close().await;
    checked
}

/// What an open checks first, on a read-only connection with no journal mode asked:
/// the key (a wrong one is refused before any connection that could write opens, so it
/// neither replays a log a crash left into the file nor removes it — closing a
/// read-write connection may checkpoint, whatever its key) and SQLite's quick integrity
/// check (a damaged file is reported, not touched). Anything else this connection cannot
/// do is left to the real open.
pub(crate) async fn check_on_open(path: &Path, name: &str, key: &DbKey) -> Result<(), StoreError> {
    // The key first, on a copy of the file's first pages in a folder of its own: SQLite
    // never opens the tenant's file (nor its log) with a key that may be wrong — even a
    // read-only or immutable connection may remove a log when it closes.
    if let Some(wrong) = key_fails(path, name, key).await {
        return Err(wrong);
    }
    // The right key: the quick integrity check, with the log, still read-only.
    let Ok(mut conn) = read_only_raw(path, key).await else {
        return Ok(());
    };
    let verdict = integrity(&mut conn, true).await;
    let _ = conn.close().await;
    match verdict {
        Err(why) if !why.contains("locked") && !why.contains("busy") => {
            Err(StoreError::Damaged(format!(
                "tenant \"{name}\" ({}): {why}; restore a backup (acsdesk tenant restore)",
                path.display()
            )))
        }
        _ => Ok(()),
    }
}

/// `Some(WrongKey)` when `key` does not decrypt the first page of the file at `path`,
/// tried on a copy of its first 64 KiB in the temporary folder (encrypted bytes only,
/// removed after). Anything else — the right key, or a copy that cannot be made — is
/// `None`, and the real open decides.
async fn key_fails(path: &Path, name: &str, key: &DbKey) -> Option<StoreError> {
    use std::io::Read;
    let mut head = Vec::with_capacity(64 * 1024);
    std::fs::File::open(path)
        .ok()?
        .take(64 * 1024)
        .read_to_end(&mut head)
        .ok()?;
    let mut nonce = [0_u8; 8];
    getrandom::fill(&mut nonce).ok()?;
    let dir = std::env::temp_dir().join(format!("acsdesk-keycheck-{}", hex::encode(nonce)));
    std::fs::create_dir(&dir).ok()?;
    let copy = dir.join("head.db");
    let verdict = match std::fs::write(&copy, &head) {
        Ok(()) => match read_only_raw(&copy, key).await {
            Ok(mut conn) => {
                let read = conn.execute("SELECT count(*) FROM sqlite_master").await;
                let _ = conn.close().await;
                read.err()
            }
            Err(e) => Some(e),
        },
        Err(_) => None,
    };
    let _ = std::fs::remove_dir_all(&dir);
    match verdict.map(|e| wrong_key_or(e, name)) {
        Some(wrong @ StoreError::WrongKey(_)) => Some(wrong),
        _ => None,
    }
}

impl TenantStore {
    /// Runs SQLite's integrity check (`quick`: the faster one every open makes) on a
    /// read-only connection: [`StoreError::Damaged`] says what is wrong.
    pub async fn integrity_check(&self, path: &Path, quick: bool) -> Result<(), StoreError> {
        let mut conn = read_only(path, &self.key).await?;
        let verdict = integrity(&mut conn, quick).await;
        let _ = conn.close().await;
        verdict.map_err(|why| StoreError::Damaged(format!("{}: {why}", path.display())))
    }

    /// Checks a backup against this tenant (see [`check_copy`]) without changing anything.
    pub async fn check_backup(&self, path: &Path) -> Result<BackupSummary, StoreError> {
        check_copy(path, &self.key).await
    }

    /// Writes a consistent copy of the tenant to `dest`, still encrypted under its key,
    /// while the tenant stays in use (one read transaction: writers go on). The copy is
    /// checked before it takes its name; an existing file is never replaced.
    pub async fn backup_to(&self, dest: &Path) -> Result<BackupSummary, StoreError> {
        if dest.exists() {
            return Err(StoreError::Conflict(format!(
                "{} already exists: choose another file",
                dest.display()
            )));
        }
        if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| StoreError::Io(format!("cannot create {}: {e}", dir.display())))?;
        }
        let partial = dest.with_extension("partial");
        let _ = std::fs::remove_file(&partial);
        let target = partial
            .to_str()
            .ok_or_else(|| StoreError::Io(format!("{} is not a UTF-8 path", dest.display())))?;
        let written = sqlx::query("VACUUM INTO ?")
            .bind(target)
            .execute(self.pool())
            .await;
        let checked = match written {
            Ok(_) => check_copy(&partial, &self.key).await,
            Err(e) => Err(e.into()),
        };
        let summary = match checked {
            Ok(s) => s,
            Err(e) => {
                let _ = std::fs::remove_file(&partial);
                return Err(e);
            }
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&partial, std::fs::Permissions::from_mode(0o600));
        }
        std::fs::rename(&partial, dest)
            .map_err(|e| StoreError::Io(format!("cannot write {}: {e}", dest.display())))?;
        Ok(BackupSummary {
            path: dest.to_owned(),
            ..summary
        })
    }
}

impl Workspace {
    /// Where backups go unless told otherwise: `<data dir>/backups`.
    pub fn backup_dir(&self) -> PathBuf {
        self.dir().join("backups")
    }

    /// Replaces `tenant`'s data with the backup at `from`. The backup is checked first
    /// (it opens with the tenant's key, is intact, has a schema this AcsDesk knows);
    /// only then is the tenant closed (every clone of it) and its file replaced, in one
    /// rename. Returns the tenant opened again (an older backup's schema brought up to
    /// date).
    pub async fn restore_tenant(
        &self,
        tenant: TenantStore,
        from: &Path,
    ) -> Result<(TenantStore, BackupSummary), StoreError> {
        let summary = check_copy(from, &tenant.key).await?;
        let name = tenant.name().to_owned();
        let file = self.entry(&name).await?.file;
        let path = self.dir().join("tenants").join(&file);
        let incoming = path.with_extension("restoring");
        std::fs::copy(from, &incoming)
            .map_err(|e| StoreError::Io(format!("cannot copy {}: {e}", from.display())))?;
        std::fs::File::open(&incoming)
            .and_then(|f| f.sync_all())
            .map_err(|e| StoreError::Io(format!("cannot write {}: {e}", incoming.display())))?;
        let key = tenant.key.clone();
        tenant.close().await;
        for suffix in ["db-wal", "db-shm"] {
            let _ = std::fs::remove_file(path.with_extension(suffix));
        }
        std::fs::rename(&incoming, &path)
            .map_err(|e| StoreError::Io(format!("cannot replace {}: {e}", path.display())))?;
        let reopened = TenantStore::open_file(&path, &name, &key, false).await?;
        Ok((reopened, summary))
    }
}
