//! One sync of one connection of a tenant as the desktop's poller and the CLI run it:
//! the tenant's own sync settings, the connection's store view, progress reported; and
//! the refresh of the faults GenieACS holds, which the alert rules read.

use super::{sync_once, DeviceSource, SyncError, SyncOptions, SyncProgress, SyncReport};
use crate::store::TenantStore;

/// Syncs connection `acs` of `tenant` from `source` with the tenant's settings (a full
/// sync when `force_full`, when none has completed, or when the last is older than the
/// tenant's full-sync interval; otherwise incremental).
pub async fn sync_connection<S: DeviceSource>(
    tenant: &TenantStore,
    acs: &str,
    source: &S,
    force_full: bool,
    now_ms: i64,
    on_progress: impl FnMut(SyncProgress),
) -> Result<SyncReport, SyncError> {
    let settings = tenant.sync_settings().await.map_err(SyncError::Store)?;
    let options = SyncOptions {
        force_full,
        ..SyncOptions::from_settings(&settings)
    };
    let sink = tenant.sync_store(acs).await.map_err(SyncError::Store)?;
    sync_once(source, &sink, &options, now_ms, on_progress).await
}

/// Replaces what the store knows of connection `acs`'s GenieACS faults with GenieACS's
/// current list (a provisioning fault that appears or goes is logged on its device at
/// `now_ms`). On failure the previous list stays.
pub async fn refresh_faults(
    tenant: &TenantStore,
    acs: &str,
    client: &acsdesk_genieacs::Client,
    now_ms: i64,
) -> Result<usize, SyncError> {
    let faults = client
        .faults()
        .list(acsdesk_genieacs::api::tasks::Filter::all())
        .await
        .map_err(SyncError::Source)?;
    tenant
        .replace_faults(acs, &faults, now_ms)
        .await
        .map_err(SyncError::Store)?;
    Ok(faults.len())
}
