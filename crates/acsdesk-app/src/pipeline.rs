//! The one post-sync pipeline. Whatever runs a sync — the desktop's poller, `acsdesk sync`,
//! `acsdesk watch` — runs this, so a round has the same effects everywhere: the devices
//! stored with their samples and logs, GenieACS's faults refreshed, what AcsDesk installed
//! for auto-provisioning kept current, the connection's health recorded, and the alerts of the whole tenant evaluated. Delivering what the
//! evaluation raised is [`deliver`], also shared; only *when* it runs (in the background
//! or awaited) is the shell's choice.

use crate::connect::connection_client;
use acsdesk_core::alerts::channels::{Outbound, RetryPolicy};
use acsdesk_core::alerts::deliver::{drain, enqueue, ChannelOutcome};
use acsdesk_core::alerts::reconcile::Delivery;
use acsdesk_core::store::{StoreError, TenantStore};
use acsdesk_core::sync::nbi::NbiSource;
use acsdesk_core::sync::scheduler::AcsHealth;
use acsdesk_core::sync::{SyncProgress, SyncReport};

/// What one round of one connection did.
#[derive(Debug)]
pub struct Round {
    /// The sync's report, or why it failed (the cached devices are then unchanged).
    pub sync: Result<SyncReport, String>,
    /// The connection's health after this round, as recorded in the tenant.
    pub health: AcsHealth,
    /// Alerts raised, reopened or digested by this round's evaluation, to deliver.
    pub deliveries: Vec<Delivery>,
}

/// Runs one round of connection `acs`: syncs it (full when `force_full` or when due),
/// refreshes the faults GenieACS holds (a failure there is reported, not fatal), records
/// the outcome in the connection's health, and evaluates every alert rule of the tenant
/// with what the store now holds — also when the sync failed, since the other
/// connections' devices and this one's outage still count.
///
/// Fails only when the tenant's own database does; an unreachable ACS is a
/// [`Round`] whose `sync` is an error.
pub async fn sync_round(
    tenant: &TenantStore,
    acs: &str,
    force_full: bool,
    now_ms: i64,
    on_progress: impl FnMut(SyncProgress),
) -> Result<Round, StoreError> {
    let sync = async {
        let (_, client) = connection_client(tenant, acs)
            .await
            .map_err(|e| e.message)?;
        let source = NbiSource::new(client.clone());
        let report = acsdesk_core::sync::round::sync_connection(
            tenant,
            acs,
            &source,
            force_full,
            now_ms,
            on_progress,
        )
        .await
        .map_err(|e| e.to_string())?;
        if let Err(e) =
            acsdesk_core::sync::round::refresh_faults(tenant, acs, &client, now_ms).await
        {
            eprintln!("acsdesk: {acs}: GenieACS's faults could not be refreshed: {e}");
        }
        // Routers that confirmed their configuration no longer need their preset, and
        // subscribers changed since need theirs.
        let services =
            crate::Services::new(tenant.clone(), std::sync::Arc::new(move || now_ms), "sync");
        match services.maintain_provisioning(acs).await {
            Ok(Some(r)) if r.error.is_some() => eprintln!(
                "acsdesk: {acs}: provisioning could not be brought up to date: {}",
                r.error.unwrap_or_default()
            ),
            Ok(_) => {}
            Err(e) => eprintln!(
                "acsdesk: {acs}: provisioning could not be brought up to date: {}",
                e.message
            ),
        }
        Ok::<_, String>(report)
    }
    .await;
    let health = tenant
        .record_sync_outcome(
            acs,
            sync.as_ref().map(|_| ()).map_err(String::as_str),
            now_ms,
        )
        .await?;
    let deliveries = evaluate(tenant, now_ms).await?;
    Ok(Round {
        sync,
        health,
        deliveries,
    })
}

/// Evaluates every alert rule of the tenant at `now_ms` with the connections' recorded
/// health; what it returns is to be delivered.
pub async fn evaluate(tenant: &TenantStore, now_ms: i64) -> Result<Vec<Delivery>, StoreError> {
    let config = tenant.alert_config().await?;
    let acs = tenant.acs_states().await?;
    acsdesk_core::alerts::engine::evaluate(tenant, &acs, &config, now_ms).await
}

/// Writes planned deliveries to the tenant's outbox (one per enabled channel), then
/// sends whatever the outbox has due — these, and earlier ones waiting for a retry; one
/// outcome per notification sent. A channel that fails is in its outcome, never an
/// error of the whole; what failed for now stays in the outbox for the next drain.
pub async fn deliver(
    tenant: &TenantStore,
    deliveries: &[Delivery],
    now_ms: i64,
) -> Result<Vec<ChannelOutcome>, String> {
    enqueue(tenant, deliveries, now_ms)
        .await
        .map_err(|e| e.to_string())?;
    drain_outbox(tenant, now_ms).await
}

/// Sends what the tenant's outbox has due (one attempt each; retries come with later
/// drains).
pub async fn drain_outbox(
    tenant: &TenantStore,
    now_ms: i64,
) -> Result<Vec<ChannelOutcome>, String> {
    let outbound = Outbound::new(RetryPolicy {
        attempts: 1,
        ..RetryPolicy::default()
    })
    .map_err(|e| e.to_string())?;
    drain(tenant, &outbound, now_ms)
        .await
        .map_err(|e| e.to_string())
}
