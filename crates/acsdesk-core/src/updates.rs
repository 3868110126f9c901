//! Where AcsDesk's own updates come from — the release server's manifest and the key that
//! signs its packages — and, for the CLI, what that server offers. The desktop installs
//! through Tauri's updater, which checks each package against the same key.

use acsdesk_types::{AvailableUpdate, UpdateStatus};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// The release server's manifest URL, built in by the release pipeline
/// (`ACSDESK_UPDATE_URL` at build time).
const BUILT_ENDPOINT: Option<&str> = option_env!("ACSDESK_UPDATE_URL");

/// The public key (minisign, as `tauri signer generate` writes it) every update package
/// must be signed with, built in by the release pipeline (`ACSDESK_UPDATE_PUBKEY` at build
/// time).
const BUILT_PUBKEY: Option<&str> = option_env!("ACSDESK_UPDATE_PUBKEY");

/// Where this build looks for updates and the key they must be signed with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateSource {
    /// The manifest's URL.
    pub endpoint: String,
    /// The signing key's public half.
    pub pubkey: String,
}

/// This build's update source. The server may be replaced at run time by
/// `ACSDESK_UPDATE_URL` (a mirror: what it serves is still checked against the key). The
/// key is the one built in; only a debug build also takes `ACSDESK_UPDATE_PUBKEY` at run
/// time (tests sign their own packages) — a release never does, or whoever can set a
/// variable in a person's session could have them install anything. `Err` says why this
/// build does not look for updates itself.
pub fn source() -> Result<UpdateSource, String> {
    let runtime = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let endpoint = runtime("ACSDESK_UPDATE_URL").or(BUILT_ENDPOINT.map(str::to_owned));
    let mut pubkey = BUILT_PUBKEY.map(str::to_owned);
    if cfg!(debug_assertions) {
        pubkey = runtime("ACSDESK_UPDATE_PUBKEY").or(pubkey);
    }
    match (endpoint, pubkey) {
        (Some(endpoint), Some(pubkey)) => {
            let url = reqwest::Url::parse(endpoint.trim()).map_err(|e| {
                format!("the update server's address {endpoint:?} is not a URL ({e})")
            })?;
            if !matches!(url.scheme(), "https" | "http") {
                return Err(format!(
                    "the update server's address {endpoint:?} is not http(s)"
                ));
            }
            Ok(UpdateSource {
                endpoint: url.to_string(),
                pubkey: pubkey.trim().to_owned(),
            })
        }
        (_, None) => {
            Err("this build has no update key: the system's package manager updates it".into())
        }
        (None, Some(_)) => {
            Err("this build names no update server: the system's package manager updates it".into())
        }
    }
}

/// The manifest a Tauri release server publishes (`latest.json`).
#[derive(Debug, Deserialize)]
struct Manifest {
    version: String,
    notes: Option<String>,
    pub_date: Option<String>,
    #[serde(default)]
    platforms: BTreeMap<String, Platform>,
}

#[derive(Debug, Deserialize)]
struct Platform {
    url: String,
}

/// The manifest's platform key for this system (`linux-x86_64`), as Tauri's updater names it.
fn platform() -> String {
    format!("{}-{}", std::env::consts::OS, std::env::consts::ARCH)
}

/// Reads a manifest: the newer release it announces for this platform, if any. The
/// package of a Debian system is preferred (`linux-x86_64-deb`), then the platform's own.
fn read_manifest(body: &[u8], current: &str) -> Result<Option<AvailableUpdate>, String> {
    let m: Manifest = serde_json::from_slice(body)
        .map_err(|e| format!("the update server's answer is not an update manifest ({e})"))?;
    let offered = semver::Version::parse(m.version.trim_start_matches('v'))
        .map_err(|e| format!("the update server announces version {:?} ({e})", m.version))?;
    let ours = semver::Version::parse(current)
        .map_err(|e| format!("this build's version {current:?} is not semantic ({e})"))?;
    if offered <= ours {
        return Ok(None);
    }
    let here = platform();
    let url = [format!("{here}-deb"), here.clone()]
        .iter()
        .find_map(|k| m.platforms.get(k))
        .or_else(|| {
            m.platforms
                .iter()
                .find(|(k, _)| k.starts_with(&here))
                .map(|(_, p)| p)
        })
        .map(|p| p.url.clone());
    Ok(Some(AvailableUpdate {
        version: offered.to_string(),
        notes: m.notes.filter(|n| !n.trim().is_empty()),
        date: m.pub_date,
        url,
    }))
}

/// Asks the release server what it offers this build (`acsdesk update check`). The
/// package itself is checked against the key when the desktop installs it.
pub async fn check(current: &str) -> Result<UpdateStatus, String> {
    let source = match source() {
        Ok(s) => s,
        Err(why) => {
            return Ok(UpdateStatus {
                current: current.to_owned(),
                unavailable: Some(why),
                ..UpdateStatus::default()
            })
        }
    };
    let client = crate::http::client(Duration::from_secs(30))?;
    let asked =
        |e: &dyn std::fmt::Display| format!("could not ask {} for updates: {e}", source.endpoint);
    let response = client
        .get(&source.endpoint)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| asked(&e))?;
    let status = response.status();
    // Tauri's servers answer "nothing newer" with 204.
    let available = if status == reqwest::StatusCode::NO_CONTENT {
        None
    } else if status.is_success() {
        let body = response.bytes().await.map_err(|e| asked(&e))?;
        read_manifest(&body, current)?
    } else {
        return Err(asked(&format!("HTTP {status}")));
    };
    Ok(UpdateStatus {
        current: current.to_owned(),
        endpoint: Some(source.endpoint),
        available,
        unavailable: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(version: &str, platforms: &str) -> Vec<u8> {
        format!(
            r#"{{"version": "{version}", "notes": "Faster sync", "pub_date": "2026-12-01T10:00:00Z",
                "platforms": {{{platforms}}}}}"#
        )
        .into_bytes()
    }

    #[test]
    fn a_newer_release_is_announced_with_this_systems_package() {
        let here = platform();
        let body = manifest(
            "0.2.0",
            &format!(
                r#""{here}-rpm": {{"url": "https://r.example/a.rpm", "signature": "s"}},
                   "{here}-deb": {{"url": "https://r.example/a.deb", "signature": "s"}},
                   "windows-x86_64": {{"url": "https://r.example/a.msi", "signature": "s"}}"#
            ),
        );
        let found = read_manifest(&body, "0.1.0").unwrap().unwrap();
        assert_eq!(found.version, "0.2.0");
        assert_eq!(found.notes.as_deref(), Some("Faster sync"));
        assert_eq!(found.date.as_deref(), Some("2026-12-01T10:00:00Z"));
        assert_eq!(found.url.as_deref(), Some("https://r.example/a.deb"));
    }

    #[test]
    fn the_same_or_an_older_version_is_no_update_and_versions_compare_as_semver() {
        let body = manifest("0.1.0", "");
        assert_eq!(read_manifest(&body, "0.1.0").unwrap(), None);
        assert_eq!(
            read_manifest(&manifest("v0.9.0", ""), "0.10.0").unwrap(),
            None
        );
        let newer = read_manifest(&manifest("0.10.0", ""), "0.9.0")
            .unwrap()
            .unwrap();
        assert_eq!(newer.url, None, "no package for this system is named");
    }

    #[test]
    fn a_bad_manifest_says_what_is_wrong() {
        let e = read_manifest(b"<html>", "0.1.0").unwrap_err();
        assert!(e.contains("not an update manifest"), "{e}");
        let e = read_manifest(&manifest("soon", ""), "0.1.0").unwrap_err();
        assert!(e.contains("announces version \"soon\""), "{e}");
    }
}
