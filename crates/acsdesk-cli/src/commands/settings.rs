//! `acsdesk settings`: the tenant's sync, presence, retention, alert and diagnostic
//! settings, shown or changed. Every value is checked before any is saved.

use super::{app_err, Ctx};
use crate::cli::SettingsArgs;
use acsdesk_types::settings::UpdateSettingsRequest;

pub(crate) async fn run(ctx: &Ctx, args: &SettingsArgs) -> anyhow::Result<()> {
    let services = ctx.services().await?;
    let current = services.tenant_settings().await.map_err(app_err)?;
    let mut sync = current.sync.unwrap_or_default();
    let mut offline_after = current.offline_after_min;
    let mut alerts = current.alerts.unwrap_or_default();
    let mut diagnostics = current.diagnostics.unwrap_or_default();
    let before = (sync, offline_after, alerts, diagnostics.clone());
    let off = |v: f64| (v != 0.0).then_some(v);
    if let Some(v) = args.ppp_failing_after {
        alerts.ppp_failing_after_min = v;
    }
    if let Some(v) = args.cpu_threshold {
        alerts.cpu_threshold_pct = off(v);
    }
    if let Some(v) = args.mem_threshold {
        alerts.mem_threshold_pct = off(v);
    }
    if let Some(v) = args.optical_rx_min {
        alerts.optical_rx_min_dbm = off(v);
    }
    if let Some(v) = args.load_window {
        alerts.load_window_min = v;
    }
    if let Some(v) = args.acs_unreachable_after {
        alerts.acs_unreachable_after_min = v;
    }
    if let Some(v) = args.flap_hold_down {
        alerts.flap_hold_down_min = v;
    }
    if let Some(v) = args.digest_threshold {
        alerts.digest_threshold = v;
    }
    if let Some(v) = args.presence_factor {
        sync.presence_factor = v;
    }
    if let Some(v) = args.presence_grace {
        sync.presence_grace_s = v;
    }
    if let Some(v) = args.overlap {
        sync.overlap_s = v;
    }
    if let Some(v) = args.full_sync_every {
        sync.full_sync_every_h = v;
    }
    if let Some(v) = args.raw_retention {
        sync.raw_retention_h = v;
    }
    if let Some(v) = args.five_min_retention {
        sync.five_min_retention_d = v;
    }
    if let Some(v) = args.hourly_retention {
        sync.hourly_retention_d = v;
    }
    if let Some(v) = args.offline_after {
        offline_after = v;
    }
    if let Some(v) = &args.ping_host {
        diagnostics.ping_host = v.trim().to_owned();
    }
    let url = |v: &String| (!v.trim().is_empty()).then(|| v.trim().to_owned());
    if let Some(v) = &args.download_url {
        diagnostics.download_url = url(v);
    }
    if let Some(v) = &args.upload_url {
        diagnostics.upload_url = url(v);
    }
    if let Some(mb) = args.upload_mb {
        diagnostics.upload_bytes = mb.saturating_mul(1_000_000);
    }
    if (sync, offline_after, alerts, diagnostics.clone()) != before {
        // The desktop's save: every value checked before any is written.
        services
            .update_settings(UpdateSettingsRequest {
                offline_after_min: offline_after,
                sync: Some(sync),
                alerts: Some(alerts),
                diagnostics: Some(diagnostics.clone()),
            })
            .await
            .map_err(app_err)?;
    }
    if args.json {
        let mut value = serde_json::to_value(sync)?;
        value["offline_after_min"] = offline_after.into();
        value["alerts"] = serde_json::to_value(alerts)?;
        value["diagnostics"] = serde_json::to_value(&diagnostics)?;
        println!("{}", serde_json::to_string_pretty(&value)?);
        return Ok(());
    }
    println!("Settings of tenant \"{}\":", services.tenant().name());
    println!(
        "  presence        offline after {} inform intervals + {} s",
        sync.presence_factor, sync.presence_grace_s
    );
    println!(
        "  sync            incremental from the watermark − {} s; full every {} h",
        sync.overlap_s, sync.full_sync_every_h
    );
    println!(
        "  retention       raw {} h, 5-minute {} days, hourly {} days",
        sync.raw_retention_h, sync.five_min_retention_d, sync.hourly_retention_d
    );
    println!("  offline alert   after {offline_after} min");
    let pct = |v: Option<f64>| v.map_or("off".to_owned(), |p| format!("above {p}%"));
    println!(
        "  other alerts    PPP failing {} min; CPU {}, memory {} for {} min; ACS unreachable {} min",
        alerts.ppp_failing_after_min,
        pct(alerts.cpu_threshold_pct),
        pct(alerts.mem_threshold_pct),
        alerts.load_window_min,
        alerts.acs_unreachable_after_min
    );
    println!(
        "  optical alert   {}",
        alerts
            .optical_rx_min_dbm
            .map_or("off".to_owned(), |v| format!(
                "receive power below {v:.1} dBm for {} min",
                alerts.load_window_min
            ))
    );
    println!(
        "  delivery        resolved after {} min clear; a digest from {} alerts at once",
        alerts.flap_hold_down_min, alerts.digest_threshold
    );
    println!(
        "  diagnostics     ping {}; download test {}; upload test {} ({:.0} MB)",
        diagnostics.ping_host,
        diagnostics
            .download_url
            .as_deref()
            .map_or("not set".to_owned(), acsdesk_types::actions::redact_url),
        diagnostics
            .url_for(acsdesk_types::DiagnosticKind::Upload)
            .map_or("not set".to_owned(), acsdesk_types::actions::redact_url),
        diagnostics.upload_bytes as f64 / 1_000_000.0
    );
    Ok(())
}
