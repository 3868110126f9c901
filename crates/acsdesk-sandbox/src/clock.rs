//! The sandbox's virtual clock: wall time scaled by a speed factor, plus manual advances,
//! so hours of fleet history accumulate in minutes and tests control time exactly.

use std::sync::Mutex;
use std::time::Instant;

/// A clock that runs `speed` times faster than real time from a starting instant.
#[derive(Debug)]
pub struct VirtualClock {
    inner: Mutex<Inner>,
}

#[derive(Debug)]
struct Inner {
    real_start: Instant,
    virtual_start_ms: i64,
    speed: f64,
    advanced_ms: i64,
}

impl VirtualClock {
    /// A clock showing `start_ms` (Unix ms) now and running at `speed` (0 = frozen).
    pub fn new(start_ms: i64, speed: f64) -> Self {
        Self {
            inner: Mutex::new(Inner {
                real_start: Instant::now(),
                virtual_start_ms: start_ms,
                speed: if speed.is_finite() && speed >= 0.0 {
                    speed
                } else {
                    1.0
                },
                advanced_ms: 0,
            }),
        }
    }

    /// The virtual time, Unix ms.
    pub fn now_ms(&self) -> i64 {
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let elapsed = inner.real_start.elapsed().as_secs_f64() * 1000.0 * inner.speed;
        inner.virtual_start_ms + elapsed as i64 + inner.advanced_ms
    }

    /// Jumps the clock forward.
    pub fn advance(&self, ms: i64) {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner.advanced_ms += ms.max(0);
    }
}
