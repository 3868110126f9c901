//! The firmware library: the images in each ACS connection's GenieACS, and the fleet's
//! spread of versions per model they are measured against.

use serde::{Deserialize, Serialize};

/// A firmware image stored in GenieACS (`/files`, file type `1 Firmware Upgrade Image`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirmwareImage {
    /// Its GenieACS file name (the id routers download it by).
    pub name: String,
    /// The ACS connection whose GenieACS holds it.
    pub acs: String,
    /// The version it installs (its metadata).
    pub version: Option<String>,
    /// The manufacturer OUI it is for.
    pub oui: Option<String>,
    /// The product class it is for.
    pub product_class: Option<String>,
    /// Size in bytes.
    pub size: u64,
    /// When it was uploaded (Unix ms), when GenieACS says.
    pub uploaded_ms: Option<i64>,
}

/// How many routers of a model run one version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionCount {
    /// The version they report (`None`: not reported or not fetched yet).
    pub version: Option<String>,
    /// How many routers.
    pub devices: u64,
    /// Older than the newest image in the library for the model.
    pub behind: bool,
}

/// What file a model's routers take for an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImageKind {
    /// A firmware image file.
    Image,
    /// A MikroTik package list: an XML file naming the `.npk` packages to install (the
    /// router downloads them itself).
    PackageList,
}

impl ImageKind {
    /// For people: which file to upload.
    pub fn describe(self) -> &'static str {
        match self {
            ImageKind::Image => "the vendor's firmware image",
            ImageKind::PackageList => {
                "a package list: an XML file (<upgrade type=\"links\">) whose links name the .npk packages, not the .npk itself"
            }
        }
    }
}

/// One model of the fleet: its versions and the newest image the library has for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelSpread {
    /// The ACS connection its routers belong to.
    pub acs: String,
    /// AcsDesk's vendor name.
    pub vendor: Option<String>,
    /// The model name the routers report.
    pub model: Option<String>,
    /// Manufacturer OUI.
    pub oui: String,
    /// Product class (what an image's metadata must name).
    pub product_class: String,
    /// How many routers.
    pub devices: u64,
    /// Per version, most routers first.
    pub versions: Vec<VersionCount>,
    /// The newest version among the library's images for this model.
    pub latest: Option<String>,
    /// How many routers run an older version than `latest`.
    pub behind: u64,
    /// What file this model takes.
    pub kind: ImageKind,
}

/// Request of `firmware_library`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirmwareLibraryRequest {}

/// The images and the fleet's spread, per ACS connection.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirmwareLibrary {
    /// Every firmware image, newest version first within a model.
    pub images: Vec<FirmwareImage>,
    /// Every model of the fleet, most routers first.
    pub models: Vec<ModelSpread>,
    /// Connections whose GenieACS could not be read now, with why.
    #[serde(default)]
    pub unreachable: Vec<(String, String)>,
}

/// Request of `upload_firmware`: an image already received (`upload`, from
/// `firmware_upload_chunk`) or a file on this machine (`path`, the command line), sent
/// to GenieACS with its metadata.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadFirmwareRequest {
    /// The id of the chunks sent before (the desktop).
    #[serde(default)]
    pub upload: Option<String>,
    /// The name to store it under in GenieACS (routers download it by this name).
    pub name: String,
    /// The version it installs.
    pub version: String,
    /// The product class it is for (prefilled from the fleet when one model matches).
    #[serde(default)]
    pub product_class: Option<String>,
    /// The OUI it is for (prefilled from the fleet when one model matches).
    #[serde(default)]
    pub oui: Option<String>,
    /// The ACS connection to store it in; needed only when there are several.
    #[serde(default)]
    pub acs: Option<String>,
    /// Replace an image of the same name.
    #[serde(default)]
    pub replace: bool,
}

/// What an upload stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadedFirmware {
    /// The image as GenieACS now lists it.
    pub image: FirmwareImage,
    /// How many routers of its model run another version.
    pub routers_behind: u64,
}

/// Request of `firmware_upload_chunk` (the bytes travel as the raw body): the upload
/// id (a new one starts at offset 0) and where the chunk goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadChunk {
    /// Chosen by the window for one file (letters, digits, `-`).
    pub upload: String,
    /// The chunk's offset in the file: the chunks come in order.
    pub offset: u64,
}

/// Request of `delete_firmware`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteFirmwareRequest {
    /// The image's name.
    pub name: String,
    /// Its ACS connection; needed only when there are several.
    #[serde(default)]
    pub acs: Option<String>,
}

/// An upload's progress, as an event: bytes sent to GenieACS of the total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadProgressEvent {
    /// The image's name.
    pub name: String,
    /// Bytes sent so far.
    pub sent: u64,
    /// Bytes in all.
    pub total: u64,
}

/// Where a rollout stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RolloutState {
    /// Queuing its batches.
    Running,
    /// Paused by a person: nothing new is queued.
    Paused,
    /// Stopped by itself: a batch failed beyond the threshold; a person resumes it.
    Halted,
    /// Every router updated, failed or skipped.
    Completed,
    /// Ended by a person; what was queued is withdrawn.
    Cancelled,
}

impl RolloutState {
    /// The word stored and printed.
    pub fn as_str(self) -> &'static str {
        match self {
            RolloutState::Running => "running",
            RolloutState::Paused => "paused",
            RolloutState::Halted => "halted",
            RolloutState::Completed => "completed",
            RolloutState::Cancelled => "cancelled",
        }
    }

    /// The state for a stored word.
    pub fn parse(word: &str) -> Option<Self> {
        [
            RolloutState::Running,
            RolloutState::Paused,
            RolloutState::Halted,
            RolloutState::Completed,
            RolloutState::Cancelled,
        ]
        .into_iter()
        .find(|s| s.as_str() == word)
    }

    /// Whether it has ended.
    pub fn is_final(self) -> bool {
        matches!(self, RolloutState::Completed | RolloutState::Cancelled)
    }
}

/// When a batch counts as failing: more than this many routers, or more than this share.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureThreshold {
    /// More than N routers of a batch failed.
    Count(u32),
    /// More than P percent of a batch failed.
    Percent(f64),
}

impl FailureThreshold {
    /// `3` or `5%`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim();
        let bad = || format!("{text:?}: give a count (3) or a share (5%)");
        match t.strip_suffix('%') {
            Some(p) => p
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|p| (0.0..=100.0).contains(p))
                .map(FailureThreshold::Percent)
                .ok_or_else(bad),
            None => t
                .parse::<u32>()
                .map(FailureThreshold::Count)
                .map_err(|_| bad()),
        }
    }

    /// Whether `failed` of a batch of `size` is beyond it.
    pub fn crossed(self, failed: u64, size: u64) -> bool {
        match self {
            FailureThreshold::Count(n) => failed > u64::from(n),
            FailureThreshold::Percent(p) => (failed as f64) * 100.0 > p * (size as f64),
        }
    }
}

impl std::fmt::Display for FailureThreshold {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FailureThreshold::Count(n) => write!(f, "{n} router(s)"),
            FailureThreshold::Percent(p) => write!(f, "{p}%"),
        }
    }
}

/// What a rollout installs where, and how carefully.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RolloutSpec {
    /// The image (its GenieACS name).
    pub file: String,
    /// Its ACS connection; needed only when there are several.
    #[serde(default)]
    pub acs: Option<String>,
    /// The model (product class) the person means: refused when the image is for
    /// another, before anything is queued (none: the image's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Only routers older than this version (default: older than the image's).
    #[serde(default)]
    pub from_version: Option<String>,
    /// Only routers linked to a subscriber.
    #[serde(default)]
    pub linked_only: bool,
    /// Routers updated first, alone.
    pub canary: u32,
    /// Routers per batch after the canary.
    pub batch: u32,
    /// Minutes between a batch's end and the next one's start.
    pub pause_min: u32,
    /// Routers updating at once.
    pub concurrency: u32,
    /// When a batch halts the rollout.
    pub max_failures: FailureThreshold,
    /// Routers queued per hour at most, besides the concurrency (none: as fast as the
    /// concurrency allows).
    #[serde(default)]
    pub rate_per_hour: Option<u32>,
    /// When updates may start: local hours on some days (what is under way finishes).
    #[serde(default)]
    pub window: Option<RolloutWindow>,
    /// A standing rollout: a provisioning profile's firmware target, which new routers of
    /// the model join as they appear, one at a time (none: a rollout over the routers
    /// behind when it started).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standing: Option<TargetModel>,
}

/// The model a standing rollout keeps at its version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetModel {
    /// Product class.
    pub product_class: String,
    /// Manufacturer OUI, when the image names one.
    #[serde(default)]
    pub oui: Option<String>,
}

/// A per-model target version (an option of the provisioning profile): a router of the
/// model that bootstraps on an older version is brought to the image's, one at a time;
/// the first failure halts it (a firmware alert) until a person resumes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirmwareTarget {
    /// The image in GenieACS that installs the version.
    pub file: String,
    /// Its ACS connection; needed only when there are several.
    #[serde(default)]
    pub acs: Option<String>,
    /// The model, from the image's metadata (filled in when the profile is saved).
    #[serde(default)]
    pub product_class: Option<String>,
    /// Its OUI, likewise.
    #[serde(default)]
    pub oui: Option<String>,
    /// The version, likewise.
    #[serde(default)]
    pub version: Option<String>,
}

/// A weekly window of local time in which a rollout starts updates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RolloutWindow {
    /// Opens at this minute of the day.
    pub from_min: u16,
    /// Closes at this minute (the next day when earlier than `from_min`).
    pub to_min: u16,
    /// ISO days it opens on (1 = Monday … 7 = Sunday); empty: every day.
    #[serde(default)]
    pub days: Vec<u8>,
    /// The IANA time zone its hours are in (the machine's where it was started).
    pub time_zone: String,
}

impl RolloutWindow {
    /// `HH:MM-HH:MM` with days (`mon-fri`; `None`: every day) in `time_zone` (checked
    /// by [`RolloutWindow::weekly`], where the time zone database is: not in the window).
    pub fn parse(hours: &str, days: Option<&str>, time_zone: &str) -> Result<Self, String> {
        let (from_min, to_min) = acsdesk_time::window::parse_hours(hours)?;
        let days = acsdesk_time::window::parse_days(days.unwrap_or("every"))?;
        Ok(Self {
            from_min,
            to_min,
            days,
            time_zone: time_zone.to_owned(),
        })
    }

    /// The window as spans of time; an error for an unknown time zone.
    pub fn weekly(&self) -> Result<acsdesk_time::window::Weekly, String> {
        acsdesk_time::window::Weekly::new(self.from_min, self.to_min, &self.days, &self.time_zone)
    }
}

impl std::fmt::Display for RolloutWindow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({})",
            acsdesk_time::window::describe(self.from_min, self.to_min, &self.days),
            self.time_zone
        )
    }
}

/// A line of a rollout's log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RolloutLogEntry {
    /// When (Unix ms).
    pub at_ms: i64,
    /// `info`, `warning` or `error`.
    pub level: String,
    /// `started`, `batch_started`, `batch_ended`, `router_failed`, `router_skipped`,
    /// `halted`, `window_closed`, `window_open`, `paused`, `resumed`, `cancelled`,
    /// `completed`.
    pub kind: String,
    /// For people.
    pub message: String,
}

/// Request of `rollout_log`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RolloutLogRequest {
    /// The rollout.
    pub id: i64,
}

/// One batch's counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchCounts {
    /// Its number (0 is the canary when there is one).
    pub batch: u32,
    /// Routers in it.
    pub size: u64,
    /// Updated and proven.
    pub done: u64,
    /// Failed (GenieACS's fault, the old version after, timed out).
    pub failed: u64,
    /// Queued or on their way.
    pub running: u64,
    /// Not yet queued.
    pub waiting: u64,
    /// Offline at their turn, or withdrawn.
    pub skipped: u64,
}

/// A router of a rollout that failed or was skipped, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RolloutRouter {
    /// GenieACS id.
    pub device: String,
    /// Serial.
    pub serial: String,
    /// Why.
    pub reason: String,
}

/// A rollout and where it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RolloutInfo {
    /// Its id.
    pub id: i64,
    /// Its ACS connection.
    pub acs: String,
    /// What it does.
    pub spec: RolloutSpec,
    /// The version the image installs.
    pub version: Option<String>,
    /// Where it stands.
    pub state: RolloutState,
    /// Why it halted or ended, for people.
    pub reason: Option<String>,
    /// When it was started (Unix ms).
    pub created_ms: i64,
    /// Per batch.
    pub batches: Vec<BatchCounts>,
    /// The first failures, with their reasons.
    pub failures: Vec<RolloutRouter>,
    /// The routers skipped, with why.
    pub skipped: Vec<RolloutRouter>,
    /// When it should be done, at the pace seen so far (none when halted, paused or
    /// ended, or before anything can be told).
    #[serde(default)]
    pub eta_ms: Option<i64>,
    /// When its window next opens, when it is closed now and work is left.
    #[serde(default)]
    pub window_opens_ms: Option<i64>,
}

impl RolloutInfo {
    /// A batch's name for people: `canary`, `batch 3`.
    pub fn batch_label(&self, b: &BatchCounts) -> String {
        if b.batch == 0 && self.spec.canary > 0 {
            "canary".to_owned()
        } else {
            format!("batch {}", b.batch)
        }
    }

    /// The counts over every batch.
    pub fn totals(&self) -> BatchCounts {
        self.batches
            .iter()
            .fold(BatchCounts::default(), |mut t, b| {
                t.size += b.size;
                t.done += b.done;
                t.failed += b.failed;
                t.running += b.running;
                t.waiting += b.waiting;
                t.skipped += b.skipped;
                t
            })
    }
}

/// Request of `list_rollouts`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListRolloutsRequest {}

/// What a person does to a rollout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RolloutOp {
    /// Nothing new is queued.
    Pause,
    /// Goes on from where it stopped (a halt's failures accepted).
    Resume,
    /// Routers not yet updated are skipped, queued updates withdrawn.
    Cancel,
}

/// Request of `control_rollout`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControlRolloutRequest {
    /// The rollout.
    pub id: i64,
    /// What to do.
    pub op: RolloutOp,
}
