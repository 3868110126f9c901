//! The fleet as the desktop reads it: a window of the device list, the filters' values,
//! a device's dashboard (detail, log, charts), its live parameter tree and the firmware
//! images that fit it.

use crate::connect::connection_client;
use crate::Services;
use acsdesk_core::charts::{render_svg, ChartSpec, Metric, Theme};
use acsdesk_core::store::StoreError;
use acsdesk_types::devices::{
    DeviceChart, DeviceChartRequest, DeviceDetail, DeviceFacets, DeviceLogsRequest,
    DeviceParametersRequest, ExportedLog, FirmwareFileInfo, FirmwareFilesRequest,
    ListDevicesRequest, ListDevicesResponse, LogInfo, ParameterInfo, WifiInfo,
};
use acsdesk_types::devices::{DeviceFilter, DeviceRow, DeviceSort};
use acsdesk_types::{ErrorCode, IpcError, LogLevel};

impl Services {
    /// A device's parameters, live from its GenieACS (read-only).
    pub async fn device_parameters(
        &self,
        request: DeviceParametersRequest,
    ) -> Result<Vec<ParameterInfo>, IpcError> {
        let tenant = &self.tenant;
        let acs = tenant.device_acs(None, &request.device).await?;
        let (_, client) = connection_client(tenant, &acs).await?;
        let prefix = request
            .prefix
            .map(|p| p.trim().trim_end_matches('.').to_owned())
            .filter(|p| !p.is_empty());
        let mut q = client
            .devices()
            .query(acsdesk_genieacs::Query::all().eq("_id", request.device.as_str()));
        if let Some(p) = &prefix {
            q = q.projection([p.clone()]);
        }
        let docs = q
            .send()
            .await
            .map_err(|e| IpcError::new(ErrorCode::Remote, format!("GenieACS: {e}")))?;
        let doc = docs.first().ok_or_else(|| {
            IpcError::new(
                ErrorCode::NotFound,
                format!("GenieACS has no device {}", request.device),
            )
        })?;
        Ok(doc
            .parameters(prefix.as_deref().unwrap_or(""))
            .into_iter()
            .map(|p| ParameterInfo {
                // A router that reads a password back in clear: not shown here either.
                value: acsdesk_core::normalize::registry::shown(
                    &p.path,
                    &match p.value {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    },
                )
                .to_owned(),
                path: p.path,
                xsd_type: p.xsd.map(str::to_owned),
                writable: p.writable,
            })
            .collect())
    }

    /// The firmware images in GenieACS that fit a device (its OUI and product class).
    pub async fn firmware_files(
        &self,
        request: FirmwareFilesRequest,
    ) -> Result<Vec<FirmwareFileInfo>, IpcError> {
        let tenant = &self.tenant;
        let device = tenant.device(&request.device).await?;
        let (_, client) = connection_client(tenant, &device.row.acs).await?;
        let files = client
            .files()
            .list()
            .await
            .map_err(|e| IpcError::new(ErrorCode::Remote, format!("GenieACS: {e}")))?;
        Ok(files
            .into_iter()
            .filter(|f| {
                acsdesk_core::actions::translate::FileInfo {
                    name: f.name.clone(),
                    file_type: f.metadata.file_type.clone(),
                    oui: f.metadata.oui.clone(),
                    product_class: f.metadata.product_class.clone(),
                    version: f.metadata.version.clone(),
                }
                .misfit(&device.normalized)
                .is_none()
            })
            .map(|f| FirmwareFileInfo {
                name: f.name,
                version: f.metadata.version,
                size: f.length,
            })
            .collect())
    }

    /// One window of the device list.
    pub async fn list_devices(
        &self,
        request: ListDevicesRequest,
    ) -> Result<ListDevicesResponse, IpcError> {
        let page = self
            .tenant
            .list_devices(
                &request.filter,
                request.sort,
                request.offset,
                request.limit.max(1),
            )
            .await?;
        Ok(ListDevicesResponse {
            total: page.total,
            online: page.online,
            fleet: page.fleet,
            rows: page.rows,
        })
    }

    /// Every device `filter` matches in `sort` order, at most `limit`, streamed as the
    /// store reads them (`acsdesk devices --all`; a page of [`Services::list_devices`]
    /// holds at most `acsdesk_core::store::devices::MAX_PAGE`).
    pub fn stream_devices(
        &self,
        filter: DeviceFilter,
        sort: DeviceSort,
        limit: Option<u64>,
    ) -> tokio::sync::mpsc::Receiver<Result<DeviceRow, StoreError>> {
        self.tenant.stream_devices(filter, sort, limit)
    }

    /// The diagnostics a device ran (pings), newest first, at most `limit` (100).
    pub async fn device_diagnostics(
        &self,
        request: acsdesk_types::diagnostics::DeviceDiagnosticsRequest,
    ) -> Result<Vec<acsdesk_types::diagnostics::DiagnosticRecord>, IpcError> {
        Ok(self
            .tenant
            .diagnostics(&request.device, request.limit.unwrap_or(100).min(1000))
            .await?)
    }

    /// The GenieACS id of the device `text` names: its id (with or without GenieACS's
    /// `%2D` escapes) or its serial. None: the error suggests the devices whose id or
    /// serial contains the text; several: it lists them.
    pub async fn resolve_device(&self, text: &str) -> Result<String, IpcError> {
        let (exact, found) = self.tenant.find_device_refs(text, 6).await?;
        let mut ids: Vec<&str> = found.iter().map(|(id, _, _)| id.as_str()).collect();
        ids.dedup();
        let listed = || {
            found
                .iter()
                .map(|(id, acs, serial)| format!("{id} (serial {serial}, ACS {acs})"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match (exact, ids.as_slice()) {
            (true, [one]) => Ok((*one).to_owned()),
            (true, []) | (false, []) => Err(IpcError::new(
                ErrorCode::NotFound,
                format!(
                    "no device \"{}\" in this tenant (list them with acsdesk devices --wide)",
                    text.trim()
                ),
            )),
            (true, _) => Err(IpcError::new(
                ErrorCode::Conflict,
                format!(
                    "\"{}\" names several devices: {}; give the full id",
                    text.trim(),
                    listed()
                ),
            )),
            (false, _) => Err(IpcError::new(
                ErrorCode::NotFound,
                format!(
                    "no device \"{}\" in this tenant; did you mean {}?",
                    text.trim(),
                    listed()
                ),
            )),
        }
    }

    /// The values the filters can take.
    pub async fn device_facets(&self) -> Result<DeviceFacets, IpcError> {
        let t = &self.tenant;
        Ok(DeviceFacets {
            vendors: t.facet("vendor").await?,
            models: t.facet("model").await?,
            firmwares: t.facet("firmware").await?,
            acs: t.facet("acs").await?,
            tags: t.facet("tag").await?,
        })
    }

    /// Everything the dashboard shows about a device.
    pub async fn get_device(&self, id: &str) -> Result<DeviceDetail, IpcError> {
        let tenant = &self.tenant;
        let d = tenant.device(id).await?;
        let n = &d.normalized;
        Ok(DeviceDetail {
            offline_after_min: tenant.device_offline_after(id).await?,
            oui: n.oui.clone(),
            product_class: n.product_class.clone(),
            hardware: n.hardware.clone(),
            mac: n.mac.clone(),
            lan_ip: n.lan_ip.clone(),
            cpu_pct: n.cpu_pct,
            mem_pct: n.mem_pct,
            optical_rx_dbm: n.optical_rx_dbm,
            optical_tx_dbm: n.optical_tx_dbm,
            clients: {
                // Connected ones first, then by name.
                let mut c = n.clients.clone();
                c.sort_by(|a, b| b.active.cmp(&a.active).then(a.name.cmp(&b.name)));
                c
            },
            wifi_clients: n.wifi_clients.clone(),
            wifi: n
                .wifi
                .iter()
                .map(|w| WifiInfo {
                    band: w.band,
                    ssid: w.ssid.clone(),
                    enabled: w.enabled,
                    channel: w.channel,
                    bandwidth: w.bandwidth.clone(),
                    standard: w.standard.clone(),
                })
                .collect(),
            pppoe_username: n.pppoe_username().map(str::to_owned),
            wan_status: n.wan.as_ref().and_then(|w| w.status.clone()),
            wan_error: n
                .wan
                .as_ref()
                .and_then(|w| w.last_error.clone())
                .filter(|e| e != "ERROR_NONE"),
            wan_type: n.wan.as_ref().and_then(|w| w.connection_type.clone()),
            dns_servers: n
                .wan
                .as_ref()
                .map(|w| w.dns_servers.clone())
                .unwrap_or_default(),
            inform_interval_s: n.inform_interval_s,
            data_model: n.data_model.map(|m| m.as_str().to_owned()),
            tags: n.tags.clone(),
            not_fetched: n.not_fetched.clone(),
            row: d.row,
        })
    }

    /// A device's log, newest first, narrowed by the request's levels, groups and text
    /// (looked for in the device's last 10,000 entries).
    pub async fn device_logs(&self, request: DeviceLogsRequest) -> Result<Vec<LogInfo>, IpcError> {
        let limit = request.limit.clamp(1, 10_000) as usize;
        let filtered = request.levels.is_empty()
            && request.groups.is_empty()
            && request
                .search
                .as_deref()
                .is_none_or(|s| s.trim().is_empty());
        let scan = if filtered { limit as u32 } else { 10_000 };
        let mut out = self.logs(Some(&request.id), scan).await?;
        out.retain(|l| request.admits(l));
        out.truncate(limit);
        Ok(out)
    }

    /// A device's log as narrowed on screen, as CSV in a new file in `dir`
    /// ([`crate::exports::logs_csv`]): what *Export CSV* on the log writes.
    pub async fn export_device_log_file(
        &self,
        request: DeviceLogsRequest,
        dir: &std::path::Path,
    ) -> Result<ExportedLog, IpcError> {
        let entries = self
            .device_logs(DeviceLogsRequest {
                limit: 10_000,
                ..request
            })
            .await?;
        let bytes = crate::exports::logs_csv(&entries)?;
        let serial = entries.first().map_or("device", |l| l.serial.as_str());
        let path =
            crate::exports::write_new(dir, (&format!("log-{serial}"), "csv"), self.now(), &bytes)?;
        Ok(ExportedLog {
            path: path.display().to_string(),
            entries: entries.len() as u64,
        })
    }

    /// Every device `request`'s filters match, in its order, as CSV in a new file of
    /// `dir` (the device list's *Export CSV*).
    pub async fn export_devices_file(
        &self,
        request: acsdesk_types::devices::ExportDevicesRequest,
        dir: &std::path::Path,
    ) -> Result<acsdesk_types::devices::ExportedDevices, IpcError> {
        let internal = |e: std::io::Error| IpcError::new(ErrorCode::Internal, e.to_string());
        let mut rows = self.stream_devices(request.filter, request.sort, None);
        let mut csv = crate::exports::DevicesCsv::new(Vec::new()).map_err(internal)?;
        let mut devices = 0;
        while let Some(r) = rows.recv().await {
            csv.row(&r?).map_err(internal)?;
            devices += 1;
        }
        let bytes = csv.finish().map_err(internal)?;
        let path = crate::exports::write_new(dir, ("devices", "csv"), self.now(), &bytes)?;
        Ok(acsdesk_types::devices::ExportedDevices {
            path: path.display().to_string(),
            devices,
        })
    }

    /// The log of one device or of the whole fleet, newest first, at most `limit`
    /// entries (up to 10,000).
    pub async fn logs(&self, device: Option<&str>, limit: u32) -> Result<Vec<LogInfo>, IpcError> {
        if let Some(id) = device {
            // An unknown device is an error, not an empty log.
            self.tenant.device(id).await?;
        }
        let rows = self.tenant.logs(device, limit.clamp(1, 10_000)).await?;
        Ok(rows
            .into_iter()
            .map(|l| LogInfo {
                device: l.device,
                serial: l.serial,
                // A level this version does not know reads as a warning.
                level: LogLevel::parse(&l.level).unwrap_or(LogLevel::Warning),
                kind: l.kind,
                message: l.message,
                at_ms: l.at_ms,
                payload: Some(l.payload).filter(|p| !p.trim().is_empty() && p.trim() != "{}"),
            })
            .collect())
    }

    /// The points of one metric of a device between two instants (Unix ms), at the
    /// resolution that suits the span.
    pub async fn series(
        &self,
        device: &str,
        metric: Metric,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<(i64, f64)>, IpcError> {
        self.tenant.device(device).await?;
        Ok(self.tenant.series(device, metric, from_ms, to_ms).await?)
    }

    /// One history chart as SVG.
    pub async fn device_chart(&self, request: DeviceChartRequest) -> Result<DeviceChart, IpcError> {
        let now = (self.clock)();
        let from = now - request.range.millis();
        let metric = request.metric;
        let points = self.series(&request.id, metric, from, now).await?;
        let reported = !points.is_empty() || self.tenant.ever_reported(&request.id, metric).await?;
        let not_fetched = !reported
            && self
                .tenant
                .device(&request.id)
                .await?
                .normalized
                .is_unfetched(metric.as_str());
        let svg = render_svg(&ChartSpec {
            metric,
            points: &points,
            from_ms: from,
            to_ms: now,
            size: (640, 240),
            theme: if request.dark {
                Theme::Dark
            } else {
                Theme::Light
            },
            utc_offset_s: request.utc_offset_min * 60,
        })
        .map_err(|e| IpcError::new(ErrorCode::Internal, e.to_string()))?;
        Ok(DeviceChart {
            svg,
            points: points.len() as u32,
            reported,
            not_fetched,
        })
    }

    /// One of the dashboard's charts as SVG or PNG in a new file of `dir`: drawn light
    /// and larger than on screen, for reports. A range without a point is refused (no
    /// empty picture).
    pub async fn export_chart_file(
        &self,
        request: acsdesk_types::devices::ExportChartRequest,
        dir: &std::path::Path,
    ) -> Result<acsdesk_types::devices::ExportedChart, IpcError> {
        use acsdesk_types::devices::ChartFormat;
        let chart = request.chart;
        let now = (self.clock)();
        let from = now - chart.range.millis();
        let points = self.series(&chart.id, chart.metric, from, now).await?;
        if points.is_empty() {
            return Err(IpcError::new(
                ErrorCode::Invalid,
                format!(
                    "{}: no value in the last {}, nothing to export",
                    chart.metric.title(),
                    chart.range.label()
                ),
            ));
        }
        let serial = self.tenant.device(&chart.id).await?.normalized.serial;
        let spec = ChartSpec {
            metric: chart.metric,
            points: &points,
            from_ms: from,
            to_ms: now,
            size: (1200, 450),
            theme: Theme::Light,
            utc_offset_s: chart.utc_offset_min * 60,
        };
        let drawn =
            |e: acsdesk_core::charts::ChartError| IpcError::new(ErrorCode::Internal, e.to_string());
        let (bytes, ext) = match request.format {
            ChartFormat::Svg => (render_svg(&spec).map_err(drawn)?.into_bytes(), "svg"),
            ChartFormat::Png => (
                acsdesk_core::charts::render_png(&spec).map_err(drawn)?,
                "png",
            ),
        };
        let stem = format!("{serial}-{}-{}", chart.metric.as_str(), chart.range.label());
        let path = crate::exports::write_new(dir, (&stem, ext), now, &bytes)?;
        Ok(acsdesk_types::devices::ExportedChart {
            path: path.display().to_string(),
            points: points.len() as u32,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::Services;
    use acsdesk_types::actions::{ActionInput, QueueActionRequest};
    use acsdesk_types::devices::{DeviceLogsRequest, DeviceRow, ListDevicesRequest};
    use acsdesk_types::{LogGroup, LogLevel, Metric, WifiBand};

    /// The first `n` devices of the list.
    async fn rows(services: &Services, n: u32) -> Vec<DeviceRow> {
        services
            .list_devices(ListDevicesRequest {
                limit: n,
                ..ListDevicesRequest::default()
            })
            .await
            .unwrap()
            .rows
    }

    /// The device list's export is every device its filters match (not a page), in its
    /// order, one CSV row each with the list's values; a second export is a new file.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_device_list_is_exported_as_filtered_and_sorted() {
        use acsdesk_types::devices::{DeviceFilter, DeviceSort, ExportDevicesRequest, SortKey};
        let dir = tempfile::tempdir().unwrap();
        let (desk, _sandbox) = crate::bulk::tests::synced_desk(dir.path(), 30).await;
        let services = desk.services().await.unwrap();
        let vendor = rows(&services, 1).await[0].vendor.clone();
        let request = ExportDevicesRequest {
            filter: DeviceFilter {
                vendor: vendor.clone(),
                ..DeviceFilter::default()
            },
            sort: DeviceSort {
                key: SortKey::Serial,
                descending: true,
            },
        };
        let listed = services
            .list_devices(ListDevicesRequest {
                filter: request.filter.clone(),
                sort: request.sort,
                limit: 1000,
                ..ListDevicesRequest::default()
            })
            .await
            .unwrap();
        assert!(listed.total > 1 && listed.total < 30, "{}", listed.total);
        let out = tempfile::tempdir().unwrap();
        let file = services
            .export_devices_file(request.clone(), out.path())
            .await
            .unwrap();
        assert_eq!(file.devices, listed.total);
        let text = std::fs::read_to_string(&file.path).unwrap();
        let mut csv = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(
            csv.headers().unwrap(),
            crate::exports::DevicesCsv::<Vec<u8>>::COLUMNS.to_vec()
        );
        let records: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
        assert_eq!(records.len(), listed.rows.len());
        for (rec, row) in records.iter().zip(&listed.rows) {
            assert_eq!(&rec[0], row.id, "in the list's order");
            assert_eq!(&rec[3], vendor.as_deref().unwrap_or_default());
            assert_eq!(&rec[5], row.serial);
            assert_eq!(&rec[2], if row.online { "online" } else { "offline" });
            assert_eq!(
                &rec[8],
                row.uptime_s.map(|u| u.to_string()).unwrap_or_default()
            );
            assert_eq!(&rec[12], row.not_fetched.join(";"));
        }
        let again = services
            .export_devices_file(request, out.path())
            .await
            .unwrap();
        assert_ne!(again.path, file.path, "never overwrites an earlier export");
    }

    /// A dashboard chart exported as SVG or PNG (real files of either kind, named for
    /// the router, the metric and the range); a chart with no value in its range is
    /// refused, saying so, and writes nothing.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_chart_is_exported_as_svg_or_png_and_an_empty_one_is_refused() {
        use acsdesk_types::devices::{
            ChartFormat, ChartRange, DeviceChartRequest, ExportChartRequest,
        };
        let dir = tempfile::tempdir().unwrap();
        let (desk, _sandbox) = crate::bulk::tests::synced_desk(dir.path(), 12).await;
        let services = desk.services().await.unwrap();
        let out = tempfile::tempdir().unwrap();
        let request = |id: &str, metric: Metric, format: ChartFormat| ExportChartRequest {
            chart: DeviceChartRequest {
                id: id.to_owned(),
                metric,
                range: ChartRange::Day,
                dark: true,
                utc_offset_min: 0,
            },
            format,
        };
        // A metric with points, and one the router's model never reports.
        let (mut charted, mut empty) = (None, None);
        for row in rows(&services, 12).await {
            for &metric in Metric::ALL {
                let c = services
                    .device_chart(request(&row.id, metric, ChartFormat::Svg).chart)
                    .await
                    .unwrap();
                let slot = match (c.points, c.reported) {
                    (0, false) => &mut empty,
                    (0, true) => continue,
                    _ => &mut charted,
                };
                slot.get_or_insert((row.id.clone(), row.serial.clone(), metric));
            }
        }
        let (id, serial, metric) = charted.expect("a charted metric");
        let svg = services
            .export_chart_file(request(&id, metric, ChartFormat::Svg), out.path())
            .await
            .unwrap();
        assert!(svg.points > 0);
        assert!(
            svg.path.ends_with(".svg")
                && svg
                    .path
                    .contains(&format!("{serial}-{}-24h", metric.as_str())),
            "{svg:?}"
        );
        let text = std::fs::read_to_string(&svg.path).unwrap();
        assert!(text.contains("<svg"), "{text}");
        let png = services
            .export_chart_file(request(&id, metric, ChartFormat::Png), out.path())
            .await
            .unwrap();
        let bytes = std::fs::read(&png.path).unwrap();
        assert!(bytes.starts_with(b"\x89PNG"), "a PNG: {}", png.path);
        let (id, _, metric) = empty.expect("a metric a model does not report");
        let err = services
            .export_chart_file(request(&id, metric, ChartFormat::Png), out.path())
            .await
            .unwrap_err();
        assert!(err.message.contains("nothing to export"), "{err:?}");
        assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 2);
    }

    /// The log tab's filters narrow a device's log by kind, level and text, and its
    /// export is the log as narrowed, as CSV, in a new file.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_device_log_is_narrowed_and_exported_as_narrowed() {
        let dir = tempfile::tempdir().unwrap();
        let (desk, _sandbox) = crate::bulk::tests::synced_desk(dir.path(), 8).await;
        let services = desk.services().await.unwrap();
        let id = rows(&services, 1).await[0].id.clone();
        desk.queue_action(QueueActionRequest {
            device: id.clone(),
            action: ActionInput::Refresh,
            acs: None,
        })
        .await
        .unwrap();
        let narrowed = |levels: Vec<LogLevel>, groups: Vec<LogGroup>, search: Option<&str>| {
            DeviceLogsRequest {
                id: id.clone(),
                limit: 100,
                levels,
                groups,
                search: search.map(str::to_owned),
            }
        };
        let all = services
            .device_logs(narrowed(vec![], vec![], None))
            .await
            .unwrap();
        let actions = services
            .device_logs(narrowed(vec![], vec![LogGroup::Action], None))
            .await
            .unwrap();
        assert!(!actions.is_empty(), "{all:?}");
        assert!(actions.iter().all(|l| l.kind.starts_with("action_")));
        assert!(
            all.len() > actions.len(),
            "the sync's own entries too: {all:?}"
        );
        let requested = actions
            .iter()
            .find(|l| l.kind == "action_requested")
            .expect("the request is logged");
        assert!(
            requested
                .payload
                .as_deref()
                .is_some_and(|p| p.contains("action_id")),
            "its payload: {requested:?}"
        );
        let found = services
            .device_logs(narrowed(vec![LogLevel::Info], vec![], Some("REFRESH")))
            .await
            .unwrap();
        assert!(!found.is_empty());
        assert!(found
            .iter()
            .all(|l| l.level == LogLevel::Info && l.message.to_lowercase().contains("refresh")));
        let none = services
            .device_logs(narrowed(vec![], vec![], Some("no such words anywhere")))
            .await
            .unwrap();
        assert!(none.is_empty());

        let out = tempfile::tempdir().unwrap();
        let file = services
            .export_device_log_file(narrowed(vec![], vec![LogGroup::Action], None), out.path())
            .await
            .unwrap();
        // The action goes on meanwhile (sent, run): the export holds at least what was
        // listed, and only actions.
        assert!(file.entries >= actions.len() as u64, "{file:?}");
        let text = std::fs::read_to_string(&file.path).unwrap();
        let mut rows = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(
            rows.headers().unwrap(),
            vec!["time", "serial", "level", "group", "kind", "message", "payload"]
        );
        let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
        assert_eq!(records.len() as u64, file.entries);
        assert!(records.iter().all(|r| &r[3] == "action"));
        let again = services
            .export_device_log_file(narrowed(vec![], vec![], None), out.path())
            .await
            .unwrap();
        assert_ne!(again.path, file.path, "a new file each time");
    }

    /// Each sync keeps how many WiFi clients a router has per band, charted like the
    /// other metrics; a router that lists none has no such history.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn wifi_clients_per_band_are_kept_as_history() {
        let dir = tempfile::tempdir().unwrap();
        let (desk, _sandbox) = crate::bulk::tests::synced_desk(dir.path(), 8).await;
        let services = desk.services().await.unwrap();
        let mut checked = 0;
        for row in rows(&services, 100).await {
            let detail = services.get_device(&row.id).await.unwrap();
            if detail.clients.is_empty() {
                continue;
            }
            for (metric, band) in [
                (Metric::Clients2g, WifiBand::Ghz2_4),
                (Metric::Clients5g, WifiBand::Ghz5),
            ] {
                let points = services.series(&row.id, metric, 0, i64::MAX).await.unwrap();
                let now = detail
                    .wifi_clients
                    .iter()
                    .find(|(b, _)| *b == band)
                    .map_or(0, |(_, n)| *n);
                let last = points
                    .last()
                    .unwrap_or_else(|| panic!("{metric:?} of {}", row.id));
                assert_eq!(last.1, f64::from(now), "{metric:?} of {}", row.id);
            }
            checked += 1;
        }
        assert!(checked >= 3, "routers with clients: {checked}");
        let chart = services
            .device_chart(acsdesk_types::devices::DeviceChartRequest {
                id: rows(&services, 1).await[0].id.clone(),
                metric: Metric::Clients2g,
                range: acsdesk_types::devices::ChartRange::Hour,
                dark: false,
                utc_offset_min: 0,
            })
            .await
            .unwrap();
        assert!(
            chart.svg.contains("WiFi clients 2.4 GHz (clients)"),
            "the chart's title"
        );
    }
}
