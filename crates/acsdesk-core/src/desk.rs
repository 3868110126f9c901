//! The facade: what the desktop shell (and, where it fits, the CLI) calls. It owns the
//! workspace, the open tenant, one sync poller per ACS connection and the demo sandbox,
//! pushes events, and is the only place that converts to and from `acsdesk-types` DTOs.

use crate::actions::{ActionRequest, BandChoice};
use crate::charts::{render_svg, ChartSpec, Metric, Theme};
use crate::clock::Clock;
use crate::store::acs::NewAcs;
use crate::store::{KeyChoice, StoreError, TenantStore, Workspace};
use crate::sync::nbi::NbiSource;
use crate::sync::scheduler::{spawn_poller, AcsHealth, PollerConfig, PollerHandle};
use crate::sync::DeviceSource;
use acsdesk_types::actions::{ActionInfo, ActionInput, ListActionsRequest, QueueActionRequest};
use acsdesk_types::alerts::{
    AlertInfo, ChannelInfo, ChannelNameRequest, ListAlertsRequest, SaveChannelRequest,
    SetAlertStateRequest,
};
use acsdesk_types::devices::{
    DeviceChart, DeviceChartRequest, DeviceDetail, DeviceFacets, DeviceLogsRequest,
    DeviceParametersRequest, FirmwareFileInfo, FirmwareFilesRequest, ListDevicesRequest,
    ListDevicesResponse, LogInfo, ParameterInfo, WifiInfo,
};
use acsdesk_types::events::{
    AcsHealthEvent, ActionProgressEvent, DevicesChangedEvent, SyncProgressEvent,
};
use acsdesk_types::input::{PppoePassword, PppoeUsername, Ssid, WpaPassphrase};
use acsdesk_types::settings::{
    AcsInfo, AcsTestReport, AddAcsRequest, AuthKind, RemoveAcsRequest, StartDemoRequest,
    SwitchTenantRequest, TenantInfo, TestAcsRequest, UnlockTenantRequest, UpdateSettingsRequest,
    WorkspaceState,
};
use acsdesk_types::{ErrorCode, IpcError};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, Mutex};

mod alerting;
mod bulk;
mod manage;

/// The tenant name the demo fleet lives in.
pub const DEMO_TENANT: &str = "Demo fleet";
const DEMO_ACS: &str = "demo";
const CURRENT_TENANT: &str = "current_tenant";
/// How often samples are rolled up and pruned.
const SAMPLE_MAINTENANCE_EVERY: Duration = Duration::from_secs(300);

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

#[derive(Default)]
struct Inner {
    tenant: Option<TenantStore>,
    pollers: HashMap<String, PollerHandle>,
    workers: Vec<WorkerTask>,
    demo: Option<acsdesk_sandbox::SandboxHandle>,
}

/// A running action worker; dropping it stops the loop.
struct WorkerTask(tokio::task::JoinHandle<()>);

impl Drop for WorkerTask {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// AcsDesk's backend for one user session.
pub struct Desk {
    workspace: Workspace,
    clock: Clock,
    inner: Mutex<Inner>,
    events: broadcast::Sender<DeskEvent>,
    work: Arc<tokio::sync::Notify>,
    /// The passphrase given in this session (`unlock_tenant`), never written anywhere.
    session_passphrase: std::sync::Mutex<Option<String>>,
    /// The tenant in use that could not be opened at start without its passphrase.
    locked: std::sync::Mutex<Option<String>>,
}

impl std::fmt::Debug for Desk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Desk")
            .field("dir", &self.workspace.dir())
            .finish()
    }
}

/// A standard mutex's guard, even after a panic elsewhere (the data is plain values).
fn lock_std<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn no_tenant() -> IpcError {
    IpcError::new(
        ErrorCode::NotFound,
        "no tenant is open: connect to GenieACS or try the demo fleet first",
    )
}

/// An HTTP client for one ACS connection, carrying its authentication.
pub fn acs_client(
    auth: AuthKind,
    user: Option<&str>,
    secret: Option<&str>,
) -> Result<reqwest::Client, IpcError> {
    crate::http::install_crypto_provider();
    let mut headers = reqwest::header::HeaderMap::new();
    let value = match auth {
        AuthKind::None => None,
        AuthKind::Basic => {
            use base64::Engine;
            let raw = format!(
                "{}:{}",
                user.unwrap_or_default(),
                secret.unwrap_or_default()
            );
            Some(format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(raw)
            ))
        }
        AuthKind::Token => Some(format!("Bearer {}", secret.unwrap_or_default())),
    };
    if let Some(v) = value {
        let mut v = reqwest::header::HeaderValue::from_str(&v).map_err(|_| {
            IpcError::new(
                ErrorCode::Invalid,
                "the credentials contain characters HTTP cannot carry",
            )
        })?;
        v.set_sensitive(true);
        headers.insert(reqwest::header::AUTHORIZATION, v);
    }
    reqwest::Client::builder()
        .default_headers(headers)
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(120))
        .build()
        .map_err(|e| IpcError::new(ErrorCode::Internal, format!("could not set up HTTPS: {e}")))
}

/// One of a tenant's connections and a GenieACS client carrying its URL, credentials
/// and rate limit.
pub async fn connection_client(
    tenant: &TenantStore,
    name: &str,
) -> Result<(crate::store::acs::AcsConnection, acsdesk_genieacs::Client), IpcError> {
    let conn = tenant.acs(name).await?;
    let secret = tenant.reveal_acs_secret(name).await?.unwrap_or_default();
    let auth = match conn.auth_kind.as_str() {
        "basic" => acsdesk_genieacs::Auth::Basic {
            user: conn.auth_user.clone().unwrap_or_default(),
            password: secret,
        },
        "token" => acsdesk_genieacs::Auth::Bearer(secret),
        _ => acsdesk_genieacs::Auth::None,
    };
    let tls = match tenant.acs_tls(name).await? {
        (Some(pem), _) => acsdesk_genieacs::Tls::ExtraCa(pem.into_bytes()),
        (None, Some(pin)) => acsdesk_genieacs::Tls::PinnedSha256(pin),
        (None, None) => acsdesk_genieacs::Tls::System,
    };
    let rate = u32::try_from(conn.rate_per_s).unwrap_or(20).max(1);
    let client = acsdesk_genieacs::Client::builder(conn.url.clone())
        .auth(auth)
        .tls(tls)
        .rate_limit(rate, rate.saturating_mul(2), 8)
        .build()
        .map_err(|e| IpcError::new(ErrorCode::Invalid, e.to_string()))?;
    Ok((conn, client))
}

async fn refresh_faults(tenant: &TenantStore, acs: &str, client: &acsdesk_genieacs::Client) {
    if let Err(e) = crate::sync::round::refresh_faults(tenant, acs, client).await {
        eprintln!("acsdesk: {acs}: GenieACS's faults could not be refreshed: {e}");
    }
}

/// Tells the window about new alerts (native notifications, the badge) and sends them
/// to the tenant's channels in the background, so a slow webhook never holds up a sync.
async fn announce(
    events: &broadcast::Sender<DeskEvent>,
    tenant: &TenantStore,
    deliveries: Vec<crate::alerts::reconcile::Delivery>,
    now_ms: i64,
) {
    let open = tenant.open_alert_count().await.unwrap_or_default();
    let notify = notifications(&deliveries);
    let _ = events.send(DeskEvent::Alerts { notify, open });
    if deliveries.is_empty() {
        return;
    }
    let tenant = tenant.clone();
    tokio::spawn(async move {
        let outbound = match crate::alerts::channels::Outbound::new(Default::default()) {
            Ok(o) => o,
            Err(e) => {
                eprintln!("acsdesk: alert channels unavailable: {e}");
                return;
            }
        };
        if let Err(e) =
            crate::alerts::deliver::to_channels(&tenant, &deliveries, &outbound, now_ms).await
        {
            eprintln!("acsdesk: alert channels: {e}");
        }
    });
}

fn auth_kind(s: &str) -> AuthKind {
    match s {
        "basic" => AuthKind::Basic,
        "token" => AuthKind::Token,
        _ => AuthKind::None,
    }
}

fn health_event(acs: &str, h: &AcsHealth) -> AcsHealthEvent {
    let (state, since_ms, error) = match h {
        AcsHealth::Unknown => ("unknown", None, None),
        AcsHealth::Ok { since_ms } => ("ok", Some(*since_ms), None),
        AcsHealth::Degraded {
            since_ms,
            last_error,
            ..
        } => ("degraded", Some(*since_ms), Some(last_error.clone())),
        AcsHealth::Unreachable {
            since_ms,
            last_error,
            ..
        } => ("unreachable", Some(*since_ms), Some(last_error.clone())),
    };
    AcsHealthEvent {
        acs: acs.to_owned(),
        state: state.to_owned(),
        since_ms,
        error,
    }
}

impl Desk {
    /// Opens the workspace in `dir` and, when a tenant was in use and its key is at hand
    /// (credential store, or `ACSDESK_PASSPHRASE`), reopens it and resumes syncing.
    pub async fn open(dir: &Path, clock: Clock) -> Result<Arc<Self>, IpcError> {
        let workspace = Workspace::open(dir).await?;
        let (events, _) = broadcast::channel(256);
        let desk = Arc::new(Self {
            workspace,
            clock,
            inner: Mutex::new(Inner::default()),
            events,
            work: Arc::new(tokio::sync::Notify::new()),
            session_passphrase: std::sync::Mutex::new(None),
            locked: std::sync::Mutex::new(None),
        });
        if let Some(name) = desk.workspace.setting(CURRENT_TENANT).await? {
            if name != DEMO_TENANT {
                let pass = desk.passphrase();
                match desk.workspace.open_tenant(&name, pass.as_deref()).await {
                    Ok(t) => desk.use_tenant(t).await?,
                    Err(
                        StoreError::PassphraseRequired(_)
                        | StoreError::WrongKey(_)
                        | StoreError::Keyring(_),
                    ) => *lock_std(&desk.locked) = Some(name),
                    // Anything else leaves the welcome screen to start over.
                    Err(_) => {}
                }
            }
        }
        Ok(desk)
    }

    /// `ACSDESK_PASSPHRASE`, else the passphrase given in this session.
    fn passphrase(&self) -> Option<String> {
        match std::env::var("ACSDESK_PASSPHRASE") {
            Ok(p) if !p.is_empty() => Some(p),
            _ => lock_std(&self.session_passphrase).clone(),
        }
    }

    /// How a new tenant's key is kept: `ACSDESK_PASSPHRASE`, else the credential store,
    /// else the session's passphrase; with none, the UI must ask for one.
    fn key_choice(&self) -> Result<KeyChoice, IpcError> {
        if let Ok(p) = std::env::var("ACSDESK_PASSPHRASE") {
            if !p.is_empty() {
                return Ok(KeyChoice::Passphrase(p));
            }
        }
        if crate::store::key::keyring_available() {
            return Ok(KeyChoice::Keyring);
        }
        match lock_std(&self.session_passphrase).clone() {
            Some(p) => Ok(KeyChoice::Passphrase(p)),
            None => Err(IpcError::new(
                ErrorCode::Locked,
                "there is no credential store on this system: choose a passphrase to protect the tenant's data",
            )),
        }
    }

    /// Opens a tenant with its passphrase and works in it — or, with no name, keeps the
    /// passphrase for the tenants created next. A wrong passphrase is forgotten at once.
    pub async fn unlock_tenant(
        self: &Arc<Self>,
        request: UnlockTenantRequest,
    ) -> Result<(), IpcError> {
        if request.passphrase.is_empty() {
            return Err(IpcError::new(
                ErrorCode::Invalid,
                "passphrase: the passphrase is empty",
            ));
        }
        let Some(name) = request.name else {
            *lock_std(&self.session_passphrase) = Some(request.passphrase);
            return Ok(());
        };
        match self
            .workspace
            .open_tenant(&name, Some(&request.passphrase))
            .await
        {
            Ok(t) => {
                *lock_std(&self.session_passphrase) = Some(request.passphrase);
                *lock_std(&self.locked) = None;
                self.use_tenant(t).await
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Events for the UI.
    pub fn subscribe(&self) -> broadcast::Receiver<DeskEvent> {
        self.events.subscribe()
    }

    async fn use_tenant(self: &Arc<Self>, tenant: TenantStore) -> Result<(), IpcError> {
        self.workspace
            .set_setting(CURRENT_TENANT, tenant.name())
            .await?;
        let connections = tenant.list_acs().await?;
        let mut inner = self.inner.lock().await;
        inner.pollers.clear();
        inner.workers.clear();
        inner.tenant = Some(tenant.clone());
        inner.workers.push(self.spawn_maintenance(&tenant));
        for acs in connections {
            let handle = self.spawn_sync(&tenant, &acs.name, acs.interval_s).await?;
            inner.pollers.insert(acs.name.clone(), handle);
            inner
                .workers
                .push(self.spawn_worker(&tenant, &acs.name).await?);
        }
        Ok(())
    }

    /// Samples are rolled up and pruned on their own schedule, not after every sync:
    /// each run continues from where the last stopped, so it stays cheap.
    fn spawn_maintenance(&self, tenant: &TenantStore) -> WorkerTask {
        let tenant = tenant.clone();
        let clock = self.clock.clone();
        WorkerTask(tokio::spawn(async move {
            let mut every = tokio::time::interval(SAMPLE_MAINTENANCE_EVERY);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                if let Err(e) = tenant.maintain_samples(clock()).await {
                    eprintln!("acsdesk: {}: sample roll-up failed: {e}", tenant.name());
                }
            }
        }))
    }

    async fn spawn_sync(
        self: &Arc<Self>,
        tenant: &TenantStore,
        acs: &str,
        interval_s: i64,
    ) -> Result<PollerHandle, IpcError> {
        let (_, client) = connection_client(tenant, acs).await?;
        let source = Arc::new(NbiSource::new(client.clone()));
        let initial = tenant.acs_health(acs).await?;
        let health_tenant = tenant.clone();
        let tenant = tenant.clone();
        let events = self.events.clone();
        let clock = self.clock.clone();
        let name = acs.to_owned();
        let config = PollerConfig {
            interval: Duration::from_secs(interval_s.max(5) as u64),
            ..PollerConfig::default()
        };
        let handle = spawn_poller(config, initial, self.clock.clone(), move || {
            let (source, client, tenant, events, clock, name) = (
                source.clone(),
                client.clone(),
                tenant.clone(),
                events.clone(),
                clock.clone(),
                name.clone(),
            );
            async move {
                let now = clock();
                let progress_events = events.clone();
                let progress_name = name.clone();
                let report = crate::sync::round::sync_connection(
                    &tenant,
                    &name,
                    source.as_ref(),
                    false,
                    now,
                    |p| {
                        let _ = progress_events.send(DeskEvent::SyncProgress(SyncProgressEvent {
                            acs: progress_name.clone(),
                            full: p.mode == crate::sync::SyncMode::Full,
                            done: p.done,
                            total: p.total,
                            finished: false,
                        }));
                    },
                )
                .await
                .map_err(|e| e.to_string())?;
                let _ = events.send(DeskEvent::SyncProgress(SyncProgressEvent {
                    acs: name.clone(),
                    full: report.full,
                    done: report.fetched,
                    total: report.fetched,
                    finished: true,
                }));
                let changed = report.fetched + report.went_offline + report.disappeared;
                if changed > 0 {
                    let _ = events.send(DeskEvent::DevicesChanged(DevicesChangedEvent {
                        acs: name.clone(),
                        changed,
                    }));
                }
                refresh_faults(&tenant, &name, &client).await;
                let config = tenant.alert_config().await.map_err(|e| e.to_string())?;
                // This connection just answered, whatever its recorded health says yet.
                let mut acs = tenant.acs_states().await.map_err(|e| e.to_string())?;
                for a in acs.iter_mut().filter(|a| a.name == name) {
                    a.unreachable_since_ms = None;
                }
                let deliveries = crate::alerts::engine::evaluate(&tenant, &acs, &config, now)
                    .await
                    .map_err(|e| e.to_string())?;
                announce(&events, &tenant, deliveries, now).await;
                Ok(())
            }
        });
        let mut health = handle.health();
        let events = self.events.clone();
        let name = acs.to_owned();
        let tenant = health_tenant;
        let clock = self.clock.clone();
        tokio::spawn(async move {
            while health.changed().await.is_ok() {
                let h = health.borrow_and_update().clone();
                if let Err(e) = tenant.set_acs_health(&name, &h).await {
                    eprintln!("acsdesk: {name}: could not record the connection's health: {e}");
                }
                let _ = events.send(DeskEvent::AcsHealth(health_event(&name, &h)));
                // While the ACS is unreachable no sync runs, so its alert is evaluated here.
                if let AcsHealth::Unreachable { .. } = h {
                    let Ok(acs) = tenant.acs_states().await else {
                        continue;
                    };
                    let now = clock();
                    let config = tenant.alert_config().await.unwrap_or_default();
                    if let Ok(deliveries) =
                        crate::alerts::engine::evaluate(&tenant, &acs, &config, now).await
                    {
                        announce(&events, &tenant, deliveries, now).await;
                    }
                }
            }
        });
        Ok(handle)
    }

    async fn spawn_worker(
        self: &Arc<Self>,
        tenant: &TenantStore,
        acs: &str,
    ) -> Result<WorkerTask, IpcError> {
        let (_, client) = connection_client(tenant, acs).await?;
        let worker =
            crate::actions::worker::Worker::new(tenant.clone(), acs, client, self.clock.clone());
        let desk = Arc::downgrade(self);
        let work = self.work.clone();
        let tenant = tenant.clone();
        Ok(WorkerTask(tokio::spawn(async move {
            loop {
                let mut outcomes = Vec::new();
                loop {
                    match worker.try_execute_next().await {
                        Ok(crate::actions::worker::Outcome::Idle) | Err(_) => break,
                        Ok(o) => outcomes.push(o),
                    }
                }
                if let Ok(more) = worker.follow_up().await {
                    outcomes.extend(
                        more.into_iter()
                            .filter(|o| !matches!(o, crate::actions::worker::Outcome::Waiting(_))),
                    );
                }
                let Some(desk) = desk.upgrade() else { return };
                let mut finished = false;
                for o in outcomes {
                    let id = match &o {
                        crate::actions::worker::Outcome::Completed(id)
                        | crate::actions::worker::Outcome::Failed(id, _)
                        | crate::actions::worker::Outcome::Waiting(id)
                        | crate::actions::worker::Outcome::RetryLater(id, _) => *id,
                        crate::actions::worker::Outcome::Idle => continue,
                    };
                    finished |= matches!(
                        o,
                        crate::actions::worker::Outcome::Completed(_)
                            | crate::actions::worker::Outcome::Failed(..)
                    );
                    if let Ok(a) = tenant.action(id).await {
                        if let crate::actions::worker::Outcome::Failed(_, why) = &o {
                            let now = (desk.clock)();
                            let config = tenant.alert_config().await.unwrap_or_default();
                            if let Ok(deliveries) =
                                crate::alerts::engine::action_failed(&tenant, &a, why, &config, now)
                                    .await
                            {
                                announce(&desk.events, &tenant, deliveries, now).await;
                            }
                        }
                        let _ = desk
                            .events
                            .send(DeskEvent::ActionProgress(ActionProgressEvent {
                                id,
                                device: a.device.clone(),
                                status: a.status.as_str().to_owned(),
                                detail: a.fault_message.clone(),
                            }));
                    }
                }
                if finished {
                    // Show the outcome in the list and dashboard without waiting a poll.
                    let _ = desk.sync_now().await;
                }
                drop(desk);
                tokio::select! {
                    _ = work.notified() => {}
                    _ = tokio::time::sleep(Duration::from_secs(2)) => {}
                }
            }
        })))
    }

    /// Validates and queues an action on a device of the current tenant.
    pub async fn queue_action(&self, request: QueueActionRequest) -> Result<ActionInfo, IpcError> {
        let action = parse_action(request.action)?;
        let tenant = self.tenant().await?;
        let acs = tenant
            .device_acs(request.acs.as_deref(), &request.device)
            .await?;
        // Checked against the live device first (paths, writability, firmware model):
        // nothing wrong is queued.
        let (_, client) = connection_client(&tenant, &acs).await?;
        crate::actions::worker::Worker::new(tenant.clone(), &acs, client, self.clock.clone())
            .check(&request.device, &action)
            .await
            .map_err(|e| IpcError::new(ErrorCode::Invalid, e))?;
        let row = tenant
            .enqueue_action_in(
                Some(&acs),
                &request.device,
                &action,
                "desktop",
                (self.clock)(),
            )
            .await?;
        self.work.notify_one();
        let info = action_info(&row);
        let _ = self
            .events
            .send(DeskEvent::ActionProgress(ActionProgressEvent {
                id: row.id,
                device: row.device.clone(),
                status: info.status.clone(),
                detail: None,
            }));
        Ok(info)
    }

    /// Works in another tenant (its key from the credential store, `ACSDESK_PASSPHRASE` or
    /// the session's passphrase; else `Locked`, for the UI to ask).
    pub async fn switch_tenant(
        self: &Arc<Self>,
        request: SwitchTenantRequest,
    ) -> Result<(), IpcError> {
        let pass = self.passphrase();
        let tenant = self
            .workspace
            .open_tenant(&request.name, pass.as_deref())
            .await?;
        self.use_tenant(tenant).await
    }

    /// Removes a connection of the current tenant, with what was synced from it.
    pub async fn remove_acs(self: &Arc<Self>, request: RemoveAcsRequest) -> Result<(), IpcError> {
        let tenant = self.tenant().await?;
        tenant.remove_acs(&request.name).await?;
        self.use_tenant(tenant).await
    }

    /// The current tenant's settings.
    pub async fn tenant_settings(&self) -> Result<UpdateSettingsRequest, IpcError> {
        let tenant = self.tenant().await?;
        Ok(UpdateSettingsRequest {
            offline_after_min: tenant.offline_after_min().await?,
            sync: Some(tenant.sync_settings().await?),
            alerts: Some(tenant.alert_settings().await?),
        })
    }

    /// Saves the current tenant's settings.
    pub async fn update_settings(&self, request: UpdateSettingsRequest) -> Result<(), IpcError> {
        let tenant = self.tenant().await?;
        // Both are checked before either is saved: a refused value changes nothing.
        if let Some(sync) = &request.sync {
            sync.validate()
                .map_err(|e| IpcError::new(ErrorCode::Invalid, e.to_string()))?;
        }
        if let Some(alerts) = &request.alerts {
            alerts
                .validate()
                .map_err(|e| IpcError::new(ErrorCode::Invalid, e.to_string()))?;
        }
        tenant
            .set_offline_after_min(request.offline_after_min)
            .await?;
        if let Some(sync) = &request.sync {
            tenant.set_sync_settings(sync).await?;
        }
        if let Some(alerts) = &request.alerts {
            tenant.set_alert_settings(alerts).await?;
        }
        Ok(())
    }

    /// Alerts, newest first.
    pub async fn list_alerts(
        &self,
        request: ListAlertsRequest,
    ) -> Result<Vec<AlertInfo>, IpcError> {
        let rows = self
            .tenant()
            .await?
            .find_alerts(&crate::store::alerts::AlertQuery {
                state: request.state,
                kind: request.kind,
                severity: request.severity,
                device: None,
                limit: 500,
            })
            .await?;
        Ok(rows
            .into_iter()
            .map(|a| AlertInfo {
                id: a.id,
                kind: a.kind,
                subject: a.subject,
                severity: a.severity,
                state: a.state,
                message: a.message,
                first_seen_ms: a.first_seen_ms,
                last_seen_ms: a.last_seen_ms,
            })
            .collect())
    }

    /// A device's parameters, live from its GenieACS (read-only).
    pub async fn device_parameters(
        &self,
        request: DeviceParametersRequest,
    ) -> Result<Vec<ParameterInfo>, IpcError> {
        let tenant = self.tenant().await?;
        let acs = tenant.device_acs(None, &request.device).await?;
        let (_, client) = connection_client(&tenant, &acs).await?;
        let prefix = request
            .prefix
            .map(|p| p.trim().trim_end_matches('.').to_owned())
            .filter(|p| !p.is_empty());
        let mut q = client
            .devices()
            .query(acsdesk_genieacs::Query::all().eq("_id", request.device.as_str()));
        if let Some(p) = &prefix {
            q = q.projection([p.clone()]);
        }
        let docs = q
            .send()
            .await
            .map_err(|e| IpcError::new(ErrorCode::Remote, format!("GenieACS: {e}")))?;
        let doc = docs.first().ok_or_else(|| {
            IpcError::new(
                ErrorCode::NotFound,
                format!("GenieACS has no device {}", request.device),
            )
        })?;
        Ok(doc
            .parameters(prefix.as_deref().unwrap_or(""))
            .into_iter()
            .map(|p| ParameterInfo {
                value: match p.value {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                },
                path: p.path,
                xsd_type: p.xsd.map(str::to_owned),
                writable: p.writable,
            })
            .collect())
    }

    /// The firmware images in GenieACS that fit a device (its OUI and product class).
    pub async fn firmware_files(
        &self,
        request: FirmwareFilesRequest,
    ) -> Result<Vec<FirmwareFileInfo>, IpcError> {
        let tenant = self.tenant().await?;
        let device = tenant.device(&request.device).await?;
        let (_, client) = connection_client(&tenant, &device.row.acs).await?;
        let files = client
            .files()
            .list()
            .await
            .map_err(|e| IpcError::new(ErrorCode::Remote, format!("GenieACS: {e}")))?;
        Ok(files
            .into_iter()
            .filter(|f| {
                crate::actions::translate::FileInfo {
                    name: f.name.clone(),
                    file_type: f.metadata.file_type.clone(),
                    oui: f.metadata.oui.clone(),
                    product_class: f.metadata.product_class.clone(),
                    version: f.metadata.version.clone(),
                }
                .misfit(&device.normalized)
                .is_none()
            })
            .map(|f| FirmwareFileInfo {
                name: f.name,
                version: f.metadata.version,
                size: f.length,
            })
            .collect())
    }

    /// The current tenant's alert channels (no secrets).
    pub async fn list_channels(&self) -> Result<Vec<ChannelInfo>, IpcError> {
        Ok(self
            .tenant()
            .await?
            .channels()
            .await?
            .into_iter()
            .map(|c| ChannelInfo {
                name: c.name,
                kind: c.kind,
                endpoint: c.endpoint,
                phones: c.phones,
                enabled: c.enabled,
            })
            .collect())
    }

    /// Adds or replaces an alert channel of the current tenant.
    pub async fn save_channel(&self, request: SaveChannelRequest) -> Result<(), IpcError> {
        use crate::alerts::channels::{SmsGateway, Webhook};
        use crate::store::channels::ChannelConfig;
        let config = match request.kind.as_str() {
            "webhook" => ChannelConfig::Webhook(Webhook {
                url: request.url.trim().to_owned(),
                secret: request.secret.filter(|s| !s.is_empty()),
            }),
            "sms" => ChannelConfig::Sms(SmsGateway {
                url_template: request.url.trim().to_owned(),
                post_body_template: None,
                phones: request
                    .phones
                    .into_iter()
                    .map(|p| p.trim().to_owned())
                    .filter(|p| !p.is_empty())
                    .collect(),
            }),
            other => {
                return Err(IpcError::new(
                    ErrorCode::Invalid,
                    format!("kind: {other:?} is not webhook or sms"),
                ))
            }
        };
        self.tenant()
            .await?
            .add_channel(&request.name, &config, (self.clock)())
            .await?;
        Ok(())
    }

    /// Removes an alert channel.
    pub async fn remove_channel(&self, request: ChannelNameRequest) -> Result<(), IpcError> {
        self.tenant().await?.remove_channel(&request.name).await?;
        Ok(())
    }

    /// Sends a test message through a channel; the attempts it took.
    pub async fn test_channel(&self, request: ChannelNameRequest) -> Result<u32, IpcError> {
        let tenant = self.tenant().await?;
        crate::alerts::deliver::test_channel(&tenant, &request.name, (self.clock)())
            .await
            .map_err(|e| IpcError::new(ErrorCode::Remote, e))
    }

    /// Acknowledges or resolves an alert.
    pub async fn set_alert_state(&self, request: SetAlertStateRequest) -> Result<(), IpcError> {
        let tenant = self.tenant().await?;
        tenant
            .set_alert_state(request.id, &request.state, (self.clock)())
            .await?;
        let open = tenant.open_alert_count().await?;
        let _ = self.events.send(DeskEvent::Alerts {
            notify: Vec::new(),
            open,
        });
        Ok(())
    }

    /// Recent actions, of one device or all.
    pub async fn list_actions(
        &self,
        request: ListActionsRequest,
    ) -> Result<Vec<ActionInfo>, IpcError> {
        let tenant = self.tenant().await?;
        let rows = match &request.device {
            Some(device) => tenant.device_actions(None, device, 200).await?,
            None => tenant.actions(None, 200).await?,
        };
        Ok(rows.iter().map(action_info).collect())
    }

    async fn tenant(&self) -> Result<TenantStore, IpcError> {
        self.inner.lock().await.tenant.clone().ok_or_else(no_tenant)
    }

    /// Tenants, the current one, and whether the demo runs.
    pub async fn workspace_state(&self) -> Result<WorkspaceState, IpcError> {
        let inner = self.inner.lock().await;
        let mut tenants = Vec::new();
        for t in self.workspace.tenants().await? {
            let acs = match &inner.tenant {
                Some(open) if open.name() == t.name => open
                    .list_acs()
                    .await?
                    .into_iter()
                    .map(|a| {
                        let health = inner
                            .pollers
                            .get(&a.name)
                            .map(|p| health_event(&a.name, &p.health().borrow()));
                        AcsInfo {
                            health: health
                                .as_ref()
                                .map(|h| h.state.clone())
                                .unwrap_or_else(|| "unknown".into()),
                            health_since_ms: health.as_ref().and_then(|h| h.since_ms),
                            health_error: health.and_then(|h| h.error),
                            name: a.name,
                            url: a.url,
                            auth: auth_kind(&a.auth_kind),
                            user: a.auth_user,
                            cwmp_url: a.cwmp_url,
                            interval_s: a.interval_s.max(0) as u32,
                        }
                    })
                    .collect(),
                _ => Vec::new(),
            };
            tenants.push(TenantInfo { name: t.name, acs });
        }
        Ok(WorkspaceState {
            tenants,
            current: inner.tenant.as_ref().map(|t| t.name().to_owned()),
            demo_running: inner.demo.is_some(),
            locked: lock_std(&self.locked).clone(),
        })
    }

    /// Starts the embedded sandbox and syncs it into the demo tenant (created on first
    /// use, kept across runs with its history).
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
                .open_tenant(DEMO_TENANT, pass.as_deref())
                .await?;
            t.set_acs_url(DEMO_ACS, &url).await?;
            t
        } else {
            let choice = self.key_choice()?;
            let t = self
                .workspace
                .create_tenant(DEMO_TENANT, choice, now)
                .await?;
            t.add_acs(
                &NewAcs {
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

    /// Tests a connection: reachable, TLS, credentials, GenieACS NBI, device count.
    pub async fn test_acs(&self, request: TestAcsRequest) -> Result<AcsTestReport, IpcError> {
        let secret = match (&request.secret, &request.saved) {
            (None, Some(saved)) if request.auth != AuthKind::None => {
                let tenant = self.tenant().await?;
                // An unknown name is an error, not "no secret".
                tenant.acs(saved).await?;
                tenant.reveal_acs_secret(saved).await?
            }
            _ => request.secret.clone(),
        };
        let client = acs_client(request.auth, request.user.as_deref(), secret.as_deref())?;
        let mut report = AcsTestReport::default();
        let url = match reqwest::Url::parse(request.url.trim()).and_then(|u| u.join("devices")) {
            Ok(u) => u,
            Err(e) => {
                report.problem = Some(format!(
                    "The URL is not valid ({e}). Use for example http://acs.example.net:7557"
                ));
                return Ok(report);
            }
        };
        match client
            .head(url)
            .timeout(Duration::from_secs(10))
            .send()
            .await
        {
            Err(e) => {
                let e = e.without_url();
                report.reachable = !e.is_connect() && !e.is_timeout();
                report.problem = Some(if e.is_timeout() {
                    "The ACS did not answer within 10 s: check the address and the firewall.".into()
                } else if e.is_connect() {
                    format!("Cannot connect ({e}): check the host, the port (GenieACS's NBI uses 7557) and that the service runs.")
                } else {
                    format!("The request failed: {e}. If the ACS uses HTTPS with its own certificate, add its CA or pin.")
                });
            }
            Ok(resp) => {
                report.reachable = true;
                report.tls_ok = true;
                let status = resp.status();
                report.auth_ok = status != 401 && status != 403;
                report.version = resp
                    .headers()
                    .get("GenieACS-Version")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                report.devices = resp
                    .headers()
                    .get("total")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse().ok());
                report.nbi = status.is_success() && report.devices.is_some();
                if !report.auth_ok {
                    report.problem = Some(format!("The credentials were refused (HTTP {status})."));
                } else if !report.nbi {
                    report.problem = Some(format!(
                        "This server answered HTTP {status} but does not look like GenieACS's NBI (no `total` header on /devices)."
                    ));
                }
            }
        }
        Ok(report)
    }

    /// Saves a connection (creating the tenant when needed) and starts syncing it.
    pub async fn add_acs(self: &Arc<Self>, request: AddAcsRequest) -> Result<(), IpcError> {
        let now = (self.clock)();
        let current = self.inner.lock().await.tenant.clone();
        let tenant = match current {
            Some(t) if t.name() != DEMO_TENANT => t,
            _ => match self
                .workspace
                .tenants()
                .await?
                .into_iter()
                .find(|t| t.name == request.tenant)
            {
                Some(_) => {
                    let pass = self.passphrase();
                    self.workspace
                        .open_tenant(&request.tenant, pass.as_deref())
                        .await?
                }
                None => {
                    self.workspace
                        .create_tenant(&request.tenant, self.key_choice()?, now)
                        .await?
                }
            },
        };
        tenant
            .add_acs(
                &NewAcs {
                    name: request.name,
                    url: request.url,
                    auth_kind: auth_name(request.auth).into(),
                    auth_user: request.user,
                    auth_secret: request.secret,
                    cwmp_url: None,
                    rate_per_s: 20,
                    interval_s: i64::from(request.interval_s),
                },
                now,
            )
            .await?;
        self.use_tenant(tenant).await
    }

    /// One window of the device list.
    pub async fn list_devices(
        &self,
        request: ListDevicesRequest,
    ) -> Result<ListDevicesResponse, IpcError> {
        let page = self
            .tenant()
            .await?
            .list_devices(
                &request.filter,
                request.sort,
                request.offset,
                request.limit.max(1),
            )
            .await?;
        Ok(ListDevicesResponse {
            total: page.total,
            online: page.online,
            fleet: page.fleet,
            rows: page.rows,
        })
    }

    /// The values the filters can take.
    pub async fn device_facets(&self) -> Result<DeviceFacets, IpcError> {
        let t = self.tenant().await?;
        Ok(DeviceFacets {
            vendors: t.facet("vendor").await?,
            models: t.facet("model").await?,
            firmwares: t.facet("firmware").await?,
            acs: t.facet("acs").await?,
            tags: t.facet("tag").await?,
        })
    }

    /// Everything the dashboard shows about a device.
    pub async fn get_device(&self, id: &str) -> Result<DeviceDetail, IpcError> {
        let tenant = self.tenant().await?;
        let d = tenant.device(id).await?;
        let n = &d.normalized;
        Ok(DeviceDetail {
            offline_after_min: tenant.device_offline_after(id).await?,
            oui: n.oui.clone(),
            product_class: n.product_class.clone(),
            hardware: n.hardware.clone(),
            mac: n.mac.clone(),
            lan_ip: n.lan_ip.clone(),
            cpu_pct: n.cpu_pct,
            mem_pct: n.mem_pct,
            wifi: n
                .wifi
                .iter()
                .map(|w| WifiInfo {
                    band: serde_json::to_value(w.band)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_else(|| "unknown".into()),
                    ssid: w.ssid.clone(),
                    enabled: w.enabled,
                })
                .collect(),
            pppoe_username: n.pppoe_username().map(str::to_owned),
            wan_status: n.wan.as_ref().and_then(|w| w.status.clone()),
            wan_error: n
                .wan
                .as_ref()
                .and_then(|w| w.last_error.clone())
                .filter(|e| e != "ERROR_NONE"),
            inform_interval_s: n.inform_interval_s,
            data_model: n.data_model.map(|m| m.as_str().to_owned()),
            tags: n.tags.clone(),
            row: d.row,
        })
    }

    /// A device's log, newest first.
    pub async fn device_logs(&self, request: DeviceLogsRequest) -> Result<Vec<LogInfo>, IpcError> {
        let rows = self
            .tenant()
            .await?
            .logs(Some(&request.id), request.limit.clamp(1, 500))
            .await?;
        Ok(rows
            .into_iter()
            .map(|l| LogInfo {
                level: l.level,
                kind: l.kind,
                message: l.message,
                at_ms: l.at_ms,
            })
            .collect())
    }

    /// One history chart as SVG.
    pub async fn device_chart(&self, request: DeviceChartRequest) -> Result<DeviceChart, IpcError> {
        let metric = Metric::parse(&request.metric).ok_or_else(|| {
            IpcError::new(
                ErrorCode::Invalid,
                format!("unknown metric {}", request.metric),
            )
        })?;
        let now = (self.clock)();
        let from = now - request.range.millis();
        let points = self
            .tenant()
            .await?
            .series(&request.id, metric, from, now)
            .await?;
        let svg = render_svg(&ChartSpec {
            metric,
            points: &points,
            from_ms: from,
            to_ms: now,
            size: (640, 240),
            theme: if request.dark {
                Theme::Dark
            } else {
                Theme::Light
            },
            utc_offset_s: request.utc_offset_min * 60,
        })
        .map_err(|e| IpcError::new(ErrorCode::Internal, e.to_string()))?;
        Ok(DeviceChart {
            svg,
            points: points.len() as u32,
        })
    }

    /// Runs one sync of every connection now (the CLI's `sync`, tests).
    pub async fn sync_now(&self) -> Result<(), IpcError> {
        let inner = self.inner.lock().await;
        for p in inner.pollers.values() {
            p.sync_now();
        }
        Ok(())
    }
}

/// The notifications of planned deliveries: (summary, body, device to open).
fn notifications(
    deliveries: &[crate::alerts::reconcile::Delivery],
) -> Vec<(String, String, Option<String>)> {
    deliveries
        .iter()
        .map(|d| {
            let (summary, body) = d.text();
            (summary, body, d.device().map(str::to_owned))
        })
        .collect()
}

/// Turns raw action inputs into a validated request, naming the field at fault.
pub fn parse_action(input: ActionInput) -> Result<ActionRequest, IpcError> {
    let invalid =
        |e: acsdesk_types::input::InvalidInput| IpcError::new(ErrorCode::Invalid, e.to_string());
    Ok(match input {
        ActionInput::Reboot => ActionRequest::Reboot,
        ActionInput::FactoryReset => ActionRequest::FactoryReset,
        ActionInput::Refresh => ActionRequest::Refresh,
        ActionInput::Summon => ActionRequest::Summon,
        ActionInput::ChangeWifi {
            band,
            ssid,
            passphrase,
        } => {
            let band = BandChoice::parse(&band).ok_or_else(|| {
                IpcError::new(
                    ErrorCode::Invalid,
                    format!("band: {band:?} is not 2.4, 5 or all"),
                )
            })?;
            let ssid = ssid
                .filter(|s| !s.is_empty())
                .map(|s| Ssid::parse(&s))
                .transpose()
                .map_err(invalid)?;
            let passphrase = passphrase
                .filter(|p| !p.is_empty())
                .map(|p| WpaPassphrase::parse(&p))
                .transpose()
                .map_err(invalid)?;
            if ssid.is_none() && passphrase.is_none() {
                return Err(IpcError::new(
                    ErrorCode::Invalid,
                    "wifi: give a new SSID, a new password, or both",
                ));
            }
            ActionRequest::ChangeWifi {
                band,
                ssid,
                passphrase,
            }
        }
        ActionInput::ChangePppoe { username, password } => ActionRequest::ChangePppoe {
            username: PppoeUsername::parse(&username).map_err(invalid)?,
            password: PppoePassword::parse(&password).map_err(invalid)?,
        },
        ActionInput::UpdateFirmware { file } => {
            if file.trim().is_empty() {
                return Err(IpcError::new(
                    ErrorCode::Invalid,
                    "file: choose a firmware file",
                ));
            }
            ActionRequest::UpdateFirmware {
                file,
                version: None,
            }
        }
        ActionInput::SetParameters { values } => {
            if values.is_empty() {
                return Err(IpcError::new(
                    ErrorCode::Invalid,
                    "parameters: give at least one PATH=VALUE",
                ));
            }
            let mut out = Vec::with_capacity(values.len());
            for v in values {
                let path = v.path.trim();
                let well_formed = !path.is_empty()
                    && path.len() <= 256
                    && !path.ends_with('.')
                    && path.split('.').all(|seg| {
                        !seg.is_empty()
                            && seg
                                .chars()
                                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                    });
                if !well_formed {
                    return Err(IpcError::new(
                        ErrorCode::Invalid,
                        format!("parameter: {path:?} is not a parameter path (Root.Object.1.Name)"),
                    ));
                }
                if v.value.len() > 4096 {
                    return Err(IpcError::new(
                        ErrorCode::Invalid,
                        format!("parameter: the value of {path} is longer than 4096 bytes"),
                    ));
                }
                let xsd_type = match v.xsd_type.as_deref().map(str::trim) {
                    None | Some("") => None,
                    Some(t) => Some(acsdesk_types::actions::xsd_name(t).ok_or_else(|| {
                        IpcError::new(
                            ErrorCode::Invalid,
                            format!("parameter: {path}: unknown type {t:?} (string, boolean, int, unsignedInt, long, unsignedLong, dateTime, base64, hexBinary)"),
                        )
                    })?),
                };
                if out
                    .iter()
                    .any(|p: &crate::actions::ParamValue| p.path == path)
                {
                    return Err(IpcError::new(
                        ErrorCode::Invalid,
                        format!("parameter: {path} is given twice"),
                    ));
                }
                out.push(crate::actions::ParamValue {
                    path: path.to_owned(),
                    value: v.value,
                    xsd_type,
                });
            }
            ActionRequest::SetParameters { values: out }
        }
    })
}

/// The stored name of an authentication kind.
fn auth_name(kind: AuthKind) -> &'static str {
    match kind {
        AuthKind::None => "none",
        AuthKind::Basic => "basic",
        AuthKind::Token => "token",
    }
}

fn action_info(a: &crate::store::actions::ActionRow) -> ActionInfo {
    ActionInfo {
        id: a.id,
        device: a.device.clone(),
        description: a.request.describe(),
        status: a.status.as_str().to_owned(),
        fault: a.fault_message.clone(),
        created_ms: a.created_ms,
        finished_ms: a.finished_ms,
    }
}

/// Counts the devices a source holds (for `acsdesk acs test` and tests).
pub async fn count_devices<S: DeviceSource>(source: &S) -> Result<u64, IpcError> {
    source
        .count(None)
        .await
        .map_err(|e| IpcError::new(ErrorCode::Remote, e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use acsdesk_types::devices::{ChartRange, DeviceFilter, Presence};

    /// A passphrase tenant in use at start is reported locked until the right passphrase
    /// is given; a wrong one is refused and changes nothing.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_passphrase_tenant_is_unlocked_from_the_ui() {
        let dir = tempfile::tempdir().unwrap();
        {
            let ws = Workspace::open(dir.path()).await.unwrap();
            let t = ws
                .create_tenant("Field ISP", KeyChoice::Passphrase("open sesame".into()), 0)
                .await
                .unwrap();
            t.close().await;
            ws.set_setting(CURRENT_TENANT, "Field ISP").await.unwrap();
        }
        let desk = Desk::open(dir.path(), Arc::new(|| 0)).await.unwrap();
        let state = desk.workspace_state().await.unwrap();
        assert_eq!(
            (state.current, state.locked.as_deref()),
            (None, Some("Field ISP"))
        );
        let err = desk
            .unlock_tenant(UnlockTenantRequest {
                name: Some("Field ISP".into()),
                passphrase: "wrong".into(),
            })
            .await
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::Locked, "{err}");
        assert!(
            !err.message.contains("wrong\""),
            "the passphrase is not echoed"
        );
        let err = desk
            .unlock_tenant(UnlockTenantRequest {
                name: Some("Field ISP".into()),
                passphrase: String::new(),
            })
            .await
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::Invalid);
        desk.unlock_tenant(UnlockTenantRequest {
            name: Some("Field ISP".into()),
            passphrase: "open sesame".into(),
        })
        .await
        .unwrap();
        let state = desk.workspace_state().await.unwrap();
        assert_eq!(
            (state.current.as_deref(), state.locked),
            (Some("Field ISP"), None)
        );
        let shown = format!(
            "{:?}",
            UnlockTenantRequest {
                name: None,
                passphrase: "open sesame".into()
            }
        );
        assert!(!shown.contains("sesame"), "{shown}");
    }

    /// The demo end to end: sandbox started, tenant created with a key in the real
    /// credential store, first sync lands, the list, detail and charts answer.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_demo_fleet_syncs_into_a_new_tenant() {
        assert!(
            crate::store::key::keyring_available(),
            "no OS credential store: run under `dbus-run-session -- scripts/desktop-session.sh`"
        );
        let dir = tempfile::tempdir().unwrap();
        let desk = Desk::open(dir.path(), crate::clock::system())
            .await
            .unwrap();
        assert!(
            desk.list_devices(ListDevicesRequest::default())
                .await
                .is_err(),
            "no tenant yet"
        );
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
            .list_devices(ListDevicesRequest {
                limit: 100,
                ..ListDevicesRequest::default()
            })
            .await
            .unwrap();
        assert_eq!(all.total, 40);
        let offline = desk
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
        let detail = desk.get_device(&id).await.unwrap();
        assert_eq!(detail.row.id, id);
        assert!(!detail.wifi.is_empty());
        let chart = desk
            .device_chart(DeviceChartRequest {
                id,
                metric: "uptime".into(),
                range: ChartRange::Hour,
                dark: false,
                utc_offset_min: 0,
            })
            .await
            .unwrap();
        assert!(chart.svg.contains("Uptime (h)"));
        assert!(chart.points >= 1);
        let facets = desk.device_facets().await.unwrap();
        assert!(facets.vendors.len() >= 3, "{:?}", facets.vendors);
        // A second start reuses the running sandbox.
        assert_eq!(
            desk.start_demo(StartDemoRequest::default()).await.unwrap(),
            url
        );
        // Cleanup: the tenant's key leaves the credential store.
        desk.workspace.remove_tenant(DEMO_TENANT).await.unwrap();
    }

    #[tokio::test]
    async fn a_connection_test_says_what_is_wrong() {
        let dir = tempfile::tempdir().unwrap();
        let desk = Desk::open(dir.path(), crate::clock::system())
            .await
            .unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let report = desk
            .test_acs(TestAcsRequest {
                url: format!("http://127.0.0.1:{port}"),
                auth: AuthKind::None,
                user: None,
                secret: None,
                saved: None,
            })
            .await
            .unwrap();
        assert!(!report.reachable);
        assert!(report.problem.unwrap().contains("Cannot connect"));
        let sandbox = acsdesk_sandbox::Sandbox::builder(0)
            .devices(7)
            .start()
            .await
            .unwrap();
        let ok = desk
            .test_acs(TestAcsRequest {
                url: sandbox.url(),
                auth: AuthKind::Basic,
                user: Some("noc".into()),
                secret: Some("pw".into()),
                saved: None,
            })
            .await
            .unwrap();
        assert!(ok.reachable && ok.tls_ok && ok.auth_ok && ok.nbi, "{ok:?}");
        assert_eq!(ok.devices, Some(7));
        assert!(ok.version.unwrap().starts_with("1.2"));
        let bad = desk
            .test_acs(TestAcsRequest {
                url: "not a url".into(),
                auth: AuthKind::None,
                user: None,
                secret: None,
                saved: None,
            })
            .await
            .unwrap();
        assert!(bad.problem.unwrap().contains("not valid"));
    }
}
