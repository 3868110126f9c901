//! Files the desktop's *Export CSV* buttons write: a new one each time, named with the
//! time, readable by its owner only; and the CSV of log entries the desktop's export and
//! `acsdesk logs --csv` share.

use acsdesk_types::devices::LogInfo;
use acsdesk_types::{ErrorCode, IpcError, LogGroup};
use std::path::{Path, PathBuf};

/// Writes `bytes` to a new file `acsdesk-<stem>-<time>.csv` in `dir` (`-2`, `-3`… when
/// one of that name exists: never overwrites an earlier export).
pub(crate) fn write_new(
    dir: &Path,
    stem: &str,
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
            1 => dir.join(format!("acsdesk-{stem}-{stamp}.csv")),
            n => dir.join(format!("acsdesk-{stem}-{stamp}-{n}.csv")),
        })
        .find(|p| !p.exists())
        .unwrap_or_else(|| dir.join(format!("acsdesk-{stem}.csv")));
    acsdesk_core::paths::write_private(&path, bytes).map_err(|e| {
        IpcError::new(
            ErrorCode::Internal,
            format!("cannot write {}: {e}", path.display()),
        )
    })?;
    Ok(path)
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
