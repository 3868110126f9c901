//! The sync loop: chooses full or incremental, pages through GenieACS sorted by `_id`,
//! derives each device's update, applies each page with its cursor, then finishes
//! (watermark, missing devices) and sweeps presence.

use super::derive::derive;
use super::{
    Cursor, DeviceSource, DeviceUpdate, SyncError, SyncMode, SyncProgress, SyncReport, SyncState,
    SyncStore,
};
use crate::monitor::presence::PresencePolicy;
use crate::normalize::normalize;
use acsdesk_types::settings::SyncSettings;

/// How a sync runs.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncOptions {
    /// Devices per page (default 500).
    pub page_size: u64,
    /// How far before the watermark an incremental sync starts (default 60 s), so
    /// informs GenieACS records late or with skew are not missed.
    pub overlap_ms: i64,
    /// Time between full syncs (default 24 h; `None`: only the first sync is full). Only
    /// a full sync finds devices deleted from GenieACS.
    pub full_every_ms: Option<i64>,
    /// How presence is derived.
    pub presence: PresencePolicy,
    /// Run a full sync even when an incremental one would do.
    pub force_full: bool,
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self::from_settings(&SyncSettings::default())
    }
}

impl SyncOptions {
    /// The options a tenant's settings call for.
    pub fn from_settings(settings: &SyncSettings) -> Self {
        Self {
            page_size: 500,
            overlap_ms: i64::from(settings.overlap_s) * 1000,
            full_every_ms: Some(i64::from(settings.full_sync_every_h) * 3_600_000),
            presence: PresencePolicy {
                factor: settings.presence_factor,
                grace_s: settings.presence_grace_s,
                ..PresencePolicy::default()
            },
            force_full: false,
        }
    }
}

/// How many ids one existence check or fetch by id asks GenieACS about (the query goes
/// in the URL, which Node's HTTP server caps with the headers at 16 KB).
const EXISTING_CHUNK: usize = 50;

/// Ids and informs per page when listing the overlap window (a few dozen bytes each, so
/// a page is a few megabytes, decoded as it streams).
const LIGHT_PAGE: u64 = 50_000;

/// Ids per look-up of what the store knows.
const KNOWN_CHUNK: usize = 500;

/// Runs one sync of one ACS connection to completion (or resumes an interrupted one).
///
/// Dropping the returned future at any point is safe: each page is applied together with
/// the cursor after it, so the next call continues from there. `now_ms` is the local
/// clock, used for presence; the watermark comes from GenieACS's own `_lastInform`
/// values, so clock skew between the ACS and this machine cannot lose devices.
pub async fn sync_once<S: DeviceSource, T: SyncStore>(
    source: &S,
    store: &T,
    options: &SyncOptions,
    now_ms: i64,
    mut on_progress: impl FnMut(SyncProgress),
) -> Result<SyncReport, SyncError> {
    let state = store.sync_state().await?;
    let mut cursor = match state.cursor.clone() {
        Some(c) if !(options.force_full && c.mode == SyncMode::Incremental) => c,
        _ => fresh_cursor(&state, options, now_ms),
    };
    let page_size = options.page_size.max(1);
    let total = source.count(cursor.since_ms).await?;
    let mut report = SyncReport {
        full: cursor.mode == SyncMode::Full,
        ..SyncReport::default()
    };
    on_progress(SyncProgress {
        mode: cursor.mode,
        done: cursor.done,
        total,
    });
    let mut next = Some(source.page(cursor.since_ms, cursor.done, page_size).await?);
    while let Some(docs) = next.take() {
        let fetched = docs.len() as u64;
        let updates = updates_for(docs, store, options, &mut cursor, &mut report, now_ms).await?;
        cursor.done += fetched;
        report.fetched += fetched;
        let more = fetched == page_size;
        if fetched > 0 {
            // Download the next page while this one is written: the sync then costs
            // about the larger of the two, not their sum.
            let apply = store.apply_page(&updates, &cursor, now_ms);
            if more {
                let fetch = source.page(cursor.since_ms, cursor.done, page_size);
                let (applied, page) = futures::join!(apply, fetch);
                applied?;
                next = Some(page?);
            } else {
                apply.await?;
            }
            on_progress(SyncProgress {
                mode: cursor.mode,
                done: cursor.done,
                total: total.max(cursor.done),
            });
        }
    }
    if let (SyncMode::Incremental, Some(since)) = (cursor.mode, cursor.since_ms) {
        late_informs(
            source,
            store,
            options,
            since,
            &mut cursor,
            &mut report,
            now_ms,
        )
        .await?;
    }
    let full = cursor.mode == SyncMode::Full;
    let finished = SyncState {
        watermark_ms: match (state.watermark_ms, cursor.max_inform_ms) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        },
        full_done: state.full_done || full,
        generation: if full {
            cursor.generation
        } else {
            state.generation
        },
        full_done_ms: if full {
            Some(now_ms)
        } else {
            state.full_done_ms
        },
        cursor: None,
    };
    let mut missing = Vec::new();
    if full {
        // Only devices GenieACS confirms it no longer has are missing: offset paging
        // skips one whenever another is deleted while the sync runs.
        let unseen = store.unseen(cursor.generation).await?;
        for chunk in unseen.chunks(EXISTING_CHUNK) {
            let present = source.existing(chunk).await?;
            missing.extend(chunk.iter().filter(|id| !present.contains(*id)).cloned());
        }
    }
    let marked = store.finish(&finished, &missing, now_ms).await?;
    report.disappeared = marked.len() as u64;
    // Devices found offline in the pages were counted there; the sweep adds the
    // devices not fetched whose deadline passed: the count is the logged events'.
    report.went_offline += store.sweep_presence(now_ms).await?.len() as u64;
    report.watermark_ms = finished.watermark_ms;
    Ok(report)
}

/// Normalises a page of documents and derives each device's update against what the
/// store knows, counting what happened in `report` and moving the cursor's high mark.
async fn updates_for<T: SyncStore>(
    docs: Vec<serde_json::Value>,
    store: &T,
    options: &SyncOptions,
    cursor: &mut Cursor,
    report: &mut SyncReport,
    now_ms: i64,
) -> Result<Vec<DeviceUpdate>, SyncError> {
    let mut devices = Vec::with_capacity(docs.len());
    for doc in &docs {
        match normalize(doc) {
            Ok(d) => devices.push(d),
            Err(e) => {
                let id = doc.get("_id").and_then(|v| v.as_str()).unwrap_or("?");
                report.skipped.push(format!("{id}: {e}"));
            }
        }
    }
    drop(docs);
    let ids: Vec<String> = devices.iter().map(|d| d.id.clone()).collect();
    let known = store.known(&ids).await?;
    let mut updates = Vec::with_capacity(devices.len());
    for device in devices {
        if let Some(t) = device.last_inform_ms {
            cursor.max_inform_ms = Some(cursor.max_inform_ms.map_or(t, |m| m.max(t)));
        }
        let before = known.get(&device.id);
        let update = derive(device, before, &options.presence, now_ms);
        report.discovered += u64::from(before.is_none());
        report.came_online += u64::from(update.logs.iter().any(|l| l.kind == "online"));
        report.went_offline += u64::from(update.logs.iter().any(|l| l.kind == "offline"));
        report.samples += u64::from(update.sample.is_some());
        updates.push(update);
    }
    if cursor.mode == SyncMode::Incremental {
        // Fetched again with nothing new (the inform at the watermark itself): not
        // written again. A full sync writes every device, stamping its generation.
        updates.retain(|u| u.changed);
    }
    Ok(updates)
}

/// The overlap window of an incremental sync. GenieACS stamps `_lastInform` when a
/// session starts but saves the document when it ends, so a device whose session was
/// still running at the previous sync can appear later with an inform just below the
/// watermark. Rather than download every device of the window again, this lists the
/// window's ids and informs only, and fetches in full just those whose inform is newer
/// than the store's.
async fn late_informs<S: DeviceSource, T: SyncStore>(
    source: &S,
    store: &T,
    options: &SyncOptions,
    since: i64,
    cursor: &mut Cursor,
    report: &mut SyncReport,
    now_ms: i64,
) -> Result<(), SyncError> {
    if options.overlap_ms <= 0 {
        return Ok(());
    }
    let from = since - options.overlap_ms;
    let mut window = Vec::new();
    loop {
        let page = source
            .informs(from, since, window.len() as u64, LIGHT_PAGE)
            .await?;
        let n = page.len() as u64;
        window.extend(page);
        if n < LIGHT_PAGE {
            break;
        }
    }
    let mut late = Vec::new();
    for chunk in window.chunks(KNOWN_CHUNK) {
        let ids: Vec<String> = chunk.iter().map(|(id, _)| id.clone()).collect();
        let known = store.known(&ids).await?;
        late.extend(chunk.iter().filter_map(|(id, inform)| {
            let stored = known.get(id).and_then(|k| k.last_inform_ms);
            (stored.is_none() || inform.is_some() && *inform > stored).then(|| id.clone())
        }));
    }
    for chunk in late.chunks(EXISTING_CHUNK) {
        let docs = source.documents(chunk).await?;
        let fetched = docs.len() as u64;
        let updates = updates_for(docs, store, options, cursor, report, now_ms).await?;
        report.fetched += fetched;
        report.late += fetched;
        store.apply_page(&updates, cursor, now_ms).await?;
    }
    Ok(())
}

fn fresh_cursor(state: &SyncState, options: &SyncOptions, now_ms: i64) -> Cursor {
    let due = options.full_every_ms.is_some_and(|every| {
        state
            .full_done_ms
            .is_none_or(|done| now_ms.saturating_sub(done) >= every)
    });
    let full = options.force_full || !state.full_done || state.watermark_ms.is_none() || due;
    Cursor {
        mode: if full {
            SyncMode::Full
        } else {
            SyncMode::Incremental
        },
        // The overlap before the watermark is handled apart (`late_informs`).
        since_ms: if full { None } else { state.watermark_ms },
        done: 0,
        generation: if full {
            state.generation + 1
        } else {
            state.generation
        },
        max_inform_ms: None,
    }
}
