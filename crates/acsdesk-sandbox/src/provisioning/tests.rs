//! Presets and provisions in a router's sessions, against the scripts GenieACS would run.

use super::*;
use crate::model::{Gen, Model};

const T0: i64 = 1_790_000_000_000;

fn catalog(presets: Value, provisions: &[(&str, &str)]) -> Arc<Catalog> {
    let presets: BTreeMap<String, Value> = presets
        .as_object()
        .expect("presets by name")
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let provisions: BTreeMap<String, Value> = provisions
        .iter()
        .map(|(k, s)| ((*k).to_owned(), json!({ "script": s })))
        .collect();
    Arc::new(Catalog::build(&presets, &provisions))
}

fn path_of(dev: &SimDevice, gen: &Gen) -> String {
    let slot = dev.template.slot_of(gen).expect("the model has it");
    dev.template.slots[slot].path.to_string()
}

fn ran(dev: &SimDevice) -> Vec<&str> {
    dev.ran
        .iter()
        .filter_map(|r| r["provision"].as_str())
        .collect()
}

const CONFIGURE: &str = r#"
const ppp = args[0], ssid = args[1];
declare(ppp.replace(/\.\d+$/, ".*"), null, {path: 1});
declare(ppp + ".Username", {value: 1}, {value: args[2]});
declare(ssid, {value: 1}, {value: args[3]});
declare("Tags.acsdesk-configured", null, {value: true});
const serial = declare("DeviceID.SerialNumber", {value: 1}).value[0];
log("configured " + serial + " at " + new Date().toISOString());
"#;

#[test]
fn a_bootstrap_preset_configures_a_factory_fresh_router_at_first_contact_only() {
    let mut dev = SimDevice::factory_new(Model::Huawei, "48575443AABB0001", 7, T0);
    let ppp = dev.wan_path().expect("a WAN").to_owned();
    let ssid = path_of(&dev, &Gen::Ssid(""));
    let c = catalog(
        json!({"acsdesk-cfg": {
            "weight": 0, "channel": "acsdesk",
            "events": {"0 BOOTSTRAP": true},
            "precondition": "DeviceID.SerialNumber = \"48575443AABB0001\"",
            "configurations": [{"type": "provision", "name": "acsdesk-configure",
                "args": [ppp, ssid, "sub-1001@isp", "Familia Lopez"]}]
        }}),
        &[("acsdesk-configure", CONFIGURE)],
    );
    let mut faults = BTreeMap::new();
    let mut s = Sessions::new(|| c.clone());
    s.session(&mut dev, T0, &["0 BOOTSTRAP", "1 BOOT"], &mut faults);
    assert!(faults.is_empty(), "{faults:?}");
    assert_eq!(
        dev.value(&format!("{ppp}.Username")),
        Some(json!("sub-1001@isp"))
    );
    assert_eq!(dev.value(&ssid), Some(json!("Familia Lopez")));
    assert!(dev.ppp_ok(), "the PPP connection was created and came up");
    assert_eq!(dev.tags, ["acsdesk-configured"]);
    let record = &dev.ran[0];
    assert_eq!(record["preset"], "acsdesk-cfg");
    assert_eq!(record["objects"], json!([ppp]));
    assert_eq!(
        record["log"],
        json!([format!("configured 48575443AABB0001 at {}", iso(T0))])
    );
    // Periodic informs do not bootstrap; another router's serial never matches.
    s.session(&mut dev, T0 + 300_000, &["2 PERIODIC"], &mut faults);
    assert_eq!(ran(&dev), ["acsdesk-configure"]);
    let mut other = SimDevice::factory_new(Model::Huawei, "48575443AABB0002", 8, T0);
    s.session(&mut other, T0, &["0 BOOTSTRAP", "1 BOOT"], &mut faults);
    assert!(other.ran.is_empty());
    assert_eq!(other.value(&format!("{ppp}.Username")), None);
}

#[test]
fn a_monitoring_preset_is_what_refreshes_cpu_and_uptime_at_each_periodic_inform() {
    let mut dev = SimDevice::factory_new(Model::Huawei, "48575443000A0042", 3, T0);
    let cpu = path_of(&dev, &Gen::Cpu);
    let uptime = path_of(&dev, &Gen::Uptime);
    let monitor = format!(
        "const now = Date.now();\ndeclare({cpu:?}, {{value: now}});\ndeclare({uptime:?}, {{value: now}});"
    );
    let with = catalog(
        json!({"acsdesk-monitor": {"channel": "acsdesk-monitor", "events": {"2 PERIODIC": true},
            "precondition": "", "configurations": [{"type": "provision", "name": "acsdesk-monitor"}]}}),
        &[("acsdesk-monitor", &monitor)],
    );
    let mut faults = BTreeMap::new();
    let mut bare = dev.clone();
    for i in 1..=3 {
        let at = T0 + i * 300_000;
        dev.step(at);
        bare.step(at);
        Sessions::new(|| with.clone()).session(&mut dev, at, &["2 PERIODIC"], &mut faults);
        Sessions::new(|| catalog(json!({}), &[])).session(
            &mut bare,
            at,
            &["2 PERIODIC"],
            &mut faults,
        );
        assert_eq!(dev.field(&format!("{cpu}._timestamp")), Some(json!(at)));
        assert_eq!(dev.field(&format!("{uptime}._timestamp")), Some(json!(at)));
    }
    // Without it GenieACS never reads them: the document has no CPU at all.
    assert_eq!(bare.value(&cpu), None);
    assert_eq!(bare.value(&uptime), None);
    // A connection-request session is not a periodic one.
    let at = T0 + 1_000_000;
    Sessions::new(|| with.clone()).session(&mut dev, at, &["6 CONNECTION REQUEST"], &mut faults);
    assert_ne!(dev.field(&format!("{cpu}._timestamp")), Some(json!(at)));
}

#[test]
fn a_script_error_is_a_fault_on_the_channel_held_back_until_its_retry() {
    let mut dev = SimDevice::factory_new(Model::MikroTik, "HG0000BEEF", 2, T0);
    let preset = json!({"acsdesk-broken": {"channel": "acsdesk", "events": {},
        "precondition": "", "configurations": [
            {"type": "provision", "name": "acsdesk-broken", "args": ["a"]}]}});
    let broken = catalog(
        preset.clone(),
        &[("acsdesk-broken", "const x = undefined;\nx.y = 1;")],
    );
    let mut faults = BTreeMap::new();
    Sessions::new(|| broken.clone()).session(&mut dev, T0, &["2 PERIODIC"], &mut faults);
    let key = format!("{}:acsdesk", dev.id);
    let f = faults
        .get(&key)
        .expect("a fault on the preset's channel")
        .clone();
    assert_eq!(f["code"], "script.TypeError");
    assert_eq!(f["channel"], "acsdesk");
    assert_eq!(f["retries"], 0);
    assert_eq!(f["provisions"], r#"[["acsdesk-broken","a"]]"#);
    assert!(f["detail"]["stack"]
        .as_str()
        .is_some_and(|s| s.contains("TypeError")));
    // Held back for five minutes, then retried (and counted).
    Sessions::new(|| broken.clone()).session(&mut dev, T0 + 60_000, &["2 PERIODIC"], &mut faults);
    assert_eq!(dev.ran.len(), 1);
    Sessions::new(|| broken.clone()).session(&mut dev, T0 + 300_000, &["2 PERIODIC"], &mut faults);
    assert_eq!(dev.ran.len(), 2);
    assert_eq!(faults[&key]["retries"], 1);
    // Mended, the channel's fault goes at its next retry.
    let mended = catalog(preset, &[("acsdesk-broken", "log('ok');")]);
    Sessions::new(|| mended.clone()).session(&mut dev, T0 + 900_000, &["2 PERIODIC"], &mut faults);
    assert!(faults.is_empty(), "{faults:?}");
}

#[test]
fn timeouts_extensions_and_cpe_faults_are_recorded_as_genieacs_records_them() {
    let mut dev = SimDevice::factory_new(Model::MikroTik, "HG0000CAFE", 2, T0);
    let c = catalog(
        json!({
            "a-loop": {"channel": "loop", "precondition": "", "configurations": [{"type": "provision", "name": "loop"}]},
            "b-ext": {"channel": "ext", "precondition": "", "configurations": [{"type": "provision", "name": "ext"}]},
            "c-readonly": {"channel": "ro", "precondition": "", "configurations": [{"type": "provision", "name": "ro"}]},
            "d-throw": {"channel": "throw", "precondition": "", "configurations": [{"type": "provision", "name": "throw"}]},
            "e-missing": {"channel": "missing", "precondition": "", "configurations": [{"type": "provision", "name": "no-such-provision"}]}
        }),
        &[
            ("loop", "while (true) {}"),
            ("ext", "const v = ext('billing', 'lookup', 'x');"),
            (
                "ro",
                "declare('Device.DeviceInfo.UpTime', null, {value: 1});",
            ),
            ("throw", "throw 'plain text';"),
        ],
    );
    let mut faults = BTreeMap::new();
    Sessions::new(|| c.clone()).session(&mut dev, T0, &["1 BOOT"], &mut faults);
    let code = |ch: &str| {
        faults[&format!("{}:{ch}", dev.id)]["code"]
            .as_str()
            .map(str::to_owned)
    };
    assert_eq!(code("loop").as_deref(), Some("script.Error"));
    assert!(faults[&format!("{}:loop", dev.id)]["message"]
        .as_str()
        .is_some_and(|m| m.contains("timed out")));
    assert_eq!(code("ext").as_deref(), Some("ext.Error"));
    assert_eq!(code("ro").as_deref(), Some("cwmp.9008"));
    assert_eq!(code("throw").as_deref(), Some("script"));
    assert!(
        !faults.contains_key(&format!("{}:missing", dev.id)),
        "skipped, as GenieACS does"
    );
    assert_eq!(dev.ran.iter().filter(|r| r["known"] == false).count(), 1);
}

#[test]
fn preconditions_read_tags_and_values_and_built_in_provisions_apply() {
    let mut dev = SimDevice::factory_new(Model::Zte, "ZTEG0000F00D", 5, T0);
    let interval = format!("{}.ManagementServer.PeriodicInformInterval", dev.root());
    let c = catalog(
        json!({"acsdesk-once": {"channel": "acsdesk", "events": {"1 BOOT": true},
        "precondition": "Tags.acsdesk-v1 IS NULL AND DeviceID.Manufacturer LIKE 'ZTE%'",
        "configurations": [
            {"type": "value", "name": interval, "value": 300},
            {"type": "add_tag", "tag": "acsdesk-v1"}
        ]}}),
        &[],
    );
    let mut faults = BTreeMap::new();
    Sessions::new(|| c.clone()).session(&mut dev, T0, &["0 BOOTSTRAP", "1 BOOT"], &mut faults);
    assert_eq!(dev.interval_s, 300);
    assert_eq!(dev.tags, ["acsdesk-v1"]);
    assert_eq!(ran(&dev), ["value", "tag"]);
    // Tagged, it does not run again at the next boot.
    Sessions::new(|| c.clone()).session(&mut dev, T0 + 60_000, &["1 BOOT"], &mut faults);
    assert_eq!(dev.ran.len(), 2);
}

/// A router of the generated fleet that GenieACS has only met through informs: its CPU
/// is listed without a value until the monitoring reads it; then it follows the router.
#[test]
fn the_monitoring_fills_a_partial_document_of_the_generated_fleet() {
    let mut dev = (0..200)
        .map(|n| SimDevice::generate(9, n, T0))
        .find(|d| d.model() == Some(Model::Huawei))
        .expect("a Huawei in the fleet");
    dev.forget_values();
    let cpu = path_of(&dev, &Gen::Cpu);
    let sw = format!("{}.DeviceInfo.SoftwareVersion", dev.root());
    assert_eq!(dev.value(&cpu), None, "listed, never read");
    assert_eq!(dev.field(&format!("{cpu}._writable")), Some(json!(false)));
    assert!(dev.value(&sw).is_some(), "the Inform carries it");
    let monitor = format!("const now = Date.now();\ndeclare({cpu:?}, {{value: now}});");
    let with = catalog(
        json!({"acsdesk-monitor": {"channel": "acsdesk-monitor", "events": {"2 PERIODIC": true},
            "precondition": "", "configurations": [{"type": "provision", "name": "acsdesk-monitor"}]}}),
        &[("acsdesk-monitor", &monitor)],
    );
    let mut faults = BTreeMap::new();
    let mut bare = dev.clone();
    let at = T0 + 300_000;
    dev.step(at);
    bare.step(at);
    Sessions::new(|| with.clone()).session(&mut dev, at, &["2 PERIODIC"], &mut faults);
    Sessions::new(|| catalog(json!({}), &[])).session(&mut bare, at, &["2 PERIODIC"], &mut faults);
    assert!(
        dev.value(&cpu).is_some_and(|v| v.is_number()),
        "{:?}",
        dev.value(&cpu)
    );
    assert_eq!(dev.field(&format!("{cpu}._timestamp")), Some(json!(at)));
    assert_eq!(bare.value(&cpu), None, "nothing read it");
}
