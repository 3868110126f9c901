//! The About page's data: what build of AcsDesk is running.

use serde::{Deserialize, Serialize};

/// Request of the `get_about` command. It carries nothing, but is a struct so the command
/// keeps one request type like every other command.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetAboutRequest {}

/// What build of AcsDesk is running, as the backend reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AboutInfo {
    /// The product's name, "AcsDesk".
    pub product: String,
    /// The semantic version of the workspace, e.g. `0.1.0`.
    pub version: String,
    /// The git commit the build was made from (short hash), or `unknown` outside a checkout.
    pub commit: String,
    /// `debug` or `release`.
    pub profile: String,
    /// The target triple the backend was compiled for.
    pub target: String,
    /// The version of rustc that compiled the backend.
    pub rustc: String,
    /// The shell hosting the UI and its version, e.g. `Tauri 2.9.1`; `None` for the CLI.
    pub shell: Option<String>,
}

/// Request of `check_update`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckUpdateRequest {}

/// Request of `install_update`: installs what the last `check_update` found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstallUpdateRequest {}

/// What the release server offers this build.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateStatus {
    /// This build's version.
    pub current: String,
    /// Where it asked (the update manifest's URL); `None` when it cannot ask.
    pub endpoint: Option<String>,
    /// A newer version, when there is one.
    pub available: Option<AvailableUpdate>,
    /// Why this build does not look for updates itself (no update key or server built in):
    /// the system's package manager updates it.
    pub unavailable: Option<String>,
}

/// A newer release, as its server announces it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AvailableUpdate {
    /// Its version.
    pub version: String,
    /// What changed, as published.
    pub notes: Option<String>,
    /// When it was published (RFC 3339), when said.
    pub date: Option<String>,
    /// The package to download for this system, when the server names one.
    pub url: Option<String>,
}

/// `update-progress`: an update being downloaded, checked and installed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateProgressEvent {
    /// `downloading`, `installing` or `restarting`.
    pub stage: String,
    /// Bytes downloaded so far.
    pub downloaded: u64,
    /// The package's size, when the server says it.
    pub total: Option<u64>,
}
