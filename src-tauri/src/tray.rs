//! The tray icon: AcsDesk keeps watching (sync, alerts, notifications) while its window
//! is closed; the tray shows the open-alert count, reopens the window and quits.

use std::sync::atomic::{AtomicBool, Ordering};
use tauri::menu::{Menu, MenuItem};
use tauri::tray::{TrayIcon, TrayIconBuilder};
use tauri::{AppHandle, Manager, Runtime, WindowEvent};

/// The tray's id, to find it again.
const TRAY_ID: &str = "main";

/// Set when there is no tray to come back from.
static NO_TRAY: AtomicBool = AtomicBool::new(false);

/// Whether closing the window quits the app instead of hiding it to the tray: when
/// there is no tray, or `ACSDESK_QUIT_ON_CLOSE=1` (the end-to-end harness sets it so
/// sessions end cleanly).
pub fn quit_on_close() -> bool {
    NO_TRAY.load(Ordering::Relaxed)
        || std::env::var("ACSDESK_QUIT_ON_CLOSE").is_ok_and(|v| v == "1")
}

/// Records that the tray could not be created.
pub fn no_tray() {
    NO_TRAY.store(true, Ordering::Relaxed);
}

/// Creates the tray icon with its menu.
pub fn install<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<TrayIcon<R>> {
    let open = MenuItem::with_id(app, "open", "Open AcsDesk", true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", "Quit AcsDesk", true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&open, &quit])?;
    let mut builder = TrayIconBuilder::with_id(TRAY_ID)
        .menu(&menu)
        .tooltip(tooltip(0))
        .on_menu_event(|app, event| match event.id().as_ref() {
            "open" => show_main(app),
            "quit" => app.exit(0),
            _ => {}
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder.build(app)
}

/// The tray's tooltip for a number of open alerts.
pub fn tooltip(open_alerts: u64) -> String {
    match open_alerts {
        0 => "AcsDesk — no open alerts".to_owned(),
        1 => "AcsDesk — 1 open alert".to_owned(),
        n => format!("AcsDesk — {n} open alerts"),
    }
}

/// Shows the open-alert count on the tray.
pub fn set_open_alerts<R: Runtime>(app: &AppHandle<R>, open_alerts: u64) {
    if let Some(tray) = app.tray_by_id(TRAY_ID) {
        // A tray the desktop does not display cannot fail in a way worth reporting.
        let _ = tray.set_tooltip(Some(tooltip(open_alerts)));
        let _ = tray.set_title((open_alerts > 0).then(|| open_alerts.to_string()));
    }
}

/// Brings the main window back.
pub fn show_main<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.show();
        let _ = window.unminimize();
        let _ = window.set_focus();
    }
}

/// Hides the main window instead of closing it, unless quitting on close was asked.
pub fn on_window_event<R: Runtime>(window: &tauri::Window<R>, event: &WindowEvent) {
    if let WindowEvent::CloseRequested { api, .. } = event {
        if window.label() == "main" && !quit_on_close() {
            let _ = window.hide();
            api.prevent_close();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tooltip_counts_alerts() {
        assert_eq!(tooltip(0), "AcsDesk — no open alerts");
        assert_eq!(tooltip(1), "AcsDesk — 1 open alert");
        assert_eq!(tooltip(40), "AcsDesk — 40 open alerts");
    }
}
