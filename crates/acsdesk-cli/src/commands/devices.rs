//! `acsdesk devices`, `device show`, `history` and `logs`: reading the local store.

use super::Ctx;
use crate::cli::{DeviceCommand, DevicesArgs, HistoryArgs, LogsArgs};
use acsdesk_core::charts::{render_png, render_svg, ChartSpec, Metric, Theme};
use acsdesk_types::devices::{format_ago, format_uptime, DeviceSort};
use anyhow::{bail, Context};
use serde_json::json;

pub(crate) async fn list(ctx: &Ctx, a: &DevicesArgs) -> anyhow::Result<()> {
    let tenant = ctx.tenant().await?;
    let filter = a.filter.to_filter();
    let page = tenant
        .list_devices(&filter, DeviceSort::default(), 0, a.limit)
        .await?;
    if a.json {
        let mut out = Vec::new();
        for r in &page.rows {
            let d = tenant.device(&r.id).await?;
            out.push(device_json(&d));
        }
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    let now = acsdesk_core::clock::system_now_ms();
    println!(
        "{:<8} {:<16} {:<18} {:<16} {:>9} {:<24} LAST SEEN",
        "STATUS", "MODEL", "SERIAL", "WAN IP", "UPTIME", "FIRMWARE"
    );
    for r in &page.rows {
        println!(
            "{:<8} {:<16} {:<18} {:<16} {:>9} {:<24} {}",
            if r.online { "online" } else { "offline" },
            r.model.as_deref().unwrap_or("-"),
            r.serial,
            r.wan_ip.as_deref().unwrap_or("-"),
            r.uptime_s.map(format_uptime).unwrap_or_else(|| "-".into()),
            r.firmware.as_deref().unwrap_or("-"),
            r.last_inform_ms
                .map(|t| format_ago(t, now))
                .unwrap_or_else(|| "never".into()),
        );
    }
    println!(
        "{} shown of {} matching ({} online); {} in the tenant",
        page.rows.len(),
        page.total,
        page.online,
        page.fleet
    );
    Ok(())
}

fn device_json(d: &acsdesk_core::store::devices::StoredDevice) -> serde_json::Value {
    let n = &d.normalized;
    json!({
        "id": n.id,
        "acs": d.row.acs,
        "serial": n.serial,
        "oui": n.oui,
        "product_class": n.product_class,
        "manufacturer": n.manufacturer,
        "model": n.model,
        "firmware": n.firmware,
        "hardware": n.hardware,
        "mac": n.mac,
        "wan_ip": n.wan_ip,
        "lan_ip": n.lan_ip,
        "uptime_s": n.uptime_s,
        "cpu_pct": n.cpu_pct,
        "mem_pct": n.mem_pct,
        "signal_dbm": n.signal_dbm,
        "ssids": n.wifi.iter().map(|w| json!({"band": w.band, "ssid": w.ssid})).collect::<Vec<_>>(),
        "pppoe_username": n.pppoe_username(),
        "wan_status": n.wan.as_ref().and_then(|w| w.status.clone()),
        "last_inform": n.last_inform_ms.map(acsdesk_time::iso),
        "online": d.row.online,
        "data_model": n.data_model,
        "tags": n.tags,
        "subscriber": d.row.subscriber,
    })
}

/// Prints every leaf under `node` as `path = value (type)`.
pub(crate) async fn device(ctx: &Ctx, command: DeviceCommand) -> anyhow::Result<()> {
    let (id, json) = match command {
        DeviceCommand::Show { id, json } => (id, json),
        DeviceCommand::OfflineAfter { id, minutes } => {
            let tenant = ctx.tenant().await?;
            let value = match minutes.trim() {
                "default" => None,
                m => Some(
                    m.parse::<u32>()
                        .with_context(|| format!("{m:?}: give minutes (1 to 1440) or default"))?,
                ),
            };
            tenant.set_device_offline_after(&id, value).await?;
            match value {
                Some(m) => println!("{id} alerts after {m} min offline."),
                None => println!(
                    "{id} follows the tenant's threshold ({} min).",
                    tenant.offline_after_min().await?
                ),
            }
            return Ok(());
        }
        DeviceCommand::Params { id, prefix } => {
            let tenant = ctx.tenant().await?;
            let d = tenant.device(&id).await?;
            let (acs, client) = acsdesk_app::connect::connection_client(&tenant, &d.row.acs)
                .await
                .map_err(|e| anyhow::anyhow!(e.message))?;
            let _ = acs;
            let mut q = client
                .devices()
                .query(acsdesk_genieacs::Query::all().eq("_id", id.as_str()));
            if let Some(p) = &prefix {
                q = q.projection([p.clone()]);
            }
            let docs = q
                .send()
                .await
                .map_err(|e| anyhow::anyhow!("GenieACS: {e}"))?;
            let doc = docs
                .first()
                .with_context(|| format!("GenieACS has no device {id}"))?;
            for p in doc.parameters("") {
                let w = if p.writable == Some(true) {
                    " writable"
                } else {
                    ""
                };
                println!("{} = {} ({}{w})", p.path, p.value, p.xsd.unwrap_or(""));
            }
            return Ok(());
        }
    };
    let d = ctx.tenant().await?.device(&id).await?;
    let v = device_json(&d);
    if json {
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else if let Some(map) = v.as_object() {
        for (k, v) in map {
            println!(
                "{k:<15} {}",
                if v.is_string() {
                    v.as_str().unwrap_or_default().to_owned()
                } else {
                    v.to_string()
                }
            );
        }
    }
    Ok(())
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
    let metric = Metric::parse(&a.metric).with_context(|| {
        format!(
            "unknown metric {:?}: use cpu, memory, rx, tx, signal or uptime",
            a.metric
        )
    })?;
    let span = parse_span(&a.since)?;
    let now = acsdesk_core::clock::system_now_ms();
    let tenant = ctx.tenant().await?;
    tenant.device(&a.id).await?;
    let points = tenant.series(&a.id, metric, now - span, now).await?;
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
    let logs = ctx.tenant().await?.logs(a.id.as_deref(), a.limit).await?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&logs)?);
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
