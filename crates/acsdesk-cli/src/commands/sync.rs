//! `acsdesk sync [--acs NAME] [--full]`, with a progress bar.

use super::Ctx;
use crate::cli::SyncArgs;
use acsdesk_core::desk::connection_client;
use acsdesk_core::sync::nbi::NbiSource;
use acsdesk_core::sync::{sync_once, SyncOptions};
use indicatif::{ProgressBar, ProgressStyle};

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
    for acs in connections
        .iter()
        .filter(|a| args.acs.as_ref().is_none_or(|n| n == &a.name))
    {
        let (_, client) = connection_client(&tenant, &acs.name)
            .await
            .map_err(|e| anyhow::anyhow!(e.message))?;
        let source = NbiSource::new(client);
        let sink = tenant.sync_store(&acs.name).await?;
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{prefix} [{bar:40}] {pos}/{len} devices ({eta})")
                .map_err(|e| anyhow::anyhow!(e.to_string()))?
                .progress_chars("=> "),
        );
        bar.set_prefix(acs.name.clone());
        let options = SyncOptions {
            force_full: args.full,
            ..SyncOptions::default()
        };
        let now = acsdesk_core::clock::system_now_ms();
        let report = sync_once(&source, &sink, &options, now, |p| {
            bar.set_length(p.total);
            bar.set_position(p.done);
        })
        .await
        .map_err(|e| anyhow::anyhow!("{}: {e}", acs.name))?;
        bar.finish_and_clear();
        println!(
            "{}: {} sync, {} devices fetched, {} new, {} back online, {} went offline, {} gone from GenieACS{}",
            acs.name,
            if report.full { "full" } else { "incremental" },
            report.fetched,
            report.discovered,
            report.came_online,
            report.went_offline,
            report.disappeared,
            if report.skipped.is_empty() { String::new() } else { format!(", {} skipped", report.skipped.len()) }
        );
        tenant
            .roll_up_and_prune(now, acsdesk_core::store::samples::Retention::default())
            .await?;
    }
    // Alerts are evaluated after every sync.
    let deliveries = acsdesk_core::alerts::engine::evaluate(
        &tenant,
        &[],
        &Default::default(),
        acsdesk_core::clock::system_now_ms(),
    )
    .await?;
    for d in deliveries {
        let (summary, body) = d.text();
        println!("ALERT: {summary} — {body}");
    }
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
            let (_, client) = connection_client(&tenant, &acs.name)
                .await
                .map_err(|e| anyhow::anyhow!(e.message))?;
            let source = NbiSource::new(client);
            let sink = tenant.sync_store(&acs.name).await?;
            let now = acsdesk_core::clock::system_now_ms();
            match sync_once(&source, &sink, &SyncOptions::default(), now, |_| {}).await {
                Ok(r) => println!(
                    "{} {}: {} fetched, {} back online, {} went offline",
                    acsdesk_sandbox::iso(now),
                    acs.name,
                    r.fetched,
                    r.came_online,
                    r.went_offline
                ),
                Err(e) => eprintln!(
                    "{} {}: sync failed: {e}",
                    acsdesk_sandbox::iso(now),
                    acs.name
                ),
            }
        }
        let now = acsdesk_core::clock::system_now_ms();
        for d in
            acsdesk_core::alerts::engine::evaluate(&tenant, &[], &Default::default(), now).await?
        {
            let (summary, body) = d.text();
            println!("ALERT: {summary} — {body}");
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
