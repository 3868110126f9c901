//! AcsDesk's own updates in the window: asks the release server (`acsdesk_core::updates`
//! says which, and with which key), then downloads the package, checks its signature and
//! installs it with Tauri's updater — a .deb or .rpm through the system's package tools,
//! behind its password prompt — and starts again on the new version.

use acsdesk_types::{
    events, AvailableUpdate, ErrorCode, IpcError, UpdateProgressEvent, UpdateStatus,
};
use std::sync::atomic::Ordering;
use std::sync::Mutex;
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tauri_plugin_updater::UpdaterExt;

/// The update the last check found, kept for the install that follows it. Managed — with
/// the updater plugin — only by the real app, so a window without it says so.
#[derive(Default)]
pub(crate) struct Pending(Mutex<Option<tauri_plugin_updater::Update>>);

/// Registers the updater on the app being built.
pub(crate) fn install<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_updater::Builder::new().build())
        .manage(Pending::default())
}

fn pending<R: Runtime>(app: &AppHandle<R>) -> Result<tauri::State<'_, Pending>, IpcError> {
    app.try_state::<Pending>().ok_or_else(|| {
        IpcError::new(
            ErrorCode::Internal,
            "this window was started without its updater",
        )
    })
}

/// What the release server offers this build; the update found is kept for
/// [`install_pending`].
pub(crate) async fn check<R: Runtime>(app: &AppHandle<R>) -> Result<UpdateStatus, IpcError> {
    let current = acsdesk_core::about::VERSION.to_owned();
    let source = match acsdesk_core::updates::source() {
        Ok(s) => s,
        Err(why) => {
            return Ok(UpdateStatus {
                current,
                unavailable: Some(why),
                ..UpdateStatus::default()
            })
        }
    };
    let pending = pending(app)?;
    acsdesk_core::http::install_crypto_provider();
    let asked = |e: &dyn std::fmt::Display| {
        IpcError::new(
            ErrorCode::Remote,
            format!("could not ask {} for updates: {e}", source.endpoint),
        )
    };
    let endpoint = source.endpoint.parse().map_err(|e| asked(&e))?;
    let updater = app
        .updater_builder()
        .pubkey(source.pubkey.clone())
        .endpoints(vec![endpoint])
        .map_err(|e| asked(&e))?
        .timeout(Duration::from_secs(60))
        .build()
        .map_err(|e| asked(&e))?;
    let found = updater.check().await.map_err(|e| asked(&e))?;
    let available = found.as_ref().map(|u| AvailableUpdate {
        version: u.version.clone(),
        notes: u.body.clone().filter(|n| !n.trim().is_empty()),
        date: u.date.map(|d| d.to_string()),
        url: Some(u.download_url.to_string()),
    });
    if let Ok(mut slot) = pending.0.lock() {
        *slot = found;
    }
    Ok(UpdateStatus {
        current,
        endpoint: Some(source.endpoint),
        available,
        unavailable: None,
    })
}

/// Downloads the update the last check found, checks its signature against this build's
/// key, installs it and starts the app again. Progress goes out as `update-progress`.
pub(crate) async fn install_pending<R: Runtime>(app: &AppHandle<R>) -> Result<(), IpcError> {
    let update = pending(app)?
        .0
        .lock()
        .ok()
        .and_then(|mut slot| slot.take())
        .ok_or_else(|| {
            IpcError::new(
                ErrorCode::Conflict,
                "no update is waiting: check for updates first",
            )
        })?;
    let progress = |stage: &str, downloaded: u64, total: Option<u64>| {
        let _ = app.emit(
            events::UPDATE_PROGRESS,
            UpdateProgressEvent {
                stage: stage.to_owned(),
                downloaded,
                total,
            },
        );
    };
    let downloaded = std::sync::atomic::AtomicU64::new(0);
    update
        .download_and_install(
            |chunk, total| {
                let so_far = downloaded.fetch_add(chunk as u64, Ordering::Relaxed) + chunk as u64;
                progress("downloading", so_far, total);
            },
            || progress("installing", downloaded.load(Ordering::Relaxed), None),
        )
        .await
        .map_err(|e| install_error(&update.version, &e))?;
    progress("restarting", downloaded.load(Ordering::Relaxed), None);
    // Through the event loop, so that the app's exit (the action queue given up, every
    // database closed) runs before the new version starts.
    app.request_restart();
    Ok(())
}

/// What a failed install tells a person: nothing was installed, and why.
fn install_error(version: &str, e: &tauri_plugin_updater::Error) -> IpcError {
    use tauri_plugin_updater::Error as E;
    let why = match e {
        E::Minisign(_) | E::Base64(_) | E::SignatureUtf8(_) => {
            "its signature does not match this build's update key (a package nobody vouches for)"
                .to_owned()
        }
        E::SignedVersionMismatch { .. } | E::MissingSignedVersion => {
            "its signature was made for another version".to_owned()
        }
        E::PackageInstallFailed | E::DebInstallFailed | E::AuthenticationFailed => {
            "the system's package tools did not install it (was the password prompt cancelled?)"
                .to_owned()
        }
        E::InvalidUpdaterFormat => "the server sent no package of this kind".to_owned(),
        other => other.to_string(),
    };
    IpcError::new(
        ErrorCode::Remote,
        format!("AcsDesk {version} was not installed: {why}; this version stays"),
    )
}
