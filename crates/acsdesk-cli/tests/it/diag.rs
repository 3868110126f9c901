//! `acsdesk diag`: a ping, a traceroute and speed tests from a TR-098 and a TR-181
//! router, waited for, printed and kept; a host that cannot be resolved fails the
//! command with that reason; hosts and test servers not given are the tenant's.

use super::env::synced;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diag_ping_waits_for_the_answer_prints_and_keeps_it() {
    let (sandbox, env) = synced("Acme", 12, acsdesk_core::clock::system_now_ms(), 240.0).await;
    acsdesk_core::http::install_crypto_provider();
    let http = reqwest::Client::new();
    for oui in ["E48D8C", "00E0FC"] {
        let id = steady(&sandbox, &http, oui).await;
        let out = env.ok(&["diag", "ping", &id, "8.8.8.8", "--count", "5", "--json"]);
        let found: serde_json::Value =
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
        assert_eq!(found["kind"], "ping", "{found}");
        assert_eq!(found["target"], "8.8.8.8", "{found}");
        assert!(found["error"].is_null(), "{found}");
        let ping = &found["result"];
        assert_eq!(ping["kind"], "ping", "{found}");
        let answered = ping["answered"].as_u64().unwrap();
        assert_eq!(answered + ping["lost"].as_u64().unwrap(), 5, "{found}");
        assert!(ping["average_ms"].as_u64().unwrap() > 0 || answered == 0);

        let text = env.ok(&["diag", "ping", &id, "example.net"]);
        assert!(
            text.contains("Ping example.net: ") && text.contains("answered"),
            "{text}"
        );
        let failed = env.run_with(
            &["diag", "ping", &id, "nowhere.invalid"],
            "correct horse",
            None,
        );
        assert!(
            !failed.status.success(),
            "an unresolved host fails the command"
        );
        let err = String::from_utf8_lossy(&failed.stderr);
        assert!(
            err.contains("the router cannot resolve nowhere.invalid"),
            "{err}"
        );

        let history: serde_json::Value =
            serde_json::from_str(&env.ok(&["diag", "history", &id, "--json"])).unwrap();
        let history = history.as_array().unwrap();
        assert_eq!(history.len(), 3, "{history:?}");
        assert_eq!(history[0]["target"], "nowhere.invalid");
        assert_eq!(history[2]["target"], "8.8.8.8");
        let text = env.ok(&["diag", "history", &id]);
        assert!(
            text.lines().count() == 3
                && text.contains("Ping nowhere.invalid: the router cannot resolve"),
            "{text}"
        );
    }
    let err = env.fails(&["diag", "ping", "E48D8C", "not a host"], "correct horse");
    assert!(err.contains("host:"), "{err}");
    let err = env.fails(
        &["diag", "ping", "nosuchrouter", "8.8.8.8"],
        "correct horse",
    );
    assert!(err.contains("nosuchrouter"), "{err}");
}

/// A router of `oui`, online with its line up.
async fn steady(
    sandbox: &acsdesk_sandbox::SandboxHandle,
    http: &reqwest::Client,
    oui: &str,
) -> String {
    let id = sandbox
        .device_ids()
        .into_iter()
        .find(|i| i.starts_with(oui))
        .unwrap();
    let enc = percent_encoding::utf8_percent_encode(&id, percent_encoding::NON_ALPHANUMERIC);
    for state in ["online", "ppp-ok"] {
        let r = http
            .post(format!("{}/_sandbox/devices/{enc}/{state}", sandbox.url()))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
    }
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diag_traceroute_and_speed_use_the_tenants_defaults_and_print_hops_and_rates() {
    let (sandbox, env) = synced("Acme", 12, acsdesk_core::clock::system_now_ms(), 240.0).await;
    acsdesk_core::http::install_crypto_provider();
    let http = reqwest::Client::new();
    let pw = "correct horse";
    // No test server yet: the command says how to set one.
    let mikrotik = steady(&sandbox, &http, "E48D8C").await;
    let err = env.fails(&["diag", "speed", &mikrotik], pw);
    assert!(err.contains("acsdesk settings --download-url"), "{err}");
    let err = env.fails(
        &["settings", "--download-url", "https://speed.example/x"],
        pw,
    );
    assert!(
        err.contains("download_url") && err.contains("http:// or ftp://"),
        "{err}"
    );
    env.ok(&[
        "settings",
        "--download-url",
        "http://speed.example.net/30MB.bin",
        "--upload-url",
        "ftp://probe:hunter2@speed.example.net/in",
        "--upload-mb",
        "3",
        "--ping-host",
        "example.org",
    ]);
    let shown = env.ok(&["settings"]);
    assert!(
        shown.contains("ping example.org; download test http://speed.example.net/30MB.bin")
            && shown.contains("ftp://probe:•••@speed.example.net/in (3 MB)")
            && !shown.contains("hunter2"),
        "{shown}"
    );
    for oui in ["E48D8C", "50C7BF"] {
        let id = steady(&sandbox, &http, oui).await;
        let text = env.ok(&["diag", "traceroute", &id]);
        let mut lines = text
            .lines()
            .skip_while(|l| !l.contains("Traceroute example.org: "));
        let head = lines.next().unwrap_or_else(|| panic!("{text}"));
        assert!(head.contains(" hops, "), "{text}");
        let hops: Vec<&str> = lines.collect();
        assert!(hops.len() >= 4, "{text}");
        assert!(hops[0].trim_start().starts_with("1  "), "{text}");
        assert!(hops.last().unwrap().contains("example.org ("), "{text}");

        let found: serde_json::Value =
            serde_json::from_str(&env.ok(&["diag", "speed", &id, "--json"])).unwrap();
        assert_eq!(found["kind"], "download", "{found}");
        assert_eq!(found["target"], "http://speed.example.net/30MB.bin");
        assert_eq!(found["result"]["bytes"], 30_000_000, "{found}");
        assert!(found["result"]["duration_ms"].as_u64().unwrap() > 0);

        let up = env.ok(&["diag", "speed", &id, "--upload"]);
        assert!(
            up.contains("Upload test ftp://probe:•••@speed.example.net/in: ")
                && up.contains("Mbit/s (3.0 MB in ")
                && !up.contains("hunter2"),
            "{up}"
        );
        let failed = env.run_with(&["diag", "speed", &id, "http://speed.invalid/f"], pw, None);
        assert!(!failed.status.success());
        let err = String::from_utf8_lossy(&failed.stderr);
        assert!(err.contains("speed.invalid"), "{err}");
    }
    // The Huawei has no TR-143 tests: refused before anything is queued.
    let huawei = steady(&sandbox, &http, "00E0FC").await;
    // Its fibre's light is shown once GenieACS has read it; a router without a PON port
    // says it has none.
    env.ok(&["act", "refresh", &huawei, "--wait"]);
    env.ok(&["watch", "--once"]);
    let shown = env.ok(&["device", "show", &huawei]);
    let optical = shown
        .lines()
        .find(|l| l.starts_with("Optical "))
        .unwrap_or_else(|| panic!("{shown}"));
    assert!(
        optical.contains("receive -") && optical.contains(" dBm, transmit "),
        "{optical}"
    );
    // The devices on its LAN: the host table joined with the WiFi stations.
    let clients = shown
        .lines()
        .find(|l| l.starts_with("Clients "))
        .unwrap_or_else(|| panic!("{shown}"));
    assert!(
        clients.contains(" connected: ") && clients.contains(" on 2.4 GHz"),
        "{clients}"
    );
    assert!(
        shown
            .lines()
            .any(|l| l.starts_with("  ") && l.contains("cable")),
        "the wired one: {shown}"
    );
    env.ok(&["act", "refresh", &mikrotik, "--wait"]);
    env.ok(&["watch", "--once"]);
    let shown = env.ok(&["device", "show", &mikrotik]);
    assert!(
        shown.contains("Optical        none: the router reports no optical (PON) interface"),
        "{shown}"
    );
    assert!(
        shown
            .lines()
            .any(|l| l.starts_with("  ") && l.contains("5 GHz") && l.contains(" dBm ")),
        "TR-181 stations have a signal: {shown}"
    );
    let err = env.fails(&["diag", "speed", &huawei], pw);
    assert!(err.contains("no download test diagnostic"), "{err}");
    let history: serde_json::Value =
        serde_json::from_str(&env.ok(&["diag", "history", &huawei, "--json"])).unwrap();
    assert_eq!(history.as_array().unwrap().len(), 0, "nothing ran");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diag_sweep_pings_from_every_matching_router_and_sums_it_up() {
    let (sandbox, env) = synced("Acme", 12, acsdesk_core::clock::system_now_ms(), 240.0).await;
    acsdesk_core::http::install_crypto_provider();
    let http = reqwest::Client::new();
    let mikrotiks: Vec<String> = sandbox
        .device_ids()
        .into_iter()
        .filter(|i| i.starts_with("E48D8C"))
        .collect();
    assert!(mikrotiks.len() >= 2, "{mikrotiks:?}");
    for id in &mikrotiks {
        steady(&sandbox, &http, &id[..]).await;
    }
    // One street's router has lost its line: its echoes all go unanswered.
    let down = &mikrotiks[0];
    let enc = percent_encoding::utf8_percent_encode(down, percent_encoding::NON_ALPHANUMERIC);
    http.post(format!("{}/_sandbox/devices/{enc}/ppp-fail", sandbox.url()))
        .send()
        .await
        .unwrap();
    let out = env.ok(&[
        "diag",
        "sweep",
        "example.net",
        "--vendor",
        "MikroTik",
        "--json",
    ]);
    let found: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(found["total"], mikrotiks.len(), "{found}");
    assert_eq!(found["completed"], mikrotiks.len(), "{found}");
    let ping = &found["ping"];
    assert_eq!(ping["host"], "example.net");
    assert_eq!(ping["silent"], 1, "{found}");
    assert_eq!(ping["silent_routers"][0], down.as_str(), "{found}");
    assert_eq!(ping["answered"], mikrotiks.len() - 1, "{found}");
    assert!(ping["average_ms"].as_u64().unwrap() > 0);
    // In words; every router keeps its own answer.
    let text = env.ok(&["diag", "sweep", "--vendor", "MikroTik"]);
    assert!(
        text.contains("Ping 8.8.8.8: ")
            && text.contains("1 silent")
            && text.contains(&format!("silent: {down}")),
        "{text}"
    );
    let history: serde_json::Value =
        serde_json::from_str(&env.ok(&["diag", "history", down, "--json"])).unwrap();
    assert_eq!(history.as_array().unwrap().len(), 2, "{history}");
    // Its log, narrowed to the actions and to a text, as CSV.
    let csv = env.ok(&[
        "logs",
        down,
        "--kind",
        "action",
        "--search",
        "example.net",
        "--csv",
    ]);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("time,serial,level,group,kind,message,payload")
    );
    let rows: Vec<&str> = lines.collect();
    assert!(!rows.is_empty(), "{csv}");
    assert!(
        rows.iter()
            .all(|r| r.contains(",action,action_") && r.contains("example.net")),
        "{csv}"
    );
    let err = env.fails(&["logs", down, "--level", "loud"], "correct horse");
    assert!(err.contains("info, warning, error"), "{err}");
    // A filter nobody matches queues nothing.
    let err = env.fails(&["diag", "sweep", "--vendor", "Nokia"], "correct horse");
    assert!(err.contains("Nokia") || err.contains("no device"), "{err}");
}
