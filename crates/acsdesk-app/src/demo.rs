//! The demo fleet: the embedded sandbox (a GenieACS stand-in with simulated routers)
//! started in-process and synced into the *Demo fleet* tenant. Only with the `demo`
//! feature, which the shells turn on; without it `start_demo` says so and nothing of the
//! sandbox is linked.

use crate::Desk;
use acsdesk_types::settings::StartDemoRequest;
use acsdesk_types::{ErrorCode, IpcError};
use std::sync::Arc;

/// The tenant name the demo fleet lives in.
pub const DEMO_TENANT: &str = "Demo fleet";
#[cfg(feature = "demo")]
const DEMO_ACS: &str = "demo";

/// The running demo sandbox; stopped when dropped.
#[cfg(feature = "demo")]
pub(crate) type DemoHandle = acsdesk_sandbox::SandboxHandle;
/// Without the `demo` feature there is never a demo running.
#[cfg(not(feature = "demo"))]
#[derive(Debug)]
pub(crate) enum DemoHandle {}

impl Desk {
    /// Starts the embedded sandbox and syncs it into the demo tenant (created on first
    /// use, kept across runs with its history).
    #[cfg(feature = "demo")]
    pub async fn start_demo(
        self: &Arc<Self>,
        request: StartDemoRequest,
    ) -> Result<String, IpcError> {
        if let Some(url) = self.inner.lock().await.demo.as_ref().map(|d| d.url()) {
            return Ok(url);
        }
        let now = (self.clock)();
        let sandbox = acsdesk_sandbox::Sandbox::builder(now)
            .devices(u64::from(request.devices.clamp(1, 100_000)))
            .speed(60.0)
            .firmware_images(true)
            .start()
            .await
            .map_err(|e| {
                IpcError::new(
                    ErrorCode::Internal,
                    format!("could not start the demo sandbox: {e}"),
                )
            })?;
        let url = sandbox.url();
        let existing = self
            .workspace
            .tenants()
            .await?
            .into_iter()
            .any(|t| t.name == DEMO_TENANT);
        let tenant = if existing {
            let pass = self.passphrase();
            let t = self
                .workspace
                .open_tenant(
                    DEMO_TENANT,
                    pass.as_ref().map(acsdesk_types::secret::Secret::expose),
                )
                .await?;
            t.set_acs_url(DEMO_ACS, &url).await?;
            t
        } else {
            let t = self.create_keyed_tenant(DEMO_TENANT, now).await?;
            t.add_acs(
                &acsdesk_core::store::acs::NewAcs {
                    name: DEMO_ACS.into(),
                    url: url.clone(),
                    auth_kind: "none".into(),
                    auth_user: None,
                    auth_secret: None,
                    cwmp_url: Some("http://acs.demo.invalid:7547".into()),
                    rate_per_s: 50,
                    interval_s: 15,
                },
                now,
            )
            .await?;
            t
        };
        self.inner.lock().await.demo = Some(sandbox);
        self.use_tenant(tenant).await?;
        Ok(url)
    }

    /// Without the `demo` feature: refuses, saying why.
    #[cfg(not(feature = "demo"))]
    pub async fn start_demo(
        self: &Arc<Self>,
        _request: StartDemoRequest,
    ) -> Result<String, IpcError> {
        Err(IpcError::new(
            ErrorCode::Invalid,
            "this build of AcsDesk has no demo fleet: connect to a GenieACS server",
        ))
    }
}

#[cfg(all(test, feature = "demo"))]
mod tests {
    use super::*;
    use crate::DeskEvent;
    use acsdesk_types::devices::{
        ChartRange, DeviceChartRequest, DeviceFilter, ListDevicesRequest, Presence,
    };
    use std::time::Duration;

    /// The demo end to end: sandbox started, tenant created with a key in the real
    /// credential store, first sync lands, the list, detail and charts answer.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_demo_fleet_syncs_into_a_new_tenant() {
        assert!(
            acsdesk_core::store::key::keyring_available(),
            "no OS credential store: run under `dbus-run-session -- scripts/desktop-session.sh`"
        );
        let dir = tempfile::tempdir().unwrap();
        let desk = Desk::open(dir.path(), acsdesk_core::clock::system())
            .await
            .unwrap();
        assert!(desk.services().await.is_err(), "no tenant yet");
        let mut events = desk.subscribe();
        let url = desk
            .start_demo(StartDemoRequest { devices: 40 })
            .await
            .unwrap();
        assert!(url.starts_with("http://127.0.0.1:"));
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            match tokio::time::timeout_at(deadline, events.recv()).await {
                Ok(Ok(DeskEvent::DevicesChanged(e))) => {
                    assert_eq!(e.acs, "demo");
                    break;
                }
                Ok(Ok(_)) => {}
                other => panic!("no devices-changed event: {other:?}"),
            }
        }
        let state = desk.workspace_state().await.unwrap();
        assert_eq!(state.current.as_deref(), Some(DEMO_TENANT));
        assert!(state.demo_running);
        let all = desk
            .services()
            .await
            .unwrap()
            .list_devices(ListDevicesRequest {
                limit: 100,
                ..ListDevicesRequest::default()
            })
            .await
            .unwrap();
        assert_eq!(all.total, 40);
        let offline = desk
            .services()
            .await
            .unwrap()
            .list_devices(ListDevicesRequest {
                filter: DeviceFilter {
                    presence: Some(Presence::Offline),
                    ..DeviceFilter::default()
                },
                limit: 100,
                ..ListDevicesRequest::default()
            })
            .await
            .unwrap();
        assert_eq!(offline.total + all.online, 40);
        let id = all.rows.iter().find(|r| r.online).unwrap().id.clone();
        let detail = desk
            .services()
            .await
            .unwrap()
            .get_device(&id)
            .await
            .unwrap();
        assert_eq!(detail.row.id, id);
        assert!(!detail.wifi.is_empty());
        let chart = desk
            .services()
            .await
            .unwrap()
            .device_chart(DeviceChartRequest {
                id,
                metric: acsdesk_types::Metric::Uptime,
                range: ChartRange::Hour,
                dark: false,
                utc_offset_min: 0,
            })
            .await
            .unwrap();
        assert!(chart.svg.contains("Uptime (h)"));
        assert!(chart.points >= 1);
        let facets = desk
            .services()
            .await
            .unwrap()
            .device_facets()
            .await
            .unwrap();
        assert!(facets.vendors.len() >= 3, "{:?}", facets.vendors);
        // A second start reuses the running sandbox.
        assert_eq!(
            desk.start_demo(StartDemoRequest::default()).await.unwrap(),
            url
        );
        // Cleanup: the tenant's key leaves the credential store.
        desk.workspace.remove_tenant(DEMO_TENANT).await.unwrap();
    }
}
