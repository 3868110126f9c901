//! `acsdesk sync [--acs NAME] [--full]` with a progress bar, and `acsdesk watch`: each
//! connection's round through the shared pipeline (sync, faults, health, alerts), the new
//! alerts printed and delivered, samples rolled up.

use super::Ctx;
use crate::cli::SyncArgs;
use acsdesk_app::pipeline::{deliver, sync_round};
use acsdesk_core::store::TenantStore;
use acsdesk_core::sync::{SyncProgress, SyncReport};
use indicatif::{ProgressBar, ProgressStyle};

/// Runs the shared round of one connection ([`acsdesk_app::pipeline::sync_round`]: sync,
/// faults, health, alerts) and delivers what it raised: each new alert printed and sent
/// to the tenant's channels (a channel that fails is reported, not fatal).
async fn round(
    tenant: &TenantStore,
    acs: &str,
    full: bool,
    on_progress: impl FnMut(SyncProgress),
) -> anyhow::Result<Result<SyncReport, String>> {
    let now = acsdesk_core::clock::system_now_ms();
    let round = sync_round(tenant, acs, full, now, on_progress).await?;
    for d in &round.deliveries {
        let (summary, body) = d.text();
        println!("ALERT: {summary} — {body}");
    }
    match deliver(tenant, &round.deliveries, now).await {
        Ok(outcomes) => {
            for o in outcomes {
                if let Err(e) = o.result {
                    eprintln!("alert channel {}: {e}", o.channel);
                }
            }
        }
        Err(e) => eprintln!("alert channels: {e}"),
    }
    // Cheap after every run: it continues from where the last stopped.
    tenant.maintain_samples(now).await?;
    Ok(round.sync.map_err(|e| format!("{acs}: {e}")))
}

pub(crate) async fn run(ctx: &Ctx, args: &SyncArgs) -> anyhow::Result<()> {
    let tenant = ctx.tenant().await?;
    let connections = tenant.list_acs().await?;
    anyhow::ensure!(
        !connections.is_empty(),
        "this tenant has no ACS connection: add one with `acsdesk acs add`"
    );
    anyhow::ensure!(
        args.acs
            .as_ref()
            .is_none_or(|n| connections.iter().any(|a| &a.name == n)),
        "no ACS connection named {:?}",
        args.acs.as_deref().unwrap_or_default()
    );
    let mut failed = Vec::new();
    for acs in connections
        .iter()
        .filter(|a| args.acs.as_ref().is_none_or(|n| n == &a.name))
    {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{prefix} {msg} [{bar:40}] {pos}/{len} devices ({eta})")
                .map_err(|e| anyhow::anyhow!(e.to_string()))?
                .progress_chars("=> "),
        );
        bar.set_prefix(acs.name.clone());
        let result = round(&tenant, &acs.name, args.full, |p| {
            bar.set_message(match p.mode {
                acsdesk_core::sync::SyncMode::Full => "full",
                acsdesk_core::sync::SyncMode::Incremental => "incremental",
            });
            bar.set_length(p.total);
            bar.set_position(p.done);
        })
        .await?;
        bar.finish_and_clear();
        match result {
            Ok(report) => println!(
                "{}: {} sync, {} devices fetched, {} new, {} back online, {} went offline, {} gone from GenieACS{}",
                acs.name,
                if report.full { "full" } else { "incremental" },
                report.fetched,
                report.discovered,
                report.came_online,
                report.went_offline,
                report.disappeared,
                if report.skipped.is_empty() { String::new() } else { format!(", {} skipped", report.skipped.len()) }
            ),
            Err(e) => {
                eprintln!("{e}");
                failed.push(acs.name.clone());
            }
        }
    }
    anyhow::ensure!(
        failed.is_empty(),
        "sync failed for {}; cached data is unchanged",
        failed.join(", ")
    );
    Ok(())
}

/// `acsdesk watch`: sync every connection, evaluate alerts, print new ones; repeat.
pub(crate) async fn watch(ctx: &Ctx, args: &crate::cli::WatchArgs) -> anyhow::Result<()> {
    let tenant = ctx.tenant().await?;
    let connections = tenant.list_acs().await?;
    anyhow::ensure!(
        !connections.is_empty(),
        "this tenant has no ACS connection: add one with `acsdesk acs add`"
    );
    let every = args.interval.unwrap_or_else(|| {
        connections
            .iter()
            .map(|a| a.interval_s.max(5) as u64)
            .min()
            .unwrap_or(60)
    });
    println!(
        "Watching {} connection(s) of \"{}\" every {every} s. Ctrl-C to stop.",
        connections.len(),
        tenant.name()
    );
    loop {
        for acs in &connections {
            let now = acsdesk_core::clock::system_now_ms();
            match round(&tenant, &acs.name, false, |_| {}).await? {
                Ok(r) => println!(
                    "{} {}: {} fetched, {} back online, {} went offline",
                    acsdesk_time::iso(now),
                    acs.name,
                    r.fetched,
                    r.came_online,
                    r.went_offline
                ),
                Err(e) => eprintln!("{} sync failed: {e}", acsdesk_time::iso(now)),
            }
        }
        println!("{} open alert(s)", tenant.open_alert_count().await?);
        if args.once {
            return Ok(());
        }
        tokio::select! {
            _ = tokio::signal::ctrl_c() => return Ok(()),
            _ = tokio::time::sleep(std::time::Duration::from_secs(every)) => {}
        }
    }
}
