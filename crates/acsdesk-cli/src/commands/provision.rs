//! `acsdesk provision …`: what AcsDesk installs into the tenant's GenieACS servers (shown
//! as a plan with diffs, installed, uninstalled), what one router will get, and the
//! provisioning profile.

use super::{app_err, Ctx};
use crate::cli::{ProfileArgs, ProvisionArgs, ProvisionCommand, YesNo};
use acsdesk_types::firmware::FirmwareTarget;
use acsdesk_types::provisioning::{ProvisioningProfile, ProvisioningReport};
use acsdesk_types::Monitored;
use acsdesk_types::ProvisionMode;

pub(crate) async fn run(ctx: &Ctx, command: ProvisionCommand) -> anyhow::Result<()> {
    match command {
        ProvisionCommand::Status(a) => plan(ctx, &a, ProvisionMode::Status).await,
        ProvisionCommand::Install(a) => plan(ctx, &a, ProvisionMode::Install).await,
        ProvisionCommand::Uninstall(a) => plan(ctx, &a, ProvisionMode::Uninstall).await,
        ProvisionCommand::Show { serial, json } => show(ctx, &serial, json).await,
        ProvisionCommand::Profile(a) => profile(ctx, &a).await,
    }
}

async fn plan(ctx: &Ctx, args: &ProvisionArgs, mode: ProvisionMode) -> anyhow::Result<()> {
    let services = ctx.services().await?;
    let report = services
        .provision(args.acs.as_deref(), mode, args.dry_run)
        .await
        .map_err(app_err)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&report, mode, args.dry_run);
    }
    let failed: Vec<String> = report
        .connections
        .iter()
        .filter_map(|c| c.error.as_ref().map(|e| format!("{}: {e}", c.acs)))
        .collect();
    if !failed.is_empty() {
        anyhow::bail!("{}", failed.join("; "));
    }
    Ok(())
}

fn print_report(report: &ProvisioningReport, mode: ProvisionMode, dry_run: bool) {
    for c in &report.connections {
        println!("ACS {}:", c.acs);
        if let Some(e) = &c.error {
            println!("  could not be read or written: {e}");
            continue;
        }
        for o in &c.objects {
            println!("  {:<9} {:<22} {}", o.kind, o.name, o.step);
            if let Some(diff) = &o.diff {
                for line in diff.lines() {
                    println!("      {line}");
                }
            }
        }
        let r = c.routers;
        println!(
            "  routers: {} awaiting their configuration, {} configured; presets {} to create, {} to update, {} unchanged, {} to remove",
            r.awaiting, r.configured, r.create, r.update, r.unchanged, r.remove
        );
        let outcome = match (mode, dry_run, c.applied) {
            (ProvisionMode::Status, ..) => {
                "nothing written (`acsdesk provision install` writes it)"
            }
            (_, true, _) => "dry run: nothing written",
            (_, false, true) => "written",
            (_, false, false) => "not written",
        };
        println!("  {outcome}");
        for w in &c.warnings {
            println!("  warning: {w}");
        }
    }
    for r in &report.refused {
        println!(
            "refused: subscriber {} (router {}): {}: {}",
            r.account, r.serial, r.field, r.reason
        );
    }
}

async fn show(ctx: &Ctx, serial: &str, json: bool) -> anyhow::Result<()> {
    let services = ctx.services().await?;
    let r = services
        .router_provisioning(serial)
        .await
        .map_err(app_err)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&r)?);
        return Ok(());
    }
    let set = |b: bool| if b { "set (hidden)" } else { "left alone" };
    let seen = if r.known {
        "seen in the ACS"
    } else {
        "waiting for first contact"
    };
    println!(
        "router {} of subscriber {}: {} ({seen})",
        r.serial, r.account, r.state
    );
    if let Some(why) = &r.refused {
        println!("  cannot be applied: {why}");
        return Ok(());
    }
    if let Some(v) = &r.version {
        println!("  configuration version {v} (tag acsdesk-cfg-{v} once applied)");
    }
    println!(
        "  PPPoE user:     {}",
        r.pppoe_username.as_deref().unwrap_or("left alone")
    );
    println!("  PPPoE password: {}", set(r.pppoe_password));
    println!(
        "  WiFi name:      {}",
        r.ssid.as_deref().unwrap_or("left alone")
    );
    println!("  WiFi password:  {}", set(r.wifi_passphrase));
    if let Some(u) = &r.connection_request_username {
        println!("  connection request: its own user {u} and password (set once, never shown)");
    }
    if let Some(p) = &r.preset {
        println!("  preset:\n{}", indent(p));
    }
    if r.state != "configured" {
        // The technician's steps: the likely vendor's, or every vendor's.
        for v in r
            .instructions
            .iter()
            .filter(|v| r.vendor.as_ref().is_none_or(|guess| *guess == v.vendor))
        {
            println!("  on a {} router:", v.vendor);
            for (i, step) in v.steps.iter().enumerate() {
                println!("    {}. {step}", i + 1);
            }
        }
    }
    Ok(())
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn pattern(v: &str) -> Option<String> {
    (!v.is_empty()).then(|| v.to_owned())
}

async fn profile(ctx: &Ctx, args: &ProfileArgs) -> anyhow::Result<()> {
    let services = ctx.services().await?;
    let mut p: ProvisioningProfile = services.provisioning_profile().await.map_err(app_err)?;
    let before = p.clone();
    if let Some(v) = args.inform_interval {
        p.inform_interval_s = v;
    }
    if let Some(v) = args.pppoe {
        p.pppoe = v == YesNo::Yes;
    }
    if let Some(v) = &args.ssid_pattern {
        p.ssid_pattern = pattern(v);
    }
    if let Some(v) = &args.passphrase_pattern {
        p.passphrase_pattern = pattern(v);
    }
    if let Some(v) = &args.ssid_5ghz_suffix {
        p.ssid_5ghz_suffix = v.clone();
    }
    if let Some(v) = args.own_connection_request {
        p.per_router_connection_request = v == YesNo::Yes;
    }
    if let Some(list) = &args.monitor {
        let mut chosen = Vec::new();
        for word in list.iter().map(|w| w.trim()).filter(|w| !w.is_empty()) {
            let m = Monitored::parse(word).ok_or_else(|| {
                anyhow::anyhow!(
                    "--monitor: {word:?} is not one of {}",
                    Monitored::ALL
                        .iter()
                        .map(|m| m.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?;
            if !chosen.contains(&m) {
                chosen.push(m);
            }
        }
        p.monitoring = chosen;
    }
    for gone in &args.clear_firmware_target {
        let n = p.firmware_targets.len();
        p.firmware_targets.retain(|t| {
            !(t.file == *gone
                || t.product_class
                    .as_deref()
                    .is_some_and(|pc| pc.eq_ignore_ascii_case(gone)))
        });
        if p.firmware_targets.len() == n {
            anyhow::bail!("--clear-firmware-target: no target for {gone:?}");
        }
    }
    for file in &args.firmware_target {
        p.firmware_targets.retain(|t| t.file != *file);
        p.firmware_targets.push(FirmwareTarget {
            file: file.clone(),
            acs: args.firmware_target_acs.clone(),
            product_class: None,
            oui: None,
            version: None,
        });
    }
    if p != before {
        services
            .set_provisioning_profile(&p)
            .await
            .map_err(app_err)?;
    }
    // As saved: the targets filled in from GenieACS.
    let p = services.provisioning_profile().await.map_err(app_err)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&p)?);
        return Ok(());
    }
    let or_sub = |v: &Option<String>| v.clone().unwrap_or_else(|| "the subscriber's".into());
    println!("inform interval:   {} s", p.inform_interval_s);
    println!(
        "PPPoE:             {}",
        if p.pppoe {
            "the subscriber's"
        } else {
            "left alone"
        }
    );
    println!("WiFi name:         {}", or_sub(&p.ssid_pattern));
    println!("WiFi passphrase:   {}", or_sub(&p.passphrase_pattern));
    println!("5 GHz name suffix: {:?}", p.ssid_5ghz_suffix);
    println!(
        "connection request: {}",
        if p.per_router_connection_request {
            "each router its own credentials"
        } else {
            "left alone"
        }
    );
    println!(
        "monitoring:        {}",
        p.monitoring
            .iter()
            .map(|m| m.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    if p.firmware_targets.is_empty() {
        println!("firmware targets:  none");
    }
    for t in &p.firmware_targets {
        println!(
            "firmware target:   new {} routers are brought to {} ({} on {})",
            t.product_class.as_deref().unwrap_or("?"),
            t.version.as_deref().unwrap_or("?"),
            t.file,
            t.acs.as_deref().unwrap_or("?")
        );
    }
    if p != before {
        println!(
            "saved; firmware targets act at once, the rest reaches GenieACS with `acsdesk provision install`"
        );
    }
    Ok(())
}
