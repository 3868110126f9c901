//! The desktop shell: builds the Tauri app, registers the commands, and nothing more.
//! Behaviour lives in `acsdesk-core`; each command here is one line.

mod commands;
pub mod notifications;
pub mod tray;

/// Registers every app command on a builder. Shared by [`run`] and the IPC tests so the
/// list cannot drift.
pub fn with_commands<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(tauri::generate_handler![commands::get_about])
}

/// The app's context (config, assets, capabilities), generated at build time.
pub fn context<R: tauri::Runtime>() -> tauri::Context<R> {
    tauri::generate_context!()
}

/// Opens the main window and runs until it is closed.
pub fn run() {
    let builder = tauri::Builder::default()
        // Remembers the window's size, position and maximised state between runs.
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .setup(|app| {
            // Without a tray (some desktops have none) closing the window quits instead.
            if let Err(err) = tray::install(app.handle()) {
                eprintln!("acsdesk-desktop: no tray icon ({err}); closing the window quits");
                tray::no_tray();
            }
            Ok(())
        })
        .on_window_event(tray::on_window_event);
    let result = with_commands(builder).run(context());
    if let Err(err) = result {
        eprintln!("acsdesk-desktop: could not start: {err}");
        std::process::exit(1);
    }
}
