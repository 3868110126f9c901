//! Native notifications for real: under a D-Bus session with a notification daemon
//! (`./dev.sh test` starts dunst in its private session), the Notify call carries the
//! summary and body, as `dbus-monitor` sees it.

use acsdesk_desktop::notifications::{Notice, Notifier, CLICK};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

#[test]
fn an_alert_reaches_the_desktop_notification_service() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "no D-Bus session: run the tests under `dbus-run-session -- scripts/desktop-session.sh` \
         (./dev.sh test does), which also starts a notification daemon"
    );
    let mut monitor = Command::new("dbus-monitor")
        .args([
            "--session",
            "interface='org.freedesktop.Notifications',member='Notify'",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("dbus-monitor runs (package dbus)");
    let stdout = monitor.stdout.take().expect("piped stdout");
    let (tx, rx) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    // dbus-monitor prints its own NameAcquired signal once it listens: only then can it
    // see the calls that follow.
    let listening = Instant::now() + Duration::from_secs(10);
    loop {
        let line = rx
            .recv_timeout(listening.saturating_duration_since(Instant::now()))
            .expect("dbus-monitor starts listening within 10 s");
        if line.contains("NameAcquired") {
            break;
        }
    }

    let notifier = Notifier::default();
    let shown = notifier.show(
        "000042 (Ana Pérez) is offline",
        "Offline since 14:02, 11 min ago",
    );
    // One about a device carries the click action that opens it; showing it waits for
    // the notification to close, so it runs on its own thread.
    std::thread::spawn(|| {
        Notifier::default().show_notice(Notice {
            summary: "000043 (Luis Gómez) is offline".into(),
            body: "Offline since 14:05".into(),
            on_click: Some(Box::new(|| {})),
        });
    });
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) {
            seen.push(line);
            let text = seen.join("\n");
            // The call's arguments arrive line by line; the actions follow the body.
            if text.contains("Offline since 14:02") && text.contains("Open device") {
                break;
            }
        }
    }
    let _ = monitor.kill();
    let _ = monitor.wait();
    let text = seen.join("\n");
    assert!(shown, "the notification service accepted the notification");
    assert!(text.contains("member=Notify"), "{text}");
    assert!(text.contains("string \"AcsDesk\""), "app name: {text}");
    assert!(
        text.contains("000042 (Ana Pérez) is offline"),
        "summary: {text}"
    );
    assert!(
        text.contains("Offline since 14:02, 11 min ago"),
        "body: {text}"
    );
    // The second call's actions: [CLICK, "Open device"].
    let second = text
        .split("member=Notify")
        .find(|call| call.contains("000043"))
        .unwrap_or_else(|| panic!("the device notification: {text}"));
    assert!(
        second.contains(&format!("string \"{CLICK}\""))
            && second.contains("string \"Open device\""),
        "its click action: {second}"
    );
}
