//! `acsdesk devices`, `device show`, `history` and `logs`: reading the local store.

use super::{app_err, Ctx};
use crate::cli::{DeviceCommand, DevicesArgs, HistoryArgs, LogsArgs};
use acsdesk_core::charts::{render_png, render_svg, ChartSpec, Metric, Theme};
use acsdesk_types::alerts::SetDeviceOfflineAfterRequest;
use acsdesk_types::devices::{
    format_ago, format_uptime, DeviceDetail, DeviceParametersRequest, DeviceRow, DeviceSort,
    ListDevicesRequest,
};
use anyhow::{bail, Context};
use serde_json::json;

pub(crate) async fn list(ctx: &Ctx, a: &DevicesArgs) -> anyhow::Result<()> {
    let services = ctx.services().await?;
    let filter = a.filter.to_filter();
    let counts = services
        .list_devices(ListDevicesRequest {
            filter: filter.clone(),
            limit: 1,
            ..ListDevicesRequest::default()
        })
        .await
        .map_err(app_err)?;
    if counts.total == 0 {
        unknown_filter_values(&services, &filter).await?;
    }
    let limit = (!a.all).then_some(a.limit);
    // Read as one snapshot, one row at a time: `--all` on a large fleet holds no list.
    let mut rows = services.stream_devices(filter, DeviceSort::default(), limit);
    let mut shown = 0_u64;
    if a.csv {
        let mut csv = acsdesk_app::exports::DevicesCsv::new(std::io::stdout().lock())?;
        while let Some(r) = rows.recv().await {
            csv.row(&r?)?;
            shown += 1;
        }
        std::io::Write::flush(&mut csv.finish()?)?;
        if shown < counts.total {
            eprintln!("{}", cut_note(shown, counts.total));
        }
        return Ok(());
    }
    if a.json {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        write!(out, "[")?;
        while let Some(r) = rows.recv().await {
            let detail = services.get_device(&r?.id).await.map_err(app_err)?;
            let sep = if shown == 0 { "\n" } else { ",\n" };
            write!(
                out,
                "{sep}{}",
                serde_json::to_string_pretty(&device_json(&detail)?)?
            )?;
            shown += 1;
        }
        writeln!(out, "{}]", if shown == 0 { "" } else { "\n" })?;
        if shown < counts.total {
            eprintln!("{}", cut_note(shown, counts.total));
        }
        return Ok(());
    }
    let mut table = Vec::new();
    while let Some(r) = rows.recv().await {
        table.push(r?);
    }
    shown = table.len() as u64;
    print!(
        "{}",
        device_table(
            &table,
            acsdesk_core::clock::system_now_ms(),
            a.wide,
            terminal_width()
        )
    );
    println!(
        "{shown} shown of {} matching ({} online); {} in the tenant",
        counts.total, counts.online, counts.fleet
    );
    if shown < counts.total {
        println!("{}", cut_note(shown, counts.total));
    }
    Ok(())
}

/// When a filter's vendor, model or firmware is one no device has, says so with the
/// values there are (a typo, or "Huawei Technologies Co., Ltd" for "Huawei").
pub(crate) async fn unknown_filter_values(
    services: &acsdesk_app::Services,
    f: &acsdesk_types::devices::DeviceFilter,
) -> anyhow::Result<()> {
    let facets = services.device_facets().await.map_err(app_err)?;
    for (what, value, known) in [
        ("vendor", &f.vendor, &facets.vendors),
        ("model", &f.model, &facets.models),
        ("firmware", &f.firmware, &facets.firmwares),
    ] {
        let Some(value) = value else { continue };
        if !known.iter().any(|(k, _)| k.eq_ignore_ascii_case(value)) {
            let list: Vec<String> = known
                .iter()
                .take(12)
                .map(|(k, n)| format!("{k} ({n})"))
                .collect();
            bail!(
                "no device has {what} {value:?}; the {what}s there are: {}",
                if list.is_empty() {
                    "none yet".to_owned()
                } else {
                    list.join(", ")
                }
            );
        }
    }
    Ok(())
}

/// What a cut list says: how many of how many, and how to see the rest.
fn cut_note(shown: u64, total: u64) -> String {
    format!("showing {shown} of {total} matching devices: use --limit N or --all for more")
}

/// The device list as a table whose columns are as wide as their widest value, so a
/// long firmware version never pushes the next column out of line. Given a `width` (the
/// terminal's), the widest text columns (model, firmware, id) are cut with `…` until the
/// table fits; in a pipe (`None`) nothing is cut. `wide` adds the GenieACS id.
fn device_table(rows: &[DeviceRow], now: i64, wide: bool, width: Option<usize>) -> String {
    let mut header = vec![
        "STATUS",
        "MODEL",
        "SERIAL",
        "WAN IP",
        "UPTIME",
        "FIRMWARE",
        "LAST SEEN",
    ];
    if wide {
        header.insert(0, "ID");
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            // A value GenieACS has yet to read says so; one the router lacks is a dash.
            let or_why = |what: &str, v: Option<String>| {
                v.unwrap_or_else(|| {
                    if r.is_unfetched(what) {
                        "not fetched"
                    } else {
                        "-"
                    }
                    .into()
                })
            };
            let mut row = vec![
                if r.online { "online" } else { "offline" }.to_owned(),
                or_why("model", r.model.clone()),
                r.serial.clone(),
                or_why("wan_ip", r.wan_ip.clone()),
                or_why("uptime", r.uptime_s.map(format_uptime)),
                or_why("firmware", r.firmware.clone()),
                r.last_inform_ms
                    .map(|t| format_ago(t, now))
                    .unwrap_or_else(|| "never".into()),
            ];
            if wide {
                row.insert(0, r.id.clone());
            }
            row
        })
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let shift = usize::from(wide);
    let uptime = 4 + shift;
    if let Some(max) = width {
        // Columns that may be cut, and how narrow they may get.
        let cuttable = [1 + shift, 5 + shift]
            .into_iter()
            .chain(wide.then_some(0))
            .collect::<Vec<_>>();
        let total = |w: &[usize]| w.iter().sum::<usize>() + 2 * (w.len() - 1);
        while total(&widths) > max {
            let Some(&widest) = cuttable
                .iter()
                .filter(|&&c| widths[c] > 8)
                .max_by_key(|&&c| widths[c])
            else {
                break;
            };
            widths[widest] -= 1;
        }
    }
    let fit = |v: &str, w: usize| {
        if v.chars().count() <= w {
            v.to_owned()
        } else {
            let mut cut: String = v.chars().take(w.saturating_sub(1)).collect();
            cut.push('…');
            cut
        }
    };
    let line = |values: &[&str]| {
        let mut out = String::new();
        for (i, (v, &w)) in values.iter().zip(&widths).enumerate() {
            let v = fit(v, w);
            // Uptime reads best aligned right; the last column is not padded.
            let cell = if i + 1 == values.len() {
                v
            } else if i == uptime {
                format!("{v:>w$}  ")
            } else {
                format!("{v:<w$}  ")
            };
            out.push_str(&cell);
        }
        out.push('\n');
        out
    };
    let mut out = line(&header);
    for row in &cells {
        out.push_str(&line(&row.iter().map(String::as_str).collect::<Vec<_>>()));
    }
    out
}

/// The terminal's width when the output is one.
fn terminal_width() -> Option<usize> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return None;
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .or_else(|| {
            console::Term::stdout()
                .size_checked()
                .map(|(_, cols)| usize::from(cols))
        })
}

/// A device as `--json` prints it: the desktop's dashboard data (`DeviceDetail`), its
/// list row's fields at the top level.
fn device_json(d: &DeviceDetail) -> anyhow::Result<serde_json::Value> {
    let mut v = serde_json::to_value(d)?;
    if let Some(obj) = v.as_object_mut() {
        if let Some(serde_json::Value::Object(row)) = obj.remove("row") {
            obj.extend(row);
        }
    }
    Ok(v)
}

/// Prints a device, its parameters live from GenieACS, or sets its offline threshold.
pub(crate) async fn device(ctx: &Ctx, command: DeviceCommand) -> anyhow::Result<()> {
    let services = ctx.services().await?;
    let resolve = |text: String| {
        let services = &services;
        async move { services.resolve_device(&text).await.map_err(app_err) }
    };
    let (id, json) = match command {
        DeviceCommand::Show { id, json } => (resolve(id).await?, json),
        DeviceCommand::OfflineAfter { id, minutes } => {
            let id = resolve(id).await?;
            let value = match minutes.trim() {
                "default" => None,
                m => Some(
                    m.parse::<u32>()
                        .with_context(|| format!("{m:?}: give minutes (1 to 1440) or default"))?,
                ),
            };
            services
                .set_device_offline_after(SetDeviceOfflineAfterRequest {
                    device: id.clone(),
                    minutes: value,
                })
                .await
                .map_err(app_err)?;
            match value {
                Some(m) => println!("{id} alerts after {m} min offline."),
                None => println!(
                    "{id} follows the tenant's threshold ({} min).",
                    services.tenant().offline_after_min().await?
                ),
            }
            return Ok(());
        }
        DeviceCommand::Params { id, prefix } => {
            let id = resolve(id).await?;
            let params = services
                .device_parameters(DeviceParametersRequest { device: id, prefix })
                .await
                .map_err(app_err)?;
            for p in params {
                let w = if p.writable == Some(true) {
                    " writable"
                } else {
                    ""
                };
                println!(
                    "{} = {} ({}{w})",
                    p.path,
                    p.value,
                    p.xsd_type.as_deref().unwrap_or("")
                );
            }
            return Ok(());
        }
    };
    let d = services.get_device(&id).await.map_err(app_err)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&device_json(&d)?)?);
    } else {
        print!("{}", device_text(&d, acsdesk_core::clock::system_now_ms()));
    }
    Ok(())
}

/// A device for people: what the table shows, in words and units ("31 %", "2d 11h",
/// "not reported"); `--json` keeps the raw values.
fn device_text(d: &DeviceDetail, now: i64) -> String {
    // What the router has and GenieACS has not read yet is not "not reported".
    let said_of = |what: &str, v: Option<String>| {
        v.unwrap_or_else(|| {
            if d.is_unfetched(what) {
                "not fetched yet (act refresh, or the monitoring provision)".into()
            } else {
                "not reported".into()
            }
        })
    };
    let said = |v: Option<String>| v.unwrap_or_else(|| "not reported".into());
    let r = &d.row;
    let wifi = if d.wifi.is_empty() {
        "not reported".to_owned()
    } else if d.is_unfetched("wifi") && d.wifi.iter().all(|w| w.ssid.is_none()) {
        said_of("wifi", None)
    } else {
        d.wifi
            .iter()
            .map(|w| {
                let radio = w.radio();
                format!(
                    "{} {}{}{}",
                    w.band.label(),
                    w.ssid.as_deref().unwrap_or("(no name)"),
                    match w.enabled {
                        Some(false) => " (off)",
                        _ => "",
                    },
                    if radio.is_empty() {
                        String::new()
                    } else {
                        format!(" ({radio})")
                    }
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let wan = match (&d.wan_status, &d.wan_error) {
        (Some(s), Some(e)) if s != "Connected" => Some(format!("{s} ({e})")),
        (Some(s), _) => Some(s.clone()),
        (None, Some(e)) => Some(e.clone()),
        (None, None) => None,
    };
    let lines: Vec<(&str, String)> = vec![
        ("ID", r.id.clone()),
        ("Serial", r.serial.clone()),
        ("ACS", r.acs.clone()),
        (
            "Status",
            if r.online { "online" } else { "offline" }.to_owned(),
        ),
        (
            "Last seen",
            r.last_inform_ms
                .map(|t| format_ago(t, now))
                .unwrap_or_else(|| "never".into()),
        ),
        ("Vendor", said(r.vendor.clone())),
        ("Model", said_of("model", r.model.clone())),
        ("Hardware", said_of("hardware", d.hardware.clone())),
        ("Firmware", said_of("firmware", r.firmware.clone())),
        (
            "Subscriber",
            r.subscriber.clone().unwrap_or_else(|| "none".into()),
        ),
        ("WAN IP", said_of("wan_ip", r.wan_ip.clone())),
        ("WAN", said_of("wan_status", wan)),
        ("WAN type", said(d.wan_type.clone())),
        (
            "DNS",
            if d.dns_servers.is_empty() {
                "not reported".into()
            } else {
                d.dns_servers.join(", ")
            },
        ),
        (
            "PPPoE user",
            said_of("pppoe_user", d.pppoe_username.clone()),
        ),
        ("LAN IP", said_of("lan_ip", d.lan_ip.clone())),
        ("MAC", said_of("mac", d.mac.clone())),
        ("WiFi", wifi),
        ("Uptime", said_of("uptime", r.uptime_s.map(format_uptime))),
        (
            "CPU",
            said_of("cpu", d.cpu_pct.map(|p| format!("{p:.0} %"))),
        ),
        (
            "Memory",
            said_of("memory", d.mem_pct.map(|p| format!("{p:.0} %"))),
        ),
        (
            "Signal",
            said_of("signal", r.signal_dbm.map(|s| format!("{s:.0} dBm"))),
        ),
        (
            "Optical",
            match (d.optical_rx_dbm, d.optical_tx_dbm) {
                (None, None) if d.is_unfetched("optical") => said_of("optical", None),
                (None, None) => "none: the router reports no optical (PON) interface".into(),
                (rx, tx) => {
                    let dbm = |v: Option<f64>| v.map_or("?".to_owned(), |v| format!("{v:.1} dBm"));
                    format!("receive {}, transmit {}", dbm(rx), dbm(tx))
                }
            },
        ),
        ("Clients", clients_line(d)),
        (
            "Informs every",
            said_of(
                "inform_interval",
                d.inform_interval_s.map(|s| format_uptime(u64::from(s))),
            ),
        ),
        (
            "Data model",
            said(d.data_model.as_ref().map(|m| m.to_uppercase())),
        ),
        (
            "Offline alert",
            match d.offline_after_min {
                Some(m) => format!("after {m} min (its own)"),
                None => "the tenant's threshold".into(),
            },
        ),
        (
            "Tags",
            if d.tags.is_empty() {
                "none".into()
            } else {
                d.tags.join(", ")
            },
        ),
    ];
    let mut text: String = lines
        .into_iter()
        .map(|(k, v)| format!("{k:<14} {v}\n"))
        .collect();
    for c in &d.clients {
        let via = match (c.band, c.wired) {
            (Some(b), _) => b.label().to_owned(),
            (None, true) => "cable".to_owned(),
            (None, false) => "?".to_owned(),
        };
        text.push_str(&format!(
            "  {:<24} {:<17} {:<15} {:<8} {:<8} {}\n",
            c.name.as_deref().unwrap_or("(no name)"),
            c.mac,
            c.ip.as_deref().unwrap_or("-"),
            via,
            c.signal_dbm.map_or(String::new(), |s| format!("{s} dBm")),
            if c.active { "connected" } else { "away" }
        ));
    }
    text
}

/// `3 connected: 2 on 2.4 GHz, 1 on 5 GHz (1 away)`, or why there are none.
fn clients_line(d: &DeviceDetail) -> String {
    if d.clients.is_empty() {
        return if d.is_unfetched("clients") {
            "not fetched yet (act refresh)".into()
        } else {
            "none listed by the router".into()
        };
    }
    let on = d.clients.iter().filter(|c| c.active).count();
    let away = d.clients.len() - on;
    let bands: Vec<String> = d
        .wifi_clients
        .iter()
        .map(|(b, n)| format!("{n} on {}", b.label()))
        .collect();
    let mut line = format!("{on} connected");
    if !bands.is_empty() {
        line.push_str(&format!(": {}", bands.join(", ")));
    }
    if away > 0 {
        line.push_str(&format!(" ({away} away)"));
    }
    line
}

/// Parses `24h`, `7d`, `90m` into milliseconds.
pub(crate) fn parse_span(text: &str) -> anyhow::Result<i64> {
    let text = text.trim();
    let (n, unit) = text.split_at(
        text.find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len()),
    );
    let n: i64 = n
        .parse()
        .with_context(|| format!("{text:?} is not a duration like 24h or 7d"))?;
    let unit_ms = match unit {
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => bail!("{text:?} is not a duration like 90m, 24h or 7d"),
    };
    anyhow::ensure!(n > 0, "the duration must be positive");
    Ok(n * unit_ms)
}

pub(crate) async fn history(ctx: &Ctx, a: &HistoryArgs) -> anyhow::Result<()> {
    let span = parse_span(&a.since)?;
    let now = acsdesk_core::clock::system_now_ms();
    let metric = Metric::parse(&a.metric).with_context(|| {
        format!(
            "unknown metric {:?}: use cpu, memory, rx, tx, signal or uptime",
            a.metric
        )
    })?;
    let services = ctx.services().await?;
    let id = services.resolve_device(&a.id).await.map_err(app_err)?;
    let points = services
        .series(&id, metric, now - span, now)
        .await
        .map_err(app_err)?;
    let spec = ChartSpec {
        metric,
        points: &points,
        from_ms: now - span,
        to_ms: now,
        size: (900, 320),
        theme: Theme::Light,
        utc_offset_s: 0,
    };
    if let Some(path) = &a.svg {
        std::fs::write(path, render_svg(&spec)?)
            .with_context(|| format!("cannot write {}", path.display()))?;
        println!("Wrote {} ({} points).", path.display(), points.len());
    }
    if let Some(path) = &a.png {
        std::fs::write(path, render_png(&spec)?)
            .with_context(|| format!("cannot write {}", path.display()))?;
        println!("Wrote {} ({} points).", path.display(), points.len());
    }
    if a.json {
        let out: Vec<_> = points
            .iter()
            .map(|(t, v)| json!({"at": acsdesk_time::iso(*t), "value": metric.display_value(*v)}))
            .collect();
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else if a.svg.is_none() && a.png.is_none() {
        for (t, v) in &points {
            println!(
                "{}  {:.2} {}",
                acsdesk_time::iso(*t),
                metric.display_value(*v),
                metric.unit()
            );
        }
    }
    Ok(())
}

pub(crate) async fn logs(ctx: &Ctx, a: &LogsArgs) -> anyhow::Result<()> {
    let services = ctx.services().await?;
    let id = match &a.id {
        Some(text) => Some(services.resolve_device(text).await.map_err(app_err)?),
        None => None,
    };
    let word = |what: &str, text: &Option<String>, known: &[&str]| -> anyhow::Result<()> {
        match text {
            Some(t) if !known.contains(&t.as_str()) => {
                anyhow::bail!("--{what} {t:?}: use {}", known.join(", "))
            }
            _ => Ok(()),
        }
    };
    let levels: Vec<&str> = acsdesk_types::LogLevel::ALL
        .iter()
        .map(|l| l.as_str())
        .collect();
    let groups: Vec<&str> = acsdesk_types::LogGroup::ALL
        .iter()
        .map(|g| g.as_str())
        .collect();
    word("level", &a.level, &levels)?;
    word("kind", &a.kind, &groups)?;
    let narrow = acsdesk_types::devices::DeviceLogsRequest {
        id: id.clone().unwrap_or_default(),
        limit: u32::try_from(a.limit).unwrap_or(u32::MAX),
        levels: a
            .level
            .as_deref()
            .and_then(acsdesk_types::LogLevel::parse)
            .into_iter()
            .collect(),
        groups: a
            .kind
            .as_deref()
            .and_then(acsdesk_types::LogGroup::parse)
            .into_iter()
            .collect(),
        search: a.search.clone(),
    };
    let logs = match &id {
        Some(_) => services
            .device_logs(narrow.clone())
            .await
            .map_err(app_err)?,
        None => {
            let mut all = services.logs(None, 10_000).await.map_err(app_err)?;
            all.retain(|l| narrow.admits(l));
            all.truncate(narrow.limit as usize);
            all
        }
    };
    if logs.len() as u64 >= a.limit {
        eprintln!(
            "showing the {} most recent entries: there may be more (--limit N, up to 10000)",
            logs.len()
        );
    }
    if a.json {
        println!("{}", serde_json::to_string_pretty(&logs)?);
    } else if a.csv {
        use std::io::Write;
        let bytes = acsdesk_app::exports::logs_csv(&logs).map_err(app_err)?;
        std::io::stdout().write_all(&bytes)?;
    } else {
        for l in logs {
            println!(
                "{}  {:<7} {:<18} {}",
                acsdesk_time::iso(l.at_ms),
                l.level,
                l.serial,
                l.message
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(serial: &str, firmware: &str) -> DeviceRow {
        DeviceRow {
            id: format!("X-{serial}"),
            acs: "main".into(),
            online: true,
            vendor: None,
            model: Some("EC220-G5".into()),
            serial: serial.into(),
            subscriber: None,
            wan_ip: Some("2001:db8:4006:812::200e".into()),
            uptime_s: Some(3 * 86_400),
            signal_dbm: None,
            firmware: Some(firmware.into()),
            last_inform_ms: Some(0),
            not_fetched: Vec::new(),
        }
    }

    #[test]
    fn a_value_not_read_yet_says_so_where_one_the_router_lacks_is_a_dash() {
        let mut unread = row("2228000000A1", "1.0.17");
        unread.wan_ip = None;
        unread.uptime_s = None;
        unread.not_fetched = vec!["uptime".into()];
        let table = device_table(&[unread], 60_000, false, None);
        let line = table.lines().nth(1).unwrap_or_default();
        // The WAN IP and uptime cells (the uptime's right-aligned).
        let from = table.find("WAN IP").unwrap_or_default();
        let to = table.find("FIRMWARE").unwrap_or_default();
        let cells: Vec<&str> = line[from..to]
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        assert_eq!(cells, ["-", "not fetched"], "{table}");
    }

    #[test]
    fn a_long_firmware_version_widens_its_column_and_keeps_the_next_in_line() {
        let long = "1.0.17 Build 20231120 Rel.56281(5553)";
        let table = device_table(
            &[row("2228000000A1", long), row("B2", "7.1")],
            60_000,
            false,
            None,
        );
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 3);
        let seen_at = lines[0].find("LAST SEEN").unwrap();
        for l in &lines[1..] {
            assert_eq!(&l[seen_at..], "1 min ago", "{table}");
        }
        assert!(lines[1].contains(long) && lines[1].contains("2001:db8:4006:812::200e"));
    }

    #[test]
    fn a_narrow_terminal_cuts_the_widest_text_columns_and_keeps_every_line_aligned() {
        let long = "1.12.0 Build 220820 Rel.52419n(4252)";
        let rows = [row("2228000000A1", long), row("B2", "7.1")];
        let table = device_table(&rows, 60_000, true, Some(100));
        let lines: Vec<&str> = table.lines().collect();
        assert!(lines.iter().all(|l| l.chars().count() <= 100), "{table}");
        assert!(lines[1].contains('…'), "the firmware is cut: {table}");
        // The header is ASCII: its byte offset is its column.
        let seen_at = lines[0].find("LAST SEEN").unwrap();
        for l in &lines[1..] {
            let tail: String = l.chars().skip(seen_at).collect();
            assert_eq!(tail, "1 min ago", "{table}");
        }
        assert!(lines[0].starts_with("ID "), "{table}");
        // In a pipe nothing is cut.
        assert!(device_table(&rows, 60_000, true, None).contains(long));
    }

    #[test]
    fn a_device_reads_in_words_and_units_not_internals() {
        let mut r = row("2228000000A1", "1.0.17");
        r.signal_dbm = None;
        let d = DeviceDetail {
            row: r,
            oui: "9CA2F4".into(),
            product_class: "EC220-G5".into(),
            hardware: None,
            mac: Some("9c:a2:f4:00:01:00".into()),
            lan_ip: Some("192.168.0.1".into()),
            cpu_pct: Some(7.0),
            mem_pct: Some(30.81572713632173),
            optical_rx_dbm: None,
            optical_tx_dbm: None,
            clients: Vec::new(),
            wifi_clients: Vec::new(),
            wifi: vec![acsdesk_types::devices::WifiInfo {
                band: acsdesk_types::WifiBand::Ghz2_4,
                ssid: Some("Casa".into()),
                enabled: Some(true),
                channel: Some(6),
                bandwidth: None,
                standard: Some("b/g/n".into()),
            }],
            pppoe_username: None,
            wan_status: Some("Connected".into()),
            wan_error: Some("ERROR_USER_DISCONNECT".into()),
            wan_type: Some("PPPoE".into()),
            dns_servers: vec!["1.1.1.1".into(), "8.8.8.8".into()],
            inform_interval_s: Some(300),
            data_model: Some("tr181".into()),
            tags: Vec::new(),
            offline_after_min: None,
            not_fetched: Vec::new(),
        };
        let text = device_text(&d, 60_000);
        assert!(text.contains("Memory         31 %"), "{text}");
        assert!(text.contains("Signal         not reported"), "{text}");
        assert!(
            text.contains("Optical        none: the router reports no optical (PON) interface"),
            "{text}"
        );
        assert!(
            text.contains("WiFi           2.4 GHz Casa (channel 6, b/g/n)"),
            "{text}"
        );
        assert!(text.contains("WAN type       PPPoE\n"), "{text}");
        assert!(text.contains("DNS            1.1.1.1, 8.8.8.8\n"), "{text}");
        assert!(
            text.contains("WAN            Connected\n"),
            "a history error is not shown on an up WAN: {text}"
        );
        assert!(text.contains("Uptime         3d"), "{text}");
        assert!(
            !text.contains("null") && !text.contains('{') && !text.contains("30.8"),
            "{text}"
        );
        // A router GenieACS has only met through informs: what it has and GenieACS has
        // not read says so.
        let partial = DeviceDetail {
            cpu_pct: None,
            not_fetched: vec!["cpu".into(), "signal".into()],
            ..d
        };
        let text = device_text(&partial, 60_000);
        assert!(text.contains("CPU            not fetched yet"), "{text}");
        assert!(text.contains("Signal         not fetched yet"), "{text}");
        assert!(text.contains("Memory         31 %"), "{text}");
        let ont = DeviceDetail {
            optical_rx_dbm: Some(-28.46),
            optical_tx_dbm: Some(2.3),
            ..partial.clone()
        };
        let text = device_text(&ont, 60_000);
        assert!(
            text.contains("Optical        receive -28.5 dBm, transmit 2.3 dBm"),
            "{text}"
        );
        let unread = DeviceDetail {
            not_fetched: vec!["optical".into()],
            ..partial
        };
        assert!(device_text(&unread, 60_000).contains("Optical        not fetched yet"));
    }
}
