//! Tenants and ACS connections: a connection saved with its TLS trust (both shells), and
//! from the desktop's Settings tenants created and removed, connections added, edited
//! (their syncing restarts with the new settings) and removed.

use crate::desk::CURRENT_TENANT;
use crate::{Desk, Services, DEMO_TENANT};
use acsdesk_core::store::acs::{AcsConnection, NewAcs};
use acsdesk_core::store::{StoreError, TenantStore};
use acsdesk_types::secret::Secret;
use acsdesk_types::settings::{
    AcsInfo, AcsRemovalPlan, AcsRemovalReport, AcsTrust, AddAcsRequest, AuthKind,
    CreateTenantRequest, RemoveAcsRequest, RemoveTenantRequest, UpdateAcsRequest,
};
use acsdesk_types::{ErrorCode, IpcError};
use std::sync::Arc;

/// Why a saved password or token is not used for an edited address.
pub(crate) const SECRET_FOR_NEW_ADDRESS: &str = "url: the address changed, so type the password or token again (a saved secret is only sent to the address it was saved for)";

impl Desk {
    /// Removes a connection of the current tenant, with what was synced from it.
    pub async fn remove_acs(
        self: &Arc<Self>,
        request: RemoveAcsRequest,
    ) -> Result<AcsRemovalReport, IpcError> {
        let services = self.services().await?;
        // Nothing of this session sends or syncs while the connection goes.
        {
            let mut inner = self.inner.lock().await;
            inner.pollers.clear();
            inner.workers.clear();
        }
        let removed = services.remove_connection(&request.name).await;
        let tenant = self.tenant().await?;
        self.use_tenant(tenant).await?;
        removed
    }

    /// Saves a connection (creating the tenant when needed) and starts syncing it.
    pub async fn add_acs(self: &Arc<Self>, request: AddAcsRequest) -> Result<(), IpcError> {
        let now = (self.clock)();
        let current = self.inner.lock().await.tenant.clone();
        let named = request.tenant.trim();
        // The connection goes to the tenant named (the one in use when none is named);
        // the demo tenant keeps its one connection: a real ACS goes to its own tenant.
        let tenant = match current {
            Some(t) if t.name() != DEMO_TENANT && (named.is_empty() || t.name() == named) => t,
            _ if named.is_empty() => {
                return Err(IpcError::new(
                    ErrorCode::Invalid,
                    "tenant: name the tenant the connection belongs to",
                ))
            }
            _ => match self
                .workspace
                .tenants()
                .await?
                .into_iter()
                .find(|t| t.name == named)
            {
                Some(_) => {
                    let pass = self.passphrase();
                    self.workspace
                        .open_tenant(named, pass.as_ref().map(Secret::expose))
                        .await?
                }
                None => self.create_keyed_tenant(named, now).await?,
            },
        };
        Services::new(tenant.clone(), self.clock.clone(), "desktop")
            .add_connection(
                &NewAcs {
                    name: request.name,
                    url: request.url,
                    auth_kind: crate::connect::auth_name(request.auth).into(),
                    auth_user: request.user,
                    auth_secret: request.secret,
                    cwmp_url: request.cwmp_url.filter(|u| !u.trim().is_empty()),
                    rate_per_s: i64::from(request.rate_per_s),
                    interval_s: i64::from(request.interval_s),
                },
                Some(ConnectionTls {
                    ca_pem: request.trust.parts().0,
                    pin: request.trust.parts().1,
                }),
            )
            .await?;
        self.use_tenant(tenant).await
    }

    /// Creates an empty tenant (its key kept like any new tenant's) and works in it.
    pub async fn create_tenant(
        self: &Arc<Self>,
        request: CreateTenantRequest,
    ) -> Result<(), IpcError> {
        let name = request.name.trim();
        if name.is_empty() || name.chars().count() > 64 {
            return Err(IpcError::new(
                ErrorCode::Invalid,
                "a tenant name has 1 to 64 characters",
            ));
        }
        if self
            .workspace
            .tenants()
            .await?
            .iter()
            .any(|t| t.name == name)
        {
            return Err(IpcError::new(
                ErrorCode::Conflict,
                format!("a tenant named \"{name}\" already exists"),
            ));
        }
        let tenant = self.create_keyed_tenant(name, (self.clock)()).await?;
        self.use_tenant(tenant).await
    }

    /// Deletes a tenant with its database and key. When it is the one in use, its syncing
    /// stops first and the next tenant that opens takes its place (or the welcome screen).
    pub async fn remove_tenant(
        self: &Arc<Self>,
        request: RemoveTenantRequest,
    ) -> Result<(), IpcError> {
        // Refuse an unknown name before stopping anything.
        if !self
            .workspace
            .tenants()
            .await?
            .iter()
            .any(|t| t.name == request.name)
        {
            return Err(StoreError::NotFound(format!("tenant \"{}\"", request.name)).into());
        }
        let was_current = {
            let mut inner = self.inner.lock().await;
            let current = inner
                .tenant
                .as_ref()
                .is_some_and(|t| t.name() == request.name);
            if current {
                inner.pollers.clear();
                inner.workers.clear();
                if let Some(t) = inner.tenant.take() {
                    t.close().await;
                }
            }
            if request.name == DEMO_TENANT {
                // "Try the demo fleet" starts afresh next time.
                inner.demo = None;
            }
            current
        };
        self.workspace.remove_tenant(&request.name).await?;
        if was_current {
            self.workspace.set_setting(CURRENT_TENANT, "").await?;
            let pass = self.passphrase();
            for t in self.workspace.tenants().await? {
                if let Ok(open) = self
                    .workspace
                    .open_tenant(&t.name, pass.as_ref().map(Secret::expose))
                    .await
                {
                    return self.use_tenant(open).await;
                }
            }
        }
        Ok(())
    }

    /// Changes a connection of the current tenant and restarts its syncing.
    pub async fn update_acs(self: &Arc<Self>, request: UpdateAcsRequest) -> Result<(), IpcError> {
        self.services().await?.update_connection(request).await?;
        let tenant = self.tenant().await?;
        self.use_tenant(tenant).await
    }
}

/// A connection's own TLS trust: an extra CA (PEM) or a pinned certificate (SHA-256).
#[derive(Debug, Clone, Copy, Default)]
pub struct ConnectionTls<'a> {
    /// PEM of a CA to trust besides the system's.
    pub ca_pem: Option<&'a str>,
    /// The SHA-256 fingerprint the server's certificate must have.
    pub pin: Option<&'a str>,
}

/// The tenant's connections as Settings and `acsdesk acs list --json` show them: never
/// with their secret, with their certificate trust and their health as the last round
/// recorded it (the same record the CLI and the alert rules read).
pub(crate) async fn connection_infos(tenant: &TenantStore) -> Result<Vec<AcsInfo>, IpcError> {
    let mut infos = Vec::new();
    for a in tenant.list_acs().await? {
        let health = crate::events::health_event(&a.name, &tenant.acs_health(&a.name).await?);
        let trust = match tenant.acs_tls(&a.name).await? {
            (Some(pem), _) => AcsTrust::Ca(pem),
            (None, Some(pin)) => AcsTrust::Pin(pin),
            (None, None) => AcsTrust::System,
        };
        infos.push(AcsInfo {
            trust,
            warning: a.cleartext_warning(),
            health: health.state,
            health_since_ms: health.since_ms,
            health_error: health.error,
            auth: crate::connect::auth_kind(&a.auth_kind),
            user: a.auth_user,
            cwmp_url: a.cwmp_url,
            rate_per_s: u32::try_from(a.rate_per_s).unwrap_or(1),
            interval_s: u32::try_from(a.interval_s).unwrap_or(0),
            name: a.name,
            url: a.url,
        });
    }
    Ok(infos)
}

impl Services {
    /// The tenant's connections (see [`connection_infos`]).
    pub async fn connections(&self) -> Result<Vec<AcsInfo>, IpcError> {
        connection_infos(&self.tenant).await
    }

    /// Changes connection `request.name` (URL, authentication, CWMP URL, rate, interval),
    /// checked like a new one; its saved password or token stays unless a new one is
    /// given — and must be given when the address changes (a secret only goes where it
    /// was saved for).
    pub async fn update_connection(&self, request: UpdateAcsRequest) -> Result<(), IpcError> {
        let tenant = &self.tenant;
        let existing = tenant.acs(&request.name).await?;
        let secret = request.secret.filter(|s| !s.is_empty());
        if request.auth != AuthKind::None
            && secret.is_none()
            && !acsdesk_core::store::acs::same_endpoint(&existing.url, &request.url)
        {
            return Err(IpcError::new(ErrorCode::Invalid, SECRET_FOR_NEW_ADDRESS));
        }
        // A new trust is checked before anything changes.
        if let Some(trust) = &request.trust {
            let (ca, pin) = trust.parts();
            acsdesk_core::store::acs::check_tls(ca, pin)?;
        }
        tenant
            .update_acs(
                &request.name,
                &NewAcs {
                    name: request.name.clone(),
                    url: request.url,
                    auth_kind: crate::connect::auth_name(request.auth).into(),
                    auth_user: request.user.filter(|u| !u.trim().is_empty()),
                    auth_secret: secret,
                    cwmp_url: request.cwmp_url.filter(|u| !u.trim().is_empty()),
                    rate_per_s: i64::from(request.rate_per_s),
                    interval_s: i64::from(request.interval_s),
                },
            )
            .await?;
        if let Some(trust) = &request.trust {
            let (ca, pin) = trust.parts();
            tenant.set_acs_tls(&request.name, ca, pin).await?;
        }
        Ok(())
    }

    /// What removing connection `name` would do (for the confirmation).
    pub async fn acs_removal_plan(&self, name: &str) -> Result<AcsRemovalPlan, IpcError> {
        let p = self.tenant.acs_removal_plan(name).await?;
        Ok(AcsRemovalPlan {
            name: name.to_owned(),
            devices: p.devices,
            pending: p.pending,
            queued: p.queued,
            unsettled: p.unsettled,
        })
    }

    /// Removes connection `name`, keeping its history: the tasks its actions left
    /// waiting in GenieACS are withdrawn first (those GenieACS cannot be asked about now
    /// are counted, not waited for), then its actions not yet ended are cancelled, its
    /// devices leave the lists and the connection is marked removed.
    pub async fn remove_connection(&self, name: &str) -> Result<AcsRemovalReport, IpcError> {
        use acsdesk_core::actions::worker::{Lease, Worker};
        let plan = self.tenant.acs_removal_plan(name).await?;
        let worker = crate::connect::connection_client(&self.tenant, name)
            .await
            .ok()
            .map(|(_, client)| Worker::new(self.tenant.clone(), name, client, self.clock.clone()));
        // No other process may send this connection's actions meanwhile.
        if let Some(w) = &worker {
            if let Lease::HeldBy { owner, .. } = w
                .take_lease()
                .await
                .map_err(|e| IpcError::new(ErrorCode::Store, e.to_string()))?
            {
                return Err(IpcError::new(
                    ErrorCode::Conflict,
                    format!("another AcsDesk ({owner}) sends this connection's actions: stop it (or let it finish) before removing the connection"),
                ));
            }
        }
        let sent = self.tenant.sent_actions(name, u32::MAX).await?;
        let (mut withdrawn, mut not_withdrawn) = (0, 0);
        for a in &sent {
            match &worker {
                Some(w) => match w.withdraw_task(a.id).await {
                    Ok(true) => withdrawn += 1,
                    Ok(false) => {}
                    Err(_) => not_withdrawn += 1,
                },
                None => not_withdrawn += 1,
            }
        }
        let kept_as = self.tenant.remove_acs(name, self.now()).await?;
        Ok(AcsRemovalReport {
            kept_as,
            devices: plan.devices,
            cancelled: plan.pending + plan.queued + plan.unsettled,
            withdrawn,
            not_withdrawn,
        })
    }

    /// Saves a new connection of the tenant with its TLS trust; when the trust cannot be
    /// saved, the connection is removed again, so nothing is left half-configured.
    pub async fn add_connection(
        &self,
        acs: &NewAcs,
        tls: Option<ConnectionTls<'_>>,
    ) -> Result<AcsConnection, IpcError> {
        let saved = self.tenant.add_acs(acs, self.now()).await?;
        if let Some(tls) = tls.filter(|t| t.ca_pem.is_some() || t.pin.is_some()) {
            if let Err(e) = self
                .tenant
                .set_acs_tls(&saved.name, tls.ca_pem, tls.pin)
                .await
            {
                self.tenant.delete_acs(&saved.name).await?;
                return Err(e.into());
            }
        }
        Ok(saved)
    }
}

#[cfg(test)]
mod tests {
    use crate::bulk::tests::synced_desk;
    use acsdesk_types::settings::{
        AuthKind, CreateTenantRequest, RemoveTenantRequest, UpdateAcsRequest,
    };
    use acsdesk_types::ErrorCode;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_connection_is_edited_keeping_its_secret_and_a_bad_edit_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (desk, sandbox) = synced_desk(dir.path(), 3).await;
        let tenant = desk.tenant().await.unwrap();
        let edit = |auth, secret: Option<&str>, url: &str, interval_s| UpdateAcsRequest {
            name: "main".into(),
            url: url.into(),
            auth,
            user: Some("noc".into()),
            secret: secret.map(Into::into),
            interval_s,
            trust: None,
            cwmp_url: None,
            rate_per_s: acsdesk_types::settings::DEFAULT_RATE_PER_S,
        };
        // Basic without a password, none saved: refused.
        let err = desk
            .update_acs(edit(AuthKind::Basic, None, &sandbox.url(), 30))
            .await
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::Invalid, "{err}");
        desk.update_acs(edit(AuthKind::Basic, Some("s3cret-pw"), &sandbox.url(), 30))
            .await
            .unwrap();
        // Edited again without a password: the saved one stays.
        desk.update_acs(edit(AuthKind::Basic, None, &sandbox.url(), 45))
            .await
            .unwrap();
        assert_eq!(
            tenant
                .reveal_acs_secret("main")
                .await
                .unwrap()
                .as_ref()
                .map(|s| s.expose()),
            Some("s3cret-pw")
        );
        // The saved secret goes only to the address it was saved for: a new address
        // needs it typed again — to be saved, or to be tested.
        let elsewhere = "http://127.0.0.1:9";
        let bad = desk
            .update_acs(edit(AuthKind::Basic, None, elsewhere, 45))
            .await
            .unwrap_err();
        assert!(
            bad.message.contains("type the password or token again"),
            "{bad}"
        );
        assert_eq!(
            tenant.acs("main").await.unwrap().url,
            sandbox.url().trim_end_matches('/')
        );
        let test = |url: &str, secret: Option<&str>| acsdesk_types::settings::TestAcsRequest {
            url: url.into(),
            auth: AuthKind::Basic,
            user: Some("noc".into()),
            secret: secret.map(Into::into),
            saved: Some("main".into()),
            trust: None,
        };
        let report = desk.test_acs(test(elsewhere, None)).await.unwrap();
        assert!(
            !report.reachable
                && report
                    .problem
                    .as_deref()
                    .is_some_and(|p| p.contains("type the password")),
            "nothing was sent: {report:?}"
        );
        let report = desk
            .test_acs(test(elsewhere, Some("typed-pw")))
            .await
            .unwrap();
        assert!(
            report
                .problem
                .as_deref()
                .is_some_and(|p| p.contains("Cannot connect")),
            "{report:?}"
        );
        let report = desk
            .test_acs(test(&format!("{}/", sandbox.url()), None))
            .await
            .unwrap();
        assert!(
            report.nbi,
            "the same address with the saved secret: {report:?}"
        );
        let bad = desk
            .update_acs(edit(AuthKind::Basic, None, "ftp://nowhere", 45))
            .await
            .unwrap_err();
        assert!(
            bad.message.contains("http") || bad.message.contains("type the password"),
            "{bad}"
        );
        assert!(!bad.message.contains("s3cret"));
        let bad = desk
            .update_acs(edit(AuthKind::Basic, None, &sandbox.url(), 2))
            .await
            .unwrap_err();
        assert!(bad.message.contains("5 to 86400"), "{bad}");
        let state = desk.workspace_state().await.unwrap();
        let acs = &state.tenants[0].acs[0];
        assert_eq!(
            (
                acs.url.as_str(),
                acs.interval_s,
                acs.auth,
                acs.user.as_deref()
            ),
            (
                sandbox.url().trim_end_matches('/'),
                45,
                AuthKind::Basic,
                Some("noc")
            )
        );
        // Back to no authentication: the secret goes.
        desk.update_acs(edit(AuthKind::None, None, &sandbox.url(), 45))
            .await
            .unwrap();
        assert_eq!(tenant.reveal_acs_secret("main").await.unwrap(), None);
        // Testing an edit without retyping the password reads the saved one.
        let unknown = desk
            .test_acs(acsdesk_types::settings::TestAcsRequest {
                url: sandbox.url(),
                auth: AuthKind::Basic,
                user: Some("noc".into()),
                secret: None,
                saved: Some("nope".into()),
                trust: None,
            })
            .await
            .unwrap_err();
        assert_eq!(unknown.code, ErrorCode::NotFound);
        let err = desk
            .update_acs(UpdateAcsRequest {
                name: "nope".into(),
                ..edit(AuthKind::None, None, &sandbox.url(), 45)
            })
            .await
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::NotFound);
    }

    /// An `https://` NBI behind a self-signed certificate: the test says it is not
    /// trusted and shows the certificate's fingerprint; pinned, or with its CA, it
    /// passes; saved with its pin, the saved connection uses it; a bad pin changes
    /// nothing; back to the system's CAs, the test fails again.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_self_signed_nbi_is_trusted_by_its_pin_or_its_ca() {
        use acsdesk_types::settings::{AcsTrust, AddAcsRequest, TestAcsRequest};
        let dir = tempfile::tempdir().unwrap();
        let (desk, sandbox) = synced_desk(dir.path(), 3).await;
        let front = acsdesk_sandbox::tls::front(&sandbox.url()).await.unwrap();
        let test = |saved: Option<&str>, trust: Option<AcsTrust>| TestAcsRequest {
            url: front.url.clone(),
            auth: AuthKind::None,
            user: None,
            secret: None,
            saved: saved.map(Into::into),
            trust,
        };
        let untrusted = desk.test_acs(test(None, None)).await.unwrap();
        assert!(untrusted.reachable && !untrusted.tls_ok, "{untrusted:?}");
        assert_eq!(
            untrusted.fingerprint.as_deref(),
            Some(front.fingerprint.as_str())
        );
        let problem = untrusted.problem.unwrap_or_default();
        assert!(
            problem.contains(&front.fingerprint) && problem.contains("Trust this certificate"),
            "{problem}"
        );
        // As people copy it: upper case, in pairs with colons.
        let spelled = front
            .fingerprint
            .to_uppercase()
            .as_bytes()
            .chunks(2)
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect::<Vec<_>>()
            .join(":");
        for trust in [AcsTrust::Pin(spelled), AcsTrust::Ca(front.pem.clone())] {
            let ok = desk
                .test_acs(test(None, Some(trust.clone())))
                .await
                .unwrap();
            assert!(
                ok.tls_ok && ok.nbi && ok.devices == Some(3),
                "{trust:?}: {ok:?}"
            );
            assert_eq!(ok.fingerprint, None);
        }
        let bad = desk
            .test_acs(test(None, Some(AcsTrust::Pin("12ab".into()))))
            .await
            .unwrap();
        assert!(bad.problem.unwrap_or_default().contains("64 hex"));

        desk.add_acs(AddAcsRequest {
            tenant: String::new(),
            name: "behind-tls".into(),
            url: front.url.clone(),
            auth: AuthKind::None,
            user: None,
            secret: None,
            interval_s: 60,
            trust: AcsTrust::Pin(front.fingerprint.clone()),
            cwmp_url: None,
            rate_per_s: acsdesk_types::settings::DEFAULT_RATE_PER_S,
        })
        .await
        .unwrap();
        let saved = desk.test_acs(test(Some("behind-tls"), None)).await.unwrap();
        assert!(saved.tls_ok && saved.nbi, "{saved:?}");
        let trust_of = async || {
            desk.workspace_state()
                .await
                .unwrap()
                .tenants
                .into_iter()
                .flat_map(|t| t.acs)
                .find(|a| a.name == "behind-tls")
                .map(|a| a.trust)
        };
        assert_eq!(
            trust_of().await,
            Some(AcsTrust::Pin(front.fingerprint.clone()))
        );
        let edit = |trust: AcsTrust| UpdateAcsRequest {
            name: "behind-tls".into(),
            url: front.url.clone(),
            auth: AuthKind::None,
            user: None,
            secret: None,
            interval_s: 90,
            trust: Some(trust),
            cwmp_url: None,
            rate_per_s: acsdesk_types::settings::DEFAULT_RATE_PER_S,
        };
        let err = desk
            .update_acs(edit(AcsTrust::Pin("not a pin".into())))
            .await
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::Invalid, "{err:?}");
        let conn = desk
            .tenant()
            .await
            .unwrap()
            .acs("behind-tls")
            .await
            .unwrap();
        assert_eq!(conn.interval_s, 60, "nothing changed");
        desk.update_acs(edit(AcsTrust::System)).await.unwrap();
        assert_eq!(trust_of().await, Some(AcsTrust::System));
        let refused = desk.test_acs(test(Some("behind-tls"), None)).await.unwrap();
        assert!(
            !refused.tls_ok && refused.fingerprint.is_some(),
            "{refused:?}"
        );
    }

    /// An NBI behind a proxy wanting a token in a header of its own (`X-Api-Key`): tested,
    /// saved with the routers' CWMP URL and its request rate, synced through the proxy,
    /// shown without its token, edited; bad headers, rates and a missing token are refused
    /// with nothing saved.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_header_token_connection_is_tested_saved_synced_and_edited() {
        use crate::events::DeskEvent;
        use acsdesk_types::settings::{AddAcsRequest, TestAcsRequest, DEFAULT_RATE_PER_S};
        let dir = tempfile::tempdir().unwrap();
        let (desk, _open) = synced_desk(dir.path(), 2).await;
        let guarded = acsdesk_sandbox::Sandbox::builder(acsdesk_core::clock::system_now_ms())
            .devices(4)
            .require_header("X-Api-Key", "k-secret-77")
            .start()
            .await
            .unwrap();
        let add = |header: &str, secret: Option<&str>, rate_per_s| AddAcsRequest {
            tenant: "Guarded ISP".into(),
            name: "guarded".into(),
            url: guarded.url(),
            auth: AuthKind::Header,
            user: Some(header.into()),
            secret: secret.map(Into::into),
            interval_s: 5,
            trust: Default::default(),
            cwmp_url: Some(" http://acs.isp.example:7547 ".into()),
            rate_per_s,
        };
        let test = |secret: &str| TestAcsRequest {
            url: guarded.url(),
            auth: AuthKind::Header,
            user: Some("X-Api-Key".into()),
            secret: Some(secret.into()),
            saved: None,
            trust: None,
        };
        let refused = desk.test_acs(test("k-wrong")).await.unwrap();
        assert!(
            refused.reachable
                && !refused.auth_ok
                && refused
                    .problem
                    .as_deref()
                    .is_some_and(|p| p.contains("credentials were refused")),
            "{refused:?}"
        );
        let through = desk.test_acs(test("k-secret-77")).await.unwrap();
        assert!(through.auth_ok && through.devices == Some(4), "{through:?}");
        for (bad, field) in [
            (add("X Api Key", Some("k-secret-77"), 7), "header"),
            (add("", Some("k-secret-77"), 7), "header"),
            (add("Content-Length", Some("k-secret-77"), 7), "header"),
            (add("X-Api-Key", None, 7), "secret"),
            (add("X-Api-Key", Some("k-secret-77"), 0), "rate"),
            (add("X-Api-Key", Some("k-secret-77"), 5000), "rate"),
            (
                AddAcsRequest {
                    cwmp_url: Some("acs.isp.example:7547".into()),
                    ..add("X-Api-Key", Some("k-secret-77"), 7)
                },
                "cwmp-url",
            ),
        ] {
            let err = desk.add_acs(bad).await.unwrap_err();
            assert_eq!(err.code, ErrorCode::Invalid, "{err:?}");
            assert!(err.message.starts_with(field), "{field}: {}", err.message);
        }
        let mut events = desk.subscribe();
        desk.add_acs(add("X-Api-Key", Some("k-secret-77"), 7))
            .await
            .unwrap();
        let tenant = desk.tenant().await.unwrap();
        assert_eq!(tenant.name(), "Guarded ISP");
        assert_eq!(
            tenant.list_acs().await.unwrap().len(),
            1,
            "no refused connection was kept"
        );
        // The first sync goes through the proxy with the token (the tenant left behind
        // may still report its last round).
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            match tokio::time::timeout_at(deadline, events.recv()).await {
                Ok(Ok(DeskEvent::DevicesChanged(e))) if e.acs == "guarded" => break,
                Ok(Ok(_)) => {}
                other => panic!("the guarded fleet never synced: {other:?}"),
            }
        }
        let page = tenant
            .list_devices(&Default::default(), Default::default(), 0, 10)
            .await
            .unwrap();
        assert_eq!(page.fleet, 4, "every router behind the proxy synced");
        let state = desk.workspace_state().await.unwrap();
        let info = state
            .tenants
            .iter()
            .flat_map(|t| &t.acs)
            .find(|a| a.name == "guarded")
            .cloned()
            .unwrap();
        assert_eq!(
            (
                info.auth,
                info.user.as_deref(),
                info.cwmp_url.as_deref(),
                info.rate_per_s
            ),
            (
                AuthKind::Header,
                Some("X-Api-Key"),
                Some("http://acs.isp.example:7547"),
                7
            )
        );
        assert!(
            !serde_json::to_string(&state)
                .unwrap()
                .contains("k-secret-77"),
            "the token never leaves the store"
        );
        // Edited: a higher rate, no CWMP URL; the token stays (same address).
        desk.update_acs(UpdateAcsRequest {
            name: "guarded".into(),
            url: guarded.url(),
            auth: AuthKind::Header,
            user: Some("X-Api-Key".into()),
            secret: None,
            interval_s: 5,
            trust: None,
            cwmp_url: None,
            rate_per_s: DEFAULT_RATE_PER_S + 5,
        })
        .await
        .unwrap();
        let saved = tenant.acs("guarded").await.unwrap();
        assert_eq!((saved.cwmp_url, saved.rate_per_s), (None, 25));
        let again = desk
            .test_acs(TestAcsRequest {
                secret: None,
                saved: Some("guarded".into()),
                ..test("")
            })
            .await
            .unwrap();
        assert!(again.auth_ok, "the saved token is used: {again:?}");
    }

    /// A connection goes to the tenant the request names, not to whichever is open.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_connection_goes_to_the_tenant_named() {
        let dir = tempfile::tempdir().unwrap();
        let (desk, sandbox) = synced_desk(dir.path(), 3).await;
        let first = desk.tenant().await.unwrap();
        desk.add_acs(acsdesk_types::settings::AddAcsRequest {
            tenant: "Other ISP".into(),
            name: "second".into(),
            url: sandbox.url(),
            auth: AuthKind::None,
            user: None,
            secret: None,
            interval_s: 60,
            trust: Default::default(),
            cwmp_url: None,
            rate_per_s: acsdesk_types::settings::DEFAULT_RATE_PER_S,
        })
        .await
        .unwrap();
        let state = desk.workspace_state().await.unwrap();
        let acs_of = |name: &str| -> Vec<String> {
            state
                .tenants
                .iter()
                .find(|t| t.name == name)
                .map(|t| t.acs.iter().map(|a| a.name.clone()).collect())
                .unwrap_or_default()
        };
        assert_eq!(acs_of("Other ISP"), ["second"], "{state:?}");
        assert_eq!(state.current.as_deref(), Some("Other ISP"));
        let kept: Vec<String> = first
            .list_acs()
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.name)
            .collect();
        assert_eq!(kept, ["main"], "the tenant in use got nothing");
        let err = desk
            .add_acs(acsdesk_types::settings::AddAcsRequest {
                tenant: "  ".into(),
                name: "third".into(),
                url: sandbox.url(),
                auth: AuthKind::None,
                user: None,
                secret: None,
                interval_s: 60,
                trust: Default::default(),
                cwmp_url: None,
                rate_per_s: acsdesk_types::settings::DEFAULT_RATE_PER_S,
            })
            .await;
        // With a tenant in use, an unnamed one means that tenant.
        assert!(err.is_ok(), "{err:?}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn tenants_are_created_switched_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let (desk, _sandbox) = synced_desk(dir.path(), 3).await;
        for bad in ["", "   "] {
            let err = desk
                .create_tenant(CreateTenantRequest { name: bad.into() })
                .await
                .unwrap_err();
            assert_eq!(err.code, ErrorCode::Invalid);
        }
        let dup = desk
            .create_tenant(CreateTenantRequest {
                name: "Bulk ISP".into(),
            })
            .await
            .unwrap_err();
        assert_eq!(dup.code, ErrorCode::Conflict);
        desk.create_tenant(CreateTenantRequest {
            name: "Second ISP".into(),
        })
        .await
        .unwrap();
        let state = desk.workspace_state().await.unwrap();
        assert_eq!(state.current.as_deref(), Some("Second ISP"));
        assert_eq!(state.tenants.len(), 2);
        let missing = desk
            .remove_tenant(RemoveTenantRequest {
                name: "Nobody".into(),
            })
            .await
            .unwrap_err();
        assert_eq!(missing.code, ErrorCode::NotFound);
        // Removing the one in use falls back to the other, with its devices.
        desk.remove_tenant(RemoveTenantRequest {
            name: "Second ISP".into(),
        })
        .await
        .unwrap();
        let state = desk.workspace_state().await.unwrap();
        assert_eq!(state.current.as_deref(), Some("Bulk ISP"));
        assert_eq!(state.tenants.len(), 1);
        assert!(
            std::fs::read_dir(dir.path().join("tenants"))
                .unwrap()
                .count()
                <= 3,
            "the removed tenant's files are gone"
        );
        desk.remove_tenant(RemoveTenantRequest {
            name: "Bulk ISP".into(),
        })
        .await
        .unwrap();
        let state = desk.workspace_state().await.unwrap();
        assert_eq!((state.current, state.tenants.len()), (None, 0));
        assert!(desk.services().await.is_err());
    }
}

#[cfg(test)]
mod removal_tests {
    use crate::bulk::tests::synced_desk;
    use acsdesk_core::actions::{ActionRequest, ActionStatus};
    use acsdesk_types::settings::RemoveAcsRequest;

    fn enc(id: &str) -> String {
        percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC).to_string()
    }

    /// Removing a connection says what it does, withdraws the task its action left
    /// waiting in GenieACS, cancels its actions and keeps their history readable.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn removing_a_connection_withdraws_its_tasks_and_keeps_its_history() {
        let dir = tempfile::tempdir().unwrap();
        let (desk, sandbox) = synced_desk(dir.path(), 3).await;
        let services = desk.services().await.unwrap();
        let tenant = desk.tenant().await.unwrap();
        let id = sandbox.device_ids()[0].clone();
        acsdesk_core::http::install_crypto_provider();
        let http = reqwest::Client::new();
        http.post(format!(
            "{}/_sandbox/devices/{}/offline",
            sandbox.url(),
            enc(&id)
        ))
        .send()
        .await
        .unwrap();
        let queued = services
            .queue_actions(None, std::slice::from_ref(&id), &ActionRequest::Reboot)
            .await
            .unwrap();
        // The desktop's worker sends it; the offline router leaves its task waiting.
        let mut waiting = false;
        for _ in 0..100 {
            let a = tenant.action(queued[0]).await.unwrap();
            if a.status == ActionStatus::Sent && a.task_id.is_some() {
                waiting = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(waiting, "the task waits in GenieACS");
        let tasks = |http: reqwest::Client, url: String| async move {
            let t: Vec<serde_json::Value> = http
                .get(format!("{url}/tasks"))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            t.len()
        };
        assert_eq!(tasks(http.clone(), sandbox.url()).await, 1);
        let plan = services.acs_removal_plan("main").await.unwrap();
        assert_eq!((plan.devices, plan.queued), (3, 1), "{plan:?}");
        let report = desk
            .remove_acs(RemoveAcsRequest {
                name: "main".into(),
            })
            .await
            .unwrap();
        assert_eq!(
            (
                report.devices,
                report.cancelled,
                report.withdrawn,
                report.not_withdrawn
            ),
            (3, 1, 1, 0)
        );
        assert!(
            report.kept_as.starts_with("main (removed "),
            "{}",
            report.kept_as
        );
        assert_eq!(
            tasks(http.clone(), sandbox.url()).await,
            0,
            "withdrawn from GenieACS"
        );
        // The history stays: the action, cancelled, under the name kept.
        let a = tenant.action(queued[0]).await.unwrap();
        assert_eq!(a.status, ActionStatus::Cancelled);
        assert_eq!(a.acs, report.kept_as);
        assert_eq!(
            a.fault_message.as_deref(),
            Some("its ACS connection was removed")
        );
        // Gone from the lists; the name is free for a new connection.
        assert!(tenant.list_acs().await.unwrap().is_empty());
        let page = tenant
            .list_devices(&Default::default(), Default::default(), 0, 10)
            .await
            .unwrap();
        assert_eq!(page.total, 0);
        let err = services.acs_removal_plan("main").await.unwrap_err();
        assert_eq!(err.code, acsdesk_types::ErrorCode::NotFound);
    }
}
