//! `acsdesk sync [--acs NAME] [--full]` with a progress bar, and `acsdesk watch`: sync,
//! record each connection's health, roll samples up, evaluate alerts.

use super::Ctx;
use crate::cli::SyncArgs;
use acsdesk_core::desk::connection_client;
use acsdesk_core::store::TenantStore;
use acsdesk_core::sync::nbi::NbiSource;
use acsdesk_core::sync::round::sync_connection;
use acsdesk_core::sync::{SyncProgress, SyncReport};
use indicatif::{ProgressBar, ProgressStyle};

/// Syncs one connection, folding the outcome into its recorded health. A connection
/// that fails leaves its cached devices as they were.
async fn sync_one(
    tenant: &TenantStore,
    acs: &str,
    full: bool,
    on_progress: impl FnMut(SyncProgress),
) -> anyhow::Result<SyncReport> {
    let now = acsdesk_core::clock::system_now_ms();
    let outcome = async {
        let (_, client) = connection_client(tenant, acs)
            .await
            .map_err(|e| anyhow::anyhow!(e.message))?;
        let source = NbiSource::new(client.clone());
        let report = sync_connection(tenant, acs, &source, full, now, on_progress).await?;
        if let Err(e) = acsdesk_core::sync::round::refresh_faults(tenant, acs, &client).await {
            eprintln!("{acs}: GenieACS's faults could not be refreshed: {e}");
        }
        Ok::<_, anyhow::Error>(report)
    }
    .await;
    let message = outcome.as_ref().err().map(|e| e.to_string());
    tenant
        .record_sync_outcome(acs, message.as_deref().map_or(Ok(()), Err), now)
        .await?;
    outcome.map_err(|e| anyhow::anyhow!("{acs}: {e}"))
}

/// Rolls samples up, evaluates the alerts, prints the new ones and sends them to the
/// tenant's channels (a channel that fails is reported, not fatal).
async fn alerts_after_sync(tenant: &TenantStore) -> anyhow::Result<()> {
    let now = acsdesk_core::clock::system_now_ms();
    tenant.maintain_samples(now).await?;
    let config = tenant.alert_config().await?;
    let acs = tenant.acs_states().await?;
    let deliveries = acsdesk_core::alerts::engine::evaluate(tenant, &acs, &config, now).await?;
    for d in &deliveries {
        let (summary, body) = d.text();
        println!("ALERT: {summary} — {body}");
    }
    if !deliveries.is_empty() {
        let outbound = acsdesk_core::alerts::channels::Outbound::new(Default::default())?;
        for o in
            acsdesk_core::alerts::deliver::to_channels(tenant, &deliveries, &outbound, now).await?
        {
            if let Err(e) = o.result {
                eprintln!("alert channel {}: {e}", o.channel);
            }
        }
    }
    Ok(())
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
        let result = sync_one(&tenant, &acs.name, args.full, |p| {
            bar.set_message(match p.mode {
                acsdesk_core::sync::SyncMode::Full => "full",
                acsdesk_core::sync::SyncMode::Incremental => "incremental",
            });
            bar.set_length(p.total);
            bar.set_position(p.done);
        })
        .await;
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
    // Alerts are evaluated after every sync, with what the store holds, even when a
    // connection failed: the others' devices still count.
    alerts_after_sync(&tenant).await?;
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
            match sync_one(&tenant, &acs.name, false, |_| {}).await {
                Ok(r) => println!(
                    "{} {}: {} fetched, {} back online, {} went offline",
                    acsdesk_sandbox::iso(now),
                    acs.name,
                    r.fetched,
                    r.came_online,
                    r.went_offline
                ),
                Err(e) => eprintln!("{} sync failed: {e}", acsdesk_sandbox::iso(now)),
            }
        }
        alerts_after_sync(&tenant).await?;
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
