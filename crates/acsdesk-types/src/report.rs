//! The fleet overview (PRODUCT §4.10): how much of the fleet is online, its models and
//! the spread of their firmware, the alerts raised day by day and the actions' outcomes
//! over a period — for the desktop's Report page and `acsdesk report`.

use crate::{ActionStatus, AlertKind};
use serde::{Deserialize, Serialize};

/// Days a report may look back.
pub const MAX_REPORT_DAYS: u32 = 90;

/// Request of `fleet_report`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetReportRequest {
    /// How many local days the trends cover, today included (1 to 90; default 14).
    pub days: u32,
}

impl Default for FleetReportRequest {
    fn default() -> Self {
        Self { days: 14 }
    }
}

/// The fleet overview.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FleetReport {
    /// When it was made (Unix ms).
    pub generated_ms: i64,
    /// The time zone its days are in.
    pub time_zone: String,
    /// Routers (those GenieACS still has).
    pub total: u64,
    /// Of which online.
    pub online: u64,
    /// Per model, most routers first.
    pub models: Vec<ModelShare>,
    /// Alerts raised per local day, oldest first (every day of the period, zeros too).
    pub alert_days: Vec<DayCount>,
    /// Alerts raised in the period per kind, most first.
    pub alert_kinds: Vec<(AlertKind, u64)>,
    /// Alerts open or acknowledged now.
    pub open_alerts: u64,
    /// Actions asked for in the period, per status.
    pub actions: Vec<(ActionStatus, u64)>,
}

impl FleetReport {
    /// The share of routers online, in percent (`None` with no router).
    pub fn online_pct(&self) -> Option<f64> {
        (self.total > 0).then(|| self.online as f64 * 100.0 / self.total as f64)
    }

    /// Alerts raised over the whole period.
    pub fn alerts_raised(&self) -> u64 {
        self.alert_days.iter().map(|d| d.count).sum()
    }
}

/// One model of the fleet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelShare {
    /// Its manufacturer (empty when GenieACS has not read it).
    pub vendor: String,
    /// Its model name (the product class when the model is unknown).
    pub model: String,
    /// Routers of the model.
    pub total: u64,
    /// Of which online.
    pub online: u64,
    /// Its firmware versions and their routers, most first (`""`: not read yet).
    pub firmwares: Vec<(String, u64)>,
}

/// A count on one local day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCount {
    /// The date, `YYYY-MM-DD`.
    pub date: String,
    /// How many.
    pub count: u64,
}

/// A percentage for people: `81.5 %`, `100 %`, `0 %`.
pub fn percent(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0} %")
    } else {
        format!("{rounded:.1} %")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_and_sums_are_read_from_the_counts() {
        let r = FleetReport {
            total: 200,
            online: 163,
            alert_days: vec![
                DayCount {
                    date: "2026-12-06".into(),
                    count: 3,
                },
                DayCount {
                    date: "2026-12-07".into(),
                    count: 4,
                },
            ],
            ..FleetReport::default()
        };
        assert_eq!(r.online_pct().map(percent).as_deref(), Some("81.5 %"));
        assert_eq!(r.alerts_raised(), 7);
        assert_eq!(FleetReport::default().online_pct(), None);
        assert_eq!(percent(100.0), "100 %");
        assert_eq!(percent(0.04), "0 %");
        assert_eq!(percent(66.666), "66.7 %");
    }
}
