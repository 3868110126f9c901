//! Firmware rollouts: which routers and in which batches (`plan`), and the `tick` that
//! moves a running rollout on — run at the start of every action-runner pass, so the
//! desktop, `acsdesk watch` and `firmware rollout … --wait` all move it through the same
//! action queue. A tick follows the routers' firmware actions, halts the rollout with
//! one alert when the current batch fails beyond its threshold, waits the pause after a
//! batch and outside its window, skips routers offline at their turn, and queues at most
//! `concurrency` at once and no faster than its rate. Each step goes to the rollout's
//! log; `estimate` tells when it should be done.

use crate::actions::ActionRequest;
use crate::alerts::engine::raise_event;
use crate::alerts::engine::AlertConfig;
use crate::alerts::reconcile::Delivery;
use crate::alerts::{AlertKey, AlertKind, Problem, Subject};
use crate::firmware::compare_versions;
use crate::store::rollouts::{Candidate, RolloutDevice, RolloutRow};
use crate::store::{StoreError, TenantStore};
use acsdesk_types::firmware::{RolloutSpec, RolloutState, RolloutWindow, TargetModel};
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
    // A last batch of less than half a batch joins the one before: a few routers alone
    // would make a share of failures out of one or two.
    let rest = chosen.len() - canary;
    let (full, tail) = (rest / batch, rest % batch);
    let last = if tail == 0 || (full > 0 && tail < batch.div_ceil(2)) {
        full.saturating_sub(1)
    } else {
        full
    };
    chosen
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let n = if i < canary {
                0
            } else {
                first + u32::try_from(((i - canary) / batch).min(last)).unwrap_or(u32::MAX)
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
    state == "waiting" || in_flight(state)
}

/// A failure the threshold counts (those accepted when a person resumed do not).
const FAILED: &str = "failed";
/// A failure a person accepted by resuming after the halt it caused.
pub const FAILED_ACCEPTED: &str = "failed-accepted";

/// A router whose update was still on its way when a person resumed the halted
/// rollout: it goes on as a queued one, and its failure — most likely the same cause
/// as the halt's — is accepted with the others.
pub const QUEUED_AT_HALT: &str = "queued-at-halt";

/// Whether a router's update is on its way (queued, or queued when a halt was resumed).
pub fn in_flight(state: &str) -> bool {
    state == "queued" || state == QUEUED_AT_HALT
}

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
/// withdrawn), failures in the log; returns the routers as they now stand and the
/// batches of those that ended.
pub async fn settle(
    store: &TenantStore,
    id: i64,
    now_ms: i64,
) -> Result<(Vec<RolloutDevice>, Vec<u32>), StoreError> {
    let mut devices = store.rollout_devices(id).await?;
    let mut ended = Vec::new();
    for d in devices.iter_mut().filter(|d| in_flight(&d.state)) {
        let failed = if d.state == QUEUED_AT_HALT {
            FAILED_ACCEPTED
        } else {
            FAILED
        };
        let (state, reason) = match &d.action {
            Some((s, _)) if s == "completed" => ("done", None),
            Some((s, fault)) if s == "failed" => (
                failed,
                Some(fault.clone().unwrap_or_else(|| "the update failed".into())),
            ),
            Some((s, _)) if s == "cancelled" => {
                ("skipped", Some("its action was cancelled".to_owned()))
            }
            _ => continue,
        };
        store
            .set_rollout_device(id, d.device_id, state, None, reason.as_deref(), now_ms)
            .await?;
        if state.starts_with(FAILED) {
            let why = reason.as_deref().unwrap_or("failed");
            store
                .log_rollout(
                    id,
                    now_ms,
                    "warning",
                    "router_failed",
                    &format!("{}: {why}", d.serial),
                )
                .await?;
        }
        d.state = state.into();
        d.ended_ms = Some(now_ms);
        d.reason = reason;
        ended.push(d.batch);
    }
    Ok((devices, ended))
}

/// Resumes a paused or halted rollout from where it stopped: the failures of a halt —
/// with those of updates still on their way then, failed since — are accepted (they stay
/// failed and count no more against their batch). `false` when it was neither.
pub async fn resume(store: &TenantStore, id: i64, now_ms: i64) -> Result<bool, StoreError> {
    let row = store.rollout(id).await?;
    let from = [RolloutState::Paused, RolloutState::Halted];
    if !from.contains(&row.state) {
        return Ok(false);
    }
    let mut accepted = 0;
    if row.state == RolloutState::Halted {
        let (devices, _) = settle(store, id, now_ms).await?;
        for d in devices.iter().filter(|d| d.state == FAILED) {
            store
                .set_rollout_device(
                    id,
                    d.device_id,
                    FAILED_ACCEPTED,
                    None,
                    d.reason.as_deref(),
                    now_ms,
                )
                .await?;
            accepted += 1;
        }
        // Those still on their way carry the halt's cause too: their failure is
        // accepted when it comes.
        for d in devices.iter().filter(|d| d.state == "queued") {
            store
                .set_rollout_device(id, d.device_id, QUEUED_AT_HALT, None, None, now_ms)
                .await?;
        }
    }
    if !store
        .set_rollout_state(id, &from, RolloutState::Running, None, now_ms)
        .await?
    {
        return Ok(false);
    }
    let message = if accepted > 0 {
        format!("Resumed by a person, accepting {accepted} failure(s)")
    } else {
        "Resumed by a person".to_owned()
    };
    store
        .log_rollout(id, now_ms, "info", "resumed", &message)
        .await?;
    if row.state == RolloutState::Halted {
        settle_alert(store, &row, now_ms).await?;
    }
    Ok(true)
}

/// Resolves the alert a rollout's halt raised, once a person dealt with the halt (a
/// resume or a cancel): the next halt — of it or of another rollout on the connection —
/// raises and notifies a new one.
pub async fn settle_alert(
    store: &TenantStore,
    row: &RolloutRow,
    now_ms: i64,
) -> Result<(), StoreError> {
    let q = crate::store::alerts::AlertQuery {
        kind: Some(AlertKind::FirmwareFailed.as_str().to_owned()),
        ..Default::default()
    };
    let prefix = format!("Rollout {} of ", row.id);
    for a in store.find_alerts(&q).await? {
        if a.subject_type == "acs"
            && a.subject == row.acs
            && a.state != "resolved"
            && a.message.starts_with(&prefix)
        {
            store.set_alert_state(a.id, "resolved", now_ms).await?;
        }
    }
    Ok(())
}

async fn advance(
    store: &TenantStore,
    r: &RolloutRow,
    now_ms: i64,
    config: &AlertConfig,
) -> Result<Vec<Delivery>, StoreError> {
    let spec = parse_spec(r)?;
    if let Some(model) = &spec.standing {
        join_newcomers(store, r, model, now_ms).await?;
    }
    let (devices, mut ended) = settle(store, r.id, now_ms).await?;
    let mut batch_done = r.batch_done_ms;
    ended.dedup();
    for b in ended {
        if !devices.iter().any(|d| d.batch == b && open(&d.state)) {
            store.set_rollout_batch_done(r.id, now_ms).await?;
            log_batch_ended(store, r.id, &spec, &devices, b, now_ms).await?;
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
        if spec.standing.is_some() {
            // A target stands until the profile drops it: new routers join later.
            return Ok(Vec::new());
        }
        let totals = |s: &str| devices.iter().filter(|d| d.state.starts_with(s)).count();
        let reason = format!(
            "{} updated, {} failed, {} skipped",
            totals("done"),
            totals("failed"),
            totals("skipped")
        );
        if store
            .set_rollout_state(
                r.id,
                &[RolloutState::Running],
                RolloutState::Completed,
                Some(&reason),
                now_ms,
            )
            .await?
        {
            store
                .log_rollout(
                    r.id,
                    now_ms,
                    "info",
                    "completed",
                    &format!("Completed: {reason}"),
                )
                .await?;
        }
        return Ok(Vec::new());
    };
    let batch: Vec<&RolloutDevice> = devices.iter().filter(|d| d.batch == current).collect();
    let started = batch.iter().any(|d| d.state != "waiting");
    let pause = i64::from(spec.pause_min) * 60_000;
    if !started && batch_done.is_some_and(|t| now_ms < t.saturating_add(pause)) {
        idle(store, r, now_ms).await?;
        return Ok(Vec::new());
    }
    if !window_allows(store, r.id, spec.window.as_ref(), now_ms).await? {
        idle(store, r, now_ms).await?;
        return Ok(Vec::new());
    }
    let running = batch.iter().filter(|d| in_flight(&d.state)).count();
    let free = (spec.concurrency.max(1) as usize).saturating_sub(running);
    let mut pace = Pace::new(spec.rate_per_hour, r.next_dispatch_ms, now_ms);
    if !started && pace.ready() && spec.standing.is_none() {
        let name = batch_title(&spec, current);
        store
            .log_rollout(
                r.id,
                now_ms,
                "info",
                "batch_started",
                &format!("{name} started: {} router(s)", batch.len()),
            )
            .await?;
    }
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
            skip(store, r.id, d, "offline at its turn", now_ms).await?;
            queued_or_skipped += 1;
            continue;
        }
        if !pace.take() {
            break;
        }
        match store
            .enqueue_action_in(Some(&r.acs), &d.genie_id, &request, &by, now_ms)
            .await
        {
            Ok(a) => {
                store
                    .set_rollout_device(r.id, d.device_id, "queued", Some(a.id), None, now_ms)
                    .await?
            }
            Err(e) => skip(store, r.id, d, &e.to_string(), now_ms).await?,
        }
        queued_or_skipped += 1;
    }
    let kept = pace.kept();
    if kept != r.next_dispatch_ms {
        store.set_rollout_next_dispatch(r.id, kept).await?;
    }
    // A batch whose routers were all skipped has ended too.
    if queued_or_skipped > 0 && queued_or_skipped == batch.len() {
        let left = store.rollout_devices(r.id).await?;
        if !left.iter().any(|d| d.batch == current && open(&d.state)) {
            store.set_rollout_batch_done(r.id, now_ms).await?;
            log_batch_ended(store, r.id, &spec, &left, current, now_ms).await?;
        }
    }
    Ok(Vec::new())
}

/// A standing rollout takes the routers of its model that appeared since it started and
/// run an older version, each in a batch of its own.
async fn join_newcomers(
    store: &TenantStore,
    r: &RolloutRow,
    model: &TargetModel,
    now_ms: i64,
) -> Result<(), StoreError> {
    let newcomers = store
        .rollout_newcomers(
            r.id,
            &r.acs,
            &model.product_class,
            model.oui.as_deref(),
            r.created_ms,
        )
        .await?;
    let behind: Vec<&Candidate> = newcomers
        .iter()
        .filter(|c| {
            matches!((&c.firmware, &r.version), (Some(v), Some(target)) if compare_versions(v, target) == Ordering::Less)
        })
        .collect();
    if behind.is_empty() {
        return Ok(());
    }
    let next = store
        .rollout_devices(r.id)
        .await?
        .iter()
        .map(|d| d.batch + 1)
        .max()
        .unwrap_or(0);
    let routers: Vec<(i64, u32)> = behind
        .iter()
        .zip(next..)
        .map(|(c, b)| (c.device_id, b))
        .collect();
    store.add_rollout_devices(r.id, &routers).await?;
    for c in behind {
        store
            .log_rollout(
                r.id,
                now_ms,
                "info",
                "router_joined",
                &format!(
                    "{} appeared on {}: it is brought to {}",
                    c.genie_id,
                    c.firmware.as_deref().unwrap_or("?"),
                    r.version.as_deref().unwrap_or("the image's version")
                ),
            )
            .await?;
    }
    Ok(())
}

async fn skip(
    store: &TenantStore,
    id: i64,
    d: &RolloutDevice,
    why: &str,
    now_ms: i64,
) -> Result<(), StoreError> {
    store
        .set_rollout_device(id, d.device_id, "skipped", None, Some(why), now_ms)
        .await?;
    store
        .log_rollout(
            id,
            now_ms,
            "info",
            "router_skipped",
            &format!("{}: skipped, {why}", d.serial),
        )
        .await
}

/// Whether the window (if any) lets updates start now; logs when it closes and opens.
async fn window_allows(
    store: &TenantStore,
    id: i64,
    window: Option<&RolloutWindow>,
    now_ms: i64,
) -> Result<bool, StoreError> {
    let Some(window) = window else {
        return Ok(true);
    };
    let weekly = window
        .weekly()
        .map_err(|e| StoreError::Db(format!("rollout {id}: its window: {e}")))?;
    let open = weekly.is_open(now_ms);
    let last = store
        .last_rollout_log_kind(id, &["window_closed", "window_open"])
        .await?;
    match (open, last.as_deref()) {
        (false, Some("window_closed")) | (true, None | Some("window_open")) => {}
        (false, _) => {
            let next = weekly
                .next_open(now_ms)
                .map(|t| format!(": updates start again {}", weekly.label(t)))
                .unwrap_or_default();
            store
                .log_rollout(
                    id,
                    now_ms,
                    "info",
                    "window_closed",
                    &format!("Outside its window ({window}){next}"),
                )
                .await?;
        }
        (true, _) => {
            store
                .log_rollout(
                    id,
                    now_ms,
                    "info",
                    "window_open",
                    &format!("Its window opened ({window})"),
                )
                .await?;
        }
    }
    Ok(open)
}

/// The rate limit as a virtual schedule (GCRA): each dispatch moves the next allowed
/// time on by one interval. A tick that comes late may catch up by at most a minute's
/// worth, so the long-run rate is the configured one whatever the tick period; but time
/// in which the rate held nothing back (a pause, a closed window, the concurrency full,
/// a batch's last routers on their way) is no credit: the schedule starts again from
/// now, and a batch never opens with a burst.
struct Pace {
    interval_ms: Option<i64>,
    next_ms: Option<i64>,
    now_ms: i64,
    /// The rate held a dispatch back this tick.
    limited: bool,
}

/// How far behind its schedule a rollout may catch up at once.
const CATCH_UP_MS: i64 = 60_000;

impl Pace {
    fn new(rate_per_hour: Option<u32>, next_ms: Option<i64>, now_ms: i64) -> Self {
        let interval_ms = rate_per_hour
            .filter(|r| *r > 0)
            .map(|r| (3_600_000 / i64::from(r)).max(1));
        Self {
            interval_ms,
            next_ms,
            now_ms,
            limited: false,
        }
    }

    /// Whether a dispatch is allowed now.
    fn ready(&self) -> bool {
        self.interval_ms.is_none() || self.next_ms.is_none_or(|n| n <= self.now_ms)
    }

    /// Whether one more dispatch is allowed now (and counts it).
    fn take(&mut self) -> bool {
        let Some(interval) = self.interval_ms else {
            return true;
        };
        if !self.ready() {
            self.limited = true;
            return false;
        }
        let tolerance = CATCH_UP_MS.max(interval);
        let from = self
            .next_ms
            .map_or(self.now_ms, |n| n.max(self.now_ms - tolerance));
        self.next_ms = Some(from + interval);
        true
    }

    /// The schedule to keep after this tick: as moved while the rate held dispatches
    /// back; else only what lies ahead (a past schedule is idle time, no credit).
    fn kept(&self) -> Option<i64> {
        if self.limited {
            self.next_ms
        } else {
            self.next_ms.filter(|n| *n > self.now_ms)
        }
    }
}

/// Drops a rollout's past rate schedule while it waits for something else than its rate.
async fn idle(store: &TenantStore, r: &RolloutRow, now_ms: i64) -> Result<(), StoreError> {
    if r.next_dispatch_ms.is_some_and(|n| n <= now_ms) {
        store.set_rollout_next_dispatch(r.id, None).await?;
    }
    Ok(())
}

fn batch_name(spec: &RolloutSpec, batch: u32) -> String {
    if batch == 0 && spec.canary > 0 {
        "the canary".to_owned()
    } else {
        format!("batch {batch}")
    }
}

/// A batch at the start of a line: `Canary`, `Batch 3`.
fn batch_title(spec: &RolloutSpec, batch: u32) -> String {
    if batch == 0 && spec.canary > 0 {
        "Canary".to_owned()
    } else {
        format!("Batch {batch}")
    }
}

async fn log_batch_ended(
    store: &TenantStore,
    id: i64,
    spec: &RolloutSpec,
    devices: &[RolloutDevice],
    batch: u32,
    now_ms: i64,
) -> Result<(), StoreError> {
    let count = |s: &str| {
        devices
            .iter()
            .filter(|d| d.batch == batch && d.state.starts_with(s))
            .count()
    };
    let message = format!(
        "{} ended: {} updated, {} failed, {} skipped",
        batch_title(spec, batch),
        count("done"),
        count("failed"),
        count("skipped")
    );
    store
        .log_rollout(id, now_ms, "info", "batch_ended", &message)
        .await
}

/// How long one router's update takes before any has ended (a transfer, the flash and
/// the reboot that proves it).
pub const TYPICAL_UPDATE_MS: i64 = 15 * 60_000;

/// When a running rollout should be done, at the pace seen so far: the routers left over
/// the throughput (the concurrency over the mean update time, or the rate when slower),
/// plus the pauses between the batches left, counted in open window time. Also when
/// its window next opens, when it is closed now.
pub fn estimate(
    spec: &RolloutSpec,
    devices: &[RolloutDevice],
    batch_done_ms: Option<i64>,
    now_ms: i64,
) -> (Option<i64>, Option<i64>) {
    let left = devices.iter().filter(|d| open(&d.state)).count();
    if left == 0 {
        return (None, None);
    }
    let took: Vec<i64> = devices
        .iter()
        .filter(|d| d.state == "done" || d.state.starts_with(FAILED))
        .filter_map(|d| Some(d.ended_ms? - d.queued_ms?))
        .filter(|t| *t >= 0)
        .collect();
    let per_router = if took.is_empty() {
        TYPICAL_UPDATE_MS
    } else {
        (took.iter().sum::<i64>() / took.len() as i64).max(1)
    };
    // Routers per ms.
    let mut throughput = f64::from(spec.concurrency.max(1)) / per_router as f64;
    if let Some(rate) = spec.rate_per_hour.filter(|r| *r > 0) {
        throughput = throughput.min(f64::from(rate) / 3_600_000.0);
    }
    let mut batches: Vec<u32> = devices
        .iter()
        .filter(|d| d.state == "waiting")
        .map(|d| d.batch)
        .collect();
    batches.dedup();
    let current_started = devices.iter().any(|d| in_flight(&d.state));
    let pauses = batches.len().saturating_sub(usize::from(current_started));
    let mut pause_ms = i64::from(spec.pause_min) * 60_000 * pauses as i64;
    // The pause after the batch that just ended is partly over.
    if !current_started {
        if let Some(done) = batch_done_ms {
            pause_ms -= (now_ms - done).clamp(0, i64::from(spec.pause_min) * 60_000);
        }
    }
    let work_ms = (left as f64 / throughput) as i64 + pause_ms.max(0);
    match spec.window.as_ref().and_then(|w| w.weekly().ok()) {
        None => (Some(now_ms + work_ms), None),
        Some(w) => {
            let opens = w.next_open(now_ms).filter(|t| *t > now_ms);
            (w.after_open_time(now_ms, work_ms), opens)
        }
    }
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
    let which = batch_name(spec, batch);
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
    store
        .log_rollout(
            r.id,
            now_ms,
            "error",
            "halted",
            &format!("Halted: {reason}"),
        )
        .await?;
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
            model: None,
            from_version: None,
            linked_only: false,
            canary,
            batch,
            pause_min: 0,
            concurrency: 5,
            max_failures: FailureThreshold::Count(0),
            rate_per_hour: None,
            window: None,
            standing: None,
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
            [0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2],
            "router 12 is on 2.0 already; the last one joins the batch before"
        );
        // A tail of half a batch or more stays a batch of its own.
        let halves: Vec<u32> = plan(&candidates(), &spec(1, 4), Some("2.0"))
            .iter()
            .map(|(_, b)| *b)
            .collect();
        assert_eq!(halves, [0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3]);
        let exact: Vec<u32> = plan(&candidates(), &spec(3, 4), Some("2.0"))
            .iter()
            .map(|(_, b)| *b)
            .collect();
        assert_eq!(exact, [0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
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
    fn the_pace_keeps_the_configured_rate_whatever_the_tick_period() {
        // 600 an hour is one every 6 s; a tick takes what is due since the last.
        for tick_s in [1, 5, 13, 45] {
            let mut next = None;
            let mut sent = 0;
            let mut now = 0;
            while now <= 3_600_000 {
                let mut pace = Pace::new(Some(600), next, now);
                while pace.take() {
                    sent += 1;
                }
                next = pace.kept();
                now += tick_s * 1000;
            }
            assert!(
                (599..=601).contains(&sent),
                "every {tick_s} s: {sent} in an hour"
            );
        }
        // Without a rate, the concurrency alone limits.
        let mut free = Pace::new(None, None, 0);
        assert!((0..1000).all(|_| free.take()));
        assert_eq!(free.kept(), None);
        // Held back by the rate, a tick that came a minute late catches up that minute.
        let mut late = Pace::new(Some(600), Some(0), 60_000);
        let mut burst = 0;
        while late.take() {
            burst += 1;
        }
        assert_eq!(burst, 11, "60 s of 6 s intervals, and the one due now");
        // A tick that sent the last router of a batch without the rate holding it back
        // keeps no credit: after the batch's tail, the next opens with one, not a burst.
        let mut tail = Pace::new(Some(600), Some(0), 1_000);
        assert!(tail.take());
        assert_eq!(tail.kept(), Some(6_000), "the schedule ahead is kept");
        let idle_since = Pace::new(Some(600), Some(6_000), 600_000);
        assert_eq!(idle_since.kept(), None, "a past schedule is dropped");
        let mut opening = Pace::new(Some(600), idle_since.kept(), 600_000);
        let mut burst = 0;
        while opening.take() {
            burst += 1;
        }
        assert_eq!(burst, 1);
    }

    fn router(batch: u32, state: &str, queued: Option<i64>, ended: Option<i64>) -> RolloutDevice {
        RolloutDevice {
            device_id: 0,
            genie_id: String::new(),
            serial: String::new(),
            online: true,
            batch,
            state: state.into(),
            action_id: None,
            reason: None,
            action: None,
            queued_ms: queued,
            ended_ms: ended,
        }
    }

    #[test]
    fn an_estimate_counts_the_pace_seen_the_rate_the_pauses_and_the_window() {
        const MIN: i64 = 60_000;
        let now = 1_000 * MIN;
        // 40 left in batch 1 (5 running), batch 2 of 50 after a 30 min pause; the canary's
        // 10 took 8 min each. Concurrency 5: 5 routers per 8 min.
        let mut devices: Vec<RolloutDevice> = (0..10)
            .map(|i| {
                router(
                    0,
                    "done",
                    Some(now - 100 * MIN + i),
                    Some(now - 92 * MIN + i),
                )
            })
            .collect();
        devices.extend((0..5).map(|_| router(1, "queued", Some(now - MIN), None)));
        devices.extend((0..35).map(|_| router(1, "waiting", None, None)));
        devices.extend((0..50).map(|_| router(2, "waiting", None, None)));
        let mut s = spec(10, 50);
        s.pause_min = 30;
        let (eta, opens) = estimate(&s, &devices, Some(now - 60 * MIN), now);
        assert_eq!(opens, None);
        // 90 routers at 5 per 8 min = 144 min, and one pause of 30.
        assert_eq!(eta, Some(now + 174 * MIN));
        // A rate of 30 an hour is slower: 180 min.
        s.rate_per_hour = Some(30);
        assert_eq!(estimate(&s, &devices, None, now).0, Some(now + 210 * MIN));
        // Before any router has ended, a typical update time stands in.
        let fresh: Vec<RolloutDevice> = (0..5).map(|_| router(0, "waiting", None, None)).collect();
        let mut one = spec(0, 5);
        one.concurrency = 1;
        assert_eq!(
            estimate(&one, &fresh, None, now).0,
            Some(now + 5 * TYPICAL_UPDATE_MS)
        );
        // Nothing left: nothing to estimate.
        assert_eq!(estimate(&one, &devices[..10], None, now), (None, None));
        // A window of one hour a day, closed now: it counts only open hours.
        one.window = Some(
            acsdesk_types::firmware::RolloutWindow::parse("01:00-02:00", None, "UTC").unwrap(),
        );
        let midnight = 20_000 * 24 * 60 * MIN; // a UTC midnight
        let (eta, opens) = estimate(&one, &fresh, None, midnight);
        assert_eq!(opens, Some(midnight + 60 * MIN));
        // 75 min of work: the first window's 60, then 15 of the next day's.
        assert_eq!(eta, Some(midnight + 24 * 60 * MIN + 75 * MIN));
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
