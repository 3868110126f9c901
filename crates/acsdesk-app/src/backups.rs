//! Tenant backups as both shells offer them: where a backup goes unless told (the data
//! directory's `backups/`, named after the tenant and the time), the backup folder's
//! files, and the desktop's backup and restore of the tenant in use (its syncing and
//! workers stopped while the file is replaced, started again after, whatever the outcome).

use crate::Desk;
use acsdesk_core::store::backup::BackupSummary;
use acsdesk_types::settings::{BackupFile, BackupReport, RestoreBackupRequest};
use acsdesk_types::{ErrorCode, IpcError};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// `<dir>/<tenant>-<YYYYMMDD-HHMMSS>.db`: the tenant's name kept to letters, digits and
/// dashes, the time in UTC.
pub fn backup_path(dir: &Path, tenant: &str, now_ms: i64) -> PathBuf {
    let slug: String = tenant
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let slug = slug.trim_matches('-');
    let stamp: String = acsdesk_time::iso(now_ms)
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == 'T')
        .take(15)
        .collect::<String>()
        .replace('T', "-");
    dir.join(format!(
        "{}-{stamp}.db",
        if slug.is_empty() { "tenant" } else { slug }
    ))
}

/// The `.db` files of the backup folder, newest first (none when it does not exist).
pub fn list_backups(dir: &Path) -> Result<Vec<BackupFile>, IpcError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(IpcError::new(
                ErrorCode::Store,
                format!("cannot read {}: {e}", dir.display()),
            ))
        }
    };
    let mut files: Vec<BackupFile> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "db"))
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            let modified_ms = meta
                .modified()
                .ok()?
                .duration_since(std::time::UNIX_EPOCH)
                .ok()?
                .as_millis();
            Some(BackupFile {
                path: e.path().display().to_string(),
                name: e.file_name().to_string_lossy().into_owned(),
                bytes: meta.len(),
                modified_ms: i64::try_from(modified_ms).unwrap_or(i64::MAX),
            })
        })
        .collect();
    files.sort_by(|a, b| b.modified_ms.cmp(&a.modified_ms).then(b.name.cmp(&a.name)));
    Ok(files)
}

/// A checked backup as both shells report it.
pub fn report(tenant: &str, s: &BackupSummary) -> BackupReport {
    BackupReport {
        tenant: tenant.to_owned(),
        path: s.path.display().to_string(),
        bytes: s.bytes,
        devices: s.devices,
        subscribers: s.subscribers,
    }
}

impl Desk {
    /// Backs the tenant in use up into the backup folder while it stays in use.
    pub async fn backup_tenant(&self) -> Result<BackupReport, IpcError> {
        let tenant = self.tenant().await?;
        let dest = backup_path(&self.workspace.backup_dir(), tenant.name(), (self.clock)());
        let summary = tenant.backup_to(&dest).await?;
        Ok(report(tenant.name(), &summary))
    }

    /// The backup folder's files, newest first.
    pub async fn list_backups(&self) -> Result<Vec<BackupFile>, IpcError> {
        list_backups(&self.workspace.backup_dir())
    }

    /// Replaces the tenant in use's data with a backup, once the backup is checked (its
    /// key, its integrity, its schema). Syncing and workers stop first and start again
    /// after, on the restored data or — when the backup is refused — on the data as it
    /// was.
    pub async fn restore_backup(
        self: &Arc<Self>,
        request: RestoreBackupRequest,
    ) -> Result<BackupReport, IpcError> {
        let tenant = self.tenant().await?;
        let name = tenant.name().to_owned();
        {
            let mut inner = self.inner.lock().await;
            inner.pollers.clear();
            inner.workers.clear();
        }
        let restored = self
            .workspace
            .restore_tenant(tenant.clone(), Path::new(request.path.trim()))
            .await;
        match restored {
            Ok((reopened, summary)) => {
                self.use_tenant(reopened).await?;
                Ok(report(&name, &summary))
            }
            Err(e) => {
                // Refused before the file was touched: the tenant goes on as it was.
                // Otherwise it is opened again from whatever its file now holds.
                let again = if tenant.is_closed() {
                    self.workspace
                        .open_tenant(
                            &name,
                            self.passphrase()
                                .as_ref()
                                .map(acsdesk_types::secret::Secret::expose),
                        )
                        .await?
                } else {
                    tenant
                };
                self.use_tenant(again).await?;
                Err(e.into())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backups_are_named_after_the_tenant_and_the_time() {
        let at = acsdesk_time::parse_iso("2026-12-06T22:14:27Z").unwrap();
        assert_eq!(
            backup_path(Path::new("/b"), "North Valley ISP", at),
            PathBuf::from("/b/north-valley-isp-20261206-221427.db")
        );
        assert_eq!(
            backup_path(Path::new("/b"), "ÄÖ", at),
            PathBuf::from("/b/tenant-20261206-221427.db")
        );
        assert!(list_backups(Path::new("/nonexistent/acsdesk"))
            .unwrap()
            .is_empty());
    }
}
