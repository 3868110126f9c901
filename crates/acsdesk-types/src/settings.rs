//! Tenants, ACS connections and the first run: what the Settings page and the welcome
//! screen ask for and get back.

use serde::{Deserialize, Serialize};

/// The state of the workspace, asked for at start-up.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceState {
    /// Every tenant.
    pub tenants: Vec<TenantInfo>,
    /// The tenant in use, if any (none on a first run).
    pub current: Option<String>,
    /// Whether the demo sandbox is running in this process.
    pub demo_running: bool,
    /// The tenant in use that could not be opened without its passphrase, if any.
    #[serde(default)]
    pub locked: Option<String>,
}

/// Request of `workspace_state`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceStateRequest {}

/// A tenant (one ISP's workspace).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantInfo {
    /// Its name.
    pub name: String,
    /// Its ACS connections.
    pub acs: Vec<AcsInfo>,
}

/// How AcsDesk authenticates to an ACS (GenieACS itself has none; a reverse proxy may).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthKind {
    /// No authentication.
    #[default]
    None,
    /// HTTP basic.
    Basic,
    /// A bearer token.
    Token,
}

/// An ACS connection as shown in Settings (never with its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcsInfo {
    /// Its name within the tenant.
    pub name: String,
    /// The NBI base URL.
    pub url: String,
    /// How it authenticates.
    pub auth: AuthKind,
    /// The basic-auth user, if any.
    pub user: Option<String>,
    /// The CWMP URL routers should use, shown to technicians.
    pub cwmp_url: Option<String>,
    /// Seconds between syncs.
    pub interval_s: u32,
    /// `ok`, `degraded`, `unreachable` or `unknown`.
    pub health: String,
}

/// Request of `start_demo`: start the embedded sandbox and use it as the demo tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartDemoRequest {
    /// How many simulated routers (default 200).
    pub devices: u32,
}

impl Default for StartDemoRequest {
    fn default() -> Self {
        Self { devices: 200 }
    }
}

/// Request of `add_acs`: a new ACS connection for the current tenant (creating the
/// tenant when there is none yet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddAcsRequest {
    /// Tenant name (used when the workspace has no tenant yet).
    pub tenant: String,
    /// Connection name.
    pub name: String,
    /// NBI base URL, e.g. `http://acs.example.net:7557`.
    pub url: String,
    /// Authentication.
    pub auth: AuthKind,
    /// Basic-auth user.
    pub user: Option<String>,
    /// Basic-auth password or token; stored encrypted, never returned.
    pub secret: Option<String>,
    /// Seconds between syncs (default 60).
    pub interval_s: u32,
}

/// Request of `test_acs`: try a connection before saving it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestAcsRequest {
    /// NBI base URL.
    pub url: String,
    /// Authentication.
    pub auth: AuthKind,
    /// Basic-auth user.
    pub user: Option<String>,
    /// Password or token.
    pub secret: Option<String>,
}

/// The verdict of a connection test: each step, and the first that failed says why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcsTestReport {
    /// The host answered at all.
    pub reachable: bool,
    /// TLS was fine (or not used).
    pub tls_ok: bool,
    /// Credentials were accepted (or none needed).
    pub auth_ok: bool,
    /// It speaks GenieACS's NBI.
    pub nbi: bool,
    /// The `GenieACS-Version` it reports.
    pub version: Option<String>,
    /// How many devices it holds.
    pub devices: Option<u64>,
    /// What went wrong and how to fix it, when something did.
    pub problem: Option<String>,
}

/// Request of `switch_tenant`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwitchTenantRequest {
    /// The tenant to work in.
    pub name: String,
}

/// Request of `unlock_tenant`: the passphrase of a tenant (opened and put in use), or —
/// with no name — the passphrase new tenants are protected with where there is no
/// credential store. Kept in memory for this session only.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnlockTenantRequest {
    /// The tenant to open, or `None` to set the passphrase for tenants created next.
    pub name: Option<String>,
    /// The passphrase (redacted in `Debug`).
    pub passphrase: String,
}

impl std::fmt::Debug for UnlockTenantRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UnlockTenantRequest")
            .field("name", &self.name)
            .field("passphrase", &"<redacted>")
            .finish()
    }
}

/// Request of `remove_acs`: delete a connection of the current tenant and its devices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoveAcsRequest {
    /// Connection name.
    pub name: String,
}

/// Request of `update_settings`: the current tenant's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateSettingsRequest {
    /// Minutes without inform before an offline alert (1 to 1440).
    pub offline_after_min: u32,
}

/// Request of `tenant_settings`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantSettingsRequest {}
