//! The one place where AcsDesk formats and parses time: GenieACS's ISO-8601 instants
//! (`2026-11-23T21:06:38.272Z`, UTC with milliseconds) as Unix milliseconds, times of
//! day, spans written for people (`3d 4h`, `5 min ago`), weekly windows of local time
//! (`window`) and local calendar days (`days`). Built on the `time` crate, and jiff's
//! time zones; builds for wasm32.
//!
//! Nothing here reads a clock: callers pass `now`.

pub mod days;
pub mod window;

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Unix milliseconds as GenieACS writes instants (`_lastInform`, `_timestamp`, task and
/// fault timestamps) and compares them in queries: ISO-8601, UTC, three fraction digits,
/// `Z`. Instants outside the years −9999…9999 (which `time` cannot represent) are
/// clamped to the nearest one it can.
pub fn iso(ms: i64) -> String {
    let t = instant(ms);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// An RFC 3339 / ISO-8601 instant with an offset (as GenieACS writes them, or as a
/// router reports a `dateTime`) in Unix milliseconds; `None` for anything else.
pub fn parse_iso(text: &str) -> Option<i64> {
    let t = OffsetDateTime::parse(text, &Rfc3339).ok()?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
}

/// `ms` as an instant, clamped to what `time` can represent.
fn instant(ms: i64) -> OffsetDateTime {
    let min = time::PrimitiveDateTime::MIN.assume_utc();
    let max = time::PrimitiveDateTime::MAX.assume_utc();
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).unwrap_or(if ms < 0 {
        min
    } else {
        max
    })
}

/// The time of day `HH:MM` of `ms` at a UTC offset in seconds (an offset out of range
/// counts as UTC).
pub fn clock_time(ms: i64, utc_offset_s: i32) -> String {
    let t = at_offset(ms, utc_offset_s);
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// The day `MM-DD` of `ms` at a UTC offset in seconds.
pub fn month_day(ms: i64, utc_offset_s: i32) -> String {
    let t = at_offset(ms, utc_offset_s);
    format!("{:02}-{:02}", u8::from(t.month()), t.day())
}

fn at_offset(ms: i64, utc_offset_s: i32) -> OffsetDateTime {
    let offset = time::UtcOffset::from_whole_seconds(utc_offset_s).unwrap_or(time::UtcOffset::UTC);
    instant(ms)
        .checked_to_offset(offset)
        .unwrap_or_else(|| instant(ms))
}

/// An uptime (or any span) for people: `3d 4h`, `5h 12m`, `2m`, `42s`.
pub fn format_uptime(seconds: u64) -> String {
    let (d, h, m) = (seconds / 86_400, seconds / 3600 % 24, seconds / 60 % 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{seconds}s"),
        (0, 0, m) => format!("{m}m"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, h, _) => format!("{d}d {h}h"),
    }
}

/// How long ago `then_ms` was at `now_ms`: `just now`, `5 min ago`, `3 h ago`, `2 d ago`.
/// An instant ahead of now (a clock ahead of ours) is `just now`.
pub fn format_ago(then_ms: i64, now_ms: i64) -> String {
    let s = now_ms.saturating_sub(then_ms).max(0) / 1000;
    match s {
        0..=59 => "just now".to_owned(),
        60..=3599 => format!("{} min ago", s / 60),
        3600..=86_399 => format!("{} h ago", s / 3600),
        _ => format!("{} d ago", s / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_are_written_as_genieacs_writes_them() {
        assert_eq!(iso(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(iso(-1), "1969-12-31T23:59:59.999Z");
        assert_eq!(iso(1_795_468_198_272), "2026-11-23T21:09:58.272Z");
        // Out of range clamps instead of printing nothing.
        assert!(iso(i64::MAX).starts_with("9999-12-31T23:59:59"));
        assert!(iso(i64::MIN).starts_with("-9999-01-01T00:00:00"));
    }

    #[test]
    fn instants_round_trip_and_offsets_are_honoured() {
        for ms in [0, 1, 951_782_400_000, 1_795_468_198_272, -1] {
            assert_eq!(parse_iso(&iso(ms)), Some(ms), "{ms}");
        }
        assert_eq!(
            parse_iso("2026-11-23T22:09:58.272+01:00"),
            Some(1_795_468_198_272)
        );
        assert_eq!(parse_iso("2026-11-23 21:09:58"), None);
        assert_eq!(parse_iso(""), None);
        assert_eq!(parse_iso("not a date"), None);
    }

    #[test]
    fn times_of_day_follow_the_offset() {
        let ms = 1_795_468_198_272; // 21:09:58 UTC on 23 November
        assert_eq!(clock_time(ms, 0), "21:09");
        assert_eq!(clock_time(ms, 3 * 3600), "00:09");
        assert_eq!(month_day(ms, 3 * 3600), "11-24");
        assert_eq!(clock_time(ms, -5 * 3600 - 1800), "15:39");
        assert_eq!(
            clock_time(ms, 1_000_000),
            "21:09",
            "an impossible offset is UTC"
        );
    }

    #[test]
    fn uptime_and_ago_read_naturally() {
        assert_eq!(format_uptime(42), "42s");
        assert_eq!(format_uptime(125), "2m");
        assert_eq!(format_uptime(5 * 3600 + 12 * 60), "5h 12m");
        assert_eq!(format_uptime(3 * 86_400 + 4 * 3600 + 59), "3d 4h");
        assert_eq!(format_ago(0, 30_000), "just now");
        assert_eq!(format_ago(0, 5 * 60_000), "5 min ago");
        assert_eq!(format_ago(0, 3 * 3_600_000), "3 h ago");
        assert_eq!(format_ago(0, 2 * 86_400_000), "2 d ago");
        assert_eq!(format_ago(10, 0), "just now", "clock skew is not negative");
        assert_eq!(format_ago(i64::MIN, i64::MAX), format_ago(0, i64::MAX));
    }
}
