//! Firmware rollouts: which routers and in which batches (`plan`), and the `tick` that
//! moves a running rollout on — run at the start of every action-runner pass, so the
//! desktop, `acsdesk watch` and `firmware rollout … --wait` all move it through the same
//! action queue. A tick follows the routers' firmware actions, halts the rollout with
//! one alert when the current batch fails beyond its threshold, waits the pause after a
//! batch, skips routers offline at their turn, and queues at most `concurrency` at once.

use crate::actions::ActionRequest;
use crate::alerts::engine::raise_event;
use crate::alerts::engine::AlertConfig;
use crate::alerts::reconcile::Delivery;
use crate::alerts::{AlertKey, AlertKind, Problem, Subject};
use crate::firmware::compare_versions;
use crate::store::rollouts::{Candidate, RolloutDevice, RolloutRow};
use crate::store::{StoreError, TenantStore};
use acsdesk_types::firmware::{RolloutSpec, RolloutState};
use acsdesk_types::Severity;
use std::cmp::Ordering;

/// Who a rollout's actions are requested by (`rollout 7`): their failures are the
/// rollout's to alert on, once, not one alert per router.
pub fn requested_by(id: i64) -> String {
    format!("rollout {id}")
}

/// Whether an action was queued by a rollout.
pub fn is_rollout_action(requested_by: &str) -> bool {
    requested_by.starts_with("rollout ")
}

/// The routers a rollout takes, in batches: those older than `from_version` (else than
/// the image's version; every one when neither is known), linked to a subscriber when
/// asked, the first `canary` alone in batch 0, then `batch` at a time.
pub fn plan(candidates: &[Candidate], spec: &RolloutSpec, image: Option<&str>) -> Vec<(i64, u32)> {
    let reference = spec.from_version.as_deref().or(image);
    let chosen: Vec<i64> = candidates
        .iter()
        .filter(|c| !spec.linked_only || c.linked)
        .filter(|c| match (reference, &c.firmware) {
            (Some(r), Some(v)) => compare_versions(v, r) == Ordering::Less,
            (Some(_), None) => false,
            (None, _) => true,
        })
        .map(|c| c.device_id)
        .collect();
    let canary = chosen.len().min(spec.canary as usize);
    let batch = (spec.batch as usize).max(1);
    let first = u32::from(canary > 0);
    chosen
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let n = if i < canary {
                0
            } else {
                first + u32::try_from((i - canary) / batch).unwrap_or(u32::MAX)
            };
            (*id, n)
        })
        .collect()
}

fn parse_spec(r: &RolloutRow) -> Result<RolloutSpec, StoreError> {
    serde_json::from_str(&r.spec_json)
        .map_err(|e| StoreError::Db(format!("rollout {} is unreadable: {e}", r.id)))
}

/// States a router of a rollout can be in that still need something.
fn open(state: &str) -> bool {
    matches!(state, "waiting" | "queued")
}

/// A failure the threshold counts (those accepted when a person resumed do not).
const FAILED: &str = "failed";
/// A failure a person accepted by resuming after the halt it caused.
pub const FAILED_ACCEPTED: &str = "failed-accepted";

/// Moves every running rollout of connection `acs` on; returns the alerts raised.
pub async fn tick(
    store: &TenantStore,
    acs: &str,
    now_ms: i64,
    config: &AlertConfig,
) -> Result<Vec<Delivery>, StoreError> {
    let mut out = Vec::new();
    for r in store.rollouts(Some(acs)).await? {
        if r.state == RolloutState::Running {
            out.extend(advance(store, &r, now_ms, config).await?);
        }
    }
    Ok(out)
}

/// Records what the queued routers' firmware actions came to (updated, failed, or
/// withdrawn); returns the routers as they now stand and the batches of those that ended.
pub async fn settle(
    store: &TenantStore,
    id: i64,
) -> Result<(Vec<RolloutDevice>, Vec<u32>), StoreError> {
    let mut devices = store.rollout_devices(id).await?;
    let mut ended = Vec::new();
    for d in devices.iter_mut().filter(|d| d.state == "queued") {
        let (state, reason) = match &d.action {
            Some((s, _)) if s == "completed" => ("done", None),
            Some((s, fault)) if s == "failed" => (
                FAILED,
                Some(fault.clone().unwrap_or_else(|| "the update failed".into())),
            ),
            Some((s, _)) if s == "cancelled" => {
                ("skipped", Some("its action was cancelled".to_owned()))
            }
            _ => continue,
        };
        store
            .set_rollout_device(id, d.device_id, state, None, reason.as_deref())
            .await?;
        d.state = state.into();
        d.reason = reason;
        ended.push(d.batch);
    }
    Ok((devices, ended))
}

async fn advance(
    store: &TenantStore,
    r: &RolloutRow,
    now_ms: i64,
    config: &AlertConfig,
) -> Result<Vec<Delivery>, StoreError> {
    let spec = parse_spec(r)?;
    let (devices, ended) = settle(store, r.id).await?;
    let mut batch_done = r.batch_done_ms;
    for b in ended {
        if !devices.iter().any(|d| d.batch == b && open(&d.state)) {
            store.set_rollout_batch_done(r.id, now_ms).await?;
            batch_done = Some(now_ms);
        }
    }
    // A batch whose failures cross the threshold halts the rollout — the one under way,
    // or one whose last routers failed together just now (its failures not accepted).
    let mut batches: Vec<u32> = devices.iter().map(|d| d.batch).collect();
    batches.dedup();
    for b in batches {
        let batch: Vec<&RolloutDevice> = devices.iter().filter(|d| d.batch == b).collect();
        let failed: Vec<&&RolloutDevice> = batch.iter().filter(|d| d.state == FAILED).collect();
        if spec
            .max_failures
            .crossed(failed.len() as u64, batch.len() as u64)
        {
            return halt(store, r, &spec, b, batch.len(), &failed, now_ms, config).await;
        }
    }
    let Some(current) = devices
        .iter()
        .filter(|d| open(&d.state))
        .map(|d| d.batch)
        .min()
    else {
        let totals = |s: &str| devices.iter().filter(|d| d.state.starts_with(s)).count();
        let reason = format!(
            "{} updated, {} failed, {} skipped",
            totals("done"),
            totals("failed"),
            totals("skipped")
        );
        store
            .set_rollout_state(
                r.id,
                &[RolloutState::Running],
                RolloutState::Completed,
                Some(&reason),
                now_ms,
            )
            .await?;
        return Ok(Vec::new());
    };
    let batch: Vec<&RolloutDevice> = devices.iter().filter(|d| d.batch == current).collect();
    let started = batch.iter().any(|d| d.state != "waiting");
    let pause = i64::from(spec.pause_min) * 60_000;
    if !started && batch_done.is_some_and(|t| now_ms < t.saturating_add(pause)) {
        return Ok(Vec::new());
    }
    let running = batch.iter().filter(|d| d.state == "queued").count();
    let free = (spec.concurrency.max(1) as usize).saturating_sub(running);
    let waiting: Vec<RolloutDevice> = batch
        .iter()
        .filter(|d| d.state == "waiting")
        .take(free)
        .map(|d| (*d).clone())
        .collect();
    let request = ActionRequest::UpdateFirmware {
        file: r.file.clone(),
        version: r.version.clone(),
    };
    let by = requested_by(r.id);
    let mut queued_or_skipped = 0;
    for d in &waiting {
        if !d.online {
            store
                .set_rollout_device(
                    r.id,
                    d.device_id,
                    "skipped",
                    None,
                    Some("offline at its turn"),
                )
                .await?;
            queued_or_skipped += 1;
            continue;
        }
        match store
            .enqueue_action_in(Some(&r.acs), &d.genie_id, &request, &by, now_ms)
            .await
        {
            Ok(a) => {
                store
                    .set_rollout_device(r.id, d.device_id, "queued", Some(a.id), None)
                    .await?
            }
            Err(e) => {
                store
                    .set_rollout_device(r.id, d.device_id, "skipped", None, Some(&e.to_string()))
                    .await?
            }
        }
        queued_or_skipped += 1;
    }
    // A batch whose routers were all skipped has ended too.
    if queued_or_skipped > 0 && waiting.len() == batch.len() {
        let left = store.rollout_devices(r.id).await?;
        if !left.iter().any(|d| d.batch == current && open(&d.state)) {
            store.set_rollout_batch_done(r.id, now_ms).await?;
        }
    }
    Ok(Vec::new())
}

/// Stops the rollout and raises its one alert, naming the routers that failed.
#[allow(clippy::too_many_arguments)]
async fn halt(
    store: &TenantStore,
    r: &RolloutRow,
    spec: &RolloutSpec,
    batch: u32,
    size: usize,
    failed: &[&&RolloutDevice],
    now_ms: i64,
    config: &AlertConfig,
) -> Result<Vec<Delivery>, StoreError> {
    let which = if batch == 0 && spec.canary > 0 {
        "the canary".to_owned()
    } else {
        format!("batch {batch}")
    };
    let reason = format!(
        "{} of {size} routers of {which} failed (more than {}): nothing more is queued until someone resumes it",
        failed.len(),
        spec.max_failures
    );
    if !store
        .set_rollout_state(
            r.id,
            &[RolloutState::Running],
            RolloutState::Halted,
            Some(&reason),
            now_ms,
        )
        .await?
    {
        return Ok(Vec::new());
    }
    let routers = failed
        .iter()
        .take(10)
        .map(|d| format!("{} ({})", d.serial, d.reason.as_deref().unwrap_or("failed")))
        .collect::<Vec<_>>()
        .join(", ");
    let problem = Problem {
        key: AlertKey {
            kind: AlertKind::FirmwareFailed,
            subject: Subject::Acs(r.acs.clone()),
        },
        severity: Severity::Critical,
        since_ms: now_ms,
        message: format!(
            "Rollout {} of {} halted: {reason}. Failed: {routers}",
            r.id, r.file
        ),
    };
    raise_event(store, problem, config, now_ms).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use acsdesk_types::firmware::FailureThreshold;

    fn spec(canary: u32, batch: u32) -> RolloutSpec {
        RolloutSpec {
            file: "f".into(),
            acs: None,
            from_version: None,
            linked_only: false,
            canary,
            batch,
            pause_min: 0,
            concurrency: 5,
            max_failures: FailureThreshold::Count(0),
        }
    }

    fn candidates() -> Vec<Candidate> {
        (1..=12)
            .map(|i| Candidate {
                device_id: i,
                genie_id: format!("d{i}"),
                firmware: Some(if i == 12 { "2.0".into() } else { "1.0".into() }),
                linked: i % 2 == 0,
            })
            .collect()
    }

    #[test]
    fn a_plan_takes_the_routers_behind_a_canary_then_batches() {
        let p = plan(&candidates(), &spec(2, 4), Some("2.0"));
        let batches: Vec<u32> = p.iter().map(|(_, b)| *b).collect();
        assert_eq!(
            batches,
            [0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3],
            "router 12 is on 2.0 already"
        );
        assert!(p.iter().all(|(id, _)| *id != 12));
        let linked = RolloutSpec {
            linked_only: true,
            ..spec(0, 10)
        };
        let p = plan(&candidates(), &linked, Some("2.0"));
        assert_eq!(p.len(), 5, "the linked ones behind: 2, 4, 6, 8, 10");
        assert!(
            p.iter().all(|(_, b)| *b == 0),
            "no canary: batch 0 is the first batch"
        );
        let older = RolloutSpec {
            from_version: Some("1.0".into()),
            ..spec(1, 3)
        };
        assert!(plan(&candidates(), &older, Some("2.0")).is_empty());
    }

    #[test]
    fn thresholds_are_counts_or_shares() {
        assert_eq!(FailureThreshold::parse("3"), Ok(FailureThreshold::Count(3)));
        assert_eq!(
            FailureThreshold::parse("5%"),
            Ok(FailureThreshold::Percent(5.0))
        );
        assert!(FailureThreshold::parse("lots").is_err());
        assert!(FailureThreshold::parse("120%").is_err());
        assert!(!FailureThreshold::Count(3).crossed(3, 10));
        assert!(FailureThreshold::Count(3).crossed(4, 10));
        assert!(!FailureThreshold::Percent(5.0).crossed(10, 200));
        assert!(FailureThreshold::Percent(5.0).crossed(11, 200));
    }
}
