//! The application services over one open tenant, the one surface both shells call: the
//! desktop's [`crate::Desk`] hands them the tenant in use, the CLI the tenant it opened.
//! Each service module (`fleet`, `actions`, `bulk`, `alerts`, `maintenance`, `settings`)
//! adds its methods to [`Services`]; what a session adds on top (events for the window,
//! waking its workers) stays in `Desk`.

use acsdesk_core::clock::Clock;
use acsdesk_core::store::TenantStore;

/// One tenant, the clock, and who is asking (recorded with the actions queued).
#[derive(Clone)]
pub struct Services {
    pub(crate) tenant: TenantStore,
    pub(crate) clock: Clock,
    pub(crate) by: &'static str,
}

impl std::fmt::Debug for Services {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Services")
            .field("tenant", &self.tenant.name())
            .field("by", &self.by)
            .finish()
    }
}

impl Services {
    /// The services over `tenant`, for actions requested by `by` ("desktop", "cli").
    pub fn new(tenant: TenantStore, clock: Clock, by: &'static str) -> Self {
        Self { tenant, clock, by }
    }

    /// The tenant they work on.
    pub fn tenant(&self) -> &TenantStore {
        &self.tenant
    }

    /// Now, on the services' clock.
    pub fn now(&self) -> i64 {
        (self.clock)()
    }
}
