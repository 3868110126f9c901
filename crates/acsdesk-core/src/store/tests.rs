//! Tests of the store against real encrypted SQLite files: tenants and keys, encryption
//! at rest, isolation, and sync writing through the real engine from recorded devices.

use super::acs::NewAcs;
use super::*;
use crate::sync::nbi::NbiSource;
use crate::sync::{sync_once, SyncOptions, SyncStore};
use crate::testkit::{fake_nbi, fixture_docs};
use acsdesk_types::devices::{DeviceFilter, DeviceSort, Presence, SortKey};
use std::sync::atomic::Ordering;

const NOW: i64 = 1_795_467_900_000; // 2026-11-23T21:05:00Z, just after the captures.

fn acs(name: &str, url: &str) -> NewAcs {
    NewAcs {
        name: name.into(),
        url: url.into(),
        auth_kind: "basic".into(),
        auth_user: Some("noc".into()),
        auth_secret: Some("acs-pass-XYZZY".into()),
        cwmp_url: None,
        rate_per_s: 20,
        interval_s: 60,
    }
}

/// A fresh workspace (in its own temporary folder) with a passphrase tenant "Acme".
async fn acme() -> (tempfile::TempDir, Workspace, TenantStore) {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).await.unwrap();
    let t = ws
        .create_tenant("Acme", KeyChoice::Passphrase("pw".into()), NOW)
        .await
        .unwrap();
    (dir, ws, t)
}

async fn synced_tenant(ws: &Workspace, name: &str, url: &str) -> TenantStore {
    let t = ws
        .create_tenant(name, KeyChoice::Passphrase("tenant passphrase".into()), NOW)
        .await
        .unwrap();
    t.add_acs(&acs("main", url), NOW).await.unwrap();
    let source = NbiSource::new(acsdesk_genieacs::Client::builder(url).build().unwrap());
    let sink = t.sync_store("main").await.unwrap();
    sync_once(&source, &sink, &SyncOptions::default(), NOW, |_| {})
        .await
        .unwrap();
    t
}

/// The bytes of every tenant file (database, WAL and index), in name order.
fn file_bytes(dir: &Path) -> Vec<u8> {
    let mut paths: Vec<_> = std::fs::read_dir(dir.join("tenants"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    let mut all = Vec::new();
    for p in paths {
        all.extend(std::fs::read(p).unwrap_or_default());
    }
    all
}

/// The bytes of the tenant database files themselves (not the WAL's shared-memory index,
/// which SQLite may create empty on any open attempt).
fn db_bytes(dir: &Path) -> Vec<u8> {
    let mut paths: Vec<_> = std::fs::read_dir(dir.join("tenants"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "db"))
        .collect();
    paths.sort();
    paths
        .iter()
        .flat_map(|p| std::fs::read(p).unwrap())
        .collect()
}

/// The tenant database file itself (not a WAL or shared-memory file beside it) of the
/// workspace in `dir`, which holds one tenant.
fn tenant_file(dir: &Path) -> std::path::PathBuf {
    std::fs::read_dir(dir.join("tenants"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "db"))
        .unwrap()
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn a_full_sync_of_recorded_devices_lands_in_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).await.unwrap();
    let (url, _) = fake_nbi(fixture_docs("devices-all.json")).await;
    let t = synced_tenant(&ws, "Acme ISP", &url).await;
    let page = t
        .list_devices(&DeviceFilter::default(), DeviceSort::default(), 0, 50)
        .await
        .unwrap();
    assert_eq!((page.total, page.fleet), (23, 23));
    assert_eq!(page.rows[0].serial, "000000");
    assert!(page.rows.iter().any(|r| r.id == "9CA2F4-EC220%2DG5-000100"));
    let found = t
        .list_devices(
            &DeviceFilter {
                search: Some("000100".into()),
                ..DeviceFilter::default()
            },
            DeviceSort::default(),
            0,
            50,
        )
        .await
        .unwrap();
    assert_eq!(found.total, 1);
    assert_eq!(found.rows[0].vendor.as_deref(), Some("TP-Link"));
    let sorted = t
        .list_devices(
            &DeviceFilter::default(),
            DeviceSort {
                key: SortKey::LastSeen,
                descending: true,
            },
            0,
            3,
        )
        .await
        .unwrap();
    assert!(sorted.rows[0].last_inform_ms >= sorted.rows[1].last_inform_ms);
    let detail = t.device("9CA2F4-EC220%2DG5-000100").await.unwrap();
    assert_eq!(detail.normalized.pppoe_username(), Some("admin123"));
    let vendors = t.facet("vendor").await.unwrap();
    assert!(
        vendors.iter().any(|(v, n)| v == "TP-Link" && *n == 1),
        "{vendors:?}"
    );
    let logs = t.logs(Some("9CA2F4-EC220%2DG5-000100"), 10).await.unwrap();
    assert!(logs.iter().any(|l| l.kind == "discovered"));
    assert!(t.device("nope").await.is_err());
}

/// Routers GenieACS has only met through informs: their list rows name what is not
/// read yet (the list marks those cells), and a sync after GenieACS read them clears it.
#[tokio::test]
async fn list_rows_name_what_genieacs_has_not_read_until_it_has() {
    let sandbox = |share: f64| {
        acsdesk_sandbox::Sandbox::builder(1_795_467_600_000)
            .devices(12)
            .speed(0.0)
            .partial(share)
            .start()
    };
    let (partial, whole) = (sandbox(1.0).await.unwrap(), sandbox(0.0).await.unwrap());
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).await.unwrap();
    let t = synced_tenant(&ws, "Acme", &partial.url()).await;
    let all = |t: &TenantStore| {
        let t = t.clone();
        async move {
            t.list_devices(&DeviceFilter::default(), DeviceSort::default(), 0, 50)
                .await
                .unwrap()
                .rows
        }
    };
    let before = all(&t).await;
    assert_eq!(before.len(), 12);
    for r in &before {
        assert!(r.uptime_s.is_none() && r.is_unfetched("uptime"), "{r:?}");
        assert!(r.firmware.is_some() && !r.is_unfetched("firmware"), "{r:?}");
    }
    // The same routers once GenieACS has read them whole.
    let source = NbiSource::new(
        acsdesk_genieacs::Client::builder(whole.url())
            .build()
            .unwrap(),
    );
    let options = SyncOptions {
        force_full: true,
        ..SyncOptions::default()
    };
    let sink = t.sync_store("main").await.unwrap();
    sync_once(&source, &sink, &options, NOW + 60_000, |_| {})
        .await
        .unwrap();
    let after = all(&t).await;
    assert_eq!(
        after.iter().map(|r| &r.id).collect::<Vec<_>>(),
        before.iter().map(|r| &r.id).collect::<Vec<_>>()
    );
    for r in &after {
        assert!(r.not_fetched.is_empty() && r.uptime_s.is_some(), "{r:?}");
    }
}

#[tokio::test]
async fn presence_sweeps_once_and_a_second_sync_is_incremental() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).await.unwrap();
    let (url, nbi) = fake_nbi(fixture_docs("devices-all.json")).await;
    let t = synced_tenant(&ws, "Acme ISP", &url).await;
    let sink = t.sync_store("main").await.unwrap();
    let later = NOW + 3 * 3_600_000;
    let gone = sink.sweep_presence(later).await.unwrap();
    assert!(!gone.is_empty());
    assert!(
        sink.sweep_presence(later).await.unwrap().is_empty(),
        "each transition once"
    );
    let offline = t
        .list_devices(
            &DeviceFilter {
                presence: Some(Presence::Offline),
                ..DeviceFilter::default()
            },
            DeviceSort::default(),
            0,
            50,
        )
        .await
        .unwrap();
    assert_eq!(offline.total as usize, gone.len());
    // The second sync asks only for devices informed since the watermark minus overlap.
    nbi.seen.lock().unwrap().clear();
    let source = NbiSource::new(acsdesk_genieacs::Client::builder(&url).build().unwrap());
    let report = sync_once(&source, &sink, &SyncOptions::default(), later, |_| {})
        .await
        .unwrap();
    assert!(!report.full);
    assert!(nbi
        .seen
        .lock()
        .unwrap()
        .iter()
        .all(|(_, q)| q.contains_key("query")));
    assert!(report.fetched < 23, "incremental: {report:?}");
}

#[tokio::test]
async fn a_sync_killed_mid_way_resumes_without_losing_or_duplicating() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).await.unwrap();
    let (url, nbi) = fake_nbi(fixture_docs("devices-all.json")).await;
    let t = ws
        .create_tenant("Acme", KeyChoice::Passphrase("pw".into()), NOW)
        .await
        .unwrap();
    t.add_acs(&acs("main", &url), NOW).await.unwrap();
    let sink = t.sync_store("main").await.unwrap();
    let source = NbiSource::new(acsdesk_genieacs::Client::builder(&url).build().unwrap());
    let options = SyncOptions {
        page_size: 5,
        ..SyncOptions::default()
    };
    nbi.fail_after_gets.store(2, Ordering::SeqCst); // The ACS dies after two pages.
    assert!(sync_once(&source, &sink, &options, NOW, |_| {})
        .await
        .is_err());
    let partial = t
        .list_devices(&DeviceFilter::default(), DeviceSort::default(), 0, 50)
        .await
        .unwrap();
    assert_eq!(partial.total, 10, "two pages were kept");
    let state = sink.sync_state().await.unwrap();
    assert_eq!(state.cursor.as_ref().map(|c| c.done), Some(10));
    nbi.seen.lock().unwrap().clear();
    let report = sync_once(&source, &sink, &options, NOW, |_| {})
        .await
        .unwrap();
    assert!(report.full);
    assert_eq!(report.fetched, 13, "resumed after the 10 already applied");
    assert_eq!(
        nbi.seen
            .lock()
            .unwrap()
            .iter()
            .find(|(m, _)| m == "GET")
            .unwrap()
            .1["skip"],
        "10"
    );
    let all = t
        .list_devices(&DeviceFilter::default(), DeviceSort::default(), 0, 50)
        .await
        .unwrap();
    assert_eq!(all.total, 23);
    let discovered = t
        .logs(None, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|l| l.kind == "discovered")
        .count();
    assert_eq!(discovered, 23, "every device discovered exactly once");
}

#[tokio::test]
async fn devices_that_leave_genieacs_are_marked_missing_by_the_next_full_sync() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).await.unwrap();
    let (url, nbi) = fake_nbi(fixture_docs("devices-all.json")).await;
    let t = synced_tenant(&ws, "Acme", &url).await;
    nbi.docs
        .lock()
        .unwrap()
        .retain(|d| d["_id"] != "202BC1-BM632w-000003");
    let source = NbiSource::new(acsdesk_genieacs::Client::builder(&url).build().unwrap());
    let sink = t.sync_store("main").await.unwrap();
    let options = SyncOptions {
        force_full: true,
        ..SyncOptions::default()
    };
    let report = sync_once(&source, &sink, &options, NOW, |_| {})
        .await
        .unwrap();
    assert_eq!(report.disappeared, 1);
    let page = t
        .list_devices(&DeviceFilter::default(), DeviceSort::default(), 0, 50)
        .await
        .unwrap();
    assert_eq!(page.total, 22);
    let logs = t.logs(Some("202BC1-BM632w-000003"), 10).await.unwrap();
    assert_eq!(logs[0].kind, "disappeared");
}

#[tokio::test]
async fn files_are_encrypted_and_a_wrong_passphrase_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).await.unwrap();
    let (url, _) = fake_nbi(fixture_docs("devices-all.json")).await;
    let t = synced_tenant(&ws, "Acme ISP", &url).await;
    t.close().await;
    let bytes = file_bytes(dir.path());
    assert!(bytes.len() > 10_000);
    for secret in [
        "acs-pass-XYZZY",
        "admin123",
        "Lab-WiFi-000000",
        "202BC1-BM632w",
        "SQLite format 3",
    ] {
        assert!(
            !contains(&bytes, secret),
            "{secret} is readable in the tenant file"
        );
    }
    let app_db = std::fs::read(dir.path().join("app.db")).unwrap();
    assert!(
        !contains(&app_db, "acs-pass-XYZZY"),
        "the app database holds no secrets"
    );

    let before = db_bytes(dir.path());
    match ws.open_tenant("Acme ISP", Some("not the passphrase")).await {
        Err(StoreError::WrongKey(_)) => {}
        other => panic!("expected WrongKey, got {other:?}"),
    }
    assert!(matches!(
        ws.open_tenant("Acme ISP", None).await,
        Err(StoreError::PassphraseRequired(_))
    ));
    assert_eq!(
        db_bytes(dir.path()),
        before,
        "a wrong key leaves the file untouched"
    );
    let t = ws
        .open_tenant("Acme ISP", Some("tenant passphrase"))
        .await
        .unwrap();
    assert_eq!(t.list_acs().await.unwrap().len(), 1);
    assert_eq!(
        t.reveal_acs_secret("main")
            .await
            .unwrap()
            .as_ref()
            .map(|s| s.expose()),
        Some("acs-pass-XYZZY")
    );
    assert!(!format!("{:?}", t.list_acs().await.unwrap()).contains("XYZZY"));
}

#[tokio::test]
async fn a_plain_sqlite_connection_cannot_read_a_tenant_file() {
    let (dir, _ws, t) = acme().await;
    t.close().await;
    // The database itself, not a WAL or shared-memory file beside it.
    let file = tenant_file(dir.path());
    let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(&file);
    let mut conn = sqlx::ConnectOptions::connect(&opts).await.unwrap();
    let err = sqlx::query_scalar::<_, i64>("SELECT count(*) FROM sqlite_master")
        .fetch_one(&mut conn)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("file is not a database"), "{err}");
}

#[tokio::test]
async fn rekeying_keeps_the_data_and_retires_the_old_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let old = key::DbKey::from_passphrase("old", b"0123456789abcdef").unwrap();
    let new = key::DbKey::from_passphrase("new", b"0123456789abcdef").unwrap();
    let t = TenantStore::open_file(&path, "t", &old, true)
        .await
        .unwrap();
    t.set_setting("k", "v").await.unwrap();
    let t = t.rekey(&path, &new).await.unwrap();
    t.close().await;
    assert!(matches!(
        TenantStore::open_file(&path, "t", &old, false).await,
        Err(StoreError::WrongKey(_))
    ));
    let t = TenantStore::open_file(&path, "t", &new, false)
        .await
        .unwrap();
    assert_eq!(t.setting("k").await.unwrap().as_deref(), Some("v"));
}

#[tokio::test]
async fn tenants_are_isolated_even_with_the_same_devices() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).await.unwrap();
    let (url, _) = fake_nbi(fixture_docs("devices-all.json")).await;
    let a = synced_tenant(&ws, "Alpha ISP", &url).await;
    let b = ws
        .create_tenant("Beta ISP", KeyChoice::Passphrase("other".into()), NOW)
        .await
        .unwrap();
    // B sees nothing of A: no devices, no connections, no logs.
    let empty = b
        .list_devices(&DeviceFilter::default(), DeviceSort::default(), 0, 50)
        .await
        .unwrap();
    assert_eq!((empty.total, empty.fleet), (0, 0));
    assert!(b.list_acs().await.unwrap().is_empty());
    assert!(b.logs(None, 10).await.unwrap().is_empty());
    assert!(b.device("202BC1-BM632w-000000").await.is_err());
    // The same serial under both tenants stays two devices; removing it from B leaves A's.
    b.add_acs(&acs("main", &url), NOW).await.unwrap();
    let source = NbiSource::new(acsdesk_genieacs::Client::builder(&url).build().unwrap());
    sync_once(
        &source,
        &b.sync_store("main").await.unwrap(),
        &SyncOptions::default(),
        NOW,
        |_| {},
    )
    .await
    .unwrap();
    b.remove_acs("main", NOW).await.unwrap();
    assert_eq!(
        b.list_devices(&DeviceFilter::default(), DeviceSort::default(), 0, 50)
            .await
            .unwrap()
            .total,
        0
    );
    assert_eq!(
        a.list_devices(&DeviceFilter::default(), DeviceSort::default(), 0, 50)
            .await
            .unwrap()
            .total,
        23
    );
    // Names are unique; bad names are refused with the field.
    assert!(matches!(
        ws.create_tenant("Alpha ISP", KeyChoice::Passphrase("x".into()), NOW)
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        ws.create_tenant("  ", KeyChoice::Passphrase("x".into()), NOW)
            .await,
        Err(StoreError::Invalid {
            field: "tenant",
            ..
        })
    ));
    assert!(matches!(
        a.add_acs(&acs("x", "ftp://nope"), NOW).await,
        Err(StoreError::Invalid { field: "url", .. })
    ));
    ws.remove_tenant("Beta ISP").await.unwrap();
    assert_eq!(ws.tenants().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_metric_never_given_is_told_apart_from_one_without_recent_points() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).await.unwrap();
    let (url, _) = fake_nbi(fixture_docs("devices-all.json")).await;
    let t = synced_tenant(&ws, "Acme", &url).await;
    let genie = "9CA2F4-EC220%2DG5-000100";
    let id: i64 = sqlx::query_scalar("SELECT id FROM devices WHERE genie_id = ?")
        .bind(genie)
        .fetch_one(t.pool())
        .await
        .unwrap();
    sqlx::query("DELETE FROM device_samples")
        .execute(t.pool())
        .await
        .unwrap();
    use crate::charts::Metric;
    assert!(!t.ever_reported(genie, Metric::Cpu).await.unwrap());
    // A CPU value a month ago (an hourly average): nothing in the last hour, but reported.
    sqlx::query("INSERT INTO device_samples (device_id, resolution, at_ms, cpu_pct) VALUES (?, 3600, ?, 12.0)")
        .bind(id)
        .bind(NOW - 30 * 86_400_000)
        .execute(t.pool())
        .await
        .unwrap();
    assert!(t
        .series(genie, Metric::Cpu, NOW - 3_600_000, NOW)
        .await
        .unwrap()
        .is_empty());
    assert!(t.ever_reported(genie, Metric::Cpu).await.unwrap());
    // Memory was never given; an unknown device has reported nothing.
    assert!(!t.ever_reported(genie, Metric::Memory).await.unwrap());
    assert!(!t
        .ever_reported("no-such-device", Metric::Cpu)
        .await
        .unwrap());
}

#[tokio::test]
async fn samples_roll_up_and_are_pruned() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).await.unwrap();
    let (url, _) = fake_nbi(fixture_docs("devices-all.json")).await;
    let t = synced_tenant(&ws, "Acme", &url).await;
    let id: i64 =
        sqlx::query_scalar("SELECT id FROM devices WHERE genie_id = '9CA2F4-EC220%2DG5-000100'")
            .fetch_one(t.pool())
            .await
            .unwrap();
    let t0 = NOW - 3 * 86_400_000;
    for i in 0..(3 * 24 * 60) {
        sqlx::query("INSERT OR IGNORE INTO device_samples (device_id, resolution, at_ms, cpu_pct) VALUES (?, 0, ?, ?)")
            .bind(id)
            .bind(t0 + i * 60_000)
            .bind((i % 10) as f64)
            .execute(t.pool())
            .await
            .unwrap();
    }
    let deleted = t
        .roll_up_and_prune(NOW, samples::Retention::default())
        .await
        .unwrap();
    assert!(
        deleted > 1000,
        "raw samples older than 48 h are gone: {deleted}"
    );
    let week = t
        .series(
            "9CA2F4-EC220%2DG5-000100",
            crate::charts::Metric::Cpu,
            NOW - 7 * 86_400_000,
            NOW,
        )
        .await
        .unwrap();
    assert!(!week.is_empty());
    assert!(
        week.windows(2).all(|w| w[1].0 - w[0].0 >= 300_000),
        "5-minute averages for a week"
    );
    // Minutes 0–4 hold 0..4 and minutes 5–9 hold 5..9: their 5-minute means are 2 and 7.
    assert_eq!((week[0].1, week[1].1), (2.0, 7.0));
    let day = t
        .series(
            "9CA2F4-EC220%2DG5-000100",
            crate::charts::Metric::Cpu,
            NOW - 86_400_000,
            NOW,
        )
        .await
        .unwrap();
    assert!(day.len() > 1000, "raw points for a day");
}

/// Keys in the real OS credential store (Secret Service). `./dev.sh test` runs the tests
/// in a private D-Bus session with an unlocked gnome-keyring.
#[tokio::test]
async fn keyring_tenants_keep_their_key_in_the_os_credential_store() {
    assert!(
        key::keyring_available(),
        "no OS credential store: run under `dbus-run-session -- scripts/desktop-session.sh` \
         (./dev.sh test does), which starts an unlocked gnome-keyring"
    );
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).await.unwrap();
    let t = ws
        .create_tenant("Keyring ISP", KeyChoice::Keyring, NOW)
        .await
        .unwrap();
    t.set_setting("offline_after_min", "10").await.unwrap();
    t.close().await;
    let entry = ws.tenants().await.unwrap().remove(0);
    assert_eq!(entry.key_kind, "keyring");
    let t = ws.open_tenant("Keyring ISP", None).await.unwrap();
    assert_eq!(
        t.setting("offline_after_min").await.unwrap().as_deref(),
        Some("10")
    );
    t.close().await;
    ws.remove_tenant("Keyring ISP").await.unwrap();
    assert!(
        matches!(key::keyring_load(&entry.file), Err(StoreError::Keyring(_))),
        "the key is deleted with the tenant"
    );
}

#[tokio::test]
async fn migrations_are_idempotent_and_upgrade_a_database_one_version_behind() {
    let latest = TENANT_MIGRATIONS
        .migrations
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap();
    assert!(
        TENANT_MIGRATIONS.migrations.len() >= 2,
        "need N-1 to upgrade from"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let key = DbKey::random().unwrap();
    // A database at migration N-1: every migration but the last.
    {
        let options = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true)
            .pragma("key", key.pragma());
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .unwrap();
        let previous = sqlx::migrate::Migrator {
            migrations: std::borrow::Cow::Owned(
                TENANT_MIGRATIONS
                    .migrations
                    .iter()
                    .filter(|m| m.version < latest)
                    .cloned()
                    .collect(),
            ),
            ignore_missing: false,
            locking: true,
            no_tx: false,
        };
        previous.run(&pool).await.unwrap();
        let applied: i64 = sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert!(applied < latest);
        pool.close().await;
    }
    // Opening upgrades it; opening again changes nothing.
    for _ in 0..2 {
        let t = TenantStore::open_file(&path, "old", &key, false)
            .await
            .unwrap();
        let versions: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations ORDER BY version")
                .fetch_all(&t.pool)
                .await
                .unwrap();
        let expected: Vec<i64> = TENANT_MIGRATIONS
            .migrations
            .iter()
            .map(|m| m.version)
            .collect();
        assert_eq!(versions, expected);
        let index: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'devices_presence_last_inform'",
        )
        .fetch_one(&t.pool)
        .await
        .unwrap();
        assert_eq!(
            index, 1,
            "the last migration's index exists after the upgrade"
        );
        t.close().await;
    }
}

/// A tenant database at the previous schema (only the first migration) upgrades in place
/// when opened: its rows stay, the new migration applies, and running again is a no-op.
#[tokio::test]
async fn an_older_schema_upgrades_in_place_and_keeps_its_data() {
    use sqlx::ConnectOptions;
    let dir = tempfile::tempdir().unwrap();
    let old_migrations = dir.path().join("old");
    std::fs::create_dir_all(&old_migrations).unwrap();
    std::fs::copy(
        acsdesk_captures::repo_root().join("migrations/tenant/0001_tenant.sql"),
        old_migrations.join("0001_tenant.sql"),
    )
    .unwrap();
    let key = key::DbKey::from_passphrase("pw", b"0123456789abcdef").unwrap();
    let path = dir.path().join("t.db");
    let opts = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true)
        .pragma("key", key.pragma());
    let mut conn = opts.connect().await.unwrap();
    sqlx::migrate::Migrator::new(old_migrations.as_path())
        .await
        .unwrap()
        .run(&mut conn)
        .await
        .unwrap();
    sqlx::query("INSERT INTO settings (key, value) VALUES ('offline_after_min', '15')")
        .execute(&mut conn)
        .await
        .unwrap();
    // A device as schema 0001 stored it: its normalised document inside the row.
    let doc = fixture_docs("device-full-tr098.json").remove(0);
    let normalized = serde_json::to_string(&crate::normalize::normalize(&doc).unwrap()).unwrap();
    sqlx::query("INSERT INTO acs_connections (id, name, url, created_ms) VALUES (1, 'main', 'http://x:7557', 0)")
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO devices (acs_id, genie_id, serial, oui, product_class, normalized, counters_json, online, last_inform_ms, created_ms, updated_ms)
         VALUES (1, '202BC1-BM632w-000000', '000000', '202BC1', 'BM632w', ?, '{}', 1, 5, 0, 0)",
    )
    .bind(&normalized)
    .execute(&mut conn)
    .await
    .unwrap();
    // And one GenieACS had only met through informs.
    let mut partial = crate::normalize::normalize(&doc).unwrap();
    partial.not_fetched = vec!["uptime".into(), "wifi".into()];
    sqlx::query(
        "INSERT INTO devices (acs_id, genie_id, serial, oui, product_class, normalized, counters_json, online, last_inform_ms, created_ms, updated_ms)
         VALUES (1, '202BC1-BM632w-000001', '000001', '202BC1', 'BM632w', ?, '{}', 1, 5, 0, 0)",
    )
    .bind(serde_json::to_string(&partial).unwrap())
    .execute(&mut conn)
    .await
    .unwrap();
    sqlx::Connection::close(conn).await.unwrap();

    let t = TenantStore::open_file(&path, "t", &key, false)
        .await
        .unwrap();
    assert_eq!(
        t.setting("offline_after_min").await.unwrap().as_deref(),
        Some("15")
    );
    let index: Option<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'devices_presence_last_inform'",
    )
    .fetch_optional(t.pool())
    .await
    .unwrap();
    assert!(index.is_some(), "the latest migration applied");
    let moved = t.device("202BC1-BM632w-000000").await.unwrap();
    assert_eq!(
        moved.normalized,
        crate::normalize::normalize(&doc).unwrap(),
        "the document moved to device_documents with its row"
    );
    // The list marks what was not read, from the kept documents (0022).
    let rows = t
        .list_devices(&DeviceFilter::default(), DeviceSort::default(), 0, 10)
        .await
        .unwrap()
        .rows;
    let unread = |serial: &str| {
        rows.iter()
            .find(|r| r.serial == serial)
            .map(|r| r.not_fetched.clone())
    };
    assert_eq!(unread("000000"), Some(vec![]));
    assert_eq!(
        unread("000001"),
        Some(vec!["uptime".to_owned(), "wifi".to_owned()])
    );
    t.close().await;
    let again = TenantStore::open_file(&path, "t", &key, false)
        .await
        .unwrap();
    assert_eq!(
        again.setting("offline_after_min").await.unwrap().as_deref(),
        Some("15")
    );
}

const CRASH_ENV: &str = "ACSDESK_CRASH_WRITER_DB";

/// The child side of the kill test: writes pairs of rows in transactions until killed.
async fn write_until_killed(path: &Path) {
    let key = key::DbKey::from_passphrase("crash", b"0123456789abcdef").unwrap();
    let t = TenantStore::open_file(path, "crash", &key, false)
        .await
        .unwrap();
    for i in 0_u64.. {
        let mut tx = t.pool().begin().await.unwrap();
        for side in ["a", "b"] {
            sqlx::query("INSERT INTO settings (key, value) VALUES (?, ?)")
                .bind(format!("k{i}{side}"))
                .bind("x".repeat(200))
                .execute(&mut *tx)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
    }
}

/// A process killed (SIGKILL) in the middle of writing leaves a database that opens with
/// its key, passes SQLite's integrity check, and holds only whole transactions.
#[tokio::test]
async fn a_process_killed_mid_write_leaves_a_consistent_database() {
    // Started again by itself as the writer that gets killed.
    if let Ok(path) = std::env::var(CRASH_ENV) {
        return write_until_killed(Path::new(&path)).await;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.db");
    let key = key::DbKey::from_passphrase("crash", b"0123456789abcdef").unwrap();
    TenantStore::open_file(&path, "crash", &key, true)
        .await
        .unwrap()
        .close()
        .await;
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "store::tests::a_process_killed_mid_write_leaves_a_consistent_database",
            "--test-threads=1",
        ])
        .env(CRASH_ENV, &path)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Let it write for a while, then kill it without warning.
    let started = std::time::Instant::now();
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let wal = std::fs::metadata(dir.path().join("crash.db-wal"))
            .map(|m| m.len())
            .unwrap_or(0);
        if wal > 200_000 || started.elapsed() > std::time::Duration::from_secs(20) {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let t = TenantStore::open_file(&path, "crash", &key, false)
        .await
        .unwrap();
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(t.pool())
        .await
        .unwrap();
    assert_eq!(check, "ok");
    let a: i64 = sqlx::query_scalar("SELECT count(*) FROM settings WHERE key LIKE 'k%a'")
        .fetch_one(t.pool())
        .await
        .unwrap();
    let b: i64 = sqlx::query_scalar("SELECT count(*) FROM settings WHERE key LIKE 'k%b'")
        .fetch_one(t.pool())
        .await
        .unwrap();
    assert!(a > 0, "the child wrote before it was killed");
    assert_eq!(a, b, "only whole transactions survive");
}

fn subscriber(account: &str, name: &str, serial: Option<&str>) -> subscribers::SubscriberInput {
    use acsdesk_types::input::{PppoePassword, PppoeUsername, SerialNumber, Ssid, WpaPassphrase};
    let mut s = subscribers::SubscriberInput::new(account, name);
    s.phone = Some("+54 11 5555-0101".into());
    s.pppoe_username = Some(PppoeUsername::parse(&format!("{account}@isp")).unwrap());
    s.pppoe_password = Some(PppoePassword::parse("ppp-SECRET-77").unwrap());
    s.wifi_ssid = Some(Ssid::parse("Casa Pérez").unwrap());
    s.wifi_password = Some(WpaPassphrase::parse("wifi-SECRET-88").unwrap());
    s.plan = Some("50/10 Mbps".into());
    s.serial = serial.map(|x| SerialNumber::parse(x).unwrap());
    s
}

#[tokio::test]
async fn subscribers_link_to_routers_by_serial_and_keep_their_secrets() {
    use acsdesk_types::input::SerialNumber;
    use subscribers::{SubscriberFilter, SubscriberStatus};
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).await.unwrap();
    let (url, _) = fake_nbi(fixture_docs("devices-all.json")).await;
    let t = synced_tenant(&ws, "Acme", &url).await;

    let ana = t
        .add_subscriber(&subscriber("A-1001", "Ana Pérez", Some("000007")), NOW)
        .await
        .unwrap();
    assert_eq!(ana.devices, vec!["202BC1-BM632w-000007".to_owned()]);
    assert!(ana.has_pppoe_password && ana.has_wifi_password);
    let shown = format!("{ana:?} {:?}", subscriber("x", "y", None));
    assert!(!shown.contains("SECRET"), "secrets never in Debug: {shown}");
    let secrets = t.reveal_subscriber_secrets("A-1001").await.unwrap();
    assert_eq!(secrets.pppoe_password.as_deref(), Some("ppp-SECRET-77"));
    assert_eq!(secrets.wifi_password.as_deref(), Some("wifi-SECRET-88"));
    assert!(!format!("{secrets:?}").contains("SECRET"));
    // The device list shows who the router belongs to.
    let dev = t.device("202BC1-BM632w-000007").await.unwrap();
    assert_eq!(dev.row.subscriber.as_deref(), Some("Ana Pérez"));

    // A serial links one subscriber only; the account is unique.
    let taken = t
        .add_subscriber(&subscriber("A-1002", "Bruno", Some("000007")), NOW)
        .await
        .unwrap_err();
    assert!(
        matches!(&taken, StoreError::Conflict(m) if m.contains("already linked")),
        "{taken}"
    );
    let twice = t
        .add_subscriber(&subscriber("A-1001", "Other", None), NOW)
        .await
        .unwrap_err();
    assert!(
        matches!(&twice, StoreError::Conflict(m) if m.contains("account")),
        "{twice}"
    );
    for (field, bad) in [
        ("account", subscribers::SubscriberInput::new(" ", "x")),
        ("name", subscribers::SubscriberInput::new("A-9", "")),
        ("phone", {
            let mut s = subscribers::SubscriberInput::new("A-9", "x");
            s.phone = Some("call me".into());
            s
        }),
    ] {
        assert!(
            matches!(t.add_subscriber(&bad, NOW).await, Err(StoreError::Invalid { field: f, .. }) if f == field),
            "{field}"
        );
    }
    assert_eq!(
        t.list_subscribers(&SubscriberFilter::default())
            .await
            .unwrap()
            .len(),
        1,
        "nothing half-added"
    );

    // A subscriber added before the router informs is linked by the sync.
    t.add_subscriber(&subscriber("A-1003", "Carla", Some("000100")), NOW)
        .await
        .unwrap();
    sqlx::query("UPDATE devices SET subscriber_id = NULL WHERE serial = '000100'")
        .execute(t.pool())
        .await
        .unwrap();
    let source = NbiSource::new(acsdesk_genieacs::Client::builder(&url).build().unwrap());
    let sink = t.sync_store("main").await.unwrap();
    sync_once(
        &source,
        &sink,
        &SyncOptions {
            force_full: true,
            ..SyncOptions::default()
        },
        NOW + 60_000,
        |_| {},
    )
    .await
    .unwrap();
    assert_eq!(
        t.device("9CA2F4-EC220%2DG5-000100")
            .await
            .unwrap()
            .row
            .subscriber
            .as_deref(),
        Some("Carla")
    );

    // Relinking moves the router; unlinking frees it; updating keeps unchanged secrets.
    let moved = t
        .link_subscriber("A-1001", &SerialNumber::parse("000008").unwrap(), NOW)
        .await
        .unwrap();
    assert_eq!(moved.devices, vec!["202BC1-BM632w-000008".to_owned()]);
    assert_eq!(
        t.device("202BC1-BM632w-000007")
            .await
            .unwrap()
            .row
            .subscriber,
        None
    );
    let mut change = subscriber("A-1001", "Ana P. Gómez", Some("000008"));
    change.pppoe_password = None;
    change.status = SubscriberStatus::Suspended;
    let updated = t
        .update_subscriber("A-1001", &change, NOW + 1)
        .await
        .unwrap();
    assert_eq!(
        (updated.name.as_str(), updated.status),
        ("Ana P. Gómez", SubscriberStatus::Suspended)
    );
    assert_eq!(
        t.reveal_subscriber_secrets("A-1001")
            .await
            .unwrap()
            .pppoe_password
            .as_deref(),
        Some("ppp-SECRET-77"),
        "a password not given is kept"
    );
    let found = t
        .list_subscribers(&SubscriberFilter {
            search: Some("gómez".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(found.len(), 1, "search ignores the case of the name");
    let by_phone = t
        .list_subscribers(&SubscriberFilter {
            search: Some("5555-0101".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(by_phone.len(), 2);
    let suspended = t
        .list_subscribers(&SubscriberFilter {
            status: Some("suspended".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(suspended.len(), 1);
    assert!(t
        .list_subscribers(&SubscriberFilter {
            status: Some("gone".into()),
            ..Default::default()
        })
        .await
        .is_err());
    t.unlink_subscriber("A-1001", NOW).await.unwrap();
    assert_eq!(
        t.device("202BC1-BM632w-000008")
            .await
            .unwrap()
            .row
            .subscriber,
        None
    );
    let unlinked = t
        .list_subscribers(&SubscriberFilter {
            linked: Some(false),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(unlinked.len(), 1);
    t.remove_subscriber("A-1003").await.unwrap();
    assert_eq!(
        t.device("9CA2F4-EC220%2DG5-000100")
            .await
            .unwrap()
            .row
            .subscriber,
        None,
        "the router stays"
    );
    assert!(matches!(
        t.remove_subscriber("A-1003").await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        t.reveal_subscriber_secrets("nobody").await,
        Err(StoreError::NotFound(_))
    ));
}

#[tokio::test]
async fn a_gpon_label_serial_links_the_router_that_reports_it_in_hex() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).await.unwrap();
    let sandbox = acsdesk_sandbox::Sandbox::builder(NOW)
        .devices(40)
        .speed(0.0)
        .start()
        .await
        .unwrap();
    let t = synced_tenant(&ws, "Acme", &sandbox.url()).await;
    let huawei = sandbox
        .device_ids()
        .into_iter()
        .find(|i| i.starts_with("00E0FC"))
        .unwrap();
    let hex = huawei.rsplit('-').next().unwrap().to_owned();
    assert!(hex.starts_with("48575443"), "{hex}");
    let label = format!("hwtc{}", &hex[8..]);
    let s = t
        .add_subscriber(&subscriber("G-1", "Gpon User", Some(&label)), NOW)
        .await
        .unwrap();
    assert_eq!(s.serial.as_deref(), Some(label.to_uppercase().as_str()));
    assert_eq!(s.devices, vec![huawei]);
}

#[tokio::test]
async fn no_tenant_handle_reaches_another_tenants_rows() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).await.unwrap();
    let (url, _) = fake_nbi(fixture_docs("devices-all.json")).await;
    let a = synced_tenant(&ws, "Alpha", &url).await;
    let b = synced_tenant(&ws, "Beta", &url).await;
    // The same 23 serials live twice, once per tenant.
    for t in [&a, &b] {
        let list = t
            .list_devices(&DeviceFilter::default(), DeviceSort::default(), 0, 50)
            .await
            .unwrap();
        assert_eq!(list.total, 23);
    }
    let ana = a
        .add_subscriber(&subscriber("A-1", "Ana", Some("000007")), NOW)
        .await
        .unwrap();
    let action = a
        .enqueue_action(
            "202BC1-BM632w-000007",
            &crate::actions::ActionRequest::Reboot,
            "noc",
            NOW,
        )
        .await
        .unwrap();
    // B can neither read nor change A's subscriber, action or links.
    assert!(matches!(
        b.subscriber("A-1").await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        b.reveal_subscriber_secrets("A-1").await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        b.remove_subscriber("A-1").await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        b.unlink_subscriber("A-1", NOW).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(b
        .list_subscribers(&Default::default())
        .await
        .unwrap()
        .is_empty());
    assert!(b.actions(None, 100).await.unwrap().is_empty());
    assert!(
        b.action(action.id).await.is_err(),
        "A's action id means nothing in B"
    );
    assert_eq!(
        b.device("202BC1-BM632w-000007")
            .await
            .unwrap()
            .row
            .subscriber,
        None
    );
    // B's own subscriber with the same account and serial is its own.
    b.add_subscriber(&subscriber("A-1", "Someone else", Some("000007")), NOW)
        .await
        .unwrap();
    b.remove_acs("main", NOW).await.unwrap();
    assert_eq!(
        a.subscriber("A-1").await.unwrap(),
        ana,
        "A's subscriber is untouched"
    );
    assert_eq!(a.actions(None, 100).await.unwrap().len(), 1);
    assert_eq!(
        a.list_devices(&DeviceFilter::default(), DeviceSort::default(), 0, 50)
            .await
            .unwrap()
            .total,
        23
    );
    // And the other tenant's passphrase does not open A.
    assert!(matches!(
        ws.open_tenant("Alpha", Some("not it")).await,
        Err(StoreError::WrongKey(_))
    ));
}

#[tokio::test]
async fn a_tenant_is_rekeyed_with_its_pool_busy_and_keeps_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).await.unwrap();
    let (url, _) = fake_nbi(fixture_docs("devices-all.json")).await;
    let t = synced_tenant(&ws, "Acme", &url).await;
    // Open every pooled connection with the old key.
    let reads: Vec<_> = (0..4)
        .map(|_| {
            let t = t.clone();
            tokio::spawn(async move {
                t.list_devices(&DeviceFilter::default(), DeviceSort::default(), 0, 50)
                    .await
                    .unwrap()
                    .total
            })
        })
        .collect();
    for r in reads {
        assert_eq!(r.await.unwrap(), 23);
    }
    let t = ws
        .rekey_tenant(t, KeyChoice::Passphrase("new passphrase".into()))
        .await
        .unwrap();
    let total = |t: TenantStore| async move {
        t.list_devices(&DeviceFilter::default(), DeviceSort::default(), 0, 50)
            .await
            .unwrap()
            .total
    };
    assert_eq!(total(t.clone()).await, 23);
    t.close().await;
    assert!(matches!(
        ws.open_tenant("Acme", Some("tenant passphrase")).await,
        Err(StoreError::WrongKey(_))
    ));
    let t = ws
        .open_tenant("Acme", Some("new passphrase"))
        .await
        .unwrap();
    assert_eq!(total(t.clone()).await, 23);
    // The file holds no secret in clear after the re-key either.
    t.close().await;
    assert!(!contains(&file_bytes(dir.path()), "acs-pass-XYZZY"));
}

#[tokio::test]
async fn a_rekey_cut_short_never_locks_the_tenant_out() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).await.unwrap();
    let t = ws
        .create_tenant("Acme", KeyChoice::Passphrase("old pass".into()), NOW)
        .await
        .unwrap();
    t.set_setting("k", "v").await.unwrap();
    t.close().await;
    let entry = ws.entry("Acme").await.unwrap();
    let path = dir.path().join("tenants").join(&entry.file);
    let salt = key::random_salt().unwrap();
    let record_pending = || async {
        sqlx::query(
            "UPDATE tenants SET pending_kind = 'passphrase', pending_salt = ? WHERE name = 'Acme'",
        )
        .bind(&salt)
        .execute(&ws.app)
        .await
        .unwrap();
    };
    // Killed after recording the new key, before the file changed: the old key opens it
    // and the re-key is forgotten.
    record_pending().await;
    let t = ws.open_tenant("Acme", Some("old pass")).await.unwrap();
    assert_eq!(t.setting("k").await.unwrap().as_deref(), Some("v"));
    t.close().await;
    assert!(ws.entry("Acme").await.unwrap().pending_kind.is_none());
    // Killed after the file changed, before the new key was recorded as current: the new
    // passphrase opens it and becomes the tenant's.
    record_pending().await;
    let old = key::DbKey::from_passphrase("old pass", entry.salt.as_deref().unwrap()).unwrap();
    let new = key::DbKey::from_passphrase("new pass", &salt).unwrap();
    rekey_file(&path, &old, &new).await.unwrap();
    assert!(matches!(
        ws.open_tenant("Acme", Some("old pass")).await,
        Err(StoreError::WrongKey(_))
    ));
    let t = ws.open_tenant("Acme", Some("new pass")).await.unwrap();
    assert_eq!(t.setting("k").await.unwrap().as_deref(), Some("v"));
    t.close().await;
    let after = ws.entry("Acme").await.unwrap();
    assert!(after.pending_kind.is_none());
    assert_eq!(after.salt.as_deref(), Some(salt.as_slice()));
    ws.open_tenant("Acme", Some("new pass"))
        .await
        .unwrap()
        .close()
        .await;
    // A re-key while another is unfinished is refused.
    record_pending().await;
    let t = TenantStore::open_file(&path, "Acme", &new, false)
        .await
        .unwrap();
    assert!(matches!(
        ws.rekey_tenant(t, KeyChoice::Passphrase("third".into()))
            .await,
        Err(StoreError::Conflict(_))
    ));
}

/// Moving a tenant from a passphrase to the OS credential store and back.
#[tokio::test]
async fn a_tenant_moves_between_a_passphrase_and_the_credential_store() {
    assert!(
        key::keyring_available(),
        "run under scripts/desktop-session.sh"
    );
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).await.unwrap();
    let t = ws
        .create_tenant("Mover", KeyChoice::Passphrase("pass one".into()), NOW)
        .await
        .unwrap();
    t.set_setting("k", "v").await.unwrap();
    let t = ws.rekey_tenant(t, KeyChoice::Keyring).await.unwrap();
    t.close().await;
    assert_eq!(ws.tenants().await.unwrap()[0].key_kind, "keyring");
    let t = ws.open_tenant("Mover", None).await.unwrap();
    assert_eq!(t.setting("k").await.unwrap().as_deref(), Some("v"));
    let file = ws.entry("Mover").await.unwrap().file;
    assert!(
        key::keyring_load(&pending_entry(&file)).is_err(),
        "no pending key left"
    );
    let t = ws
        .rekey_tenant(t, KeyChoice::Passphrase("pass two".into()))
        .await
        .unwrap();
    t.close().await;
    assert!(
        key::keyring_load(&file).is_err(),
        "the keyring entry is gone with the keyring key"
    );
    let t = ws.open_tenant("Mover", Some("pass two")).await.unwrap();
    assert_eq!(t.setting("k").await.unwrap().as_deref(), Some("v"));
    t.close().await;
    ws.remove_tenant("Mover").await.unwrap();
}

#[tokio::test]
async fn the_stock_sqlite3_tool_cannot_read_a_tenant_file() {
    let tool = ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .expect("the sqlite3 command-line tool (apt package sqlite3; ./dev.sh installs it)");
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).await.unwrap();
    let (url, _) = fake_nbi(fixture_docs("devices-all.json")).await;
    let t = synced_tenant(&ws, "Acme", &url).await;
    t.close().await;
    let file = tenant_file(dir.path());
    let out = std::process::Command::new(tool)
        .arg(&file)
        .arg("SELECT serial FROM devices;")
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.status.success(), "sqlite3 read it: {said}");
    assert!(
        said.contains("file is not a database") || said.contains("encrypted"),
        "{said}"
    );
    assert!(!said.contains("000007"));
    // The app database is plain SQLite and holds only the tenant list.
    let app = std::process::Command::new(tool)
        .arg(dir.path().join("app.db"))
        .arg("SELECT name, key_kind FROM tenants;")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&app.stdout).trim(),
        "Acme|passphrase"
    );
}

#[tokio::test]
async fn acs_settings_out_of_range_are_refused_not_clamped() {
    let (_dir, _ws, t) = acme().await;
    let with = |f: &dyn Fn(&mut NewAcs)| {
        let mut a = acs("main", "http://acs.example.net:7557");
        f(&mut a);
        a
    };
    for (field, bad) in [
        ("rate", with(&|a| a.rate_per_s = 0)),
        ("rate", with(&|a| a.rate_per_s = 5000)),
        ("interval", with(&|a| a.interval_s = 1)),
        ("interval", with(&|a| a.interval_s = 90_000)),
        (
            "cwmp-url",
            with(&|a| a.cwmp_url = Some("acs.example.net".into())),
        ),
        ("auth", with(&|a| a.auth_kind = "digest".into())),
        ("secret", with(&|a| a.auth_secret = None)),
        ("secret", with(&|a| a.auth_secret = Some("".into()))),
        (
            "header",
            with(&|a| {
                a.auth_kind = "header".into();
                a.auth_user = Some("X Api: Key".into());
            }),
        ),
        (
            "header",
            with(&|a| {
                a.auth_kind = "header".into();
                a.auth_user = Some("Host".into());
            }),
        ),
    ] {
        match t.add_acs(&bad, NOW).await {
            Err(StoreError::Invalid { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    assert!(t.list_acs().await.unwrap().is_empty(), "nothing saved");
    let ok = t
        .add_acs(
            &with(&|a| a.cwmp_url = Some("http://acs.example.net:7547".into())),
            NOW,
        )
        .await
        .unwrap();
    assert_eq!(ok.cwmp_url.as_deref(), Some("http://acs.example.net:7547"));
}

/// A token in a header of its own reads back as such with its header's name, through
/// edits to basic and back; its token is kept across them (same address).
#[tokio::test]
async fn a_header_token_is_kept_with_its_header_name_through_edits() {
    let (_dir, _ws, t) = acme().await;
    let header = NewAcs {
        auth_kind: "header".into(),
        auth_user: Some(" X-Api-Key ".into()),
        auth_secret: Some("tok-XYZZY".into()),
        ..acs("main", "http://127.0.0.1:7557")
    };
    let saved = t.add_acs(&header, NOW).await.unwrap();
    assert_eq!(
        (saved.auth_kind.as_str(), saved.auth_user.as_deref()),
        ("header", Some("X-Api-Key"))
    );
    let basic = NewAcs {
        auth_secret: None,
        ..acs("main", "http://127.0.0.1:7557")
    };
    let edited = t.update_acs("main", &basic).await.unwrap();
    assert_eq!(
        (edited.auth_kind.as_str(), edited.auth_user.as_deref()),
        ("basic", Some("noc"))
    );
    let back = t
        .update_acs(
            "main",
            &NewAcs {
                auth_secret: None,
                ..header.clone()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (back.auth_kind.as_str(), back.auth_user.as_deref()),
        ("header", Some("X-Api-Key"))
    );
    assert_eq!(
        t.reveal_acs_secret("main")
            .await
            .unwrap()
            .map(|s| s.expose().to_owned()),
        Some("tok-XYZZY".into())
    );
}

/// Offset paging shifts when a device is deleted mid-sync, so the device after it is
/// never fetched; it must not be reported gone, only the deleted one.
#[tokio::test]
async fn a_device_deleted_mid_full_sync_does_not_make_its_neighbour_missing() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).await.unwrap();
    let (url, nbi) = fake_nbi(fixture_docs("devices-all.json")).await;
    let t = synced_tenant(&ws, "Acme", &url).await;
    let mut ids: Vec<String> = fixture_docs("devices-all.json")
        .iter()
        .map(|d| d["_id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    let source = NbiSource::new(acsdesk_genieacs::Client::builder(&url).build().unwrap());
    let sink = t.sync_store("main").await.unwrap();
    let options = SyncOptions {
        page_size: 5,
        force_full: true,
        ..SyncOptions::default()
    };
    nbi.fail_after_gets.store(1, Ordering::SeqCst);
    assert!(sync_once(&source, &sink, &options, NOW, |_| {})
        .await
        .is_err());
    // While the sync is stopped, the first device is deleted: page 2 now starts one later.
    nbi.docs
        .lock()
        .unwrap()
        .retain(|d| d["_id"] != ids[0].as_str());
    let report = sync_once(&source, &sink, &options, NOW, |_| {})
        .await
        .unwrap();
    assert!(report.full);
    // 23 devices, 5 applied before the stop, the first deleted: the resumed sync starts
    // at offset 5 of 22 and fetches 17, missing the one that slid back a place.
    assert_eq!(report.fetched, 17);
    // The deleted device was seen before it went; the skipped one is still there.
    assert_eq!(report.disappeared, 0, "{report:?}");
    let skipped = t.logs(Some(&ids[5]), 10).await.unwrap();
    assert!(
        skipped.iter().all(|l| l.kind != "disappeared"),
        "{skipped:?}"
    );
    let all = t
        .list_devices(&DeviceFilter::default(), DeviceSort::default(), 0, 50)
        .await
        .unwrap();
    assert_eq!(all.total, 23);
    // The next full sync finds the deleted one gone, and only it.
    let report = sync_once(&source, &sink, &options, NOW, |_| {})
        .await
        .unwrap();
    assert_eq!(report.disappeared, 1, "{report:?}");
    let gone = t.logs(Some(&ids[0]), 10).await.unwrap();
    assert_eq!(gone[0].kind, "disappeared");
    let present = t
        .list_devices(&DeviceFilter::default(), DeviceSort::default(), 0, 50)
        .await
        .unwrap();
    assert_eq!(present.total, 22);
    // Each existence check asked GenieACS about that sync's unseen devices only.
    let seen = nbi.seen.lock().unwrap();
    let checks: Vec<&std::collections::HashMap<String, String>> = seen
        .iter()
        .map(|(_, q)| q)
        .filter(|q| q.get("query").is_some_and(|v| v.contains("$in")))
        .collect();
    assert_eq!(checks.len(), 2, "{checks:?}");
    assert!(checks[0]["query"].contains(&ids[5]) && !checks[0]["query"].contains(&ids[0]));
    assert!(checks[1]["query"].contains(&ids[0]));
    assert!(checks.iter().all(|q| q["projection"] == "_id"));
}

/// Incremental syncs cannot see deletions, so a full sync comes back on the tenant's
/// schedule; its settings are validated and drive the sync.
#[tokio::test]
async fn full_syncs_repeat_on_the_tenants_schedule() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).await.unwrap();
    let (url, _) = fake_nbi(fixture_docs("devices-all.json")).await;
    let t = synced_tenant(&ws, "Acme", &url).await;
    let source = NbiSource::new(acsdesk_genieacs::Client::builder(&url).build().unwrap());
    let hour = 3_600_000;
    let round = |now: i64| {
        let (t, source) = (t.clone(), source.clone());
        async move {
            crate::sync::round::sync_connection(&t, "main", &source, false, now, |_| {})
                .await
                .unwrap()
        }
    };
    assert!(
        !round(NOW + hour).await.full,
        "default: a day between full syncs"
    );
    assert!(round(NOW + 25 * hour).await.full);
    let bad = acsdesk_types::settings::SyncSettings {
        full_sync_every_h: 0,
        ..Default::default()
    };
    let err = t.set_sync_settings(&bad).await.unwrap_err().to_string();
    assert!(
        err.starts_with("full_sync_every_h: choose between 1 and 720"),
        "{err}"
    );
    assert_eq!(
        t.sync_settings().await.unwrap(),
        Default::default(),
        "nothing saved"
    );
    let every_two_hours = acsdesk_types::settings::SyncSettings {
        full_sync_every_h: 2,
        presence_factor: 1.0,
        presence_grace_s: 0,
        ..Default::default()
    };
    t.set_sync_settings(&every_two_hours).await.unwrap();
    assert_eq!(t.sync_settings().await.unwrap(), every_two_hours);
    assert!(!round(NOW + 26 * hour).await.full);
    assert!(round(NOW + 28 * hour).await.full);
}

#[tokio::test]
async fn roll_ups_continue_where_they_stopped_and_count_late_samples() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).await.unwrap();
    let (url, _) = fake_nbi(fixture_docs("devices-all.json")).await;
    let t = synced_tenant(&ws, "Acme", &url).await;
    let genie = "9CA2F4-EC220%2DG5-000100";
    let id: i64 = sqlx::query_scalar("SELECT id FROM devices WHERE genie_id = ?")
        .bind(genie)
        .fetch_one(t.pool())
        .await
        .unwrap();
    let insert = |at: i64, cpu: f64| {
        let pool = t.pool().clone();
        async move {
            sqlx::query("INSERT OR REPLACE INTO device_samples (device_id, resolution, at_ms, cpu_pct) VALUES (?, 0, ?, ?)")
                .bind(id)
                .bind(at)
                .bind(cpu)
                .execute(&pool)
                .await
                .unwrap();
        }
    };
    let five = |at: i64| {
        let pool = t.pool().clone();
        async move {
            sqlx::query_scalar::<_, f64>(
                "SELECT cpu_pct FROM device_samples WHERE device_id = ? AND resolution = 300 AND at_ms = ?",
            )
            .bind(id)
            .bind(at)
            .fetch_optional(&pool)
            .await
            .unwrap()
        }
    };
    // An hour boundary two days on, clear of the samples the sync recorded.
    let base = (NOW / 3_600_000) * 3_600_000 + 48 * 3_600_000;
    for m in 0..10 {
        insert(base + m * 60_000, 10.0).await;
    }
    // 12 minutes in: the first bucket has been closed for a whole bucket, the second not.
    t.maintain_samples(base + 12 * 60_000).await.unwrap();
    assert_eq!(five(base).await, Some(10.0));
    assert_eq!(five(base + 300_000).await, None, "not settled yet");
    // A sample of the second bucket arrives late; the first bucket's raw data changes
    // (it must not be averaged again: a roll-up never redoes finished buckets).
    insert(base + 9 * 60_000 + 30_000, 40.0).await;
    insert(base, 100.0).await;
    t.maintain_samples(base + 16 * 60_000).await.unwrap();
    assert_eq!(
        five(base).await,
        Some(10.0),
        "finished buckets are not redone"
    );
    assert_eq!(five(base + 300_000).await, Some(15.0), "(5 × 10 + 40) / 6");
    let done: Vec<(i64, i64)> =
        sqlx::query_as("SELECT resolution, done_ms FROM rollup_state ORDER BY resolution")
            .fetch_all(t.pool())
            .await
            .unwrap();
    assert_eq!(done[0], (300, base + 600_000));
    assert!(
        done.get(1).is_none_or(|(_, hourly)| *hourly <= base),
        "the hourly roll-up waits for its hour: {done:?}"
    );
    // Two hours on, the hourly average reads the 5-minute ones.
    t.maintain_samples(base + 2 * 3_600_000 + 60_000)
        .await
        .unwrap();
    let hourly: Option<f64> = sqlx::query_scalar(
        "SELECT cpu_pct FROM device_samples WHERE device_id = ? AND resolution = 3600 AND at_ms = ?",
    )
    .bind(id)
    .bind(base)
    .fetch_optional(t.pool())
    .await
    .unwrap();
    assert_eq!(hourly, Some(12.5));
}

#[tokio::test]
async fn connection_health_is_kept_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).await.unwrap();
    let (url, _) = fake_nbi(fixture_docs("devices-all.json")).await;
    let t = synced_tenant(&ws, "Acme", &url).await;
    use crate::sync::scheduler::AcsHealth;
    assert_eq!(t.acs_health("main").await.unwrap(), AcsHealth::Unknown);
    for (i, outcome) in [
        Ok(()),
        Err("cannot connect"),
        Err("cannot connect"),
        Err("timed out"),
    ]
    .into_iter()
    .enumerate()
    {
        t.record_sync_outcome("main", outcome, NOW + i as i64 * 60_000)
            .await
            .unwrap();
    }
    drop(t);
    let t = ws
        .open_tenant("Acme", Some("tenant passphrase"))
        .await
        .unwrap();
    assert_eq!(
        t.acs_health("main").await.unwrap(),
        AcsHealth::Unreachable {
            since_ms: NOW + 60_000,
            failures: 3,
            last_error: "timed out".into()
        }
    );
    assert!(t.acs_health("nope").await.is_err());
}

/// A session still running at the previous sync is saved later with an inform below the
/// watermark: the overlap window finds it by listing ids and informs, and downloads only
/// that device in full.
#[tokio::test]
async fn an_inform_saved_after_the_sync_passed_it_is_found_by_the_overlap() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).await.unwrap();
    let (url, nbi) = fake_nbi(fixture_docs("devices-all.json")).await;
    let t = synced_tenant(&ws, "Acme", &url).await;
    let sink = t.sync_store("main").await.unwrap();
    let watermark = sink.sync_state().await.unwrap().watermark_ms.unwrap();
    let iso = |ms: i64| acsdesk_time::iso(ms);
    // The device that informed longest ago now has an inform 10 s below the watermark.
    let late_id = {
        let mut docs = nbi.docs.lock().unwrap();
        let oldest = docs
            .iter_mut()
            .min_by_key(|d| d["_lastInform"].as_str().unwrap().to_owned())
            .unwrap();
        oldest["_lastInform"] = iso(watermark - 10_000).into();
        oldest["_id"].as_str().unwrap().to_owned()
    };
    let in_window_before = nbi
        .docs
        .lock()
        .unwrap()
        .iter()
        .filter(|d| {
            let t = crate::normalize::timestamp(Some(&d["_lastInform"])).unwrap();
            t >= watermark - 60_000 && t < watermark
        })
        .count();
    assert!(in_window_before > 1, "the window holds other devices too");
    nbi.seen.lock().unwrap().clear();
    let source = NbiSource::new(acsdesk_genieacs::Client::builder(&url).build().unwrap());
    let report = sync_once(&source, &sink, &SyncOptions::default(), NOW + 1_000, |_| {})
        .await
        .unwrap();
    assert!(!report.full);
    assert_eq!(report.late, 1, "{report:?}");
    let row: Option<i64> =
        sqlx::query_scalar("SELECT last_inform_ms FROM devices WHERE genie_id = ?")
            .bind(&late_id)
            .fetch_one(t.pool())
            .await
            .unwrap();
    assert_eq!(row, Some(watermark - 10_000));
    let seen = nbi.seen.lock().unwrap().clone();
    let light = seen
        .iter()
        .find(|(_, q)| q.get("projection").is_some_and(|p| p == "_lastInform"))
        .expect("the window listed light");
    assert!(light.1["query"].contains("$lt"), "{:?}", light.1);
    let by_id: Vec<_> = seen
        .iter()
        .filter(|(_, q)| q.get("query").is_some_and(|v| v.contains("$in")))
        .collect();
    assert_eq!(by_id.len(), 1, "one fetch by id");
    assert!(by_id[0].1["query"].contains(&late_id));
    assert!(by_id[0].1["projection"].contains("InternetGatewayDevice.WANDevice"));
    // Run again: nothing is late any more.
    let again = sync_once(&source, &sink, &SyncOptions::default(), NOW + 2_000, |_| {})
        .await
        .unwrap();
    assert_eq!(again.late, 0);
}

#[tokio::test]
async fn a_batch_of_actions_is_queued_whole_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).await.unwrap();
    let (url, _) = fake_nbi(fixture_docs("devices-all.json")).await;
    let t = synced_tenant(&ws, "Acme", &url).await;
    let reboot = crate::actions::ActionRequest::Reboot;
    let ok = |id: &str| (None, id.to_owned());
    let err = t
        .enqueue_actions(
            &[
                ok("202BC1-BM632w-000001"),
                ok("202BC1-BM632w-000002"),
                ok("nope"),
            ],
            &reboot,
            "noc",
            NOW,
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("nope"), "{err}");
    assert!(t.actions(None, 10).await.unwrap().is_empty(), "none queued");
    let wrong_acs = t
        .enqueue_actions(
            &[(Some("elsewhere".into()), "202BC1-BM632w-000001".into())],
            &reboot,
            "noc",
            NOW,
        )
        .await
        .unwrap_err();
    assert!(wrong_acs
        .to_string()
        .contains("on ACS connection \"elsewhere\""));
    let ids = t
        .enqueue_actions(
            &[ok("202BC1-BM632w-000001"), ok("202BC1-BM632w-000002")],
            &reboot,
            "noc",
            NOW,
        )
        .await
        .unwrap();
    assert_eq!(ids.len(), 2);
    let rows = t.actions(None, 10).await.unwrap();
    assert!(rows
        .iter()
        .all(|r| r.acs == "main" && r.status == crate::actions::ActionStatus::Pending));
    let keys: std::collections::HashSet<_> = rows.iter().map(|r| r.unique_key.clone()).collect();
    assert_eq!(keys.len(), 2, "each action has its own uniqueKey");
    // The intent is claimed once: a second claim loses.
    let desk = leases::LeaseTerms {
        owner: "desk",
        ttl_ms: 60_000,
    };
    let watch = leases::LeaseTerms {
        owner: "watch",
        ttl_ms: 60_000,
    };
    assert!(t.claim_action(ids[0], None, desk, NOW).await.unwrap());
    assert!(!t.claim_action(ids[0], None, desk, NOW).await.unwrap());
    // The claim took the connection's lease: another process claims nothing while it
    // lasts, nor takes the lease; once it has expired (no renewal) it takes it over.
    assert!(!t
        .claim_action(ids[1], None, watch, NOW + 1_000)
        .await
        .unwrap());
    let held = t
        .take_lease("main", watch, NOW + 1_000, None)
        .await
        .unwrap();
    assert_eq!(held.as_ref().map(|h| h.owner.as_str()), Some("desk"));
    assert_eq!(held.map(|h| h.expires_ms), Some(NOW + 60_000));
    // A renewal (here a claim of the owner's) pushes the expiry on.
    assert!(t
        .take_lease("main", desk, NOW + 30_000, None)
        .await
        .unwrap()
        .is_none());
    assert!(t
        .take_lease("main", watch, NOW + 70_000, None)
        .await
        .unwrap()
        .is_some());
    assert!(t
        .take_lease("main", watch, NOW + 90_000, None)
        .await
        .unwrap()
        .is_none());
    assert!(!t
        .claim_action(ids[1], None, desk, NOW + 91_000)
        .await
        .unwrap());
    assert!(t
        .claim_action(ids[1], None, watch, NOW + 91_000)
        .await
        .unwrap());
    // A holder known to be dead is taken over at once; a released lease is free.
    assert!(t
        .take_lease("main", desk, NOW + 92_000, Some("watch"))
        .await
        .unwrap()
        .is_none());
    assert_eq!(t.release_leases("desk").await.unwrap(), 1);
    assert_eq!(t.lease_holder("main").await.unwrap(), None);
    assert!(t
        .take_lease("main", watch, NOW + 93_000, None)
        .await
        .unwrap()
        .is_none());
    let err = t.take_lease("nowhere", watch, NOW, None).await.unwrap_err();
    assert!(err.to_string().contains("nowhere"), "{err}");
}

#[tokio::test]
async fn subscribers_are_listed_by_their_router_s_problem() {
    use acsdesk_types::RouterProblem;
    use subscribers::SubscriberFilter;
    let sandbox = acsdesk_sandbox::Sandbox::builder(NOW)
        .devices(8)
        .seed(4)
        .speed(0.0)
        .start()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).await.unwrap();
    let t = synced_tenant(&ws, "Acme", &sandbox.url()).await;
    let online = t
        .list_devices(
            &DeviceFilter {
                presence: Some(Presence::Online),
                ..DeviceFilter::default()
            },
            DeviceSort::default(),
            0,
            10,
        )
        .await
        .unwrap()
        .rows;
    assert!(online.len() >= 2, "{online:?}");
    let (a, b) = (&online[0], &online[1]);
    t.add_subscriber(&subscriber("A-1", "Ana", Some(&a.serial)), NOW)
        .await
        .unwrap();
    t.add_subscriber(&subscriber("B-2", "Bruno", Some(&b.serial)), NOW)
        .await
        .unwrap();
    t.add_subscriber(&subscriber("C-3", "Carla", None), NOW)
        .await
        .unwrap();
    let having = |problem| {
        let t = t.clone();
        async move {
            t.list_subscribers(&SubscriberFilter {
                problem: Some(problem),
                ..SubscriberFilter::default()
            })
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.account)
            .collect::<Vec<_>>()
        }
    };
    assert!(having(RouterProblem::Offline).await.is_empty());
    assert!(having(RouterProblem::ProvisioningFailed).await.is_empty());
    // Ana's router loses power; an hour later the sync finds it offline.
    let enc = percent_encoding::utf8_percent_encode(&a.id, percent_encoding::NON_ALPHANUMERIC);
    reqwest::Client::new()
        .post(format!("{}/_sandbox/devices/{enc}/offline", sandbox.url()))
        .send()
        .await
        .unwrap();
    sandbox.advance(3_600_000);
    let source = NbiSource::new(
        acsdesk_genieacs::Client::builder(sandbox.url())
            .build()
            .unwrap(),
    );
    let sink = t.sync_store("main").await.unwrap();
    sync_once(
        &source,
        &sink,
        &SyncOptions::default(),
        NOW + 3_600_000,
        |_| {},
    )
    .await
    .unwrap();
    assert_eq!(having(RouterProblem::Offline).await, ["A-1"]);
    // GenieACS could not provision Bruno's router; a failed task is not a provisioning.
    let fault = |channel: &str| -> acsdesk_genieacs::api::faults::Fault {
        serde_json::from_value(serde_json::json!({
            "_id": format!("{}:{channel}", b.id), "device": b.id, "channel": channel,
            "code": "script.TypeError", "message": "x is undefined",
            "timestamp": "2026-11-23T22:05:00.000Z", "retries": 0
        }))
        .unwrap()
    };
    t.replace_faults("main", &[fault("task_6b01")], NOW)
        .await
        .unwrap();
    assert!(having(RouterProblem::ProvisioningFailed).await.is_empty());
    t.replace_faults("main", &[fault("acsdesk-config")], NOW)
        .await
        .unwrap();
    assert_eq!(having(RouterProblem::ProvisioningFailed).await, ["B-2"]);
    let logs = t.logs(Some(&b.id), 10).await.unwrap();
    assert!(
        logs.iter().any(|l| l.message
            == "Provisioning failed on acsdesk-config (script.TypeError: x is undefined)"),
        "{logs:?}"
    );
    t.replace_faults("main", &[], NOW).await.unwrap();
    assert!(having(RouterProblem::ProvisioningFailed).await.is_empty());
    let logs = t.logs(Some(&b.id), 10).await.unwrap();
    assert!(logs
        .iter()
        .any(|l| l.message == "Provisioning on acsdesk-config succeeded again"));
}

/// Per-router connection-request credentials are made once per linked serial, random and
/// distinct, kept (encrypted with the tenant) and handed to provisioning.
#[tokio::test]
async fn every_linked_router_gets_its_own_random_connection_request_credentials_once() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).await.unwrap();
    let (url, _) = fake_nbi(fixture_docs("devices-all.json")).await;
    let t = synced_tenant(&ws, "Acme", &url).await;
    for (account, serial) in [
        ("A-1", Some("000007")),
        ("A-2", Some("NEW0001")),
        ("A-3", None),
    ] {
        t.add_subscriber(&subscriber(account, "Someone", serial), NOW)
            .await
            .unwrap();
    }
    assert_eq!(t.ensure_router_credentials(NOW).await.unwrap(), 2);
    assert_eq!(
        t.ensure_router_credentials(NOW).await.unwrap(),
        0,
        "made once"
    );
    let creds: Vec<(String, String)> = t
        .router_inputs()
        .await
        .unwrap()
        .into_iter()
        .map(|(i, _)| i.connection_request.expect("credentials"))
        .collect();
    assert_eq!(creds.len(), 2);
    for (user, pass) in &creds {
        assert!(user.starts_with("acs-") && user.len() == 14, "{user}");
        assert_eq!(pass.len(), 24);
        assert!(pass.chars().all(|c| c.is_ascii_alphanumeric()), "{pass}");
    }
    assert_ne!(creds[0], creds[1], "each router its own");
    // Kept: asked again, the same ones.
    let again: Vec<(String, String)> = t
        .router_inputs()
        .await
        .unwrap()
        .into_iter()
        .filter_map(|(i, _)| i.connection_request)
        .collect();
    assert_eq!(again, creds);
}

/// Two evaluations that both found a problem new (the desktop and `acsdesk watch` at
/// once) raise it once: the schema keeps one active alert per problem, the second
/// raise is told so (and notifies nobody), and a resolved alert's history stays.
#[tokio::test]
async fn a_problem_raised_by_two_evaluations_at_once_is_one_alert() {
    use crate::alerts::reconcile::Change;
    use crate::alerts::{AlertKey, AlertKind, Problem, Severity, Subject};
    let (_dir, _ws, t) = acme().await;
    let problem = Problem {
        key: AlertKey {
            kind: AlertKind::DeviceOffline,
            subject: Subject::Device("A-B-C".into()),
        },
        severity: Severity::Critical,
        since_ms: NOW,
        message: "A-B-C has been offline for 10 min".into(),
    };
    let raise = [Change::Raise(problem.clone())];
    let (first, second) = tokio::join!(
        t.apply_alert_changes(&raise, NOW),
        t.apply_alert_changes(&raise, NOW)
    );
    let (first, second) = (first.unwrap(), second.unwrap());
    let raised: Vec<i64> = first.iter().chain(&second).flatten().copied().collect();
    assert_eq!(raised.len(), 1, "{first:?} {second:?}");
    let active = t.alert_records(0).await.unwrap();
    assert_eq!(active.len(), 1, "{active:?}");
    // The schema itself refuses a second active alert for the problem.
    let dup = sqlx::query(
        "INSERT INTO alerts (kind, subject_type, subject_id, severity, state, message, first_seen_ms, last_seen_ms)
         VALUES ('device_offline', 'device', 'A-B-C', 'critical', 'acknowledged', 'x', 1, 1)",
    )
    .execute(t.pool())
    .await;
    assert!(dup.is_err(), "a second active alert was accepted");
    // Resolved, it is history: the problem may be raised anew.
    sqlx::query("UPDATE alerts SET state = 'resolved', resolved_ms = ?")
        .bind(NOW)
        .execute(t.pool())
        .await
        .unwrap();
    let again = t.apply_alert_changes(&raise, NOW + 1).await.unwrap();
    assert!(again[0].is_some());
}

/// The overview's counts: alerts raised land in the span holding their first sighting
/// (a span's end is the next one's start), kinds and action statuses count only since
/// the period's start, and routers group by vendor, model and firmware with presence.
#[tokio::test]
async fn the_report_counts_alerts_per_span_and_routers_per_model() {
    use crate::alerts::reconcile::Change;
    use crate::alerts::{AlertKey, AlertKind, Problem, Severity, Subject};
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).await.unwrap();
    let (url, _nbi) = fake_nbi(fixture_docs("devices-all.json")).await;
    let t = synced_tenant(&ws, "Acme", &url).await;
    let raise = |kind, device: &str, since_ms| {
        Change::Raise(Problem {
            key: AlertKey {
                kind,
                subject: Subject::Device(device.into()),
            },
            severity: Severity::Warning,
            since_ms,
            message: "test".into(),
        })
    };
    let hour = 3_600_000;
    t.apply_alert_changes(
        &[
            raise(AlertKind::HighCpu, "A", NOW - 30 * hour),
            raise(AlertKind::HighCpu, "B", NOW - 24 * hour),
            raise(AlertKind::DeviceOffline, "C", NOW - hour),
            raise(AlertKind::DeviceOffline, "D", NOW),
        ],
        NOW,
    )
    .await
    .unwrap();
    let spans = [
        (NOW - 48 * hour, NOW - 24 * hour),
        (NOW - 24 * hour, NOW),
        (NOW, NOW + 24 * hour),
    ];
    assert_eq!(t.alerts_raised_in(&spans).await.unwrap(), [1, 2, 1]);
    assert!(t.alerts_raised_in(&[]).await.unwrap().is_empty());
    assert_eq!(
        t.alert_kinds_since(NOW - 24 * hour).await.unwrap(),
        [("device_offline".to_owned(), 2), ("high_cpu".to_owned(), 1)]
    );
    let rows = t.fleet_by_model_and_firmware().await.unwrap();
    let listed = t
        .list_devices(&DeviceFilter::default(), DeviceSort::default(), 0, 1)
        .await
        .unwrap();
    assert_eq!(rows.iter().map(|r| r.total).sum::<u64>(), listed.fleet);
    assert_eq!(rows.iter().map(|r| r.online).sum::<u64>(), listed.online);
    assert!(rows
        .iter()
        .all(|r| !r.product_class.is_empty() && r.online <= r.total));
    assert!(t.actions_by_status_since(NOW).await.unwrap().is_empty());
}

/// Every connection of the tenant's pool stops the database growing past `pages` (at
/// least its size now), as a full disk does; `None` lifts it.
async fn limit_pages(t: &TenantStore, pages: Option<i64>) {
    let mut held = Vec::new();
    for _ in 0..4 {
        let mut c = t.pool().acquire().await.unwrap();
        let n = pages.unwrap_or(1_073_741_823);
        sqlx::query(&format!("PRAGMA max_page_count = {n}"))
            .execute(&mut *c)
            .await
            .unwrap();
        held.push(c);
    }
}

/// A full disk (SQLite's size limit, hit as a full disk is) refuses a write whole with a
/// clear error — no setting half-written, a first sync of a connection kept consistent
/// — and once there is room the same writes go through, each device once.
#[tokio::test]
async fn a_full_disk_refuses_writes_whole_with_a_clear_error() {
    let (_dir, _ws, t) = acme().await;
    let docs = fixture_docs("devices-all.json");
    let (url, _nbi) = fake_nbi(docs.clone()).await;
    t.add_acs(&acs("main", &url), NOW).await.unwrap();
    t.set_setting("kept", "before").await.unwrap();
    let pages: i64 = sqlx::query_scalar("PRAGMA page_count")
        .fetch_one(t.pool())
        .await
        .unwrap();
    limit_pages(&t, Some(pages)).await;
    let big = "x".repeat(256 * 1024);
    let err = t.set_setting("big", &big).await.unwrap_err();
    assert!(matches!(err, StoreError::DiskFull(_)), "{err:?}");
    let said = acsdesk_types::IpcError::from(err).message;
    assert!(
        said.starts_with("the disk is full") && said.contains("nothing was changed"),
        "{said}"
    );
    assert_eq!(
        t.setting("big").await.unwrap(),
        None,
        "nothing half-written"
    );
    assert_eq!(t.setting("kept").await.unwrap().as_deref(), Some("before"));
    let source = NbiSource::new(acsdesk_genieacs::Client::builder(&url).build().unwrap());
    let sink = t.sync_store("main").await.unwrap();
    let failed = sync_once(&source, &sink, &SyncOptions::default(), NOW, |_| {}).await;
    assert!(
        matches!(
            failed,
            Err(crate::sync::SyncError::Store(StoreError::DiskFull(_)))
        ),
        "{failed:?}"
    );
    let listed = |t: TenantStore| async move {
        t.list_devices(&DeviceFilter::default(), DeviceSort::default(), 0, 1000)
            .await
            .unwrap()
    };
    let during = listed(t.clone()).await;
    assert!(during.fleet < docs.len() as u64, "{}", during.fleet);
    limit_pages(&t, None).await;
    t.set_setting("big", &big).await.unwrap();
    sync_once(&source, &sink, &SyncOptions::default(), NOW + 1, |_| {})
        .await
        .unwrap();
    let after = listed(t.clone()).await;
    assert_eq!(after.fleet, docs.len() as u64);
    let mut ids: Vec<&str> = after.rows.iter().map(|r| r.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), docs.len(), "each device once");
}

/// Landed migrations are never edited (a database that ran the old text would differ
/// from one that runs the new): each one's checksum is pinned here when it lands.
#[test]
fn landed_migrations_are_never_edited() {
    use sha2::{Digest, Sha256};
    const PINNED: &[(&str, &str)] = &[
        (
            "app/0001_app.sql",
            "d6d62c55677a1b82f00387877c1122a82a177c6a4950813649e330bd49a856f3",
        ),
        (
            "app/0002_rekey.sql",
            "8ad9e40c540a922cab52267c43b07d37b4051571d856b8061d214f36b14d814e",
        ),
        (
            "tenant/0001_tenant.sql",
            "40bcf041df26a19a5f322817715e4e8471f42de662e48bf15ff6554da1f61645",
        ),
        (
            "tenant/0002_device_list_indices.sql",
            "dc5527f5548e40c1890c9ff97042bd13dedc2f06c9bdeac34510f7e44693a036",
        ),
        (
            "tenant/0003_subscribers.sql",
            "0b58482b41e2ab0036b9cfb2113d17d798b561aef5fac9dc927ad176d7dd2fe2",
        ),
        (
            "tenant/0004_narrow_device_rows.sql",
            "5a79f187b5077b7ec67186005bd0414ccdad80e9c7e7f98d14f8b85c58fefa65",
        ),
        (
            "tenant/0005_sync_schedule.sql",
            "706fb0f68f63b5e6edb72702d36b6735778eaf3bf83951e81507ff72498ee3a3",
        ),
        (
            "tenant/0006_action_evidence.sql",
            "b0ef9aba2d4e3e5e64500565afc20bf69fdc4f3b027973ba32f47a64faea43f3",
        ),
        (
            "tenant/0007_alerting.sql",
            "eba03f1b84431784c40b21473e9d87c0152fc794e1aed249853039805fbd2ac5",
        ),
        (
            "tenant/0008_default_list_index.sql",
            "36ca298d568ab735b6b131bcebad76daada212a37da8f08880433e653a1b21ac",
        ),
        (
            "tenant/0009_router_credentials.sql",
            "77f4f1fd9213563224ee8d70d76d69b89676a0c5181106c2617e707bc033de5a",
        ),
        (
            "tenant/0010_one_active_alert.sql",
            "eb2c3fc79b56917df84eb8241f0c810f1f85796943569d551afd5a19ecdfbe41",
        ),
        (
            "tenant/0011_action_leases.sql",
            "e177a9f9d1099cf656025a07b9142dfcfc2f5c08975afadd852683deb475ae93",
        ),
        (
            "tenant/0012_acs_removal.sql",
            "8cac8009c23d9040eafb472c372ae62bc773d72f36206dac0c1bb9d4b8ba5dc0",
        ),
        (
            "tenant/0013_alert_outbox.sql",
            "c70d3fffcd4ffd7c57281f8ff8d98c308e27ed86517c25ce06fa44720d82a243",
        ),
        (
            "tenant/0014_device_vendor.sql",
            "727c3a79f75e725c5c107ad30d312e4366b446f8d218b968b215b24c53c57823",
        ),
        (
            "tenant/0015_action_stage.sql",
            "e8b1acbd014b5f40e8d5135fe392fdb56ab107644eb5bc2de5d65d6972b5434c",
        ),
        (
            "tenant/0016_rollouts.sql",
            "b374591a98f624d96871d529b27d5d95375c098964012279de3df284d89dc256",
        ),
        (
            "tenant/0017_rollout_pace.sql",
            "f08da65429887d2522464e689a72e815ed57d3cc4eaa318308621955abb4a8ac",
        ),
        (
            "tenant/0018_diagnostics.sql",
            "6c172ad17d3711a1803c4b38e08b630ab97c41dfc535f45e28652ac6a8b741a9",
        ),
        (
            "tenant/0019_diagnostics_by_action.sql",
            "a2d3b47f64b8052c1b30fa8f288345453755dd7e19fd453024ad9136c7890c47",
        ),
        (
            "tenant/0020_optical_power.sql",
            "e4871ff83a7b596073c605d47ca87df69cd84e671d8f63ecd4bd6fe549267294",
        ),
        (
            "tenant/0021_wifi_clients.sql",
            "4effd81564e5e306eae7880ccaf814c3ed8da867a091bc6c3dcdafdda46cf058",
        ),
        (
            "tenant/0022_device_not_fetched.sql",
            "eab870a267531a68c795b0d6da487419ca081db34b2b0c59281d928488d6a2fb",
        ),
        (
            "tenant/0023_acs_header_token.sql",
            "578d9aa87f91f5558aa55dae1b8c70141b74b04665f2ef12c525eecf2da57849",
        ),
    ];
    let root = acsdesk_captures::repo_root().join("migrations");
    let mut found = Vec::new();
    for dir in ["app", "tenant"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if name.ends_with(".sql") {
                found.push(format!("{dir}/{name}"));
            }
        }
    }
    found.sort();
    let pinned: Vec<String> = PINNED.iter().map(|(f, _)| (*f).to_owned()).collect();
    assert_eq!(
        found, pinned,
        "a migration was added or removed: pin the new one's checksum here when it lands"
    );
    for (file, want) in PINNED {
        let text = std::fs::read(root.join(file)).unwrap();
        let got = hex::encode(Sha256::digest(&text));
        assert_eq!(
            &got, want,
            "{file} was edited after it landed: add a new migration instead"
        );
    }
}

/// A committed claim survives a power cut: every tenant connection syncs its commits to
/// disk (synchronous = FULL), not only at checkpoints.
#[tokio::test]
async fn tenant_commits_reach_the_disk_before_they_return() {
    let (_dir, _ws, t) = acme().await;
    // Every connection of the pool, not only the first.
    let mut held = Vec::new();
    for _ in 0..3 {
        let mut conn = t.pool().acquire().await.unwrap();
        let level: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert_eq!(level, 2, "synchronous = FULL");
        held.push(conn);
    }
}

/// A transaction that reads and then writes never fails with "database is locked" when
/// another connection wrote in between: the store's transactions take the write lock at
/// once, and the other writer waits its turn.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_then_write_transaction_waits_its_turn_instead_of_failing() {
    let (_dir, _ws, t) = acme().await;
    let mut tx = t.write_tx().await.unwrap();
    let before: i64 = sqlx::query_scalar("SELECT count(*) FROM settings")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    // Another writer meanwhile.
    let other = t.clone();
    let writer = tokio::spawn(async move { other.set_setting("meanwhile", "1").await });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    sqlx::query("INSERT INTO settings (key, value) VALUES ('mine', ?)")
        .bind(before.to_string())
        .execute(&mut *tx)
        .await
        .expect("the transaction's write goes through");
    tx.commit().await.unwrap();
    writer
        .await
        .unwrap()
        .expect("the other writer waited and wrote");
    assert_eq!(t.setting("meanwhile").await.unwrap().as_deref(), Some("1"));
}

#[test]
fn credentials_over_plain_http_to_another_machine_are_warned_about() {
    use super::acs::cleartext_warning;
    let w = cleartext_warning("http://acs.example.net:7557", "basic").unwrap();
    assert!(
        w.contains("in clear") && w.contains("acs.example.net") && w.contains("https://"),
        "{w}"
    );
    assert!(cleartext_warning("http://10.0.0.5:7557/", "token").is_some());
    assert!(cleartext_warning("http://[2001:db8::1]:7557", "basic").is_some());
    // No credentials, TLS, or this machine: nothing travels in clear elsewhere.
    assert_eq!(
        cleartext_warning("http://acs.example.net:7557", "none"),
        None
    );
    assert_eq!(
        cleartext_warning("https://acs.example.net:7557", "basic"),
        None
    );
    for local in [
        "http://127.0.0.1:7557",
        "http://localhost:7557",
        "http://[::1]:7557",
        "http://LOCALHOST",
    ] {
        assert_eq!(cleartext_warning(local, "basic"), None, "{local}");
    }
}

/// A crash left a write-ahead log beside the tenant: a wrong key neither replays it into
/// the database file nor removes it (several tries, since the checkpoint SQLite makes on
/// closing depends on timing); the right key then finds the logged write.
#[tokio::test]
async fn a_wrong_key_leaves_a_crashed_tenant_s_log_and_file_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).await.unwrap();
    let t = ws
        .create_tenant("Acme", KeyChoice::Passphrase("right one".into()), NOW)
        .await
        .unwrap();
    let tenants = dir.path().join("tenants");
    let file = tenant_file(dir.path());
    let wal = file.with_extension("db-wal");
    t.set_setting("crash_test", "logged").await.unwrap();
    // The files as a crash would leave them: the write only in the log.
    let (db_then, wal_then) = (std::fs::read(&file).unwrap(), std::fs::read(&wal).unwrap());
    assert!(!wal_then.is_empty());
    t.close().await;
    // SQLite removes the log when its last connection is gone, on the pool's own
    // thread: give it that time before putting the crash's files back (a CI machine
    // running the whole suite at once was seen to take over 2 s, once over 10). What this
    // test is about starts below, whether the log went or not: the pool is closed, and
    // the files are written over either way.
    for _ in 0..3000 {
        if !wal.exists() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    for _ in 0..6 {
        std::fs::write(&file, &db_then).unwrap();
        std::fs::write(&wal, &wal_then).unwrap();
        let _ = std::fs::remove_file(file.with_extension("db-shm"));
        match ws.open_tenant("Acme", Some("wrong one")).await {
            Err(StoreError::WrongKey(_)) => {}
            other => panic!("expected WrongKey, got {other:?}"),
        }
        assert!(
            std::fs::read(&file).unwrap() == db_then,
            "the database file is untouched"
        );
        let now_wal = std::fs::read(&wal);
        assert!(
            now_wal.as_ref().is_ok_and(|w| *w == wal_then),
            "the log is neither replayed nor removed: {:?} vs {} bytes; dir {:?}",
            now_wal.as_ref().map(|w| w.len()),
            wal_then.len(),
            std::fs::read_dir(&tenants)
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .collect::<Vec<_>>()
        );
    }
    let t = ws.open_tenant("Acme", Some("right one")).await.unwrap();
    assert_eq!(
        t.setting("crash_test").await.unwrap().as_deref(),
        Some("logged")
    );
}

/// A backup made while the tenant is in use is a still-encrypted, checked copy; a
/// restore checks the file first (another tenant's key, damage) and changes nothing
/// when it fails; a good one brings the data back as it was.
#[tokio::test]
async fn a_tenant_is_backed_up_while_in_use_and_restored_after_checks() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).await.unwrap();
    let (url, _) = fake_nbi(fixture_docs("devices-all.json")).await;
    let t = synced_tenant(&ws, "Acme ISP", &url).await;
    let devices = t
        .list_devices(&DeviceFilter::default(), DeviceSort::default(), 0, 1)
        .await
        .unwrap()
        .total;
    assert!(devices > 10);
    let dest = ws.backup_dir().join("acme.db");
    let made = t.backup_to(&dest).await.unwrap();
    assert_eq!((made.devices, made.path.clone()), (devices, dest.clone()));
    let bytes = std::fs::read(&dest).unwrap();
    assert!(
        !contains(&bytes, "SQLite format 3") && !contains(&bytes, "202BC1-BM632w"),
        "still encrypted"
    );
    let err = t.backup_to(&dest).await.unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
    // Changed after the backup.
    t.set_setting("after_backup", "yes").await.unwrap();
    // Another tenant's backup does not open with this tenant's key: nothing replaced.
    let other = ws
        .create_tenant("Other", KeyChoice::Passphrase("other pw".into()), NOW)
        .await
        .unwrap();
    let foreign = ws.backup_dir().join("other.db");
    other.backup_to(&foreign).await.unwrap();
    let before = db_bytes(dir.path());
    match ws.restore_tenant(t.clone(), &foreign).await {
        Err(StoreError::WrongKey(_)) => {}
        other => panic!("expected WrongKey, got {other:?}"),
    }
    // A damaged copy: refused as damaged (or undecryptable), nothing replaced.
    let mut broken = bytes.clone();
    let at = broken.len() / 2;
    for b in &mut broken[at..at + 64] {
        *b ^= 0x5a;
    }
    let damaged = ws.backup_dir().join("damaged.db");
    std::fs::write(&damaged, &broken).unwrap();
    let err = ws.restore_tenant(t.clone(), &damaged).await.unwrap_err();
    assert!(
        matches!(err, StoreError::Damaged(_) | StoreError::WrongKey(_)),
        "{err:?}"
    );
    assert_eq!(
        db_bytes(dir.path()),
        before,
        "a refused restore changes nothing"
    );
    assert_eq!(
        t.setting("after_backup").await.unwrap().as_deref(),
        Some("yes")
    );
    // The real one: the data as it was at the backup.
    let (t, summary) = ws.restore_tenant(t, &dest).await.unwrap();
    assert_eq!(summary.devices, devices);
    assert_eq!(t.setting("after_backup").await.unwrap(), None);
    assert_eq!(
        t.list_devices(&DeviceFilter::default(), DeviceSort::default(), 0, 1)
            .await
            .unwrap()
            .total,
        devices
    );
    assert_eq!(
        t.reveal_acs_secret("main")
            .await
            .unwrap()
            .as_ref()
            .map(|s| s.expose()),
        Some("acs-pass-XYZZY")
    );
}

/// A tenant file damaged on disk is refused on open with a clear message, untouched.
#[tokio::test]
async fn a_damaged_tenant_file_is_reported_on_open_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).await.unwrap();
    let (url, _) = fake_nbi(fixture_docs("devices-all.json")).await;
    let t = synced_tenant(&ws, "Acme ISP", &url).await;
    t.close().await;
    let file = tenant_file(dir.path());
    let mut bytes = std::fs::read(&file).unwrap();
    let at = bytes.len() / 2;
    for b in &mut bytes[at..at + 64] {
        *b ^= 0x5a;
    }
    std::fs::write(&file, &bytes).unwrap();
    let err = ws
        .open_tenant("Acme ISP", Some("tenant passphrase"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Damaged(_)), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("damaged") && msg.contains("Acme ISP") && msg.contains("restore"),
        "{msg}"
    );
    assert_eq!(std::fs::read(&file).unwrap(), bytes, "left as it was");
}

/// Devices synced before the vendor column existed get their vendor when the tenant
/// opens; the list filters on it in any case.
#[tokio::test]
async fn vendors_are_named_by_the_registry_and_filled_in_for_older_rows() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).await.unwrap();
    let (url, _) = fake_nbi(fixture_docs("devices-all.json")).await;
    let t = synced_tenant(&ws, "Acme ISP", &url).await;
    let filter = |v: &str| DeviceFilter {
        vendor: Some(v.into()),
        ..DeviceFilter::default()
    };
    let huawei = t
        .list_devices(&filter("huawei"), DeviceSort::default(), 0, 1000)
        .await
        .unwrap();
    assert!(huawei.total > 0);
    assert!(huawei
        .rows
        .iter()
        .all(|r| r.vendor.as_deref() == Some("Huawei")));
    // As a tenant synced by an older AcsDesk would be.
    sqlx::query("UPDATE devices SET vendor = NULL")
        .execute(t.pool())
        .await
        .unwrap();
    t.close().await;
    let t = ws
        .open_tenant("Acme ISP", Some("tenant passphrase"))
        .await
        .unwrap();
    let again = t
        .list_devices(&filter("HUAWEI"), DeviceSort::default(), 0, 1000)
        .await
        .unwrap();
    assert_eq!(again.total, huawei.total);
    let facets = t.facet("vendor").await.unwrap();
    assert!(facets.iter().any(|(v, _)| v == "Huawei"), "{facets:?}");
}

/// A round's counters are the events it logged: devices found offline in the pages
/// count with those the sweep finds.
#[tokio::test]
async fn a_sync_report_counts_every_device_it_logged_going_offline() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(dir.path()).await.unwrap();
    let (url, _) = fake_nbi(fixture_docs("devices-all.json")).await;
    let t = synced_tenant(&ws, "Acme ISP", &url).await;
    let sink = t.sync_store("main").await.unwrap();
    let source = NbiSource::new(acsdesk_genieacs::Client::builder(&url).build().unwrap());
    let offline_logs = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM device_logs WHERE kind = 'offline'")
            .fetch_one(t.pool())
            .await
            .unwrap()
    };
    let before = offline_logs().await;
    let later = NOW + 3 * 3_600_000;
    let options = SyncOptions {
        force_full: true,
        ..SyncOptions::default()
    };
    let report = sync_once(&source, &sink, &options, later, |_| {})
        .await
        .unwrap();
    let logged = offline_logs().await - before;
    assert!(logged > 0, "the fixture's devices are hours old by now");
    assert_eq!(report.went_offline, logged as u64, "{report:?}");
}

/// A writer cancelled while its transaction begins — a background task aborted when the
/// tenant changes — leaves nothing open behind: the next write neither waits for a lock
/// nobody releases nor lands in a transaction nobody commits. The runtime's thread is
/// held between polls (as a busy runtime holds it) so that, at one of the tries, sqlx's
/// worker has run the `BEGIN` and answered when the writer is cancelled.
#[tokio::test]
async fn a_writer_cancelled_while_its_transaction_begins_leaves_no_lock_behind() {
    let (_dir, ws, t) = acme().await;
    for polls in 1..=8 {
        let store = t.clone();
        let writer = tokio::spawn(async move {
            let _tx = store.write_tx().await;
            std::future::pending::<()>().await;
        });
        for _ in 0..polls {
            tokio::task::yield_now().await;
            std::thread::sleep(std::time::Duration::from_millis(30));
        }
        writer.abort();
        assert!(writer.await.is_err_and(|e| e.is_cancelled()));
        let key = format!("after-cancel-{polls}");
        let written = tokio::time::timeout(std::time::Duration::from_secs(5), async {
            let mut tx = t.write_tx().await?;
            sqlx::query("INSERT INTO settings (key, value) VALUES (?, 'kept')")
                .bind(&key)
                .execute(&mut *tx)
                .await?;
            tx.commit().await
        })
        .await;
        assert!(
            matches!(written, Ok(Ok(()))),
            "after a writer cancelled at poll {polls}: {written:?}"
        );
        // Committed for everyone: another pool on the same file reads it.
        let other = ws.open_tenant("Acme", Some("pw")).await.unwrap();
        assert_eq!(
            other.setting(&key).await.unwrap().as_deref(),
            Some("kept"),
            "cancelled at poll {polls}"
        );
        other.close().await;
    }
}
