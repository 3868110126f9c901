//! What build of AcsDesk is running, shared by the About page and `acsdesk --version`.

use acsdesk_types::AboutInfo;

/// The product's name as shown to people.
pub const PRODUCT: &str = "AcsDesk";

/// The workspace version this build was made from.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The git commit of the build (short hash), or `unknown`.
pub const COMMIT: &str = env!("ACSDESK_GIT_COMMIT");

/// Describes this build. `shell` names the program hosting the UI (e.g. `Tauri 2.9.1`),
/// or is `None` for the CLI.
pub fn build_info(shell: Option<String>) -> AboutInfo {
    AboutInfo {
        product: PRODUCT.to_owned(),
        version: VERSION.to_owned(),
        commit: COMMIT.to_owned(),
        profile: env!("ACSDESK_PROFILE").to_owned(),
        target: env!("ACSDESK_TARGET").to_owned(),
        rustc: env!("ACSDESK_RUSTC_VERSION").to_owned(),
        shell,
    }
}

/// One line for `--version` output: `0.1.0 (commit 1a2b3c4d5e6f, release, x86_64-unknown-linux-gnu)`.
pub fn version_line() -> String {
    let info = build_info(None);
    format!(
        "{} (commit {}, {}, {})",
        info.version, info.commit, info.profile, info.target
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_info_describes_this_build() {
        let info = build_info(Some("Tauri 2.0.0".to_owned()));
        assert_eq!(info.product, "AcsDesk");
        assert_eq!(info.version, env!("CARGO_PKG_VERSION"));
        assert!(!info.commit.is_empty());
        assert!(info.profile == "debug" || info.profile == "release");
        assert!(info.rustc.starts_with("rustc "), "{}", info.rustc);
        assert!(info.target.contains('-'), "{}", info.target);
        assert_eq!(info.shell.as_deref(), Some("Tauri 2.0.0"));
    }

    #[test]
    fn version_line_starts_with_the_version() {
        let line = version_line();
        assert!(line.starts_with(VERSION), "{line}");
        assert!(line.contains(COMMIT), "{line}");
    }
}
