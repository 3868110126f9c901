//! Where AcsDesk keeps its data: `ACSDESK_DATA_DIR`, else the OS data directory
//! (`~/.local/share/acsdesk` on Linux, `%APPDATA%\acsdesk` on Windows,
//! `~/Library/Application Support/acsdesk` on macOS); where the desktop's exports go
//! (`ACSDESK_EXPORT_DIR`, else the user's Downloads folder); and writing a file only its
//! owner can read.

use std::path::{Path, PathBuf};

/// Where the desktop writes an export: `ACSDESK_EXPORT_DIR`, else the Downloads folder,
/// else the home directory.
pub fn export_dir() -> PathBuf {
    match std::env::var_os("ACSDESK_EXPORT_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => dirs::download_dir()
            .or_else(dirs::home_dir)
            .unwrap_or_else(|| PathBuf::from(".")),
    }
}

/// Writes a file only its owner can read (it may hold passwords), replacing it.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(bytes)
}

/// The data directory, from `ACSDESK_DATA_DIR` or the OS convention.
pub fn data_dir() -> PathBuf {
    match std::env::var_os("ACSDESK_DATA_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => dirs::data_dir()
            .unwrap_or_else(|| PathBuf::from("."))
            .join("acsdesk"),
    }
}
