//! Why the store failed ([`StoreError`]), how database errors map onto it, and the error
//! code each variant crosses IPC with.

use acsdesk_types::{ErrorCode, IpcError};

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The key or passphrase does not open this database.
    #[error(
        "wrong key or passphrase for {0}: the database cannot be decrypted (nothing was changed)"
    )]
    WrongKey(String),
    /// A key could not be made or read.
    #[error("database key: {0}")]
    Key(String),
    /// The OS credential store failed.
    #[error("OS credential store: {0} (set ACSDESK_PASSPHRASE to use a passphrase instead)")]
    Keyring(String),
    /// The tenant needs its passphrase.
    #[error("tenant \"{0}\" is protected by a passphrase: set ACSDESK_PASSPHRASE or enter it")]
    PassphraseRequired(String),
    /// Not found.
    #[error("{0} not found")]
    NotFound(String),
    /// A uniqueness or reference constraint refused the change.
    #[error("{0}")]
    Conflict(String),
    /// Invalid input.
    #[error("{field}: {reason}")]
    Invalid {
        /// The field at fault.
        field: &'static str,
        /// Why.
        reason: String,
    },
    /// The database failed.
    #[error("database: {0}")]
    Db(String),
    /// The file system failed.
    #[error("{0}")]
    Io(String),
    /// The disk (or the database's size limit) is full: the write was refused whole —
    /// SQLite rolled the statement or transaction back — and what was stored before is
    /// intact.
    #[error(
        "the disk is full ({0}): nothing was changed; free some space (old exports and backups in AcsDesk's folders, for instance) and try again"
    )]
    DiskFull(String),
    /// The database file is damaged (SQLite's integrity check failed); it was not
    /// changed.
    #[error("the database file is damaged: {0} (nothing was changed)")]
    Damaged(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e {
            if db.is_unique_violation() {
                return StoreError::Conflict(format!("already exists ({})", db.message()));
            }
            if db.is_foreign_key_violation() {
                return StoreError::Conflict(format!("still referenced ({})", db.message()));
            }
            // SQLITE_FULL (13); SQLITE_IOERR_WRITE (778) is how a full disk often shows
            // in the write-ahead log.
            if matches!(db.code().as_deref(), Some("13" | "778")) {
                return StoreError::DiskFull(db.message().to_owned());
            }
        }
        if let sqlx::Error::Io(io) = &e {
            if io.kind() == std::io::ErrorKind::StorageFull {
                return StoreError::DiskFull(io.to_string());
            }
        }
        StoreError::Db(e.to_string())
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        StoreError::Db(format!("migration failed: {e}"))
    }
}

impl From<StoreError> for IpcError {
    fn from(e: StoreError) -> Self {
        let code = match &e {
            StoreError::NotFound(_) => ErrorCode::NotFound,
            StoreError::Conflict(_) => ErrorCode::Conflict,
            StoreError::Invalid { .. } => ErrorCode::Invalid,
            StoreError::PassphraseRequired(_)
            | StoreError::WrongKey(_)
            | StoreError::Keyring(_) => ErrorCode::Locked,
            _ => ErrorCode::Store,
        };
        IpcError::new(code, e.to_string())
    }
}
