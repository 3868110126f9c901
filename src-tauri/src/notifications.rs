//! Native desktop notifications (notify-rust): alerts appear as the OS's own popups.
//! A missing notification service is reported once and never breaks anything.

use std::sync::atomic::{AtomicBool, Ordering};

type Sender = Box<dyn Fn(&str, &str) -> Result<(), String> + Send + Sync>;

/// Shows notifications, warning once when the platform cannot.
pub struct Notifier {
    send: Sender,
    warned: AtomicBool,
}

impl std::fmt::Debug for Notifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notifier")
            .field("warned", &self.warned.load(Ordering::Relaxed))
            .finish()
    }
}

impl Default for Notifier {
    fn default() -> Self {
        Self::with_sender(Box::new(show_native))
    }
}

impl Notifier {
    /// A notifier that sends through `send` (the native one by default).
    pub fn with_sender(send: Sender) -> Self {
        Self {
            send,
            warned: AtomicBool::new(false),
        }
    }

    /// Shows a notification; returns whether it was shown. The first failure is written
    /// to stderr with the reason; later ones are silent.
    pub fn show(&self, summary: &str, body: &str) -> bool {
        match (self.send)(summary, body) {
            Ok(()) => true,
            Err(reason) => {
                if !self.warned.swap(true, Ordering::Relaxed) {
                    eprintln!(
                        "acsdesk: desktop notifications are unavailable ({reason}); \
                         alerts stay in the alert centre"
                    );
                }
                false
            }
        }
    }
}

fn show_native(summary: &str, body: &str) -> Result<(), String> {
    notify_rust::Notification::new()
        .appname("AcsDesk")
        .summary(summary)
        .body(body)
        .icon("dialog-warning")
        .show()
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::sync::Arc;

    #[test]
    fn a_missing_service_is_reported_once_and_never_panics() {
        let calls = Arc::new(AtomicUsize::new(0));
        let c = calls.clone();
        let n = Notifier::with_sender(Box::new(move |_, _| {
            c.fetch_add(1, Ordering::SeqCst);
            Err("org.freedesktop.Notifications was not provided".into())
        }));
        assert!(!n.show("a", "b"));
        assert!(n.warned.load(Ordering::SeqCst));
        assert!(!n.show("c", "d"));
        assert_eq!(calls.load(Ordering::SeqCst), 2, "still tries each time");
    }
}
