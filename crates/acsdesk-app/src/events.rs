//! What the session tells the UI ([`DeskEvent`]), and how a round's new alerts are
//! announced: notifications and the open count to the window, deliveries to the
//! tenant's channels in the background.

use acsdesk_core::alerts::reconcile::Delivery;
use acsdesk_core::store::actions::ActionRow;
use acsdesk_core::store::TenantStore;
use acsdesk_core::sync::scheduler::AcsHealth;
use acsdesk_types::events::{
    AcsHealthEvent, ActionProgressEvent, DevicesChangedEvent, SyncProgressEvent,
};
use acsdesk_types::HealthState;
use tokio::sync::broadcast;

/// Something the UI should know about now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeskEvent {
    /// A sync is running or finished.
    SyncProgress(SyncProgressEvent),
    /// An action moved.
    ActionProgress(ActionProgressEvent),
    /// New alerts to notify (summary, body, device to open), and the open count.
    Alerts {
        /// Notifications to show.
        notify: Vec<(String, String, Option<String>)>,
        /// Alerts not yet resolved.
        open: u64,
    },
    /// Devices changed in the store.
    DevicesChanged(DevicesChangedEvent),
    /// A connection's health changed.
    AcsHealth(AcsHealthEvent),
    /// A firmware image is on its way to GenieACS.
    UploadProgress(acsdesk_types::firmware::UploadProgressEvent),
}

/// Tells the window about new alerts (native notifications, the badge), writes them to
/// the tenant's outbox at once (so quitting loses none), and drains the outbox in the
/// background — these and earlier ones due for a retry —, so a slow webhook never holds
/// up a sync.
pub(crate) async fn announce(
    events: &broadcast::Sender<DeskEvent>,
    tenant: &TenantStore,
    deliveries: Vec<Delivery>,
    now_ms: i64,
) {
    let open = tenant.open_alert_count().await.unwrap_or_default();
    let notify = notifications(&deliveries);
    let _ = events.send(DeskEvent::Alerts { notify, open });
    if let Err(e) = acsdesk_core::alerts::deliver::enqueue(tenant, &deliveries, now_ms).await {
        eprintln!("acsdesk: alert outbox: {e}");
    }
    let tenant = tenant.clone();
    tokio::spawn(async move {
        match crate::pipeline::drain_outbox(&tenant, now_ms).await {
            Ok(outcomes) => {
                for o in outcomes {
                    if let Err(e) = o.result {
                        eprintln!("acsdesk: alert channel {}: {e}", o.channel);
                    }
                }
            }
            Err(e) => eprintln!("acsdesk: alert channels: {e}"),
        }
    });
}

/// Tells the window that an action moved (queued, sent, finished), with its fault.
pub(crate) fn action_moved(events: &broadcast::Sender<DeskEvent>, a: &ActionRow) {
    let _ = events.send(DeskEvent::ActionProgress(ActionProgressEvent {
        id: a.id,
        device: a.device.clone(),
        status: a.status,
        detail: a.fault_message.clone(),
        stage: a.stage.clone().filter(|_| !a.status.is_final()),
    }));
}

pub(crate) fn health_event(acs: &str, h: &AcsHealth) -> AcsHealthEvent {
    let (state, since_ms, error) = match h {
        AcsHealth::Unknown => (HealthState::Unknown, None, None),
        AcsHealth::Ok { since_ms } => (HealthState::Ok, Some(*since_ms), None),
        AcsHealth::Degraded {
            since_ms,
            last_error,
            ..
        } => (
            HealthState::Degraded,
            Some(*since_ms),
            Some(last_error.clone()),
        ),
        AcsHealth::Unreachable {
            since_ms,
            last_error,
            ..
        } => (
            HealthState::Unreachable,
            Some(*since_ms),
            Some(last_error.clone()),
        ),
    };
    AcsHealthEvent {
        acs: acs.to_owned(),
        state,
        since_ms,
        error,
    }
}

/// The notifications of planned deliveries: (summary, body, device to open).
fn notifications(deliveries: &[Delivery]) -> Vec<(String, String, Option<String>)> {
    deliveries
        .iter()
        .map(|d| {
            let (summary, body) = d.text();
            (summary, body, d.device().map(str::to_owned))
        })
        .collect()
}
