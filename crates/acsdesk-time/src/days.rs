//! Calendar days of local time as spans of Unix milliseconds — the buckets of a trend
//! ("alerts raised per day"). A day is midnight to midnight in its time zone, so one
//! with a daylight-saving change lasts 23 or 25 hours (jiff's time zone database).

use jiff::tz::TimeZone;
use jiff::Timestamp;

/// One local day: its date (`2026-12-07`) and its span `[start_ms, end_ms)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Day {
    /// The date, `YYYY-MM-DD`.
    pub date: String,
    /// Its first millisecond.
    pub start_ms: i64,
    /// The first millisecond of the next day.
    pub end_ms: i64,
}

/// The `count` days up to and including the one `now_ms` falls in, oldest first, in the
/// time zone named (this machine's when none, or when the name is unknown).
pub fn last_days(now_ms: i64, count: u32, time_zone: Option<&str>) -> Vec<Day> {
    let tz = time_zone
        .and_then(|n| TimeZone::get(n).ok())
        .unwrap_or_else(TimeZone::system);
    let today = Timestamp::from_millisecond(now_ms)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .to_zoned_datetime(tz.clone())
        .date();
    let start_of = |d: jiff::civil::Date| -> Option<i64> {
        d.to_zoned_datetime(tz.clone())
            .and_then(|z| z.start_of_day())
            .ok()
            .map(|z| z.timestamp().as_millisecond())
    };
    let mut days = Vec::new();
    let mut date = Some(today);
    for _ in 0..count {
        let Some(d) = date else { break };
        if let (Some(start_ms), Some(end_ms)) = (start_of(d), d.tomorrow().ok().and_then(start_of))
        {
            days.push(Day {
                date: d.to_string(),
                start_ms,
                end_ms,
            });
        }
        date = d.yesterday().ok();
    }
    days.reverse();
    days
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_local_midnights_oldest_first_and_follow_daylight_saving() {
        // 2026-03-30T10:00Z: Monday in Berlin, the day after clocks went forward.
        let now = 1_774_864_800_000;
        let days = last_days(now, 3, Some("Europe/Berlin"));
        let dates: Vec<&str> = days.iter().map(|d| d.date.as_str()).collect();
        assert_eq!(dates, ["2026-03-28", "2026-03-29", "2026-03-30"]);
        let hours: Vec<i64> = days
            .iter()
            .map(|d| (d.end_ms - d.start_ms) / 3_600_000)
            .collect();
        assert_eq!(hours, [24, 23, 24], "the change day is 23 hours long");
        assert!(days.windows(2).all(|w| w[0].end_ms == w[1].start_ms));
        assert!(days[2].start_ms <= now && now < days[2].end_ms);
        // Midnight in Berlin (CEST, +2) is 22:00 UTC the day before.
        assert_eq!(days[2].start_ms, 1_774_821_600_000);
        let utc = last_days(now, 1, Some("UTC"));
        assert_eq!(utc[0].start_ms, 1_774_828_800_000);
        assert!(last_days(now, 0, None).is_empty());
    }
}
