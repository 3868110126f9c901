//! The generated provisions and presets, run by the sandbox as GenieACS runs them, on a
//! factory-fresh router of every simulated vendor.

use super::*;
use crate::testkit::genie;
use acsdesk_sandbox::{Sandbox, SandboxHandle};

const T0: i64 = 1_795_467_600_000;

fn input(account: &str, serial: &str) -> RouterInput {
    RouterInput {
        account: account.into(),
        name: "Ana Ruiz".into(),
        phone: Some("+34 600 112 233".into()),
        serial: serial.into(),
        pppoe_username: Some(format!("sub{account}@isp")),
        pppoe_password: Some("pppoe-secret-1".into()),
        wifi_ssid: Some(format!("Casa-{account}")),
        wifi_password: Some("wifi-secret-22".into()),
        connection_request: None,
    }
}

async fn sandbox() -> SandboxHandle {
    Sandbox::builder(T0)
        .devices(2)
        .seed(3)
        .speed(0.0)
        .start()
        .await
        .expect("sandbox")
}

async fn get(c: &reqwest::Client, url: String) -> Value {
    c.get(url)
        .send()
        .await
        .expect("answer")
        .json()
        .await
        .expect("json")
}

async fn install(s: &SandboxHandle, profile: &ProvisioningProfile, routers: &[RouterConfig]) {
    let client = genie(&s.url());
    let mut desired = shared_objects(profile);
    desired.extend(routers.iter().map(RouterConfig::preset));
    let changes = plan(&desired, &[], &[], false);
    assert_eq!(
        apply(&client, &changes).await.expect("installed"),
        desired.len()
    );
}

/// The router's document, and what it ran.
async fn router(s: &SandboxHandle, id: &str) -> (Value, Vec<Value>) {
    let c = reqwest::Client::new();
    let q = serde_json::json!({ "_id": id }).to_string();
    let enc = |t: &str| {
        percent_encoding::utf8_percent_encode(t, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    let docs = get(&c, format!("{}/devices/?query={}", s.url(), enc(&q))).await;
    let ran = get(
        &c,
        format!("{}/_sandbox/devices/{}/executed", s.url(), enc(id)),
    )
    .await;
    let ran = ran
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|e| e["name"] == "provision")
        .collect();
    (docs[0].clone(), ran)
}

fn at<'a>(doc: &'a Value, path: &str) -> &'a Value {
    path.split('.').fold(doc, |v, k| &v[k])
}

async fn first_contact(s: &SandboxHandle, vendor: &str, serial: &str) -> String {
    let r: Value = reqwest::Client::new()
        .post(format!(
            "{}/_sandbox/devices/new?vendor={vendor}&serial={serial}",
            s.url()
        ))
        .send()
        .await
        .expect("answer")
        .json()
        .await
        .expect("json");
    r["_id"].as_str().expect("an id").to_owned()
}

#[tokio::test]
async fn every_vendor_is_configured_at_first_contact_once_and_then_monitored() {
    let s = sandbox().await;
    let profile = ProvisioningProfile {
        ssid_5ghz_suffix: "-5G".into(),
        ..ProvisioningProfile::default()
    };
    let cases = [
        (
            "huawei",
            "48575443C0FFEE01",
            "InternetGatewayDevice.WANDevice.1.WANConnectionDevice.2.WANPPPConnection.1.Username",
            "InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.SSID",
            "InternetGatewayDevice.DeviceInfo.X_HW_CpuUsed",
        ),
        (
            "zte",
            "ZTEG0C0FFEE2",
            "",
            "InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.SSID",
            "InternetGatewayDevice.DeviceInfo.UpTime",
        ),
        (
            "tp-link",
            "2200C0FFEE3",
            "",
            "InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.SSID",
            "InternetGatewayDevice.DeviceInfo.UpTime",
        ),
        (
            "mikrotik",
            "HGC0FFEE04",
            "Device.PPP.Interface.1.Username",
            "Device.WiFi.SSID.1.SSID",
            "Device.DeviceInfo.ProcessStatus.CPUUsage",
        ),
    ];
    let configs: Vec<RouterConfig> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| {
            RouterConfig::build(&profile, &input(&format!("100{i}"), c.1)).expect("valid")
        })
        .collect();
    install(&s, &profile, &configs).await;
    for (i, (vendor, serial, ppp_user, ssid, monitored)) in cases.iter().enumerate() {
        let id = first_contact(&s, vendor, serial).await;
        let (doc, ran) = router(&s, &id).await;
        // At first contact the bootstrap provision finds no AcsDesk tag to forget.
        assert_eq!(ran[0]["provision"], BOOTSTRAP, "{vendor}: {ran:?}");
        assert_eq!(ran[0]["log"], json!([]), "{vendor}");
        let ran = &ran[1..];
        let cfg = &ran[0];
        assert_eq!(cfg["provision"], CONFIGURE, "{vendor}: {ran:?}");
        assert!(cfg["fault"].is_null(), "{vendor}: {cfg}");
        if !ppp_user.is_empty() {
            assert_eq!(
                at(&doc, &format!("{ppp_user}._value")),
                &json!(format!("sub100{i}@isp")),
                "{vendor}"
            );
        }
        assert_eq!(
            at(&doc, &format!("{ssid}._value")),
            &json!(format!("Casa-100{i}")),
            "{vendor}"
        );
        let set: Vec<&str> = cfg["set"]
            .as_array()
            .expect("set")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert!(
            set.iter().any(|p| p.ends_with(".Password")),
            "{vendor}: {set:?}"
        );
        assert!(
            set.iter()
                .any(|p| p.contains("KeyPassphrase") || p.contains("PreSharedKey")),
            "{vendor}: {set:?}"
        );
        assert!(
            set.iter()
                .any(|p| p.ends_with(".SSID") && !p.ends_with("1.SSID")),
            "{vendor}: the 5 GHz network too: {set:?}"
        );
        assert_eq!(doc["_tags"], json!(configs[i].tags()), "{vendor}");
        // The boot preset refreshed the monitored values at first contact already.
        assert!(
            !at(&doc, &format!("{monitored}._value")).is_null(),
            "{vendor}: {doc}"
        );
        assert_eq!(ran[1]["provision"], MONITOR, "{vendor}");
    }
    // An hour on: each router informed at least once; the configuration did not run
    // again (no secret re-sent), the monitoring ran and refreshed its values.
    s.advance(3_700_000);
    for (vendor, serial, _, _, monitored) in &cases {
        let id = s
            .device_ids()
            .into_iter()
            .find(|d| d.ends_with(serial))
            .expect("known");
        let (doc, ran) = router(&s, &id).await;
        let names: Vec<&str> = ran.iter().filter_map(|r| r["provision"].as_str()).collect();
        assert_eq!(
            names.iter().filter(|n| **n == CONFIGURE).count(),
            1,
            "{vendor}: {names:?}"
        );
        assert!(names.contains(&MONITOR), "{vendor}: {names:?}");
        assert!(
            ran.iter().all(|r| r["fault"].is_null()),
            "{vendor}: {ran:?}"
        );
        let ts = at(&doc, &format!("{monitored}._timestamp"))
            .as_str()
            .and_then(acsdesk_time::parse_iso)
            .unwrap_or_else(|| panic!("{vendor}: {monitored} refreshed: {doc}"));
        assert!(
            s.clock().now_ms() - ts < 400_000,
            "{vendor}: refreshed at a recent inform"
        );
        let interval = if doc["Device"].is_object() {
            "Device"
        } else {
            "InternetGatewayDevice"
        };
        assert_eq!(
            at(
                &doc,
                &format!("{interval}.ManagementServer.PeriodicInformInterval._value")
            ),
            &json!(300),
            "{vendor}"
        );
    }
}

#[tokio::test]
async fn a_router_already_known_gets_a_change_at_its_next_inform_and_only_once() {
    let s = sandbox().await;
    let profile = ProvisioningProfile::default();
    let id = s.device_ids().into_iter().next().expect("a router");
    let serial = id.rsplit('-').next().expect("serial").to_owned();
    let first = RouterConfig::build(&profile, &input("2001", &serial)).expect("valid");
    install(&s, &profile, std::slice::from_ref(&first)).await;
    s.advance(700_000);
    let (doc, ran) = router(&s, &id).await;
    assert_eq!(doc["_tags"], json!(first.tags()));
    assert_eq!(
        ran.iter().filter(|r| r["provision"] == CONFIGURE).count(),
        1
    );
    // The subscriber's WiFi passphrase changes: a new version, applied once, and the
    // old tag gives way to the new.
    let mut changed = input("2001", &serial);
    changed.wifi_password = Some("another-secret-3".into());
    let second = RouterConfig::build(&profile, &changed).expect("valid");
    assert_ne!(second.version, first.version);
    let client = genie(&s.url());
    let presets = client
        .config(acsdesk_genieacs::api::config::ConfigKind::Presets)
        .list()
        .await
        .expect("list");
    let provisions = client
        .config(acsdesk_genieacs::api::config::ConfigKind::Provisions)
        .list()
        .await
        .expect("list");
    let mut desired = shared_objects(&profile);
    desired.push(second.preset());
    let changes = plan(&desired, &presets, &provisions, true);
    let steps: Vec<(&str, Step)> = changes.iter().map(|c| (c.name.as_str(), c.step)).collect();
    assert!(
        steps.contains(&(router_preset_name(&serial).as_str(), Step::Update)),
        "{steps:?}"
    );
    let update = changes
        .iter()
        .find(|c| c.step == Step::Update)
        .expect("an update");
    let shown = update.diff.as_deref().unwrap_or_default();
    assert!(shown.contains(&second.version), "{shown}");
    assert!(
        !shown.contains("another-secret-3") && !shown.contains("wifi-secret-22"),
        "{shown}"
    );
    apply(&client, &changes).await.expect("applied");
    s.advance(1_400_000);
    let (doc, ran) = router(&s, &id).await;
    assert_eq!(doc["_tags"], json!(second.tags()));
    let runs: Vec<&Value> = ran.iter().filter(|r| r["provision"] == CONFIGURE).collect();
    assert_eq!(runs.len(), 2);
    // Only the WiFi changed: its passphrase is written again, the PPPoE credentials are
    // not (the customer's PPP session is not cut for a WiFi password).
    let set = runs[1]["set"].to_string();
    assert!(
        set.contains("KeyPassphrase") || set.contains("PreSharedKey"),
        "{set}"
    );
    assert!(
        !set.contains("Username") && !set.contains(".Password"),
        "{set}"
    );
    assert_eq!(first.ppp_version, second.ppp_version);
    assert!(!second.rewrites_ppp(&first.tags()));
    assert!(first.rewrites_ppp(&[]));
}

#[test]
fn versions_follow_the_values_and_bad_values_are_refused_by_field() {
    let profile = ProvisioningProfile::default();
    let a = RouterConfig::build(&profile, &input("1", "S1")).expect("valid");
    let again = RouterConfig::build(&profile, &input("1", "S1")).expect("valid");
    assert_eq!(
        a.version, again.version,
        "the same values, the same version"
    );
    let mut other = input("1", "S1");
    other.pppoe_password = Some("changed".into());
    assert_ne!(
        RouterConfig::build(&profile, &other)
            .expect("valid")
            .version,
        a.version
    );
    let shown = a.masked().to_string();
    assert!(
        !shown.contains("pppoe-secret-1") && !shown.contains("wifi-secret-22"),
        "{shown}"
    );
    assert!(
        shown.contains("sub1@isp") && shown.contains("Casa-1"),
        "{shown}"
    );
    assert!(!format!("{a:?}").contains("secret"));

    let mut bad = input("1", "S1");
    bad.wifi_ssid = Some("x".repeat(40));
    assert_eq!(
        RouterConfig::build(&profile, &bad).unwrap_err().field,
        "wifi_ssid"
    );
    let mut bad = input("1", "S1");
    bad.wifi_password = Some("short".into());
    assert_eq!(
        RouterConfig::build(&profile, &bad).unwrap_err().field,
        "wifi_password"
    );
    let mut bad = input("1", "S1");
    bad.pppoe_username = None;
    assert_eq!(
        RouterConfig::build(&profile, &bad).unwrap_err().field,
        "pppoe_username"
    );
    // A pattern that the suffix would push past 32 bytes is refused too.
    let long = ProvisioningProfile {
        ssid_pattern: Some("{name}-{account}-home-network-wifi-xx".into()),
        ssid_5ghz_suffix: "-5G".into(),
        ..ProvisioningProfile::default()
    };
    assert_eq!(
        RouterConfig::build(&long, &input("1", "S1"))
            .unwrap_err()
            .field,
        "wifi_ssid"
    );
    let patterned = ProvisioningProfile {
        ssid_pattern: Some("Net-{serial_last4}".into()),
        passphrase_pattern: Some("{account}-{phone_last4}-wifi".into()),
        ..ProvisioningProfile::default()
    };
    let p = RouterConfig::build(&patterned, &input("77", "ABC12345")).expect("valid");
    assert_eq!(p.ssid.as_deref(), Some("Net-2345"));
}

#[test]
fn a_plan_touches_only_what_is_named_like_acsdesk() {
    let profile = ProvisioningProfile::default();
    let desired = shared_objects(&profile);
    let presets = vec![
        json!({"_id": "default", "channel": "default"}),
        json!({"_id": "acsdesk-cfg-OLD1", "channel": CONFIG_CHANNEL}),
        json!({"_id": MONITOR, "weight": 1}),
    ];
    let provisions = vec![
        json!({"_id": "inform", "script": "x"}),
        json!({"_id": MONITOR, "script": scripts::monitor(&profile.monitoring)}),
    ];
    let steps: Vec<(Kind, String, Step)> = plan(&desired, &presets, &provisions, true)
        .into_iter()
        .map(|c| (c.kind, c.name, c.step))
        .collect();
    assert!(steps.contains(&(Kind::Provision, CONFIGURE.into(), Step::Create)));
    assert!(steps.contains(&(Kind::Provision, MONITOR.into(), Step::Unchanged)));
    assert!(steps.contains(&(Kind::Preset, MONITOR.into(), Step::Update)));
    assert!(steps.contains(&(Kind::Preset, "acsdesk-cfg-OLD1".into(), Step::Remove)));
    assert!(!steps
        .iter()
        .any(|(_, n, _)| n == "default" || n == "inform"));
    // Uninstall: nothing desired, everything of ours removed.
    let gone: Vec<String> = plan(&[], &presets, &provisions, true)
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(gone, [MONITOR, "acsdesk-cfg-OLD1", MONITOR]);
}

/// A router that is factory-reset after it was configured loses its AcsDesk tags at its
/// bootstrap, so it is configured again — every part, since the reset erased them all.
#[tokio::test]
async fn a_factory_reset_router_loses_its_tags_and_gets_everything_again() {
    let s = sandbox().await;
    let profile = ProvisioningProfile::default();
    let id = s.device_ids().into_iter().next().expect("a router");
    let serial = id.rsplit('-').next().expect("serial").to_owned();
    let first = RouterConfig::build(&profile, &input("2002", &serial)).expect("valid");
    install(&s, &profile, std::slice::from_ref(&first)).await;
    s.advance(700_000);
    let (doc, _) = router(&s, &id).await;
    assert_eq!(doc["_tags"], json!(first.tags()));
    // Confirmed: AcsDesk's sync removes its preset.
    let client = genie(&s.url());
    client
        .config(acsdesk_genieacs::api::config::ConfigKind::Presets)
        .delete(&router_preset_name(&serial))
        .await
        .expect("removed");
    client
        .tasks()
        .create(
            &acsdesk_genieacs::DeviceId::new(&id),
            acsdesk_genieacs::api::tasks::Task::FactoryReset,
        )
        .send()
        .await
        .expect("queued");
    s.advance(1_400_000);
    let (doc, ran) = router(&s, &id).await;
    assert!(
        doc["_tags"].as_array().is_none_or(|t| t.is_empty()),
        "{}",
        doc["_tags"]
    );
    let reset = ran
        .iter()
        .find(|r| r["provision"] == BOOTSTRAP)
        .expect("the bootstrap provision ran");
    assert!(
        reset["events"].to_string().contains("0 BOOTSTRAP"),
        "{reset}"
    );
    assert!(
        reset["log"].to_string().contains("applied again"),
        "{reset}"
    );
    // Untagged, the router awaits its configuration again: AcsDesk's sync writes its
    // preset, and every part is written, the PPPoE credentials included.
    assert!(first.rewrites_ppp(&[]));
    let changes = plan(&[first.preset()], &[], &[], false);
    apply(&client, &changes).await.expect("applied");
    s.advance(1_400_000);
    let (doc, ran) = router(&s, &id).await;
    assert_eq!(doc["_tags"], json!(first.tags()));
    let last = ran
        .iter()
        .rev()
        .find(|r| r["provision"] == CONFIGURE)
        .expect("configured again");
    let set = last["set"].to_string();
    assert!(
        set.contains(".Username") && set.contains(".Password") && set.contains("SSID"),
        "{set}"
    );
}

/// With per-router connection-request credentials, each router gets its own, written
/// once (not again for a WiFi change), never shown; another provision that sets them
/// too is reported.
#[tokio::test]
async fn a_router_gets_its_own_connection_request_credentials_once() {
    let s = sandbox().await;
    let profile = ProvisioningProfile {
        per_router_connection_request: true,
        ..ProvisioningProfile::default()
    };
    let id = s.device_ids().into_iter().next().expect("a router");
    let serial = id.rsplit('-').next().expect("serial").to_owned();
    let mut with_cr = input("2003", &serial);
    with_cr.connection_request = Some(("acs-k3j9x0a1b2".into(), "Zq81LmN0pR4sT7vW2xY5aB9c".into()));
    let first = RouterConfig::build(&profile, &with_cr).expect("valid");
    assert_eq!(
        first.connection_request_username.as_deref(),
        Some("acs-k3j9x0a1b2")
    );
    assert!(!first
        .masked()
        .to_string()
        .contains("Zq81LmN0pR4sT7vW2xY5aB9c"));
    // Off in the profile: the stored credentials are not applied, and the version is the
    // one a router had before the option existed.
    let off = RouterConfig::build(&ProvisioningProfile::default(), &with_cr).expect("valid");
    let without = RouterConfig::build(&ProvisioningProfile::default(), &input("2003", &serial))
        .expect("valid");
    assert_eq!(off.version, without.version);
    assert_eq!(off.connection_request_username, None);
    install(&s, &profile, std::slice::from_ref(&first)).await;
    s.advance(700_000);
    let (doc, ran) = router(&s, &id).await;
    assert_eq!(doc["_tags"], json!(first.tags()));
    let root = if doc.get("Device").is_some() {
        "Device"
    } else {
        "InternetGatewayDevice"
    };
    assert_eq!(
        at(
            &doc,
            &format!("{root}.ManagementServer.ConnectionRequestUsername._value")
        ),
        &json!("acs-k3j9x0a1b2")
    );
    let set = ran
        .iter()
        .find(|r| r["provision"] == CONFIGURE)
        .expect("configured")["set"]
        .to_string();
    assert!(set.contains("ConnectionRequestPassword"), "{set}");
    // A WiFi change later: the credentials are not written again.
    let mut changed = with_cr.clone();
    changed.wifi_ssid = Some("Casa-otra".into());
    let second = RouterConfig::build(&profile, &changed).expect("valid");
    assert_eq!(second.cr_version, first.cr_version);
    let client = genie(&s.url());
    apply(&client, &plan(&[second.preset()], &[], &[], false))
        .await
        .expect("applied");
    s.advance(700_000);
    let (doc, ran) = router(&s, &id).await;
    let mut tags: Vec<String> = serde_json::from_value(doc["_tags"].clone()).expect("tags");
    tags.sort();
    let mut want = second.tags();
    want.sort();
    assert_eq!(tags, want);
    let last = ran
        .iter()
        .rev()
        .find(|r| r["provision"] == CONFIGURE)
        .expect("configured again")["set"]
        .to_string();
    assert!(
        last.contains("SSID") && !last.contains("ConnectionRequest"),
        "{last}"
    );
    // GenieACS-UI's stock `inform` provision would overwrite them daily: said, by name.
    let stock = json!([
        {"_id": "inform", "script": "declare(\"InternetGatewayDevice.ManagementServer.ConnectionRequestPassword\", {value: daily}, {value: password});"},
        {"_id": CONFIGURE, "script": scripts::configure()},
    ]);
    let stock = stock.as_array().expect("list");
    let said = conflicts(&profile, stock);
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(said[0].contains("\"inform\""), "{said:?}");
    assert!(conflicts(&ProvisioningProfile::default(), stock).is_empty());
}
