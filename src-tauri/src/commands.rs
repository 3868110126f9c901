//! The Tauri commands: each takes its request type from `acsdesk-types`, calls one core
//! function and returns `Result<Response, IpcError>`.

use acsdesk_types::{AboutInfo, GetAboutRequest, IpcError};

/// `get_about`: what build is running, including the Tauri version hosting the UI.
#[tauri::command]
pub(crate) fn get_about(request: GetAboutRequest) -> Result<AboutInfo, IpcError> {
    let GetAboutRequest {} = request;
    Ok(acsdesk_core::about::build_info(Some(format!(
        "Tauri {}",
        tauri::VERSION
    ))))
}
