//! The background poller of one ACS connection: runs a job (a sync round) every
//! interval, backs off exponentially with jitter while it fails, and stops when its
//! handle is dropped. A connection's health (ok / degraded / unreachable since …) is
//! [`AcsHealth`], folded from each outcome by [`AcsHealth::next`] and kept in the
//! tenant's store by the round itself (`TenantStore::record_sync_outcome`): one record,
//! read by the desktop, the CLI and the alert rules alike.

use backon::{BackoffBuilder, ExponentialBuilder};
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// Consecutive failed syncs after which an ACS counts as unreachable.
pub const UNREACHABLE_AFTER: u32 = 3;

/// The health of an ACS connection, as its syncs went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum AcsHealth {
    /// No sync has run yet.
    Unknown,
    /// The last sync succeeded.
    Ok {
        /// Since when syncs have been succeeding (Unix ms).
        since_ms: i64,
    },
    /// Recent syncs failed, but not enough of them to call the ACS unreachable.
    Degraded {
        /// When the first of the failures happened (Unix ms).
        since_ms: i64,
        /// Consecutive failures.
        failures: u32,
        /// The last error, for people.
        last_error: String,
    },
    /// Syncs keep failing: work continues on cached data.
    Unreachable {
        /// When the failures began (Unix ms).
        since_ms: i64,
        /// Consecutive failures.
        failures: u32,
        /// The last error, for people.
        last_error: String,
    },
}

impl AcsHealth {
    /// The health after one more sync outcome at `now_ms`.
    pub fn next(&self, outcome: Result<(), &str>, now_ms: i64, unreachable_after: u32) -> Self {
        match (self, outcome) {
            (AcsHealth::Ok { since_ms }, Ok(())) => AcsHealth::Ok {
                since_ms: *since_ms,
            },
            (_, Ok(())) => AcsHealth::Ok { since_ms: now_ms },
            (
                AcsHealth::Degraded {
                    since_ms, failures, ..
                },
                Err(e),
            )
            | (
                AcsHealth::Unreachable {
                    since_ms, failures, ..
                },
                Err(e),
            ) => {
                let failures = failures.saturating_add(1);
                if failures >= unreachable_after {
                    AcsHealth::Unreachable {
                        since_ms: *since_ms,
                        failures,
                        last_error: e.to_owned(),
                    }
                } else {
                    AcsHealth::Degraded {
                        since_ms: *since_ms,
                        failures,
                        last_error: e.to_owned(),
                    }
                }
            }
            (_, Err(e)) => {
                if unreachable_after <= 1 {
                    AcsHealth::Unreachable {
                        since_ms: now_ms,
                        failures: 1,
                        last_error: e.to_owned(),
                    }
                } else {
                    AcsHealth::Degraded {
                        since_ms: now_ms,
                        failures: 1,
                        last_error: e.to_owned(),
                    }
                }
            }
        }
    }
}

/// How a poller paces itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollerConfig {
    /// Time between successful syncs (the connection's poll interval).
    pub interval: Duration,
    /// First delay after a failure.
    pub min_backoff: Duration,
    /// Longest delay between attempts while failing.
    pub max_backoff: Duration,
}

impl Default for PollerConfig {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(60),
            min_backoff: Duration::from_secs(5),
            max_backoff: Duration::from_secs(300),
        }
    }
}

/// A running poller. Dropping it (or calling [`PollerHandle::stop`]) cancels the poller;
/// a sync in progress is abandoned between two store writes, which sync tolerates.
#[derive(Debug)]
pub struct PollerHandle {
    cancel: CancellationToken,
    wake: Arc<Notify>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl PollerHandle {
    /// Runs the job now instead of waiting for the interval or backoff.
    pub fn sync_now(&self) {
        self.wake.notify_one();
    }

    /// Stops the poller and waits until it has stopped.
    pub async fn stop(mut self) {
        self.cancel.cancel();
        if let Some(task) = self.task.take() {
            // A panicking job is reported by the join error; the poller is gone either way.
            let _ = task.await;
        }
    }
}

impl Drop for PollerHandle {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// Spawns a poller on the current tokio runtime. `job` runs once at start, then every
/// `config.interval` after a success, or after an exponentially growing, jittered delay
/// after a failure.
pub fn spawn_poller<F, Fut>(config: PollerConfig, mut job: F) -> PollerHandle
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future<Output = Result<(), String>> + Send,
{
    let cancel = CancellationToken::new();
    let wake = Arc::new(Notify::new());
    let task = {
        let cancel = cancel.clone();
        let wake = wake.clone();
        tokio::spawn(async move {
            let mut backoff = new_backoff(&config);
            loop {
                let outcome = tokio::select! {
                    _ = cancel.cancelled() => return,
                    outcome = job() => outcome,
                };
                let delay = match outcome {
                    Ok(()) => {
                        backoff = new_backoff(&config);
                        config.interval
                    }
                    Err(_) => backoff.next().unwrap_or(config.max_backoff),
                };
                tokio::select! {
                    _ = cancel.cancelled() => return,
                    _ = tokio::time::sleep(delay) => {}
                    _ = wake.notified() => {}
                }
            }
        })
    };
    PollerHandle {
        cancel,
        wake,
        task: Some(task),
    }
}

fn new_backoff(config: &PollerConfig) -> impl Iterator<Item = Duration> + Send {
    ExponentialBuilder::default()
        .with_min_delay(config.min_backoff)
        .with_max_delay(config.max_backoff)
        .with_factor(2.0)
        .with_jitter()
        .without_max_times()
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Mutex;

    #[test]
    fn health_goes_degraded_then_unreachable_and_back_to_ok() {
        let h = AcsHealth::Unknown;
        let h = h.next(Ok(()), 1000, 3);
        assert_eq!(h, AcsHealth::Ok { since_ms: 1000 });
        let h = h.next(Err("connect refused"), 2000, 3);
        assert!(matches!(
            h,
            AcsHealth::Degraded {
                since_ms: 2000,
                failures: 1,
                ..
            }
        ));
        let h = h.next(Err("connect refused"), 3000, 3);
        let h = h.next(Err("timed out"), 4000, 3);
        assert_eq!(
            h,
            AcsHealth::Unreachable {
                since_ms: 2000,
                failures: 3,
                last_error: "timed out".into()
            }
        );
        let h = h.next(Ok(()), 5000, 3);
        assert_eq!(h, AcsHealth::Ok { since_ms: 5000 });
        assert_eq!(h.next(Ok(()), 6000, 3), AcsHealth::Ok { since_ms: 5000 });
    }

    #[tokio::test(start_paused = true)]
    async fn failing_jobs_back_off_and_recover() {
        let calls = Arc::new(Mutex::new(Vec::<tokio::time::Instant>::new()));
        let config = PollerConfig {
            interval: Duration::from_secs(60),
            min_backoff: Duration::from_secs(5),
            max_backoff: Duration::from_secs(40),
        };
        let job_calls = calls.clone();
        let handle = spawn_poller(config, move || {
            let calls = job_calls.clone();
            async move {
                let mut calls = calls.lock().unwrap();
                calls.push(tokio::time::Instant::now());
                if calls.len() <= 5 {
                    Err("connect refused".to_owned())
                } else {
                    Ok(())
                }
            }
        });
        tokio::time::sleep(Duration::from_secs(600)).await;
        let times = calls.lock().unwrap().clone();
        assert!(times.len() >= 7, "{} calls", times.len());
        let gaps: Vec<Duration> = times.windows(2).map(|w| w[1] - w[0]).collect();
        // Failures back off, never beyond the maximum (jitter at most doubles a delay).
        assert!(gaps[0] >= Duration::from_secs(5), "{gaps:?}");
        assert!(
            gaps[..5].iter().all(|g| *g <= Duration::from_secs(80)),
            "{gaps:?}"
        );
        assert!(gaps[3] > gaps[0], "delays grow: {gaps:?}");
        // After the first success the interval is the configured one.
        assert_eq!(gaps[5], Duration::from_secs(60), "{gaps:?}");
        handle.stop().await;
    }

    #[tokio::test(start_paused = true)]
    async fn dropping_the_handle_stops_the_poller_and_sync_now_wakes_it() {
        let count = Arc::new(AtomicU32::new(0));
        let c = count.clone();
        let handle = spawn_poller(PollerConfig::default(), move || {
            let c = c.clone();
            async move {
                c.fetch_add(1, Ordering::SeqCst);
                Ok(())
            }
        });
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert_eq!(count.load(Ordering::SeqCst), 1);
        handle.sync_now();
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert_eq!(count.load(Ordering::SeqCst), 2, "sync_now runs at once");
        drop(handle);
        tokio::time::sleep(Duration::from_secs(3600)).await;
        assert_eq!(
            count.load(Ordering::SeqCst),
            2,
            "a dropped poller runs no more"
        );
    }
}
