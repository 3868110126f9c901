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
