//! `acsdesk provision …` against the sandbox, with no AcsDesk process running while the
//! router comes up: a subscriber imported from CSV and linked to a serial the ACS has
//! never seen, the provisions installed, the router's first contact configuring it, the
//! monitoring refreshing CPU at each inform, the sync seeing the result, a broken script
//! becoming a provisioning alert, and uninstall removing exactly what AcsDesk wrote.

use super::env::Env;
use serde_json::{json, Value};

const SERIAL: &str = "48575443C0FFEE01";

async fn nbi(c: &reqwest::Client, url: String) -> Value {
    c.get(url).send().await.unwrap().json().await.unwrap()
}

fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["_id"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_imported_subscriber_s_router_is_configured_at_first_contact_with_acsdesk_closed() {
    let sandbox = acsdesk_sandbox::Sandbox::builder(1_795_467_600_000)
        .devices(2)
        .speed(0.0)
        .start()
        .await
        .unwrap();
    let url = sandbox.url();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let c = reqwest::Client::new();
    // GenieACS's own preset, which AcsDesk must never touch.
    c.put(format!("{url}/presets/default"))
        .body(
            r#"{"weight":0,"channel":"default","events":{},"precondition":"","configurations":[]}"#,
        )
        .send()
        .await
        .unwrap();
    let env = Env::new();
    env.ok(&["tenant", "add", "Acme"]);
    env.ok(&[
        "acs",
        "add",
        "main",
        "--url",
        &url,
        "--cwmp-url",
        "http://acs.isp.example:7547",
    ]);
    let file = env.dir.path().join("billing.csv");
    std::fs::write(
        &file,
        format!(
            "account,name,phone,pppoe_username,pppoe_password,wifi_ssid,wifi_password,serial\n\
             1001,Ana Ruiz,+34600112233,ana@isp,ppp-SECRET-1,Casa Ana,wifi-SECRET-2,{SERIAL}\n\
             1002,Bruno,,bruno@isp,,{},,ZTEG00000002\n",
            "B".repeat(31)
        ),
    )
    .unwrap();
    env.ok(&["subscriber", "import", file.to_str().unwrap()]);
    env.ok(&[
        "provision",
        "profile",
        "--ssid-5ghz-suffix=-5G",
        "--own-connection-request",
        "yes",
    ]);
    // GenieACS-UI's first-run `inform` provision sets connection-request credentials too:
    // said, by name, since it would overwrite each router's own.
    let put = c
        .put(format!("{url}/provisions/inform"))
        .body("const u = declare(\"DeviceID.ID\", {value: 1}).value[0];\ndeclare(\"InternetGatewayDevice.ManagementServer.ConnectionRequestPassword\", {value: Date.now(86400000)}, {value: u});")
        .send()
        .await
        .unwrap();
    assert!(put.status().is_success(), "{}", put.status());
    let warned = env.ok(&["provision", "status"]);
    assert!(
        warned.contains(
            "warning: the provision \"inform\" also sets the connection-request credentials"
        ),
        "{warned}"
    );

    let status: Value = serde_json::from_str(&env.ok(&["provision", "status", "--json"])).unwrap();
    let main = &status["connections"][0];
    assert_eq!(main["acs"], "main");
    assert_eq!(main["applied"], false);
    assert!(
        main["objects"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["step"] == "create"),
        "{main}"
    );
    assert_eq!(main["routers"]["awaiting"], 1);
    assert_eq!(main["routers"]["create"], 1);
    // Bruno's 31-letter WiFi name with the 5 GHz suffix would pass 32 bytes: said, not
    // sent.
    assert_eq!(status["refused"][0]["account"], "1002");
    assert_eq!(status["refused"][0]["field"], "wifi_ssid");
    assert!(
        names(&nbi(&c, format!("{url}/presets")).await) == ["default"],
        "status writes nothing"
    );

    let dry = env.ok(&["provision", "install", "--dry-run"]);
    assert!(dry.contains("dry run: nothing written"), "{dry}");
    let out = env.ok(&["provision", "install"]);
    assert!(out.contains("provision acsdesk-configure"), "{out}");
    assert!(out.contains("written"), "{out}");
    assert!(!out.contains("SECRET"), "{out}");
    let again: Value = serde_json::from_str(&env.ok(&["provision", "status", "--json"])).unwrap();
    let main = &again["connections"][0];
    assert!(
        main["objects"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["step"] == "unchanged"),
        "{main}"
    );
    assert_eq!(main["routers"]["unchanged"], 1);
    let show = env.ok(&["provision", "show", SERIAL]);
    assert!(
        show.contains("awaiting") && show.contains("ana@isp") && show.contains("Casa Ana"),
        "{show}"
    );
    assert!(!show.contains("SECRET"), "{show}");
    // Its own connection-request user, never its password.
    assert!(
        show.contains("connection request: its own user acs-"),
        "{show}"
    );
    // The technician's steps for the vendor the serial names, with the CWMP URL.
    assert!(show.contains("waiting for first contact"), "{show}");
    assert!(show.contains("on a Huawei router:"), "{show}");
    assert!(!show.contains("on a MikroTik router:"), "{show}");
    assert!(
        show.contains("URL http://acs.isp.example:7547, periodic inform on, interval 300"),
        "{show}"
    );

    // No AcsDesk process runs from here: the router makes first contact.
    let r = c
        .post(format!(
            "{url}/_sandbox/devices/new?vendor=huawei&serial={SERIAL}"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let id = r.json::<Value>().await.unwrap()["_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let enc = |t: &str| {
        percent_encoding::utf8_percent_encode(t, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    let query = enc(&json!({"_id": id}).to_string());
    let doc = &nbi(&c, format!("{url}/devices/?query={query}")).await[0];
    let igd = &doc["InternetGatewayDevice"];
    assert_eq!(
        igd["WANDevice"]["1"]["WANConnectionDevice"]["2"]["WANPPPConnection"]["1"]["Username"]
            ["_value"],
        "ana@isp"
    );
    assert_eq!(
        igd["LANDevice"]["1"]["WLANConfiguration"]["1"]["SSID"]["_value"],
        "Casa Ana"
    );
    let cpu_at = |doc: &Value| {
        doc["InternetGatewayDevice"]["DeviceInfo"]["X_HW_CpuUsed"]["_timestamp"]
            .as_str()
            .and_then(acsdesk_time::parse_iso)
    };
    let first = cpu_at(doc).expect("CPU read at the boot inform");
    sandbox.advance(3_700_000);
    let doc = &nbi(&c, format!("{url}/devices/?query={query}")).await[0];
    let second = cpu_at(doc).expect("CPU");
    assert!(second > first, "refreshed at the periodic inform");
    sandbox.advance(400_000);
    let doc = &nbi(&c, format!("{url}/devices/?query={query}")).await[0];
    assert!(
        cpu_at(doc).expect("CPU") > second,
        "and at the next, 300 s later"
    );

    // AcsDesk opens again: the sync sees the configured router, logs it, and removes its
    // preset, which GenieACS no longer needs to evaluate at every session.
    env.ok(&["sync"]);
    let show: Value =
        serde_json::from_str(&env.ok(&["provision", "show", SERIAL, "--json"])).unwrap();
    assert_eq!(show["state"], "configured");
    assert!(
        !names(&nbi(&c, format!("{url}/presets")).await)
            .iter()
            .any(|n| n.starts_with("acsdesk-cfg-")),
        "the router's preset is gone once it is configured"
    );
    let logs = env.ok(&["logs", &id]);
    assert!(
        logs.contains("configuration") && logs.contains("was applied"),
        "{logs}"
    );
    let out: Value = serde_json::from_str(&env.ok(&["provision", "status", "--json"])).unwrap();
    assert_eq!(out["connections"][0]["routers"]["configured"], 1, "{out}");
    assert_eq!(out["connections"][0]["routers"]["remove"], 0, "{out}");

    // A new subscriber's preset is installed; then someone breaks the configuration
    // script in GenieACS by hand: the router's first contact faults, the sync raises a
    // provisioning alert, and status shows the difference to put right.
    let file = env.dir.path().join("more.csv");
    std::fs::write(
        &file,
        "account,name,pppoe_username,pppoe_password,serial\n1003,Carla,carla@isp,ppp-pass-3,HGBEEF0003\n",
    )
    .unwrap();
    env.ok(&["subscriber", "import", file.to_str().unwrap()]);
    // The import writes the new subscriber's preset at once.
    assert!(names(&nbi(&c, format!("{url}/presets")).await)
        .contains(&"acsdesk-cfg-HGBEEF0003".to_owned()));
    c.put(format!("{url}/provisions/acsdesk-configure"))
        .body("throw new TypeError('broken by hand');")
        .send()
        .await
        .unwrap();
    let status = env.ok(&["provision", "status"]);
    assert!(status.contains("acsdesk-configure      update"), "{status}");
    assert!(
        status.contains("- throw new TypeError('broken by hand');"),
        "{status}"
    );
    c.post(format!(
        "{url}/_sandbox/devices/new?vendor=mikrotik&serial=HGBEEF0003"
    ))
    .send()
    .await
    .unwrap();
    env.ok(&["sync"]);
    let alerts = env.ok(&["alerts"]);
    assert!(
        alerts.contains("provisioning failed on acsdesk-config (script.TypeError: broken by hand)"),
        "{alerts}"
    );
    // The subscribers whose router could not be provisioned, at a glance.
    let failing: Value =
        serde_json::from_str(&env.ok(&["subscriber", "list", "--provisioning-failed", "--json"]))
            .unwrap();
    let accounts: Vec<&str> = failing
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["account"].as_str())
        .collect();
    assert_eq!(accounts, ["1003"]);
    // And the router's own log says so.
    let broken = env.ok(&["logs", "E48D8C-RB952Ui%2D5ac2nD-HGBEEF0003"]);
    assert!(
        broken.contains("Provisioning failed on acsdesk-config (script.TypeError: broken by hand)"),
        "{broken}"
    );

    // Unlinked, Carla's router no longer awaits anything: its preset goes at once.
    env.ok(&["subscriber", "unlink", "1003"]);
    assert!(!names(&nbi(&c, format!("{url}/presets")).await)
        .contains(&"acsdesk-cfg-HGBEEF0003".to_owned()));

    // Uninstall removes what AcsDesk wrote, and nothing else.
    env.ok(&["provision", "uninstall"]);
    let presets = names(&nbi(&c, format!("{url}/presets")).await);
    assert_eq!(presets, ["default"]);
    assert_eq!(
        names(&nbi(&c, format!("{url}/provisions")).await),
        ["inform"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_profile_is_checked_before_it_is_saved() {
    let env = Env::new();
    env.ok(&["tenant", "add", "Acme"]);
    let shown = env.ok(&["provision", "profile"]);
    assert!(shown.contains("inform interval:   300 s"), "{shown}");
    let out = env.run_with(
        &["provision", "profile", "--inform-interval", "30"],
        "correct horse",
        None,
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("inform_interval_s"));
    let out = env.run_with(
        &["provision", "profile", "--monitor", "cpu,bogus"],
        "correct horse",
        None,
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("\"bogus\" is not one of"));
    let out = env.run_with(
        &["provision", "profile", "--ssid-pattern", "Net-{acount}"],
        "correct horse",
        None,
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown placeholder {acount}"));
    let saved: Value = serde_json::from_str(&env.ok(&[
        "provision",
        "profile",
        "--inform-interval",
        "600",
        "--ssid-pattern",
        "Net-{serial_last4}",
        "--monitor",
        "cpu,memory",
        "--json",
    ]))
    .unwrap();
    assert_eq!(saved["inform_interval_s"], 600);
    assert_eq!(saved["monitoring"], json!(["cpu", "memory"]));
    let shown = env.ok(&["provision", "profile"]);
    assert!(
        shown.contains("Net-{serial_last4}") && shown.contains("600 s"),
        "{shown}"
    );
    let out = env.run_with(&["provision", "status"], "correct horse", None);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no ACS connection"));
}
