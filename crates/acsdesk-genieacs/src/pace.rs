//! The pace of one connection: a request-rate limit (requests per second with a burst,
//! GCRA through `governor`) and a cap on requests in flight, shared by every clone of a
//! client. Time is tokio's, so tests run it on a paused clock instead of sleeping.

use governor::clock::Clock;
use governor::middleware::NoOpMiddleware;
use governor::nanos::Nanos;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::{Semaphore, SemaphorePermit};

/// tokio's clock as a `governor` clock: paused in tests, real otherwise.
#[derive(Debug, Clone)]
pub(crate) struct TokioClock {
    origin: tokio::time::Instant,
}

impl Clock for TokioClock {
    type Instant = Nanos;

    fn now(&self) -> Nanos {
        Nanos::from(self.origin.elapsed())
    }
}

/// The rate limit and concurrency cap of one connection.
#[derive(Debug)]
pub(crate) struct Pace {
    limiter: RateLimiter<NotKeyed, InMemoryState, TokioClock, NoOpMiddleware<Nanos>>,
    clock: TokioClock,
    permits: Semaphore,
    granted: AtomicU64,
}

/// Permission to send one request; the concurrency slot is held until it drops.
#[derive(Debug)]
pub(crate) struct Turn<'a> {
    _permit: SemaphorePermit<'a>,
}

impl Pace {
    /// `per_second` requests a second with bursts of `burst`, `concurrency` at once
    /// (each at least 1).
    pub(crate) fn new(per_second: u32, burst: u32, concurrency: usize) -> Self {
        let clock = TokioClock {
            origin: tokio::time::Instant::now(),
        };
        let quota = Quota::per_second(NonZeroU32::new(per_second).unwrap_or(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN));
        Self {
            limiter: RateLimiter::direct_with_clock(quota, clock.clone()),
            clock,
            permits: Semaphore::new(concurrency.max(1)),
            granted: AtomicU64::new(0),
        }
    }

    /// Waits for a free slot, then for the rate limit, and returns the turn.
    pub(crate) async fn turn(&self) -> Option<Turn<'_>> {
        let permit = self.permits.acquire().await.ok()?;
        loop {
            match self.limiter.check() {
                Ok(()) => break,
                Err(not_until) => {
                    let wait = not_until.wait_time_from(self.clock.now());
                    tokio::time::sleep(wait).await;
                }
            }
        }
        self.granted.fetch_add(1, Ordering::Relaxed);
        Some(Turn { _permit: permit })
    }

    /// Turns granted so far: the requests sent through this pace.
    pub(crate) fn granted(&self) -> u64 {
        self.granted.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    #[tokio::test(start_paused = true)]
    async fn the_burst_passes_at_once_then_the_rate_holds() {
        let pace = Pace::new(10, 5, 100);
        let start = tokio::time::Instant::now();
        for _ in 0..5 {
            pace.turn().await.unwrap();
        }
        assert_eq!(
            start.elapsed(),
            Duration::ZERO,
            "the burst waits for nothing"
        );
        for _ in 0..20 {
            pace.turn().await.unwrap();
        }
        // 20 more at 10/s: one every 100 ms.
        let took = start.elapsed();
        assert!(
            took >= Duration::from_millis(2000) && took < Duration::from_millis(2100),
            "{took:?}"
        );
        assert_eq!(pace.granted(), 25, "every turn is counted");
    }

    #[tokio::test(start_paused = true)]
    async fn requests_in_flight_never_exceed_the_cap() {
        let pace = Arc::new(Pace::new(1000, 1000, 3));
        let now = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..12 {
            let (pace, now, peak) = (pace.clone(), now.clone(), peak.clone());
            tasks.push(tokio::spawn(async move {
                let _turn = pace.turn().await.unwrap();
                let n = now.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(n, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(50)).await;
                now.fetch_sub(1, Ordering::SeqCst);
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(peak.load(Ordering::SeqCst), 3);
    }
}
