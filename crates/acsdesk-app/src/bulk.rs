//! Bulk actions: one action queued on many devices (chosen one by one or by a filter) in
//! one transaction, and where the operation stands — for the desktop and the CLI alike.

use crate::actions::parse_action;
use crate::Services;
use acsdesk_core::actions::ActionRequest;
use acsdesk_types::actions::{
    ActionInfo, BulkProgress, BulkProgressRequest, BulkQueued, BulkTargets, QueueBulkRequest,
};
use acsdesk_types::diagnostics::PingSweep;
use acsdesk_types::{ErrorCode, IpcError};
use std::collections::HashSet;

/// Devices one bulk operation may hold.
const MAX_BULK: usize = 100_000;

/// Failures listed with a bulk operation's progress.
const FAILURES_SHOWN: usize = 20;

impl Services {
    /// Queues one action on every target device. Only actions that need nothing of the
    /// device (reboot, factory reset, refresh, summon) and the ping (every model has
    /// one; a router without it fails its own action) go in bulk; the rest are checked
    /// against each live device and are queued one at a time.
    pub async fn queue_bulk_action(
        &self,
        request: QueueBulkRequest,
    ) -> Result<BulkQueued, IpcError> {
        let action = parse_action(request.action)?;
        if !matches!(
            action,
            ActionRequest::Reboot
                | ActionRequest::FactoryReset
                | ActionRequest::Refresh
                | ActionRequest::Summon
                | ActionRequest::Ping { .. }
        ) {
            return Err(IpcError::new(
                ErrorCode::Invalid,
                format!(
                    "{} is queued one device at a time; in bulk: reboot, factory reset, refresh, summon or ping",
                    action.describe()
                ),
            ));
        }
        let tenant = &self.tenant;
        let mut seen = HashSet::new();
        let targets: Vec<(Option<String>, String)> = match request.targets {
            BulkTargets::Devices { devices } => devices
                .into_iter()
                .filter(|k| seen.insert((k.acs.clone(), k.id.clone())))
                .map(|k| (Some(k.acs), k.id))
                .collect(),
            BulkTargets::Matching { filter } => tenant
                .matching_devices(&filter)
                .await?
                .into_iter()
                .map(|(id, acs)| (Some(acs), id))
                .collect(),
        };
        if targets.is_empty() {
            return Err(IpcError::new(
                ErrorCode::Invalid,
                "no device is selected: nothing was queued",
            ));
        }
        if targets.len() > MAX_BULK {
            return Err(IpcError::new(
                ErrorCode::Invalid,
                format!(
                    "{} devices is more than one bulk operation takes ({MAX_BULK}); narrow the filter",
                    targets.len()
                ),
            ));
        }
        // All or nothing: a device that has gone meanwhile refuses the whole batch.
        let by = format!("{} (bulk)", self.by);
        let ids = tenant
            .enqueue_actions(&targets, &action, &by, (self.clock)())
            .await?;
        Ok(BulkQueued {
            ids,
            description: action.describe(),
        })
    }

    /// Where a bulk operation stands, with its first failures.
    pub async fn bulk_progress(
        &self,
        request: BulkProgressRequest,
    ) -> Result<BulkProgress, IpcError> {
        let tenant = &self.tenant;
        let t = tenant.action_tally(&request.ids, FAILURES_SHOWN).await?;
        let kept = tenant.diagnostics_of_actions(&request.ids).await?;
        let ping = (!kept.is_empty())
            .then(|| PingSweep::of(kept.iter().map(|(device, r)| (device.as_str(), r))))
            .filter(|sweep| !sweep.host.is_empty());
        Ok(BulkProgress {
            total: t.pending + t.sent + t.completed + t.failed + t.cancelled,
            pending: t.pending,
            sent: t.sent,
            completed: t.completed,
            failed: t.failed,
            cancelled: t.cancelled,
            failures: t
                .failed_rows
                .iter()
                .map(crate::actions::action_info)
                .collect::<Vec<ActionInfo>>(),
            ping,
        })
    }
}

#[cfg(test)]
pub(super) mod tests {
    use crate::{Desk, DeskEvent};
    use acsdesk_types::actions::{
        ActionInput, BulkProgressRequest, BulkTargets, DeviceKey, ListActionsRequest,
        QueueBulkRequest,
    };
    use acsdesk_types::devices::{DeviceFilter, ListDevicesRequest, Presence};
    use acsdesk_types::settings::{AddAcsRequest, AuthKind, UnlockTenantRequest};
    use acsdesk_types::ErrorCode;
    use std::time::Duration;

    /// A desk with a passphrase tenant synced from a sandbox of `n` routers.
    pub(crate) async fn synced_desk(
        dir: &std::path::Path,
        n: u64,
    ) -> (std::sync::Arc<Desk>, acsdesk_sandbox::SandboxHandle) {
        let sandbox = acsdesk_sandbox::Sandbox::builder(acsdesk_core::clock::system_now_ms())
            .devices(n)
            .speed(60.0)
            .start()
            .await
            .unwrap();
        let desk = Desk::open(dir, acsdesk_core::clock::system())
            .await
            .unwrap();
        desk.unlock_tenant(UnlockTenantRequest {
            name: None,
            passphrase: "bulk test passphrase".into(),
        })
        .await
        .unwrap();
        let mut events = desk.subscribe();
        desk.add_acs(AddAcsRequest {
            tenant: "Bulk ISP".into(),
            name: "main".into(),
            url: sandbox.url(),
            auth: AuthKind::None,
            user: None,
            secret: None,
            interval_s: 5,
            trust: Default::default(),
            cwmp_url: None,
            rate_per_s: acsdesk_types::settings::DEFAULT_RATE_PER_S,
        })
        .await
        .unwrap();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            match tokio::time::timeout_at(deadline, events.recv()).await {
                Ok(Ok(DeskEvent::DevicesChanged(_))) => break,
                Ok(Ok(_)) => {}
                other => panic!("the fleet never synced: {other:?}"),
            }
        }
        (desk, sandbox)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_bulk_refresh_by_filter_is_queued_at_once_and_followed_to_the_end() {
        let dir = tempfile::tempdir().unwrap();
        let (desk, _sandbox) = synced_desk(dir.path(), 30).await;
        let online = DeviceFilter {
            presence: Some(Presence::Online),
            ..DeviceFilter::default()
        };
        let listed = desk
            .services()
            .await
            .unwrap()
            .list_devices(ListDevicesRequest {
                filter: online.clone(),
                limit: 100,
                ..ListDevicesRequest::default()
            })
            .await
            .unwrap();
        assert!(listed.total >= 5, "{} online", listed.total);
        let queued = desk
            .queue_bulk_action(QueueBulkRequest {
                targets: BulkTargets::Matching { filter: online },
                action: ActionInput::Refresh,
            })
            .await
            .unwrap();
        assert_eq!(queued.ids.len() as u64, listed.total);
        assert_eq!(queued.description, "Refresh parameters");
        let first = desk
            .services()
            .await
            .unwrap()
            .bulk_progress(BulkProgressRequest {
                ids: queued.ids.clone(),
            })
            .await
            .unwrap();
        assert_eq!(first.total, listed.total);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        let done = loop {
            let p = desk
                .services()
                .await
                .unwrap()
                .bulk_progress(BulkProgressRequest {
                    ids: queued.ids.clone(),
                })
                .await
                .unwrap();
            if p.is_done() {
                break p;
            }
            assert!(tokio::time::Instant::now() < deadline, "stuck at {p:?}");
            tokio::time::sleep(Duration::from_millis(300)).await;
        };
        // Online routers answer a refresh; one that dropped off meanwhile may fail, with
        // its reason listed.
        assert_eq!(done.completed + done.failed, listed.total, "{done:?}");
        assert_eq!(done.failures.len() as u64, done.failed.min(20));
        assert!(done.failures.iter().all(|f| f.fault.is_some()));
        // A device's own list shows its part of the operation.
        let one = &listed.rows[0].id;
        let mine = desk
            .services()
            .await
            .unwrap()
            .list_actions(ListActionsRequest {
                device: Some(one.clone()),
                status: None,
                limit: None,
            })
            .await
            .unwrap();
        assert!(mine.iter().all(|a| &a.device == one) && !mine.is_empty());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn bulk_refuses_what_it_cannot_do_and_queues_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (desk, _sandbox) = synced_desk(dir.path(), 8).await;
        let rows = desk
            .services()
            .await
            .unwrap()
            .list_devices(ListDevicesRequest {
                limit: 10,
                ..ListDevicesRequest::default()
            })
            .await
            .unwrap()
            .rows;
        let keys: Vec<DeviceKey> = rows
            .iter()
            .map(|r| DeviceKey {
                acs: r.acs.clone(),
                id: r.id.clone(),
            })
            .collect();
        let wifi = desk
            .queue_bulk_action(QueueBulkRequest {
                targets: BulkTargets::Devices {
                    devices: keys.clone(),
                },
                action: ActionInput::ChangeWifi {
                    band: acsdesk_types::BandChoice::All,
                    ssid: Some("Same-For-All".into()),
                    passphrase: None,
                },
            })
            .await
            .unwrap_err();
        assert_eq!(wifi.code, ErrorCode::Invalid);
        assert!(wifi.message.contains("one device at a time"), "{wifi}");
        let none = desk
            .queue_bulk_action(QueueBulkRequest {
                targets: BulkTargets::Matching {
                    filter: DeviceFilter {
                        search: Some("no-such-serial-anywhere".into()),
                        ..DeviceFilter::default()
                    },
                },
                action: ActionInput::Reboot,
            })
            .await
            .unwrap_err();
        assert!(none.message.contains("no device"), "{none}");
        // One unknown device refuses the whole batch.
        let mut with_ghost = keys.clone();
        with_ghost.push(DeviceKey {
            acs: "main".into(),
            id: "000000-Ghost-0".into(),
        });
        let ghost = desk
            .queue_bulk_action(QueueBulkRequest {
                targets: BulkTargets::Devices {
                    devices: with_ghost,
                },
                action: ActionInput::Reboot,
            })
            .await
            .unwrap_err();
        assert!(ghost.message.contains("Ghost"), "{ghost}");
        assert!(desk
            .services()
            .await
            .unwrap()
            .list_actions(ListActionsRequest::default())
            .await
            .unwrap()
            .is_empty());
        // The same device twice is one action.
        let mut twice = keys.clone();
        twice.push(keys[0].clone());
        let queued = desk
            .queue_bulk_action(QueueBulkRequest {
                targets: BulkTargets::Devices { devices: twice },
                action: ActionInput::Reboot,
            })
            .await
            .unwrap();
        assert_eq!(queued.ids.len(), keys.len());
    }
}
