//! Tenants, ACS connections, sync and the read commands, as a script would use them:
//! a temp data directory, ACSDESK_PASSPHRASE, and the sandbox as the ACS.

use super::env::{synced, Env};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tenant_syncs_the_sandbox_and_lists_its_devices() {
    let sandbox = acsdesk_sandbox::Sandbox::builder(1_795_467_600_000)
        .devices(30)
        .speed(0.0)
        .start()
        .await
        .unwrap();
    let env = Env::new();
    assert!(env
        .ok(&["tenant", "add", "Acme ISP"])
        .contains("Created tenant \"Acme ISP\" (encrypted, passphrase)"));
    assert!(env
        .ok(&["tenant", "list"])
        .contains("* Acme ISP  (passphrase)"));
    let err = env.fails(&["acs", "list"], "wrong passphrase");
    assert!(err.contains("wrong key or passphrase"), "{err}");
    let err = env.fails(&["acs", "add", "bad", "--url", "ftp://x"], "correct horse");
    assert!(err.contains("http:// or https://"), "{err}");
    let url = sandbox.url();
    let err = env.fails(
        &["acs", "add", "pinned", "--url", &url, "--pin", "nothex"],
        "correct horse",
    );
    assert!(err.contains("64 hex digits"), "{err}");
    assert!(
        !env.ok(&["acs", "list"]).contains("pinned"),
        "nothing half-configured is kept"
    );
    let out = env.run_with(
        &[
            "acs", "add", "main", "--url", &url, "--auth", "basic", "--user", "noc",
        ],
        "correct horse",
        Some("s3cret-pw\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list = env.ok(&["acs", "list"]);
    assert!(list.contains("main") && list.contains("user=noc"), "{list}");
    assert!(!list.contains("s3cret-pw"), "secrets never print");
    let sync = env.ok(&["sync"]);
    assert!(
        sync.contains("main: full sync, 30 devices fetched, 30 new"),
        "{sync}"
    );
    let again = env.ok(&["sync"]);
    assert!(again.contains("incremental"), "{again}");
    // The list as CSV, as the desktop exports it: every matching device with --all.
    let csv = env.ok(&["devices", "--csv", "--all"]);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("id,acs,status,vendor,model,serial,subscriber,wan_ip,uptime_s,signal_dbm,firmware,last_inform,not_fetched")
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 30, "{csv}");
    assert!(
        rows.iter()
            .all(|r| r[1] == "main" && (r[2] == "online" || r[2] == "offline") && !r[5].is_empty()),
        "{csv}"
    );
    let cut = env.run_with(&["devices", "--csv", "--limit", "2"], "correct horse", None);
    assert_eq!(String::from_utf8_lossy(&cut.stdout).lines().count(), 3);
    assert!(String::from_utf8_lossy(&cut.stderr).contains("showing 2 of 30"));
    // Each command closes its databases on the way out: the WAL is checkpointed into
    // the file, nothing is left for the next open to replay.
    for entry in std::fs::read_dir(env.dir.path().join("tenants")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.to_string_lossy().into_owned();
        if name.ends_with(".db-wal") {
            let len = std::fs::metadata(&path).unwrap().len();
            assert_eq!(len, 0, "{name} holds {len} bytes after the command");
        }
    }
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["devices", "--json", "--limit", "100"])).unwrap();
    let devices = json.as_array().unwrap();
    assert_eq!(devices.len(), 30);
    for key in [
        "id",
        "acs",
        "serial",
        "oui",
        "product_class",
        "vendor",
        "model",
        "firmware",
        "hardware",
        "mac",
        "wan_ip",
        "lan_ip",
        "uptime_s",
        "cpu_pct",
        "mem_pct",
        "signal_dbm",
        "wifi",
        "pppoe_username",
        "wan_status",
        "last_inform_ms",
        "online",
        "data_model",
        "tags",
        "subscriber",
    ] {
        assert!(devices[0].get(key).is_some(), "device JSON has {key}");
    }
    let id = devices[0]["id"].as_str().unwrap();
    let show: serde_json::Value =
        serde_json::from_str(&env.ok(&["device", "show", id, "--json"])).unwrap();
    assert_eq!(show["id"], id);
    let params = env.ok(&[
        "device",
        "params",
        id,
        "--prefix",
        "InternetGatewayDevice.DeviceInfo",
    ]);
    let params = if params.trim().is_empty() {
        env.ok(&["device", "params", id, "--prefix", "Device.DeviceInfo"])
    } else {
        params
    };
    assert!(params.contains("DeviceInfo.SoftwareVersion = "), "{params}");
    let table = env.ok(&["devices", "--online"]);
    assert!(
        table.contains("STATUS") && table.contains("online"),
        "{table}"
    );
    let svg = env.dir.path().join("uptime.svg");
    let out = env.ok(&[
        "history",
        id,
        "--metric",
        "uptime",
        "--since",
        "24h",
        "--svg",
        svg.to_str().unwrap(),
    ]);
    assert!(out.contains("Wrote"), "{out}");
    assert!(std::fs::read_to_string(&svg).unwrap().starts_with("<svg"));
    let err = env.fails(&["history", id, "--metric", "bogus"], "correct horse");
    assert!(err.contains("unknown metric"), "{err}");
    let watch = env.ok(&["watch", "--once"]);
    assert!(
        watch.contains("main: ") && watch.contains("open alert(s)"),
        "{watch}"
    );
    let logs = env.ok(&["logs", id]);
    assert!(logs.contains("discovered"), "{logs}");
    let fleet: serde_json::Value =
        serde_json::from_str(&env.ok(&["logs", "--json", "--limit", "500"])).unwrap();
    let entries = fleet.as_array().unwrap();
    assert!(
        entries.len() >= 30,
        "every device was discovered: {}",
        entries.len()
    );
    assert!(entries
        .iter()
        .all(|l| !l["serial"].as_str().unwrap_or_default().is_empty()));
    let err = env.fails(&["logs", "nope"], "correct horse");
    assert!(
        err.contains("no device \"nope\""),
        "an unknown device is an error: {err}"
    );
    let err = env.fails(&["history", "nope", "--metric", "cpu"], "correct horse");
    assert!(err.contains("no device \"nope\""), "{err}");
    let err = env.fails(&["device", "show", "nope"], "correct horse");
    assert!(err.contains("no device \"nope\""), "{err}");
}

#[test]
fn no_tenant_is_a_clear_error() {
    let env = Env::new();
    let err = env.fails(&["devices"], "x");
    assert!(err.contains("acsdesk tenant add"), "{err}");
}

/// A firmware update followed with `--wait` says where it is as it moves — GenieACS
/// deleted the task at once, the router downloads, reports the transfer complete, boots
/// the image — and ends when the new version is proven.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn act_firmware_with_wait_prints_each_stage_until_the_new_version() {
    // 60×: the CLI's 2 s between looks are 2 min of the routers' time, less than a
    // router takes to write an image after its transfer.
    let (sandbox, env) = synced("Acme", 8, acsdesk_core::clock::system_now_ms(), 60.0).await;
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["devices", "--online", "--json"])).unwrap();
    let device = &json[0];
    let id = device["id"].as_str().unwrap().to_owned();
    acsdesk_core::http::install_crypto_provider();
    let files: Vec<serde_json::Value> = reqwest::get(format!("{}/files", sandbox.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let image = files
        .iter()
        .find(|f| f["metadata"]["productClass"] == device["product_class"])
        .unwrap_or_else(|| panic!("an image for {device}: {files:?}"));
    let file = image["_id"].as_str().unwrap();
    let version = image["metadata"]["version"].as_str().unwrap();
    let out = env.ok(&["act", "firmware", &id, "--file", file, "--yes", "--wait"]);
    let at = |what: &str| {
        out.find(what)
            .unwrap_or_else(|| panic!("{what:?} is said: {out}"))
    };
    assert!(
        at("the router is downloading the image")
            < at("transfer complete; waiting for the router to report the new version")
            && at("transfer complete") < at("All 1 action(s) completed.")
            && out.matches("downloading").count() == 1,
        "{out}"
    );
    let shown: serde_json::Value =
        serde_json::from_str(&env.ok(&["device", "show", &id, "--json"])).unwrap();
    assert_eq!(shown["firmware"], version, "{shown}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn act_validates_then_changes_wifi_and_reboots_with_wait() {
    // The CLI judges presence by the wall clock: the sandbox starts now.
    let (_sandbox, env) = synced("Acme", 8, acsdesk_core::clock::system_now_ms(), 120.0).await;
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["devices", "--online", "--json"])).unwrap();
    let id = json[0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("an online device: {json} / {}", env.ok(&["devices"])))
        .to_owned();
    // Invalid input exits non-zero and queues nothing.
    let out = env.run_with(
        &["act", "wifi", &id, "--ssid", "Casa", "--password-stdin"],
        "correct horse",
        Some("short\n"),
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 8"));
    assert_eq!(env.ok(&["actions"]).trim(), "no actions", "nothing queued");
    // Destructive actions need --yes when there is no terminal.
    let err = env.fails(&["act", "reboot", &id], "correct horse");
    assert!(err.contains("--yes"), "{err}");
    let out = env.run_with(
        &[
            "act",
            "wifi",
            &id,
            "--ssid",
            "Casa-CLI",
            "--password-stdin",
            "--wait",
        ],
        "correct horse",
        Some("long enough pw\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("completed"));
    // What the change did is in the store at once, without a sync.
    let shown: serde_json::Value =
        serde_json::from_str(&env.ok(&["device", "show", &id, "--json"])).unwrap();
    assert!(
        shown["wifi"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["ssid"] == "Casa-CLI"),
        "{shown}"
    );
    let out = env.ok(&["act", "reboot", &id, "--yes", "--wait"]);
    assert!(out.contains("All 1 action(s) completed."), "{out}");
    // Explicit parameters: checked against the live device first.
    let shown: serde_json::Value =
        serde_json::from_str(&env.ok(&["device", "show", &id, "--json"])).unwrap();
    let root = if shown["data_model"] == "tr181" {
        "Device"
    } else {
        "InternetGatewayDevice"
    };
    let read_only = format!("{root}.DeviceInfo.SoftwareVersion=9.9");
    let err = env.fails(&["act", "set", &id, "--param", &read_only], "correct horse");
    assert!(
        err.contains("read-only") && err.contains("nothing was queued"),
        "{err}"
    );
    let missing = format!("{root}.NoSuch.Thing=1");
    let err = env.fails(&["act", "set", &id, "--param", &missing], "correct horse");
    assert!(err.contains("does not exist"), "{err}");
    let bad_type = format!("{root}.ManagementServer.PeriodicInformInterval=soon:unsignedInt");
    let err = env.fails(&["act", "set", &id, "--param", &bad_type], "correct horse");
    assert!(err.contains("PeriodicInformInterval"), "{err}");
    let interval = format!("{root}.ManagementServer.PeriodicInformInterval=900:unsignedInt");
    let out = env.ok(&["act", "set", &id, "--param", &interval, "--wait"]);
    assert!(out.contains("All 1 action(s) completed."), "{out}");
    // A bulk refresh of the online devices, four at a time, with its summary.
    let out = env.ok(&["act", "bulk", "refresh", "--online", "--concurrency", "4"]);
    assert!(
        out.contains("Refresh parameters:") && out.contains("0 failed"),
        "{out}"
    );
    let err = env.fails(
        &["act", "bulk", "reboot", "--vendor", "Nobody"],
        "correct horse",
    );
    assert!(
        err.contains("no device has vendor \"Nobody\"") && err.contains("the vendors there are"),
        "{err}"
    );
    let actions: serde_json::Value =
        serde_json::from_str(&env.ok(&["actions", "--json", "--status", "completed"])).unwrap();
    assert!(actions.as_array().unwrap().len() > 2);
    let actions: serde_json::Value = serde_json::from_str(&env.ok(&["actions", "--json"])).unwrap();
    let actions = serde_json::Value::Array(
        actions
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["action"] != "refresh")
            .cloned()
            .collect(),
    );
    assert_eq!(actions.as_array().unwrap().len(), 3, "wifi, reboot, set");
    assert!(actions
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["status"] == "completed"));
    let text = serde_json::to_string(&actions).unwrap();
    assert!(
        !text.contains("long enough pw"),
        "secrets stay out of listings"
    );
}

/// An `https://` NBI behind a self-signed certificate: the test fails naming the
/// fingerprint to pin; with the pin or the CA it passes; saved pinned, it syncs; edited
/// back to the system's CAs it fails, with its CA it passes, and a bad pin changes
/// nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_https_nbi_with_its_own_certificate_is_tested_pinned_and_edited() {
    let sandbox = acsdesk_sandbox::Sandbox::builder(1_795_467_600_000)
        .devices(4)
        .speed(0.0)
        .start()
        .await
        .unwrap();
    let front = acsdesk_sandbox::tls::front(&sandbox.url()).await.unwrap();
    let env = Env::new();
    env.ok(&["tenant", "add", "Acme"]);
    let url = front.url.as_str();
    let err = env.fails(&["acs", "test", "--url", url], "correct horse");
    assert!(err.contains(&front.fingerprint), "{err}");
    let pinned = env.ok(&["acs", "test", "--url", url, "--pin", &front.fingerprint]);
    assert!(pinned.contains("devices     4"), "{pinned}");
    let ca = env.dir.path().join("acs-ca.pem");
    std::fs::write(&ca, &front.pem).unwrap();
    let ca = ca.to_string_lossy().into_owned();
    env.ok(&["acs", "test", "--url", url, "--ca", &ca]);
    env.ok(&[
        "acs",
        "add",
        "secure",
        "--url",
        url,
        "--pin",
        &front.fingerprint,
    ]);
    let sync = env.ok(&["sync"]);
    assert!(sync.contains("4 new"), "{sync}");
    env.ok(&["acs", "edit", "secure", "--system-ca"]);
    let err = env.fails(&["acs", "test", "secure"], "correct horse");
    assert!(err.contains(&front.fingerprint), "{err}");
    env.ok(&["acs", "edit", "secure", "--ca", &ca]);
    env.ok(&["acs", "test", "secure"]);
    let err = env.fails(&["acs", "edit", "secure", "--pin", "12ab"], "correct horse");
    assert!(err.contains("64 hex"), "{err}");
    env.ok(&["acs", "test", "secure"]);
}

/// An NBI behind a proxy wanting a token in a header of its own: `--auth header
/// --header NAME` with the token from stdin; tested, synced, listed (`--json` too)
/// without the token, its CWMP URL and rate edited; `--header` with another
/// authentication and a wrong token are refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_header_token_connection_is_added_tested_synced_and_edited() {
    let sandbox = acsdesk_sandbox::Sandbox::builder(1_795_467_600_000)
        .devices(3)
        .speed(0.0)
        .require_header("X-Api-Key", "k-SECRET-5")
        .start()
        .await
        .unwrap();
    let url = sandbox.url();
    let env = Env::new();
    env.ok(&["tenant", "add", "Acme"]);
    let add = |auth: &str, token: &str| {
        env.run_with(
            &[
                "acs",
                "add",
                "guarded",
                "--url",
                &url,
                "--auth",
                auth,
                "--header",
                "X-Api-Key",
                "--cwmp-url",
                "http://acs.acme.example:7547",
                "--rate",
                "7",
            ],
            "correct horse",
            Some(token),
        )
    };
    let refused = add("token", "k-SECRET-5\n");
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        !refused.status.success() && err.contains("--header") && err.contains("--auth header"),
        "{err}"
    );
    let out = add("header", "k-SECRET-5\n");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tested = env.ok(&["acs", "test", "guarded"]);
    assert!(tested.contains("devices     3"), "{tested}");
    let wrong = env.run_with(
        &["acs", "test", "guarded", "--new-secret"],
        "correct horse",
        Some("k-WRONG\n"),
    );
    let err = String::from_utf8_lossy(&wrong.stderr);
    assert!(
        !wrong.status.success() && err.contains("credentials were refused"),
        "{err}"
    );
    let sync = env.ok(&["sync"]);
    assert!(sync.contains("3 new"), "{sync}");
    let list = env.ok(&["acs", "list"]);
    assert!(
        list.contains("auth=header header=X-Api-Key")
            && list.contains("7 req/s")
            && list.contains("routers inform to http://acs.acme.example:7547")
            && !list.contains("k-SECRET"),
        "{list}"
    );
    env.ok(&["acs", "edit", "guarded", "--rate", "9", "--no-cwmp-url"]);
    let listed: serde_json::Value =
        serde_json::from_str(&env.ok(&["acs", "list", "--json"])).unwrap();
    let a = &listed[0];
    assert_eq!(
        (
            &a["auth"],
            &a["user"],
            &a["cwmp_url"],
            &a["rate_per_s"],
            &a["health"]
        ),
        (
            &serde_json::json!("header"),
            &serde_json::json!("X-Api-Key"),
            &serde_json::Value::Null,
            &serde_json::json!(9),
            &serde_json::json!("ok")
        ),
        "{listed}"
    );
    assert!(!listed.to_string().contains("k-SECRET"), "{listed}");
    let err = env.fails(&["acs", "edit", "guarded", "--rate", "0"], "correct horse");
    assert!(err.contains("rate"), "{err}");
    env.ok(&["acs", "test", "guarded"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acs_options_subscribers_rekey_and_removal() {
    let sandbox = acsdesk_sandbox::Sandbox::builder(1_795_467_600_000)
        .devices(12)
        .speed(0.0)
        .start()
        .await
        .unwrap();
    let url = sandbox.url();
    let env = Env::new();
    env.ok(&["tenant", "add", "Acme"]);
    // Every option of `acs add`, the token from stdin; bad values are refused, not clamped.
    for (args, says) in [
        (vec!["--rate", "0"], "rate"),
        (vec!["--interval", "1"], "interval"),
        (vec!["--cwmp-url", "acs.example.net"], "cwmp-url"),
    ] {
        let mut all = vec!["acs", "add", "x", "--url", url.as_str()];
        all.extend(args);
        let err = env.fails(&all, "correct horse");
        assert!(err.contains(says), "{err}");
    }
    let out = env.run_with(
        &[
            "acs",
            "add",
            "main",
            "--url",
            &url,
            "--auth",
            "token",
            "--rate",
            "50",
            "--interval",
            "120",
            "--cwmp-url",
            "http://acs.example.net:7547",
        ],
        "correct horse",
        Some("tok-SECRET-9\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list = env.ok(&["acs", "list"]);
    assert!(!list.contains("tok-SECRET"), "{list}");
    env.ok(&["sync"]);
    let devices: serde_json::Value = serde_json::from_str(&env.ok(&["devices", "--json"])).unwrap();
    let serial = devices[0]["serial"].as_str().unwrap().to_owned();
    let id = devices[0]["id"].as_str().unwrap().to_owned();

    // Subscribers: added with passwords from stdin, linked by serial, shown on the device.
    let out = env.run_with(
        &[
            "subscriber",
            "add",
            "A-1001",
            "--name",
            "Ana Pérez",
            "--phone",
            "+54 11 5555-0101",
            "--pppoe-user",
            "ana@isp",
            "--pppoe-password-stdin",
            "--ssid",
            "Casa Ana",
            "--wifi-password-stdin",
            "--serial",
            &serial,
        ],
        "correct horse",
        Some("ppp-SECRET-1\nwifi-SECRET-2\n"),
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("linked to router"), "{said}");
    let shown: serde_json::Value =
        serde_json::from_str(&env.ok(&["subscriber", "show", "A-1001", "--json"])).unwrap();
    assert_eq!(shown["devices"][0], id.as_str());
    assert_eq!(shown["has_pppoe_password"], true);
    assert!(!shown.to_string().contains("SECRET"));
    let dev: serde_json::Value =
        serde_json::from_str(&env.ok(&["device", "show", &id, "--json"])).unwrap();
    assert_eq!(dev["subscriber"], "Ana Pérez");
    // The list narrowed to linked routers, to the others, and to a GenieACS tag.
    let ids = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["devices", "--json"];
        all.extend(args);
        let rows: serde_json::Value = serde_json::from_str(&env.ok(&all)).unwrap();
        rows.as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids(&["--linked"]), std::slice::from_ref(&id));
    let unlinked = ids(&["--unlinked"]);
    assert_eq!(unlinked.len(), devices.as_array().unwrap().len() - 1);
    assert!(!unlinked.contains(&id));
    let both = env.run_with(
        &["devices", "--linked", "--unlinked"],
        "correct horse",
        None,
    );
    let err = String::from_utf8_lossy(&both.stderr);
    assert!(
        !both.status.success() && err.contains("--unlinked"),
        "{err}"
    );
    let tagged = &unlinked[0];
    let enc = percent_encoding::utf8_percent_encode(tagged, percent_encoding::NON_ALPHANUMERIC);
    acsdesk_core::http::install_crypto_provider();
    let r = reqwest::Client::new()
        .post(format!("{url}/devices/{enc}/tags/street-9"))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    // A tag set in GenieACS without an inform (the sandbox's clock stands still) comes
    // with the next full sync.
    env.ok(&["sync", "--full"]);
    assert_eq!(ids(&["--tag", "street-9"]), std::slice::from_ref(tagged));
    assert!(ids(&["--tag", "street-10"]).is_empty());
    let err = env.fails(
        &["subscriber", "link", "A-1001", "bad serial"],
        "correct horse",
    );
    assert!(err.contains("serial"), "{err}");
    let short = env.run_with(
        &[
            "subscriber",
            "add",
            "A-2",
            "--name",
            "B",
            "--wifi-password-stdin",
        ],
        "correct horse",
        Some("short\n"),
    );
    assert!(!short.status.success());
    assert!(
        !env.ok(&["subscriber", "list"]).contains("A-2"),
        "nothing queued or saved"
    );
    assert!(env
        .ok(&["subscriber", "list", "--unlinked"])
        .trim()
        .is_empty());
    env.ok(&["subscriber", "unlink", "A-1001"]);
    assert!(env
        .ok(&["subscriber", "list", "--unlinked"])
        .contains("A-1001"));

    // Re-key to a new passphrase: the old one no longer opens the tenant.
    let out = env.run_env(
        &["tenant", "rekey", "--passphrase"],
        "correct horse",
        &[("ACSDESK_NEW_PASSPHRASE", "battery staple")],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = env.fails(&["subscriber", "list"], "correct horse");
    assert!(err.contains("wrong key or passphrase"), "{err}");
    let out = env.run_with(&["subscriber", "list"], "battery staple", None);
    assert!(String::from_utf8_lossy(&out.stdout).contains("A-1001"));

    // Removing the connection removes its devices; removing the tenant removes all.
    // Removing asks first, saying what it does; then keeps the history.
    let out = env.run_with(&["acs", "remove", "main"], "battery staple", None);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("--yes") && err.contains("devices leave the lists"),
        "{err}"
    );
    let out = env.run_with(&["acs", "remove", "main", "--yes"], "battery staple", None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("its history is kept as \"main (removed "),
        "{said}"
    );
    let out = env.run_with(&["devices", "--json"], "battery staple", None);
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "[]");
    let out = env.run_with(&["tenant", "remove", "Acme"], "battery staple", None);
    assert!(out.status.success());
    assert!(env.ok(&["tenant", "list"]).trim().is_empty());
    let files = std::fs::read_dir(env.dir.path().join("tenants"))
        .unwrap()
        .count();
    assert_eq!(files, 0, "the tenant's files are gone");
}

/// Settings are shown, changed and refused out of range with nothing saved; a failing
/// connection does not stop the others, and its health shows in `acs list`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_and_connection_health() {
    let sandbox = acsdesk_sandbox::Sandbox::builder(1_795_467_600_000)
        .devices(12)
        .speed(0.0)
        .start()
        .await
        .unwrap();
    let env = Env::new();
    env.ok(&["tenant", "add", "Acme"]);
    let shown = env.ok(&["settings"]);
    assert!(
        shown.contains("offline after 2 inform intervals + 120 s"),
        "{shown}"
    );
    assert!(shown.contains("full every 24 h"), "{shown}");
    let set: serde_json::Value = serde_json::from_str(&env.ok(&[
        "settings",
        "--full-sync-every",
        "6",
        "--raw-retention",
        "24",
        "--offline-after",
        "30",
        "--json",
    ]))
    .unwrap();
    assert_eq!(set["full_sync_every_h"], 6);
    assert_eq!(set["raw_retention_h"], 24);
    assert_eq!(set["offline_after_min"], 30);
    let err = env.fails(
        &["settings", "--overlap", "9999", "--full-sync-every", "1"],
        "correct horse",
    );
    assert!(
        err.contains("overlap_s: choose between 0 and 3600 seconds (got 9999)"),
        "{err}"
    );
    let kept: serde_json::Value = serde_json::from_str(&env.ok(&["settings", "--json"])).unwrap();
    assert_eq!(
        kept["full_sync_every_h"], 6,
        "nothing of a refused change is saved"
    );
    assert_eq!(kept["overlap_s"], 60);

    let url = sandbox.url();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dead = format!("http://127.0.0.1:{port}/");
    env.ok(&["acs", "add", "main", "--url", &url]);
    env.ok(&["acs", "add", "branch", "--url", &dead]);
    assert!(env.ok(&["acs", "list"]).contains("not synced yet"));
    let out = env.run_with(&["sync"], "correct horse", None);
    assert!(
        !out.status.success(),
        "a failed connection fails the command"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains("main: full sync, 12 devices fetched"),
        "{stdout}"
    );
    assert!(
        stderr.contains("branch: GenieACS: cannot connect"),
        "{stderr}"
    );
    assert!(
        stderr.contains("sync failed for branch; cached data is unchanged"),
        "{stderr}"
    );
    let list = env.ok(&["acs", "list"]);
    let line = |name: &str| {
        list.lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_default()
            .to_owned()
    };
    assert!(line("main").contains("ok since"), "{list}");
    assert!(
        line("branch").contains("degraded since") && line("branch").contains("1 failed"),
        "{list}"
    );
    for _ in 0..2 {
        env.run_with(&["sync", "--acs", "branch"], "correct horse", None);
    }
    let list = env.ok(&["acs", "list"]);
    assert!(
        list.lines().any(|l| l.starts_with("branch")
            && l.contains("unreachable since")
            && l.contains("3 failed")),
        "{list}"
    );
    // Its cached data is intact: the other connection's devices are all there.
    let devices: serde_json::Value =
        serde_json::from_str(&env.ok(&["devices", "--json", "--limit", "100"])).unwrap();
    assert_eq!(devices.as_array().unwrap().len(), 12);
}

/// Channels, maintenance windows, history, filters, per-device thresholds and alert
/// settings from the command line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alert_channels_maintenance_history_and_thresholds() {
    let sandbox = acsdesk_sandbox::Sandbox::builder(acsdesk_core::clock::system_now_ms())
        .devices(6)
        .speed(0.0)
        .start()
        .await
        .unwrap();
    let (hook, mut received) = acsdesk_captures::receiver::start(204).await;
    let env = Env::new();
    env.ok(&["tenant", "add", "Acme"]);
    env.ok(&["acs", "add", "main", "--url", &sandbox.url()]);
    env.ok(&["sync"]);
    // A webhook with its secret from stdin; listings never show the token or secret.
    let url = format!("{hook}/alerts?token=XYZZY-TOKEN");
    let out = env.run_with(
        &[
            "alerts",
            "channel",
            "add",
            "noc",
            "--webhook",
            &url,
            "--secret-stdin",
        ],
        "correct horse",
        Some("a-long-enough-hmac-secret\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = env.fails(
        &[
            "alerts",
            "channel",
            "add",
            "sms",
            "--sms",
            "https://gw.example/send?to={phone}",
            "--phone",
            "+54 9 11 5555-0000",
        ],
        "correct horse",
    );
    assert!(err.contains("{message}"), "{err}");
    env.ok(&[
        "alerts",
        "channel",
        "add",
        "oncall",
        "--sms",
        "https://gw.example/send?key=K&to={phone}&text={message}",
        "--phone",
        "+54 9 11 5555-0000",
    ]);
    let list = env.ok(&["alerts", "channel", "list"]);
    assert!(list.contains("noc  webhook  http://127.0.0.1/…"), "{list}");
    assert!(
        list.contains("oncall  sms  https://gw.example/…  1 phone(s)"),
        "{list}"
    );
    assert!(!list.contains("XYZZY") && !list.contains("key=K"), "{list}");
    env.ok(&["alerts", "channel", "disable", "oncall"]);
    assert!(env
        .ok(&["alerts", "channel", "list"])
        .contains("(disabled)"));
    let test = env.ok(&["alerts", "test-channel", "noc"]);
    assert!(test.contains("Test message sent through noc"), "{test}");
    let request = received.recv().await.unwrap();
    assert_eq!(
        (request.method.as_str(), request.target.as_str()),
        ("POST", "/alerts?token=XYZZY-TOKEN")
    );
    assert!(request
        .header("x-acsdesk-signature")
        .is_some_and(|s| s.starts_with("sha256=")));
    let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(body["kind"], "test");
    let err = env.fails(&["alerts", "test-channel", "nope"], "correct horse");
    assert!(err.contains("not found"), "{err}");

    // Maintenance windows.
    let out = env.ok(&[
        "alerts",
        "maintenance",
        "add",
        "--for",
        "2h",
        "--reason",
        "fibre works",
    ]);
    assert!(out.contains("alerts are recorded, not notified"), "{out}");
    let windows = env.ok(&["alerts", "maintenance", "list"]);
    assert!(
        windows.contains("whole tenant") && windows.contains("fibre works"),
        "{windows}"
    );
    let id = windows.split_whitespace().next().unwrap().to_owned();
    env.ok(&["alerts", "maintenance", "end", &id]);
    assert_eq!(
        env.ok(&["alerts", "maintenance", "list"]).trim(),
        "No maintenance window open or planned."
    );
    let err = env.fails(
        &["alerts", "maintenance", "add", "--for", "soon"],
        "correct horse",
    );
    assert!(err.contains("duration"), "{err}");
    let err = env.fails(
        &[
            "alerts",
            "maintenance",
            "add",
            "--for",
            "1h",
            "--device",
            "nope",
        ],
        "correct horse",
    );
    assert!(err.contains("not found"), "{err}");

    // Thresholds: the tenant's and one device's own.
    let set: serde_json::Value = serde_json::from_str(&env.ok(&[
        "settings",
        "--cpu-threshold",
        "90",
        "--digest-threshold",
        "3",
        "--json",
    ]))
    .unwrap();
    assert_eq!(set["alerts"]["cpu_threshold_pct"], 90.0);
    assert_eq!(set["alerts"]["digest_threshold"], 3);
    let err = env.fails(&["settings", "--mem-threshold", "150"], "correct horse");
    assert!(err.contains("mem_threshold_pct"), "{err}");
    let off: serde_json::Value =
        serde_json::from_str(&env.ok(&["settings", "--cpu-threshold", "0", "--json"])).unwrap();
    assert!(
        off["alerts"]["cpu_threshold_pct"].is_null(),
        "0 turns it off"
    );
    let devices: serde_json::Value = serde_json::from_str(&env.ok(&["devices", "--json"])).unwrap();
    let device = devices[0]["id"].as_str().unwrap().to_owned();
    assert!(env
        .ok(&["device", "offline-after", &device, "3"])
        .contains("alerts after 3 min offline"));
    assert!(env
        .ok(&["device", "offline-after", &device, "default"])
        .contains("follows the tenant's threshold (10 min)"));
    let err = env.fails(&["device", "offline-after", &device, "0"], "correct horse");
    assert!(err.contains("1 and 1440"), "{err}");

    // Filters are checked; history of an unknown alert is a clear error.
    let err = env.fails(&["alerts", "--kind", "bogus"], "correct horse");
    assert!(
        err.contains("unknown kind \"bogus\"") && err.contains("device_offline"),
        "{err}"
    );
    let err = env.fails(&["alerts", "--severity", "urgent"], "correct horse");
    assert!(err.contains("info, warning, critical"), "{err}");
    let all: serde_json::Value = serde_json::from_str(&env.ok(&["alerts", "--json"])).unwrap();
    let kinds: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["kind"].as_str())
        .collect();
    assert_eq!(kinds.len(), all.as_array().unwrap().len(), "{all}");
    let picked: serde_json::Value = serde_json::from_str(&env.ok(&[
        "alerts",
        "--kind",
        "device_offline",
        "--severity",
        "critical",
        "--device",
        &device,
        "--json",
    ]))
    .unwrap();
    assert!(
        picked
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["kind"] == "device_offline"
                && a["severity"] == "critical"
                && a["subject"] == device.as_str()),
        "{picked}"
    );
    let err = env.fails(&["alerts", "history", "999"], "correct horse");
    assert!(err.contains("alert 999 not found"), "{err}");
    env.ok(&["alerts", "channel", "remove", "noc"]);
}

/// Credentials written into an ACS URL are refused, without repeating them; and a
/// listing read by something that stops early (`acsdesk devices | head -1`) ends
/// quietly, as any Unix tool does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn url_credentials_are_refused_and_a_closed_pipe_ends_a_listing_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let sandbox = acsdesk_sandbox::Sandbox::builder(1_795_467_600_000)
        .devices(1200)
        .speed(0.0)
        .start()
        .await
        .unwrap();
    let env = Env::new();
    env.ok(&["tenant", "add", "Acme ISP"]);
    let url = sandbox.url();
    let with_creds = url.replacen("http://", "http://noc:Hunter2pw@", 1);
    let err = env.fails(
        &["acs", "add", "main", "--url", &with_creds],
        "correct horse",
    );
    assert!(
        err.contains("holds credentials") && err.contains("--password-stdin"),
        "{err}"
    );
    assert!(
        !err.contains("Hunter2pw"),
        "the password is not repeated: {err}"
    );
    // Credentials over plain http:// to another machine: added, with a warning, which
    // the list repeats; to this machine (the sandbox) no warning.
    let out = env.run_with(
        &[
            "acs",
            "add",
            "far",
            "--url",
            "http://192.0.2.7:7557",
            "--auth",
            "basic",
            "--user",
            "noc",
        ],
        "correct horse",
        Some("pw-in-clear\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("warning: the credentials travel in clear over http:// to 192.0.2.7"),
        "{err}"
    );
    let list = env.ok(&["acs", "list"]);
    assert!(
        list.contains("warning: the credentials travel in clear"),
        "{list}"
    );
    env.ok(&["acs", "remove", "far", "--yes"]);
    env.ok(&["acs", "add", "main", "--url", &url]);
    env.ok(&["sync"]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_acsdesk"))
        .args(["devices", "--json", "--limit", "1000"])
        .env("ACSDESK_DATA_DIR", env.dir.path())
        .env("ACSDESK_PASSPHRASE", "correct horse")
        .env_remove("ACSDESK_TENANT")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The reader is gone (dropped with its pipe) after one line.
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(first.starts_with('['), "{first}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.trim().is_empty(), "quiet: {stderr}");
    assert_eq!(out.status.code(), Some(141), "{:?}", out.status);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_longer_than_a_page_is_never_cut_without_a_word() {
    let (_sandbox, env) = synced("Big", 1_050, 1_795_467_600_000, 0.0).await;
    // The default is cut, and says so and how to see the rest.
    let out = env.ok(&["devices"]);
    assert!(
        out.contains("50 shown of 1050 matching")
            && out.contains("showing 50 of 1050 matching devices: use --limit N or --all"),
        "{out}"
    );
    // More than a page (1,000) is read whole: every row, in list order.
    let all = env.ok(&["devices", "--all"]);
    let lines = all
        .lines()
        .filter(|l| l.starts_with("online") || l.starts_with("offline"));
    assert_eq!(
        lines.count(),
        1_050,
        "{}",
        &all[all.len().saturating_sub(300)..]
    );
    assert!(
        all.contains("1050 shown of 1050") && !all.contains("showing"),
        "nothing cut"
    );
    let out = env.run_with(
        &["devices", "--json", "--limit", "1000000"],
        "correct horse",
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: std::collections::HashSet<_> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 1_050, "each device once");
    assert!(out.stderr.is_empty(), "not cut, nothing to say");
    // A cut JSON list stays valid JSON; the note goes to stderr.
    let out = env.run_with(
        &["devices", "--json", "--limit", "3"],
        "correct horse",
        None,
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 3);
    assert!(String::from_utf8_lossy(&out.stderr).contains("showing 3 of 1050"));
    for bad in [
        &["devices", "--limit", "0"][..],
        &["devices", "--all", "--limit", "5"],
    ] {
        let out = env.run_with(bad, "correct horse", None);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && err.contains("--limit"), "{err}");
    }
    let out = env.run_with(&["devices", "--limit", "0"], "correct horse", None);
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 1"));
    // Logs and actions say when they are cut too; a limit beyond what they keep is
    // refused, not quietly lowered.
    let out = env.run_with(&["logs", "--limit", "3"], "correct horse", None);
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 3);
    assert!(String::from_utf8_lossy(&out.stderr).contains("showing the 3 most recent entries"));
    let out = env.run_with(&["logs", "--limit", "20000"], "correct horse", None);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("from 1 to 10000"));
    let out = env.run_with(&["actions", "--limit", "100001"], "correct horse", None);
    assert!(String::from_utf8_lossy(&out.stderr).contains("from 1 to 100000"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tenant_is_backed_up_and_restored_after_a_check() {
    let (_sandbox, env) = synced("North Valley", 12, 1_795_467_600_000, 0.0).await;
    let made: serde_json::Value =
        serde_json::from_str(&env.ok(&["tenant", "backup", "--json"])).unwrap();
    let path = made["path"].as_str().unwrap().to_owned();
    assert!(path.contains("/backups/north-valley-"), "{path}");
    assert_eq!(
        (made["devices"].as_u64(), made["subscribers"].as_u64()),
        (Some(12), Some(0))
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "only its owner reads a backup");
    }
    let err = env.fails(&["tenant", "backup", &path], "correct horse");
    assert!(err.contains("already exists"), "{err}");
    // A change after the backup.
    env.ok(&["subscriber", "add", "A-1", "--name", "Ana"]);
    // Without a terminal a restore needs --yes; a file that is not a backup of this
    // tenant is refused; neither changes anything.
    let err = env.fails(&["tenant", "restore", &path], "correct horse");
    assert!(err.contains("--yes") && err.contains("12 devices"), "{err}");
    let junk = env.dir.path().join("junk.db");
    std::fs::write(&junk, vec![7_u8; 8192]).unwrap();
    let err = env.fails(
        &["tenant", "restore", junk.to_str().unwrap(), "--yes"],
        "correct horse",
    );
    assert!(
        err.contains("wrong key") || err.contains("damaged"),
        "{err}"
    );
    assert!(env.ok(&["subscriber", "list"]).contains("A-1"));
    let out = env.ok(&["tenant", "restore", &path, "--yes"]);
    assert!(
        out.contains("Restored \"North Valley\"") && out.contains("12 devices"),
        "{out}"
    );
    assert!(
        !env.ok(&["subscriber", "list"]).contains("A-1"),
        "the data as it was"
    );
    assert!(env.ok(&["devices"]).contains("12 shown of 12"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_exit_non_zero_in_one_format_and_output_reads_well_in_a_log() {
    let sandbox = acsdesk_sandbox::Sandbox::builder(acsdesk_core::clock::system_now_ms())
        .devices(6)
        .speed(120.0)
        .start()
        .await
        .unwrap();
    let env = Env::new();
    // A usage line names only what is missing, not options the environment gives.
    let out = env.run_with(&["act", "reboot"], "correct horse", None);
    let usage = String::from_utf8_lossy(&out.stderr);
    assert!(
        usage.contains("Usage: acsdesk act reboot <IDS>") && !usage.contains("--data-dir"),
        "{usage}"
    );
    env.ok(&["tenant", "add", "Acme"]);
    env.ok(&["acs", "add", "main", "--url", &sandbox.url()]);
    env.ok(&["sync"]);
    // Empty lists say so.
    assert_eq!(env.ok(&["alerts"]).trim(), "No alerts.");
    assert_eq!(
        env.ok(&["alerts", "channel", "list"]).trim(),
        "No alert channels."
    );
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["devices", "--online", "--json"])).unwrap();
    let ids: Vec<String> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(ids.len() >= 2, "{json}");
    // A router that answers a reboot with a fault: the action fails, the command exits
    // non-zero, with or without --wait, in one format.
    acsdesk_core::http::install_crypto_provider();
    let client = reqwest::Client::new();
    for id in &ids[..2] {
        let r = client
            .post(format!(
                "{}/_sandbox/devices/{}/unsupported?task=reboot",
                sandbox.url(),
                percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC)
            ))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
    }
    let mut said = Vec::new();
    for (id, wait) in [(&ids[0], false), (&ids[1], true)] {
        let mut args = vec!["act", "reboot", id.as_str(), "--yes"];
        if wait {
            args.push("--wait");
        }
        let out = env.run_with(&args, "correct horse", None);
        assert!(!out.status.success(), "a failed reboot fails the command");
        let err = String::from_utf8_lossy(&out.stderr).trim().to_owned();
        assert!(
            err.starts_with("acsdesk: action ") && err.contains(&format!(" on {id}: ")),
            "{err}"
        );
        said.push(err.split(": ").skip(2).collect::<Vec<_>>().join(": "));
    }
    assert_eq!(said[0], said[1], "the same failure, the same words");
    // A bulk run's progress in a log: whole lines, no carriage returns.
    let out = env.run_with(
        &["act", "bulk", "refresh", "--online"],
        "correct horse",
        None,
    );
    let progress = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{progress}");
    assert!(!progress.contains('\r'), "{progress:?}");
    assert!(
        progress.lines().any(|l| l.contains(" done, ")),
        "{progress:?}"
    );
    assert!(
        progress.is_empty() || progress.ends_with('\n'),
        "{progress:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_is_named_by_its_serial_or_its_id_with_or_without_escapes() {
    let (_sandbox, env) = synced("Acme", 40, 1_795_467_600_000, 0.0).await;
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["devices", "--all", "--json"])).unwrap();
    let devices = json.as_array().unwrap();
    let escaped = devices
        .iter()
        .find(|d| d["id"].as_str().unwrap().contains("%2D"))
        .unwrap_or_else(|| panic!("a router whose id GenieACS escapes: {json}"));
    let id = escaped["id"].as_str().unwrap();
    let serial = escaped["serial"].as_str().unwrap();
    let shows = |name: &str| {
        let out = env.ok(&["device", "show", name, "--json"]);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        v["id"].as_str().unwrap().to_owned()
    };
    assert_eq!(shows(id), id);
    assert_eq!(
        shows(&id.replace("%2D", "-")),
        id,
        "the id as people write it"
    );
    assert_eq!(shows(serial), id, "the serial");
    assert_eq!(shows(&serial.to_lowercase()), id, "in any case");
    // Not a device: suggestions when the text is part of some.
    let err = env.fails(
        &["device", "show", &serial[serial.len() - 3..]],
        "correct horse",
    );
    assert!(
        err.contains("did you mean") && err.contains("serial"),
        "{err}"
    );
    let err = env.fails(&["device", "show", "nothing-like-it"], "correct horse");
    assert!(err.contains("no device \"nothing-like-it\""), "{err}");
    // Actions take the same names; the list shows ids with --wide.
    let out = env.ok(&["act", "refresh", serial]);
    assert!(out.contains(&format!("on {id}")), "{out}");
    let wide = env.ok(&["devices", "--wide", "--limit", "100"]);
    assert!(wide.starts_with("ID ") && wide.contains(id), "{wide}");
    assert!(!env.ok(&["devices"]).contains(id), "ids only with --wide");
    // Vendors by AcsDesk's names, in any case ("Huawei Technologies Co., Ltd" is Huawei).
    let huawei: serde_json::Value =
        serde_json::from_str(&env.ok(&["devices", "--vendor", "huawei", "--all", "--json"]))
            .unwrap();
    let huawei = huawei.as_array().unwrap();
    assert!(
        !huawei.is_empty() && huawei.iter().all(|d| d["vendor"] == "Huawei"),
        "{huawei:?}"
    );
    let err = env.fails(&["devices", "--vendor", "Huawey"], "correct horse");
    assert!(
        err.contains("no device has vendor \"Huawey\"") && err.contains("Huawei ("),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_is_tested_and_edited_from_the_command_line() {
    let sandbox = acsdesk_sandbox::Sandbox::builder(1_795_467_600_000)
        .devices(5)
        .speed(0.0)
        .start()
        .await
        .unwrap();
    let env = Env::new();
    env.ok(&["tenant", "add", "Acme"]);
    env.ok(&["acs", "add", "main", "--url", &sandbox.url()]);
    let out = env.ok(&["acs", "test", "main"]);
    assert!(
        out.contains("reachable   ok")
            && out.contains("GenieACS    ok")
            && out.contains("devices     5"),
        "{out}"
    );
    // A fresh GenieACS has no presets or provisions at all; the test says so, and says
    // when AcsDesk's provisioning is there.
    assert!(out.contains("runs        a bare GenieACS"), "{out}");
    env.ok(&["provision", "install"]);
    let out = env.ok(&["acs", "test", "main"]);
    assert!(out.contains("runs        AcsDesk's provisioning"), "{out}");
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["acs", "test", "main", "--json"])).unwrap();
    assert_eq!(
        (json["nbi"].as_bool(), json["devices"].as_u64()),
        (Some(true), Some(5))
    );
    // Nothing listens there: one clear line, non-zero.
    let err = env.fails(
        &["acs", "test", "--url", "http://127.0.0.1:9"],
        "correct horse",
    );
    assert!(err.contains("Cannot connect"), "{err}");
    // Edited: a new address with no password is refused when a password is saved…
    let out = env.run_with(
        &[
            "acs",
            "edit",
            "main",
            "--auth",
            "basic",
            "--user",
            "noc",
            "--new-secret",
        ],
        "correct horse",
        Some("s3cret-pw\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = env.fails(
        &["acs", "edit", "main", "--url", "http://127.0.0.1:9"],
        "correct horse",
    );
    assert!(err.contains("type the password or token again"), "{err}");
    // …and accepted with it; the interval alone keeps everything else.
    env.ok(&["acs", "edit", "main", "--interval", "120"]);
    let list = env.ok(&["acs", "list"]);
    assert!(
        list.contains("user=noc") && list.contains("every 120 s") && list.contains(&sandbox.url()),
        "{list}"
    );
    assert!(!list.contains("s3cret"), "{list}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_genieacs_returns_in_clear_is_masked_wherever_acsdesk_shows_it() {
    let (_sandbox, env) = synced("Acme", 10, acsdesk_core::clock::system_now_ms(), 120.0).await;
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["devices", "--online", "--all", "--json"])).unwrap();
    let dev = json
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["data_model"] == "tr181")
        .unwrap_or_else(|| panic!("an online TR-181 router: {json}"));
    let id = dev["id"].as_str().unwrap();
    let secret = "Zz-secret-9";
    let path = "Device.ManagementServer.ConnectionRequestPassword";
    env.ok(&[
        "act",
        "set",
        id,
        "--param",
        &format!("{path}={secret}"),
        "--wait",
    ]);
    // GenieACS now returns it in clear: AcsDesk does not.
    let params = env.ok(&[
        "device",
        "params",
        id,
        "--prefix",
        "Device.ManagementServer",
    ]);
    assert!(
        params.contains("ConnectionRequestPassword = (hidden)"),
        "{params}"
    );
    for shown in [
        params,
        env.ok(&["actions", "--json"]),
        env.ok(&["logs", id, "--json"]),
        env.ok(&["device", "show", id, "--json"]),
    ] {
        assert!(!shown.contains(secret), "{shown}");
    }
}

/// A router GenieACS has only met through informs: the sync takes it as it is, `device
/// show` says what is not fetched yet (not "not reported"), and a refresh fills it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_router_that_only_informed_shows_not_fetched_until_refreshed() {
    let sandbox = acsdesk_sandbox::Sandbox::builder(acsdesk_core::clock::system_now_ms())
        .devices(8)
        .speed(60.0)
        .partial(1.0)
        .start()
        .await
        .unwrap();
    let env = Env::new();
    env.ok(&["tenant", "add", "Acme"]);
    env.ok(&["acs", "add", "main", "--url", &sandbox.url()]);
    let out = env.ok(&["sync"]);
    assert!(
        out.contains("8 new"),
        "every partial router is taken: {out}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["devices", "--online", "--json"])).unwrap();
    // A TP-Link (TR-098): what its Inform carries (firmware, the WAN's address) is there.
    let id = json
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["vendor"] == "TP-Link")
        .and_then(|d| d["id"].as_str())
        .unwrap_or_else(|| panic!("an online TP-Link: {json}"))
        .to_owned();
    let shown = env.ok(&["device", "show", &id]);
    let line = |label: &str| {
        shown
            .lines()
            .find(|l| l.starts_with(label))
            .unwrap_or_else(|| panic!("{label}: {shown}"))
            .to_owned()
    };
    assert!(line("Uptime").contains("not fetched yet"), "{shown}");
    for label in ["Informs every", "WAN  ", "PPPoE user", "WiFi"] {
        assert!(line(label).contains("not fetched yet"), "{label}: {shown}");
    }
    assert!(
        line("CPU").contains("not reported"),
        "a TP-Link has no CPU at all: {shown}"
    );
    for label in ["Firmware", "WAN IP"] {
        assert!(
            !line(label).contains("not fetched"),
            "the Inform carries it: {shown}"
        );
    }
    let raw: serde_json::Value =
        serde_json::from_str(&env.ok(&["device", "show", &id, "--json"])).unwrap();
    assert!(
        raw["not_fetched"]
            .as_array()
            .is_some_and(|a| a.iter().any(|n| n == "uptime")),
        "{raw}"
    );
    let out = env.ok(&["act", "refresh", &id, "--wait"]);
    assert!(out.contains("All 1 action(s) completed."), "{out}");
    let shown = env.ok(&["device", "show", &id]);
    assert!(!shown.contains("not fetched"), "{shown}");
}
