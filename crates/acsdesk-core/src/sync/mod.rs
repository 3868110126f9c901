//! Sync: pulls devices from one GenieACS connection into the tenant's store — a first
//! full sync in pages, then incremental syncs of the devices whose `_lastInform` moved
//! past the watermark (minus an overlap window), normalised, with samples, presence
//! transitions and router errors derived and logged once.
//!
//! The engine talks to GenieACS through [`DeviceSource`] and to the store through
//! [`SyncStore`]; both are small seams so the engine can be driven step by step. Every
//! page is applied together with the cursor that follows it, so a sync killed at any
//! point resumes where it stopped and loses nothing.

pub mod derive;
pub mod engine;
pub mod nbi;
pub mod round;
pub mod scheduler;

use crate::monitor::rates::CounterReading;
use crate::normalize::NormalizedDevice;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::future::Future;

pub use engine::{sync_once, SyncOptions};

/// Full or incremental.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncMode {
    /// Every device of the ACS, in pages; devices not seen are marked missing.
    Full,
    /// Only devices whose `_lastInform` is at or after the watermark, and those of the
    /// overlap window before it whose inform is newer than the store's.
    Incremental,
}

/// Where a sync stands, saved with every page so a killed sync resumes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// The mode of the interrupted sync.
    pub mode: SyncMode,
    /// The `_lastInform` lower bound of the interrupted sync (Unix ms), if incremental.
    pub since_ms: Option<i64>,
    /// How many devices of that query were already applied.
    pub done: u64,
    /// The generation stamped on devices seen by a full sync.
    pub generation: i64,
    /// The highest `_lastInform` seen so far in this sync.
    pub max_inform_ms: Option<i64>,
}

/// What the store remembers of syncs of one ACS connection.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncState {
    /// The highest `_lastInform` of the last completed sync (the ACS's clock, not ours).
    pub watermark_ms: Option<i64>,
    /// Whether a full sync has completed.
    pub full_done: bool,
    /// The generation of the last completed full sync.
    pub generation: i64,
    /// When the last full sync completed (local clock, Unix ms); full syncs repeat on a
    /// schedule counted from it.
    pub full_done_ms: Option<i64>,
    /// The sync in progress, if one was interrupted.
    pub cursor: Option<Cursor>,
}

/// What the store knows of a device from the previous sync.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Known {
    /// Whether it was online.
    pub online: bool,
    /// Its last inform then.
    pub last_inform_ms: Option<i64>,
    /// Its WAN counters then, to turn into rates.
    pub counters: Option<CounterReading>,
    /// Its WAN's last error then.
    pub wan_error: Option<String>,
    /// Since when PPP has been failing, if it was.
    pub ppp_failing_since_ms: Option<i64>,
    /// Whether it had been marked missing from GenieACS.
    pub missing: bool,
    /// When it last booted then (GenieACS's `_lastBoot`).
    pub last_boot_ms: Option<i64>,
    /// Its GenieACS tags then.
    pub tags: Vec<String>,
}

/// Severity of a device log entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogLevel {
    /// Something happened.
    Info,
    /// Something may need attention.
    Warning,
    /// Something failed.
    Error,
}

/// A device log entry produced by sync.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogEntry {
    /// Severity.
    pub level: LogLevel,
    /// Machine-readable kind (`discovered`, `online`, `offline`, `router_error`, …).
    pub kind: String,
    /// One sentence for people.
    pub message: String,
    /// The raw data behind it, as JSON.
    pub payload: Value,
    /// When it happened (Unix ms).
    pub at_ms: i64,
}

/// One time-series point of a device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    /// When (the device's inform time), Unix ms.
    pub at_ms: i64,
    /// CPU %.
    pub cpu_pct: Option<f64>,
    /// Memory %.
    pub mem_pct: Option<f64>,
    /// Uptime, seconds.
    pub uptime_s: Option<u64>,
    /// Signal, dBm.
    pub signal_dbm: Option<f64>,
    /// Download rate, bytes/s, when a previous reading allows one.
    pub rx_bps: Option<f64>,
    /// Upload rate, bytes/s, when a previous reading allows one.
    pub tx_bps: Option<f64>,
    /// Connected WiFi clients on 2.4 GHz, when the router has a network there and says.
    pub clients_2g: Option<f64>,
    /// Connected WiFi clients on 5 GHz, likewise.
    pub clients_5g: Option<f64>,
}

/// Everything sync writes for one fetched device.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceUpdate {
    /// The normalised device.
    pub device: NormalizedDevice,
    /// Whether it is online now.
    pub online: bool,
    /// When it will count as offline unless it informs again (Unix ms).
    pub offline_deadline_ms: Option<i64>,
    /// Its current WAN counters, kept for the next rate.
    pub counters: Option<CounterReading>,
    /// Since when PPP has been failing, if it is.
    pub ppp_failing_since_ms: Option<i64>,
    /// A new sample, when the device informed since the last one.
    pub sample: Option<Sample>,
    /// Log entries to append.
    pub logs: Vec<LogEntry>,
    /// Whether it says anything the store does not know yet. An incremental sync's
    /// overlap window re-fetches devices that did not inform since; those are not
    /// written again.
    pub changed: bool,
}

/// A device that went offline without informing, found by the presence sweep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WentOffline {
    /// GenieACS id.
    pub id: String,
    /// When its deadline passed (Unix ms).
    pub at_ms: i64,
    /// Its last inform.
    pub last_inform_ms: Option<i64>,
}

/// Why a sync failed.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// GenieACS could not be read: unreachable, refused the credentials, answered
    /// something else… (the error says which, never with credentials).
    #[error("GenieACS: {0}")]
    Source(#[from] acsdesk_genieacs::Error),
    /// The local store failed.
    #[error("local store: {0}")]
    Store(#[from] crate::store::StoreError),
}

/// Reads devices from one GenieACS connection, projected and paged.
pub trait DeviceSource {
    /// How many devices informed at or after `since_ms` (all when `None`).
    fn count(&self, since_ms: Option<i64>) -> impl Future<Output = Result<u64, SyncError>> + Send;

    /// One page of device documents sorted by `_id`, projected with
    /// [`crate::normalize::registry::projection`].
    fn page(
        &self,
        since_ms: Option<i64>,
        skip: u64,
        limit: u64,
    ) -> impl Future<Output = Result<Vec<Value>, SyncError>> + Send;

    /// Ids and `_lastInform` (Unix ms) of the devices that informed in
    /// `[from_ms, to_ms)`, sorted by `_id`, in pages: an overlap window listed without
    /// downloading its documents.
    fn informs(
        &self,
        from_ms: i64,
        to_ms: i64,
        skip: u64,
        limit: u64,
    ) -> impl Future<Output = Result<Vec<(String, Option<i64>)>, SyncError>> + Send;

    /// The documents of these devices, projected like [`DeviceSource::page`].
    fn documents(
        &self,
        ids: &[String],
    ) -> impl Future<Output = Result<Vec<Value>, SyncError>> + Send;

    /// Which of these ids GenieACS has. A full sync asks before it marks devices
    /// missing: paging by offset can skip a device when another is deleted mid-sync.
    fn existing(
        &self,
        ids: &[String],
    ) -> impl Future<Output = Result<HashSet<String>, SyncError>> + Send;
}

/// The store as sync sees it, for one ACS connection of one tenant.
pub trait SyncStore {
    /// The saved sync state.
    fn sync_state(&self) -> impl Future<Output = Result<SyncState, SyncError>> + Send;

    /// What is known of these devices (absent ids are new).
    fn known(
        &self,
        ids: &[String],
    ) -> impl Future<Output = Result<HashMap<String, Known>, SyncError>> + Send;

    /// Applies one page atomically: upserts the devices (stamping `cursor.generation`
    /// when full), appends samples and logs, and saves `cursor` as the sync's progress.
    /// `now_ms` is the local clock, for the rows' bookkeeping.
    fn apply_page(
        &self,
        updates: &[DeviceUpdate],
        cursor: &Cursor,
        now_ms: i64,
    ) -> impl Future<Output = Result<(), SyncError>> + Send;

    /// The GenieACS ids of this ACS's present devices not stamped with `generation`:
    /// the candidates for "missing" after a full sync.
    fn unseen(
        &self,
        generation: i64,
    ) -> impl Future<Output = Result<Vec<String>, SyncError>> + Send;

    /// Completes a sync: saves the new state, clears the cursor, and marks missing (and
    /// logs) the devices in `missing`, returning the ids it marked.
    fn finish(
        &self,
        state: &SyncState,
        missing: &[String],
        now_ms: i64,
    ) -> impl Future<Output = Result<Vec<String>, SyncError>> + Send;

    /// Marks offline (and logs) every online device of this ACS whose offline deadline
    /// passed before `now_ms`, returning them.
    fn sweep_presence(
        &self,
        now_ms: i64,
    ) -> impl Future<Output = Result<Vec<WentOffline>, SyncError>> + Send;
}

/// Progress of a running sync, for the UI's events and the CLI's progress bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncProgress {
    /// Full or incremental.
    pub mode: SyncMode,
    /// Devices applied so far.
    pub done: u64,
    /// Devices the query matched when the sync started.
    pub total: u64,
}

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncReport {
    /// Whether it was a full sync.
    pub full: bool,
    /// Device documents fetched.
    pub fetched: u64,
    /// Devices that came online.
    pub came_online: u64,
    /// Devices that went offline (sweep).
    pub went_offline: u64,
    /// Devices newly seen.
    pub discovered: u64,
    /// Devices that disappeared from GenieACS (full sync only).
    pub disappeared: u64,
    /// Of those fetched, devices found in the overlap window with an inform GenieACS
    /// saved after the previous sync had passed it.
    #[serde(default)]
    pub late: u64,
    /// Samples recorded.
    pub samples: u64,
    /// Documents that could not be normalised (skipped, logged in the report).
    pub skipped: Vec<String>,
    /// The new watermark.
    pub watermark_ms: Option<i64>,
}
