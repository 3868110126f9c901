//! Alert configuration from the desktop beyond the tenant's rules: maintenance windows
//! (open, list, end) and a device's own offline threshold.

use crate::Services;
use acsdesk_core::alerts::Subject;
use acsdesk_types::alerts::{
    AddMaintenanceRequest, EndMaintenanceRequest, MaintenanceInfo, SetDeviceOfflineAfterRequest,
};
use acsdesk_types::{ErrorCode, IpcError, MaintenanceScope};

impl Services {
    /// Windows open or to come, soonest first.
    pub async fn list_maintenance(&self) -> Result<Vec<MaintenanceInfo>, IpcError> {
        let rows = self.tenant.maintenance((self.clock)()).await?;
        Ok(rows
            .into_iter()
            .map(|w| {
                let (scope, target) = match w.subject {
                    None => (MaintenanceScope::Tenant, None),
                    Some(Subject::Acs(name)) => (MaintenanceScope::Acs, Some(name)),
                    Some(Subject::Device(id)) => (MaintenanceScope::Device, Some(id)),
                };
                MaintenanceInfo {
                    id: w.id,
                    scope,
                    target,
                    from_ms: w.from_ms,
                    until_ms: w.until_ms,
                    reason: w.reason,
                }
            })
            .collect())
    }

    /// Opens a window from now over the tenant, a connection or a device.
    pub async fn add_maintenance(&self, request: AddMaintenanceRequest) -> Result<i64, IpcError> {
        let target = request
            .target
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty());
        let subject = match (request.scope, target) {
            (MaintenanceScope::Tenant, _) => None,
            (MaintenanceScope::Acs, Some(name)) => Some(Subject::Acs(name)),
            (MaintenanceScope::Device, Some(id)) => Some(Subject::Device(id)),
            (MaintenanceScope::Acs | MaintenanceScope::Device, None) => {
                return Err(IpcError::new(
                    ErrorCode::Invalid,
                    format!("name the {} the window covers", request.scope),
                ))
            }
        };
        if request.minutes == 0 {
            return Err(IpcError::new(
                ErrorCode::Invalid,
                "a maintenance window lasts at least a minute",
            ));
        }
        let now = (self.clock)();
        Ok(self
            .tenant
            .add_maintenance(
                subject.as_ref(),
                now,
                now + i64::from(request.minutes) * 60_000,
                request.reason.trim(),
                now,
            )
            .await?)
    }

    /// Ends a window now.
    pub async fn end_maintenance(&self, request: EndMaintenanceRequest) -> Result<(), IpcError> {
        Ok(self
            .tenant
            .end_maintenance(request.id, (self.clock)())
            .await?)
    }

    /// Sets or clears a device's own offline threshold.
    pub async fn set_device_offline_after(
        &self,
        request: SetDeviceOfflineAfterRequest,
    ) -> Result<(), IpcError> {
        Ok(self
            .tenant
            .set_device_offline_after(&request.device, request.minutes)
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use crate::bulk::tests::synced_desk;
    use acsdesk_types::alerts::{
        AddMaintenanceRequest, EndMaintenanceRequest, SetDeviceOfflineAfterRequest,
    };
    use acsdesk_types::{ErrorCode, MaintenanceScope};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn maintenance_windows_and_device_thresholds_from_the_desktop() {
        let dir = tempfile::tempdir().unwrap();
        let (desk, _sandbox) = synced_desk(dir.path(), 3).await;
        let id = desk
            .services()
            .await
            .unwrap()
            .list_devices(Default::default())
            .await
            .unwrap()
            .rows
            .first()
            .unwrap()
            .id
            .clone();
        let add = |scope: &str, target: Option<&str>, minutes| AddMaintenanceRequest {
            scope: MaintenanceScope::parse(scope).unwrap(),
            target: target.map(str::to_owned),
            minutes,
            reason: "fibre works".into(),
        };
        for (bad, why) in [
            (add("device", None, 60), "name the device"),
            (add("tenant", None, 0), "at least a minute"),
            (add("tenant", None, 32 * 24 * 60), "31 days"),
        ] {
            let err = desk
                .services()
                .await
                .unwrap()
                .add_maintenance(bad)
                .await
                .unwrap_err();
            assert_eq!(err.code, ErrorCode::Invalid);
            assert!(err.message.contains(why), "{err}");
        }
        let unknown = desk
            .services()
            .await
            .unwrap()
            .add_maintenance(add("device", Some("nope"), 60))
            .await
            .unwrap_err();
        assert!(unknown.message.contains("nope"), "{unknown}");
        let w = desk
            .services()
            .await
            .unwrap()
            .add_maintenance(add("device", Some(&id), 90))
            .await
            .unwrap();
        desk.services()
            .await
            .unwrap()
            .add_maintenance(add("acs", Some("main"), 30))
            .await
            .unwrap();
        let listed = desk
            .services()
            .await
            .unwrap()
            .list_maintenance()
            .await
            .unwrap();
        assert_eq!(listed.len(), 2);
        let mine = listed.iter().find(|m| m.id == w).unwrap();
        assert_eq!(
            (
                mine.scope.as_str(),
                mine.target.as_deref(),
                mine.reason.as_str()
            ),
            ("device", Some(id.as_str()), "fibre works")
        );
        assert_eq!(mine.until_ms - mine.from_ms, 90 * 60_000);
        desk.services()
            .await
            .unwrap()
            .end_maintenance(EndMaintenanceRequest { id: w })
            .await
            .unwrap();
        assert_eq!(
            desk.services()
                .await
                .unwrap()
                .list_maintenance()
                .await
                .unwrap()
                .len(),
            1
        );
        let again = desk
            .services()
            .await
            .unwrap()
            .end_maintenance(EndMaintenanceRequest { id: w })
            .await
            .unwrap_err();
        assert_eq!(again.code, ErrorCode::NotFound);

        assert_eq!(
            desk.services()
                .await
                .unwrap()
                .get_device(&id)
                .await
                .unwrap()
                .offline_after_min,
            None
        );
        desk.services()
            .await
            .unwrap()
            .set_device_offline_after(SetDeviceOfflineAfterRequest {
                device: id.clone(),
                minutes: Some(240),
            })
            .await
            .unwrap();
        assert_eq!(
            desk.services()
                .await
                .unwrap()
                .get_device(&id)
                .await
                .unwrap()
                .offline_after_min,
            Some(240)
        );
        let out = desk
            .services()
            .await
            .unwrap()
            .set_device_offline_after(SetDeviceOfflineAfterRequest {
                device: id.clone(),
                minutes: Some(0),
            })
            .await
            .unwrap_err();
        assert_eq!(out.code, ErrorCode::Invalid);
        desk.services()
            .await
            .unwrap()
            .set_device_offline_after(SetDeviceOfflineAfterRequest {
                device: id.clone(),
                minutes: None,
            })
            .await
            .unwrap();
        assert_eq!(
            desk.services()
                .await
                .unwrap()
                .get_device(&id)
                .await
                .unwrap()
                .offline_after_min,
            None
        );
    }
}
