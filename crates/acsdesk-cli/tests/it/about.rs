//! `acsdesk --version`, `--help` and `about`.

use std::process::{Command, Output};

fn acsdesk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_acsdesk"))
        .args(args)
        .output()
        .expect("the acsdesk binary runs")
}

#[test]
fn version_prints_the_workspace_version_and_commit() {
    let out = acsdesk(&["--version"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with(&format!("acsdesk {}", env!("CARGO_PKG_VERSION"))),
        "{text}"
    );
    assert!(text.contains("commit "), "{text}");
}

#[test]
fn help_lists_the_subcommands() {
    let out = acsdesk(&["--help"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Usage: acsdesk"), "{text}");
    assert!(text.contains("about"), "{text}");
}

#[test]
fn no_arguments_prints_help_and_fails() {
    let out = acsdesk(&[]);
    assert!(!out.status.success());
    let text = String::from_utf8(out.stderr).unwrap();
    assert!(text.contains("Usage: acsdesk"), "{text}");
}

#[test]
fn unknown_subcommand_is_one_clear_error() {
    let out = acsdesk(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8(out.stderr).unwrap();
    assert!(
        text.contains("unrecognized subcommand 'frobnicate'"),
        "{text}"
    );
}

#[test]
fn about_json_matches_the_core_build_info() {
    let out = acsdesk(&["about", "--json"]);
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["product"], "AcsDesk");
    assert_eq!(json["version"], env!("CARGO_PKG_VERSION"));
    assert!(json["commit"].as_str().is_some_and(|c| !c.is_empty()));
    assert!(json["shell"].is_null());
}

/// A release server answering every request with `status` and `body` (until dropped).
fn release_server(status: &'static str, body: String) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/latest.json", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut seen = Vec::new();
            let mut buf = [0_u8; 1024];
            while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => seen.extend_from_slice(&buf[..n]),
                }
            }
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

fn update_check(url: Option<&str>, json: bool) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_acsdesk"));
    cmd.args(["update", "check"])
        .env_remove("ACSDESK_UPDATE_URL")
        .env_remove("ACSDESK_UPDATE_PUBKEY");
    if json {
        cmd.arg("--json");
    }
    if let Some(url) = url {
        // A debug build takes a key at run time (a release only the one built in).
        cmd.env("ACSDESK_UPDATE_URL", url)
            .env("ACSDESK_UPDATE_PUBKEY", "dW50cnVzdGVkIGNvbW1lbnQ6IHRlc3Q=");
    }
    cmd.output().expect("the acsdesk binary runs")
}

fn manifest(version: &str) -> String {
    format!(
        r#"{{"version": "{version}", "notes": "Faster sync on large fleets", "pub_date": "2026-12-01T10:00:00Z",
            "platforms": {{
              "linux-x86_64-deb": {{"url": "https://releases.example/acs-desk_{version}_amd64.deb", "signature": "c2ln"}},
              "linux-x86_64-rpm": {{"url": "https://releases.example/acs-desk-{version}-1.x86_64.rpm", "signature": "c2ln"}}
            }}}}"#
    )
}

#[test]
fn update_check_names_a_newer_release_and_its_package() {
    let url = release_server("200 OK", manifest("99.0.0"));
    let out = update_check(Some(&url), false);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains(&format!(
            "AcsDesk 99.0.0 is available (this is {}).",
            env!("CARGO_PKG_VERSION")
        )),
        "{text}"
    );
    assert!(text.contains("Faster sync on large fleets"), "{text}");
    assert!(
        text.contains("Package: https://releases.example/acs-desk_99.0.0_amd64.deb"),
        "{text}"
    );

    let out = update_check(Some(&url), true);
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["available"]["version"], "99.0.0");
    assert_eq!(json["endpoint"], url.as_str());
    assert!(json["unavailable"].is_null());
}

#[test]
fn update_check_says_when_this_is_the_latest_or_the_build_has_no_key() {
    let same = release_server("200 OK", manifest(env!("CARGO_PKG_VERSION")));
    let out = update_check(Some(&same), false);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("is the latest version"), "{text}");
    // Tauri's servers say "nothing newer" with 204 No Content.
    let none = release_server("204 No Content", String::new());
    let out = update_check(Some(&none), true);
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(json["available"].is_null(), "{json}");
    // A build without a key does not look for updates, and says so.
    let out = update_check(None, false);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("this build has no update key: the system's package manager updates it"),
        "{text}"
    );
}

#[test]
fn update_check_fails_clearly_when_the_server_does_not_answer_right() {
    let broken = release_server("500 Internal Server Error", "oops".into());
    let out = update_check(Some(&broken), false);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("could not ask {broken} for updates: HTTP 500")),
        "{err}"
    );
    let garbage = release_server("200 OK", "<html>".into());
    let out = update_check(Some(&garbage), false);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not an update manifest"), "{err}");
}
