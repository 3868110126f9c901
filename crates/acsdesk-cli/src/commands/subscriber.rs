//! `acsdesk subscriber add|list|show|link|unlink|remove|import|export`: the tenant's
//! subscribers and the routers linked to them. Passwords are read from stdin and never
//! printed; an export holds them only when asked for. Where auto-provisioning is
//! installed, a change reaches GenieACS at once (an online router is summoned).

use super::{app_err, Ctx};
use crate::cli::{SubscriberArgs, SubscriberCommand};
use acsdesk_app::Services;
use acsdesk_core::store::subscribers::{Subscriber, SubscriberFilter, SubscriberInput};
use acsdesk_types::input::{PppoePassword, PppoeUsername, SerialNumber, Ssid, WpaPassphrase};
use acsdesk_types::subscribers::{
    ExportSubscribersRequest, ImportOutcome, ImportSubscribersRequest, SubscriberField,
};
use anyhow::Context;
use std::io::BufRead;

fn json(s: &Subscriber) -> serde_json::Value {
    serde_json::json!({
        "account": s.account,
        "name": s.name,
        "phone": s.phone,
        "pppoe_username": s.pppoe_username,
        "has_pppoe_password": s.has_pppoe_password,
        "wifi_ssid": s.wifi_ssid,
        "has_wifi_password": s.has_wifi_password,
        "plan": s.plan,
        "notes": s.notes,
        "status": s.status.as_str(),
        "serial": s.serial,
        "devices": s.devices,
    })
}

fn input(a: &SubscriberArgs) -> anyhow::Result<SubscriberInput> {
    let mut s = SubscriberInput::new(&a.account, &a.name);
    s.phone = a.phone.clone();
    s.pppoe_username = a
        .pppoe_user
        .as_deref()
        .map(PppoeUsername::parse)
        .transpose()?;
    s.wifi_ssid = a.ssid.as_deref().map(Ssid::parse).transpose()?;
    s.serial = a.serial.as_deref().map(SerialNumber::parse).transpose()?;
    s.plan = a.plan.clone();
    s.notes = a.notes.clone();
    let mut lines = std::io::stdin().lock().lines();
    let mut next = |what: &str| -> anyhow::Result<String> {
        lines
            .next()
            .with_context(|| format!("stdin ended before the {what}"))?
            .context("cannot read stdin")
    };
    if a.pppoe_password_stdin {
        s.pppoe_password = Some(PppoePassword::parse(&next("PPPoE password")?)?);
    }
    if a.wifi_password_stdin {
        s.wifi_password = Some(WpaPassphrase::parse(&next("WiFi password")?)?);
    }
    Ok(s)
}

fn print(s: &Subscriber) {
    println!(
        "{:<12} {:<28} {:<10} {:<18} {}",
        s.account,
        s.name,
        s.status.as_str(),
        s.serial.as_deref().unwrap_or("-"),
        s.devices.join(" ")
    );
}

pub(crate) async fn run(ctx: &Ctx, command: SubscriberCommand) -> anyhow::Result<()> {
    let tenant = ctx.tenant().await?;
    let now = acsdesk_core::clock::system_now_ms();
    match command {
        SubscriberCommand::Add(a) => {
            let s = tenant.add_subscriber(&input(&a)?, now).await?;
            services(tenant).reprovision().await;
            println!(
                "Added subscriber {} ({}){}.",
                s.account,
                s.name,
                match (&s.serial, s.devices.is_empty()) {
                    (Some(serial), false) => format!(", linked to router {serial}"),
                    (Some(serial), true) => format!(", router {serial} not seen yet"),
                    (None, _) => String::new(),
                }
            );
        }
        SubscriberCommand::List {
            search,
            status,
            linked,
            unlinked,
            offline,
            provisioning_failed,
            json: as_json,
        } => {
            let rows = tenant
                .list_subscribers(&SubscriberFilter {
                    search,
                    status,
                    linked: if linked {
                        Some(true)
                    } else if unlinked {
                        Some(false)
                    } else {
                        None
                    },
                    problem: if offline {
                        Some(acsdesk_types::RouterProblem::Offline)
                    } else if provisioning_failed {
                        Some(acsdesk_types::RouterProblem::ProvisioningFailed)
                    } else {
                        None
                    },
                    limit: None,
                })
                .await?;
            if as_json {
                let all: Vec<_> = rows.iter().map(json).collect();
                println!("{}", serde_json::to_string_pretty(&all)?);
            } else {
                rows.iter().for_each(print);
            }
        }
        SubscriberCommand::Show {
            account,
            json: as_json,
        } => {
            let s = tenant.subscriber(&account).await?;
            if as_json {
                println!("{}", serde_json::to_string_pretty(&json(&s))?);
            } else {
                print(&s);
            }
        }
        SubscriberCommand::Link { account, serial } => {
            let s = tenant
                .link_subscriber(&account, &SerialNumber::parse(&serial)?, now)
                .await?;
            services(tenant).reprovision().await;
            println!(
                "Subscriber {} linked to router {}{}.",
                s.account,
                s.serial.as_deref().unwrap_or_default(),
                if s.devices.is_empty() {
                    " (not seen yet: it is linked when it informs)"
                } else {
                    ""
                }
            );
        }
        SubscriberCommand::Unlink { account } => {
            tenant.unlink_subscriber(&account, now).await?;
            services(tenant).reprovision().await;
            println!("Subscriber {account} has no router linked now.");
        }
        SubscriberCommand::Remove { account } => {
            tenant.remove_subscriber(&account).await?;
            services(tenant).reprovision().await;
            println!("Removed subscriber {account}.");
        }
        SubscriberCommand::Import {
            file,
            dry_run,
            mapping,
            json: as_json,
        } => import(&services(tenant), &file, dry_run, &mapping, as_json).await?,
        SubscriberCommand::Export { file, with_secrets } => {
            export(&services(tenant), file.as_deref(), with_secrets).await?;
        }
    }
    Ok(())
}

/// `--map HEADER=FIELD` as a mapping.
fn mapping(pairs: &[String]) -> anyhow::Result<Vec<(String, SubscriberField)>> {
    pairs
        .iter()
        .map(|p| {
            let (header, field) = p
                .rsplit_once('=')
                .with_context(|| format!("--map {p:?}: write HEADER=FIELD"))?;
            let field = SubscriberField::parse(field).with_context(|| {
                let names: Vec<&str> = SubscriberField::ALL.iter().map(|f| f.header()).collect();
                format!("--map {p:?}: {field:?} is not one of {}", names.join(", "))
            })?;
            Ok((header.to_owned(), field))
        })
        .collect()
}

/// The application's services over the tenant this command opened.
fn services(tenant: acsdesk_core::store::TenantStore) -> Services {
    Services::new(tenant, acsdesk_core::clock::system(), "cli")
}

async fn import(
    services: &Services,
    file: &std::path::Path,
    dry_run: bool,
    pairs: &[String],
    as_json: bool,
) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let csv = String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{} is not UTF-8 text ({e}); save it as UTF-8 CSV",
            file.display()
        )
    })?;
    let report = services
        .import_subscribers(ImportSubscribersRequest {
            csv,
            mapping: mapping(pairs)?,
            dry_run,
        })
        .await
        .map_err(app_err)?;
    if as_json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    for r in &report.rows {
        match r.outcome {
            ImportOutcome::Refused => println!(
                "line {:>5}  {:<12} refused{}: {}",
                r.line,
                r.account,
                r.column
                    .map(|c| format!(" ({})", c.header()))
                    .unwrap_or_default(),
                r.reason.as_deref().unwrap_or_default()
            ),
            ImportOutcome::Update => {
                let changed: Vec<&str> = r.changes.iter().map(|c| c.header()).collect();
                println!(
                    "line {:>5}  {:<12} update: {}",
                    r.line,
                    r.account,
                    changed.join(", ")
                );
            }
            ImportOutcome::Create => println!("line {:>5}  {:<12} create", r.line, r.account),
            ImportOutcome::Unchanged => {}
        }
    }
    if !report.ignored_headers.is_empty() {
        println!(
            "Not imported (no field): {}",
            report.ignored_headers.join(", ")
        );
    }
    println!(
        "{} {} created, {} updated, {} unchanged, {} refused.",
        if report.applied {
            "Imported:"
        } else {
            "Dry run, nothing written:"
        },
        report.created,
        report.updated,
        report.unchanged,
        report.refused
    );
    Ok(())
}

async fn export(
    services: &Services,
    file: Option<&std::path::Path>,
    with_secrets: bool,
) -> anyhow::Result<()> {
    let text = services
        .export_subscribers(ExportSubscribersRequest { with_secrets })
        .await
        .map_err(app_err)?;
    if with_secrets {
        eprintln!("acsdesk: the export holds the subscribers' PPPoE and WiFi passwords: keep it safe and delete it when done");
    }
    match file {
        None => print!("{text}"),
        Some(path) => {
            acsdesk_core::paths::write_private(path, text.as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
            let rows = text.lines().count().saturating_sub(1);
            println!("Wrote {} ({rows} subscribers).", path.display());
        }
    }
    Ok(())
}
