//! Bulk actions: one action over a selection of devices, at most `concurrency` at a
//! time (the connection's own rate limiter paces the requests underneath), with
//! progress and a summary of done / failed / waiting for the device.

use futures::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};
use std::future::Future;

/// How one device's action ended, as far as the bulk run is concerned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum BulkOutcome {
    /// Completed and proven.
    Done,
    /// Queued in GenieACS: the device is offline and will run it at its next inform.
    Waiting,
    /// Failed, with the reason.
    Failed {
        /// Why.
        reason: String,
    },
}

/// Progress of a bulk run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkSummary {
    /// Devices in the selection.
    pub total: usize,
    /// Completed.
    pub done: usize,
    /// Waiting for the device.
    pub waiting: usize,
    /// Failed.
    pub failed: usize,
    /// The failures: device id and reason.
    pub failures: Vec<(String, String)>,
}

impl BulkSummary {
    /// Devices with an outcome so far.
    pub fn finished(&self) -> usize {
        self.done + self.waiting + self.failed
    }
}

/// Runs `job` for every device id with at most `concurrency` in flight, calling
/// `on_progress` after each outcome, and returns the summary.
pub async fn run_bulk<F, Fut>(
    ids: Vec<String>,
    concurrency: usize,
    job: F,
    mut on_progress: impl FnMut(&BulkSummary),
) -> BulkSummary
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = BulkOutcome>,
{
    let mut summary = BulkSummary {
        total: ids.len(),
        ..BulkSummary::default()
    };
    let mut outcomes = stream::iter(ids)
        .map(|id| {
            let fut = job(id.clone());
            async move { (id, fut.await) }
        })
        .buffer_unordered(concurrency.max(1));
    while let Some((id, outcome)) = outcomes.next().await {
        match outcome {
            BulkOutcome::Done => summary.done += 1,
            BulkOutcome::Waiting => summary.waiting += 1,
            BulkOutcome::Failed { reason } => {
                summary.failed += 1;
                summary.failures.push((id, reason));
            }
        }
        on_progress(&summary);
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    #[tokio::test(start_paused = true)]
    async fn concurrency_is_capped_and_the_summary_adds_up() {
        let in_flight = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let ids: Vec<String> = (0..50).map(|i| format!("dev-{i:02}")).collect();
        let mut progress = Vec::new();
        let summary = run_bulk(
            ids,
            4,
            |id| {
                let in_flight = in_flight.clone();
                let peak = peak.clone();
                async move {
                    let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    in_flight.fetch_sub(1, Ordering::SeqCst);
                    let n: usize = id[4..].parse().unwrap();
                    match n % 10 {
                        0 => BulkOutcome::Failed {
                            reason: "cwmp.9001 Request denied".into(),
                        },
                        1 | 2 => BulkOutcome::Waiting,
                        _ => BulkOutcome::Done,
                    }
                }
            },
            |s| progress.push(s.finished()),
        )
        .await;
        assert_eq!(peak.load(Ordering::SeqCst), 4);
        assert_eq!(
            (summary.total, summary.done, summary.waiting, summary.failed),
            (50, 35, 10, 5)
        );
        assert_eq!(summary.failures.len(), 5);
        assert!(summary
            .failures
            .iter()
            .all(|(_, r)| r.contains("cwmp.9001")));
        assert_eq!(progress, (1..=50).collect::<Vec<_>>());
    }

    #[tokio::test]
    async fn an_empty_selection_is_an_empty_summary() {
        let s = run_bulk(vec![], 8, |_| async { BulkOutcome::Done }, |_| {}).await;
        assert_eq!(s, BulkSummary::default());
    }
}
