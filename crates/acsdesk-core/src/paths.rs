//! Where AcsDesk keeps its data: `ACSDESK_DATA_DIR`, else the OS data directory
//! (`~/.local/share/acsdesk` on Linux, `%APPDATA%\acsdesk` on Windows,
//! `~/Library/Application Support/acsdesk` on macOS).

use std::path::PathBuf;

/// The data directory, from `ACSDESK_DATA_DIR` or the OS convention.
pub fn data_dir() -> PathBuf {
    match std::env::var_os("ACSDESK_DATA_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => dirs::data_dir()
            .unwrap_or_else(|| PathBuf::from("."))
            .join("acsdesk"),
    }
}
