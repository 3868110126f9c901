//! IPC smoke tests: every command is invoked through Tauri's real IPC path (mock
//! runtime, the app's real context and capabilities), so names and gating never drift.

use acsdesk_types::{commands, AboutInfo};
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindowBuilder};

fn app() -> tauri::App<tauri::test::MockRuntime> {
    let dir = tempfile::tempdir().expect("a temp dir");
    let desk = tauri::async_runtime::block_on(acsdesk_desktop::open_desk(dir.path()))
        .expect("the backend opens");
    // Keep the directory for the life of the test process.
    std::mem::forget(dir);
    acsdesk_desktop::with_commands(mock_builder())
        .manage(desk)
        .build(acsdesk_desktop::context())
        .expect("the app builds on the mock runtime")
}

fn invoke(
    app: &tauri::App<tauri::test::MockRuntime>,
    cmd: &str,
    body: Value,
) -> Result<Value, Value> {
    let webview = match app.get_webview_window("main") {
        Some(w) => w,
        None => WebviewWindowBuilder::new(app, "main", Default::default())
            .build()
            .expect("the main window builds"),
    };
    get_ipc_response(
        &webview,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().expect("a valid URL"),
            body: InvokeBody::Json(body),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize::<Value>().expect("a JSON response"))
}

#[test]
fn get_about_returns_the_core_build_info() {
    let app = app();
    let value =
        invoke(&app, commands::GET_ABOUT, json!({ "request": {} })).expect("get_about succeeds");
    let info: AboutInfo = serde_json::from_value(value).expect("an AboutInfo");
    let core = acsdesk_core::about::build_info(None);
    assert_eq!(info.product, "AcsDesk");
    assert_eq!(info.version, core.version);
    assert_eq!(info.commit, core.commit);
    assert_eq!(info.shell, Some(format!("Tauri {}", tauri::VERSION)));
}

#[test]
fn every_command_answers_through_ipc() {
    let app = app();
    let state =
        invoke(&app, commands::WORKSPACE_STATE, json!({ "request": {} })).expect("workspace_state");
    assert_eq!(
        state["current"],
        Value::Null,
        "a new workspace has no tenant"
    );
    for (cmd, request) in [
        (
            commands::LIST_DEVICES,
            json!({"filter": {}, "sort": {"key": "serial", "descending": false}, "offset": 0, "limit": 10}),
        ),
        (commands::DEVICE_FACETS, json!({})),
        (commands::GET_DEVICE, json!({"id": "nope"})),
        (
            commands::DEVICE_CHART,
            json!({"id": "nope", "metric": "cpu", "range": "24h", "dark": false, "utc_offset_min": 0}),
        ),
    ] {
        let err = invoke(&app, cmd, json!({ "request": request })).expect_err(cmd);
        assert_eq!(err["code"], "not_found", "{cmd}: {err}");
        assert!(
            err["message"].as_str().unwrap().contains("no tenant"),
            "{cmd}: {err}"
        );
    }
    let err = invoke(
        &app,
        commands::SWITCH_TENANT,
        json!({ "request": {"name": "nobody"} }),
    )
    .expect_err("unknown tenant");
    assert_eq!(err["code"], "not_found");
    let err = invoke(
        &app,
        commands::UNLOCK_TENANT,
        json!({ "request": {"name": "nobody", "passphrase": "pw"} }),
    )
    .expect_err("unknown tenant");
    assert_eq!(err["code"], "not_found");
    invoke(
        &app,
        commands::UNLOCK_TENANT,
        json!({ "request": {"name": null, "passphrase": "for new tenants"} }),
    )
    .expect("a passphrase for the tenants created next");
    // Bad action input is refused before anything else, naming the field.
    let err = invoke(
        &app,
        commands::QUEUE_ACTION,
        json!({ "request": {"device": "x", "action": {"action": "change_wifi", "band": "2.4", "ssid": null, "passphrase": "short"}} }),
    )
    .expect_err("a short passphrase is refused");
    assert_eq!(err["code"], "invalid");
    assert!(
        err["message"].as_str().unwrap().starts_with("passphrase:"),
        "{err}"
    );
    let report = invoke(
        &app,
        commands::TEST_ACS,
        json!({ "request": {"url": "not a url", "auth": "none", "user": null, "secret": null} }),
    )
    .expect("test_acs answers with a verdict");
    assert!(report["problem"].as_str().unwrap().contains("not valid"));
    let err = invoke(
        &app,
        commands::ADD_ACS,
        json!({ "request": {"tenant": "", "name": "x", "url": "http://a", "auth": "none", "user": null, "secret": null, "interval_s": 60} }),
    )
    .expect_err("an empty tenant name is refused");
    assert!(
        matches!(err["code"].as_str(), Some("invalid") | Some("store")),
        "{err}"
    );
}

#[test]
fn get_about_without_its_request_is_an_error_not_a_panic() {
    let app = app();
    let err = invoke(&app, commands::GET_ABOUT, json!({})).expect_err("the request is required");
    let text = err.to_string();
    assert!(text.contains("request"), "{text}");
}

#[test]
fn a_command_that_is_not_registered_is_refused() {
    let app = app();
    let err = invoke(&app, "delete_everything", json!({})).expect_err("unknown commands fail");
    assert!(err.to_string().contains("delete_everything"), "{err}");
}

/// A file of this package, found where cargo runs the test (the build cache is shared by
/// checkouts in other places, so the compile-time path may name another checkout).
fn package_file(name: &str) -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
        .join(name)
}

/// The capability file allows exactly the commands of `acsdesk_types::commands::ALL`,
/// for the main window only, plus listening to events — nothing else of Tauri's core.
#[test]
fn the_main_capability_allows_exactly_the_app_commands() {
    let text = std::fs::read_to_string(package_file("capabilities/main.json"))
        .expect("capabilities/main.json exists");
    let cap: Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(cap["windows"], json!(["main"]));
    let permissions: Vec<&str> = cap["permissions"]
        .as_array()
        .expect("a permission list")
        .iter()
        .filter_map(|p| p.as_str())
        .collect();
    let core: Vec<&str> = permissions
        .iter()
        .copied()
        .filter(|p| p.starts_with("core:"))
        .collect();
    assert_eq!(
        core,
        vec!["core:event:allow-listen", "core:event:allow-unlisten"]
    );
    let mut allowed: Vec<String> = permissions
        .iter()
        .filter(|p| !p.starts_with("core:"))
        .filter_map(|p| p.strip_prefix("allow-"))
        .map(|p| p.replace('-', "_"))
        .collect();
    allowed.sort();
    let mut expected: Vec<String> = commands::ALL.iter().map(|c| (*c).to_owned()).collect();
    expected.sort();
    assert_eq!(allowed, expected);
}

/// The Content-Security-Policy is explicit and keeps the webview off the network.
#[test]
fn the_csp_is_explicit_and_allows_no_remote_origin() {
    let text =
        std::fs::read_to_string(package_file("tauri.conf.json")).expect("tauri.conf.json exists");
    let conf: Value = serde_json::from_str(&text).expect("valid JSON");
    let csp = conf["app"]["security"]["csp"]
        .as_object()
        .expect("an explicit CSP");
    assert_eq!(csp["default-src"], "'self'");
    for (directive, sources) in csp {
        let sources = sources.as_str().expect("a string");
        for source in sources.split_whitespace() {
            let local = source.starts_with('\'')
                || matches!(source, "ipc:" | "http://ipc.localhost" | "data:" | "blob:");
            assert!(local, "{directive} allows a remote source: {source}");
        }
    }
}
