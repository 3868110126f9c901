//! The wall clock, in the one place allowed to read it. Everything else takes `now` or a
//! clock function, so tests control time.

use std::sync::Arc;

/// A source of "now" in Unix milliseconds.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// The system's wall clock.
pub fn system() -> Clock {
    Arc::new(system_now_ms)
}

/// The current wall-clock time in Unix milliseconds.
#[allow(clippy::disallowed_methods)] // The one sanctioned read of the wall clock.
pub fn system_now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}
