//! The desktop's session: the workspace, the tenant in use with its background work
//! (pollers, workers, roll-ups), the demo when it runs, the passphrase given in this
//! session, and the events the window listens to. The services themselves are
//! [`Services`] over the tenant in use ([`Desk::services`]); `Desk` adds only what a
//! session does around them (waking its workers, telling the window).

use crate::actions::{action_info, parse_action};
use crate::background::WorkerTask;
use crate::demo::{DemoHandle, DEMO_TENANT};
use crate::events::{action_moved, DeskEvent};
use crate::Services;
use acsdesk_core::clock::Clock;
use acsdesk_core::store::{KeyChoice, StoreError, TenantStore, Workspace};
use acsdesk_core::sync::scheduler::PollerHandle;
use acsdesk_types::actions::{ActionInfo, BulkQueued, QueueActionRequest, QueueBulkRequest};
use acsdesk_types::alerts::SetAlertStateRequest;
use acsdesk_types::secret::Secret;
use acsdesk_types::settings::{
    SwitchTenantRequest, TenantInfo, UnlockTenantRequest, WorkspaceState,
};
use acsdesk_types::{ErrorCode, IpcError};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use tokio::sync::{broadcast, Mutex};

/// The app setting naming the tenant in use.
pub(crate) const CURRENT_TENANT: &str = "current_tenant";

#[derive(Default)]
pub(crate) struct Inner {
    pub(crate) tenant: Option<TenantStore>,
    pub(crate) pollers: HashMap<String, PollerHandle>,
    pub(crate) workers: Vec<WorkerTask>,
    pub(crate) demo: Option<DemoHandle>,
}

/// AcsDesk's backend for one user session.
pub struct Desk {
    pub(crate) workspace: Workspace,
    pub(crate) clock: Clock,
    pub(crate) inner: Mutex<Inner>,
    pub(crate) events: broadcast::Sender<DeskEvent>,
    /// Wakes the action workers when something is queued.
    pub(crate) work: Arc<tokio::sync::Notify>,
    /// The passphrase given in this session (`unlock_tenant`), never written anywhere.
    session_passphrase: std::sync::Mutex<Option<Secret>>,
    /// The tenant in use that could not be opened at start without its passphrase.
    locked: std::sync::Mutex<Option<String>>,
    /// The system keyring refused to keep a key in this session (locked, its prompt
    /// cancelled): new tenants take the session's passphrase instead.
    keyring_refused: std::sync::atomic::AtomicBool,
    /// Started with `--demo`: the window starts the demo once it is up.
    demo_requested: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for Desk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Desk")
            .field("dir", &self.workspace.dir())
            .finish()
    }
}

/// A standard mutex's guard, even after a panic elsewhere (the data is plain values).
pub(crate) fn lock_std<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Why a passphrase is asked for when the system keyring cannot keep a tenant's key.
pub(crate) const NO_KEYRING: &str = "The system keyring is locked or missing, so AcsDesk cannot keep this tenant's key in it. Choose a passphrase instead: it encrypts the tenant's data on this computer, and AcsDesk asks for it each time it starts.";

fn no_keyring() -> IpcError {
    IpcError::new(ErrorCode::Locked, NO_KEYRING)
}

fn no_tenant() -> IpcError {
    IpcError::new(
        ErrorCode::NotFound,
        "no tenant is open: connect to GenieACS or try the demo fleet first",
    )
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
            keyring_refused: std::sync::atomic::AtomicBool::new(false),
            demo_requested: std::sync::atomic::AtomicBool::new(false),
        });
        if let Some(name) = desk.workspace.setting(CURRENT_TENANT).await? {
            if name != DEMO_TENANT {
                let pass = desk.passphrase();
                match desk
                    .workspace
                    .open_tenant(&name, pass.as_ref().map(Secret::expose))
                    .await
                {
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
    pub(crate) fn passphrase(&self) -> Option<Secret> {
        match std::env::var("ACSDESK_PASSPHRASE") {
            Ok(p) if !p.is_empty() => Some(p.into()),
            _ => lock_std(&self.session_passphrase).clone(),
        }
    }

    /// How a new tenant's key is kept: [`KeyChoice::for_new_tenant`] (the CLI's rule),
    /// else the passphrase given in this session; with none, the window asks for one.
    pub(crate) fn key_choice(&self) -> Result<KeyChoice, IpcError> {
        let refused = self
            .keyring_refused
            .load(std::sync::atomic::Ordering::Relaxed);
        KeyChoice::for_new_tenant(!refused)
            .or_else(|| {
                lock_std(&self.session_passphrase)
                    .clone()
                    .map(KeyChoice::Passphrase)
            })
            .ok_or_else(no_keyring)
    }

    /// Creates a tenant with its key kept as [`Self::key_choice`] says. A keyring that
    /// answers but refuses to store (locked, its unlock prompt cancelled) asks for a
    /// passphrase in words, not with the keyring's own error.
    pub(crate) async fn create_keyed_tenant(
        &self,
        name: &str,
        now: i64,
    ) -> Result<TenantStore, IpcError> {
        match self
            .workspace
            .create_tenant(name, self.key_choice()?, now)
            .await
        {
            Err(StoreError::Keyring(e)) => {
                self.keyring_refused
                    .store(true, std::sync::atomic::Ordering::Relaxed);
                eprintln!("acsdesk: the system keyring refused the key of \"{name}\": {e}");
                Err(no_keyring())
            }
            other => Ok(other?),
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
            .open_tenant(&name, Some(request.passphrase.expose()))
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

    /// Asks the window to start the demo fleet as soon as it is up (`--demo`): it takes
    /// the same path as the welcome screen's button, passphrase dialog included.
    pub fn request_demo(&self) {
        self.demo_requested
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// Before the process exits: the workers stop and the tenant's action queue is
    /// left to whichever process runs workers next (no lease to wait out).
    pub async fn shutdown(&self) {
        let mut inner = self.inner.lock().await;
        inner.pollers.clear();
        inner.workers.clear();
        if let Some(tenant) = &inner.tenant {
            release_leases(tenant).await;
        }
    }

    /// Events for the UI.
    pub fn subscribe(&self) -> broadcast::Receiver<DeskEvent> {
        self.events.subscribe()
    }

    pub(crate) async fn use_tenant(self: &Arc<Self>, tenant: TenantStore) -> Result<(), IpcError> {
        self.workspace
            .set_setting(CURRENT_TENANT, tenant.name())
            .await?;
        let connections = tenant.list_acs().await?;
        let mut inner = self.inner.lock().await;
        inner.pollers.clear();
        inner.workers.clear();
        // The tenant left behind: another process (`acsdesk watch`) takes its queue over
        // at once.
        if let Some(left) = inner.tenant.replace(tenant.clone()) {
            if left.name() != tenant.name() {
                release_leases(&left).await;
            }
        }
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

    /// Works in another tenant (its key from the credential store, `ACSDESK_PASSPHRASE` or
    /// the session's passphrase; else `Locked`, for the UI to ask).
    pub async fn switch_tenant(
        self: &Arc<Self>,
        request: SwitchTenantRequest,
    ) -> Result<(), IpcError> {
        let pass = self.passphrase();
        let tenant = self
            .workspace
            .open_tenant(&request.name, pass.as_ref().map(Secret::expose))
            .await?;
        self.use_tenant(tenant).await
    }

    pub(crate) async fn tenant(&self) -> Result<TenantStore, IpcError> {
        self.inner.lock().await.tenant.clone().ok_or_else(no_tenant)
    }

    /// Tenants, the current one, and whether the demo runs.
    pub async fn workspace_state(&self) -> Result<WorkspaceState, IpcError> {
        let inner = self.inner.lock().await;
        let mut tenants = Vec::new();
        for t in self.workspace.tenants().await? {
            let acs = match inner.tenant.as_ref().filter(|o| o.name() == t.name) {
                Some(open) => crate::manage::connection_infos(open).await?,
                None => Vec::new(),
            };
            tenants.push(TenantInfo { name: t.name, acs });
        }
        Ok(WorkspaceState {
            tenants,
            current: inner.tenant.as_ref().map(|t| t.name().to_owned()),
            demo_running: inner.demo.is_some(),
            locked: lock_std(&self.locked).clone(),
            demo_requested: self
                .demo_requested
                .load(std::sync::atomic::Ordering::Relaxed),
        })
    }

    /// The services over the tenant in use, for actions requested by the desktop.
    pub async fn services(&self) -> Result<Services, IpcError> {
        Ok(Services::new(
            self.tenant().await?,
            self.clock.clone(),
            "desktop",
        ))
    }

    /// Validates, checks against the live device and queues an action, wakes the
    /// connection's worker and tells the window.
    pub async fn queue_action(&self, request: QueueActionRequest) -> Result<ActionInfo, IpcError> {
        // Bad input is refused before anything else, naming the field.
        let action = parse_action(request.action)?;
        let services = self.services().await?;
        let ids = services
            .queue_actions(
                request.acs.as_deref(),
                std::slice::from_ref(&request.device),
                &action,
            )
            .await?;
        self.work.notify_waiters();
        let mut queued = None;
        for id in ids {
            let row = services.tenant().action(id).await?;
            action_moved(&self.events, &row);
            queued = Some(action_info(&row));
        }
        queued.ok_or_else(|| IpcError::new(ErrorCode::Internal, "nothing was queued"))
    }

    /// Wakes every connection's worker now (a rollout started or resumed queues at once).
    pub fn wake_workers(&self) {
        self.work.notify_waiters();
    }

    /// Queues one action on many devices and wakes every connection's worker.
    pub async fn queue_bulk_action(
        &self,
        request: QueueBulkRequest,
    ) -> Result<BulkQueued, IpcError> {
        let queued = self.services().await?.queue_bulk_action(request).await?;
        self.work.notify_waiters();
        Ok(queued)
    }

    /// Acknowledges or resolves an alert and tells the window the open count.
    pub async fn set_alert_state(&self, request: SetAlertStateRequest) -> Result<(), IpcError> {
        let open = self.services().await?.set_alert_state(request).await?;
        let _ = self.events.send(DeskEvent::Alerts {
            notify: Vec::new(),
            open,
        });
        Ok(())
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

/// Gives up this process's leases on `tenant`'s action queues.
async fn release_leases(tenant: &TenantStore) {
    let me = acsdesk_core::actions::lease::Owner::this_process();
    if let Err(e) = tenant.release_leases(me.id()).await {
        eprintln!("acsdesk: {}: {e}", tenant.name());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
                passphrase: String::new().into(),
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
}
