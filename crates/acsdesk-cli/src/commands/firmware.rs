//! `acsdesk firmware …`: the firmware library through the application's services —
//! upload (streamed, with a progress bar on a terminal), list with the fleet's versions
//! per model, delete.

use super::{app_err, Ctx};
use crate::cli::{FirmwareCommand, RolloutCommand};
use acsdesk_app::runner::{ActionRunner, DEFAULT_CONCURRENCY};
use acsdesk_types::firmware::{
    DeleteFirmwareRequest, FailureThreshold, ImageKind, RolloutInfo, RolloutLogEntry, RolloutSpec,
    RolloutState, RolloutWindow, UploadFirmwareRequest,
};
use anyhow::Context;
use std::io::IsTerminal;

/// `12.3 MB`, `640 KB`, `512 B`.
fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1_000_000 => format!("{:.1} MB", b as f64 / 1_000_000.0),
        b if b >= 1_000 => format!("{} KB", b / 1_000),
        b => format!("{b} B"),
    }
}

pub(crate) async fn run(ctx: &Ctx, command: FirmwareCommand) -> anyhow::Result<()> {
    match command {
        FirmwareCommand::Upload {
            file,
            version,
            product_class,
            oui,
            name,
            acs,
            replace,
            json,
        } => {
            let name = match name {
                Some(n) => n,
                None => file
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .with_context(|| format!("{} names no file", file.display()))?,
            };
            let services = ctx.services().await?;
            // A bar on a terminal; nothing in a pipe or a log (the result line says it).
            let bar = std::io::stderr().is_terminal().then(|| {
                let bar = indicatif::ProgressBar::new(0);
                if let Ok(style) = indicatif::ProgressStyle::with_template(
                    "{msg} [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec}",
                ) {
                    bar.set_style(style.progress_chars("=> "));
                }
                bar.set_message(format!("uploading {name}"));
                bar
            });
            let shown = bar.clone();
            let uploaded = services
                .upload_firmware_file(
                    &file,
                    UploadFirmwareRequest {
                        upload: None,
                        name: name.clone(),
                        version,
                        product_class,
                        oui,
                        acs,
                        replace,
                    },
                    move |sent, total| {
                        if let Some(bar) = &shown {
                            bar.set_length(total);
                            bar.set_position(sent);
                        }
                    },
                )
                .await;
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
            let uploaded = uploaded.map_err(app_err)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&uploaded)?);
            } else {
                let i = &uploaded.image;
                println!(
                    "Uploaded {} ({}) to {}: version {} for {} (OUI {}); {} router(s) of that model run an older version.",
                    i.name,
                    size(i.size),
                    i.acs,
                    i.version.as_deref().unwrap_or("?"),
                    i.product_class.as_deref().unwrap_or("?"),
                    i.oui.as_deref().unwrap_or("?"),
                    uploaded.routers_behind
                );
            }
            Ok(())
        }
        FirmwareCommand::List { json } => {
            let library = ctx
                .services()
                .await?
                .firmware_library()
                .await
                .map_err(app_err)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&library)?);
                return Ok(());
            }
            for (acs, why) in &library.unreachable {
                eprintln!("acsdesk: {acs}: {why}");
            }
            println!("Images");
            if library.images.is_empty() {
                println!("  none: upload one with `acsdesk firmware upload FILE --version V`");
            }
            for i in &library.images {
                println!(
                    "  {:<40} {:<24} {:<16} {:>9}  {}",
                    i.name,
                    i.version.as_deref().unwrap_or("(no version)"),
                    i.product_class.as_deref().unwrap_or("(any model)"),
                    size(i.size),
                    i.acs
                );
            }
            println!("Models");
            if library.models.is_empty() {
                println!("  no routers yet");
            }
            for m in &library.models {
                println!(
                    "  {} {} ({}, OUI {}) on {}: {} router(s){}{}",
                    m.vendor.as_deref().unwrap_or(""),
                    m.model.as_deref().unwrap_or(""),
                    m.product_class,
                    m.oui,
                    m.acs,
                    m.devices,
                    match &m.latest {
                        Some(l) => format!(", newest image {l}, {} behind", m.behind),
                        None => ", no image in the library".into(),
                    },
                    if m.kind == ImageKind::PackageList {
                        format!(" — takes {}", m.kind.describe())
                    } else {
                        String::new()
                    }
                );
                for v in &m.versions {
                    println!(
                        "      {:>6}  {}{}",
                        v.devices,
                        v.version.as_deref().unwrap_or("(not reported)"),
                        if v.behind { "  behind" } else { "" }
                    );
                }
            }
            Ok(())
        }
        FirmwareCommand::Rollout(c) => rollout(ctx, c).await,
        FirmwareCommand::Delete { name, acs, yes } => {
            super::act::confirm(&format!("Delete the image {name:?} from GenieACS?"), yes)?;
            ctx.services()
                .await?
                .delete_firmware(DeleteFirmwareRequest {
                    name: name.clone(),
                    acs,
                })
                .await
                .map_err(app_err)?;
            println!("Deleted {name}.");
            Ok(())
        }
    }
}

/// A rollout as JSON, or its one line.
fn show(r: &RolloutInfo, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(r)?);
    } else {
        println!("{}", rollout_line(r));
    }
    Ok(())
}

/// One line on where a rollout stands.
fn rollout_line(r: &RolloutInfo) -> String {
    let t = r.totals();
    format!(
        "Rollout {} of {} ({} → {}): {} — {} updated, {} failed, {} running, {} waiting, {} skipped of {}",
        r.id,
        r.spec.file,
        r.acs,
        r.version.as_deref().unwrap_or("?"),
        r.state.as_str(),
        t.done,
        t.failed,
        t.running,
        t.waiting,
        t.skipped,
        t.size
    )
}

/// A log line: its time (in `zone`, else this machine's), level and message.
fn log_line(l: &RolloutLogEntry, zone: Option<&str>) -> String {
    format!(
        "{}  {:<7} {}",
        acsdesk_time::window::local_label(l.at_ms, zone),
        l.level,
        l.message
    )
}

fn print_rollout(r: &RolloutInfo) {
    println!("{}", rollout_line(r));
    if let Some(why) = &r.reason {
        println!("  {why}");
    }
    let zone = r.spec.window.as_ref().map(|w| w.time_zone.as_str());
    let mut pace = format!("{} at once", r.spec.concurrency);
    if let Some(rate) = r.spec.rate_per_hour {
        pace.push_str(&format!(", at most {rate}/h"));
    }
    if let Some(w) = &r.spec.window {
        pace.push_str(&format!(", only {w}"));
    }
    println!("  pace: {pace}");
    if let Some(t) = r.window_opens_ms {
        println!(
            "  outside its window: updates start again {}",
            acsdesk_time::window::local_label(t, zone)
        );
    }
    if let Some(t) = r.eta_ms {
        println!(
            "  estimated finish: {}",
            acsdesk_time::window::local_label(t, zone)
        );
    }
    for b in &r.batches {
        println!(
            "  {:<8} {:>5} routers: {} updated, {} failed, {} running, {} waiting, {} skipped",
            r.batch_label(b),
            b.size,
            b.done,
            b.failed,
            b.running,
            b.waiting,
            b.skipped
        );
    }
    for f in &r.failures {
        println!("  failed  {} ({}): {}", f.serial, f.device, f.reason);
    }
    for s in &r.skipped {
        println!("  skipped {} ({}): {}", s.serial, s.device, s.reason);
    }
}

/// Follows a rollout, running the action runner's passes (which move it), until it
/// completes (Ok) or stops otherwise (an error saying why).
async fn follow(services: &acsdesk_app::Services, id: i64) -> anyhow::Result<RolloutInfo> {
    let runner = ActionRunner::new(
        services.tenant().clone(),
        acsdesk_core::clock::system(),
        DEFAULT_CONCURRENCY,
    );
    let acs = services.rollout(id).await.map_err(app_err)?.acs;
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(0);
        if let Ok(style) = indicatif::ProgressStyle::with_template("[{bar:40}] {pos}/{len} {msg}") {
            bar.set_style(style.progress_chars("=> "));
        }
        bar
    });
    let mut last = String::new();
    let outcome = loop {
        let pass = match runner.pass(&acs).await {
            Ok(p) => p,
            Err(e) => break Err(app_err(e)),
        };
        for e in &pass.errors {
            eprintln!("acsdesk: {e}");
        }
        if !pass.deliveries.is_empty() {
            if let Ok(outcomes) =
                acsdesk_app::pipeline::deliver(services.tenant(), &pass.deliveries, services.now())
                    .await
            {
                for o in outcomes {
                    if let Err(e) = o.result {
                        eprintln!("acsdesk: alert channel {}: {e}", o.channel);
                    }
                }
            }
        }
        let r = match services.rollout(id).await {
            Ok(r) => r,
            Err(e) => break Err(app_err(e)),
        };
        let line = rollout_line(&r);
        let t = r.totals();
        match &bar {
            Some(bar) => {
                bar.set_length(t.size);
                bar.set_position(t.done + t.failed + t.skipped);
                bar.set_message(format!(
                    "{} — {} failed, {} running",
                    r.state.as_str(),
                    t.failed,
                    t.running
                ));
            }
            None if line != last => eprintln!("{line}"),
            None => {}
        }
        last = line;
        if r.state != RolloutState::Running {
            break Ok(r);
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    };
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    runner.release().await;
    // What the routers now run goes into the store at once, as after `act --wait`.
    if let Ok(round) =
        acsdesk_app::pipeline::sync_round(services.tenant(), &acs, false, services.now(), |_| {})
            .await
    {
        if !round.deliveries.is_empty() {
            let _ = acsdesk_app::pipeline::deliver(
                services.tenant(),
                &round.deliveries,
                services.now(),
            )
            .await;
        }
    }
    let r = outcome?;
    match r.state {
        RolloutState::Completed => Ok(r),
        _ => {
            print_rollout(&r);
            anyhow::bail!(
                "rollout {} is {}{}",
                r.id,
                r.state.as_str(),
                r.reason
                    .as_deref()
                    .map(|w| format!(": {w}"))
                    .unwrap_or_default()
            )
        }
    }
}

async fn rollout(ctx: &Ctx, command: RolloutCommand) -> anyhow::Result<()> {
    let services = ctx.services().await?;
    match command {
        RolloutCommand::Start {
            file,
            acs,
            model,
            from_version,
            linked,
            canary,
            batch,
            pause,
            max_failures,
            concurrency,
            rate,
            window,
            days,
            time_zone,
            wait,
            json,
        } => {
            let max_failures = FailureThreshold::parse(&max_failures)
                .map_err(|e| anyhow::anyhow!("--max-failures {e}"))?;
            let window = match window {
                None => None,
                Some(hours) => {
                    let tz = time_zone
                        .or_else(acsdesk_time::window::system_time_zone)
                        .context("this machine names no time zone: give the window's with --time-zone (e.g. Europe/Berlin)")?;
                    Some(
                        RolloutWindow::parse(&hours, days.as_deref(), &tz)
                            .map_err(|e| anyhow::anyhow!("--window {e}"))?,
                    )
                }
            };
            let r = services
                .start_rollout(RolloutSpec {
                    file,
                    acs,
                    model,
                    from_version,
                    linked_only: linked,
                    canary,
                    batch,
                    pause_min: pause,
                    concurrency,
                    max_failures,
                    rate_per_hour: rate,
                    window,
                    standing: None,
                })
                .await
                .map_err(app_err)?;
            if !json {
                println!(
                    "Started rollout {}: {} routers, {} batch(es).",
                    r.id,
                    r.totals().size,
                    r.batches.len()
                );
            }
            let r = if wait {
                follow(&services, r.id).await?
            } else {
                r
            };
            if json {
                println!("{}", serde_json::to_string_pretty(&r)?);
            } else if wait {
                print_rollout(&r);
            }
            Ok(())
        }
        RolloutCommand::List { json } => {
            let all = services.list_rollouts().await.map_err(app_err)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&all)?);
            } else if all.is_empty() {
                println!("no rollouts");
            } else {
                for r in &all {
                    println!("{}", rollout_line(r));
                }
            }
            Ok(())
        }
        RolloutCommand::Status { id, json } => {
            let r = services.rollout(id).await.map_err(app_err)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&r)?);
            } else {
                print_rollout(&r);
                let log = services.rollout_log(id).await.map_err(app_err)?;
                if !log.is_empty() {
                    println!(
                        "  log (last 10 lines; all with `acsdesk firmware rollout log {id}`):"
                    );
                }
                let zone = r.spec.window.as_ref().map(|w| w.time_zone.as_str());
                for l in log.iter().skip(log.len().saturating_sub(10)) {
                    println!("    {}", log_line(l, zone));
                }
            }
            Ok(())
        }
        RolloutCommand::Log { id, json } => {
            let log = services.rollout_log(id).await.map_err(app_err)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&log)?);
            } else {
                // Times in the window's time zone, else this machine's.
                let r = services.rollout(id).await.map_err(app_err)?;
                let zone = r.spec.window.as_ref().map(|w| w.time_zone.as_str());
                for l in &log {
                    println!("{}", log_line(l, zone));
                }
            }
            Ok(())
        }
        RolloutCommand::Pause { id, json } => {
            let r = services.pause_rollout(id).await.map_err(app_err)?;
            show(&r, json)
        }
        RolloutCommand::Resume { id, wait, json } => {
            let mut r = services.resume_rollout(id).await.map_err(app_err)?;
            if !json {
                println!("{}", rollout_line(&r));
            }
            if wait {
                r = follow(&services, id).await?;
                if !json {
                    print_rollout(&r);
                }
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&r)?);
            }
            Ok(())
        }
        RolloutCommand::Cancel { id, yes, json } => {
            super::act::confirm(
                &format!("Cancel rollout {id}? Routers not yet updated are left as they are."),
                yes,
            )?;
            let r = services.cancel_rollout(id).await.map_err(app_err)?;
            show(&r, json)
        }
    }
}
