//! What the benchmarks start from: a sandbox fleet synced into a fresh encrypted tenant
//! with one ACS connection, `main`.

// Each benchmark compiles this module on its own and uses a part of it.
#![allow(dead_code)]

use acsdesk_core::store::acs::NewAcs;
use acsdesk_core::store::{KeyChoice, TenantStore, Workspace};
use acsdesk_core::sync::nbi::NbiSource;
use acsdesk_core::sync::{sync_once, SyncOptions};

/// The benchmarks' clock origin.
pub(crate) const T0: i64 = 1_795_467_600_000;

/// A synced fleet: the sandbox, its tenant, and the directory that holds it.
pub(crate) struct Fleet {
    /// The sandbox (its clock stopped).
    pub(crate) sandbox: acsdesk_sandbox::SandboxHandle,
    /// The tenant, synced once at `T0`.
    pub(crate) tenant: TenantStore,
    /// The workspace's directory (removed on drop).
    pub(crate) _dir: tempfile::TempDir,
}

/// Connection `main` at `url`, without authentication, fast.
pub(crate) fn main_acs(url: &str) -> NewAcs {
    NewAcs {
        name: "main".into(),
        url: url.to_owned(),
        auth_kind: "none".into(),
        auth_user: None,
        auth_secret: None,
        cwmp_url: None,
        rate_per_s: 1000,
        interval_s: 60,
    }
}

/// A new encrypted tenant in a workspace at `dir`, with connection `main` at `url`.
pub(crate) async fn tenant_with_acs(dir: &std::path::Path, url: &str) -> TenantStore {
    let ws = Workspace::open(dir).await.expect("a workspace");
    let tenant = ws
        .create_tenant("bench", KeyChoice::Passphrase("bench".into()), T0)
        .await
        .expect("a tenant");
    tenant.add_acs(&main_acs(url), T0).await.expect("an ACS");
    tenant
}

/// A client of `url` limited by nothing that matters here.
pub(crate) fn fast_client(url: &str, concurrency: usize) -> acsdesk_genieacs::Client {
    acsdesk_genieacs::Client::builder(url.to_owned())
        .rate_limit(1_000_000, 1_000_000, concurrency)
        .build()
        .expect("a client")
}

/// A sandbox of `devices` routers, synced into a new tenant.
pub(crate) async fn synced_fleet(devices: u64) -> Fleet {
    let sandbox = acsdesk_sandbox::Sandbox::builder(T0)
        .devices(devices)
        .speed(0.0)
        .start()
        .await
        .expect("the sandbox starts");
    let dir = tempfile::tempdir().expect("a temp dir");
    let tenant = tenant_with_acs(dir.path(), &sandbox.url()).await;
    sync_once(
        &NbiSource::new(fast_client(&sandbox.url(), 8)),
        &tenant.sync_store("main").await.expect("a sync store"),
        &SyncOptions::default(),
        T0,
        |_| {},
    )
    .await
    .expect("a sync");
    Fleet {
        sandbox,
        tenant,
        _dir: dir,
    }
}
