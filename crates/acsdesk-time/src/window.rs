//! Weekly windows of local time — a rollout's `01:00-05:00` on Monday to Friday — in an
//! IANA time zone, as spans of Unix milliseconds: whether one is open, when the next one
//! opens, and when a given amount of open time has gone by. Daylight-saving changes are
//! the time zone database's (jiff): a window keeps its local hours across them.

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::Timestamp;

/// Minutes in a day: the latest a window may close (`24:00`).
pub const DAY_MIN: u16 = 1440;

const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const FULL_NAMES: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// The name of this machine's time zone (`Europe/Berlin`), when the system names one.
pub fn system_time_zone() -> Option<String> {
    TimeZone::system().iana_name().map(str::to_owned)
}

/// `HH:MM-HH:MM` as minutes of the day (opening, closing); a closing time before the
/// opening one closes the next day (`22:00-04:00`), `24:00` is midnight at the end.
pub fn parse_hours(text: &str) -> Result<(u16, u16), String> {
    let bad = || format!("{text:?}: write the hours as HH:MM-HH:MM, e.g. 01:00-05:00");
    let (from, to) = text.trim().split_once('-').ok_or_else(bad)?;
    let minute = |t: &str| -> Option<u16> {
        let (h, m) = t.trim().split_once(':')?;
        let (h, m) = (h.parse::<u16>().ok()?, m.parse::<u16>().ok()?);
        (h <= 24 && m < 60 && h * 60 + m <= DAY_MIN).then_some(h * 60 + m)
    };
    let (from, to) = (minute(from).ok_or_else(bad)?, minute(to).ok_or_else(bad)?);
    if from == to || from == DAY_MIN {
        return Err(format!(
            "{text:?}: a window opens and closes at different times (00:00-24:00 is the whole day)"
        ));
    }
    Ok((from, to))
}

/// Days as ISO numbers (1 = Monday … 7 = Sunday) from `mon-fri`, `sat,sun`,
/// `mon,wed-fri`; `every` or `all` is every day (an empty list).
pub fn parse_days(text: &str) -> Result<Vec<u8>, String> {
    let t = text.trim().to_ascii_lowercase();
    if t == "every" || t == "all" || t.is_empty() {
        return Ok(Vec::new());
    }
    let day = |d: &str| -> Result<u8, String> {
        let d = d.trim();
        DAY_NAMES
            .iter()
            .zip(FULL_NAMES)
            .position(|(short, full)| d == *short || d == full)
            .and_then(|i| u8::try_from(i + 1).ok())
            .ok_or_else(|| format!("{d:?} is not a day: use mon, tue, wed, thu, fri, sat, sun"))
    };
    let mut days = Vec::new();
    for part in t.split(',') {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (day(a)?, day(b)?);
                let mut d = a;
                loop {
                    days.push(d);
                    if d == b {
                        break;
                    }
                    d = d % 7 + 1;
                }
            }
            None => days.push(day(part)?),
        }
    }
    days.sort_unstable();
    days.dedup();
    if days.len() == 7 {
        days.clear();
    }
    Ok(days)
}

/// A window for people: `01:00-05:00 Mon-Fri`, `22:00-04:00 every day`.
pub fn describe(from_min: u16, to_min: u16, days: &[u8]) -> String {
    let hm = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
    let name = |d: u8| {
        let n = DAY_NAMES[usize::from(d.clamp(1, 7) - 1)];
        let mut c = n.chars();
        c.next()
            .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
            .unwrap_or_default()
    };
    let days = if days.is_empty() || days.len() == 7 {
        "every day".to_owned()
    } else {
        // Runs of consecutive days as `Mon-Fri`.
        let mut parts: Vec<String> = Vec::new();
        let mut i = 0;
        while i < days.len() {
            let mut j = i;
            while j + 1 < days.len() && days[j + 1] == days[j] + 1 {
                j += 1;
            }
            parts.push(match j - i {
                0 => name(days[i]),
                1 => format!("{},{}", name(days[i]), name(days[j])),
                _ => format!("{}-{}", name(days[i]), name(days[j])),
            });
            i = j + 1;
        }
        parts.join(",")
    };
    format!("{}-{} {days}", hm(from_min), hm(to_min))
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn label_in(ms: i64, tz: &TimeZone) -> String {
    let t = Timestamp::from_millisecond(ms)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .to_zoned_datetime(tz.clone());
    let day = usize::try_from(t.weekday().to_monday_one_offset() - 1).unwrap_or(0);
    let mut name = DAY_NAMES[day.min(6)].chars();
    let first = name.next().map(|c| c.to_ascii_uppercase()).unwrap_or(' ');
    let month = MONTHS[usize::try_from(t.month() - 1).unwrap_or(0).min(11)];
    format!(
        "{first}{} {} {month} {:02}:{:02}",
        name.as_str(),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// `ms` for people in the time zone named (this machine's when none, or when the name
/// is unknown): `Tue 8 Dec 01:00`.
pub fn local_label(ms: i64, time_zone: Option<&str>) -> String {
    let tz = time_zone
        .and_then(|n| TimeZone::get(n).ok())
        .unwrap_or_else(TimeZone::system);
    label_in(ms, &tz)
}

/// A weekly window in a time zone.
#[derive(Debug, Clone)]
pub struct Weekly {
    from: Time,
    /// Minutes it stays open.
    length_min: u16,
    days: Vec<u8>,
    tz: TimeZone,
}

impl Weekly {
    /// The window opening at `from_min`, closing at `to_min` (the next day when earlier),
    /// on `days` (ISO numbers; empty: every day), in the IANA zone `time_zone`.
    pub fn new(from_min: u16, to_min: u16, days: &[u8], time_zone: &str) -> Result<Self, String> {
        if from_min >= DAY_MIN || to_min > DAY_MIN || from_min == to_min {
            return Err(format!("{from_min}-{to_min}: not a window of the day"));
        }
        let tz = TimeZone::get(time_zone).map_err(|e| format!("time zone {time_zone:?}: {e}"))?;
        let from = Time::new(
            i8::try_from(from_min / 60).unwrap_or(0),
            i8::try_from(from_min % 60).unwrap_or(0),
            0,
            0,
        )
        .map_err(|e| e.to_string())?;
        let length_min = if to_min > from_min {
            to_min - from_min
        } else {
            DAY_MIN - from_min + to_min
        };
        Ok(Self {
            from,
            length_min,
            days: days.to_vec(),
            tz,
        })
    }

    fn opens_on(&self, date: Date) -> bool {
        let d = u8::try_from(date.weekday().to_monday_one_offset()).unwrap_or(0);
        self.days.is_empty() || self.days.contains(&d)
    }

    /// The windows (opening, closing) in Unix ms that have not closed by `start_ms`, in
    /// order, without end.
    pub fn spans_from(&self, start_ms: i64) -> impl Iterator<Item = (i64, i64)> + '_ {
        let start = Timestamp::from_millisecond(start_ms).unwrap_or(Timestamp::UNIX_EPOCH);
        // A window that opened yesterday may still be open.
        let first = start
            .to_zoned_datetime(self.tz.clone())
            .date()
            .yesterday()
            .ok();
        std::iter::successors(first, |d| d.tomorrow().ok())
            .filter(|d| self.opens_on(*d))
            .filter_map(move |d| {
                let opens = d.to_datetime(self.from);
                let closes = opens
                    .checked_add(jiff::Span::new().minutes(i64::from(self.length_min)))
                    .ok()?;
                let opens = self.tz.to_timestamp(opens).ok()?.as_millisecond();
                let closes = self.tz.to_timestamp(closes).ok()?.as_millisecond();
                Some((opens, closes))
            })
            .filter(move |(_, closes)| *closes > start_ms)
    }

    /// `ms` for people in the window's time zone: `Tue 8 Dec 01:00`.
    pub fn label(&self, ms: i64) -> String {
        label_in(ms, &self.tz)
    }

    /// Whether the window is open at `ms`.
    pub fn is_open(&self, ms: i64) -> bool {
        self.spans_from(ms)
            .next()
            .is_some_and(|(opens, _)| opens <= ms)
    }

    /// When it is next open: `ms` itself when it is open now.
    pub fn next_open(&self, ms: i64) -> Option<i64> {
        self.spans_from(ms).next().map(|(opens, _)| opens.max(ms))
    }

    /// The instant by which `needed_ms` of open time has gone by, counting from `ms`.
    pub fn after_open_time(&self, ms: i64, needed_ms: i64) -> Option<i64> {
        let mut left = needed_ms.max(0);
        // Ten years of windows at most: an estimate beyond is none.
        for (opens, closes) in self.spans_from(ms).take(3660) {
            let opens = opens.max(ms);
            if closes - opens >= left {
                return Some(opens + left);
            }
            left -= closes - opens;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = 3_600_000;

    fn utc(y: i16, mo: i8, d: i8, h: i8, mi: i8) -> i64 {
        jiff::civil::date(y, mo, d)
            .at(h, mi, 0, 0)
            .to_zoned_datetime(TimeZone::UTC)
            .map(|z| z.timestamp().as_millisecond())
            .unwrap_or_default()
    }

    #[test]
    fn hours_and_days_parse_and_read_back() {
        assert_eq!(parse_hours("01:00-05:00"), Ok((60, 300)));
        assert_eq!(parse_hours("22:30-04:00"), Ok((1350, 240)));
        assert_eq!(parse_hours("00:00-24:00"), Ok((0, 1440)));
        assert!(parse_hours("05:00-05:00").is_err());
        assert!(parse_hours("25:00-05:00").is_err());
        assert!(parse_hours("1-5").is_err());
        assert_eq!(parse_days("mon-fri"), Ok(vec![1, 2, 3, 4, 5]));
        assert_eq!(parse_days("sat,sun"), Ok(vec![6, 7]));
        assert_eq!(parse_days("fri-mon"), Ok(vec![1, 5, 6, 7]));
        assert_eq!(parse_days("Monday,wed-thu"), Ok(vec![1, 3, 4]));
        assert_eq!(parse_days("every"), Ok(vec![]));
        assert_eq!(parse_days("mon-sun"), Ok(vec![]), "all seven is every day");
        assert!(parse_days("funday").is_err());
        assert!(parse_days("mo").is_err());
        assert_eq!(describe(60, 300, &[1, 2, 3, 4, 5]), "01:00-05:00 Mon-Fri");
        assert_eq!(describe(1350, 240, &[]), "22:30-04:00 every day");
        assert_eq!(
            describe(60, 300, &[1, 3, 6, 7]),
            "01:00-05:00 Mon,Wed,Sat,Sun"
        );
    }

    #[test]
    fn a_night_window_opens_and_closes_in_local_time_across_midnight_and_dst() {
        // 22:00-04:00 on Fridays only, Berlin (UTC+1 in winter, +2 in summer).
        let w = Weekly::new(1320, 240, &[5], "Europe/Berlin").expect("window");
        // Friday 2026-12-04 21:30 UTC = 22:30 local: open; it closes Saturday 04:00 local.
        let fri = utc(2026, 12, 4, 21, 30);
        assert!(w.is_open(fri));
        assert!(w.is_open(utc(2026, 12, 5, 2, 59)), "Saturday 03:59 local");
        assert!(!w.is_open(utc(2026, 12, 5, 3, 0)), "Saturday 04:00 local");
        assert!(!w.is_open(utc(2026, 12, 6, 21, 30)), "Sunday evening");
        // Next: the following Friday 22:00 local = 21:00 UTC.
        assert_eq!(
            w.next_open(utc(2026, 12, 5, 3, 0)),
            Some(utc(2026, 12, 11, 21, 0))
        );
        assert_eq!(w.next_open(fri), Some(fri), "open now");
        assert_eq!(w.label(utc(2026, 12, 11, 21, 0)), "Fri 11 Dec 22:00");
        assert_eq!(
            local_label(utc(2026, 12, 11, 21, 0), Some("UTC")),
            "Fri 11 Dec 21:00"
        );
        // In summer the same local hours are an hour earlier in UTC.
        assert_eq!(
            w.next_open(utc(2026, 7, 1, 0, 0)),
            Some(utc(2026, 7, 3, 20, 0))
        );
        // Eight hours of open time from Friday 22:30 local: 5.5 h that night, 2.5 h the
        // next Friday from 22:00.
        assert_eq!(
            w.after_open_time(fri, 8 * H),
            Some(utc(2026, 12, 11, 21, 0) + 5 * H / 2)
        );
        assert!(Weekly::new(60, 300, &[], "Mars/Olympus").is_err());
    }
}
