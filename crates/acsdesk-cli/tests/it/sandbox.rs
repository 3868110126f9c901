//! `acsdesk sandbox`: serves until stopped, on the port asked for, with imported
//! documents beside the generated fleet, over https with `--tls`; bad options are one
//! clear error.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn fixture(name: &str) -> std::path::PathBuf {
    acsdesk_captures::fixtures_dir().join(name)
}

#[tokio::test]
async fn it_serves_the_generated_fleet_and_imported_documents() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_acsdesk"))
        .args(["sandbox", "--devices", "5", "--port", "0", "--import"])
        .arg(fixture("devices-all.json"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    // Kept open while the sandbox runs: it prints more, and a closed pipe ends it.
    let mut out = BufReader::new(child.stdout.take().unwrap());
    out.read_line(&mut line).unwrap();
    assert!(
        line.contains("5 simulated routers and 23 imported"),
        "{line}"
    );
    let url = line.trim().rsplit(' ').next().unwrap().to_owned();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let head = reqwest::Client::new()
        .head(format!("{url}/devices"))
        .send()
        .await
        .unwrap();
    assert_eq!(head.headers()["total"], "28");
    child.kill().unwrap();
    child.wait().unwrap();
    drop(out);
}

/// `--tls`: the NBI behind an https front with a certificate made at start, whose
/// SHA-256 is printed; a connection test refuses it until it is pinned.
#[test]
fn with_tls_it_serves_https_and_prints_the_certificate_to_pin() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_acsdesk"))
        .args(["sandbox", "--devices", "4", "--port", "0", "--tls"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    for _ in 0..3 {
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        lines.push(line.trim().to_owned());
    }
    let url = lines[0].rsplit(' ').next().unwrap().to_owned();
    assert!(url.starts_with("https://localhost:"), "{lines:?}");
    let sha = lines[1]
        .strip_prefix("Self-signed certificate SHA-256: ")
        .unwrap_or_else(|| panic!("{lines:?}"))
        .to_owned();
    assert_eq!(sha.len(), 64, "{sha}");
    assert!(lines[2].contains(&format!("--pin {sha}")), "{lines:?}");
    let env = super::env::Env::new();
    env.ok(&["tenant", "add", "Acme"]);
    let refused = env.fails(&["acs", "test", "--url", &url], "correct horse");
    assert!(refused.contains(&sha), "{refused}");
    let pinned = env.ok(&["acs", "test", "--url", &url, "--pin", &sha]);
    assert!(pinned.contains("devices     4"), "{pinned}");
    child.kill().unwrap();
    child.wait().unwrap();
    drop(out);
}

#[test]
fn bad_options_are_one_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let not_json = dir.path().join("fleet.json");
    std::fs::write(&not_json, "not json").unwrap();
    for (args, says) in [
        (
            vec![
                "sandbox",
                "--port",
                "0",
                "--import",
                not_json.to_str().unwrap(),
            ],
            "not JSON",
        ),
        (
            vec![
                "sandbox",
                "--port",
                "0",
                "--import",
                "/nonexistent/fleet.json",
            ],
            "cannot read",
        ),
        (
            vec!["sandbox", "--firmware-failure-rate", "2"],
            "between 0 and 1",
        ),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_acsdesk"))
            .args(&args)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
}
