//! Native notifications for real: under a D-Bus session with a notification daemon
//! (`./dev.sh test` starts dunst in its private session), the Notify call carries the
//! summary and body, as `dbus-monitor` sees it.

use acsdesk_desktop::notifications::Notifier;
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
    // dbus-monitor prints its own NameAcquired signal once it listens.
    std::thread::sleep(Duration::from_millis(500));

    let notifier = Notifier::default();
    let shown = notifier.show(
        "000042 (Ana Pérez) is offline",
        "Offline since 14:02, 11 min ago",
    );
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) {
            seen.push(line);
            let text = seen.join("\n");
            if text.contains("Offline since 14:02") {
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
}
