//! `acsdesk report`: the fleet overview, as text for people or JSON for scripts.

use super::{app_err, Ctx};
use crate::cli::ReportArgs;
use acsdesk_types::report::{percent, FleetReport, FleetReportRequest};
use std::fmt::Write;

pub(crate) async fn run(ctx: &Ctx, a: &ReportArgs) -> anyhow::Result<()> {
    let report = ctx
        .services()
        .await?
        .fleet_report(FleetReportRequest { days: a.days })
        .await
        .map_err(app_err)?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", text(&report));
    }
    Ok(())
}

/// The overview in words, one section after the other.
fn text(r: &FleetReport) -> String {
    let mut out = String::new();
    let share = r.online_pct().map(percent).unwrap_or_else(|| "-".into());
    let _ = writeln!(
        out,
        "Fleet: {} routers, {} online ({share}), {} open alerts",
        r.total, r.online, r.open_alerts
    );
    if !r.models.is_empty() {
        let _ = writeln!(out, "\nModels (routers, online, firmware versions)");
        let width = r
            .models
            .iter()
            .map(|m| name(&m.vendor, &m.model).chars().count())
            .max()
            .unwrap_or(0);
        for m in &r.models {
            let versions: Vec<String> = m
                .firmwares
                .iter()
                .map(|(v, n)| {
                    let v = if v.is_empty() { "not read" } else { v };
                    format!("{v} ×{n}")
                })
                .collect();
            let _ = writeln!(
                out,
                "  {:<width$}  {:>6}  {:>6} online  {}",
                name(&m.vendor, &m.model),
                m.total,
                m.online,
                versions.join(", ")
            );
        }
    }
    let days = r.alert_days.len();
    let _ = writeln!(
        out,
        "\nAlerts raised, last {days} days ({}): {}",
        r.time_zone,
        r.alerts_raised()
    );
    let most = r.alert_days.iter().map(|d| d.count).max().unwrap_or(0);
    for d in &r.alert_days {
        // A bar of up to 40 marks, scaled to the busiest day.
        let bar = (d.count * 40)
            .checked_div(most)
            .map_or(0, |n| usize::try_from(n).unwrap_or(40));
        let line = format!("  {}  {:>5}  {}", d.date, d.count, "▇".repeat(bar));
        let _ = writeln!(out, "{}", line.trim_end());
    }
    if !r.alert_kinds.is_empty() {
        let kinds: Vec<String> = r
            .alert_kinds
            .iter()
            .map(|(k, n)| format!("{} {n}", k.label()))
            .collect();
        let _ = writeln!(out, "  by kind: {}", kinds.join(", "));
    }
    let actions: Vec<String> = r.actions.iter().map(|(s, n)| format!("{s} {n}")).collect();
    let _ = writeln!(
        out,
        "\nActions asked for, last {days} days: {}",
        if actions.is_empty() {
            "none".to_owned()
        } else {
            actions.join(", ")
        }
    );
    out
}

fn name(vendor: &str, model: &str) -> String {
    if vendor.is_empty() {
        model.to_owned()
    } else {
        format!("{vendor} {model}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use acsdesk_types::report::{DayCount, ModelShare};
    use acsdesk_types::{ActionStatus, AlertKind};

    #[test]
    fn the_overview_reads_as_sections_with_bars_scaled_to_the_busiest_day() {
        let r = FleetReport {
            time_zone: "Europe/Berlin".into(),
            total: 3,
            online: 2,
            open_alerts: 1,
            models: vec![ModelShare {
                vendor: "MikroTik".into(),
                model: "hAP ac2".into(),
                total: 3,
                online: 2,
                firmwares: vec![("7.16".into(), 2), ("".into(), 1)],
            }],
            alert_days: vec![
                DayCount {
                    date: "2026-12-06".into(),
                    count: 4,
                },
                DayCount {
                    date: "2026-12-07".into(),
                    count: 1,
                },
            ],
            alert_kinds: vec![(AlertKind::DeviceOffline, 5)],
            actions: vec![(ActionStatus::Completed, 7)],
            ..FleetReport::default()
        };
        let t = text(&r);
        assert!(
            t.starts_with("Fleet: 3 routers, 2 online (66.7 %), 1 open alerts"),
            "{t}"
        );
        assert!(
            t.contains("MikroTik hAP ac2       3       2 online  7.16 ×2, not read ×1"),
            "{t}"
        );
        assert!(
            t.contains(&format!("2026-12-06      4  {}", "▇".repeat(40))),
            "{t}"
        );
        assert!(
            t.contains(&format!("2026-12-07      1  {}\n", "▇".repeat(10))),
            "{t}"
        );
        assert!(t.contains("by kind: Device offline 5"), "{t}");
        assert!(
            t.contains("Actions asked for, last 2 days: completed 7"),
            "{t}"
        );
        let empty = text(&FleetReport::default());
        assert!(
            empty.contains("0 routers, 0 online (-)") && empty.contains(": none"),
            "{empty}"
        );
    }
}
