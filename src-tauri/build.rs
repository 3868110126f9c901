//! Generates the Tauri context and the app manifest: every app command is listed here
//! (from `acsdesk_types::commands::ALL`) so that capabilities gate it.

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(acsdesk_types::commands::ALL);
    if let Err(err) = tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
    {
        panic!("tauri build step failed: {err:#}");
    }
}
