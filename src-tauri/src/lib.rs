//! The desktop shell: builds the Tauri app, opens the backend (`acsdesk_app::Desk`),
//! registers the commands, forwards core events to the UI, and runs the tray and the
//! notifications. Behaviour lives in `acsdesk-app` and `acsdesk-core`; each command here is one line.

mod commands;
pub mod notifications;
pub mod tray;
mod updates;

use acsdesk_app::{Desk, DeskEvent};
use acsdesk_types::events;
use std::path::Path;
use std::sync::Arc;
use tauri::{Emitter, Manager};

/// Registers every app command on a builder. Shared by [`run`] and the IPC tests so the
/// list cannot drift.
pub fn with_commands<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(tauri::generate_handler![
        commands::get_about,
        commands::check_update,
        commands::install_update,
        commands::workspace_state,
        commands::start_demo,
        commands::test_acs,
        commands::add_acs,
        commands::list_devices,
        commands::device_facets,
        commands::fleet_report,
        commands::get_device,
        commands::device_chart,
        commands::queue_action,
        commands::list_actions,
        commands::list_alerts,
        commands::set_alert_state,
        commands::switch_tenant,
        commands::remove_acs,
        commands::update_settings,
        commands::tenant_settings,
        commands::provisioning_profile,
        commands::save_provisioning_profile,
        commands::provision,
        commands::router_provisioning,
        commands::export_subscribers,
        commands::export_device_log,
        commands::export_devices,
        commands::export_actions,
        commands::export_chart,
        commands::device_logs,
        commands::unlock_tenant,
        commands::list_channels,
        commands::save_channel,
        commands::remove_channel,
        commands::test_channel,
        commands::device_parameters,
        commands::firmware_files,
        commands::firmware_library,
        commands::firmware_upload_chunk,
        commands::upload_firmware,
        commands::delete_firmware,
        commands::list_rollouts,
        commands::start_rollout,
        commands::control_rollout,
        commands::rollout_log,
        commands::device_diagnostics,
        commands::queue_bulk_action,
        commands::bulk_progress,
        commands::update_acs,
        commands::create_tenant,
        commands::remove_tenant,
        commands::backup_tenant,
        commands::acs_removal_plan,
        commands::list_backups,
        commands::restore_backup,
        commands::list_maintenance,
        commands::add_maintenance,
        commands::end_maintenance,
        commands::set_device_offline_after,
        commands::list_subscribers,
        commands::save_subscriber,
        commands::remove_subscriber,
        commands::import_subscribers,
    ])
}

/// The app's context (config, assets, capabilities), generated at build time.
pub fn context<R: tauri::Runtime>() -> tauri::Context<R> {
    tauri::generate_context!()
}

/// Opens the backend on `dir`; the shell manages it as state.
pub async fn open_desk(dir: &Path) -> Result<Arc<Desk>, acsdesk_types::IpcError> {
    Desk::open(dir, acsdesk_core::clock::system()).await
}

/// Forwards the backend's events to the webview as Tauri events.
fn forward_events<R: tauri::Runtime>(app: tauri::AppHandle<R>, desk: &Desk) {
    let mut rx = desk.subscribe();
    let notifier = std::sync::Arc::new(notifications::Notifier::default());
    tauri::async_runtime::spawn(async move {
        loop {
            let event = match rx.recv().await {
                Ok(e) => e,
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(_) => break,
            };
            // A closed webview cannot receive events; the next one will try again.
            let _ = match event {
                DeskEvent::SyncProgress(p) => app.emit(events::SYNC_PROGRESS, p),
                DeskEvent::DevicesChanged(c) => app.emit(events::DEVICES_CHANGED, c),
                DeskEvent::AcsHealth(h) => app.emit(events::ACS_HEALTH, h),
                DeskEvent::ActionProgress(a) => app.emit(events::ACTION_PROGRESS, a),
                DeskEvent::UploadProgress(u) => app.emit(events::UPLOAD_PROGRESS, u),
                DeskEvent::Alerts { notify, open } => {
                    tray::set_open_alerts(&app, open);
                    if !notify.is_empty() {
                        // Showing a notification talks to D-Bus synchronously.
                        for (summary, body, device) in notify {
                            let notifier = notifier.clone();
                            let app = app.clone();
                            // With a click action the call waits for the notification
                            // to close: each on its own blocking thread.
                            tauri::async_runtime::spawn_blocking(move || {
                                let on_click = device.map(|device| {
                                    Box::new(move || open_device(&app, device))
                                        as Box<dyn FnOnce() + Send>
                                });
                                notifier.show_notice(notifications::Notice {
                                    summary,
                                    body,
                                    on_click,
                                });
                            });
                        }
                    }
                    app.emit(events::ALERTS_CHANGED, events::AlertsChangedEvent { open })
                }
            };
        }
    });
}

/// Brings the window back and shows a device (a notification was clicked).
fn open_device<R: tauri::Runtime>(app: &tauri::AppHandle<R>, device: String) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.show();
        let _ = window.unminimize();
        let _ = window.set_focus();
    }
    let _ = app.emit(events::OPEN_DEVICE, events::OpenDeviceEvent { device });
}

/// Opens the main window and runs until the app quits. With `--demo` (or
/// `ACSDESK_DEMO=1`) the embedded demo fleet starts at once.
pub fn run() {
    acsdesk_core::store::keep_openssl_through_exit();
    let demo = std::env::args().any(|a| a == "--demo")
        || std::env::var("ACSDESK_DEMO").is_ok_and(|v| v == "1");
    let builder = updates::install(tauri::Builder::default())
        // Remembers the window's size, position and maximised state between runs.
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .setup(move |app| {
            let dir = acsdesk_core::paths::data_dir();
            let desk = tauri::async_runtime::block_on(open_desk(&dir)).map_err(|e| {
                format!(
                    "cannot open the data directory {}: {}",
                    dir.display(),
                    e.message
                )
            })?;
            forward_events(app.handle().clone(), &desk);
            if demo {
                // The window starts it, so that a keyring that cannot keep the demo's
                // key leads to the passphrase dialog rather than to a line on stderr.
                desk.request_demo();
            }
            app.manage(desk);
            // Without a tray (some desktops have none) closing the window quits instead.
            if let Err(err) = tray::install(app.handle()) {
                eprintln!("acsdesk-desktop: no tray icon ({err}); closing the window quits");
                tray::no_tray();
            }
            Ok(())
        })
        .on_window_event(tray::on_window_event);
    let app = match with_commands(builder).build(context()) {
        Ok(app) => app,
        Err(err) => {
            eprintln!("acsdesk-desktop: could not start: {err}");
            std::process::exit(1);
        }
    };
    app.run(|app, event| {
        if let tauri::RunEvent::Exit = event {
            // The action queue is left to the next process at once (its lease given up);
            // nothing of SQLite may still run when the process exits: every database is
            // closed, its WAL checkpointed into its file.
            if let Some(desk) = app.try_state::<Arc<Desk>>() {
                tauri::async_runtime::block_on(desk.shutdown());
            }
            tauri::async_runtime::block_on(acsdesk_core::store::close_all());
        }
    });
}
