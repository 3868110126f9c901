//! `acsdesk subscriber add|list|show|link|unlink|remove|import|export`: the tenant's
//! subscribers and the routers linked to them. Passwords are read from stdin and never
//! printed; an export holds them only when asked for. Every command goes through the
//! application's services, as the desktop's Subscribers page does: the same checks, and
//! where auto-provisioning is installed a change reaches GenieACS at once (an online
//! router is asked to apply it).

use super::{app_err, Ctx};
use crate::cli::{SubscriberArgs, SubscriberCommand};
use acsdesk_app::Services;
use acsdesk_types::subscribers::{
    ExportSubscribersRequest, ImportOutcome, ImportSubscribersRequest, ListSubscribersRequest,
    RemoveSubscriberRequest, SaveSubscriberRequest, SubscriberField, SubscriberInfo,
};
use anyhow::Context;
use std::io::BufRead;

/// The request `add` makes of the application, from the options and stdin.
fn request(a: &SubscriberArgs) -> anyhow::Result<SaveSubscriberRequest> {
    let mut lines = std::io::stdin().lock().lines();
    let mut next = |what: &str| -> anyhow::Result<String> {
        lines
            .next()
            .with_context(|| format!("stdin ended before the {what}"))?
            .context("cannot read stdin")
    };
    let pppoe_password = if a.pppoe_password_stdin {
        Some(next("PPPoE password")?)
    } else {
        None
    };
    let wifi_password = if a.wifi_password_stdin {
        Some(next("WiFi password")?)
    } else {
        None
    };
    Ok(SaveSubscriberRequest {
        original: None,
        account: a.account.clone(),
        name: a.name.clone(),
        phone: a.phone.clone(),
        pppoe_username: a.pppoe_user.clone(),
        pppoe_password: pppoe_password.map(Into::into),
        wifi_ssid: a.ssid.clone(),
        wifi_password: wifi_password.map(Into::into),
        serial: a.serial.clone(),
        plan: a.plan.clone(),
        notes: a.notes.clone(),
        status: "active".into(),
    })
}

fn print(s: &SubscriberInfo) {
    println!(
        "{:<12} {:<28} {:<10} {:<18} {}",
        s.account,
        s.name,
        s.status,
        s.serial.as_deref().unwrap_or("-"),
        s.devices.join(" ")
    );
}

/// The most subscribers `subscriber list` prints (the store's own cap on one list).
const SUBSCRIBERS_LISTED: u32 = 100_000;

pub(crate) async fn run(ctx: &Ctx, command: SubscriberCommand) -> anyhow::Result<()> {
    let services = ctx.services().await?;
    match command {
        SubscriberCommand::Add(a) => {
            let s = services
                .save_subscriber(request(&a)?)
                .await
                .map_err(app_err)?;
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
            let rows = services
                .list_subscribers(ListSubscribersRequest {
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
                    limit: SUBSCRIBERS_LISTED,
                })
                .await
                .map_err(app_err)?;
            if rows.len() as u32 >= SUBSCRIBERS_LISTED {
                eprintln!(
                    "showing the first {SUBSCRIBERS_LISTED} subscribers: there may be more (narrow with --search or --status)"
                );
            }
            if as_json {
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                rows.iter().for_each(print);
            }
        }
        SubscriberCommand::Show {
            account,
            json: as_json,
        } => {
            let s = services.subscriber(&account).await.map_err(app_err)?;
            if as_json {
                println!("{}", serde_json::to_string_pretty(&s)?);
            } else {
                print(&s);
            }
        }
        SubscriberCommand::Link { account, serial } => {
            let s = services
                .link_subscriber(&account, &serial)
                .await
                .map_err(app_err)?;
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
            services
                .unlink_subscriber(&account)
                .await
                .map_err(app_err)?;
            println!("Subscriber {account} has no router linked now.");
        }
        SubscriberCommand::Remove { account } => {
            services
                .remove_subscriber(RemoveSubscriberRequest {
                    account: account.clone(),
                })
                .await
                .map_err(app_err)?;
            println!("Removed subscriber {account}.");
        }
        SubscriberCommand::Import {
            file,
            dry_run,
            mapping,
            json: as_json,
        } => import(&services, &file, dry_run, &mapping, as_json).await?,
        SubscriberCommand::Export { file, with_secrets } => {
            export(&services, file.as_deref(), with_secrets).await?;
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
