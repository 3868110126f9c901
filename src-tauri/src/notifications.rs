//! Native desktop notifications (notify-rust): alerts appear as the OS's own popups;
//! one about a device opens that device when clicked, where the platform has actions.
//! A missing notification service is reported once and never breaks anything.

use std::sync::atomic::{AtomicBool, Ordering};

/// One notification to show.
pub struct Notice {
    /// The summary line.
    pub summary: String,
    /// The body.
    pub body: String,
    /// Run when the user clicks the notification (opens its device).
    pub on_click: Option<Box<dyn FnOnce() + Send>>,
}

impl std::fmt::Debug for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notice")
            .field("summary", &self.summary)
            .field("clickable", &self.on_click.is_some())
            .finish()
    }
}

type Sender = Box<dyn Fn(Notice) -> Result<(), String> + Send + Sync>;

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
        self.show_notice(Notice {
            summary: summary.to_owned(),
            body: body.to_owned(),
            on_click: None,
        })
    }

    /// Shows a notification that runs `on_click` when clicked. With a click action the
    /// call blocks until the notification is closed: run it on a blocking thread.
    pub fn show_notice(&self, notice: Notice) -> bool {
        match (self.send)(notice) {
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

/// The action id the freedesktop spec gives a click on the notification itself.
pub const CLICK: &str = "default";

fn show_native(notice: Notice) -> Result<(), String> {
    let mut n = notify_rust::Notification::new();
    n.appname("AcsDesk")
        .summary(&notice.summary)
        .body(&notice.body)
        .icon("dialog-warning");
    if notice.on_click.is_some() {
        n.action(CLICK, "Open device");
    }
    let handle = n.show().map_err(|e| e.to_string())?;
    #[cfg(all(unix, not(target_os = "macos")))]
    if let Some(on_click) = notice.on_click {
        handle.wait_for_action(|action| {
            if action == CLICK {
                on_click();
            }
        });
    }
    #[cfg(not(all(unix, not(target_os = "macos"))))]
    drop(handle);
    Ok(())
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
        let n = Notifier::with_sender(Box::new(move |_| {
            c.fetch_add(1, Ordering::SeqCst);
            Err("org.freedesktop.Notifications was not provided".into())
        }));
        assert!(!n.show("a", "b"));
        assert!(n.warned.load(Ordering::SeqCst));
        assert!(!n.show("c", "d"));
        assert_eq!(calls.load(Ordering::SeqCst), 2, "still tries each time");
    }

    #[test]
    fn a_click_runs_the_notices_action() {
        let opened = Arc::new(AtomicUsize::new(0));
        // A platform that reports a click on every notification with an action.
        let n = Notifier::with_sender(Box::new(|notice: Notice| {
            if let Some(click) = notice.on_click {
                click();
            }
            Ok(())
        }));
        let o = opened.clone();
        assert!(n.show_notice(Notice {
            summary: "000042 is offline".into(),
            body: "since 14:02".into(),
            on_click: Some(Box::new(move || {
                o.fetch_add(1, Ordering::SeqCst);
            })),
        }));
        assert!(n.show("digest", "40 devices offline"));
        assert_eq!(opened.load(Ordering::SeqCst), 1);
    }
}
