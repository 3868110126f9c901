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
