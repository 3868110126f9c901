//! Files the desktop's *Export* buttons write (CSV, a chart's SVG or PNG): a new one each
//! time, named with the time, readable by its owner only; and the CSV of log entries, of
//! the device list and of the actions the desktop's exports and `acsdesk logs --csv` /
//! `devices --csv` / `actions --csv` share.

use acsdesk_types::actions::ActionInfo;
use acsdesk_types::devices::{DeviceRow, LogInfo};
use acsdesk_types::{ErrorCode, IpcError, LogGroup};
use std::path::{Path, PathBuf};

/// Writes `bytes` to a new file `acsdesk-<stem>-<time>.<ext>` in `dir` (`-2`, `-3`… when
/// one of that name exists: never overwrites an earlier export).
pub(crate) fn write_new(
    dir: &Path,
    (stem, ext): (&str, &str),
    now_ms: i64,
    bytes: &[u8],
) -> Result<PathBuf, IpcError> {
    let stamp: String = acsdesk_time::iso(now_ms)
        .chars()
        .take(19)
        .map(|c| if c == ':' || c == 'T' { '-' } else { c })
        .collect();
    let path = (1..)
        .map(|n| match n {
            1 => dir.join(format!("acsdesk-{stem}-{stamp}.{ext}")),
            n => dir.join(format!("acsdesk-{stem}-{stamp}-{n}.{ext}")),
        })
        .find(|p| !p.exists())
        .unwrap_or_else(|| dir.join(format!("acsdesk-{stem}.{ext}")));
    acsdesk_core::paths::write_private(&path, bytes).map_err(|e| {
        // No half-written export is left behind to be taken for a whole one.
        let _ = std::fs::remove_file(&path);
        write_error(&path, &e)
    })?;
    Ok(path)
}

/// Why an export could not be written, for people: a full disk says so and what to do.
fn write_error(path: &Path, e: &std::io::Error) -> IpcError {
    if e.kind() == std::io::ErrorKind::StorageFull {
        return IpcError::new(
            ErrorCode::Internal,
            format!(
                "cannot write {}: the disk is full — nothing was written; free some space and export again",
                path.display()
            ),
        );
    }
    IpcError::new(
        ErrorCode::Internal,
        format!("cannot write {}: {e}", path.display()),
    )
}

/// Log entries as CSV: time (ISO-8601, UTC), serial, level, group, kind, message, payload.
pub fn logs_csv(entries: &[LogInfo]) -> Result<Vec<u8>, IpcError> {
    let internal = |e: csv::Error| IpcError::new(ErrorCode::Internal, e.to_string());
    let mut csv = csv::Writer::from_writer(Vec::new());
    csv.write_record([
        "time", "serial", "level", "group", "kind", "message", "payload",
    ])
    .map_err(internal)?;
    for l in entries {
        csv.write_record([
            acsdesk_time::iso(l.at_ms).as_str(),
            &l.serial,
            l.level.as_str(),
            LogGroup::of(&l.kind).as_str(),
            &l.kind,
            &l.message,
            l.payload.as_deref().unwrap_or(""),
        ])
        .map_err(internal)?;
    }
    csv.into_inner()
        .map_err(|e| IpcError::new(ErrorCode::Internal, e.to_string()))
}

/// The columns of [`actions_csv`], in order.
pub const ACTION_COLUMNS: [&str; 12] = [
    "id",
    "device",
    "acs",
    "action",
    "description",
    "status",
    "attempts",
    "requested_by",
    "created",
    "finished",
    "fault_code",
    "fault",
];

/// Actions as CSV, one a row, times in ISO-8601 (UTC). What an action set is told by its
/// description, written for people: never a password.
pub fn actions_csv(actions: &[ActionInfo]) -> Result<Vec<u8>, IpcError> {
    let internal = |e: csv::Error| IpcError::new(ErrorCode::Internal, e.to_string());
    let mut csv = csv::Writer::from_writer(Vec::new());
    csv.write_record(ACTION_COLUMNS).map_err(internal)?;
    for a in actions {
        csv.write_record([
            a.id.to_string().as_str(),
            &a.device,
            &a.acs,
            &a.action,
            &a.description,
            a.status.as_str(),
            a.attempts.to_string().as_str(),
            &a.requested_by,
            acsdesk_time::iso(a.created_ms).as_str(),
            a.finished_ms
                .map(acsdesk_time::iso)
                .unwrap_or_default()
                .as_str(),
            a.fault_code.as_deref().unwrap_or(""),
            a.fault.as_deref().unwrap_or(""),
        ])
        .map_err(internal)?;
    }
    csv.into_inner()
        .map_err(|e| IpcError::new(ErrorCode::Internal, e.to_string()))
}

/// The device list as CSV, a row at a time (a fleet of any size is never held): the
/// list's columns with values as kept — seconds, dBm, ISO-8601 times (UTC) — and, in
/// `not_fetched`, what GenieACS has yet to read (`;`-separated).
#[derive(Debug)]
pub struct DevicesCsv<W: std::io::Write> {
    csv: csv::Writer<W>,
}

impl<W: std::io::Write> DevicesCsv<W> {
    /// Its header, in order.
    pub const COLUMNS: [&'static str; 13] = [
        "id",
        "acs",
        "status",
        "vendor",
        "model",
        "serial",
        "subscriber",
        "wan_ip",
        "uptime_s",
        "signal_dbm",
        "firmware",
        "last_inform",
        "not_fetched",
    ];

    /// Starts the file with its header. (Errors are the writer's own: a closed pipe
    /// stays one.)
    pub fn new(out: W) -> std::io::Result<Self> {
        let mut csv = csv::Writer::from_writer(out);
        csv.write_record(Self::COLUMNS)?;
        Ok(Self { csv })
    }

    /// One device.
    pub fn row(&mut self, r: &DeviceRow) -> std::io::Result<()> {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        self.csv
            .write_record([
                r.id.clone(),
                r.acs.clone(),
                if r.online { "online" } else { "offline" }.to_owned(),
                text(&r.vendor),
                text(&r.model),
                r.serial.clone(),
                text(&r.subscriber),
                text(&r.wan_ip),
                r.uptime_s.map(|u| u.to_string()).unwrap_or_default(),
                r.signal_dbm.map(|s| s.to_string()).unwrap_or_default(),
                text(&r.firmware),
                r.last_inform_ms.map(acsdesk_time::iso).unwrap_or_default(),
                r.not_fetched.join(";"),
            ])
            .map_err(Into::into)
    }

    /// Ends the file; gives back what it was written to.
    pub fn finish(self) -> std::io::Result<W> {
        self.csv.into_inner().map_err(|e| e.into_error())
    }
}

#[cfg(test)]
mod tests {
    /// A full disk (Linux's `/dev/full` answers every write so) is said in words.
    #[test]
    fn a_full_disk_is_said_in_words() {
        let full = std::path::Path::new("/dev/full");
        let e = acsdesk_core::paths::write_private(full, b"id,device\n").unwrap_err();
        let said = super::write_error(full, &e).message;
        assert!(
            said.contains("/dev/full: the disk is full") && said.contains("export again"),
            "{said}"
        );
    }
}
