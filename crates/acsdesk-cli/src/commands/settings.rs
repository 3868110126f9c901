//! `acsdesk settings`: the tenant's sync, presence, retention and alert settings, shown
//! or changed. Every value is checked before any is saved.

use super::Ctx;
use crate::cli::SettingsArgs;

pub(crate) async fn run(ctx: &Ctx, args: &SettingsArgs) -> anyhow::Result<()> {
    let tenant = ctx.tenant().await?;
    let mut sync = tenant.sync_settings().await?;
    let mut offline_after = tenant.offline_after_min().await?;
    let before = (sync, offline_after);
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
    if (sync, offline_after) != before {
        sync.validate()?;
        anyhow::ensure!(
            (1..=1440).contains(&offline_after),
            "offline_after: choose between 1 and 1440 minutes (got {offline_after})"
        );
        tenant.set_sync_settings(&sync).await?;
        tenant.set_offline_after_min(offline_after).await?;
    }
    if args.json {
        let mut value = serde_json::to_value(sync)?;
        value["offline_after_min"] = offline_after.into();
        println!("{}", serde_json::to_string_pretty(&value)?);
        return Ok(());
    }
    println!("Settings of tenant \"{}\":", tenant.name());
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
    Ok(())
}
