//! `acsdesk sync [--acs NAME] [--full]` with a progress bar, and `acsdesk watch`: each
//! connection's round through the shared pipeline (sync, faults, health, alerts), the new
//! alerts printed and delivered, samples rolled up. `watch` also sends and follows the
//! tenant's queued actions (while it holds their connection's lease).

use super::Ctx;
use crate::cli::SyncArgs;
use acsdesk_app::pipeline::{deliver, sync_round};
use acsdesk_app::runner::{ActionRunner, DEFAULT_CONCURRENCY};
use acsdesk_core::actions::worker::Outcome;
use acsdesk_core::alerts::reconcile::Delivery;
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
    announce(tenant, &round.deliveries, now).await;
    // Cheap after every run: it continues from where the last stopped.
    tenant.maintain_samples(now).await?;
    Ok(round.sync.map_err(|e| format!("{acs}: {e}")))
}

/// Prints each new alert and sends it to the tenant's channels (a channel that fails is
/// reported, not fatal).
async fn announce(tenant: &TenantStore, deliveries: &[Delivery], now: i64) {
    for d in deliveries {
        let (summary, body) = d.text();
        println!("ALERT: {summary} — {body}");
    }
    match deliver(tenant, deliveries, now).await {
        Ok(outcomes) => {
            for o in outcomes {
                if let Err(e) = o.result {
                    eprintln!("alert channel {}: {e}", o.channel);
                }
            }
        }
        Err(e) => eprintln!("alert channels: {e}"),
    }
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
        "Watching {} connection(s) of \"{}\" every {every} s, sending their queued actions. Ctrl-C to stop.",
        connections.len(),
        tenant.name()
    );
    let names: Vec<String> = connections.into_iter().map(|a| a.name).collect();
    let runner = ActionRunner::new(
        tenant.clone(),
        acsdesk_core::clock::system(),
        DEFAULT_CONCURRENCY,
    );
    let watched = watch_loop(&tenant, &runner, &names, every, args.once).await;
    // Another process (the desktop) takes the queue over at once.
    runner.release().await;
    watched
}

/// How often `watch` sends and follows actions between its sync rounds.
const ACTION_PASS_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

async fn watch_loop(
    tenant: &TenantStore,
    runner: &ActionRunner,
    connections: &[String],
    every: u64,
    once: bool,
) -> anyhow::Result<()> {
    let mut next_sync = tokio::time::Instant::now();
    let mut holders = std::collections::HashMap::new();
    loop {
        if tokio::time::Instant::now() >= next_sync {
            next_sync = tokio::time::Instant::now() + std::time::Duration::from_secs(every);
            for acs in connections {
                let now = acsdesk_core::clock::system_now_ms();
                match round(tenant, acs, false, |_| {}).await? {
                    Ok(r) => println!(
                        "{} {acs}: {} fetched, {} back online, {} went offline",
                        acsdesk_time::iso(now),
                        r.fetched,
                        r.came_online,
                        r.went_offline
                    ),
                    Err(e) => eprintln!("{} sync failed: {e}", acsdesk_time::iso(now)),
                }
            }
            let (open, acknowledged) = tenant.alert_state_counts().await?;
            println!("{open} open alert(s), {acknowledged} acknowledged");
        }
        for acs in connections {
            let pass = match runner.pass(acs).await {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("{acs}: actions: {e}");
                    continue;
                }
            };
            // Say when the queue changes hands, not at every pass.
            if holders.get(acs) != Some(&pass.held_by) {
                match &pass.held_by {
                    Some(owner) => println!("{acs}: another AcsDesk ({owner}) sends the actions"),
                    None if holders.contains_key(acs) => println!("{acs}: sending the actions"),
                    None => {}
                }
                holders.insert(acs.clone(), pass.held_by.clone());
            }
            for o in pass.sent.iter().chain(&pass.followed) {
                match o {
                    Outcome::Completed(id) => println!("{acs}: action {id} completed"),
                    Outcome::Failed(id, why) => println!("{acs}: action {id} failed: {why}"),
                    _ => {}
                }
            }
            for e in &pass.errors {
                eprintln!("{acs}: actions: {e}");
            }
            announce(
                tenant,
                &pass.deliveries,
                acsdesk_core::clock::system_now_ms(),
            )
            .await;
        }
        if once {
            return Ok(());
        }
        tokio::select! {
            _ = tokio::signal::ctrl_c() => return Ok(()),
            _ = tokio::time::sleep(ACTION_PASS_EVERY) => {}
        }
    }
}
