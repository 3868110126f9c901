//! The fleet overview (PRODUCT §4.10) from the store's counts: online share, models with
//! their firmware spread, alerts raised per local day and per kind, actions per status
//! over the period — for the desktop's Report page and `acsdesk report`.

use crate::Services;
use acsdesk_types::report::{
    DayCount, FleetReport, FleetReportRequest, ModelShare, MAX_REPORT_DAYS,
};
use acsdesk_types::{ActionStatus, AlertKind, ErrorCode, IpcError};
use std::collections::BTreeMap;

impl Services {
    /// The fleet overview over the last `request.days` local days (this machine's time
    /// zone), today included.
    pub async fn fleet_report(&self, request: FleetReportRequest) -> Result<FleetReport, IpcError> {
        if !(1..=MAX_REPORT_DAYS).contains(&request.days) {
            return Err(IpcError::new(
                ErrorCode::Invalid,
                format!(
                    "days: a report covers 1 to {MAX_REPORT_DAYS} days, not {}",
                    request.days
                ),
            ));
        }
        let now = self.now();
        let time_zone = acsdesk_time::window::system_time_zone();
        let days = acsdesk_time::days::last_days(now, request.days, time_zone.as_deref());
        let since = days.first().map_or(now, |d| d.start_ms);
        let tenant = &self.tenant;
        let spans: Vec<(i64, i64)> = days.iter().map(|d| (d.start_ms, d.end_ms)).collect();
        let raised = tenant.alerts_raised_in(&spans).await?;
        let rows = tenant.fleet_by_model_and_firmware().await?;
        let (total, online) = rows
            .iter()
            .fold((0, 0), |(t, o), r| (t + r.total, o + r.online));
        Ok(FleetReport {
            generated_ms: now,
            time_zone: time_zone.unwrap_or_else(|| "local time".into()),
            total,
            online,
            models: models(rows),
            alert_days: days
                .into_iter()
                .zip(raised)
                .map(|(d, count)| DayCount {
                    date: d.date,
                    count,
                })
                .collect(),
            alert_kinds: tenant
                .alert_kinds_since(since)
                .await?
                .into_iter()
                .filter_map(|(k, n)| AlertKind::parse(&k).map(|k| (k, n)))
                .collect(),
            open_alerts: tenant.open_alert_count().await?,
            actions: tenant
                .actions_by_status_since(since)
                .await?
                .into_iter()
                .filter_map(|(s, n)| ActionStatus::parse(&s).map(|s| (s, n)))
                .collect(),
        })
    }
}

/// The store's counts as models, most routers first, each with its versions most common
/// first. A model is a vendor's product class, named by the model name its routers
/// report most (a router GenieACS has only met through informs has no name yet: it
/// counts with its siblings, not as a model of its own).
fn models(rows: Vec<acsdesk_core::store::report::ModelFirmware>) -> Vec<ModelShare> {
    struct Model {
        share: ModelShare,
        names: BTreeMap<String, u64>,
        versions: BTreeMap<String, u64>,
    }
    let mut by_class: BTreeMap<(String, String), Model> = BTreeMap::new();
    for r in rows {
        let vendor = r.vendor.unwrap_or_default();
        let m = by_class
            .entry((vendor.clone(), r.product_class.clone()))
            .or_insert_with(|| Model {
                share: ModelShare {
                    vendor,
                    model: r.product_class,
                    ..ModelShare::default()
                },
                names: BTreeMap::new(),
                versions: BTreeMap::new(),
            });
        m.share.total += r.total;
        m.share.online += r.online;
        if let Some(name) = r.model {
            *m.names.entry(name).or_default() += r.total;
        }
        *m.versions
            .entry(r.firmware.unwrap_or_default())
            .or_default() += r.total;
    }
    let mut models: Vec<ModelShare> = by_class
        .into_values()
        .map(|m| {
            let mut share = m.share;
            // The name most of its routers report (the first in order on a tie).
            if let Some((name, _)) = m
                .names
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
            {
                share.model = name;
            }
            share.firmwares = m.versions.into_iter().collect();
            share
                .firmwares
                .sort_by(|a, b| b.1.cmp(&a.1).then_with(|| b.0.cmp(&a.0)));
            share
        })
        .collect();
    models.sort_by(|a, b| {
        b.total
            .cmp(&a.total)
            .then_with(|| (&a.vendor, &a.model).cmp(&(&b.vendor, &b.model)))
    });
    models
}

#[cfg(test)]
mod tests {
    use crate::bulk::tests::synced_desk;
    use acsdesk_core::alerts::reconcile::Change;
    use acsdesk_core::alerts::{AlertKey, AlertKind, Problem, Severity, Subject};
    use acsdesk_types::devices::{DeviceFilter, ListDevicesRequest, Presence};
    use acsdesk_types::report::FleetReportRequest;
    use acsdesk_types::{ActionStatus, ErrorCode};

    /// Routers GenieACS has only met through informs (no model name yet) count with
    /// their product class's siblings, named as most of them report; versions most
    /// common first, not read ones as "".
    #[test]
    fn a_model_is_a_product_class_named_by_its_routers() {
        use acsdesk_core::store::report::ModelFirmware;
        let row = |class: &str, model: Option<&str>, firmware: Option<&str>, total| ModelFirmware {
            vendor: Some("TP-Link".into()),
            product_class: class.into(),
            model: model.map(Into::into),
            firmware: firmware.map(Into::into),
            total,
            online: total / 2,
        };
        let models = super::models(vec![
            row("ArcherC6", Some("Archer C6"), Some("1.3.6"), 10),
            row("ArcherC6", None, Some("1.3.6"), 2),
            row("ArcherC6", Some("Archer C6"), Some("1.3.7"), 4),
            row("ArcherC6", Some("Archer C6 v2"), None, 1),
            row("EC220-G5", None, Some("2.0"), 20),
        ]);
        let names: Vec<(&str, u64, u64)> = models
            .iter()
            .map(|m| (m.model.as_str(), m.total, m.online))
            .collect();
        assert_eq!(names, [("EC220-G5", 20, 10), ("Archer C6", 17, 5 + 1 + 2)]);
        assert_eq!(
            models[1].firmwares,
            [("1.3.6".into(), 12), ("1.3.7".into(), 4), ("".into(), 1)]
        );
    }

    /// The overview counts what the device list counts, its models add up to the fleet
    /// and their versions to each model; the alerts of the period are counted per kind
    /// (the load rules are off, so only this test raises high CPU or memory), one before
    /// the period left out; a period out of range is refused.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_fleet_report_adds_up() {
        let dir = tempfile::tempdir().unwrap();
        let (desk, _sandbox) = synced_desk(dir.path(), 40).await;
        let services = desk.services().await.unwrap();
        let tenant = desk.tenant().await.unwrap();
        let now = services.now();
        let raise = |kind, device: &str, since_ms| {
            Change::Raise(Problem {
                key: AlertKey {
                    kind,
                    subject: Subject::Device(device.into()),
                },
                severity: Severity::Warning,
                since_ms,
                message: format!("{device} test"),
            })
        };
        let day = 86_400_000;
        tenant
            .apply_alert_changes(
                &[
                    raise(AlertKind::HighCpu, "A", now),
                    raise(AlertKind::HighCpu, "B", now - 2 * day),
                    raise(AlertKind::HighMemory, "C", now - day),
                    raise(AlertKind::HighMemory, "D", now - 30 * day),
                ],
                now,
            )
            .await
            .unwrap();
        let report = services
            .fleet_report(FleetReportRequest { days: 7 })
            .await
            .unwrap();
        let online = services
            .list_devices(ListDevicesRequest {
                filter: DeviceFilter {
                    presence: Some(Presence::Online),
                    ..DeviceFilter::default()
                },
                limit: 1,
                ..ListDevicesRequest::default()
            })
            .await
            .unwrap();
        assert_eq!(report.total, 40);
        // The demo's routers come and go: the list is read just after the report.
        assert!(
            report.online.abs_diff(online.total) <= 2,
            "{} {}",
            report.online,
            online.total
        );
        assert_eq!(report.models.iter().map(|m| m.total).sum::<u64>(), 40);
        assert!(report.models.len() >= 3, "{:?}", report.models);
        for m in &report.models {
            assert_eq!(
                m.firmwares.iter().map(|f| f.1).sum::<u64>(),
                m.total,
                "{m:?}"
            );
            assert!(m.online <= m.total && !m.model.is_empty(), "{m:?}");
        }
        assert!(report.models.windows(2).all(|w| w[0].total >= w[1].total));
        let of = |kind| {
            report
                .alert_kinds
                .iter()
                .find(|(k, _)| *k == kind)
                .map(|(_, n)| *n)
        };
        assert_eq!(
            (of(AlertKind::HighCpu), of(AlertKind::HighMemory)),
            (Some(2), Some(1)),
            "{:?}",
            report.alert_kinds
        );
        assert!(report.alerts_raised() >= 3, "{:?}", report.alert_days);
        assert!(report.open_alerts >= 4, "the older one is still open");
        assert_eq!(report.alert_days.len(), 7);
        assert!(report.alert_days.windows(2).all(|w| w[0].date < w[1].date));
        assert!(report
            .actions
            .iter()
            .all(|(s, _)| ActionStatus::ALL.contains(s)));
        for days in [0, 91] {
            let err = services
                .fleet_report(FleetReportRequest { days })
                .await
                .unwrap_err();
            assert_eq!(err.code, ErrorCode::Invalid);
            assert!(err.message.starts_with("days:"), "{}", err.message);
        }
    }
}
